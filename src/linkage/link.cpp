#include "linkage/link.h"

#include "linkage/parallel_sort.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <span>
#include <thread>
#include <unordered_map>

namespace dossier::linkage {
namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

uint64_t Fnv(uint64_t h, std::string_view s) {
  for (unsigned char c : s) { h ^= c; h *= 1099511628211ULL; }
  h ^= 0xFF;
  h *= 1099511628211ULL;
  return h;
}

bool IsNameKey(const std::string& k) {
  return k == "name_key" || k == "family_key" || k == "given_key" || k == "hanja" || k == "given_prefix" ||
         k == "family_prefix";
}

// Keys of one record under one rule (one per name reading when the rule uses names).
void RuleKeysOf(const BlockingRule& rule, const std::vector<int>& attr_index, const PreparedRecord& p,
                std::vector<uint64_t>& out) {
  bool uses_names = std::any_of(rule.keys.begin(), rule.keys.end(), IsNameKey);
  size_t readings = uses_names ? p.names.size() : 1;
  char buf[32];
  for (size_t r = 0; r < readings; ++r) {
    uint64_t h = 1469598103934665603ULL;
    bool ok = true;
    for (size_t k = 0; k < rule.keys.size() && ok; ++k) {
      const std::string& key = rule.keys[k];
      std::string_view v;
      std::string tmp;
      if (IsNameKey(key)) {
        const NameForms& n = p.names[r];
        if (key == "name_key") {
          if (n.family.key.empty() || n.given.key.empty()) ok = false;
          tmp = n.family.key + "|" + n.given.key;
        } else if (key == "family_key") tmp = n.family.key;
        else if (key == "given_key") tmp = n.given.key;
        else if (key == "hanja") tmp = ToUtf8(n.family.hanja) + "|" + ToUtf8(n.given.hanja);
        else if (key == "given_prefix") tmp = n.given.key.substr(0, 2);
        else if (key == "family_prefix") tmp = n.family.key.substr(0, 2);
        if (key == "hanja" && (n.family.hanja.empty() || n.given.hanja.empty())) ok = false;
        v = tmp;
      } else if (key == "birth_date") {
        if (!p.has_birth || p.birth_precision != DatePrecision::kDay) ok = false;
        std::snprintf(buf, sizeof buf, "%d-%d-%d", p.birth_year, p.birth_month, p.birth_day);
        v = buf;
      } else if (key == "birth_year") {
        if (!p.has_birth) ok = false;
        std::snprintf(buf, sizeof buf, "%d", p.birth_year);
        v = buf;
      } else if (key == "birth_month_day") {
        if (!p.has_birth || p.birth_precision != DatePrecision::kDay) ok = false;
        std::snprintf(buf, sizeof buf, "%d-%d", p.birth_month, p.birth_day);
        v = buf;
      } else if (key == "sex") {
        if (p.sex == 0) ok = false;
        buf[0] = static_cast<char>('0' + p.sex);
        v = std::string_view(buf, 1);
      } else if (key == "origin") {
        v = p.origin;
      } else {
        int a = attr_index[k];
        if (a >= 0) v = p.attributes[a];
      }
      if (v.empty()) ok = false;
      h = Fnv(h, v);
    }
    if (ok) out.push_back(h);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

struct RuleIndex {
  std::vector<uint32_t> offset;  // per record, into keys
  std::vector<uint64_t> keys;
  std::vector<std::pair<uint64_t, uint32_t>> sorted;  // (key, record)
  std::span<const uint64_t> Of(uint32_t i) const { return {keys.data() + offset[i], keys.data() + offset[i + 1]}; }
};

bool Share(std::span<const uint64_t> a, std::span<const uint64_t> b, uint64_t below = UINT64_MAX) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] >= below || b[j] >= below) return false;
    if (a[i] == b[j]) return true;
    if (a[i] < b[j]) ++i; else ++j;
  }
  return false;
}

struct Group {
  uint32_t rule;
  size_t begin, end;
};

