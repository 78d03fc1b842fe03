// Simulated capture-recapture data with a known population size, for coverage checks.
#pragma once

#include <cstdint>
#include <vector>

#include "estimate/estimate.h"

namespace dossier::estimate::testing {

// A population of `size` people in latent classes; class c has share weights[c] and
// probability capture[c][j] of being on list j (lists independent within a class, so the
// lists are dependent and capture heterogeneous in the population as a whole).
struct Scenario {
  int64_t size = 0;
  std::vector<double> weights;
  std::vector<std::vector<double>> capture;
};

// Draws one population and returns the table of people seen on at least one list.
PatternTable Simulate(const Scenario& s, uint64_t seed);

// The scenario of the coverage checks: 2,000 people, 4 lists, three classes (one harder to
// reach, one seen mostly by lists 1 and 2 together), about 1,500 of them documented.
Scenario HeterogeneousFourLists();

}  // namespace dossier::estimate::testing
