// Pieces shared by the files of ingestion (ingest*.cpp); not part of its interface.
#pragma once

#include <algorithm>
#include <vector>

#include "evidence/ingest.h"

namespace dossier::evidence {

// Sorts by position and, where spans overlap, keeps the longest (the first on a tie).
inline std::vector<Candidate> KeepLongest(std::vector<Candidate> found) {
  std::stable_sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
    return (a.end - a.begin) > (b.end - b.begin);
  });
  std::vector<Candidate> kept;
  for (auto& c : found) {
    const bool overlaps = std::any_of(kept.begin(), kept.end(), [&](const Candidate& k) {
      return c.begin < k.end && k.begin < c.end;
    });
    if (!overlaps) kept.push_back(std::move(c));
  }
  std::stable_sort(kept.begin(), kept.end(), [](const Candidate& a, const Candidate& b) { return a.begin < b.begin; });
  return kept;
}

}  // namespace dossier::evidence
