// LCMCR Gibbs iterations per second on a 4-list table of about 4,400 people with K=10, beside
// a reference measured in the same run: a naive sampler of the same model that draws each
// person's latent class separately (the textbook form of the Gibbs step) with the standard
// library's distributions. Also: all 113 hierarchical 4-list log-linear models.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "estimate/estimate.h"

namespace {

using dossier::estimate::PatternTable;

// A fixed 4-list table: 7,800 people in three latent classes, about 4,400 documented.
PatternTable Table4400() {
  std::mt19937_64 rng(4400);
  const std::vector<double> w = {0.45, 0.20, 0.35};
  const std::vector<std::vector<double>> cap = {
      {0.30, 0.25, 0.20, 0.30}, {0.60, 0.55, 0.05, 0.10}, {0.06, 0.05, 0.10, 0.04}};
  std::discrete_distribution<int> cls(w.begin(), w.end());
  std::vector<int64_t> dense(16, 0);
  for (int i = 0; i < 7800; ++i) {
    const int c = cls(rng);
    uint32_t p = 0;
    for (int j = 0; j < 4; ++j) {
      if (std::bernoulli_distribution(cap[static_cast<size_t>(c)][static_cast<size_t>(j)])(rng)) p |= 1u << j;
    }
    ++dense[p];
  }
  PatternTable t;
  t.lists = {"a", "b", "c", "d"};
  for (uint32_t p = 1; p < 16; ++p) {
    t.patterns.push_back(p);
    t.counts.push_back(dense[p]);
  }
  return t;
}

const PatternTable& Table() {
  static const PatternTable t = Table4400();
  return t;
}

void BM_LcmcrGibbs(benchmark::State& state) {
  dossier::estimate::LcmcrOptions o;
  o.classes = 10;
  o.seed = 1;
  // Each timed run is a fresh chain of 2,000 sweeps from a prior draw (start-up included).
  constexpr int64_t kSweeps = 2000;
  int64_t last = 0;
  for (auto _ : state) {
    auto r = dossier::estimate::RunLcmcrChain(Table(), o, kSweeps);
    last = *r;
    ++o.seed;
  }
  state.SetItemsProcessed(state.iterations() * kSweeps);
  state.counters["n_observed"] = static_cast<double>(Table().Observed());
  state.counters["last_N"] = static_cast<double>(last);
}
BENCHMARK(BM_LcmcrGibbs)->Unit(benchmark::kMillisecond);

// A whole run as `dossier estimate` makes it (4 chains of 2,000 sweeps), on 1 thread and on
// every core (argument 0): sweeps per second of wall time, i.e. what a user waits for.
void BM_LcmcrFitChains(benchmark::State& state) {
  dossier::estimate::LcmcrOptions o;
  o.classes = 10;
  o.chains = 4;
  o.burnin = 1000;
  o.samples = 100;
  o.thin = 10;
  o.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    auto r = dossier::estimate::FitLcmcr(Table(), o);
    benchmark::DoNotOptimize(r->median);
    ++o.seed;
  }
  state.SetItemsProcessed(state.iterations() * o.chains * (o.burnin + o.samples * o.thin));
}
BENCHMARK(BM_LcmcrFitChains)->Arg(1)->Arg(0)->UseRealTime()->Unit(benchmark::kMillisecond);

