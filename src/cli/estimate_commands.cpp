// `dossier estimate`: multiple systems estimation from a CSV of capture-pattern counts.
//
// (Estimation from the database, --db, will call estimate::EstimateHistories with the linked
// people once the store and linkage provide them.)
#include <cmath>
#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "analysis/analysis.h"
#include "cli/database_options.h"
#include "estimate/estimate.h"
#include "estimate/estimate_json.h"

namespace dossier::cli {

namespace {

struct EstimateArgs {
  std::string patterns;
  DatabaseOptions db;
  std::string list_by = "publisher";
  std::string incident_type;
  std::vector<std::string> strata;
  std::string method = "loglinear";
  std::string select = "bic";
  int max_order = 0;
  bool average = false;
  uint64_t seed = 1;
  int classes = 10;
  int chains = 4;
  int64_t burnin = 20000;
  int64_t samples = 2500;
  int64_t thin = 20;
  bool json = false;
};

std::string Limit(double v) { return std::isfinite(v) ? fmt::format("{:.0f}", v) : "no upper limit"; }

void PrintText(const estimate::Estimate& e, std::ostream& out) {
  out << fmt::format("Stratum {}: {} people documented on {} lists.\n", e.stratum, e.n_observed, e.lists);
  if (!e.not_estimated.empty()) {
    out << "Not estimated: " << e.not_estimated << "\n";
    return;
  }
  if (e.method == "loglinear") {
    out << fmt::format("Log-linear model {}: estimated total {:.0f} (95% profile-likelihood interval {} to {}).\n",
                       e.model, e.estimate, Limit(e.lower), Limit(e.upper));
  } else {
    out << fmt::format("LCMCR: posterior median total {:.0f} (95% credible interval {} to {}).\n", e.estimate,
                       Limit(e.lower), Limit(e.upper));
  }
  std::string diag;
  for (const auto& [k, v] : e.diagnostics) diag += fmt::format("{}{}={:.6g}", diag.empty() ? "" : ", ", k, v);
  out << "Diagnostics: " << diag << "\n";
  for (const auto& c : e.cautions) out << "Caution: " << c << "\n";
}

void Run(const EstimateArgs& a) {
  estimate::EstimateOptions o;
  if (a.method == "loglinear") {
    o.method = estimate::Method::kLogLinear;
  } else if (a.method == "lcmcr") {
    o.method = estimate::Method::kLcmcr;
  } else {
    Exit(Error::Invalid(fmt::format("--method must be loglinear or lcmcr, not `{}`", a.method)));
  }
  if (a.select == "bic") {
    o.loglinear.select = estimate::Criterion::kBic;
  } else if (a.select == "aic") {
    o.loglinear.select = estimate::Criterion::kAic;
  } else {
    Exit(Error::Invalid(fmt::format("--select must be bic or aic, not `{}`", a.select)));
  }
  o.loglinear.max_order = a.max_order;
  o.loglinear.average = a.average;
  o.lcmcr.seed = a.seed;
  o.lcmcr.classes = a.classes;
  o.lcmcr.chains = a.chains;
  o.lcmcr.burnin = a.burnin;
  o.lcmcr.samples = a.samples;
  o.lcmcr.thin = a.thin;
  if (a.patterns.empty() == a.db.db_path.empty()) Exit(Error::Invalid("give exactly one of --patterns and --db"));
  std::vector<estimate::StratumTable> tables;
  if (!a.patterns.empty()) {
    tables = OrExit(estimate::ReadPatternCsv(a.patterns, a.strata));
  } else {
    // Unique persons (clusters of linked records) and the source lists each is on.
    auto store = OpenStoreOrExit(a.db);
    analysis::HistoryOptions h;
    if (a.list_by != "publisher" && a.list_by != "source") Exit(Error::Invalid("--list-by must be publisher or source"));
    h.list_by = a.list_by == "source" ? analysis::ListBy::kSource : analysis::ListBy::kPublisher;
    h.strata = a.strata;
    h.incident_type = a.incident_type;
    auto histories = OrExit(analysis::CaptureHistories(*store, h));
    tables = OrExit(estimate::TabulateHistories(histories, {}, a.strata));
  }
  auto results = OrExit(estimate::EstimateStrata(tables, o));
  if (a.json) {
    nlohmann::ordered_json out;
    if (results.size() == 1 && a.strata.empty()) {
      out = estimate::ToJson(results[0]);
    } else {
      out["strata"] = nlohmann::ordered_json::array();
      for (const auto& e : results) out["strata"].push_back(estimate::ToJson(e));
    }
    std::cout << out.dump(2) << "\n";
    return;
  }
  for (size_t i = 0; i < results.size(); ++i) {
    if (i) std::cout << "\n";
    PrintText(results[i], std::cout);
  }
}

}  // namespace

void AddEstimateCommands(CLI::App& app) {
  auto args = std::make_shared<EstimateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "estimate", "Estimate how many people were on none of several overlapping lists (multiple systems estimation)");
  cmd->add_option("--db", args->db.db_path, "Estimate from the database: unique persons after linkage");
  cmd->add_option("--key-file", args->db.key_file, "Key file that unlocks the database (default: $DOSSIER_KEY_FILE)");
  cmd->add_option("--list-by", args->list_by, "With --db: a list is each publisher (default) or each source");
  cmd->add_option("--incident-type", args->incident_type, "With --db: only victims of this incident type, e.g. forced_return");
  cmd->add_option("--patterns", args->patterns,
                  "CSV of capture-pattern counts: one 0/1 column per list and a `count` column")
      ->check(CLI::ExistingFile);
  cmd->add_option("--strata", args->strata, "Columns of the CSV to stratify by (one estimate per value)")
      ->delimiter(',');
  cmd->add_option("--method", args->method, "loglinear or lcmcr")->capture_default_str();
  cmd->add_option("--select", args->select, "Log-linear model selection: bic or aic")->capture_default_str();
  cmd->add_option("--max-order", args->max_order,
                  "Highest log-linear interaction (default: lists-1 up to 4 lists, else 2)");
  cmd->add_flag("--average", args->average, "Also report the AIC/BIC-weighted log-linear model average");
  cmd->add_option("--seed", args->seed, "LCMCR random seed (same seed, same result)")->capture_default_str();
  cmd->add_option("--classes", args->classes, "LCMCR latent classes K")->capture_default_str();
  cmd->add_option("--chains", args->chains, "LCMCR chains")->capture_default_str();
  cmd->add_option("--burnin", args->burnin, "LCMCR burn-in iterations per chain")->capture_default_str();
  cmd->add_option("--samples", args->samples, "LCMCR draws kept per chain")->capture_default_str();
  cmd->add_option("--thin", args->thin, "LCMCR iterations per kept draw")->capture_default_str();
  cmd->add_flag("--json", args->json, "Print the result as JSON");
  cmd->callback([args] { Run(*args); });
}

}  // namespace dossier::cli
