// One estimate per table or stratum, with the plain-language cautions a reader needs.
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "estimate/estimate.h"

namespace dossier::estimate {

namespace {

// Adds a caution in words and, for translations, as a code with the values the words contain.
void Caution(Estimate& e, std::string code, std::vector<std::pair<std::string, std::string>> values,
             std::string text) {
  e.cautions.push_back(std::move(text));
  e.caution_codes.push_back({std::move(code), std::move(values)});
}

std::string Whole(double v) { return fmt::format("{:.0f}", v); }

// Checks that hold for every method; refuses tables that carry no information about N.
Status CheckOverlap(const PatternTable& t, Estimate* e) {
  const int J = static_cast<int>(t.lists.size());
  if (J < 2) return Error::Invalid("estimation needs at least 2 lists");
  const int64_t n = t.Observed();
  if (n == 0) return Error::Invalid("no one was observed on any list");
  int64_t multi = 0;
  for (size_t i = 0; i < t.patterns.size(); ++i) {
    if (std::popcount(t.patterns[i]) >= 2) multi += t.counts[i];
  }
  if (multi == 0) {
    return Error::Invalid(
        "no one appears on more than one list, so the lists say nothing about how many people they all "
        "missed; no estimate can be made");
  }
  std::vector<int64_t> dense = t.Dense();
  std::vector<std::string> isolated;
  for (int a = 0; a < J; ++a) {
    int64_t with_others = 0, on_a = 0;
    for (size_t c = 1; c < dense.size(); ++c) {
      if (!((c >> a) & 1u)) continue;
      on_a += dense[c];
      if (std::popcount(static_cast<uint32_t>(c)) >= 2) with_others += dense[c];
    }
    if (on_a > 0 && with_others == 0) isolated.push_back(t.lists[static_cast<size_t>(a)]);
  }
  if (!isolated.empty()) {
    std::string names;
    for (const auto& s : isolated) names += (names.empty() ? "" : ", ") + s;
    Caution(*e, "isolated_lists", {{"lists", names}}, fmt::format(
        "No one on list(s) {} appears on any other list: nothing links them to the rest, so their part of "
        "the estimate rests on model assumptions alone.",
        names));
  }
  if (multi < 20) {
    Caution(*e, "little_overlap", {{"linked", std::to_string(multi)}, {"observed", std::to_string(n)}}, fmt::format(
        "Only {} of {} people appear on more than one list. With so little overlap the estimate can be far "
        "from the truth; treat it as a rough indication, not a number to publish.",
        multi, n));
  }
  int zero_pairs = 0;
  for (int a = 0; a < J; ++a) {
    for (int b = a + 1; b < J; ++b) {
      int64_t both = 0;
      for (size_t c = 1; c < dense.size(); ++c) {
        if (((c >> a) & 1u) && ((c >> b) & 1u)) both += dense[c];
      }
      zero_pairs += both == 0;
    }
  }
  if (zero_pairs > 0) {
    Caution(*e, "pairs_without_overlap", {{"pairs", std::to_string(zero_pairs)}}, fmt::format(
        "{} pair(s) of lists have no one in common; models with a dependence between such lists cannot be "
        "estimated and are fitted at a boundary.",
        zero_pairs));
  }
  return Ok();
}

void IntervalCautions(Estimate& e) {
  const double n = static_cast<double>(e.n_observed);
  if (!std::isfinite(e.upper)) {
    Caution(e, "no_upper_limit", {},
        "The 95% interval has no upper limit: these lists cannot rule out a very large number of people "
        "never documented. Do not report the point estimate on its own.");
  } else if (e.upper - e.lower > 1.5 * std::max(1.0, e.estimate - n) && e.upper > 2.0 * e.estimate) {
    Caution(e, "wide_interval", {{"lower", Whole(e.lower)}, {"upper", Whole(e.upper)}}, fmt::format(
        "The 95% interval ({:.0f} to {:.0f}) is very wide: the data say little about how many were missed.",
        e.lower, e.upper));
  }
  if (e.estimate > 5.0 * n) {
    Caution(e, "extrapolation", {{"ratio", fmt::format("{:.1f}", e.estimate / n)}}, fmt::format(
        "The estimate is {:.1f} times the number documented: most of it is extrapolation from the overlap "
        "pattern, and depends heavily on the model.",
        e.estimate / n));
  }
}

Result<Estimate> LogLinearEstimate(const PatternTable& t, const LogLinearOptions& o, Estimate e) {
  DOSSIER_ASSIGN_OR_RETURN(LogLinearResult r, FitLogLinear(t, o));
  const ModelFit& m = r.models[0];
  e.method = "loglinear";
  e.model = m.name;
  e.estimate = m.estimate;
  e.lower = m.lower;
  e.upper = m.upper;
  e.diagnostics = {{"std_error", m.std_error},
                   {"unseen", m.unseen},
                   {"deviance", m.deviance},
                   {"df", m.df},
                   {"aic", m.aic},
                   {"bic", m.bic},
                   {"parameters", m.parameters},
                   {"weight", r.weight_best},
                   {"models_fitted", static_cast<double>(r.models.size())}};
  if (r.averaged) {
    e.diagnostics.emplace_back("average_estimate", r.average_estimate);
    e.diagnostics.emplace_back("average_std_error", r.average_std_error);
    e.diagnostics.emplace_back("average_lower", r.average_lower);
    e.diagnostics.emplace_back("average_upper", r.average_upper);
  }
  if (m.boundary) {
    Caution(e, "boundary", {{"model", m.name}}, fmt::format(
        "The selected model {} sits at a boundary (a fitted pattern count is zero): one of its dependence "
        "parameters is not identifiable from these lists, so its estimate is not reliable.",
        m.name));
  }
  if (m.df == 0) {
    Caution(e, "saturated", {}, "The selected model is saturated (no degrees of freedom left): its fit cannot be checked.");
  }
  if (r.weight_best < 0.5 && r.models.size() > 1) {
    const double other = r.models[1].estimate;
    Caution(e, "model_uncertain",
            {{"weight", Whole(100 * r.weight_best)}, {"other_model", r.models[1].name}, {"other_estimate", Whole(other)}},
            fmt::format(
        "Model choice is uncertain: the selected model carries {:.0f}% of the weight, and the next best ({}) "
        "gives {:.0f}. Compare with --average or --method lcmcr.",
        100 * r.weight_best, r.models[1].name, other));
  }
  IntervalCautions(e);
  return e;
}

Result<Estimate> LcmcrEstimate(const PatternTable& t, const LcmcrOptions& o, Estimate e) {
  DOSSIER_ASSIGN_OR_RETURN(LcmcrResult r, FitLcmcr(t, o));
  e.method = "lcmcr";
  for (const auto& chain : r.draws) e.draws.insert(e.draws.end(), chain.begin(), chain.end());
  e.estimate = r.median;
  e.lower = r.lower;
  e.upper = r.upper;
  e.diagnostics = {{"posterior_mean", r.mean},
                   {"rhat", r.rhat},
                   {"ess", r.ess},
                   {"mean_occupied_classes", r.mean_classes},
                   {"classes", o.classes},
                   {"chains", o.chains},
                   {"burnin", static_cast<double>(o.burnin)},
                   {"samples_per_chain", static_cast<double>(o.samples)},
                   {"thin", static_cast<double>(o.thin)},
                   {"seed", static_cast<double>(o.seed)}};
  if (r.rhat > 1.1) {
    Caution(e, "not_converged", {{"rhat", fmt::format("{:.2f}", r.rhat)}}, fmt::format(
        "The sampler's chains disagree (R-hat {:.2f} > 1.1): the result is not yet reliable; run longer "
        "(more burn-in and samples).",
        r.rhat));
  }
  if (r.ess < 400) {
    Caution(e, "few_effective_draws", {{"ess", Whole(r.ess)}}, fmt::format(
        "Only about {:.0f} effectively independent draws: the interval ends are imprecise; run longer.", r.ess));
  }
  IntervalCautions(e);
  return e;
}

}  // namespace

std::vector<HistogramBin> Histogram(const std::vector<int64_t>& values, int max_bins) {
  std::vector<HistogramBin> bins;
  if (values.empty() || max_bins < 1) return bins;
  const auto [lo_it, hi_it] = std::minmax_element(values.begin(), values.end());
  const int64_t lo = *lo_it, span = *hi_it - lo + 1;
  // Whole-number bins of equal width, so no bin holds more possible values than another.
  const int64_t width = (span + max_bins - 1) / max_bins;
  const int64_t count = (span + width - 1) / width;
  for (int64_t b = 0; b < count; ++b) bins.push_back({lo + b * width, lo + (b + 1) * width - 1, 0});
  for (int64_t v : values) ++bins[static_cast<size_t>((v - lo) / width)].count;
  return bins;
}

Result<Estimate> EstimateTable(const PatternTable& table, const EstimateOptions& options) {
  Estimate e;
  e.lists = static_cast<int>(table.lists.size());
  e.n_observed = table.Observed();
  DOSSIER_RETURN_IF_ERROR(CheckOverlap(table, &e));
  if (options.method == Method::kLogLinear) return LogLinearEstimate(table, options.loglinear, std::move(e));
  return LcmcrEstimate(table, options.lcmcr, std::move(e));
}

Result<std::vector<Estimate>> EstimateStrata(const std::vector<StratumTable>& strata, const EstimateOptions& options) {
  std::vector<Estimate> out;
  EstimateOptions o = options;
  for (const auto& s : strata) {
    if (options.lcmcr.progress) {
      // The caller sees the fraction of all strata done.
      const double done = static_cast<double>(out.size()), total = static_cast<double>(strata.size());
      o.lcmcr.progress = [&options, done, total](double f) { return options.lcmcr.progress((done + f) / total); };
    }
    auto r = EstimateTable(s.table, o);
    if (!r.ok()) {
      if (s.key.empty()) return r.error();
      if (r.error().code != ErrorCode::kInvalidArgument) {
        return Error{r.error().code, fmt::format("stratum {}: {}", s.label, r.error().message)};
      }
      Estimate refused;
      refused.stratum = s.label;
      refused.method = options.method == Method::kLogLinear ? "loglinear" : "lcmcr";
      refused.lists = static_cast<int>(s.table.lists.size());
      refused.n_observed = s.table.Observed();
      refused.estimate = refused.lower = refused.upper = std::numeric_limits<double>::quiet_NaN();
      refused.not_estimated = r.error().message;
      out.push_back(std::move(refused));
      continue;
    }
    r->stratum = s.label;
    out.push_back(std::move(r).value());
  }
  const bool none = std::all_of(out.begin(), out.end(), [](const Estimate& e) { return !e.not_estimated.empty(); });
  if (!out.empty() && none) {
    return Error::Invalid(fmt::format("no stratum can be estimated; stratum {}: {}", out[0].stratum, out[0].not_estimated));
  }
  return out;
}

Result<std::vector<Estimate>> EstimateHistories(const std::vector<CaptureHistory>& people,
                                                const std::vector<std::string>& strata,
                                                const EstimateOptions& options) {
  DOSSIER_ASSIGN_OR_RETURN(auto tables, TabulateHistories(people, {}, strata));
  return EstimateStrata(tables, options);
}

}  // namespace dossier::estimate
