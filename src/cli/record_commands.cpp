#include "cli/commands.h"

namespace dossier::cli {

void AddRecordCommands(CLI::App&) {}

}  // namespace dossier::cli
