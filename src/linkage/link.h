// Linking a set of records: blocking, training, scoring, clustering. The one entry point.
//
// Link(tables, records, options) is what both ways in call: `dossier link --input` (file mode, see
// tabular.h) and, later, `dossier link --db` with records built from stored persons (see
// LinkRecord in model.h). It returns the trained model, the candidate pairs scored at or above
// `review_probability` (for a review queue) and a cluster id per record.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "domain/result.h"
#include "linkage/cluster.h"
#include "linkage/model.h"
#include "linkage/names.h"

namespace dossier::linkage {

// A blocking rule: pairs that share every listed key are candidates. Keys: name_key (family +
// given phonetic key), family_key, given_key, hanja, birth_date (full date), birth_year,
// birth_month_day, sex, origin, given_prefix (first 2 characters of the given key), family_prefix,
// attr:<name> (attribute value).
struct BlockingRule {
  std::vector<std::string> keys;
};

enum class LinkMode { kDedupe, kLinkOnly, kLinkAndDedupe };

struct LinkOptions {
  ModelOptions model;
  std::vector<BlockingRule> blocking;  // empty = DefaultBlockingRules()
  LinkMode mode = LinkMode::kDedupe;
  double match_probability = 0.9;   // pairs at or above are linked into clusters
  double review_probability = 0.5;  // pairs at or above are returned in LinkResult::pairs
  double min_link_fraction = 0.5;   // chaining guard, see cluster.h
  size_t max_block_size = 5000;     // larger blocks are skipped (and counted)
  int threads = 2;
  TrainOptions train;
  // Rules used only to train m (not for candidates): empty = automatic, i.e. ["birth_date"] when
  // every blocking rule masks a name comparison, ["name_key"] when every rule masks the birth date.
  std::vector<BlockingRule> training_blocking;
  uint64_t max_training_pairs = 2'000'000;  // training-only rules are sampled by block to about this
};

std::vector<BlockingRule> DefaultBlockingRules();

struct LinkStats {
  uint64_t candidate_pairs = 0;   // distinct pairs compared (per pass)
  uint64_t comparisons = 0;       // Compare calls in total (training + scoring + u sampling)
  uint64_t skipped_blocks = 0;
  uint64_t skipped_block_pairs = 0;
  double seconds_prepare = 0, seconds_train = 0, seconds_score = 0, seconds_cluster = 0;
};

struct LinkResult {
  Model model;
  std::vector<PreparedRecord> prepared;  // for Explain(model, prepared[a], prepared[b])
  std::vector<ScoredPair> pairs;         // weight >= review threshold, sorted by (a, b)
  std::vector<uint32_t> cluster_of;      // per input record
  LinkStats stats;
};

Result<LinkResult> Link(const NameTables& tables, const std::vector<LinkRecord>& records,
                        const LinkOptions& options);

// Validates a blocking key name; Error names the unknown key.
Status CheckBlockingRule(const BlockingRule& rule, const ModelOptions& model);

}  // namespace dossier::linkage
