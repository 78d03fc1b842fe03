// Log-linear models for capture patterns: hierarchical model enumeration, Poisson IRLS,
// AIC/BIC ranking, delta-method standard errors and Cormack's profile-likelihood interval.
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numeric>

#include <Eigen/Dense>
#include <fmt/format.h>

#include "estimate/estimate.h"

namespace dossier::estimate {

namespace {

constexpr int kMaxLogLinearLists = 6;
constexpr double kChi2_95 = 3.841458820694124;  // 95% quantile of chi-square with 1 df

// Columns: intercept, one per list, one per interaction term; rows: patterns first..2^J-1.
Eigen::MatrixXd MakeDesign(int lists, const std::vector<uint32_t>& terms, uint32_t first_pattern) {
  const uint32_t cells = 1u << lists;
  const int p = 1 + lists + static_cast<int>(terms.size());
  Eigen::MatrixXd x(cells - first_pattern, p);
  for (uint32_t c = first_pattern; c < cells; ++c) {
    const int r = static_cast<int>(c - first_pattern);
    x(r, 0) = 1.0;
    for (int j = 0; j < lists; ++j) x(r, 1 + j) = (c >> j) & 1u ? 1.0 : 0.0;
    for (size_t t = 0; t < terms.size(); ++t) x(r, 1 + lists + static_cast<int>(t)) = (c & terms[t]) == terms[t] ? 1.0 : 0.0;
  }
  return x;
}

struct Fit {
  bool ok = false;
  Eigen::VectorXd beta;
  Eigen::VectorXd mu;
  double var_b0 = 0;
};

// Poisson regression with log link by iteratively reweighted least squares.
Fit Irls(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, bool want_cov) {
  Fit f;
  const Eigen::Index n = x.rows();
  Eigen::VectorXd mu = y.array() + 0.1;
  Eigen::VectorXd eta = mu.array().log();
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(x.cols());
  double dev_old = std::numeric_limits<double>::infinity();
  Eigen::MatrixXd xtwx(x.cols(), x.cols());
  Eigen::VectorXd z(n);
  for (int it = 0; it < 200; ++it) {
    z = eta.array() + (y.array() - mu.array()) / mu.array();
    Eigen::MatrixXd xw = x.array().colwise() * mu.array();
    xtwx.noalias() = x.transpose() * xw;
    Eigen::LDLT<Eigen::MatrixXd> ldlt(xtwx);
    if (ldlt.info() != Eigen::Success || !ldlt.isPositive()) return f;
    beta = ldlt.solve(xw.transpose() * z);
    if (!beta.allFinite()) return f;
    eta.noalias() = x * beta;
    eta = eta.cwiseMin(700.0);
    mu = eta.array().exp().max(1e-300);
    double dev = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      dev += 2.0 * ((y[i] > 0 ? y[i] * std::log(y[i] / mu[i]) : 0.0) - (y[i] - mu[i]));
    }
    if (std::abs(dev - dev_old) <= 1e-12 * (std::abs(dev) + 0.1)) {
      f.ok = true;
      break;
    }
    dev_old = dev;
  }
  // 200 iterations without meeting the tolerance happens only at a boundary (a coefficient
  // drifting to -infinity); the fitted values are then settled, so accept them.
  f.ok = true;
  f.beta = beta;
  f.mu = mu;
  if (want_cov) {
    Eigen::MatrixXd xw = x.array().colwise() * mu.array();
    xtwx.noalias() = x.transpose() * xw;
    Eigen::LDLT<Eigen::MatrixXd> ldlt(xtwx);
    Eigen::VectorXd e0 = Eigen::VectorXd::Zero(x.cols());
    e0[0] = 1.0;
    f.var_b0 = ldlt.solve(e0)[0];
  }
  return f;
}

std::string ModelName(int lists, const std::vector<uint32_t>& terms) {
  std::vector<uint32_t> gens;
  for (uint32_t t : terms) {
    bool maximal = true;
    for (uint32_t u : terms) {
      if (u != t && (u & t) == t) maximal = false;
    }
    if (maximal) gens.push_back(t);
  }
  for (int j = 0; j < lists; ++j) {
    uint32_t s = 1u << j;
    bool covered = false;
    for (uint32_t g : gens) covered = covered || (g & s);
    if (!covered) gens.push_back(s);
  }
  std::vector<std::string> names;
  for (uint32_t g : gens) {
    std::string t;
    for (int j = 0; j < lists; ++j) {
      if (g & (1u << j)) t += std::to_string(j + 1);
    }
    names.push_back(std::move(t));
  }
  std::sort(names.begin(), names.end());
  std::string out = "[";
  for (size_t g = 0; g < names.size(); ++g) {
    if (g) out += ",";
    out += names[g];
  }
  return out + "]";
}

struct TableData {
  int lists = 0;
  int64_t n = 0;
  Eigen::VectorXd y;  // counts of patterns 1..2^J-1
};

Result<TableData> Prepare(const PatternTable& table) {
  TableData d;
  d.lists = static_cast<int>(table.lists.size());
  if (d.lists < 2) return Error::Invalid("log-linear estimation needs at least 2 lists");
  if (d.lists > kMaxLogLinearLists) {
    return Error::Invalid(fmt::format("log-linear models are supported for 2 to {} lists; this table has {} "
                                      "(use --method lcmcr, or merge lists)",
                                      kMaxLogLinearLists, d.lists));
  }
  std::vector<int64_t> dense = table.Dense();
  d.y.resize(static_cast<Eigen::Index>(dense.size() - 1));
  for (size_t c = 1; c < dense.size(); ++c) d.y[static_cast<Eigen::Index>(c - 1)] = static_cast<double>(dense[c]);
  d.n = table.Observed();
  if (d.n <= 0) return Error::Invalid("no one was observed on any list");
  return d;
}

// Profile log-likelihood of N (multinomial, Cormack 1992) up to a constant.
struct Profile {
  const TableData& d;
  Eigen::MatrixXd x_full;
  Eigen::VectorXd y_full;
  double Eval(double big_n) {
    const double y0 = big_n - static_cast<double>(d.n);
    y_full[0] = y0;
    Fit f = Irls(x_full, y_full, false);
    if (!f.ok) return std::numeric_limits<double>::quiet_NaN();
    double s = 0;
    for (Eigen::Index i = 0; i < y_full.size(); ++i) {
      if (y_full[i] > 0) s += y_full[i] * std::log(f.mu[i]);
    }
    return std::lgamma(big_n + 1) - std::lgamma(y0 + 1) - big_n * std::log(big_n) + s;
  }
};

void ProfileInterval(const TableData& d, const std::vector<uint32_t>& terms, ModelFit& m) {
  Profile prof{d, MakeDesign(d.lists, terms, 0), Eigen::VectorXd(d.y.size() + 1)};
  prof.y_full.tail(d.y.size()) = d.y;
  const double n = static_cast<double>(d.n);
  // Bracket the maximum: expand geometrically in N - n from the Poisson estimate.
  double lo = n, hi = std::max(m.estimate, n + 1.0);
  double l_hi = prof.Eval(hi);
  for (int i = 0; i < 60; ++i) {
    double next = n + (hi - n) * 2.0;
    double l_next = prof.Eval(next);
    if (!(l_next > l_hi)) break;
    lo = hi;
    hi = next;
    l_hi = l_next;
  }
  hi = n + (hi - n) * 2.0;
  // Golden-section search for the maximum on [lo, hi].
  const double g = (std::sqrt(5.0) - 1) / 2;
  double a = lo, b = hi;
  double c1 = b - g * (b - a), c2 = a + g * (b - a);
  double f1 = prof.Eval(c1), f2 = prof.Eval(c2);
  for (int i = 0; i < 200 && (b - a) > 1e-9 * b; ++i) {
    if (f1 > f2) {
      b = c2; c2 = c1; f2 = f1; c1 = b - g * (b - a); f1 = prof.Eval(c1);
    } else {
      a = c1; c1 = c2; f1 = f2; c2 = a + g * (b - a); f2 = prof.Eval(c2);
    }
  }
  const double n_max = (a + b) / 2;
  const double l_max = prof.Eval(n_max);
  if (!std::isfinite(l_max)) return;
  const double target = l_max - kChi2_95 / 2;
  auto root = [&](double inside, double outside) {
    for (int i = 0; i < 200 && std::abs(outside - inside) > 1e-9 * inside; ++i) {
      double mid = (inside + outside) / 2;
      if (prof.Eval(mid) >= target) inside = mid; else outside = mid;
    }
    return (inside + outside) / 2;
  };
  m.lower = prof.Eval(n) >= target ? n : root(n_max, n);
  double out = n_max;
  bool found = false;
  for (int i = 0; i < 80; ++i) {
    out = n + (out - n) * 1.5 + 1.0;
    double l = prof.Eval(out);
    if (!std::isfinite(l)) break;
    if (l < target) { found = true; break; }
    if (out > 1e12) break;
  }
  m.upper = found ? root(n_max, out) : std::numeric_limits<double>::infinity();
  m.has_interval = true;
}

ModelFit FitOne(const TableData& d, const std::vector<uint32_t>& terms, const Eigen::MatrixXd& x, bool interval) {
  ModelFit m;
  m.terms = terms;
  m.name = ModelName(d.lists, terms);
  m.parameters = static_cast<int>(x.cols());
  m.df = static_cast<int>(x.rows()) - m.parameters;
  Fit f = Irls(x, d.y, true);
  if (!f.ok) return m;
  m.converged = true;
  double loglik = 0, dev = 0;
  for (Eigen::Index i = 0; i < d.y.size(); ++i) {
    const double y = d.y[i], mu = f.mu[i];
    loglik += (y > 0 ? y * std::log(mu) : 0.0) - mu - std::lgamma(y + 1);
    dev += 2.0 * ((y > 0 ? y * std::log(y / mu) : 0.0) - (y - mu));
    if (mu < 1e-7) m.boundary = true;
  }
  m.deviance = dev;
  m.aic = -2 * loglik + 2 * m.parameters;
  m.bic = -2 * loglik + std::log(static_cast<double>(d.n)) * m.parameters;
  m.unseen = std::exp(f.beta[0]);
  m.estimate = static_cast<double>(d.n) + m.unseen;
  m.std_error = std::sqrt(m.unseen + m.unseen * m.unseen * std::max(0.0, f.var_b0));
  if (!std::isfinite(m.estimate)) {
    m.converged = false;
    return m;
  }
  if (interval) ProfileInterval(d, terms, m);
  return m;
}

}  // namespace

