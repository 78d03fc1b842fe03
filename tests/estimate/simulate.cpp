#include "simulate.h"

#include <random>
#include <string>

namespace dossier::estimate::testing {

PatternTable Simulate(const Scenario& s, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const size_t lists = s.capture[0].size();
  std::discrete_distribution<int> cls(s.weights.begin(), s.weights.end());
  std::vector<int64_t> dense(size_t{1} << lists, 0);
  for (int64_t i = 0; i < s.size; ++i) {
    const int c = cls(rng);
    uint32_t pattern = 0;
    for (size_t j = 0; j < lists; ++j) {
      if (std::bernoulli_distribution(s.capture[static_cast<size_t>(c)][j])(rng)) pattern |= 1u << j;
    }
    ++dense[pattern];
  }
  PatternTable t;
  for (size_t j = 0; j < lists; ++j) t.lists.push_back("list" + std::to_string(j + 1));
  for (uint32_t p = 1; p < dense.size(); ++p) {
    t.patterns.push_back(p);
    t.counts.push_back(dense[p]);
  }
  return t;
}

Scenario HeterogeneousFourLists() {
  return Scenario{2000,
                  {0.5, 0.3, 0.2},
                  {{0.35, 0.30, 0.25, 0.35}, {0.60, 0.55, 0.15, 0.20}, {0.15, 0.12, 0.20, 0.10}}};
}

}  // namespace dossier::estimate::testing
