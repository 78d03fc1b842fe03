// EM without labels recovers known m and u on synthetic data.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <random>

#include "linkage/link.h"

namespace dossier::linkage {
namespace {

TEST(Model, EmRecoversKnownMAndU) {
  auto tables = LoadNameTables();
  ASSERT_TRUE(tables.ok()) << tables.error().message;
  // 4 attributes; values from K symbols (u of "exact" = 1/K); a duplicate keeps each value with
  // probability m_true[a].
  const int K = 50;
  const double m_true[4] = {0.95, 0.85, 0.7, 0.9};
  std::mt19937_64 rng(1);
  std::vector<LinkRecord> records;
  LinkOptions options;
  for (int a = 0; a < 4; ++a) options.model.attributes.push_back({"a" + std::to_string(a), AttributeCompare::kExact, false});
  for (int e = 0; e < 2000; ++e) {
    LinkRecord x, y;
    x.source = y.source = "s";
    x.id = "x" + std::to_string(e);
    y.id = "y" + std::to_string(e);
    for (int a = 0; a < 4; ++a) {
      int v = static_cast<int>(rng() % K);
      x.attributes.push_back(std::to_string(v));
      bool keep = std::uniform_real_distribution<double>(0, 1)(rng) < m_true[a];
      int w = keep ? v : static_cast<int>((v + 1 + rng() % (K - 1)) % K);
      y.attributes.push_back(std::to_string(w));
    }
    records.push_back(x);
    records.push_back(y);
  }
  // Each rule blocks on one attribute; the other three are estimated in that session.
  options.blocking = {{{"attr:a0"}}, {{"attr:a1"}}};
  options.train.random_pairs = 200'000;
  options.threads = 1;
  auto r = Link(**tables, records, options);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->model.comparisons.size(), 4u);
  for (int a = 0; a < 4; ++a) {
    EXPECT_NEAR(r->model.u[a][1], 1.0 / K, 0.005) << "u of attribute " << a;
    EXPECT_NEAR(r->model.m[a][1], m_true[a], 0.05) << "m of attribute " << a;
  }
}

TEST(Cluster, GuardStopsChaining) {
  // Two triangles joined by one weaker link above the threshold: with the guard they stay apart.
  // (Limitation: a bridge stronger than every link inside the triangles would be taken first.)
  std::vector<ScoredPair> pairs = {{0, 1, 10, 0}, {1, 2, 10, 0}, {0, 2, 10, 0}, {3, 4, 10, 0},
                                   {4, 5, 10, 0}, {3, 5, 10, 0}, {2, 3, 5, 0}};
  auto guarded = ClusterPairs(6, pairs, {3.0, 0.5, 100});
  EXPECT_EQ(guarded[0], guarded[2]);
  EXPECT_EQ(guarded[3], guarded[5]);
  EXPECT_NE(guarded[0], guarded[5]);
  auto plain = ClusterPairs(6, pairs, {3.0, 0.0, 100});
  EXPECT_EQ(plain[0], plain[5]);
}

TEST(Cluster, GuardScoresPairsThatBlockingMissed) {
  // {0,1} and {2,3} are linked inside; between them only 1-2 was scored (a link). 0-2, 0-3, 1-3
  // were never blocked together: without a scorer they count as non-links and the guard refuses
  // the merge; scored (and strong), they are links and the groups merge.
  std::vector<ScoredPair> pairs = {{0, 1, 10, 0}, {2, 3, 10, 0}, {1, 2, 9, 0}};
  auto unscored = ClusterPairs(4, pairs, {3.0, 0.8, 100});
  EXPECT_NE(unscored[0], unscored[3]);
  auto scored = ClusterPairs(4, pairs, {3.0, 0.8, 100}, [](uint32_t, uint32_t) { return 8.0; });
  EXPECT_EQ(scored[0], scored[3]);
  auto weak = ClusterPairs(4, pairs, {3.0, 0.8, 100}, [](uint32_t, uint32_t) { return -5.0; });
  EXPECT_NE(weak[0], weak[3]);
}

// The guard as specified, counting every pair between two groups: the reference for the early
// decisions ClusterPairs takes.
std::vector<uint32_t> ClusterByFullCount(uint32_t n, const std::vector<ScoredPair>& pairs, const ClusterOptions& o,
                                         const std::function<double(uint32_t, uint32_t)>& weight_of) {
  std::map<std::pair<uint32_t, uint32_t>, double> scored;
  for (const auto& p : pairs) scored[{p.a, p.b}] = p.weight;
  std::vector<const ScoredPair*> links;
  for (const auto& p : pairs)
    if (p.weight >= o.threshold_weight) links.push_back(&p);
  std::stable_sort(links.begin(), links.end(), [](const ScoredPair* x, const ScoredPair* y) {
    if (x->weight != y->weight) return x->weight > y->weight;
    return std::pair(x->a, x->b) < std::pair(y->a, y->b);
  });
  std::vector<uint32_t> group(n);
  std::iota(group.begin(), group.end(), 0u);
  auto members = [&](uint32_t g) {
    std::vector<uint32_t> m;
    for (uint32_t i = 0; i < n; ++i)
      if (group[i] == g) m.push_back(i);
    return m;
  };
  for (const auto* p : links) {
    const uint32_t ga = group[p->a], gb = group[p->b];
    if (ga == gb) continue;
    const auto ma = members(ga), mb = members(gb);
    if (ma.size() + mb.size() > o.max_cluster_size) continue;
    if (ma.size() > 1 || mb.size() > 1) {
      size_t between = 0;
      for (uint32_t x : ma)
        for (uint32_t y : mb) {
          const auto key = std::pair(std::min(x, y), std::max(x, y));
          auto it = scored.find(key);
          const double w = it != scored.end() ? it->second : weight_of ? weight_of(key.first, key.second) : -1e9;
          between += w >= o.threshold_weight;
        }
      if (static_cast<double>(between) < o.min_link_fraction * static_cast<double>(ma.size() * mb.size())) continue;
    }
    for (uint32_t i = 0; i < n; ++i)
      if (group[i] == gb) group[i] = ga;
  }
  return group;
}

// Same partition, whatever the cluster numbering.
bool SamePartition(const std::vector<uint32_t>& x, const std::vector<uint32_t>& y) {
  std::map<uint32_t, uint32_t> xy, yx;
  for (size_t i = 0; i < x.size(); ++i) {
    if (xy.emplace(x[i], y[i]).first->second != y[i]) return false;
    if (yx.emplace(y[i], x[i]).first->second != x[i]) return false;
  }
  return true;
}

TEST(Cluster, GuardDecidesEarlyButAsAFullCountWould) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 300; ++trial) {
    const uint32_t n = 6 + rng() % 30;
    std::vector<ScoredPair> pairs;
    for (uint32_t a = 0; a < n; ++a)
      for (uint32_t b = a + 1; b < n; ++b)
        if (rng() % 4 == 0) pairs.push_back({a, b, static_cast<float>(static_cast<int>(rng() % 17) - 6), 0});
    // Pairs blocking never made get a deterministic score of their own.
    auto weight_of = [](uint32_t a, uint32_t b) { return static_cast<double>((a * 7 + b * 13) % 17) - 8.0; };
    for (double fraction : {0.0, 0.3, 0.5, 0.8}) {
      const ClusterOptions o{3.0, fraction, 12};
      EXPECT_TRUE(SamePartition(ClusterPairs(n, pairs, o, weight_of), ClusterByFullCount(n, pairs, o, weight_of)))
          << "trial " << trial << ", fraction " << fraction;
      EXPECT_TRUE(SamePartition(ClusterPairs(n, pairs, o), ClusterByFullCount(n, pairs, o, nullptr)))
          << "trial " << trial << ", fraction " << fraction << ", no scorer";
      // Connected components on two threads: the same clusters, numbered the same.
      ClusterOptions two = o;
      two.threads = 2;
      EXPECT_EQ(ClusterPairs(n, pairs, two, weight_of), ClusterPairs(n, pairs, o, weight_of)) << "trial " << trial;
    }
  }
}

