#include "cli/commands.h"

namespace dossier::cli {

void AddEstimateCommands(CLI::App&) {}

}  // namespace dossier::cli
