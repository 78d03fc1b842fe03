// Comparisons per second per core of the real comparator (Compare: the agreement pattern over
// names with every reading, birth date, sex and origin; then ScoreFast: the match weight from the
// tables), next to a reference measured in the same run on the same pairs: a plain Jaro-Winkler
// comparator on the case-folded full names (one similarity, one threshold).
//
// Data: the generated Korean benchmark (20,000 people, about 60,000 records), a model trained by
// Link on it, and two pair sets of 1,000,000 pairs each: random pairs (what u-sampling compares;
// nearly all non-matches) and blocked pairs (records sharing family key and birth year, the bulk
// of candidate pairs in a run), shuffled (every pair a cache miss) and in block order (as Link's
// pair loop visits them: one record against the rest of its block). Single thread: the figures are
// per core.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <unordered_map>

#include "korean_generator.h"
#include "linkage/link.h"

namespace dossier::linkage {
namespace {

struct Fixture {
  std::vector<PreparedRecord> prepared;
  Model model;
  ScoringTables tables;
  std::vector<std::u32string> folded;  // reference: lowercase full name as written
  std::vector<std::pair<uint32_t, uint32_t>> random_pairs, blocked_pairs;
  std::vector<std::pair<uint32_t, uint32_t>> block_order_pairs;  // the blocked pairs block by block, as Link visits them
};

const Fixture& Data() {
  static const Fixture f = [] {
    Fixture x;
    auto tables = LoadNameTables();
    if (!tables.ok()) { std::fprintf(stderr, "%s\n", tables.error().message.c_str()); std::exit(2); }
    auto rows = bench::GenerateKorean(**tables, 20000, 5);
    if (!rows.ok()) { std::fprintf(stderr, "%s\n", rows.error().message.c_str()); std::exit(2); }
    std::vector<LinkRecord> records;
    for (const auto& r : *rows) {
      LinkRecord l;
      l.source = "gen";
      l.id = r.id;
      l.names.push_back({r.name, "", "", "", ""});
      if (auto d = PartialDate::Parse(r.birth_date); !r.birth_date.empty() && d.ok()) l.birth_date = *d;
      l.sex = r.sex;
      l.origin = r.origin;
      records.push_back(std::move(l));
      std::u32string u = ToU32(r.name);
      for (char32_t& c : u) if (c >= 'A' && c <= 'Z') c += 32;
      x.folded.push_back(std::move(u));
    }
    LinkOptions options;
    options.blocking = {{{"name_key"}}, {{"hanja"}}, {{"family_key", "birth_year", "given_prefix"}},
                        {{"given_key", "birth_year"}}, {{"birth_date", "family_prefix"}}};
    auto linked = Link(**tables, records, options);
    if (!linked.ok()) { std::fprintf(stderr, "%s\n", linked.error().message.c_str()); std::exit(2); }
    x.model = linked->model;
    x.prepared = std::move(linked->prepared);
    x.tables = BuildScoringTables(x.model, x.prepared);
    const uint32_t n = static_cast<uint32_t>(x.prepared.size());
    std::mt19937_64 rng(7);
    while (x.random_pairs.size() < 1'000'000) {
      uint32_t i = rng() % n, j = rng() % n;
      if (i != j) x.random_pairs.emplace_back(i, j);
    }
    std::unordered_map<std::string, std::vector<uint32_t>> blocks;
    for (uint32_t i = 0; i < n; ++i) {
      const auto& p = x.prepared[i];
      if (p.names.empty() || !p.has_birth) continue;
      blocks[p.names[0].family.key + "|" + std::to_string(p.birth_year)].push_back(i);
    }
    for (const auto& [k, v] : blocks)
      for (size_t a = 0; a < v.size() && x.blocked_pairs.size() < 4'000'000; ++a)
        for (size_t b = a + 1; b < v.size(); ++b) x.blocked_pairs.emplace_back(v[a], v[b]);
    x.block_order_pairs.assign(x.blocked_pairs.begin(),
                               x.blocked_pairs.begin() + std::min<size_t>(x.blocked_pairs.size(), 1'000'000));
    std::shuffle(x.blocked_pairs.begin(), x.blocked_pairs.end(), rng);
    x.blocked_pairs.resize(std::min<size_t>(x.blocked_pairs.size(), 1'000'000));
    return x;
  }();
  return f;
}

const std::vector<std::pair<uint32_t, uint32_t>>& PairsOf(int which) {
  return which == 0 ? Data().random_pairs : which == 1 ? Data().blocked_pairs : Data().block_order_pairs;
}

const char* LabelOf(int64_t which) {
  return which == 0 ? "random pairs" : which == 1 ? "blocked pairs, shuffled" : "blocked pairs, block order";
}

void BM_Comparator(benchmark::State& state) {
  const Fixture& d = Data();
  const auto& pairs = PairsOf(static_cast<int>(state.range(0)));
  size_t k = 0;
  double sum = 0;
  for (auto _ : state) {
    const auto& [i, j] = pairs[k];
    Compared c = Compare(d.model.comparisons, d.prepared[i], d.prepared[j]);
    sum += ScoreFast(d.tables, i, j, c);
    if (++k == pairs.size()) k = 0;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(LabelOf(state.range(0)));
}

void BM_ReferenceJaroWinklerOnly(benchmark::State& state) {
  const Fixture& d = Data();
  const auto& pairs = PairsOf(static_cast<int>(state.range(0)));
  size_t k = 0;
  int links = 0;
  for (auto _ : state) {
    const auto& [i, j] = pairs[k];
    links += JaroWinkler(d.folded[i], d.folded[j]) >= 0.92;
    if (++k == pairs.size()) k = 0;
  }
  benchmark::DoNotOptimize(links);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(LabelOf(state.range(0)));
}

BENCHMARK(BM_Comparator)->Arg(0)->Arg(1)->Arg(2);
BENCHMARK(BM_ReferenceJaroWinklerOnly)->Arg(0)->Arg(1)->Arg(2);

}  // namespace
}  // namespace dossier::linkage

BENCHMARK_MAIN();
