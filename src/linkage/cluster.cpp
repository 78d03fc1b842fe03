#include "linkage/cluster.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace dossier::linkage {

std::vector<uint32_t> ClusterPairs(uint32_t n, const std::vector<ScoredPair>& pairs, const ClusterOptions& options) {
  return ClusterPairs(n, pairs, options, nullptr);
}

std::vector<uint32_t> ClusterPairs(uint32_t n, const std::vector<ScoredPair>& pairs, const ClusterOptions& options,
                                   const std::function<double(uint32_t, uint32_t)>& weight_of) {
  // The pairs as adjacency lists (CSR): per record, its partners in `pairs`, sorted, the top bit
  // marking a link. Not hash sets of pair keys: at a million records there are tens of millions of
  // pairs, a hash set spends about 40 bytes on each (the 1M run grew to 6.5 GB) and one big sorted
  // vector costs ~25 cache misses a lookup; here a pair costs 8 bytes and a lookup searches one
  // record's few partners.
  constexpr uint32_t kLink = 0x80000000u;  // n < 2^31 (Link refuses more records)
  std::vector<uint32_t> offset(static_cast<size_t>(n) + 1, 0), adj;
  auto usable = [&](const ScoredPair& p) { return p.a < n && p.b < n && p.a != p.b; };
  for (const auto& p : pairs)
    if (usable(p)) { ++offset[p.a + 1]; ++offset[p.b + 1]; }
  for (uint32_t i = 0; i < n; ++i) offset[i + 1] += offset[i];
  adj.resize(offset[n]);
  {
    std::vector<uint32_t> fill(offset.begin(), offset.end() - 1);
    for (const auto& p : pairs) {
      if (!usable(p)) continue;
      const uint32_t link = p.weight >= options.threshold_weight ? kLink : 0;
      adj[fill[p.a]++] = p.b | link;
      adj[fill[p.b]++] = p.a | link;
    }
  }
  for (uint32_t i = 0; i < n; ++i) {
    std::sort(adj.begin() + offset[i], adj.begin() + offset[i + 1],
              [](uint32_t x, uint32_t y) { return (x & ~kLink) < (y & ~kLink); });
  }
  // 0: never scored, 1: scored, not a link, 2: a link.
  auto state = [&](uint32_t x, uint32_t y) {
    auto b = adj.begin() + offset[x], e = adj.begin() + offset[x + 1];
    auto it = std::lower_bound(b, e, y, [](uint32_t v, uint32_t key) { return (v & ~kLink) < key; });
    if (it == e || (*it & ~kLink) != y) return 0;
    return (*it & kLink) ? 2 : 1;
  };
  std::vector<const ScoredPair*> links;
  for (const auto& p : pairs)
    if (p.weight >= options.threshold_weight && usable(p)) links.push_back(&p);
  std::sort(links.begin(), links.end(), [](const ScoredPair* x, const ScoredPair* y) {
    if (x->weight != y->weight) return x->weight > y->weight;
    return std::pair(x->a, x->b) < std::pair(y->a, y->b);
  });
  std::unordered_map<uint64_t, uint64_t> refused;  // group pair -> their sizes when refused
  std::unordered_map<uint64_t, double> rescored;   // pairs scored by weight_of (a cache)
  constexpr size_t kMaxRescored = size_t{1} << 22;  // about 200 MB
  std::vector<uint32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0u);
  std::vector<std::vector<uint32_t>> members(n);
  for (uint32_t i = 0; i < n; ++i) members[i] = {i};
  auto find = [&](uint32_t x) {
    while (parent[x] != x) { parent[x] = parent[parent[x]]; x = parent[x]; }
    return x;
  };
  // Whether at least min_link_fraction of the record pairs between two groups are links. Decided
  // as early as the counts allow: first from the pairs already scored (cheap lookups), and only
  // then by scoring the pairs blocking never paired, one at a time, stopping as soon as the answer
  // is known. The answer is the one a full count would give; at a million records the full count,
  // rescoring every unpaired pair between two large groups, was most of the run.
  std::vector<std::pair<uint32_t, uint32_t>> unscored;
  auto enough_links_between = [&](const std::vector<uint32_t>& ma, const std::vector<uint32_t>& mb) {
    const double needed = options.min_link_fraction * static_cast<double>(ma.size() * mb.size());
    if (needed <= 0) return true;
    size_t links_between = 0, left = ma.size() * mb.size();
    unscored.clear();
    for (uint32_t x : ma) {
      for (uint32_t y : mb) {
        --left;
        const int st = state(x, y);
        if (st == 2) {
          if (static_cast<double>(++links_between) >= needed) return true;
        } else if (st == 0 && weight_of) {
          unscored.emplace_back(std::min(x, y), std::max(x, y));
        }
        if (static_cast<double>(links_between + unscored.size() + left) < needed) return false;
      }
    }
    left = unscored.size();
    for (const auto& [x, y] : unscored) {
      --left;
      const uint64_t key = uint64_t{x} << 32 | y;
      auto c = rescored.find(key);
      if (c == rescored.end()) {
        // Only a cache (scores are deterministic): bounded, so that it cannot grow with the
        // pairs the way the 1M run's did (3.6 GB and rising in the guard).
        if (rescored.size() >= kMaxRescored) rescored.clear();
        c = rescored.emplace(key, weight_of(x, y)).first;
      }
      if (c->second >= options.threshold_weight && static_cast<double>(++links_between) >= needed) return true;
      if (static_cast<double>(links_between + left) < needed) return false;
    }
    return static_cast<double>(links_between) >= needed;
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
      if (!enough_links_between(ma, mb)) {
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
