// Random numbers for the samplers (internal to src/estimate): a xoshiro256++ generator seeded
// by splitmix64, and the few distributions the Gibbs sampler draws from. A seed fixes every
// draw on a given standard library (the Poisson draw uses libstdc++'s sampler).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

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

  // Gamma(shape, 1): Marsaglia & Tsang (2000), with the U^(1/a) boost for shape < 1; shape 1
  // (the Beta(1, 1) and empty-class draws of the sampler) is an exponential.
  double Gamma(double shape) {
    if (shape == 1.0) return -std::log(Uniform());
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

  // log of a Gamma(shape, 1) draw, exact even when the draw itself underflows (shape << 1):
  // log G(a) = log G(a + 1) + log(U) / a.
  double LogGamma(double shape) {
    if (shape < 1.0) return std::log(Gamma(shape + 1.0)) + std::log(Uniform()) / shape;
    return std::log(Gamma(shape));
  }

  double Beta(double a, double b) {
    if (a == 1.0 && b == 1.0) return Uniform();
    const double x = Gamma(a);
    const double y = Gamma(b);
    const double s = x + y;
    return s > 0 ? x / s : (Uniform() < a / (a + b) ? 1.0 : 0.0);
  }

  // Binomial(n, p). Small means: inversion (with an exact shortcut for a zero draw when
  // u <= 1 - np <= (1-p)^n). Larger means: Hormann's (1993) transformed rejection with
  // decomposition (BTRD), whose final acceptance test is the exact log pmf ratio.
  int64_t Binomial(int64_t n, double p) {
    if (n <= 0 || p <= 0.0) return 0;
    if (p >= 1.0) return n;
    if (p > 0.5) return n - Binomial(n, 1.0 - p);
    const double np = static_cast<double>(n) * p;
    if (np < 10.0) {
      const double u0 = Uniform();
      if (u0 <= 1.0 - np) return 0;
      const double q = 1.0 - p;
      const double s = p / q;
      const double a = static_cast<double>(n + 1) * s;
      double u = u0;
      for (;;) {
        double r = std::exp(static_cast<double>(n) * std::log1p(-p));
        int64_t x = 0;
        while (u > r) {
          u -= r;
          ++x;
          if (x > n) break;
          r *= a / static_cast<double>(x) - s;
        }
        if (x <= n) return x;
        u = Uniform();  // rounding ran past n: draw again
      }
    }
    return Btrd(n, p);
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
  int64_t Btrd(int64_t n, double p) {
    const double nd = static_cast<double>(n);
    const double q = 1.0 - p;
    const double m = std::floor((nd + 1.0) * p);
    const double r = p / q;
    const double nr = (nd + 1.0) * r;
    const double npq = nd * p * q;
    const double sq = std::sqrt(npq);
    const double b = 1.15 + 2.53 * sq;
    const double a = -0.0873 + 0.0248 * b + 0.01 * p;
    const double c = nd * p + 0.5;
    const double alpha = (2.83 + 5.1 / b) * sq;
    const double vr = 0.92 - 4.2 / b;
    const double urvr = 0.86 * vr;
    double log_fm = 0.0, log_r = 0.0;
    bool have_log_fm = false;
    for (;;) {
      double v = Uniform();
      double u;
      if (v <= urvr) {
        u = v / vr - 0.43;
        return static_cast<int64_t>(std::floor((2.0 * a / (0.5 - std::abs(u)) + b) * u + c));
      }
      if (v >= vr) {
        u = Uniform() - 0.5;
      } else {
        u = v / vr - 0.93;
        u = (u < 0 ? -0.5 : 0.5) - u;
        v = Uniform() * vr;
      }
      const double us = 0.5 - std::abs(u);
      const double kd = std::floor((2.0 * a / us + b) * u + c);
      if (kd < 0.0 || kd > nd) continue;
      v = v * alpha / (a / (us * us) + b);
      const double km = std::abs(kd - m);
      if (km <= 15.0) {
        // f(k)/f(m) by the recursion f(i)/f(i-1) = (n+1-i)/i * p/q.
        double f = 1.0;
        if (m < kd) {
          for (double i = m + 1; i <= kd; ++i) f *= nr / i - r;
        } else if (m > kd) {
          for (double i = kd + 1; i <= m; ++i) v *= nr / i - r;
        }
        if (v <= f) return static_cast<int64_t>(kd);
        continue;
      }
      if (!have_log_fm) {
        log_r = std::log(r);
        log_fm = -LogFactorial(m) - LogFactorial(nd - m) + m * log_r;
        have_log_fm = true;
      }
      const double log_fk = -LogFactorial(kd) - LogFactorial(nd - kd) + kd * log_r;
      if (std::log(v) <= log_fk - log_fm) return static_cast<int64_t>(kd);
    }
  }

  // log(k!) for a whole number k >= 0: from a table below 4096 (the class counts of most
  // tables), else lgamma.
  static double LogFactorial(double k) {
    static constexpr int kTable = 4096;
    static const std::vector<double> table = [] {
      std::vector<double> t(kTable);
      for (int i = 1; i < kTable; ++i) t[static_cast<size_t>(i)] = t[static_cast<size_t>(i - 1)] + std::log(static_cast<double>(i));
      return t;
    }();
    return k < kTable ? table[static_cast<size_t>(k)] : std::lgamma(k + 1.0);
  }

  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace dossier::estimate::internal
