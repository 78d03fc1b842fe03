// Random numbers for the samplers (internal to src/estimate): a xoshiro256++ generator seeded
// by splitmix64, and the few distributions the Gibbs sampler draws from. A seed fixes every
// draw on a given standard library (the binomial and Poisson tails use libstdc++'s samplers).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

namespace dossier::estimate::internal {

inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// xoshiro256++ (Blackman & Vigna); satisfies UniformRandomBitGenerator.
class Rng {
 public:
  using result_type = uint64_t;
  explicit Rng(uint64_t seed) {
    for (auto& w : s_) w = SplitMix64(seed);
  }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<uint64_t>::max(); }
  result_type operator()() {
    const uint64_t result = Rotl(s_[0] + s_[3], 23) + s_[0];
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform on the open interval (0, 1).
  double Uniform() { return (static_cast<double>((*this)() >> 11) + 0.5) * 0x1.0p-53; }

  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * Uniform() - 1.0;
      v = 2.0 * Uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }

  // Gamma(shape, 1): Marsaglia & Tsang (2000), with the U^(1/a) boost for shape < 1.
  double Gamma(double shape) {
    if (shape < 1.0) {
      const double g = Gamma(shape + 1.0);
      return g * std::pow(Uniform(), 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = Normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = Uniform();
      const double x2 = x * x;
      if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
      if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
    }
  }

  double Beta(double a, double b) {
    const double x = Gamma(a);
    const double y = Gamma(b);
    const double s = x + y;
    return s > 0 ? x / s : (Uniform() < a / (a + b) ? 1.0 : 0.0);
  }

  // Binomial(n, p): sequential inversion when n*min(p,1-p) is small, libstdc++ otherwise.
  int64_t Binomial(int64_t n, double p) {
    if (n <= 0 || p <= 0.0) return 0;
    if (p >= 1.0) return n;
    if (p > 0.5) return n - Binomial(n, 1.0 - p);
    if (static_cast<double>(n) * p < 12.0) {
      const double q = 1.0 - p;
      const double s = p / q;
      const double a = static_cast<double>(n + 1) * s;
      for (;;) {
        double r = std::exp(static_cast<double>(n) * std::log1p(-p));
        double u = Uniform();
        int64_t x = 0;
        while (u > r) {
          u -= r;
          ++x;
          if (x > n) break;
          r *= a / static_cast<double>(x) - s;
        }
        if (x <= n) return x;
      }
    }
    std::binomial_distribution<int64_t> dist(n, p);
    return dist(*this);
  }

  int64_t Poisson(double mean) {
    if (mean <= 0.0) return 0;
    std::poisson_distribution<int64_t> dist(mean);
    return dist(*this);
  }

  // Number of failures before `r` successes with success probability `p`.
  int64_t NegativeBinomial(double r, double p) {
    if (p >= 1.0) return 0;
    return Poisson(Gamma(r) * (1.0 - p) / p);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace dossier::estimate::internal
