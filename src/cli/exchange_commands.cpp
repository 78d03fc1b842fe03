#include "cli/commands.h"

namespace dossier::cli {

void AddExchangeCommands(CLI::App&) {}

}  // namespace dossier::cli
