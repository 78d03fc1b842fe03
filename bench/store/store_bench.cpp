// Store throughput: creating and reading persons through the full Store path (validation, field
// encryption, blind index, signed audit entry), beside a reference measured in the same run:
// the same rows written to and read from an identical SQLite table in clear, with no encryption
// and no audit. Sizes 100k and 1M persons. Results go in docs/performance.md.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "domain/codec.h"
#include "store/store.h"

namespace dossier {
namespace {

namespace fs = std::filesystem;

struct BenchDir {
  fs::path path;
  BenchDir() {
    std::string t = (fs::temp_directory_path() / "dossier-bench-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~BenchDir() { fs::remove_all(path); }
};

const Catalog& TheCatalog() {
  static Catalog c = *Catalog::Load(DOSSIER_DATA_DIR);
  return c;
}

Person MakePerson(int64_t i) {
  static const char* kNames[] = {"리순희", "김철수", "박영희", "최민호", "정은숙", "강성국", "조향미", "윤광명"};
  Person p;
  p.id = "p" + std::to_string(i);
  p.names = {{kNames[i % 8], "hangul", "legal"}, {"Ri Sun-hui", "latin", "legal"}};
  p.sex = i % 3 ? "female" : "male";
  p.birth_date = PartialDate::Day(1950 + static_cast<int>(i % 55), 1 + static_cast<int>(i % 12), 1 + static_cast<int>(i % 28));
  p.origin = "kp-nh-onsong";
  p.notes = "Crossed the Tumen river in winter; detained in Tumen; family in Onsong.";
  p.source_ids = {"s-1"};
  return p;
}

std::unique_ptr<Store> NewStore(const BenchDir& dir) {
  const std::string key = (dir.path / "key").string();
  (void)crypto::CreateKeyFile(key);
  crypto::KeySource src{crypto::KeySource::Kind::kKeyFile, key, ""};
  const std::string db = (dir.path / "bench.db").string();
  if (!InitSqliteDatabase(db, src).ok()) std::abort();
  auto store = OpenSqliteStore(db, src, TheCatalog());
  if (!store.ok()) std::abort();
  Source s;
  s.id = "s-1";
  s.kind = "testimony";
  s.title = "t";
  (void)(*store)->Create(s);
  return std::move(*store);
}

void FillStore(Store& store, int64_t n) {
  for (int64_t i = 0; i < n; i += 2000) {
    Status s = store.Transaction([&]() -> Status {
      for (int64_t j = i; j < std::min(n, i + 2000); ++j) DOSSIER_RETURN_IF_ERROR(StatusOf(store.Create(MakePerson(j))));
      return Ok();
    });
    if (!s.ok()) std::abort();
  }
}

// Reference: the same person rows in clear, one table, prepared statements, same batching.
sqlite3* NewPlainDb(const BenchDir& dir) {
  sqlite3* db = nullptr;
  sqlite3_open((dir.path / "plain.db").string().c_str(), &db);
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE persons(id TEXT PRIMARY KEY, data TEXT "
               "NOT NULL, names TEXT, birth_date TEXT, links TEXT, notes TEXT) STRICT;",
               nullptr, nullptr, nullptr);
  return db;
}

void FillPlain(sqlite3* db, int64_t n) {
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO persons VALUES (?, ?, ?, ?, ?, ?)", -1, &st, nullptr);
  for (int64_t i = 0; i < n; i += 2000) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (int64_t j = i; j < std::min(n, i + 2000); ++j) {
      auto j_full = ToJson(MakePerson(j));
      const std::string names = j_full["names"].dump(), birth = j_full["birth_date"].dump(),
                        notes = j_full["notes"].dump(), id = j_full["id"];
      j_full.erase("names");
      j_full.erase("birth_date");
      j_full.erase("notes");
      j_full.erase("links");
      const std::string data = j_full.dump();
      sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 2, data.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 3, names.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 4, birth.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_null(st, 5);
      sqlite3_bind_text(st, 6, notes.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_step(st);
      sqlite3_reset(st);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  sqlite3_finalize(st);
}

void BM_InsertEncrypted(benchmark::State& state) {
  for (auto _ : state) {
    BenchDir dir;
    auto store = NewStore(dir);
    FillStore(*store, state.range(0));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_InsertPlainReference(benchmark::State& state) {
  for (auto _ : state) {
    BenchDir dir;
    sqlite3* db = NewPlainDb(dir);
    FillPlain(db, state.range(0));
    sqlite3_close(db);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_ReadEncrypted(benchmark::State& state) {
  BenchDir dir;
  auto store = NewStore(dir);
  FillStore(*store, state.range(0));
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<int64_t> pick(0, state.range(0) - 1);
  for (auto _ : state) {
    auto p = store->GetPerson("p" + std::to_string(pick(rng)));
    if (!p.ok()) std::abort();
    benchmark::DoNotOptimize(p->names.size());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ReadPlainReference(benchmark::State& state) {
  BenchDir dir;
  sqlite3* db = NewPlainDb(dir);
  FillPlain(db, state.range(0));
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT id, data, names, birth_date, links, notes FROM persons WHERE id = ?", -1, &st, nullptr);
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<int64_t> pick(0, state.range(0) - 1);
  for (auto _ : state) {
    const std::string id = "p" + std::to_string(pick(rng));
    sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_ROW) std::abort();
    // Decode the same JSON the store decodes, so only encryption and validation differ.
    nlohmann::json full = nlohmann::json::parse(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
    full["names"] = nlohmann::json::parse(reinterpret_cast<const char*>(sqlite3_column_text(st, 2)));
    full["birth_date"] = nlohmann::json::parse(reinterpret_cast<const char*>(sqlite3_column_text(st, 3)));
    full["notes"] = nlohmann::json::parse(reinterpret_cast<const char*>(sqlite3_column_text(st, 5)));
    full["links"] = nlohmann::json::array();
    auto p = PersonFromJson(full, "p");
    benchmark::DoNotOptimize(p.ok());
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_InsertEncrypted)->Arg(100000)->Arg(1000000)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_InsertPlainReference)->Arg(100000)->Arg(1000000)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_ReadEncrypted)->Arg(100000)->Arg(1000000)->Iterations(50000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ReadPlainReference)->Arg(100000)->Arg(1000000)->Iterations(50000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace dossier

BENCHMARK_MAIN();
