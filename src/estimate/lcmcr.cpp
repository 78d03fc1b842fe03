// LCMCR: the Bayesian non-parametric latent-class capture-recapture model of Manrique-Vallier
// (2016, Biometrics 72:1246). Truncated stick-breaking prior with K classes, alpha ~ Gamma(a, b),
// capture probabilities ~ Uniform(0, 1), p(N) proportional to 1/N.
//
// People with the same capture pattern are exchangeable given the parameters, so the class
// assignments of the c people with pattern x are drawn as one Multinomial(c, p(k | x)) instead
// of c categorical draws: the same full conditional, in O(patterns * K) per sweep instead of
// O(people * K). The unobserved count n0 is drawn from its conditional NegBin(n, 1 - pi0) with
// the class assignments of the unobserved integrated out, then their classes as a multinomial.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <numeric>
#include <thread>

#include <fmt/format.h>

#include "estimate/estimate.h"
#include "estimate/random.h"

namespace dossier::estimate {

namespace {

using internal::Rng;

class Sampler {
 public:
  Sampler(const PatternTable& table, const LcmcrOptions& o, uint64_t seed)
      : J_(static_cast<int>(table.lists.size())), K_(o.classes), a_(o.alpha_shape), b_(o.alpha_rate), rng_(seed) {
    for (size_t i = 0; i < table.patterns.size(); ++i) {
      if (table.counts[i] <= 0) continue;
      patterns_.push_back(table.patterns[i]);
      counts_.push_back(table.counts[i]);
      n_ += table.counts[i];
    }
    P_ = patterns_.size();
    for (uint32_t x : patterns_) {
      for (int j = 0; j < J_; ++j) bits_.push_back(static_cast<uint8_t>((x >> j) & 1u));
    }
    onoff_.assign(static_cast<size_t>(2 * J_ * K_), 0.0);
    zeros_.assign(static_cast<size_t>(J_), 0);
    lam_.assign(static_cast<size_t>(J_ * K_), 0.5);
    pi_.assign(K_, 1.0 / K_);
    draw_.assign(K_, 0);
    nk_.assign(K_, 0);
    sjk_.assign(static_cast<size_t>(J_ * K_), 0);
    w_.assign(K_, 0.0);
    rest_.assign(K_, 0.0);
    // Dispersed start: parameters drawn from the prior.
    alpha_ = 1.0;
    for (double& l : lam_) l = rng_.Uniform();
    double rest = 1.0;
    for (int k = 0; k < K_ - 1; ++k) {
      const double v = rng_.Beta(1.0, alpha_);
      pi_[k] = v * rest;
      rest *= 1.0 - v;
    }
    pi_[K_ - 1] = rest;
  }

  void Sweep() {
    // onoff_[(2j + b) K + k] = P(membership bit b on list j | class k): the weights below are
    // products over lists of contiguous rows, without branches, and vectorise over classes.
    for (int k = 0; k < K_; ++k) {
      for (int j = 0; j < J_; ++j) {
        const double l = lam_[static_cast<size_t>(k * J_ + j)];
        onoff_[static_cast<size_t>(2 * j * K_ + k)] = 1.0 - l;
        onoff_[static_cast<size_t>((2 * j + 1) * K_ + k)] = l;
      }
    }
    // 1. Classes of observed people, one multinomial per pattern, added to the class sizes n_k
    // and, per list, to the number of each class on that list (s_jk), for the capture update.
    std::fill(nk_.begin(), nk_.end(), 0);
    std::fill(sjk_.begin(), sjk_.end(), 0);
    for (size_t p = 0; p < P_; ++p) {
      const uint8_t* b = &bits_[p * static_cast<size_t>(J_)];
      Weights(b);
      SuffixSums();
      const int reached = Multinomial(counts_[p], draw_.data());
      for (int k = 0; k < reached; ++k) nk_[k] += draw_[k];
      for (int j = 0; j < J_; ++j) {
        if (!b[j]) continue;
        int64_t* s = &sjk_[static_cast<size_t>(j * K_)];
        for (int k = 0; k < reached; ++k) s[k] += draw_[k];
      }
    }
    // 2. Unobserved people: how many, then their classes.
    Weights(zeros_.data());
    const double pi0 = std::min(SuffixSums(), 1.0 - 1e-12);
    n0_ = n_ > 0 ? rng_.NegativeBinomial(static_cast<double>(n_), 1.0 - pi0) : 0;  // n = 0: prior checks
    const int reached = Multinomial(n0_, draw_.data());
    for (int k = 0; k < reached; ++k) nk_[k] += draw_[k];
    // 3. Capture probabilities.
    for (int k = 0; k < K_; ++k) {
      if (nk_[k] == 0) {  // Beta(1, 1): the prior
        for (int j = 0; j < J_; ++j) lam_[static_cast<size_t>(k * J_ + j)] = rng_.Uniform();
        continue;
      }
      for (int j = 0; j < J_; ++j) {
        const int64_t s = sjk_[static_cast<size_t>(j * K_ + k)];
        lam_[static_cast<size_t>(k * J_ + j)] =
            rng_.Beta(1.0 + static_cast<double>(s), 1.0 + static_cast<double>(nk_[k] - s));
      }
    }
    // 4. Stick-breaking weights; 5. concentration: alpha ~ Gamma(a + K - 1, b - sum_k log(1 - V_k)).
    const double log_rest = StickBreaking();
    alpha_ = rng_.Gamma(a_ + K_ - 1) / (b_ - log_rest);
    alpha_ = std::max(alpha_, 1e-300);
  }

