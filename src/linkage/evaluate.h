// Accuracy of a clustering against ground truth: pairwise precision/recall/F1 and cluster measures.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dossier::linkage {

struct Accuracy {
  uint64_t true_pairs = 0, predicted_pairs = 0, correct_pairs = 0;
  double precision = 0, recall = 0, f1 = 0;                      // over record pairs
  double bcubed_precision = 0, bcubed_recall = 0, bcubed_f1 = 0;  // per record, averaged
  uint64_t true_clusters = 0, predicted_clusters = 0;
  double exact_cluster_share = 0;  // true entities (size >= 2) whose cluster was recovered exactly
};

// truth[i] is the entity label of record i; cluster_of[i] the predicted cluster.
Accuracy Evaluate(const std::vector<std::string>& truth, const std::vector<uint32_t>& cluster_of);

}  // namespace dossier::linkage