std::vector<std::vector<uint32_t>> HierarchicalModels(int lists, int max_order) {
  std::vector<uint32_t> cand;
  for (uint32_t s = 1; s < (1u << lists); ++s) {
    int k = std::popcount(s);
    if (k >= 2 && k <= max_order && k < lists + 1) cand.push_back(s);
  }
  std::stable_sort(cand.begin(), cand.end(), [](uint32_t a, uint32_t b) { return std::popcount(a) < std::popcount(b); });
  std::vector<std::vector<uint32_t>> out;
  std::vector<uint32_t> cur;
  std::vector<bool> in(1u << lists, false);
  auto rec = [&](auto&& self, size_t i) -> void {
    if (i == cand.size()) {
      out.push_back(cur);
      return;
    }
    const uint32_t t = cand[i];
    self(self, i + 1);  // without t
    if (std::popcount(t) > 2) {
      for (int j = 0; j < lists; ++j) {
        if ((t >> j) & 1u && !in[t & ~(1u << j)]) return;  // a sub-term is missing
      }
    }
    in[t] = true;
    cur.push_back(t);
    self(self, i + 1);
    cur.pop_back();
    in[t] = false;
  };
  rec(rec, 0);
  return out;
}

Result<ModelFit> FitLogLinearModel(const PatternTable& table, const std::vector<uint32_t>& terms, bool interval) {
  DOSSIER_ASSIGN_OR_RETURN(TableData d, Prepare(table));
  for (uint32_t t : terms) {
    if (std::popcount(t) < 2 || t >= (1u << d.lists) || std::popcount(t) == d.lists) {
      return Error::Invalid(fmt::format("interaction term {:#x} is not a proper subset of 2+ of the {} lists", t, d.lists));
    }
    for (int j = 0; j < d.lists; ++j) {
      uint32_t sub = t & ~(1u << j);
      if ((t >> j) & 1u && std::popcount(sub) >= 2 && std::find(terms.begin(), terms.end(), sub) == terms.end()) {
        return Error::Invalid("the model is not hierarchical: an interaction's lower-order terms are missing");
      }
    }
  }
  ModelFit m = FitOne(d, terms, MakeDesign(d.lists, terms, 1), interval);
  if (!m.converged) return Error::Invalid(fmt::format("model {} could not be fitted (not identifiable on this table)", m.name));
  return m;
}