// Reference: the same Gibbs sampler written the naive way, one categorical draw per person.
class NaiveSampler {
 public:
  NaiveSampler(const PatternTable& t, int k, uint64_t seed) : K_(k), J_(static_cast<int>(t.lists.size())), rng_(seed) {
    for (size_t i = 0; i < t.patterns.size(); ++i) {
      for (int64_t c = 0; c < t.counts[i]; ++c) people_.push_back(t.patterns[i]);
    }
    z_.assign(people_.size(), 0);
    lam_.assign(static_cast<size_t>(K_ * J_), 0.5);
    pi_.assign(static_cast<size_t>(K_), 1.0 / K_);
    std::uniform_real_distribution<double> u;
    for (double& l : lam_) l = u(rng_);
  }
  int64_t Sweep() {
    std::uniform_real_distribution<double> unif;
    std::vector<double> w(static_cast<size_t>(K_));
    std::vector<int64_t> nk(static_cast<size_t>(K_), 0), s(static_cast<size_t>(K_ * J_), 0);
    for (size_t i = 0; i < people_.size(); ++i) {
      double tot = 0;
      for (int k = 0; k < K_; ++k) {
        double p = pi_[static_cast<size_t>(k)];
        for (int j = 0; j < J_; ++j) {
          const double l = lam_[static_cast<size_t>(k * J_ + j)];
          p *= (people_[i] >> j) & 1u ? l : 1 - l;
        }
        tot += p;
        w[static_cast<size_t>(k)] = tot;
      }
      const double u = unif(rng_) * tot;
      int k = 0;
      while (k < K_ - 1 && u > w[static_cast<size_t>(k)]) ++k;
      z_[i] = k;
      ++nk[static_cast<size_t>(k)];
      for (int j = 0; j < J_; ++j) s[static_cast<size_t>(k * J_ + j)] += (people_[i] >> j) & 1u;
    }
    double pi0 = 0;
    std::vector<double> w0(static_cast<size_t>(K_));
    for (int k = 0; k < K_; ++k) {
      double p = pi_[static_cast<size_t>(k)];
      for (int j = 0; j < J_; ++j) p *= 1 - lam_[static_cast<size_t>(k * J_ + j)];
      w0[static_cast<size_t>(k)] = p;
      pi0 += p;
    }
    const int64_t n0 = std::negative_binomial_distribution<int64_t>(static_cast<int64_t>(people_.size()),
                                                                    1 - std::min(pi0, 1 - 1e-12))(rng_);
    std::discrete_distribution<int> d0(w0.begin(), w0.end());
    for (int64_t i = 0; i < n0; ++i) ++nk[static_cast<size_t>(d0(rng_))];
    for (int k = 0; k < K_; ++k) {
      for (int j = 0; j < J_; ++j) {
        const auto idx = static_cast<size_t>(k * J_ + j);
        const double a = 1.0 + static_cast<double>(s[idx]);
        const double b = 1.0 + static_cast<double>(nk[static_cast<size_t>(k)] - s[idx]);
        const double x = std::gamma_distribution<double>(a)(rng_), y = std::gamma_distribution<double>(b)(rng_);
        lam_[idx] = x / (x + y);
      }
    }
    int64_t above = 0;
    for (int64_t c : nk) above += c;
    double rest = 1, sum_log = 0;
    for (int k = 0; k < K_ - 1; ++k) {
      above -= nk[static_cast<size_t>(k)];
      const double x = std::gamma_distribution<double>(1.0 + static_cast<double>(nk[static_cast<size_t>(k)]))(rng_);
      const double y = std::gamma_distribution<double>(alpha_ + static_cast<double>(above))(rng_);
      const double v = std::min(x / (x + y), 1 - 1e-15);
      pi_[static_cast<size_t>(k)] = v * rest;
      rest *= 1 - v;
      sum_log += std::log1p(-v);
    }
    pi_[static_cast<size_t>(K_ - 1)] = rest;
    alpha_ = std::max(std::gamma_distribution<double>(0.25 + K_ - 1)(rng_) / (0.25 - sum_log), 1e-300);
    return static_cast<int64_t>(people_.size()) + n0;
  }

 private:
  int K_, J_;
  std::mt19937_64 rng_;
  std::vector<uint32_t> people_;
  std::vector<int> z_;
  std::vector<double> lam_, pi_;
  double alpha_ = 1.0;
};

void BM_NaiveGibbsReference(benchmark::State& state) {
  constexpr int64_t kSweeps = 200;
  uint64_t seed = 1;
  int64_t last = 0;
  for (auto _ : state) {
    NaiveSampler s(Table(), 10, seed++);
    for (int64_t i = 0; i < kSweeps; ++i) last = s.Sweep();
    benchmark::DoNotOptimize(last);
  }
  state.SetItemsProcessed(state.iterations() * kSweeps);
  state.counters["last_N"] = static_cast<double>(last);
}
BENCHMARK(BM_NaiveGibbsReference)->Unit(benchmark::kMillisecond);

void BM_LogLinearAll113Models(benchmark::State& state) {
  size_t models = 0;
  for (auto _ : state) {
    auto r = dossier::estimate::FitLogLinear(Table());
    models = r->models.size();
    benchmark::DoNotOptimize(r->models[0].estimate);
  }
  state.counters["models"] = static_cast<double>(models);
}
BENCHMARK(BM_LogLinearAll113Models)->Unit(benchmark::kMillisecond);

// Reference for the log-linear figure: one fit of the independence model (with its profile
// interval), measured in the same run.
void BM_LogLinearIndependenceOnly(benchmark::State& state) {
  for (auto _ : state) {
    auto r = dossier::estimate::FitLogLinearModel(Table(), {});
    benchmark::DoNotOptimize(r->estimate);
  }
}
BENCHMARK(BM_LogLinearIndependenceOnly)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
