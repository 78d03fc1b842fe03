// `dossier link`: file mode. Links partner CSV files before import and writes one line per input
// record, "source,record_id,cluster_id". The database mode (--db) is in review_commands.cpp.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/review_commands.h"
#include "linkage/link.h"
#include "linkage/names.h"
#include "linkage/tabular.h"

namespace dossier::cli {
namespace {

struct LinkArgs {
  std::vector<std::string> inputs;
  std::string config;
  std::string out;
  int threads = 0;
};

Status RunLink(const LinkArgs& args) {
  if (args.inputs.empty()) return Error::Invalid("link: give at least one --input file");
  DOSSIER_ASSIGN_OR_RETURN(linkage::FileConfig config, linkage::LoadFileConfig(args.config));
  if (args.threads > 0) config.options.threads = args.threads;
  std::vector<linkage::LinkRecord> records;
  for (const auto& path : args.inputs) {
    std::string source = std::filesystem::path(path).filename().string();
    DOSSIER_ASSIGN_OR_RETURN(linkage::FileRecords file, linkage::ReadRecordsCsv(path, source, config));
    for (auto& r : file.records) records.push_back(std::move(r));
  }
  DOSSIER_ASSIGN_OR_RETURN(auto tables, linkage::LoadNameTables());
  DOSSIER_ASSIGN_OR_RETURN(linkage::LinkResult result, linkage::Link(*tables, records, config.options));
  DOSSIER_RETURN_IF_ERROR(linkage::WriteClustersCsv(args.out, records, result.cluster_of));
  uint32_t clusters = 0;
  for (uint32_t c : result.cluster_of) clusters = std::max(clusters, c + 1);
  std::fprintf(stderr, "dossier link: %zu records, %llu candidate pairs, %zu pairs above review threshold, %u clusters\n",
               records.size(), static_cast<unsigned long long>(result.stats.candidate_pairs), result.pairs.size(),
               clusters);
  return Ok();
}

}  // namespace

void AddLinkCommands(CLI::App& app) {
  auto args = std::make_shared<LinkArgs>();
  CLI::App* cmd = app.add_subcommand("link", "Link records of the same person across files, scripts and romanisations");
  cmd->add_option("--input", args->inputs, "CSV file of records (repeat for several sources)");
  cmd->add_option("--config", args->config, "JSON config mapping the file's columns to the model's fields");
  cmd->add_option("--out", args->out, "Output CSV: source,record_id,cluster_id");
  cmd->add_option("--threads", args->threads, "Worker threads (default from the config, else 2)");
  auto db = std::make_shared<DatabaseLinkArgs>();
  cmd->add_option("--db", db->db.db_path, "Link the persons in this database; candidate pairs go to the review queue");
  cmd->add_option("--key-file", db->db.key_file, "Key file that unlocks the database (default: $DOSSIER_KEY_FILE)");
  cmd->add_option("--review-threshold", db->review_probability, "With --db: queue pairs at or above this probability");
  cmd->callback([args, db] {
    if (!db->db.db_path.empty()) {
      if (!args->inputs.empty()) Exit(Error::Invalid("link: give either --db or --input files, not both"));
      db->threads = args->threads;
      RunDatabaseLink(*db);
      return;
    }
    if (args->config.empty() || args->out.empty()) Exit(Error::Invalid("link: file mode needs --input, --config and --out"));
    OrExit(RunLink(*args));
  });
}

}  // namespace dossier::cli
