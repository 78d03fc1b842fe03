// The sampler's random variates follow their distributions: checked against exact
// probabilities with a chi-square test (fixed seeds, so the verdicts are deterministic).
#include <cmath>
#include <map>
#include <vector>

#include <gtest/gtest.h>

#include "estimate/random.h"

namespace dossier::estimate::internal {
namespace {

double LogBinomPmf(int64_t n, double p, int64_t k) {
  return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) + k * std::log(p) +
         (n - k) * std::log1p(-p);
}

// Chi-square statistic of `draws` draws against the exact pmf, pooling cells with expected < 5;
// returns the statistic divided by its degrees of freedom (about 1 when the sampler is right).
double BinomialChi2PerDf(int64_t n, double p, int draws, uint64_t seed) {
  Rng rng(seed);
  std::map<int64_t, int> seen;
  for (int i = 0; i < draws; ++i) {
    int64_t x = rng.Binomial(n, p);
    EXPECT_GE(x, 0);
    EXPECT_LE(x, n);
    ++seen[x];
  }
  double chi2 = 0, pooled_exp = 0, pooled_obs = 0;
  int cells = 0;
  for (int64_t k = 0; k <= n; ++k) {
    const double e = draws * std::exp(LogBinomPmf(n, p, k));
    const double o = seen.count(k) ? seen[k] : 0;
    if (e < 5) {
      pooled_exp += e;
      pooled_obs += o;
      continue;
    }
    chi2 += (o - e) * (o - e) / e;
    ++cells;
  }
  if (pooled_exp > 0) {
    chi2 += (pooled_obs - pooled_exp) * (pooled_obs - pooled_exp) / std::max(pooled_exp, 1.0);
    ++cells;
  }
  return chi2 / std::max(1, cells - 1);
}

TEST(Random, BinomialMatchesExactPmfAcrossRegimes) {
  // Small means use inversion; n*p >= 10 uses BTRD (both its near-mode and far tails); p > 1/2
  // draws the other side.
  const std::vector<std::pair<int64_t, double>> cases = {
      {1, 0.3},     {5, 0.5},     {20, 0.01},  {100, 0.05}, {40, 0.25},   {100, 0.11},
      {60, 0.5},    {500, 0.3},   {1000, 0.02}, {4400, 0.4}, {20000, 0.07}, {30, 0.9},
      {64, 0.12},   {65, 0.12},   {50, 0.85}};  // P(0) by squaring up to n = 64, by logs above
  uint64_t seed = 11;
  for (auto [n, p] : cases) {
    const double r = BinomialChi2PerDf(n, p, 200000, seed++);
    // Under the null, chi2/df has mean 1 and sd sqrt(2/df); 1.6 is far out for any df >= 10.
    EXPECT_LT(r, 1.6) << "n=" << n << " p=" << p;
  }
}

TEST(Random, NormalMatchesItsDistributionIntoTheTails) {
  // The ziggurat's layers, wedges and tail (beyond 3.44) are separate code paths: 60 equal-
  // width bins between -4 and 4 and the two tails beyond, against the exact normal CDF.
  Rng rng(21);
  const int draws = 2000000, bins = 60;
  const double lo = -4.0, hi = 4.0;
  std::vector<double> seen(bins + 2, 0.0);
  double sum = 0, sum2 = 0;
  for (int i = 0; i < draws; ++i) {
    const double x = rng.Normal();
    sum += x;
    sum2 += x * x;
    const int b = x < lo ? 0 : x >= hi ? bins + 1 : 1 + static_cast<int>((x - lo) / (hi - lo) * bins);
    seen[static_cast<size_t>(b)] += 1;
  }
  auto phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  double chi2 = 0;
  for (int b = 0; b < bins + 2; ++b) {
    const double a = b == 0 ? -INFINITY : lo + (hi - lo) * (b - 1) / bins;
    const double z = b == bins + 1 ? INFINITY : lo + (hi - lo) * b / bins;
    const double e = draws * (phi(z) - phi(a));
    chi2 += (seen[static_cast<size_t>(b)] - e) * (seen[static_cast<size_t>(b)] - e) / e;
  }
  EXPECT_LT(chi2 / (bins + 1), 1.4);  // sd of chi2/df is 0.18 at 61 degrees of freedom
  EXPECT_NEAR(sum / draws, 0.0, 0.004);
  EXPECT_NEAR(sum2 / draws, 1.0, 0.006);
}

TEST(Random, GammaAndBetaHaveTheirMoments) {
  Rng rng(3);
  for (double shape : {0.25, 0.9, 1.0, 3.5, 250.0}) {
    const int m = 200000;
    double s = 0, ss = 0;
    for (int i = 0; i < m; ++i) {
      const double g = rng.Gamma(shape);
      s += g;
      ss += g * g;
    }
    const double mean = s / m, var = ss / m - mean * mean;
    EXPECT_NEAR(mean, shape, 5 * std::sqrt(shape / m)) << shape;
    EXPECT_NEAR(var / shape, 1.0, 0.05) << shape;
  }
  const int m = 200000;
  double s = 0;
  for (int i = 0; i < m; ++i) s += rng.Beta(3.0, 7.0);
  EXPECT_NEAR(s / m, 0.3, 0.003);
}

TEST(Random, NegativeBinomialHasItsMean) {
  Rng rng(5);
  const double r = 500, p = 0.8;  // mean r(1-p)/p = 125, variance r(1-p)/p^2 = 156.25
  const int m = 100000;
  double s = 0, ss = 0;
  for (int i = 0; i < m; ++i) {
    const double x = static_cast<double>(rng.NegativeBinomial(r, p));
    s += x;
    ss += x * x;
  }
  const double mean = s / m, var = ss / m - mean * mean;
  EXPECT_NEAR(mean, 125.0, 0.3);
  EXPECT_NEAR(var, 156.25, 5.0);
}

}  // namespace
}  // namespace dossier::estimate::internal
