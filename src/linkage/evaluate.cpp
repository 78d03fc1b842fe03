#include "linkage/evaluate.h"

#include <map>
#include <unordered_map>

namespace dossier::linkage {

Accuracy Evaluate(const std::vector<std::string>& truth, const std::vector<uint32_t>& cluster_of) {
  Accuracy a;
  const size_t n = std::min(truth.size(), cluster_of.size());
  std::unordered_map<std::string, std::vector<uint32_t>> by_truth;
  std::unordered_map<uint32_t, std::vector<uint32_t>> by_pred;
  std::map<std::pair<std::string, uint32_t>, uint64_t> both;
  for (uint32_t i = 0; i < n; ++i) {
    by_truth[truth[i]].push_back(i);
    by_pred[cluster_of[i]].push_back(i);
    ++both[{truth[i], cluster_of[i]}];
  }
  auto pairs = [](uint64_t k) { return k * (k - 1) / 2; };
  for (auto& [k, v] : by_truth) a.true_pairs += pairs(v.size());
  for (auto& [k, v] : by_pred) a.predicted_pairs += pairs(v.size());
  for (auto& [k, v] : both) a.correct_pairs += pairs(v);
  a.precision = a.predicted_pairs ? double(a.correct_pairs) / a.predicted_pairs : 1.0;
  a.recall = a.true_pairs ? double(a.correct_pairs) / a.true_pairs : 1.0;
  a.f1 = a.precision + a.recall > 0 ? 2 * a.precision * a.recall / (a.precision + a.recall) : 0;
  double bp = 0, br = 0;
  for (uint32_t i = 0; i < n; ++i) {
    double overlap = static_cast<double>(both[{truth[i], cluster_of[i]}]);
    bp += overlap / by_pred[cluster_of[i]].size();
    br += overlap / by_truth[truth[i]].size();
  }
  a.bcubed_precision = n ? bp / n : 0;
  a.bcubed_recall = n ? br / n : 0;
  a.bcubed_f1 = a.bcubed_precision + a.bcubed_recall > 0
                    ? 2 * a.bcubed_precision * a.bcubed_recall / (a.bcubed_precision + a.bcubed_recall) : 0;
  a.true_clusters = by_truth.size();
  a.predicted_clusters = by_pred.size();
  uint64_t multi = 0, exact = 0;
  for (auto& [k, v] : by_truth) {
    if (v.size() < 2) continue;
    ++multi;
    uint32_t c = cluster_of[v[0]];
    bool same = true;
    for (uint32_t i : v) same = same && cluster_of[i] == c;
    if (same && by_pred[c].size() == v.size()) ++exact;
  }
  a.exact_cluster_share = multi ? double(exact) / multi : 1.0;
  return a;
}

}  // namespace dossier::linkage
