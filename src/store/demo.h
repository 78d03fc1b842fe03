// Demo data: realistic synthetic records for trying Dossier out and for benchmarks.
//
// Persons carry Korean names in Hangul with the romanisations real sources use (Revised
// Romanization, McCune-Reischauer, DPRK spellings, passport forms) and Chinese readings; their
// incidents run across the Chinese border provinces and DPRK provinces, 1998 to 2024; sources of
// every kind; families with links. About one person in twenty is documented a second time by
// another source under another spelling, for record linkage to find. Alongside, the public facts
// of the February 2012 Shenyang arrests: one group incident (more than 30 people, no invented
// names) with its public sources. Same seed, same records.
#pragma once

#include <cstdint>
#include <functional>

#include "domain/result.h"
#include "store/store.h"

namespace dossier {

struct DemoOptions {
  int64_t persons = 2000;
  uint64_t seed = 1;
  // Called now and then with the number of persons written so far.
  std::function<void(int64_t)> progress;
};

struct DemoSummary {
  int64_t sources = 0, persons = 0, incidents = 0, acts = 0, involvements = 0, duplicate_records = 0;
};

Result<DemoSummary> GenerateDemoData(Store& store, const DemoOptions& options);

}  // namespace dossier
