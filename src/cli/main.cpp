// Entry point of the `dossier` command line; the commands themselves live in src/cli/*_commands.cpp.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Dossier: documentation, case tracking, record linkage and estimation for people at "
               "risk of forced return.",
               "dossier"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "dossier 0.1.0");
  dossier::cli::AddRecordCommands(app);
  dossier::cli::AddExchangeCommands(app);
  dossier::cli::AddLinkCommands(app);
  dossier::cli::AddEstimateCommands(app);
  dossier::cli::AddServeCommands(app);
  dossier::cli::AddReviewCommands(app);
  dossier::cli::AddCaseCommands(app);
  dossier::cli::AddAlertCommands(app);  // after AddCaseCommands: adds `case alert`
  dossier::cli::AddReportCommands(app);
  dossier::cli::AddEvidenceCommands(app);
  dossier::cli::AddIngestCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