TEST(Names, JaroWinklerBoundNeverSkipsASimilarPair) {
  // The comparison loop skips Jaro-Winkler when a letter-set bound says it cannot reach 0.80;
  // the levels must be those of the full computation. Names with shared and disjoint letters.
  auto tables = LoadNameTables();
  ASSERT_TRUE(tables.ok()) << tables.error().message;
  const char* names[] = {"Kim Sun-hui", "Kim Sunhee", "Kim Snuhui", "Pak Chol", "Park Cheol", "Ri Yong-ae",
                         "Yi Yongae", "Choe Hyok", "Choi Hyuk", "Kim Sxn-hui", "Hong Gil-dong", "Hong Kiltong"};
  std::vector<LinkRecord> records;
  for (const char* n : names) {
    LinkRecord r;
    r.names.push_back({n, "", "", "", ""});
    records.push_back(r);
  }
  auto prep = PrepareRecords(**tables, records, {});
  auto cmps = BuildComparisons(prep, {});
  for (size_t i = 0; i < prep.size(); ++i)
    for (size_t j = 0; j < prep.size(); ++j) {
      Compared c = Compare(cmps, prep[i], prep[j]);
      for (size_t k = 0; k < cmps.size(); ++k) {
        const NamePart& a = cmps[k].field == Field::kFamilyName ? prep[i].names[c.name_a].family : prep[i].names[c.name_a].given;
        const NamePart& b = cmps[k].field == Field::kFamilyName ? prep[j].names[c.name_b].family : prep[j].names[c.name_b].given;
        int level = LevelOf(c.pattern, static_cast<int>(k));
        if (level < 4) continue;  // exact or key: no similarity involved
        double jw = std::max(JaroWinkler(a.fuzzy, b.fuzzy), JaroWinkler(a.key, b.key));
        int expected = jw >= 0.92 ? 4 : jw >= 0.80 ? 5 : 6;
        EXPECT_EQ(level, expected) << names[i] << " / " << names[j] << " " << cmps[k].name;
      }
    }
}

