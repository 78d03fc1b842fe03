// Clustering of scored pairs into entities, with a guard against chaining.
//
// Pairs above the threshold are merged strongest first. Two groups that already hold more than one
// record merge only if at least `min_link_fraction` of the record pairs between them are themselves
// links above the threshold, so that one spurious link cannot join two people's clusters.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace dossier::linkage {

struct ScoredPair {
  uint32_t a = 0, b = 0;  // record indices, a < b
  float weight = 0;       // match weight (log2 Bayes factor)
  uint64_t pattern = 0;   // agreement pattern (see model.h)
};

struct ClusterOptions {
  double threshold_weight = 3.0;   // link pairs with weight >= this
  double min_link_fraction = 0.5;  // chaining guard; 0 = plain connected components
  uint32_t max_cluster_size = 200;
  // Connected components of the links are clustered independently, on up to this many threads;
  // the result does not depend on it. With more than one, `weight_of` is called from several
  // threads at once.
  int threads = 1;
};

// Cluster id per record (0..k-1, numbered in record order); singletons get their own id.
// record_count must be below 2^31.
std::vector<uint32_t> ClusterPairs(uint32_t record_count, const std::vector<ScoredPair>& pairs,
                                   const ClusterOptions& options);
// With `weight_of`, the guard also counts pairs between the two groups that are not in `pairs`
// (blocking never paired them) by scoring them: a link the blocking missed is still a link.
std::vector<uint32_t> ClusterPairs(uint32_t record_count, const std::vector<ScoredPair>& pairs,
                                   const ClusterOptions& options,
                                   const std::function<double(uint32_t, uint32_t)>& weight_of);

}  // namespace dossier::linkage
