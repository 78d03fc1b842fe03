// import and export in the interchange formats (docs/interchange.md).
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/database_options.h"
#include "store/interchange.h"

namespace dossier::cli {

void AddExchangeCommands(CLI::App& app) {
  struct ExportOpts {
    DatabaseOptions db;
    std::string out, format = "json";
    bool full = false;
  };
  auto e = std::make_shared<ExportOpts>();
  auto* exp = app.add_subcommand("export", "Export the whole database (pseudonymised unless --full)");
  AddDatabaseOptions(exp, e->db);
  exp->add_option("--out", e->out, "Output file (json) or directory (csv); - for standard output (json)")->required();
  exp->add_option("--format", e->format, "json or csv")->check(CLI::IsMember({"json", "csv"}));
  exp->add_flag("--full", e->full, "Include names, birth dates, family links and free text (identifiable!)");
  exp->callback([e] {
    auto store = OpenStoreOrExit(e->db);
    ExportOptions options{e->full};
    if (e->format == "csv") {
      OrExit(ExportCsv(*store, e->out, options));
      return;
    }
    if (e->out == "-") {
      OrExit(ExportJson(*store, std::cout, options));
      return;
    }
    // Write beside the target and rename, so a failed export never leaves half a file.
    const std::string tmp = e->out + ".partial";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) Exit(Error::Io(fmt::format("cannot write '{}'", e->out)));
      Status s = ExportJson(*store, out, options);
      out.close();
      if (!s.ok() || !out) {
        std::filesystem::remove(tmp);
        Exit(s.ok() ? Error::Io(fmt::format("cannot write '{}'", e->out)) : s.error());
      }
    }
    std::filesystem::rename(tmp, e->out);
    if (e->full) std::cerr << "Warning: this export identifies people. Store and send it encrypted.\n";
  });

  struct ImportOpts {
    DatabaseOptions db;
    std::string input, format;
  };
  auto i = std::make_shared<ImportOpts>();
  auto* imp = app.add_subcommand("import", "Import an interchange file (all or nothing)");
  AddDatabaseOptions(imp, i->db);
  imp->add_option("input", i->input, "JSON file, or directory of CSV files")->required();
  imp->add_option("--format", i->format, "json or csv (default: csv for a directory, else json)")
      ->check(CLI::IsMember({"json", "csv"}));
  imp->callback([i] {
    auto store = OpenStoreOrExit(i->db);
    const bool csv = i->format == "csv" || (i->format.empty() && std::filesystem::is_directory(i->input));
    ImportSummary s = OrExit(csv ? ImportCsv(*store, i->input) : ImportJson(*store, i->input));
    std::cout << fmt::format("Imported {} records: {} sources, {} persons, {} incidents, {} acts, {} involvements.\n",
                             s.total(), s.sources, s.persons, s.incidents, s.acts, s.involvements);
  });
}

}  // namespace dossier::cli
