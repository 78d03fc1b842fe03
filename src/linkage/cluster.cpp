#include "linkage/cluster.h"

#include "linkage/parallel_sort.h"

#include <algorithm>
#include <atomic>
#include <numeric>
#include <thread>

namespace dossier::linkage {
namespace {

// Whether pairs that weight_of scored are links, by pair key (x << 32 | y, x < y < 2^31; the top
// bit holds the answer). Only a cache (scores are deterministic), so it is bounded: open
// addressing in one array that grows to 2^20 slots (8 MB) and is then emptied whenever half
// full. (A std::unordered_map of scores here allocated a node per pair and was a third of the 1M
// run's clustering.) The guard asks again mostly for pairs it has just scored: at 1M records,
// weight_of ran 33.56M times with 2^18 slots, 33.50M with 2^20, 33.24M with 2^22 and 31.44M with
// 2^25 slots (256 MB, whose misses of the processor caches made the clustering twice as slow).
class LinkCache {
 public:
  template <typename F>
  bool Get(uint64_t key, F&& is_link) {
    size_t i = Slot(key);
    while (slots_[i] != kEmpty) {
      if ((slots_[i] & ~kBit) == key) return slots_[i] & kBit;
      i = (i + 1) & (slots_.size() - 1);
    }
    const bool link = is_link();
    if ((used_ + 1) * 2 > slots_.size()) {
      std::vector<uint64_t> old(slots_.size() < kMaxSlots ? slots_.size() * 2 : slots_.size(), kEmpty);
      old.swap(slots_);
      used_ = 0;
      if (old.size() < slots_.size())  // grown: keep what is cached; at the limit: start again
        for (uint64_t v : old)
          if (v != kEmpty) Put(v);
    }
    Put(key | (link ? kBit : 0));
    return link;
  }

  void Prefetch(uint64_t key) const { __builtin_prefetch(slots_.data() + Slot(key)); }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};  // x < y < 2^31: no key is all ones
  static constexpr uint64_t kBit = uint64_t{1} << 63;
  static constexpr size_t kMaxSlots = size_t{1} << 20;
  size_t Slot(uint64_t key) const { return ((key & ~kBit) * 0x9E3779B97F4A7C15ULL) >> 40 & (slots_.size() - 1); }
  void Put(uint64_t v) {
    size_t i = Slot(v);
    while (slots_[i] != kEmpty) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = v;
    ++used_;
  }
  std::vector<uint64_t> slots_ = std::vector<uint64_t>(1 << 10, kEmpty);
  size_t used_ = 0;
};

// Group pair -> their sizes when the guard refused them; open addressing, grows.
class RefusedMap {
 public:
  RefusedMap() : slots_(1 << 12, {kEmpty, 0}) {}
  uint64_t* Find(uint64_t key) {
    for (size_t i = Slot(key);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i].first == key) return &slots_[i].second;
      if (slots_[i].first == kEmpty) return nullptr;
    }
  }
  void Set(uint64_t key, uint64_t value) {
    if ((used_ + 1) * 2 > slots_.size()) Grow();
    size_t i = Slot(key);
    while (slots_[i].first != kEmpty && slots_[i].first != key) i = (i + 1) & (slots_.size() - 1);
    if (slots_[i].first == kEmpty) ++used_;
    slots_[i] = {key, value};
  }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  size_t Slot(uint64_t key) const { return (key * 0x9E3779B97F4A7C15ULL) >> 32 & (slots_.size() - 1); }
  void Grow() {
    std::vector<std::pair<uint64_t, uint64_t>> old(slots_.size() * 2, {kEmpty, 0});
    old.swap(slots_);
    used_ = 0;
    for (const auto& [k, v] : old)
      if (k != kEmpty) Set(k, v);
  }
  std::vector<std::pair<uint64_t, uint64_t>> slots_;
  size_t used_ = 0;
};

constexpr uint32_t kLink = 0x80000000u;  // adjacency entry: a link (n < 2^31: Link refuses more records)