// Pattern -> count, open addressing: the pair loop counts without allocating (a few hundred
// distinct patterns in practice).
class PatternCounts {
 public:
  PatternCounts() : slots_(1024, {kEmpty, 0}) {}
  void Add(Pattern p, uint64_t k = 1) {
    size_t mask = slots_.size() - 1;
    size_t i = (p * 0x9E3779B97F4A7C15ULL) >> 20 & mask;
    while (slots_[i].first != kEmpty && slots_[i].first != p) i = (i + 1) & mask;
    if (slots_[i].first == kEmpty) {
      slots_[i].first = p;
      if (++used_ * 2 > slots_.size()) { Grow(); Add(p, k); return; }
    }
    slots_[i].second += k;
  }
  template <typename F>
  void ForEach(F f) const {
    for (const auto& [p, k] : slots_) if (p != kEmpty) f(p, k);
  }

 private:
  static constexpr Pattern kEmpty = ~Pattern{0};  // no pattern has every level 15
  void Grow() {
    std::vector<std::pair<Pattern, uint64_t>> old;
    old.swap(slots_);
    slots_.assign(old.size() * 2, {kEmpty, 0});
    used_ = 0;
    for (const auto& [p, k] : old) if (p != kEmpty && k) Add(p, k);
  }
  std::vector<std::pair<Pattern, uint64_t>> slots_;
  size_t used_ = 0;
};

// The comparisons a rule blocks on: their levels are biased among the pairs it yields. A family
// key masks the family name only, a given key the given name only, name_key and hanja both.
std::vector<bool> MaskedBy(const BlockingRule& rule, const std::vector<Comparison>& comparisons) {
  std::vector<bool> masked(comparisons.size(), false);
  for (const auto& key : rule.keys) {
    for (size_t c = 0; c < comparisons.size(); ++c) {
      const Comparison& cmp = comparisons[c];
      bool family = key == "name_key" || key == "hanja" || key == "family_key" || key == "family_prefix";
      bool given = key == "name_key" || key == "hanja" || key == "given_key" || key == "given_prefix";
      bool hit = (family && cmp.field == Field::kFamilyName) || (given && cmp.field == Field::kGivenName) ||
                 (key.rfind("birth", 0) == 0 && cmp.field == Field::kBirthDate) ||
                 (key == "sex" && cmp.field == Field::kSex) || (key == "origin" && cmp.field == Field::kOrigin) ||
                 (cmp.field == Field::kAttribute && key == cmp.name);
      if (hit) masked[c] = true;
    }
  }
  return masked;
}

}  // namespace

std::vector<BlockingRule> DefaultBlockingRules() {
  return {{{"name_key"}}, {{"hanja"}}, {{"family_key", "birth_year"}}, {{"given_key", "birth_year"}},
          {{"birth_date", "given_prefix"}}};
}

Status CheckBlockingRule(const BlockingRule& rule, const ModelOptions& model) {
  static const char* kKnown[] = {"name_key", "family_key", "given_key", "hanja", "given_prefix", "family_prefix",
                                 "birth_date", "birth_year", "birth_month_day", "sex", "origin"};
  if (rule.keys.empty()) return Error::Invalid("blocking rule has no keys");
  for (const auto& k : rule.keys) {
    if (std::find(std::begin(kKnown), std::end(kKnown), k) != std::end(kKnown)) continue;
    if (k.rfind("attr:", 0) == 0) {
      std::string name = k.substr(5);
      if (std::any_of(model.attributes.begin(), model.attributes.end(), [&](const auto& a) { return a.name == name; }))
        continue;
      return Error::Invalid("blocking key '" + k + "' names an attribute that is not configured");
    }
    return Error::Invalid("unknown blocking key '" + k + "'");
  }
  return Ok();
}