  // w_[k] = pi_k * prod_j P(bit b[j] on list j | class k).
  void Weights(const uint8_t* b) {
    double* __restrict w = w_.data();
    for (int k = 0; k < K_; ++k) w[k] = pi_[k];
    for (int j = 0; j < J_; ++j) {
      const double* __restrict f = &onoff_[static_cast<size_t>((2 * j + b[j]) * K_)];
      for (int k = 0; k < K_; ++k) w[k] *= f[k];
    }
  }

  int64_t N() const { return n_ + n0_; }
  int Occupied() const {
    int c = 0;
    for (int64_t v : nk_) c += v > 0;
    return c;
  }
  int64_t n() const { return n_; }
  double alpha() const { return alpha_; }
  const std::vector<double>& pi() const { return pi_; }

 private:
  // Sets rest_[k] = w_k + ... + w_{K-1}, summed from the last class so that a small remainder
  // keeps its precision, and returns the total weight.
  double SuffixSums() {
    double s = 0;
    for (int k = K_ - 1; k >= 0; --k) {
      s += w_[k];
      rest_[k] = s;
    }
    return s;
  }

  // Splits `count` people among the classes in proportion to w_ (after SuffixSums); exact.
  // Conditional binomials in class order: the stick-breaking prior puts the heavy classes mostly
  // first, so the people are used up after a few draws and the nearly empty classes behind them
  // cost nothing. (Sorting each pattern's classes by weight first cost more than it saved.)
  // Writes out[0..r) and returns r; the classes from r on get no one.
  int Multinomial(int64_t count, int64_t* out) {
    int64_t left = count;
    int k = 0;
    for (; left > 0 && k < K_ - 1; ++k) {
      out[k] = rng_.Binomial(left, w_[k] / rest_[k]);
      left -= out[k];
    }
    if (left == 0) return k;
    out[K_ - 1] = left;
    return K_;
  }

  // Draws V_k ~ Beta(1 + n_k, alpha + n_{>k}) and sets pi_k = V_k prod_{h<k} (1 - V_h);
  // returns log prod_{k<K-1} (1 - V_k), which the alpha update needs.
  double StickBreaking() {
    int64_t above = std::accumulate(nk_.begin(), nk_.end(), int64_t{0});
    // While a later class holds people, both Beta shapes are at least 1: V and 1 - V = y / (x + y)
    // are drawn as doubles, and the stick left (about n_{>k} / N) is far from underflow.
    double rest = 1.0;
    int k = 0;
    for (; k < K_ - 1 && above > nk_[k]; ++k) {
      above -= nk_[k];
      const double x = rng_.Gamma(1.0 + static_cast<double>(nk_[k]));
      const double y = rng_.Gamma(alpha_ + static_cast<double>(above));
      pi_[k] = rest * x / (x + y);
      rest *= y / (x + y);
    }
    // From the last occupied class on, V_k ~ Beta(1 + n_k, alpha) with alpha often small: 1 - V
    // is then often far below 1e-16 and would round to 0 (or V to 1) in doubles, capping
    // log(1 - V) and inflating the alpha draw. These are drawn in log space.
    double log_rest = std::log(rest);
    for (; k < K_ - 1; ++k) {
      double log_v, log_1mv;
      if (nk_[k] == 0) {
        // Beta(1, alpha): 1 - V = U^(1/alpha) exactly.
        log_1mv = std::log(rng_.Uniform()) / alpha_;
        log_v = std::log(-std::expm1(log_1mv));
      } else {
        const double lx = rng_.LogGamma(1.0 + static_cast<double>(nk_[k]));
        const double ly = rng_.LogGamma(alpha_);
        const double ls = std::max(lx, ly) + std::log1p(std::exp(-std::abs(lx - ly)));
        log_v = lx - ls;
        log_1mv = ly - ls;
      }
      pi_[k] = std::exp(log_rest + log_v);
      log_rest += log_1mv;
    }
    pi_[K_ - 1] = std::exp(log_rest);
    return log_rest;
  }