TEST(Model, RecordsComparedFromTheirInlineFormsGetTheSameLevelsAsFromTheirNameForms) {
  // Compare reads the ASCII forms of records with at most two readings from the record itself and
  // the others from their NameForms; a record forced onto the slow path must compare the same.
  auto tables = LoadNameTables();
  ASSERT_TRUE(tables.ok()) << tables.error().message;
  const char* names[] = {"리순희", "Ri Sun-hui", "Lee Soon-hee", "李顺姬", "Sunhui Ri", "Kim Chol-min", "김철민",
                         "Kim Cholmin", "Pak Yong-chol", "박영철", "Choe Hyok", "Choi Hyuk", "Hyok Choe",
                         "Namgung Min", "남궁민", "Tokko Yong"};
  std::vector<LinkRecord> records;
  for (const char* n : names) {
    LinkRecord r;
    r.names.push_back({n, "", "", "", ""});
    r.birth_date = *PartialDate::Parse("1985-03-14");
    records.push_back(r);
  }
  auto fast = PrepareRecords(**tables, records, {});
  auto slow = PrepareRecords(**tables, records, {});
  size_t inlined = 0;
  for (auto& r : slow) {
    inlined += r.text_inline;
    r.text_inline = false;
  }
  EXPECT_EQ(inlined, slow.size());  // every Korean-mode record fits
  auto cmps = BuildComparisons(fast, {});
  for (size_t i = 0; i < fast.size(); ++i)
    for (size_t j = 0; j < fast.size(); ++j) {
      Compared a = Compare(cmps, fast[i], fast[j]);
      Compared b = Compare(cmps, slow[i], slow[j]);
      EXPECT_EQ(a.pattern, b.pattern) << names[i] << " / " << names[j];
      EXPECT_EQ(a.name_a, b.name_a);
      EXPECT_EQ(a.name_b, b.name_b);
    }
}

}  // namespace
}  // namespace dossier::linkage
