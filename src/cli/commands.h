// The `dossier` command line: each subsystem adds its subcommands to the app here.
//
// One Add*Commands function per file in src/cli/, so a feature's command line lives next to
// nothing else. Each command returns its exit status through CommandResult (see cli/context.h).
#pragma once

#include <CLI/CLI.hpp>

namespace dossier::cli {

void AddRecordCommands(CLI::App& app);    // init, demo, person|incident|source add|list|show
void AddExchangeCommands(CLI::App& app);  // import, export
void AddEstimateCommands(CLI::App& app);  // estimate
void AddLinkCommands(CLI::App& app);      // link
void AddServeCommands(CLI::App& app);     // serve, user, verify
void AddReviewCommands(CLI::App& app);    // review list|confirm|reject|split|undo
void AddCaseCommands(CLI::App& app);      // case add|list|show|transition|intervene
void AddAlertCommands(CLI::App& app);     // case alert ..., case officer-email, subscriber, deliver
void AddReportCommands(CLI::App& app);    // report templates|stats|submission|hxl
void AddEvidenceCommands(CLI::App& app);  // evidence add|list|get|custody|transfer|verify|package, verify-package
void AddIngestCommands(CLI::App& app);    // ingest, candidates list|confirm|reject, search-sources

}  // namespace dossier::cli
