// Analysis on the database: runs the pure algorithms of src/linkage and src/estimate on stored
// records, and writes what they find back for people to review.
//
//   QueueLinkCandidates   stored persons -> linkage -> candidate pairs in the review queue
//   CaptureHistories      person clusters -> which source lists each unique person is on
#pragma once

#include <map>
#include <string>
#include <vector>

#include "domain/result.h"
#include "estimate/estimate.h"
#include "linkage/link.h"
#include "store/store.h"

namespace dossier::analysis {

// Linkage records for every individual person record (families and groups are not linked), with
// the places and dates of the incidents each is a victim in.
Result<std::vector<linkage::LinkRecord>> LinkRecordsFromStore(const Store& store);

struct DatabaseLinkOptions {
  double review_probability = 0.5;  // pairs at or above go to the review queue
  int threads = 2;
};

struct DatabaseLinkSummary {
  int64_t records = 0;
  int64_t candidate_pairs = 0;  // pairs compared
  int64_t queued = 0;           // pairs now waiting for review
  int64_t already_together = 0; // pairs skipped because a reviewer already merged them
  linkage::LinkStats stats;
};

// Links the stored persons and queues every pair at or above the review threshold that is not
// already in one cluster, with its field-by-field explanation. Nothing is merged automatically.
Result<DatabaseLinkSummary> QueueLinkCandidates(Store& store, const linkage::NameTables& tables,
                                                const DatabaseLinkOptions& options);

// The two halves of QueueLinkCandidates, for a server that must not hold its write lock while the
// linkage runs: FindLinkCandidates only reads; QueueFound writes (replacing the pending pairs).
// A candidate's person_a is the smaller id and the explanation's value_a is that person's.
struct FoundCandidates {
  DatabaseLinkSummary summary;
  std::vector<LinkCandidate> candidates;
};
Result<FoundCandidates> FindLinkCandidates(const Store& store, const linkage::NameTables& tables,
                                           const DatabaseLinkOptions& options);
Result<DatabaseLinkSummary> QueueFound(Store& store, FoundCandidates found);

// What a "list" is when building capture histories: the organisation that published a source
// (default: each NGO's documentation is one list), or each source on its own.
enum class ListBy { kPublisher, kSource };

struct HistoryOptions {
  ListBy list_by = ListBy::kPublisher;
  // Stratum variables: "year" (of the person's earliest incident), "province" (of that
  // incident's place), "incident_type" (of that incident), "sex", "origin_province".
  std::vector<std::string> strata;
  // Only persons who are victims of an incident of this type (e.g. "forced_return"); empty = all.
  std::string incident_type;
};

// One capture history per unique person (cluster of records): the union of the lists its records
// are on. Families and groups are left out: they count more than one person.
Result<std::vector<estimate::CaptureHistory>> CaptureHistories(const Store& store, const HistoryOptions& options);

}  // namespace dossier::analysis