Result<LogLinearResult> FitLogLinear(const PatternTable& table, const LogLinearOptions& options) {
  DOSSIER_ASSIGN_OR_RETURN(TableData d, Prepare(table));
  int order = options.max_order > 0 ? options.max_order : (d.lists <= 4 ? d.lists - 1 : 2);
  order = std::min(order, d.lists - 1);
  // Count first: hierarchical models explode with lists and order.
  if (d.lists >= 6 && order >= 3) {
    return Error::Invalid(fmt::format("too many hierarchical models for {} lists up to order {}; use order 2",
                                      d.lists, order));
  }
  auto models = HierarchicalModels(d.lists, order);
  if (models.size() > options.max_models) {
    return Error::Invalid(fmt::format("{} hierarchical models for {} lists up to order {} exceed the limit of {}",
                                      models.size(), d.lists, order, options.max_models));
  }
  LogLinearResult r;
  r.models.reserve(models.size());
  for (const auto& terms : models) {
    ModelFit m = FitOne(d, terms, MakeDesign(d.lists, terms, 1), false);
    if (m.converged) r.models.push_back(std::move(m));
  }
  if (r.models.empty()) return Error::Invalid("no log-linear model could be fitted to this table");
  auto crit = [&](const ModelFit& m) { return options.select == Criterion::kBic ? m.bic : m.aic; };
  std::stable_sort(r.models.begin(), r.models.end(),
                   [&](const ModelFit& a, const ModelFit& b) { return crit(a) < crit(b); });
  const double best = crit(r.models[0]);
  double wsum = 0;
  for (const auto& m : r.models) wsum += std::exp(-(crit(m) - best) / 2);
  r.weight_best = 1.0 / wsum;
  ProfileInterval(d, r.models[0].terms, r.models[0]);
  if (options.average) {
    double est = 0;
    for (const auto& m : r.models) est += std::exp(-(crit(m) - best) / 2) / wsum * m.estimate;
    double se = 0;
    for (const auto& m : r.models) {
      const double w = std::exp(-(crit(m) - best) / 2) / wsum;
      se += w * std::sqrt(m.std_error * m.std_error + (m.estimate - est) * (m.estimate - est));
    }
    r.averaged = true;
    r.average_estimate = est;
    r.average_std_error = se;
    r.average_lower = std::max(static_cast<double>(d.n), est - 1.959963984540054 * se);
    r.average_upper = est + 1.959963984540054 * se;
  }
  return r;
}

}  // namespace dossier::estimate