Result<LinkResult> Link(const NameTables& tables, const std::vector<LinkRecord>& records, const LinkOptions& options) {
  if (records.size() >= (size_t{1} << 31)) return Error::Invalid("too many records (at most 2^31 - 1)");
  LinkResult result;
  auto t0 = Clock::now();
  const int threads = std::max(1, options.threads);
  std::vector<BlockingRule> rules = options.blocking.empty() ? DefaultBlockingRules() : options.blocking;
  for (const auto& r : rules) DOSSIER_RETURN_IF_ERROR(CheckBlockingRule(r, options.model));
  for (const auto& r : records)
    if (r.attributes.size() > options.model.attributes.size())
      return Error::Invalid("record " + r.source + ":" + r.id + " has more attributes than configured");

  const uint32_t n = static_cast<uint32_t>(records.size());
  result.prepared = PrepareRecords(tables, records, options.model, threads);
  const auto& prep = result.prepared;
  std::vector<uint32_t> source_of(n);
  {
    std::map<std::string, uint32_t> ids;
    for (uint32_t i = 0; i < n; ++i) source_of[i] = ids.emplace(records[i].source, ids.size()).first->second;
  }

  // Training-only rules (see LinkOptions::training_blocking): given, or chosen so that every
  // comparison is left unmasked by at least one session.
  std::vector<Comparison> comparisons = BuildComparisons(prep, options.model);
  const size_t nr = rules.size();
  std::vector<BlockingRule> training = options.training_blocking;
  for (const auto& r : training) DOSSIER_RETURN_IF_ERROR(CheckBlockingRule(r, options.model));
  if (training.empty()) {
    std::vector<bool> covered(comparisons.size(), false);
    for (const auto& r : rules) {
      auto m = MaskedBy(r, comparisons);
      for (size_t c = 0; c < m.size(); ++c) covered[c] = covered[c] || !m[c];
    }
    for (size_t c = 0; c < comparisons.size(); ++c) {
      if (covered[c]) continue;
      Field f = comparisons[c].field;
      bool has_birth = std::any_of(comparisons.begin(), comparisons.end(), [](const Comparison& x) { return x.field == Field::kBirthDate; });
      BlockingRule extra;
      if ((f == Field::kFamilyName || f == Field::kGivenName) && has_birth) extra.keys = {"birth_date"};
      else if (f == Field::kBirthDate) extra.keys = {"name_key"};
      else continue;
      if (std::none_of(training.begin(), training.end(), [&](const BlockingRule& r) { return r.keys == extra.keys; }))
        training.push_back(extra);
      auto m = MaskedBy(extra, comparisons);
      for (size_t k = 0; k < m.size(); ++k) covered[k] = covered[k] || !m[k];
    }
  }
  std::vector<BlockingRule> all_rules = rules;
  all_rules.insert(all_rules.end(), training.begin(), training.end());

  // Blocking indexes, one rule per thread at a time.
  std::vector<RuleIndex> index(all_rules.size());
  auto build_index = [&](size_t r) {
    std::vector<uint64_t> scratch;
    std::vector<int> attr_index(all_rules[r].keys.size(), -1);
    for (size_t k = 0; k < all_rules[r].keys.size(); ++k)
      if (all_rules[r].keys[k].rfind("attr:", 0) == 0)
        for (size_t a = 0; a < options.model.attributes.size(); ++a)
          if (options.model.attributes[a].name == all_rules[r].keys[k].substr(5)) attr_index[k] = static_cast<int>(a);
    RuleIndex& ix = index[r];
    ix.offset.resize(n + 1);
    for (uint32_t i = 0; i < n; ++i) {
      ix.offset[i] = static_cast<uint32_t>(ix.keys.size());
      scratch.clear();
      RuleKeysOf(all_rules[r], attr_index, prep[i], scratch);
      for (uint64_t k : scratch) { ix.keys.push_back(k); ix.sorted.emplace_back(k, i); }
    }
    ix.offset[n] = static_cast<uint32_t>(ix.keys.size());
    std::sort(ix.sorted.begin(), ix.sorted.end());
  };
  {
    std::atomic<size_t> next_rule{0};
    auto worker = [&] {
      for (size_t r; (r = next_rule.fetch_add(1)) < all_rules.size();) build_index(r);
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& th : pool) th.join();
  }
  std::vector<Group> groups;
  for (uint32_t r = 0; r < all_rules.size(); ++r) {
    const auto& s = index[r].sorted;
    std::vector<Group> rule_groups;
    uint64_t rule_pairs = 0;
    for (size_t b = 0; b < s.size();) {
      size_t e = b;
      while (e < s.size() && s[e].first == s[b].first) ++e;
      size_t size = e - b;
      if (size > options.max_block_size) {
        if (r < nr) {
          ++result.stats.skipped_blocks;
          result.stats.skipped_block_pairs += size * (size - 1) / 2;
        }
      } else if (size >= 2) {
        rule_groups.push_back({r, b, e});
        rule_pairs += size * (size - 1) / 2;
      }
      b = e;
    }
    // A training-only rule is sampled by block (deterministically, by key) down to about
    // max_training_pairs pairs.
    if (r >= nr && rule_pairs > options.max_training_pairs) {
      uint64_t keep = static_cast<uint64_t>(static_cast<double>(options.max_training_pairs) / rule_pairs * 1024);
      std::erase_if(rule_groups, [&](const Group& g) { return (s[g.begin].first * 0x9E3779B97F4A7C15ULL >> 54) >= keep; });
    }
    groups.insert(groups.end(), rule_groups.begin(), rule_groups.end());
  }
  // Big groups first so that the threads finish together.
  std::sort(groups.begin(), groups.end(), [](const Group& x, const Group& y) { return x.end - x.begin > y.end - y.begin; });

  // Visits each candidate pair once: in the first rule, and the smallest shared key, that pairs it.
  // With `training`, the pairs of training-only rules are visited too (first = false).
  // visit(thread, group, rule, first, i, j), i < j; in one group always in the same order.
  auto for_each_pair = [&](bool all, auto&& visit) {
    std::atomic<size_t> next{0};
    auto worker = [&](int t) {
      while (true) {
        size_t g0 = next.fetch_add(16);
        if (g0 >= groups.size()) break;
        for (size_t g = g0; g < std::min(groups.size(), g0 + 16); ++g) {
          const Group& grp = groups[g];
          if (grp.rule >= nr && !all) continue;
          const auto& s = index[grp.rule].sorted;
          uint64_t key = s[grp.begin].first;
          for (size_t x = grp.begin; x < grp.end; ++x) {
            for (size_t y = x + 1; y < grp.end; ++y) {
              uint32_t i = s[x].second, j = s[y].second;
              if (options.mode == LinkMode::kLinkOnly && source_of[i] == source_of[j]) continue;
              if (Share(index[grp.rule].Of(i), index[grp.rule].Of(j), key)) continue;
              bool earlier = false;
              if (grp.rule < nr)
                for (uint32_t r = 0; r < grp.rule && !earlier; ++r) earlier = Share(index[r].Of(i), index[r].Of(j));
              if (earlier && !all) continue;
              visit(t, g, grp.rule, grp.rule < nr && !earlier, std::min(i, j), std::max(i, j));
            }
          }
        }
      }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
    for (auto& th : pool) th.join();
  };
  result.stats.seconds_prepare = Since(t0);

  // Pass 1: pattern counts for EM, per rule (the training sessions) and over distinct candidates.
  auto t1 = Clock::now();
  const size_t ns = all_rules.size();
  std::vector<std::vector<PatternCounts>> counts(threads, std::vector<PatternCounts>(ns + 1));
  std::vector<uint64_t> compared(threads, 0), calls(threads, 0);
  // Each candidate's comparison is kept for pass 2 (4 bytes: the pattern and the two name
  // readings), in visiting order per group, when it fits; pass 2 then only scores. At 1M records
  // comparing every candidate a second time was a quarter of the run.
  const bool keep_compared = 4 * comparisons.size() + 6 <= 32;
  const int pattern_bits = static_cast<int>(4 * comparisons.size());
  std::vector<std::vector<uint32_t>> compared_of(keep_compared ? groups.size() : 0);
  for_each_pair(true, [&](int t, size_t g, uint32_t rule, bool first, uint32_t i, uint32_t j) {
    Compared c = Compare(comparisons, prep[i], prep[j]);
    counts[t][rule].Add(c.pattern);
    ++calls[t];
    if (first) {
      counts[t][ns].Add(c.pattern);
      ++compared[t];
      if (keep_compared)
        compared_of[g].push_back(static_cast<uint32_t>(c.pattern) | uint32_t{c.name_a} << pattern_bits |
                                 uint32_t{c.name_b} << (pattern_bits + 3));
    }
  });
  auto merged = [&](size_t r) {
    PatternCounts m;
    for (int t = 0; t < threads; ++t) counts[t][r].ForEach([&](Pattern p, uint64_t k) { m.Add(p, k); });
    std::vector<std::pair<Pattern, uint64_t>> v;
    m.ForEach([&](Pattern p, uint64_t k) { v.emplace_back(p, k); });
    std::sort(v.begin(), v.end());
    return v;
  };
  std::vector<TrainingSession> sessions(ns);
  for (size_t r = 0; r < ns; ++r) {
    sessions[r].pattern_counts = merged(r);
    sessions[r].masked = MaskedBy(all_rules[r], comparisons);
  }
  std::vector<std::pair<Pattern, uint64_t>> pattern_counts = merged(ns);
  for (uint64_t c : compared) result.stats.candidate_pairs += c;
  for (uint64_t c : calls) result.stats.comparisons += c;
  TrainOptions train = options.train;
  train.threads = threads;
  result.model = TrainModel(comparisons, prep, sessions,
                            pattern_counts, options.mode == LinkMode::kLinkOnly ? source_of : std::vector<uint32_t>{},
                            train);
  result.stats.comparisons += std::min<uint64_t>(train.random_pairs, uint64_t{n} * (n - 1) / 2);
  ComputeTermFrequencies(result.model, prep);
  result.stats.seconds_train = Since(t1);

  // Pass 2: score, from the tables (no per-pair lookups).
  auto t2 = Clock::now();
  const ScoringTables tables_for_scoring = BuildScoringTables(result.model, prep);
  const double review_w = std::log2(options.review_probability / (1 - options.review_probability));
  std::vector<std::vector<ScoredPair>> kept(threads);
  std::vector<size_t> at(groups.size(), 0);  // per group, the next kept comparison
  for_each_pair(false, [&](int t, size_t g, uint32_t, bool, uint32_t i, uint32_t j) {
    Compared c;
    if (keep_compared) {
      const uint32_t v = compared_of[g][at[g]++];
      if (at[g] == compared_of[g].size()) std::vector<uint32_t>().swap(compared_of[g]);  // group done
      c.pattern = v & ((uint64_t{1} << pattern_bits) - 1);
      c.name_a = static_cast<uint8_t>(v >> pattern_bits & 7);
      c.name_b = static_cast<uint8_t>(v >> (pattern_bits + 3) & 7);
    } else {
      c = Compare(result.model.comparisons, prep[i], prep[j]);
    }
    double w = ScoreFast(tables_for_scoring, i, j, c);
    if (w >= review_w) kept[t].push_back({i, j, static_cast<float>(w), c.pattern});
  });
  std::vector<std::vector<uint32_t>>().swap(compared_of);
  if (!keep_compared) result.stats.comparisons += result.stats.candidate_pairs;
  size_t kept_total = 0;
  for (const auto& k : kept) kept_total += k.size();
  result.pairs.reserve(kept_total);
  for (auto& k : kept) {
    result.pairs.insert(result.pairs.end(), k.begin(), k.end());
    std::vector<ScoredPair>().swap(k);
  }
  // The blocking indexes are not needed any more; free them before clustering, the peak.
  std::vector<RuleIndex>().swap(index);
  std::vector<Group>().swap(groups);
  ParallelSort(result.pairs, [](const ScoredPair& x, const ScoredPair& y) { return std::pair(x.a, x.b) < std::pair(y.a, y.b); },
               threads);
  result.stats.seconds_score = Since(t2);

  auto t3 = Clock::now();
  ClusterOptions co;
  co.threshold_weight = std::log2(options.match_probability / (1 - options.match_probability));
  co.min_link_fraction = options.min_link_fraction;
  co.threads = threads;
  // The guard scores the pairs between two groups that blocking never paired.
  auto weight_of = [&](uint32_t i, uint32_t j) {
    return ScoreFast(tables_for_scoring, i, j, Compare(result.model.comparisons, prep[i], prep[j]));
  };
  result.cluster_of = ClusterPairs(n, result.pairs, co, weight_of);
  result.stats.seconds_cluster = Since(t3);
  return result;
}

}  // namespace dossier::linkage
