// Multiple systems estimation: how many people were on none of several overlapping lists.
//
// Input is a PatternTable (how many people have each capture pattern), read from a CSV of
// pattern counts or tabulated from linked capture histories, optionally split into strata.
// Two estimators: log-linear models fitted by Poisson regression and ranked by AIC/BIC
// (FitLogLinear), and the Bayesian latent-class model LCMCR of Manrique-Vallier (2016)
// (FitLcmcr). Estimate/EstimateStrata run either one and add plain-language cautions.
// All functions are pure and return Result; nothing throws across this header.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/result.h"

namespace dossier::estimate {

// Counts of people per capture pattern. Bit j of a pattern is set when the person is on list j.
// The all-zero pattern is never stored (it is what we estimate). Patterns not present count 0.
struct PatternTable {
  std::vector<std::string> lists;
  std::vector<uint32_t> patterns;  // distinct, nonzero, < 2^lists.size()
  std::vector<int64_t> counts;     // same length as patterns, >= 0

  int64_t Observed() const;               // n: people on at least one list
  std::vector<int64_t> Dense() const;     // count per pattern 0..2^J-1 (index 0 is 0)
};

// One stratum (e.g. year=2019, province=North Hamgyong) and its table. `key` is empty and
// `label` is "all" when the data are not stratified.
struct StratumTable {
  std::vector<std::pair<std::string, std::string>> key;
  std::string label;
  PatternTable table;
};

// Reads a CSV with one 0/1 column per list, a `count` column and optionally the stratum
// columns named in `strata_columns`. Errors name the file, line and column at fault.
Result<std::vector<StratumTable>> ParsePatternCsv(std::string_view text, const std::string& name,
                                                  const std::vector<std::string>& strata_columns = {});
Result<std::vector<StratumTable>> ReadPatternCsv(const std::string& path,
                                                 const std::vector<std::string>& strata_columns = {});

// One unique person after linkage: the source lists they appear on and their stratum values.
struct CaptureHistory {
  std::vector<std::string> lists;
  std::map<std::string, std::string> strata;  // e.g. {"year": "2019"}
};

// Tabulates histories into pattern tables, one per combination of the named strata. `lists`
// fixes the list order (every list named in a history must be in it); empty means the lists
// seen, sorted by name. People on no list are an error (they cannot have been observed).
Result<std::vector<StratumTable>> TabulateHistories(const std::vector<CaptureHistory>& people,
                                                    const std::vector<std::string>& lists,
                                                    const std::vector<std::string>& strata);

// ---- Log-linear models -------------------------------------------------------------------

enum class Criterion { kBic, kAic };

// One fitted hierarchical model. `terms` are the interaction terms (bit masks of 2+ lists);
// main effects and the intercept are always in. Named like Rcapture: "[12,13,4]".
struct ModelFit {
  std::vector<uint32_t> terms;
  std::string name;
  bool converged = false;
  bool boundary = false;   // some fitted cell went to 0: a parameter is at infinity
  int parameters = 0;      // intercept + main effects + interactions
  int df = 0;              // cells observed (2^J - 1) minus parameters
  double deviance = 0, aic = 0, bic = 0;
  double unseen = 0;       // exp(intercept): fitted count of the all-zero cell
  double estimate = 0;     // n + unseen
  double std_error = 0;    // delta method, Poisson sampling
  double lower = 0, upper = 0;  // Cormack profile likelihood 95%; upper may be +infinity
  bool has_interval = false;
};

struct LogLinearOptions {
  int max_order = 0;          // highest interaction; 0 = J-1 for J <= 4 lists, else 2
  Criterion select = Criterion::kBic;
  bool average = false;       // also report the criterion-weighted model average
  size_t max_models = 40000;  // refuse rather than fit more models than this
};

struct LogLinearResult {
  std::vector<ModelFit> models;  // every model, best criterion first; models[0] is selected
  double weight_best = 0;        // criterion weight exp(-d/2)/sum of the selected model
  bool averaged = false;
  double average_estimate = 0, average_std_error = 0, average_lower = 0, average_upper = 0;
};

// Every hierarchical model with interactions up to `max_order` (each a list of term masks).
std::vector<std::vector<uint32_t>> HierarchicalModels(int lists, int max_order);

// Fits one model (with its profile interval when `interval` is true).
Result<ModelFit> FitLogLinearModel(const PatternTable& table, const std::vector<uint32_t>& terms,
                                   bool interval = true);
// Fits and ranks every hierarchical model; the profile interval is computed for the selected one.
Result<LogLinearResult> FitLogLinear(const PatternTable& table, const LogLinearOptions& options = {});

// ---- LCMCR -------------------------------------------------------------------------------

struct LcmcrOptions {
  int classes = 10;          // K, truncation of the stick-breaking prior
  int chains = 4;
  int64_t burnin = 20000;    // iterations discarded per chain
  int64_t samples = 2500;    // draws kept per chain
  int64_t thin = 20;         // iterations per kept draw
  uint64_t seed = 1;
  double alpha_shape = 0.25, alpha_rate = 0.25;  // Gamma prior on the concentration
  // Chains run in parallel on up to this many threads (0: one per core). Each chain has its own
  // seed, so the result does not depend on the number of threads.
  int threads = 0;
  // Called now and then with the fraction of sweeps done (0..1); returning false stops the run,
  // which then fails with kConflict ("stopped"). For servers that must not wait on a long run.
  // Calls come from the chains' threads, one at a time.
  std::function<bool(double)> progress;
};

struct LcmcrResult {
  std::vector<std::vector<int64_t>> draws;  // N per kept iteration, one vector per chain
  double median = 0, mean = 0, lower = 0, upper = 0;  // of N; lower/upper are 2.5%/97.5%
  double rhat = 0;      // split R-hat of N across chains (1 = converged)
  double ess = 0;       // effective sample size of N
  double mean_classes = 0;  // posterior mean number of occupied latent classes
};

Result<LcmcrResult> FitLcmcr(const PatternTable& table, const LcmcrOptions& options = {});

// Runs `iterations` Gibbs sweeps on one chain and returns the last N; for benchmarks.
Result<int64_t> RunLcmcrChain(const PatternTable& table, const LcmcrOptions& options,
                              int64_t iterations);

namespace internal {
// For tests of the sampler: the LCMCR Gibbs sampler run on `lists` lists with no one observed
// (options.burnin sweeps first, then `sweeps` recorded). Every step then draws from the prior
// (n0 = 0, capture probabilities Uniform(0, 1), V_k ~ Beta(1, alpha), alpha given V), so alpha
// must follow its Gamma prior and the class weights the stick-breaking prior ("prior recovery").
struct LcmcrPriorDraw {
  double alpha = 0;
  std::vector<double> pi;  // K class weights
};
std::vector<LcmcrPriorDraw> LcmcrPriorDraws(int lists, const LcmcrOptions& options, int64_t sweeps);
}  // namespace internal

// ---- One call for the command line and the store --------------------------------------------

enum class Method { kLogLinear, kLcmcr };

struct EstimateOptions {
  Method method = Method::kLogLinear;
  LogLinearOptions loglinear;
  LcmcrOptions lcmcr;
};

// A caution as a stable code (for translations) with the values its text names, e.g.
// {"little_overlap", {{"linked", "12"}, {"observed", "300"}}}.
struct CautionCode {
  std::string code;
  std::vector<std::pair<std::string, std::string>> values;
};

// What a caller shows: the point estimate (MLE of the selected log-linear model, or LCMCR
// posterior median) with a 95% interval, diagnostics by name, and cautions in plain words.
struct Estimate {
  std::string stratum = "all";
  std::string method;  // "loglinear" or "lcmcr"
  int lists = 0;
  int64_t n_observed = 0;
  double estimate = 0, lower = 0, upper = 0;
  std::vector<std::pair<std::string, double>> diagnostics;  // e.g. {"bic", 200.1}, {"rhat", 1.0}
  std::string model;                 // selected log-linear model, e.g. "[12,13,45]"
  std::vector<std::string> cautions; // empty when nothing calls for care
  std::vector<CautionCode> caution_codes;  // the same cautions, same order, as codes
  std::vector<int64_t> draws;        // LCMCR: posterior draws of N, chains one after another
  // A stratum that could not be estimated says why here and has no figures (estimate, lower and
  // upper are NaN), so one year without overlap does not sink the estimates of all the others.
  std::string not_estimated;
};

// Counts of values in equal-width bins of whole numbers [lo, hi], for drawing a posterior.
struct HistogramBin {
  int64_t lo = 0, hi = 0;  // inclusive
  int64_t count = 0;
};
// At most `max_bins` bins covering min..max of `values` (none when `values` is empty).
std::vector<HistogramBin> Histogram(const std::vector<int64_t>& values, int max_bins);

// Refuses (kInvalidArgument, with the reason) a table no method can use: fewer than 2 lists,
// no one observed, or no overlap between any lists.
Result<Estimate> EstimateTable(const PatternTable& table, const EstimateOptions& options);
// One Estimate per stratum. A stratum that cannot be estimated (kInvalidArgument) comes back with
// the reason in `not_estimated`; when no stratum can be, the first reason is the error.
Result<std::vector<Estimate>> EstimateStrata(const std::vector<StratumTable>& strata,
                                             const EstimateOptions& options);
// The entry point for `dossier estimate --db`: linked people in, an estimate per stratum out.
Result<std::vector<Estimate>> EstimateHistories(const std::vector<CaptureHistory>& people,
                                                const std::vector<std::string>& strata,
                                                const EstimateOptions& options);

}  // namespace dossier::estimate