  int J_, K_;
  double a_, b_;
  Rng rng_;
  std::vector<uint32_t> patterns_;
  std::vector<int64_t> counts_;
  size_t P_ = 0;
  int64_t n_ = 0, n0_ = 0;
  double alpha_ = 1.0;
  std::vector<uint8_t> bits_, zeros_;  // P x J: is pattern p on list j; J zeros
  std::vector<double> lam_, pi_, w_, onoff_, rest_;
  std::vector<int64_t> draw_, nk_, sjk_;  // draw_: one multinomial draw
};

Status Check(const PatternTable& table, const LcmcrOptions& o) {
  if (table.lists.size() < 2) return Error::Invalid("LCMCR needs at least 2 lists");
  if (table.lists.size() > 16) return Error::Invalid("LCMCR supports at most 16 lists");
  if (table.Observed() <= 0) return Error::Invalid("no one was observed on any list");
  if (o.classes < 1 || o.classes > 1000) return Error::Invalid("the number of latent classes K must be 1..1000");
  if (o.chains < 1 || o.chains > 64) return Error::Invalid("chains must be 1..64");
  if (o.burnin < 0 || o.samples < 10 || o.thin < 1) {
    return Error::Invalid("need burn-in >= 0, at least 10 samples per chain and thinning >= 1");
  }
  if (!(o.alpha_shape > 0) || !(o.alpha_rate > 0)) return Error::Invalid("the Gamma prior on alpha needs positive parameters");
  return Ok();
}

uint64_t ChainSeed(uint64_t seed, int chain) {
  uint64_t s = seed ^ (0xA0761D6478BD642FULL * static_cast<uint64_t>(chain + 1));
  return internal::SplitMix64(s);
}

// R's default quantile (type 7) of sorted values.
double Quantile(const std::vector<double>& sorted, double q) {
  const double h = (static_cast<double>(sorted.size()) - 1) * q;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// Split R-hat and effective sample size (Gelman et al., BDA3 section 11.4-11.5).
void Diagnostics(const std::vector<std::vector<int64_t>>& chains, double* rhat, double* ess) {
  std::vector<std::vector<double>> seqs;
  for (const auto& c : chains) {
    const size_t half = c.size() / 2;
    seqs.emplace_back(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(half));
    seqs.emplace_back(c.begin() + static_cast<std::ptrdiff_t>(half), c.begin() + static_cast<std::ptrdiff_t>(2 * half));
  }
  const size_t m = seqs.size(), n = seqs[0].size();
  std::vector<double> means(m), vars(m);
  for (size_t i = 0; i < m; ++i) {
    double s = 0;
    for (double v : seqs[i]) s += v;
    means[i] = s / static_cast<double>(n);
    double ss = 0;
    for (double v : seqs[i]) ss += (v - means[i]) * (v - means[i]);
    vars[i] = ss / static_cast<double>(n - 1);
  }
  const double grand = std::accumulate(means.begin(), means.end(), 0.0) / static_cast<double>(m);
  double b = 0;
  for (double mu : means) b += (mu - grand) * (mu - grand);
  b *= static_cast<double>(n) / static_cast<double>(m - 1);
  const double w = std::accumulate(vars.begin(), vars.end(), 0.0) / static_cast<double>(m);
  const double var_plus = (static_cast<double>(n) - 1) / static_cast<double>(n) * w + b / static_cast<double>(n);
  if (!(w > 0)) {  // every draw identical: nothing varies, nothing to diagnose
    *rhat = 1.0;
    *ess = static_cast<double>(m * n);
    return;
  }
  *rhat = std::sqrt(var_plus / w);
  // Autocorrelation from the variogram; Geyer's initial positive sequence.
  double sum_rho = 0;
  double prev_pair = std::numeric_limits<double>::infinity();
  for (size_t t = 1; t + 1 < n; t += 2) {
    double rho[2];
    for (int d = 0; d < 2; ++d) {
      const size_t lag = t + static_cast<size_t>(d);
      double v = 0;
      for (const auto& s : seqs) {
        for (size_t i = lag; i < n; ++i) v += (s[i] - s[i - lag]) * (s[i] - s[i - lag]);
      }
      v /= static_cast<double>(m * (n - lag));
      rho[d] = 1.0 - v / (2.0 * var_plus);
    }
    double pair = rho[0] + rho[1];
    if (pair < 0) break;
    pair = std::min(pair, prev_pair);  // monotone
    prev_pair = pair;
    sum_rho += pair;
  }
  *ess = static_cast<double>(m * n) / (1.0 + 2.0 * sum_rho);
  *ess = std::min(*ess, static_cast<double>(m * n) * std::log10(static_cast<double>(m * n)));
}

}  // namespace

Result<int64_t> RunLcmcrChain(const PatternTable& table, const LcmcrOptions& options, int64_t iterations) {
  DOSSIER_RETURN_IF_ERROR(Check(table, options));
  Sampler s(table, options, ChainSeed(options.seed, 0));
  for (int64_t i = 0; i < iterations; ++i) s.Sweep();
  return s.N();
}

namespace internal {

std::vector<LcmcrPriorDraw> LcmcrPriorDraws(int lists, const LcmcrOptions& options, int64_t sweeps) {
  if (options.classes < 1) return {};
  PatternTable empty;
  empty.lists.assign(static_cast<size_t>(std::max(lists, 1)), "list");
  Sampler s(empty, options, ChainSeed(options.seed, 0));
  for (int64_t i = 0; i < options.burnin; ++i) s.Sweep();
  std::vector<LcmcrPriorDraw> out;
  out.reserve(static_cast<size_t>(std::max<int64_t>(sweeps, 0)));
  for (int64_t i = 0; i < sweeps; ++i) {
    s.Sweep();
    out.push_back({s.alpha(), s.pi()});
  }
  return out;
}

}  // namespace internal

Result<LcmcrResult> FitLcmcr(const PatternTable& table, const LcmcrOptions& o) {
  DOSSIER_RETURN_IF_ERROR(Check(table, o));
  LcmcrResult r;
  r.draws.resize(static_cast<size_t>(o.chains));
  std::vector<double> occupied(static_cast<size_t>(o.chains), 0.0);
  const double total = static_cast<double>(o.chains) * static_cast<double>(o.burnin + o.samples * o.thin);
  // Progress and stopping are checked every 4,096 sweeps of a chain, so the chains share nothing
  // in between.
  constexpr int64_t kReportEvery = 4096;
  std::mutex progress_mu;
  int64_t done = 0;  // sweeps reported, under progress_mu so that progress never goes back
  std::atomic<bool> stop{false};
  auto go_on = [&](int64_t& since_report) {
    if (++since_report < kReportEvery) return true;
    since_report = 0;
    if (o.progress) {
      std::lock_guard lock(progress_mu);
      done += kReportEvery;
      if (!stop && !o.progress(static_cast<double>(done) / total)) stop = true;
    }
    return !stop;
  };
  auto run_chain = [&](int c) {
    Sampler s(table, o, ChainSeed(o.seed, c));
    int64_t since_report = 0;
    for (int64_t i = 0; i < o.burnin; ++i) {
      s.Sweep();
      if (!go_on(since_report)) return;
    }
    auto& draws = r.draws[static_cast<size_t>(c)];
    draws.reserve(static_cast<size_t>(o.samples));
    for (int64_t d = 0; d < o.samples; ++d) {
      for (int64_t t = 0; t < o.thin; ++t) {
        s.Sweep();
        if (!go_on(since_report)) return;
      }
      draws.push_back(s.N());
      occupied[static_cast<size_t>(c)] += s.Occupied();
    }
  };
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = std::min(o.chains, o.threads > 0 ? o.threads : cores);
  std::atomic<int> next_chain{0};
  auto worker = [&] {
    for (int c = next_chain++; c < o.chains && !stop; c = next_chain++) run_chain(c);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (stop) return Error::Conflict("the estimation was stopped before it finished");
  std::vector<double> all;
  for (const auto& d : r.draws) all.insert(all.end(), d.begin(), d.end());
  std::sort(all.begin(), all.end());
  r.mean = std::accumulate(all.begin(), all.end(), 0.0) / static_cast<double>(all.size());
  r.median = Quantile(all, 0.5);
  r.lower = Quantile(all, 0.025);
  r.upper = Quantile(all, 0.975);
  r.mean_classes = std::accumulate(occupied.begin(), occupied.end(), 0.0) / static_cast<double>(all.size());
  Diagnostics(r.draws, &r.rhat, &r.ess);
  return r;
}

}  // namespace dossier::estimate
