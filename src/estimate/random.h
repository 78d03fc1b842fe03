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
  explicit Rng(uint64_t seed) : zig_(&Ziggurat::Get()) {
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

  // Standard normal by the ziggurat method (Marsaglia & Tsang 2000) with 128 layers, in
  // Doornik's (2005) exact form: the layer and the uniform come from disjoint bits of one draw,
  // and the tail beyond R is sampled exactly. One draw and a multiply in ~99% of calls, where
  // the polar method needs a log, a square root and a division per pair (the Gamma draws of
  // every sweep each take a normal).
  double Normal() {
    const Ziggurat& z = *zig_;
    for (;;) {
      const uint64_t r = (*this)();
      const int i = static_cast<int>(r & 0x7F);
      const double u = static_cast<double>(r >> 11) * 0x1.0p-52 - 1.0;  // [-1, 1)
      if (std::abs(u) < z.ratio[i]) return u * z.x[i];
      if (i == 0) return NormalTail(u < 0);
      // A wedge: accept under the density between the layer's two edges.
      const double x = u * z.x[i];
      const double f0 = std::exp(-0.5 * (z.x[i] * z.x[i] - x * x));
      const double f1 = std::exp(-0.5 * (z.x[i + 1] * z.x[i + 1] - x * x));
      if (f1 + Uniform() * (f0 - f1) < 1.0) return x;
    }
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
    if (n <= 0 || !(p > 0.0)) return 0;
    if (p >= 1.0) return n;
    // The smaller side is drawn; whether p > 1/2 is a coin toss in the sampler, so a select
    // rather than a branch.
    const bool flip = p > 0.5;
    const int64_t x = BinomialUpToHalf(n, flip ? 1.0 - p : p);
    return flip ? n - x : x;
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
  int64_t BinomialUpToHalf(int64_t n, double p) {
    const double np = static_cast<double>(n) * p;
    if (np < 10.0) {
      const double u0 = Uniform();
      if (u0 <= 1.0 - np) return 0;
      const double q = 1.0 - p;
      const double s = p / q;
      const double a = static_cast<double>(n + 1) * s;
      // P(0) = q^n: for small n by repeated squaring (relative error under n ulp), which spares
      // the log1p and exp that most of the sampler's binomials would otherwise cost.
      const double r0 = n <= 64 ? PowInt(q, n) : std::exp(static_cast<double>(n) * std::log1p(-p));
      double u = u0;
      for (;;) {
        double r = r0;
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

  int64_t Btrd(int64_t n, double p) {
    const double nd = static_cast<double>(n);
    const double q = 1.0 - p;
    const double sq = std::sqrt(nd * p * q);
    const double b = 1.15 + 2.53 * sq;
    const double inv_b = 1.0 / b;
    const double a = -0.0873 + 0.0248 * b + 0.01 * p;
    const double c = nd * p + 0.5;
    const double vr = 0.92 - 4.2 * inv_b;
    const double urvr = 0.86 * vr;
    // The rest of the set-up (two divisions) only for the ~20% of draws that leave the fast path.
    double alpha = 0.0, m = 0.0, r = 0.0;
    bool slow_ready = false;
    double log_fm = 0.0, log_r = 0.0;
    bool have_log_fm = false;
    for (;;) {
      double v = Uniform();
      double u;
      // The draws below are truncated to whole numbers by a conversion: they are non-negative
      // here (or rejected first), and std::floor is a library call on baseline x86-64.
      if (v <= urvr) {
        u = v / vr - 0.43;
        return static_cast<int64_t>((2.0 * a / (0.5 - std::abs(u)) + b) * u + c);
      }
      if (!slow_ready) {
        alpha = (2.83 + 5.1 * inv_b) * sq;
        m = static_cast<double>(static_cast<int64_t>((nd + 1.0) * p));
        r = p / q;
        slow_ready = true;
      }
      if (v >= vr) {
        u = Uniform() - 0.5;
      } else {
        u = v / vr - 0.93;
        u = (u < 0 ? -0.5 : 0.5) - u;
        v = Uniform() * vr;
      }
      const double us = 0.5 - std::abs(u);
      const double k_real = (2.0 * a / us + b) * u + c;
      if (k_real < 0.0 || k_real >= nd + 1.0) continue;
      const double kd = static_cast<double>(static_cast<int64_t>(k_real));
      v = v * alpha / (a / (us * us) + b);
      const double km = std::abs(kd - m);
      if (km <= 15.0) {
        // f(k)/f(m) by the recursion f(i)/f(i-1) = (n+1-i) r / i, as one product over the other:
        // with a division per step this loop took a tenth of BTRD's time.
        double num = 1.0, den = 1.0;
        for (double i = std::min(m, kd) + 1; i <= std::max(m, kd); ++i) {
          num *= (nd + 1.0 - i) * r;
          den *= i;
        }
        if (m < kd ? v * den <= num : v * num <= den) return static_cast<int64_t>(kd);
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

  // x^n by repeated squaring; the bits of n pick factors by a select, not a branch (they are
  // random in the sampler, and mispredicted branches cost more than the multiplies).
  static double PowInt(double x, int64_t n) {
    double r = 1.0;
    for (; n > 0; n >>= 1, x *= x) r *= (n & 1) ? x : 1.0;
    return r;
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

  // The ziggurat's layers for the standard normal (Doornik's constants for 128 layers):
  // x[i] is the right edge of layer i, ratio[i] = x[i+1] / x[i] the part of it under the curve.
  struct Ziggurat {
    static constexpr int kLayers = 128;
    static constexpr double kR = 3.442619855899;            // start of the tail
    static constexpr double kV = 9.91256303526217e-3;       // area of each layer
    double x[kLayers + 1];
    double ratio[kLayers];
    static const Ziggurat& Get() {
      static const Ziggurat z = [] {
        Ziggurat t{};
        double f = std::exp(-0.5 * kR * kR);
        t.x[0] = kV / f;  // the base layer, with the tail folded in
        t.x[1] = kR;
        t.x[kLayers] = 0.0;
        for (int i = 2; i < kLayers; ++i) {
          t.x[i] = std::sqrt(-2.0 * std::log(kV / t.x[i - 1] + f));
          f = std::exp(-0.5 * t.x[i] * t.x[i]);
        }
        for (int i = 0; i < kLayers; ++i) t.ratio[i] = t.x[i + 1] / t.x[i];
        return t;
      }();
      return z;
    }
  };

  // A normal draw beyond R (Marsaglia 1964).
  double NormalTail(bool negative) {
    double x, y;
    do {
      x = std::log(Uniform()) / Ziggurat::kR;
      y = std::log(Uniform());
    } while (-2.0 * y < x * x);
    return negative ? x - Ziggurat::kR : Ziggurat::kR - x;
  }

  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  const Ziggurat* zig_;
  uint64_t s_[4];
};

}  // namespace dossier::estimate::internal
