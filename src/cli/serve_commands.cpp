#include "cli/commands.h"

namespace dossier::cli {

void AddServeCommands(CLI::App&) {}

}  // namespace dossier::cli
