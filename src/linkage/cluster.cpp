#include "linkage/cluster.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace dossier::linkage {

std::vector<uint32_t> ClusterPairs(uint32_t n, const std::vector<ScoredPair>& pairs, const ClusterOptions& options) {
  return ClusterPairs(n, pairs, options, nullptr);
}

std::vector<uint32_t> ClusterPairs(uint32_t n, const std::vector<ScoredPair>& pairs, const ClusterOptions& options,
                                   const std::function<double(uint32_t, uint32_t)>& weight_of) {
  std::unordered_set<uint64_t> scored;  // every pair in `pairs`, linked or not
  if (weight_of) {
    scored.reserve(pairs.size() * 2);
    for (const auto& p : pairs) scored.insert(uint64_t{std::min(p.a, p.b)} << 32 | std::max(p.a, p.b));
  }
  std::vector<const ScoredPair*> links;
  for (const auto& p : pairs)
    if (p.weight >= options.threshold_weight && p.a < n && p.b < n && p.a != p.b) links.push_back(&p);
  std::sort(links.begin(), links.end(), [](const ScoredPair* x, const ScoredPair* y) {
    if (x->weight != y->weight) return x->weight > y->weight;
    return std::pair(x->a, x->b) < std::pair(y->a, y->b);
  });
  // Set of linked pairs, for the guard.
  std::unordered_set<uint64_t> linked;
  linked.reserve(links.size() * 2);
  for (const auto* p : links) linked.insert(uint64_t{std::min(p->a, p->b)} << 32 | std::max(p->a, p->b));
  std::unordered_map<uint64_t, uint64_t> refused;  // group pair -> their sizes when refused
  std::unordered_map<uint64_t, double> rescored;   // pairs scored by weight_of, each once
  std::vector<uint32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0u);
  std::vector<std::vector<uint32_t>> members(n);
  for (uint32_t i = 0; i < n; ++i) members[i] = {i};
  auto find = [&](uint32_t x) {
    while (parent[x] != x) { parent[x] = parent[parent[x]]; x = parent[x]; }
    return x;
  };
  for (const auto* p : links) {
    uint32_t ra = find(p->a), rb = find(p->b);
    if (ra == rb) continue;
    auto& ma = members[ra];
    auto& mb = members[rb];
    if (ma.size() + mb.size() > options.max_cluster_size) continue;
    if (ma.size() > 1 || mb.size() > 1) {
      // Groups only grow: if these two were refused at these sizes, they are refused again.
      uint64_t gkey = uint64_t{std::min(ra, rb)} << 32 | std::max(ra, rb);
      uint64_t sizes = uint64_t{static_cast<uint32_t>(members[std::min(ra, rb)].size())} << 32 |
                       static_cast<uint32_t>(members[std::max(ra, rb)].size());
      if (auto f = refused.find(gkey); f != refused.end() && f->second == sizes) continue;
      size_t between = 0, total = ma.size() * mb.size();
      for (uint32_t x : ma)
        for (uint32_t y : mb) {
          uint64_t key = uint64_t{std::min(x, y)} << 32 | std::max(x, y);
          if (linked.count(key)) ++between;
          else if (weight_of && !scored.count(key)) {
            auto c = rescored.find(key);
            if (c == rescored.end()) c = rescored.emplace(key, weight_of(std::min(x, y), std::max(x, y))).first;
            if (c->second >= options.threshold_weight) ++between;
          }
        }
      if (static_cast<double>(between) < options.min_link_fraction * static_cast<double>(total)) {
        refused[gkey] = sizes;
        continue;
      }
    }
    if (ma.size() < mb.size()) std::swap(ra, rb);
    parent[rb] = ra;
    members[ra].insert(members[ra].end(), members[rb].begin(), members[rb].end());
    members[rb].clear();
    members[rb].shrink_to_fit();
  }
  std::vector<uint32_t> id(n, UINT32_MAX), out(n);
  uint32_t next = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t r = find(i);
    if (id[r] == UINT32_MAX) id[r] = next++;
    out[i] = id[r];
  }
  return out;
}

}  // namespace dossier::linkage