struct Link {
  uint32_t component;  // smallest record of the link's connected component (0 on one thread)
  float weight;
  uint32_t a, b;
};

}  // namespace

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
  // Pairs sorted by (a, b), as Link passes them, fill every list in order already.
  auto partner_less = [](uint32_t x, uint32_t y) { return (x & ~kLink) < (y & ~kLink); };
  for (uint32_t i = 0; i < n; ++i) {
    auto b = adj.begin() + offset[i], e = adj.begin() + offset[i + 1];
    if (!std::is_sorted(b, e, partner_less)) std::sort(b, e, partner_less);
  }
  // Groups: union-find with each group's members in a circular list (next), its size at the root.
  std::vector<uint32_t> parent(n), next(n), size(n, 1);
  std::iota(parent.begin(), parent.end(), 0u);
  std::iota(next.begin(), next.end(), 0u);
  auto find = [&](uint32_t x) {
    while (parent[x] != x) { parent[x] = parent[parent[x]]; x = parent[x]; }
    return x;
  };

  // The links, strongest first (ties in pair order). A merge decision reads and writes only
  // records of the two groups, and both lie in one connected component of the link graph; the
  // links of one component are taken in the global order. So components are independent: with
  // more than one thread the links are sorted by component first, and the threads take whole
  // components, with the result of one thread.
  const int threads = std::max(1, options.threads);
  std::vector<Link> links;
  for (const auto& p : pairs)
    if (p.weight >= options.threshold_weight && usable(p)) links.push_back({0, p.weight, p.a, p.b});
  if (threads > 1) {
    for (const auto& l : links) {
      uint32_t x = find(l.a), y = find(l.b);
      if (x != y) parent[std::max(x, y)] = std::min(x, y);
    }
    for (auto& l : links) l.component = find(l.a);
    std::iota(parent.begin(), parent.end(), 0u);
  }
  ParallelSort(links, [](const Link& x, const Link& y) {
    if (x.component != y.component) return x.component < y.component;
    if (x.weight != y.weight) return x.weight > y.weight;
    return std::pair(x.a, x.b) < std::pair(y.a, y.b);
  }, threads);
  std::vector<std::pair<size_t, size_t>> tasks;  // ranges of `links`, one per component
  for (size_t b = 0, e; b < links.size(); b = e) {
    for (e = b + 1; e < links.size() && links[e].component == links[b].component;) ++e;
    tasks.emplace_back(b, e);
  }
  std::stable_sort(tasks.begin(), tasks.end(), [](const auto& x, const auto& y) {
    return x.second - x.first > y.second - y.first;  // the big components first
  });

  auto worker = [&](std::atomic<size_t>& next_task) {
    RefusedMap refused;
    LinkCache rescored;  // pairs scored by weight_of
    std::vector<uint32_t> ma, mb;
    std::vector<std::pair<uint32_t, uint32_t>> unscored;
    // mark[y] == stamp: y is in the other group; seen[y] == stamp: y is a partner of the record
    // being scanned.
    std::vector<uint32_t> mark(n, 0), seen(n, 0);
    uint32_t stamp_base = 0;
    auto new_stamp = [&] {
      if (++stamp_base == 0) {  // wrapped: start again
        std::fill(mark.begin(), mark.end(), 0);
        std::fill(seen.begin(), seen.end(), 0);
        stamp_base = 1;
      }
      return stamp_base;
    };
    auto members = [&](uint32_t root, std::vector<uint32_t>& out) {
      out.clear();
      uint32_t x = root;
      do { out.push_back(x); x = next[x]; } while (x != root);
    };
    // Whether at least min_link_fraction of the record pairs between two groups are links.
    // Decided as early as the counts allow: first from the pairs already scored (the adjacency
    // lists of the smaller group's records), and only then by scoring the pairs blocking
    // never paired, one at a time, stopping as soon as the answer is known. The answer is the one
    // a full count would give; at a million records the full count, rescoring every unpaired pair
    // between two large groups, was most of the run.
    auto enough_links_between = [&]() {
      const double needed = options.min_link_fraction * static_cast<double>(ma.size() * mb.size());
      if (needed <= 0) return true;
      if (ma.size() > mb.size()) ma.swap(mb);
      const uint32_t stamp = new_stamp();
      for (uint32_t y : mb) mark[y] = stamp;
      // Per record of the smaller group, whichever is cheaper: a pass over its partners, or a
      // binary search for each member of the other group.
      const double known_non_links_allowed = static_cast<double>(ma.size() * mb.size()) - needed;
      size_t links_between = 0, scored = 0;
      for (uint32_t x : ma) {
        const uint32_t* b = adj.data() + offset[x];
        const uint32_t* e = adj.data() + offset[x + 1];
        if (static_cast<size_t>(e - b) <= 8 * mb.size()) {
          for (const uint32_t* k = b; k < e; ++k) {
            const uint32_t y = *k & ~kLink;
            if (mark[y] != stamp || (k > b && y == (k[-1] & ~kLink))) continue;  // once a pair
            ++scored;
            links_between += (*k & kLink) != 0;
          }
        } else {
          for (uint32_t y : mb) {
            const uint32_t* it = std::lower_bound(b, e, y, [](uint32_t v, uint32_t key) { return (v & ~kLink) < key; });
            if (it == e || (*it & ~kLink) != y) continue;
            ++scored;
            links_between += (*it & kLink) != 0;
          }
        }
        if (static_cast<double>(links_between) >= needed) return true;
        if (static_cast<double>(scored - links_between) > known_non_links_allowed) return false;
      }
      const size_t never = ma.size() * mb.size() - scored;  // pairs blocking never made
      if (!weight_of || static_cast<double>(links_between + never) < needed) return false;
      unscored.clear();
      for (uint32_t x : ma) {
        const uint32_t* b = adj.data() + offset[x];
        const uint32_t* e = adj.data() + offset[x + 1];
        if (static_cast<size_t>(e - b) <= 8 * mb.size()) {
          const uint32_t seen_stamp = new_stamp();
          for (const uint32_t* k = b; k < e; ++k) seen[*k & ~kLink] = seen_stamp;
          for (uint32_t y : mb)
            if (seen[y] != seen_stamp) unscored.emplace_back(std::min(x, y), std::max(x, y));
        } else {
          for (uint32_t y : mb) {
            const uint32_t* it = std::lower_bound(b, e, y, [](uint32_t v, uint32_t key) { return (v & ~kLink) < key; });
            if (it == e || (*it & ~kLink) != y) unscored.emplace_back(std::min(x, y), std::max(x, y));
          }
        }
      }
      size_t left = unscored.size();
      constexpr size_t kAhead = 8;  // the cache is far larger than the processor's caches
      for (size_t k = 0; k < std::min(kAhead, unscored.size()); ++k)
        rescored.Prefetch(uint64_t{unscored[k].first} << 32 | unscored[k].second);
      for (size_t k = 0; k < unscored.size(); ++k) {
        const auto [x, y] = unscored[k];
        if (k + kAhead < unscored.size())
          rescored.Prefetch(uint64_t{unscored[k + kAhead].first} << 32 | unscored[k + kAhead].second);
        --left;
        const bool link = rescored.Get(uint64_t{x} << 32 | y, [&] { return weight_of(x, y) >= options.threshold_weight; });
        if (link && static_cast<double>(++links_between) >= needed) return true;
        if (static_cast<double>(links_between + left) < needed) return false;
      }
      return static_cast<double>(links_between) >= needed;
    };
    for (size_t t; (t = next_task.fetch_add(1)) < tasks.size();) {
      for (size_t k = tasks[t].first; k < tasks[t].second; ++k) {
        const Link& l = links[k];
        uint32_t ra = find(l.a), rb = find(l.b);
        if (ra == rb) continue;
        if (size[ra] + size[rb] > options.max_cluster_size) continue;
        if (size[ra] > 1 || size[rb] > 1) {
          // Groups only grow: if these two were refused at these sizes, they are refused again.
          const uint32_t lo = std::min(ra, rb), hi = std::max(ra, rb);
          const uint64_t gkey = uint64_t{lo} << 32 | hi;
          const uint64_t sizes = uint64_t{size[lo]} << 32 | size[hi];
          if (const uint64_t* f = refused.Find(gkey); f && *f == sizes) continue;
          members(ra, ma);
          members(rb, mb);
          if (!enough_links_between()) {
            refused.Set(gkey, sizes);
            continue;
          }
        }
        if (size[ra] < size[rb]) std::swap(ra, rb);
        parent[rb] = ra;
        size[ra] += size[rb];
        std::swap(next[ra], next[rb]);  // splices the two circular lists
      }
    }
  };
  std::atomic<size_t> next_task{0};
  const int workers = static_cast<int>(std::min<size_t>(threads, tasks.size()));
  if (workers <= 1) {
    worker(next_task);
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < workers; ++t) pool.emplace_back(worker, std::ref(next_task));
    for (auto& th : pool) th.join();
  }

  std::vector<uint32_t> id(n, UINT32_MAX), out(n);
  uint32_t next_id = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t r = find(i);
    if (id[r] == UINT32_MAX) id[r] = next_id++;
    out[i] = id[r];
  }
  return out;
}

}  // namespace dossier::linkage
