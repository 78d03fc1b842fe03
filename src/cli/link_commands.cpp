#include "cli/commands.h"

namespace dossier::cli {

void AddLinkCommands(CLI::App&) {}

}  // namespace dossier::cli
