#include "linkage/link.h"

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
  if (records.size() >= UINT32_MAX) return Error::Invalid("too many records");
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

  // Blocking indexes.
  std::vector<RuleIndex> index(rules.size());
  std::vector<uint64_t> scratch;
  for (size_t r = 0; r < rules.size(); ++r) {
    std::vector<int> attr_index(rules[r].keys.size(), -1);
    for (size_t k = 0; k < rules[r].keys.size(); ++k)
      if (rules[r].keys[k].rfind("attr:", 0) == 0)
        for (size_t a = 0; a < options.model.attributes.size(); ++a)
          if (options.model.attributes[a].name == rules[r].keys[k].substr(5)) attr_index[k] = static_cast<int>(a);
    RuleIndex& ix = index[r];
    ix.offset.resize(n + 1);
    for (uint32_t i = 0; i < n; ++i) {
      ix.offset[i] = static_cast<uint32_t>(ix.keys.size());
      scratch.clear();
      RuleKeysOf(rules[r], attr_index, prep[i], scratch);
      for (uint64_t k : scratch) { ix.keys.push_back(k); ix.sorted.emplace_back(k, i); }
    }
    ix.offset[n] = static_cast<uint32_t>(ix.keys.size());
    std::sort(ix.sorted.begin(), ix.sorted.end());
  }
  std::vector<Group> groups;
  for (uint32_t r = 0; r < rules.size(); ++r) {
    const auto& s = index[r].sorted;
    for (size_t b = 0; b < s.size();) {
      size_t e = b;
      while (e < s.size() && s[e].first == s[b].first) ++e;
      size_t size = e - b;
      if (size > options.max_block_size) {
        ++result.stats.skipped_blocks;
        result.stats.skipped_block_pairs += size * (size - 1) / 2;
      } else if (size >= 2) {
        groups.push_back({r, b, e});
      }
      b = e;
    }
  }
  // Big groups first so that the threads finish together.
  std::sort(groups.begin(), groups.end(), [](const Group& x, const Group& y) { return x.end - x.begin > y.end - y.begin; });

  // Visits each candidate pair once: in the first rule, and the smallest shared key, that pairs it.
  auto for_each_pair = [&](bool all_rules, auto&& visit) {
    std::atomic<size_t> next{0};
    auto worker = [&](int t) {
      while (true) {
        size_t g0 = next.fetch_add(16);
        if (g0 >= groups.size()) break;
        for (size_t g = g0; g < std::min(groups.size(), g0 + 16); ++g) {
          const Group& grp = groups[g];
          const auto& s = index[grp.rule].sorted;
          uint64_t key = s[grp.begin].first;
          for (size_t x = grp.begin; x < grp.end; ++x) {
            for (size_t y = x + 1; y < grp.end; ++y) {
              uint32_t i = s[x].second, j = s[y].second;
              if (options.mode == LinkMode::kLinkOnly && source_of[i] == source_of[j]) continue;
              if (Share(index[grp.rule].Of(i), index[grp.rule].Of(j), key)) continue;
              bool earlier = false;
              for (uint32_t r = 0; r < grp.rule && !earlier; ++r) earlier = Share(index[r].Of(i), index[r].Of(j));
              if (earlier && !all_rules) continue;
              visit(t, grp.rule, !earlier, std::min(i, j), std::max(i, j));
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

  // Pass 1: pattern counts for EM.
  auto t1 = Clock::now();
  std::vector<Comparison> comparisons = BuildComparisons(prep, options.model);
  // Per thread: counts per rule (for the training sessions) and over distinct pairs.
  const size_t nr = rules.size();
  std::vector<std::vector<std::unordered_map<Pattern, uint64_t>>> counts(threads, std::vector<std::unordered_map<Pattern, uint64_t>>(nr + 1));
  std::vector<uint64_t> compared(threads, 0), calls(threads, 0);
  for_each_pair(true, [&](int t, uint32_t rule, bool first, uint32_t i, uint32_t j) {
    Pattern p = Compare(comparisons, prep[i], prep[j]).pattern;
    ++counts[t][rule][p];
    ++calls[t];
    if (first) { ++counts[t][nr][p]; ++compared[t]; }
  });
  auto merged = [&](size_t r) {
    std::unordered_map<Pattern, uint64_t> m;
    for (int t = 0; t < threads; ++t)
      for (auto& [p, k] : counts[t][r]) m[p] += k;
    std::vector<std::pair<Pattern, uint64_t>> v(m.begin(), m.end());
    std::sort(v.begin(), v.end());
    return v;
  };
  std::vector<TrainingSession> sessions(nr);
  for (size_t r = 0; r < nr; ++r) {
    sessions[r].pattern_counts = merged(r);
    sessions[r].masked.assign(comparisons.size(), false);
    for (const auto& key : rules[r].keys) {
      for (size_t c = 0; c < comparisons.size(); ++c) {
        const Comparison& cmp = comparisons[c];
        bool hit = (IsNameKey(key) && (cmp.field == Field::kFamilyName || cmp.field == Field::kGivenName)) ||
                   (key.rfind("birth", 0) == 0 && cmp.field == Field::kBirthDate) ||
                   (key == "sex" && cmp.field == Field::kSex) || (key == "origin" && cmp.field == Field::kOrigin) ||
                   (cmp.field == Field::kAttribute && key == cmp.name);
        if (hit) sessions[r].masked[c] = true;
      }
    }
  }
  std::vector<std::pair<Pattern, uint64_t>> pattern_counts = merged(nr);
  for (uint64_t c : compared) result.stats.candidate_pairs += c;
  for (uint64_t c : calls) result.stats.comparisons += c;
  TrainOptions train = options.train;
  result.model = TrainModel(comparisons, prep, sessions,
                            pattern_counts, options.mode == LinkMode::kLinkOnly ? source_of : std::vector<uint32_t>{},
                            train);
  result.stats.comparisons += std::min<uint64_t>(train.random_pairs, uint64_t{n} * (n - 1) / 2);
  ComputeTermFrequencies(result.model, prep);
  result.stats.seconds_train = Since(t1);

  // Pass 2: score.
  auto t2 = Clock::now();
  const double review_w = std::log2(options.review_probability / (1 - options.review_probability));
  std::vector<std::vector<ScoredPair>> kept(threads);
  for_each_pair(false, [&](int t, uint32_t, bool, uint32_t i, uint32_t j) {
    Compared c = Compare(result.model.comparisons, prep[i], prep[j]);
    double w = Score(result.model, prep[i], prep[j], c);
    if (w >= review_w) kept[t].push_back({i, j, static_cast<float>(w), c.pattern});
  });
  result.stats.comparisons += result.stats.candidate_pairs;
  for (auto& k : kept) result.pairs.insert(result.pairs.end(), k.begin(), k.end());
  std::sort(result.pairs.begin(), result.pairs.end(),
            [](const ScoredPair& x, const ScoredPair& y) { return std::pair(x.a, x.b) < std::pair(y.a, y.b); });
  result.stats.seconds_score = Since(t2);

  auto t3 = Clock::now();
  ClusterOptions co;
  co.threshold_weight = std::log2(options.match_probability / (1 - options.match_probability));
  co.min_link_fraction = options.min_link_fraction;
  result.cluster_of = ClusterPairs(n, result.pairs, co);
  result.stats.seconds_cluster = Since(t3);
  return result;
}

}  // namespace dossier::linkage
