// SQLite backend of the Store interface: schema, records, audit trail, accounts, linkage and
// cases. The class and the layout are described in sqlite_store.h.
#include <sodium.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include "domain/codec.h"
#include "domain/validate.h"
#include "store/record_shape.h"
#include "store/sqlite_store.h"

namespace dossier {

using nlohmann::json;
using nlohmann::ordered_json;
using crypto::Bytes;

namespace sqlite_detail {


// Each migration moves the schema from version i to i + 1 (PRAGMA user_version); they are
// append-only: add a new one at the end, never edit a released one.
const std::vector<std::string>& Migrations() {
  static const std::vector<std::string> kMigrations = {
      R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE keyring(
  version INTEGER NOT NULL, method TEXT NOT NULL, salt BLOB NOT NULL, opslimit INTEGER NOT NULL,
  memlimit INTEGER NOT NULL, nonce BLOB NOT NULL, ciphertext BLOB NOT NULL,
  PRIMARY KEY(version, method)) STRICT;
CREATE TABLE sources(
  id TEXT PRIMARY KEY, data TEXT NOT NULL, text BLOB, contact BLOB,
  kind TEXT GENERATED ALWAYS AS (json_extract(data, '$.kind')) VIRTUAL) STRICT;
CREATE INDEX sources_kind ON sources(kind);
CREATE TABLE persons(
  id TEXT PRIMARY KEY, data TEXT NOT NULL, names BLOB, birth_date BLOB, links BLOB, notes BLOB,
  origin TEXT GENERATED ALWAYS AS (json_extract(data, '$.origin')) VIRTUAL) STRICT;
CREATE INDEX persons_origin ON persons(origin);
CREATE TABLE person_names(person_id TEXT NOT NULL, token BLOB NOT NULL) STRICT;
CREATE INDEX person_names_token ON person_names(token);
CREATE INDEX person_names_person ON person_names(person_id);
CREATE TABLE person_links(person_id TEXT NOT NULL, target BLOB NOT NULL) STRICT;
CREATE INDEX person_links_target ON person_links(target);
CREATE INDEX person_links_person ON person_links(person_id);
CREATE TABLE incidents(
  id TEXT PRIMARY KEY, data TEXT NOT NULL, title BLOB, description BLOB,
  type TEXT GENERATED ALWAYS AS (json_extract(data, '$.type')) VIRTUAL,
  place TEXT GENERATED ALWAYS AS (json_extract(data, '$.place')) VIRTUAL,
  start TEXT GENERATED ALWAYS AS (json_extract(data, '$.start')) VIRTUAL,
  start_year INTEGER GENERATED ALWAYS AS (CAST(substr(json_extract(data, '$.start'), 1, 4) AS INTEGER)) VIRTUAL) STRICT;
CREATE INDEX incidents_type ON incidents(type);
CREATE INDEX incidents_place ON incidents(place);
CREATE INDEX incidents_start ON incidents(start_year, start);
CREATE TABLE acts(
  id TEXT PRIMARY KEY, data TEXT NOT NULL, notes BLOB,
  incident_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.incident_id')) VIRTUAL,
  victim_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.victim_id')) VIRTUAL) STRICT;
CREATE INDEX acts_incident ON acts(incident_id);
CREATE INDEX acts_victim ON acts(victim_id);
CREATE TABLE involvements(
  id TEXT PRIMARY KEY, data TEXT NOT NULL,
  act_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.act_id')) VIRTUAL,
  perpetrator_person_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.perpetrator_person_id')) VIRTUAL) STRICT;
CREATE INDEX involvements_act ON involvements(act_id);
CREATE INDEX involvements_person ON involvements(perpetrator_person_id);
CREATE TABLE audit(
  seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  kind TEXT NOT NULL, record_id TEXT NOT NULL, fields TEXT NOT NULL, changes BLOB,
  row_digest BLOB, prev_hash BLOB NOT NULL, hash BLOB NOT NULL, signature BLOB NOT NULL) STRICT;
CREATE INDEX audit_record ON audit(kind, record_id);
CREATE TABLE users(
  name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, totp_secret BLOB,
  disabled INTEGER NOT NULL DEFAULT 0, mac BLOB NOT NULL) STRICT;
)sql",
      R"sql(
CREATE TABLE person_clusters(person_id TEXT PRIMARY KEY, cluster_id TEXT NOT NULL) STRICT;
CREATE INDEX person_clusters_cluster ON person_clusters(cluster_id);
CREATE TABLE link_candidates(
  id INTEGER PRIMARY KEY, person_a TEXT NOT NULL, person_b TEXT NOT NULL, probability REAL NOT NULL,
  explanation BLOB, status TEXT NOT NULL, decided_by TEXT NOT NULL DEFAULT '', decided_at TEXT NOT NULL DEFAULT '',
  UNIQUE(person_a, person_b)) STRICT;
CREATE INDEX link_candidates_status ON link_candidates(status, probability);
)sql",
      // Urgent cases (src/cases): clear fields as JSON in `data`, free text sealed per column.
      R"sql(
CREATE TABLE cases(
  id TEXT PRIMARY KEY, data TEXT NOT NULL, title BLOB, notes BLOB,
  status TEXT GENERATED ALWAYS AS (json_extract(data, '$.status')) VIRTUAL) STRICT;
CREATE INDEX cases_status ON cases(status);
CREATE TABLE case_transitions(
  id TEXT PRIMARY KEY, data TEXT NOT NULL, note BLOB,
  case_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.case_id')) VIRTUAL) STRICT;
CREATE INDEX case_transitions_case ON case_transitions(case_id);
CREATE TABLE case_interventions(
  id TEXT PRIMARY KEY, data TEXT NOT NULL, response BLOB, outcome BLOB,
  case_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.case_id')) VIRTUAL) STRICT;
CREATE INDEX case_interventions_case ON case_interventions(case_id);
)sql",
      // Urgent-action alerts (sqlite_store_alerts.cpp): alerts, partners, the delivery outbox with
      // every attempt, officers' digest addresses. `lease_until` (outside the audited row) keeps two
      // workers from sending the same row at once.
      R"sql(
CREATE TABLE alerts(
  id TEXT PRIMARY KEY, data TEXT NOT NULL, note BLOB, texts BLOB, release BLOB,
  case_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.case_id')) VIRTUAL,
  status TEXT GENERATED ALWAYS AS (json_extract(data, '$.status')) VIRTUAL,
  composed_at TEXT GENERATED ALWAYS AS (json_extract(data, '$.composed_at')) VIRTUAL) STRICT;
CREATE INDEX alerts_case ON alerts(case_id);
CREATE TABLE alert_subscribers(
  id TEXT PRIMARY KEY, data TEXT NOT NULL, webhook_secret BLOB, email BLOB, feed_token BLOB,
  feed_index TEXT GENERATED ALWAYS AS (json_extract(data, '$.feed_index')) VIRTUAL) STRICT;
CREATE INDEX alert_subscribers_feed ON alert_subscribers(feed_index);
CREATE TABLE alert_deliveries(
  id TEXT PRIMARY KEY, data TEXT NOT NULL, recipient BLOB, payload BLOB, lease_until INTEGER NOT NULL DEFAULT 0,
  key TEXT GENERATED ALWAYS AS (json_extract(data, '$.key')) VIRTUAL,
  alert_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.alert_id')) VIRTUAL,
  subscriber_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.subscriber_id')) VIRTUAL,
  status TEXT GENERATED ALWAYS AS (json_extract(data, '$.status')) VIRTUAL,
  next_attempt_ms INTEGER GENERATED ALWAYS AS (json_extract(data, '$.next_attempt_ms')) VIRTUAL) STRICT;
CREATE UNIQUE INDEX alert_deliveries_key ON alert_deliveries(key);
CREATE INDEX alert_deliveries_alert ON alert_deliveries(alert_id);
CREATE INDEX alert_deliveries_due ON alert_deliveries(status, next_attempt_ms);
CREATE TABLE alert_attempts(
  id TEXT PRIMARY KEY, data TEXT NOT NULL,
  delivery_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.delivery_id')) VIRTUAL) STRICT;
CREATE INDEX alert_attempts_delivery ON alert_attempts(delivery_id);
CREATE TABLE officer_contacts(id TEXT PRIMARY KEY, data TEXT NOT NULL, email BLOB) STRICT;
)sql",
      // Ingestion candidates and the full-text index of sources (sqlite_store_ingest.cpp). The
      // index holds keyed hashes of tokens, never the text; source_search maps its rows to sources.
      R"sql(
CREATE TABLE source_candidates(
  id TEXT PRIMARY KEY, data TEXT NOT NULL, quote BLOB, value BLOB, key BLOB, note BLOB,
  source_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.source_id')) VIRTUAL,
  status TEXT GENERATED ALWAYS AS (json_extract(data, '$.status')) VIRTUAL,
  position INTEGER GENERATED ALWAYS AS (json_extract(data, '$.begin')) VIRTUAL) STRICT;
CREATE INDEX source_candidates_source ON source_candidates(source_id, position);
CREATE INDEX source_candidates_status ON source_candidates(status);
CREATE TABLE source_search(id INTEGER PRIMARY KEY, source_id TEXT NOT NULL UNIQUE) STRICT;
CREATE VIRTUAL TABLE source_fts USING fts5(words, chars, tokenize = 'ascii', detail = full);
)sql",
      // Evidence vault (src/evidence, sqlite_store_evidence.cpp): one row per file, id = SHA-256.
      R"sql(
CREATE TABLE evidence(
  id TEXT PRIMARY KEY, data TEXT NOT NULL, filename BLOB, acquired_by BLOB, acquired_from BLOB, file_key BLOB NOT NULL,
  source_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.source_id')) VIRTUAL REFERENCES sources(id),
  derived_from TEXT GENERATED ALWAYS AS (json_extract(data, '$.derived_from')) VIRTUAL REFERENCES evidence(id)) STRICT;
CREATE INDEX evidence_source ON evidence(source_id);
CREATE INDEX evidence_derived ON evidence(derived_from);
)sql",
  };
  return kMigrations;
}


std::string NowUtc() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", fmt::gmtime(std::chrono::system_clock::to_time_t(now)), ms);
}

std::string NewId(RecordKind kind) {
  static constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  uint8_t raw[10];
  randombytes_buf(raw, sizeof raw);
  std::string id;
  switch (kind) {
    case RecordKind::kSource: id = "src-"; break;
    case RecordKind::kPerson: id = "per-"; break;
    case RecordKind::kIncident: id = "inc-"; break;
    case RecordKind::kAct: id = "act-"; break;
    case RecordKind::kInvolvement: id = "inv-"; break;
  }
  for (uint8_t b : raw) id += kAlphabet[b & 31];
  return id;
}



std::string NewPrefixedId(const char* prefix) {
  static constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  uint8_t raw[10];
  randombytes_buf(raw, sizeof raw);
  std::string id = prefix;
  for (uint8_t b : raw) id += kAlphabet[b & 31];
  return id;
}

}  // namespace sqlite_detail

std::string NormaliseNameForIndex(const std::string& name) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCCasefoldInstance(status);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(name);
  icu::UnicodeString folded = U_SUCCESS(status) ? nfkc->normalize(u, status) : u;
  icu::UnicodeString kept;
  for (int32_t i = 0; i < folded.length();) {
    UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    if (c == ' ' || c == '-' || c == '\'' || c == '.' || c == 0x2019 || c == 0x00B7 || c == 0x30FB) continue;
    kept.append(c);
  }
  std::string out;
  kept.toUTF8String(out);
  return out;
}

namespace sqlite_detail {


sqlite::Statement& SqliteStore::Cached(const std::string& sql) const {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    auto st = db_.Prepare(sql);
    if (!st.ok()) {
      // Every statement here is a literal of this file; failing to prepare one is a bug.
      fmt::print(stderr, "dossier: internal error: {}\n", st.error().message);
      std::abort();
    }
    it = statements_.emplace(sql, std::move(st).value()).first;
  }
  it->second.Reset();
  return it->second;
}

bool SqliteStore::Exists(RecordKind kind, std::string_view id) const {
  auto& st = Cached(fmt::format("SELECT 1 FROM {} WHERE id = ?", ShapeOf(kind).table));
  st.Bind(1, id);
  auto r = st.Step();
  return r.ok() && *r;
}

Result<int64_t> SqliteStore::Count(RecordKind kind) const {
  auto& st = Cached(fmt::format("SELECT count(*) FROM {}", ShapeOf(kind).table));
  DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

Result<std::vector<Store::IncidentTally>> SqliteStore::CountIncidentsByTypeAndYear() const {
  auto& st = Cached("SELECT coalesce(type, ''), coalesce(start_year, 0), count(*) FROM incidents GROUP BY 1, 2");
  std::vector<IncidentTally> out;
  while (true) {
    DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), static_cast<int>(st.Int(1)), st.Int(2)});
  }
  return out;
}

Status SqliteStore::WriteRow(const RecordShape& shape, const std::string& id, const ordered_json& full, bool insert,
                             Bytes* digest) {
  SplitRecord split = Split(shape, full);
  const std::string clear = split.clear.dump();
  // The digest hashes exactly what is bound below, as TableDigest hashes it when read back.
  Hasher h;
  h.Add(id).Add(clear);
  std::string sql;
  if (insert) {
    std::string cols = "id, data", marks = "?, ?";
    for (const auto& f : shape.sensitive_fields) {
      cols += ", " + f;
      marks += ", ?";
    }
    sql = fmt::format("INSERT INTO {} ({}) VALUES ({})", shape.table, cols, marks);
  } else {
    std::string sets = "data = ?2";
    int i = 3;
    for (const auto& f : shape.sensitive_fields) sets += fmt::format(", {} = ?{}", f, i++);
    sql = fmt::format("UPDATE {} SET {} WHERE id = ?1", shape.table, sets);
  }
  auto& st = Cached(sql);
  st.Bind(1, id).Bind(2, clear);
  for (size_t i = 0; i < shape.sensitive_fields.size(); ++i) {
    if (split.sensitive[i].empty()) {
      st.BindNull(static_cast<int>(3 + i));
      h.Add(std::string_view("\x00null", 5)).Add(std::string_view());
    } else {
      Bytes sealed = keyring_.Seal(split.sensitive[i], {shape.table, shape.sensitive_fields[i], id});
      st.Bind(static_cast<int>(3 + i), std::span<const uint8_t>(sealed.data(), sealed.size()));
      h.Add(std::string_view()).Add(std::span<const uint8_t>(sealed.data(), sealed.size()));
    }
  }
  DOSSIER_RETURN_IF_ERROR(st.Run());
  if (digest) *digest = h.Final();
  return Ok();
}

Status SqliteStore::WriteIndexes(RecordKind kind, const std::string& id, const ordered_json& full) {
  if (kind == RecordKind::kSource) return IndexSourceText(id, full);
  if (kind != RecordKind::kPerson) return Ok();
  auto& del_names = Cached("DELETE FROM person_names WHERE person_id = ?");
  DOSSIER_RETURN_IF_ERROR(del_names.Bind(1, id).Run());
  auto& del_links = Cached("DELETE FROM person_links WHERE person_id = ?");
  DOSSIER_RETURN_IF_ERROR(del_links.Bind(1, id).Run());
  std::set<Bytes> tokens;
  for (const auto& n : full["names"]) {
    tokens.insert(keyring_.BlindIndex("name", NormaliseNameForIndex(n["value"].get<std::string>())));
  }
  for (const auto& t : tokens) {
    auto& ins = Cached("INSERT INTO person_names(person_id, token) VALUES (?, ?)");
    DOSSIER_RETURN_IF_ERROR(ins.Bind(1, id).Bind(2, std::span<const uint8_t>(t.data(), t.size())).Run());
  }
  for (const auto& l : full["links"]) {
    Bytes target = keyring_.BlindIndex("link", l["person_id"].get<std::string>());
    auto& ins = Cached("INSERT INTO person_links(person_id, target) VALUES (?, ?)");
    DOSSIER_RETURN_IF_ERROR(ins.Bind(1, id).Bind(2, std::span<const uint8_t>(target.data(), target.size())).Run());
  }
  return Ok();
}

template <typename T>
Result<std::string> SqliteStore::CreateRecord(const T& input) {
  constexpr RecordKind kind = Traits<T>::kKind;
  const RecordShape& shape = ShapeOf(kind);
  T record = input;
  if (record.id.empty()) record.id = NewId(kind);
  if (Exists(kind, record.id)) {
    return Error::Conflict(fmt::format("{} '{}' already exists", RecordKindName(kind), record.id));
  }
  DOSSIER_RETURN_IF_ERROR(MakeValidator().Check(record));
  ordered_json full = ToJson(record);
  Status s = Transaction([&]() -> Status {
    Bytes digest;
    DOSSIER_RETURN_IF_ERROR(WriteRow(shape, record.id, full, /*insert=*/true, &digest));
    DOSSIER_RETURN_IF_ERROR(WriteIndexes(kind, record.id, full));
    return AppendAuditEntry("create", RecordKindName(kind), record.id, nullptr, full, "", digest);
  });
  if (!s.ok()) return s.error();
  return record.id;
}

template <typename T>
Status SqliteStore::UpdateRecord(const T& record) {
  constexpr RecordKind kind = Traits<T>::kKind;
  const RecordShape& shape = ShapeOf(kind);
  DOSSIER_ASSIGN_OR_RETURN(T before, Get<T>(record.id));
  DOSSIER_RETURN_IF_ERROR(MakeValidator().Check(record));
  if (before == record) return Ok();  // nothing changed: no write, no audit entry
  ordered_json full = ToJson(record);
  return Transaction([&]() -> Status {
    Bytes digest;
    DOSSIER_RETURN_IF_ERROR(WriteRow(shape, record.id, full, /*insert=*/false, &digest));
    DOSSIER_RETURN_IF_ERROR(WriteIndexes(kind, record.id, full));
    return AppendAuditEntry("update", RecordKindName(kind), record.id, ToJson(before), full, "", digest);
  });
}

Status SqliteStore::CheckNotReferenced(RecordKind kind, const std::string& id) const {
  auto referenced = [&](const std::string& sql, std::span<const uint8_t> blob = {}) -> Result<bool> {
    auto& st = Cached(sql);
    if (blob.empty()) {
      st.Bind(1, id);
    } else {
      st.Bind(1, blob);
    }
    return st.Step();
  };
  auto refuse = [&](const char* by) {
    return Error::Conflict(fmt::format("{} '{}' cannot be deleted: {} still refer to it", RecordKindName(kind), id, by));
  };
  switch (kind) {
    case RecordKind::kSource:
      for (RecordKind other : {RecordKind::kPerson, RecordKind::kIncident, RecordKind::kAct, RecordKind::kInvolvement}) {
        DOSSIER_ASSIGN_OR_RETURN(bool r, referenced(fmt::format(
            "SELECT 1 FROM {}, json_each({}.data, '$.source_ids') WHERE json_each.value = ? LIMIT 1",
            ShapeOf(other).table, ShapeOf(other).table)));
        if (r) return refuse(ShapeOf(other).table);
      }
      {
        // Evidence is never deleted with its source: the vault keeps originals for good.
        DOSSIER_ASSIGN_OR_RETURN(bool files, referenced("SELECT 1 FROM evidence WHERE source_id = ? LIMIT 1"));
        if (files) return refuse("evidence files");
      }
      return Ok();
    case RecordKind::kPerson: {
      DOSSIER_ASSIGN_OR_RETURN(bool acts, referenced("SELECT 1 FROM acts WHERE victim_id = ? LIMIT 1"));
      if (acts) return refuse("acts");
      DOSSIER_ASSIGN_OR_RETURN(bool inv, referenced("SELECT 1 FROM involvements WHERE perpetrator_person_id = ? LIMIT 1"));
      if (inv) return refuse("involvements");
      Bytes target = keyring_.BlindIndex("link", id);
      DOSSIER_ASSIGN_OR_RETURN(bool links, referenced("SELECT 1 FROM person_links WHERE target = ? LIMIT 1",
                                                      std::span<const uint8_t>(target.data(), target.size())));
      if (links) return refuse("links of other persons");
      return Ok();
    }
    case RecordKind::kIncident: {
      DOSSIER_ASSIGN_OR_RETURN(bool acts, referenced("SELECT 1 FROM acts WHERE incident_id = ? LIMIT 1"));
      return acts ? Status(refuse("acts")) : Ok();
    }
    case RecordKind::kAct: {
      DOSSIER_ASSIGN_OR_RETURN(bool inv, referenced("SELECT 1 FROM involvements WHERE act_id = ? LIMIT 1"));
      return inv ? Status(refuse("involvements")) : Ok();
    }
    case RecordKind::kInvolvement: return Ok();
  }
  return Ok();
}

Status SqliteStore::Delete(RecordKind kind, const std::string& id) {
  const RecordShape& shape = ShapeOf(kind);
  if (!Exists(kind, id)) return Error::NotFound(fmt::format("{} '{}' does not exist", RecordKindName(kind), id));
  DOSSIER_RETURN_IF_ERROR(CheckNotReferenced(kind, id));
  ordered_json before;
  switch (kind) {
    case RecordKind::kSource: { DOSSIER_ASSIGN_OR_RETURN(auto r, GetSource(id)); before = ToJson(r); break; }
    case RecordKind::kPerson: { DOSSIER_ASSIGN_OR_RETURN(auto r, GetPerson(id)); before = ToJson(r); break; }
    case RecordKind::kIncident: { DOSSIER_ASSIGN_OR_RETURN(auto r, GetIncident(id)); before = ToJson(r); break; }
    case RecordKind::kAct: { DOSSIER_ASSIGN_OR_RETURN(auto r, GetAct(id)); before = ToJson(r); break; }
    case RecordKind::kInvolvement: { DOSSIER_ASSIGN_OR_RETURN(auto r, GetInvolvement(id)); before = ToJson(r); break; }
  }
  return Transaction([&]() -> Status {
    auto& st = Cached(fmt::format("DELETE FROM {} WHERE id = ?", shape.table));
    DOSSIER_RETURN_IF_ERROR(st.Bind(1, id).Run());
    if (kind == RecordKind::kPerson) {
      DOSSIER_RETURN_IF_ERROR(Cached("DELETE FROM person_names WHERE person_id = ?").Bind(1, id).Run());
      DOSSIER_RETURN_IF_ERROR(Cached("DELETE FROM person_links WHERE person_id = ?").Bind(1, id).Run());
      DOSSIER_RETURN_IF_ERROR(Cached("DELETE FROM person_clusters WHERE person_id = ?").Bind(1, id).Run());
      DOSSIER_RETURN_IF_ERROR(
          Cached("DELETE FROM link_candidates WHERE person_a = ?1 OR person_b = ?1").Bind(1, id).Run());
    }
    if (kind == RecordKind::kSource) DOSSIER_RETURN_IF_ERROR(ForgetSource(id));
    RecordKind k = kind;
    return AppendAudit("delete", &k, id, before, nullptr, "");
  });
}

template <typename T>
Result<T> SqliteStore::DecodeRow(const RecordShape& shape, sqlite::Statement& st) const {
  const std::string id = st.Text(0);
  const std::string where = fmt::format("stored {} '{}'", RecordKindName(shape.kind), id);
  json full;
  try {
    full = json::parse(st.Text(1));
  } catch (const json::exception&) {
    return Error::Corrupt(fmt::format("{}: clear fields are not valid JSON", where));
  }
  for (size_t i = 0; i < shape.sensitive_fields.size(); ++i) {
    const std::string& field = shape.sensitive_fields[i];
    const int col = static_cast<int>(2 + i);
    if (st.IsNull(col)) {
      full[field] = nullptr;
      continue;
    }
    DOSSIER_ASSIGN_OR_RETURN(std::string plain, keyring_.Open(st.Blob(col), {shape.table, field, id}));
    try {
      full[field] = json::parse(plain);
    } catch (const json::exception&) {
      return Error::Corrupt(fmt::format("{}: field '{}' is not valid JSON", where, field));
    }
  }
  full["id"] = id;
  auto r = Traits<T>::Decode(full, where);
  if (!r.ok()) return Error::Corrupt(r.error().message);
  return r;
}

std::string SelectColumns(const RecordShape& shape) {
  std::string cols = "id, data";
  for (const auto& f : shape.sensitive_fields) cols += ", " + f;
  return cols;
}

template <typename T>
Result<T> SqliteStore::Get(const std::string& id) const {
  const RecordShape& shape = ShapeOf(Traits<T>::kKind);
  auto& st = Cached(fmt::format("SELECT {} FROM {} WHERE id = ?", SelectColumns(shape), shape.table));
  st.Bind(1, id);
  DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Error::NotFound(fmt::format("{} '{}' does not exist", RecordKindName(shape.kind), id));
  return DecodeRow<T>(shape, st);
}

template <typename T>
Result<Page<T>> SqliteStore::List(const ListQuery& q) const {
  const RecordShape& shape = ShapeOf(Traits<T>::kKind);
  std::vector<std::string> conds;
  std::vector<std::string> args;
  auto place_cond = [&](const char* col) {
    conds.push_back(fmt::format("({0} = ? OR {0} LIKE ? ESCAPE '\\')", col));
    args.push_back(q.place);
    std::string escaped;
    for (char c : q.place) {
      if (c == '%' || c == '_' || c == '\\') escaped += '\\';
      escaped += c;
    }
    args.push_back(escaped + "-%");
  };
  const RecordKind kind = shape.kind;
  if (!q.type.empty()) {
    if (kind == RecordKind::kIncident) { conds.push_back("type = ?"); args.push_back(q.type); }
    if (kind == RecordKind::kSource) { conds.push_back("kind = ?"); args.push_back(q.type); }
  }
  if (!q.place.empty()) {
    if (kind == RecordKind::kIncident) place_cond("place");
    if (kind == RecordKind::kPerson) place_cond("origin");
  }
  if (kind == RecordKind::kIncident && q.year_from) conds.push_back(fmt::format("start_year >= {}", *q.year_from));
  if (kind == RecordKind::kIncident && q.year_to) conds.push_back(fmt::format("start_year <= {}", *q.year_to));
  if (!q.source_id.empty() && kind != RecordKind::kSource) {
    conds.push_back(fmt::format("EXISTS (SELECT 1 FROM json_each({}.data, '$.source_ids') WHERE value = ?)", shape.table));
    args.push_back(q.source_id);
  }
  if (!q.incident_id.empty() && kind == RecordKind::kAct) { conds.push_back("incident_id = ?"); args.push_back(q.incident_id); }
  if (!q.person_id.empty() && kind == RecordKind::kAct) { conds.push_back("victim_id = ?"); args.push_back(q.person_id); }
  if (!q.person_id.empty() && kind == RecordKind::kInvolvement) {
    conds.push_back("perpetrator_person_id = ?");
    args.push_back(q.person_id);
  }
  if (!q.act_id.empty() && kind == RecordKind::kInvolvement) { conds.push_back("act_id = ?"); args.push_back(q.act_id); }
  std::string where;
  for (size_t i = 0; i < conds.size(); ++i) where += (i ? " AND " : " WHERE ") + conds[i];
  const char* order = kind == RecordKind::kIncident ? "start_year, start, id" : "id";

  Page<T> page;
  auto& count = Cached(fmt::format("SELECT count(*) FROM {}{}", shape.table, where));
  for (size_t i = 0; i < args.size(); ++i) count.Bind(static_cast<int>(i + 1), args[i]);
  DOSSIER_ASSIGN_OR_RETURN(bool crow, count.Step());
  page.total = crow ? static_cast<size_t>(count.Int(0)) : 0;

  auto& st = Cached(fmt::format("SELECT {} FROM {}{} ORDER BY {} LIMIT ? OFFSET ?", SelectColumns(shape), shape.table,
                                where, order));
  int n = 1;
  for (const auto& a : args) st.Bind(n++, a);
  st.Bind(n++, static_cast<int64_t>(q.limit));
  st.Bind(n++, static_cast<int64_t>(q.offset));
  while (true) {
    DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    DOSSIER_ASSIGN_OR_RETURN(T item, DecodeRow<T>(shape, st));
    page.items.push_back(std::move(item));
  }
  return page;
}

Result<std::vector<std::string>> SqliteStore::FindPersonsByExactName(const std::string& name) const {
  Bytes token = keyring_.BlindIndex("name", NormaliseNameForIndex(name));
  auto& st = Cached("SELECT DISTINCT person_id FROM person_names WHERE token = ? ORDER BY person_id");
  st.Bind(1, std::span<const uint8_t>(token.data(), token.size()));
  std::vector<std::string> ids;
  while (true) {
    DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ids.push_back(st.Text(0));
  }
  return ids;
}

Result<Bytes> SqliteStore::RowDigest(const RecordShape& shape, const std::string& id) const {
  return TableDigest(shape.table, shape.sensitive_fields, id);
}

Result<Bytes> SqliteStore::TableDigest(const std::string& table, const std::vector<std::string>& sealed,
                                       const std::string& id) const {
  std::string cols = "id, data";
  for (const auto& f : sealed) cols += ", " + f;
  auto& st = Cached(fmt::format("SELECT {} FROM {} WHERE id = ?", cols, table));
  st.Bind(1, id);
  DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Bytes();
  Hasher h;
  h.Add(st.Text(0)).Add(st.Text(1));
  for (size_t i = 0; i < sealed.size(); ++i) {
    h.Add(st.IsNull(static_cast<int>(2 + i)) ? std::string_view("\x00null", 5) : std::string_view());
    h.Add(st.Blob(static_cast<int>(2 + i)));
  }
  return h.Final();
}

Status SqliteStore::LoadAuditHead() {
  auto& st = Cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (row) {
    next_seq_ = st.Int(0) + 1;
    head_hash_ = ToBytes(st.Blob(1));
  } else {
    next_seq_ = 1;
    head_hash_ = Bytes(32, 0);
  }
  head_loaded_ = true;
  head_unsigned_ = false;  // every committed transaction ended with a signed entry
  return Ok();
}

Status SqliteStore::SignAuditHead() {
  if (!head_unsigned_) return Ok();
  Bytes sig(crypto_sign_BYTES, 0);
  crypto_sign_detached(sig.data(), nullptr, head_hash_.data(), head_hash_.size(), keyring_.signing_secret_key().data());
  auto& st = Cached("UPDATE audit SET signature = ? WHERE seq = ?");
  st.Bind(1, std::span<const uint8_t>(sig.data(), sig.size())).Bind(2, next_seq_ - 1);
  DOSSIER_RETURN_IF_ERROR(st.Run());
  head_unsigned_ = false;
  return Ok();
}

Bytes EntryHash(const Bytes& prev, int64_t seq, const std::string& at, const std::string& actor,
                const std::string& action, const std::string& kind, const std::string& record_id,
                const std::string& fields, std::span<const uint8_t> changes, std::span<const uint8_t> row_digest) {
  return Hasher()
      .Add(prev)
      .Add(std::to_string(seq))
      .Add(at)
      .Add(actor)
      .Add(action)
      .Add(kind)
      .Add(record_id)
      .Add(fields)
      .Add(changes)
      .Add(row_digest)
      .Final();
}

Status SqliteStore::AppendAudit(const std::string& action, RecordKind* kind, const std::string& record_id,
                                const ordered_json& before, const ordered_json& after,
                                const std::string& event_details) {
  Bytes digest;
  if (kind) {
    DOSSIER_ASSIGN_OR_RETURN(digest, RowDigest(ShapeOf(*kind), record_id));
  }
  return AppendAuditEntry(action, kind ? RecordKindName(*kind) : "", record_id, before, after, event_details, digest);
}

Status SqliteStore::AppendAuditEntry(const std::string& action, const std::string& kind_name,
                                     const std::string& record_id, const ordered_json& before,
                                     const ordered_json& after, const std::string& event_details,
                                     const Bytes& digest) {
  if (!head_loaded_) DOSSIER_RETURN_IF_ERROR(LoadAuditHead());
  // Field-level changes: for each field that differs, its value before and after, as the JSON
  // object {"field": {"before": b, "after": a}, ...} (written out directly: no copies of values).
  static const ordered_json kNull;
  auto field_of = [](const ordered_json& record, const std::string& field) -> const ordered_json& {
    if (record.is_null()) return kNull;
    auto it = record.find(field);
    return it == record.end() ? kNull : *it;
  };
  std::string changes = "{";
  std::string fields;
  if (!kind_name.empty()) {
    const ordered_json& shape_src = after.is_null() ? before : after;
    for (const auto& [field, value] : shape_src.items()) {
      const ordered_json& b = field_of(before, field);
      const ordered_json& a = field_of(after, field);
      if (b == a || (IsEmptyJson(b) && IsEmptyJson(a))) continue;
      if (changes.size() > 1) changes += ',';
      changes += ordered_json(field).dump();
      changes += ":{\"before\":";
      changes += b.dump();
      changes += ",\"after\":";
      changes += a.dump();
      changes += '}';
      fields += (fields.empty() ? "" : ",") + field;
    }
  } else {
    changes += "\"details\":" + ordered_json(event_details).dump();
  }
  changes += '}';
  const int64_t seq = next_seq_;
  const std::string seq_text = std::to_string(seq);
  Bytes sealed = keyring_.Seal(changes, {"audit", "changes", seq_text});
  const std::string at = NowUtc();
  Bytes hash = EntryHash(head_hash_, seq, at, actor_, action, kind_name, record_id, fields, sealed, digest);
  // Written unsigned (an empty signature); SignAuditHead signs the last entry of the transaction
  // when it commits, and the hash chain carries that signature back to every earlier entry.
  auto& st = Cached(
      "INSERT INTO audit(seq, at, actor, action, kind, record_id, fields, changes, row_digest, prev_hash, hash, "
      "signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, X'')");
  st.Bind(1, seq).Bind(2, at).Bind(3, actor_).Bind(4, action).Bind(5, kind_name).Bind(6, record_id).Bind(7, fields);
  st.Bind(8, std::span<const uint8_t>(sealed.data(), sealed.size()));
  if (digest.empty()) {
    st.BindNull(9);
  } else {
    st.Bind(9, std::span<const uint8_t>(digest.data(), digest.size()));
  }
  st.Bind(10, std::span<const uint8_t>(head_hash_.data(), head_hash_.size()));
  st.Bind(11, std::span<const uint8_t>(hash.data(), hash.size()));
  DOSSIER_RETURN_IF_ERROR(st.Run());
  next_seq_ = seq + 1;
  head_hash_ = std::move(hash);
  head_unsigned_ = true;
  if (++entries_in_transaction_ == 1000 && !bulk_cache_) {
    // A bulk load (demo data, import): its transactions touch far more pages than SQLite's
    // default 2 MiB cache holds, which then spills them to the WAL again and again.
    DOSSIER_RETURN_IF_ERROR(db_.Exec("PRAGMA cache_size = -262144"));  // 256 MiB, for this connection
    bulk_cache_ = true;
  }
  // Outside a transaction the entry is its own transaction: sign it now.
  return depth_ == 0 ? SignAuditHead() : Ok();
}

Status SqliteStore::RecordEvent(const std::string& action, const std::string& details) {
  return Transaction([&]() -> Status { return AppendAudit(action, nullptr, "", nullptr, nullptr, details); });
}

Result<std::vector<AuditEntry>> SqliteStore::History(RecordKind kind, const std::string& id) const {
  auto& st = Cached(
      "SELECT seq, at, actor, action, kind, record_id, fields, changes FROM audit WHERE kind = ? AND record_id = ? "
      "ORDER BY seq");
  st.Bind(1, RecordKindName(kind)).Bind(2, id);
  std::vector<AuditEntry> out;
  while (true) {
    DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    AuditEntry e{st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5), st.Text(6), ""};
    DOSSIER_ASSIGN_OR_RETURN(e.changes, keyring_.Open(st.Blob(7), {"audit", "changes", std::to_string(e.seq)}));
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<AuditEntry>> SqliteStore::RecentAudit(size_t limit) const {
  auto& st = Cached("SELECT seq, at, actor, action, kind, record_id, fields FROM audit ORDER BY seq DESC LIMIT ?");
  st.Bind(1, static_cast<int64_t>(limit));
  std::vector<AuditEntry> out;
  while (true) {
    DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(AuditEntry{st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5), st.Text(6), ""});
  }
  return out;
}

Result<VerifyReport> SqliteStore::Verify() const {
  VerifyReport report;
  auto st_r = db_.Prepare(
      "SELECT seq, at, actor, action, kind, record_id, fields, changes, row_digest, prev_hash, hash, signature "
      "FROM audit ORDER BY seq");
  if (!st_r.ok()) return st_r.error();
  auto& st = *st_r;
  Bytes prev(32, 0);
  int64_t expected_seq = 1;
  bool chain_ok = true;
  // First entry not yet vouched for by a signature (0: none). An entry with an empty signature is
  // covered by the next signed entry, whose hash commits to it through the chain.
  int64_t unsigned_from = 0;
  // kind -> id -> digest the last entry left (empty after a delete).
  std::map<std::string, std::map<std::string, Bytes>> expected_rows;
  const Bytes pk = keyring_.signing_public_key();
  while (true) {
    DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ++report.entries;
    if (!chain_ok) continue;
    const int64_t seq = st.Int(0);
    const std::string action = st.Text(3), kind = st.Text(4), record_id = st.Text(5);
    Bytes hash = EntryHash(prev, seq, st.Text(1), st.Text(2), action, kind, record_id, st.Text(6), st.Blob(7), st.Blob(8));
    std::string problem;
    if (seq != expected_seq) {
      problem = fmt::format("audit entry {} is missing or out of order (found entry {} next)", expected_seq, seq);
    } else if (ToBytes(st.Blob(9)) != prev) {
      problem = fmt::format("audit entry {} does not follow entry {}: the chain was reordered or cut", seq, seq - 1);
    } else if (ToBytes(st.Blob(10)) != hash) {
      problem = fmt::format("audit entry {} was altered: its content does not match its hash", seq);
    } else if (!st.Blob(11).empty() &&
               (st.Blob(11).size() != crypto_sign_BYTES ||
                crypto_sign_verify_detached(st.Blob(11).data(), hash.data(), hash.size(), pk.data()) != 0)) {
      problem = unsigned_from == 0
                    ? fmt::format("audit entry {} has an invalid signature", seq)
                    : fmt::format("audit entry {} has an invalid signature: one of entries {} to {}, which it "
                                  "vouches for, was altered",
                                  seq, unsigned_from, seq);
    }
    if (!problem.empty()) {
      report.problems.push_back(problem);
      chain_ok = false;
      continue;
    }
    if (!kind.empty()) expected_rows[kind][record_id] = ToBytes(st.Blob(8));
    if (st.Blob(11).empty()) {
      if (unsigned_from == 0) unsigned_from = seq;
    } else {
      unsigned_from = 0;
    }
    prev = hash;
    ++expected_seq;
  }
  if (chain_ok && unsigned_from != 0) {
    report.problems.push_back(fmt::format("audit entries {} to {} are not covered by a signature: the chain was cut "
                                          "or its last signature removed",
                                          unsigned_from, expected_seq - 1));
    return report;
  }
  if (!chain_ok) return report;
  struct Checked {
    std::string kind, table;
    std::vector<std::string> sealed;
  };
  std::vector<Checked> tables;
  for (RecordKind kind : AllRecordKinds()) tables.push_back({RecordKindName(kind), ShapeOf(kind).table, ShapeOf(kind).sensitive_fields});
  for (const SideTable* t : kSideTables) tables.push_back({t->kind, t->table, t->sealed});
  for (const Checked& table : tables) {
    const char* kind_name = table.kind.c_str();
    auto& expected = expected_rows[table.kind];
    auto ids_r = db_.Prepare(fmt::format("SELECT id FROM {} ORDER BY id", table.table));
    if (!ids_r.ok()) return ids_r.error();
    std::set<std::string> present;
    while (true) {
      DOSSIER_ASSIGN_OR_RETURN(bool row, ids_r->Step());
      if (!row) break;
      present.insert(ids_r->Text(0));
    }
    for (const auto& id : present) {
      ++report.records;
      auto it = expected.find(id);
      if (it == expected.end() || it->second.empty()) {
        report.problems.push_back(fmt::format("{} '{}' exists but the audit trail never recorded it: it was "
                                              "added behind the application's back", kind_name, id));
        continue;
      }
      DOSSIER_ASSIGN_OR_RETURN(Bytes digest, TableDigest(table.table, table.sealed, id));
      if (digest != it->second) {
        report.problems.push_back(fmt::format("{} '{}' differs from its last audited state: it was edited behind "
                                              "the application's back", kind_name, id));
      }
    }
    for (const auto& [id, digest] : expected) {
      if (!digest.empty() && !present.count(id)) {
        report.problems.push_back(fmt::format("{} '{}' is in the audit trail but missing from the database: it was "
                                              "deleted behind the application's back", kind_name, id));
      }
    }
  }
  return report;
}

Status SqliteStore::PutUser(const UserAccount& user) {
  if (user.name.empty() || user.name.size() > 64) return Error::Invalid("user: field 'name': 1 to 64 characters");
  auto before = GetUser(user.name);
  const bool exists = before.ok();
  if (exists && *before == user) return Ok();
  return Transaction([&]() -> Status {
    auto& st = Cached("INSERT INTO users(name, role, password_hash, totp_secret, disabled, mac) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                      "ON CONFLICT(name) DO UPDATE SET role = ?2, password_hash = ?3, totp_secret = ?4, disabled = ?5, mac = ?6");
    Bytes mac = UserMac(user);
    st.Bind(6, std::span<const uint8_t>(mac.data(), mac.size()));
    st.Bind(1, user.name).Bind(2, user.role).Bind(3, user.password_hash);
    if (user.totp_secret.empty()) {
      st.BindNull(4);
    } else {
      Bytes sealed = keyring_.Seal(user.totp_secret, {"users", "totp_secret", user.name});
      st.Bind(4, std::span<const uint8_t>(sealed.data(), sealed.size()));
    }
    st.Bind(5, static_cast<int64_t>(user.disabled));
    DOSSIER_RETURN_IF_ERROR(st.Run());
    std::string what = exists ? "updated" : "created";
    if (exists && before->role != user.role) what += fmt::format(", role {} -> {}", before->role, user.role);
    if (exists && before->password_hash != user.password_hash) what += ", password changed";
    if (exists && before->totp_secret != user.totp_secret) what += ", second factor changed";
    if (exists && before->disabled != user.disabled) what += user.disabled ? ", disabled" : ", enabled";
    if (!exists) what += fmt::format(", role {}", user.role);
    return AppendAudit("user", nullptr, "", nullptr, nullptr, fmt::format("user '{}' {}", user.name, what));
  });
}

Bytes SqliteStore::UserMac(const UserAccount& u) const {
  // Role, password hash and state are clear columns; the MAC stops anyone without the key from
  // promoting an account or swapping a password hash by editing the file.
  return keyring_.BlindIndex("user-row", fmt::format("{}\n{}\n{}\n{}\n{}", u.name.size(), u.name, u.role,
                                                     u.password_hash, u.disabled ? 1 : 0));
}

Result<UserAccount> SqliteStore::ReadUser(sqlite::Statement& st) const {
  UserAccount u{st.Text(0), st.Text(1), st.Text(2), "", st.Int(4) != 0};
  if (!st.IsNull(3)) {
    DOSSIER_ASSIGN_OR_RETURN(u.totp_secret, keyring_.Open(st.Blob(3), {"users", "totp_secret", u.name}));
  }
  if (ToBytes(st.Blob(5)) != UserMac(u)) {
    return Error::Corrupt(fmt::format("user '{}' was altered outside Dossier; refusing to use it", u.name));
  }
  return u;
}

Result<UserAccount> SqliteStore::GetUser(const std::string& name) const {
  auto& st = Cached("SELECT name, role, password_hash, totp_secret, disabled, mac FROM users WHERE name = ?");
  st.Bind(1, name);
  DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Error::NotFound(fmt::format("user '{}' does not exist", name));
  return ReadUser(st);
}

Result<std::vector<UserAccount>> SqliteStore::ListUsers() const {
  auto& st = Cached("SELECT name, role, password_hash, totp_secret, disabled, mac FROM users ORDER BY name");
  std::vector<UserAccount> out;
  while (true) {
    DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    DOSSIER_ASSIGN_OR_RETURN(UserAccount u, ReadUser(st));
    out.push_back(std::move(u));
  }
  return out;
}

Result<int64_t> SqliteStore::QueueLinkCandidates(const std::vector<LinkCandidate>& candidates) {
  int64_t queued = 0;
  DOSSIER_RETURN_IF_ERROR(Transaction([&]() -> Status {
    DOSSIER_RETURN_IF_ERROR(Cached("DELETE FROM link_candidates WHERE status = 'pending'").Run());
    for (const auto& c : candidates) {
      const bool ordered = c.person_a < c.person_b;
      const std::string& a = ordered ? c.person_a : c.person_b;
      const std::string& b = ordered ? c.person_b : c.person_a;
      if (!Exists(RecordKind::kPerson, a) || !Exists(RecordKind::kPerson, b)) {
        return Error::NotFound(fmt::format("link candidate ({}, {}): no such person", a, b));
      }
      auto& st = Cached("INSERT INTO link_candidates(person_a, person_b, probability, explanation, status) "
                        "VALUES (?, ?, ?, ?, 'pending') ON CONFLICT(person_a, person_b) DO NOTHING");
      Bytes sealed = keyring_.Seal(c.explanation, {"link_candidates", "explanation", a + "|" + b});
      st.Bind(1, a).Bind(2, b);
      sqlite3_bind_double(st.raw(), 3, c.probability);
      st.Bind(4, std::span<const uint8_t>(sealed.data(), sealed.size()));
      DOSSIER_RETURN_IF_ERROR(st.Run());
      queued += sqlite3_changes(db_.get());
    }
    return AppendAudit("link_queue", nullptr, "", nullptr, nullptr, fmt::format("{} candidate pairs queued", queued));
  }));
  return queued;
}

Result<Page<LinkCandidate>> SqliteStore::ListLinkCandidates(const std::string& status, size_t limit,
                                                            size_t offset) const {
  Page<LinkCandidate> page;
  auto& count = Cached("SELECT count(*) FROM link_candidates WHERE status = ?");
  count.Bind(1, status);
  DOSSIER_ASSIGN_OR_RETURN(bool crow, count.Step());
  page.total = crow ? static_cast<size_t>(count.Int(0)) : 0;
  auto& st = Cached("SELECT id, person_a, person_b, probability, explanation, status, decided_by, decided_at "
                    "FROM link_candidates WHERE status = ? ORDER BY probability DESC, id LIMIT ? OFFSET ?");
  st.Bind(1, status).Bind(2, static_cast<int64_t>(limit)).Bind(3, static_cast<int64_t>(offset));
  while (true) {
    DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    LinkCandidate c;
    c.id = st.Int(0);
    c.person_a = st.Text(1);
    c.person_b = st.Text(2);
    c.probability = sqlite3_column_double(st.raw(), 3);
    if (!st.IsNull(4)) {
      DOSSIER_ASSIGN_OR_RETURN(c.explanation,
                               keyring_.Open(st.Blob(4), {"link_candidates", "explanation", c.person_a + "|" + c.person_b}));
    }
    c.status = st.Text(5);
    c.decided_by = st.Text(6);
    c.decided_at = st.Text(7);
    page.items.push_back(std::move(c));
  }
  return page;
}

Result<std::string> SqliteStore::ClusterOf(const std::string& person_id) const {
  if (!Exists(RecordKind::kPerson, person_id)) {
    return Error::NotFound(fmt::format("person '{}' does not exist", person_id));
  }
  auto& st = Cached("SELECT cluster_id FROM person_clusters WHERE person_id = ?");
  st.Bind(1, person_id);
  DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Text(0) : person_id;
}

Result<std::vector<std::string>> SqliteStore::ClusterMembers(const std::string& cluster_id) const {
  auto& st = Cached("SELECT person_id FROM person_clusters WHERE cluster_id = ? ORDER BY person_id");
  st.Bind(1, cluster_id);
  std::vector<std::string> members;
  while (true) {
    DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    members.push_back(st.Text(0));
  }
  // A record that names its cluster may have no row of its own (it never moved).
  if (!std::binary_search(members.begin(), members.end(), cluster_id) && Exists(RecordKind::kPerson, cluster_id)) {
    DOSSIER_ASSIGN_OR_RETURN(std::string own, ClusterOf(cluster_id));
    if (own == cluster_id) members.insert(std::lower_bound(members.begin(), members.end(), cluster_id), cluster_id);
  }
  return members;
}

Result<std::vector<std::pair<std::string, std::string>>> SqliteStore::AllClusters() const {
  auto& st = Cached("SELECT p.id, coalesce(c.cluster_id, p.id) FROM persons p "
                    "LEFT JOIN person_clusters c ON c.person_id = p.id ORDER BY p.id");
  std::vector<std::pair<std::string, std::string>> out;
  while (true) {
    DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.emplace_back(st.Text(0), st.Text(1));
  }
  return out;
}

Status SqliteStore::AssignClusters(const std::string& action, const std::map<std::string, std::string>& assignment,
                                   const std::string& note) {
  return Transaction([&]() -> Status {
    nlohmann::ordered_json moves = nlohmann::ordered_json::array();
    for (const auto& [person, cluster] : assignment) {
      DOSSIER_ASSIGN_OR_RETURN(std::string before, ClusterOf(person));
      if (before == cluster) continue;
      auto& st = Cached("INSERT INTO person_clusters(person_id, cluster_id) VALUES (?1, ?2) "
                        "ON CONFLICT(person_id) DO UPDATE SET cluster_id = ?2");
      DOSSIER_RETURN_IF_ERROR(st.Bind(1, person).Bind(2, cluster).Run());
      moves.push_back({{"person", person}, {"from", before}, {"to", cluster}});
    }
    if (moves.empty()) return Ok();
    nlohmann::ordered_json details{{"note", note}, {"moves", moves}};
    return AppendAudit(action, nullptr, "", nullptr, nullptr, details.dump());
  });
}

Status SqliteStore::MergeClusters(const std::string& person_a, const std::string& person_b) {
  DOSSIER_ASSIGN_OR_RETURN(std::string ca, ClusterOf(person_a));
  DOSSIER_ASSIGN_OR_RETURN(std::string cb, ClusterOf(person_b));
  if (ca == cb) return Ok();
  // The smaller id names the merged cluster, so the result does not depend on argument order.
  const std::string target = std::min(ca, cb);
  std::map<std::string, std::string> assignment;
  for (const std::string& c : {ca, cb}) {
    DOSSIER_ASSIGN_OR_RETURN(auto members, ClusterMembers(c));
    for (const auto& m : members) assignment[m] = target;
  }
  return AssignClusters("merge", assignment, fmt::format("merge {} and {}", person_a, person_b));
}

Status SqliteStore::SplitFromCluster(const std::string& person_id) {
  DOSSIER_ASSIGN_OR_RETURN(std::string cluster, ClusterOf(person_id));
  DOSSIER_ASSIGN_OR_RETURN(auto members, ClusterMembers(cluster));
  if (members.size() <= 1) return Ok();
  std::map<std::string, std::string> assignment{{person_id, person_id}};
  if (cluster == person_id) {
    // The record leaving gave the cluster its name: the others keep a name from among themselves.
    std::string rest;
    for (const auto& m : members) if (m != person_id && (rest.empty() || m < rest)) rest = m;
    for (const auto& m : members) if (m != person_id) assignment[m] = rest;
  }
  return AssignClusters("split", assignment, fmt::format("split {} from {}", person_id, cluster));
}

Status SqliteStore::DecideLinkCandidate(int64_t id, bool confirm) {
  auto& st = Cached("SELECT person_a, person_b, status FROM link_candidates WHERE id = ?");
  st.Bind(1, id);
  DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Error::NotFound(fmt::format("link candidate {} does not exist", id));
  const std::string a = st.Text(0), b = st.Text(1), status = st.Text(2);
  st.Reset();
  if (status != "pending") return Error::Conflict(fmt::format("link candidate {} was already {}", id, status));
  return Transaction([&]() -> Status {
    auto& upd = Cached("UPDATE link_candidates SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?");
    DOSSIER_RETURN_IF_ERROR(upd.Bind(1, confirm ? "confirmed" : "rejected").Bind(2, actor_).Bind(3, NowUtc()).Bind(4, id).Run());
    if (confirm) return MergeClusters(a, b);
    return AppendAudit("link_reject", nullptr, "", nullptr, nullptr, fmt::format("candidate {}: {} and {}", id, a, b));
  });
}

Status SqliteStore::UndoClusterChange(int64_t seq) {
  auto& st = Cached("SELECT action, changes FROM audit WHERE seq = ?");
  st.Bind(1, seq);
  DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Error::NotFound(fmt::format("audit entry {} does not exist", seq));
  const std::string action = st.Text(0);
  if (action != "merge" && action != "split") {
    return Error::Invalid(fmt::format("audit entry {} is a '{}', not a merge or split", seq, action));
  }
  DOSSIER_ASSIGN_OR_RETURN(std::string changes, keyring_.Open(st.Blob(1), {"audit", "changes", std::to_string(seq)}));
  st.Reset();
  nlohmann::json details;
  try {
    details = nlohmann::json::parse(nlohmann::json::parse(changes).at("details").get<std::string>());
  } catch (const nlohmann::json::exception&) {
    return Error::Corrupt(fmt::format("audit entry {} has no readable cluster moves", seq));
  }
  std::map<std::string, std::string> assignment;
  for (const auto& m : details.at("moves")) {
    DOSSIER_ASSIGN_OR_RETURN(std::string now, ClusterOf(m.at("person").get<std::string>()));
    if (now != m.at("to").get<std::string>()) {
      return Error::Conflict(fmt::format("cannot undo entry {}: person '{}' has moved since", seq,
                                         m.at("person").get<std::string>()));
    }
    assignment[m.at("person")] = m.at("from");
  }
  return AssignClusters("undo", assignment, fmt::format("undo entry {}", seq));
}

// ---------------------------------------------------------------- urgent cases

bool SqliteStore::SideExists(const SideTable& t, const std::string& id) const {
  auto& st = Cached(fmt::format("SELECT 1 FROM {} WHERE id = ?", t.table));
  st.Bind(1, id);
  auto r = st.Step();
  return r.ok() && *r;
}

Status SqliteStore::WriteSide(const SideTable& t, const std::string& id, const ordered_json& full, bool insert) {
  ordered_json clear = full;
  clear.erase("id");
  for (const auto& f : t.sealed) clear.erase(f);
  std::string sql;
  if (insert) {
    std::string cols = "id, data", marks = "?1, ?2";
    int i = 3;
    for (const auto& f : t.sealed) {
      cols += ", " + f;
      marks += fmt::format(", ?{}", i++);
    }
    sql = fmt::format("INSERT INTO {} ({}) VALUES ({})", t.table, cols, marks);
  } else {
    std::string sets = "data = ?2";
    int i = 3;
    for (const auto& f : t.sealed) sets += fmt::format(", {} = ?{}", f, i++);
    sql = fmt::format("UPDATE {} SET {} WHERE id = ?1", t.table, sets);
  }
  auto& st = Cached(sql);
  st.Bind(1, id).Bind(2, clear.dump());
  for (size_t i = 0; i < t.sealed.size(); ++i) {
    const std::string text = full.value(t.sealed[i], std::string());
    if (text.empty()) {
      st.BindNull(static_cast<int>(3 + i));
    } else {
      Bytes sealed = keyring_.Seal(text, {t.table, t.sealed[i], id});
      st.Bind(static_cast<int>(3 + i), std::span<const uint8_t>(sealed.data(), sealed.size()));
    }
  }
  return st.Run();
}

Result<json> SqliteStore::ReadSide(const SideTable& t, sqlite::Statement& st) const {
  const std::string id = st.Text(0);
  json full = json::parse(st.Text(1), nullptr, false);
  if (!full.is_object()) return Error::Corrupt(fmt::format("stored {} '{}': clear fields are not valid JSON", t.kind, id));
  full["id"] = id;
  for (size_t i = 0; i < t.sealed.size(); ++i) {
    const int col = static_cast<int>(2 + i);
    if (st.IsNull(col)) {
      full[t.sealed[i]] = "";
      continue;
    }
    DOSSIER_ASSIGN_OR_RETURN(std::string plain, keyring_.Open(st.Blob(col), {t.table, t.sealed[i], id}));
    full[t.sealed[i]] = plain;
  }
  return full;
}

Result<std::vector<json>> SqliteStore::SelectSide(const SideTable& t, const std::string& where,
                                                  const std::vector<std::string>& args, const std::string& tail,
                                                  std::optional<std::pair<int64_t, int64_t>> page) const {
  std::string cols = "id, data";
  for (const auto& f : t.sealed) cols += ", " + f;
  auto& st = Cached(fmt::format("SELECT {} FROM {} {} {}{}", cols, t.table, where, tail, page ? " LIMIT ? OFFSET ?" : ""));
  for (size_t i = 0; i < args.size(); ++i) st.Bind(static_cast<int>(i + 1), args[i]);
  if (page) st.Bind(static_cast<int>(args.size() + 1), page->first).Bind(static_cast<int>(args.size() + 2), page->second);
  std::vector<json> out;
  while (true) {
    DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    DOSSIER_ASSIGN_OR_RETURN(json full, ReadSide(t, st));
    out.push_back(std::move(full));
  }
  return out;
}

Status SqliteStore::AuditSide(const std::string& action, const SideTable& t, const std::string& id,
                              const ordered_json& before, const ordered_json& after) {
  DOSSIER_ASSIGN_OR_RETURN(Bytes digest, TableDigest(t.table, t.sealed, id));
  return AppendAuditEntry(action, t.kind, id, before, after, "", digest);
}

namespace {

Result<cases::Case> DecodeCase(const json& full) {
  auto c = cases::CaseFromJson(full, "stored case");
  if (!c.ok()) return Error::Corrupt(c.error().message);
  return c;
}

Result<cases::Transition> DecodeTransition(const json& full) {
  auto t = cases::TransitionFromJson(full, "stored transition");
  if (!t.ok()) return Error::Corrupt(t.error().message);
  t->id = full.value("id", "");
  auto from = cases::ParseStatus(full.value("from", ""));
  if (!from) return Error::Corrupt(fmt::format("stored transition '{}': field 'from' is not a status", t->id));
  t->from = *from;
  return t;
}

Result<cases::Intervention> DecodeIntervention(const json& full) {
  auto i = cases::InterventionFromJson(full, "stored intervention");
  if (!i.ok()) return Error::Corrupt(i.error().message);
  return i;
}

}  // namespace

Result<cases::Case> SqliteStore::GetCase(const std::string& id) const {
  DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectSide(kCaseTable, "WHERE id = ?", {id}, ""));
  if (rows.empty()) return Error::NotFound(fmt::format("case '{}' does not exist", id));
  return DecodeCase(rows[0]);
}

Result<Page<cases::Case>> SqliteStore::ListCases(size_t limit, size_t offset, const std::string& status) const {
  const std::string where = status.empty() ? "" : "WHERE status = ?";
  std::vector<std::string> args;
  if (!status.empty()) args.push_back(status);
  Page<cases::Case> page;
  auto& count = Cached(fmt::format("SELECT count(*) FROM cases {}", where));
  for (size_t i = 0; i < args.size(); ++i) count.Bind(static_cast<int>(i + 1), args[i]);
  DOSSIER_ASSIGN_OR_RETURN(bool crow, count.Step());
  page.total = crow ? static_cast<size_t>(count.Int(0)) : 0;
  count.Reset();
  DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectSide(kCaseTable, where, args, "ORDER BY id",
                                                 std::pair<int64_t, int64_t>(static_cast<int64_t>(limit),
                                                                             static_cast<int64_t>(offset))));
  for (const auto& r : rows) {
    DOSSIER_ASSIGN_OR_RETURN(cases::Case c, DecodeCase(r));
    page.items.push_back(std::move(c));
  }
  return page;
}

Result<std::string> SqliteStore::CreateCase(const cases::Case& input) {
  cases::Case c = input;
  if (c.id.empty()) c.id = NewPrefixedId("case-");
  if (SideExists(kCaseTable, c.id)) return Error::Conflict(fmt::format("case '{}' already exists", c.id));
  if (c.status != cases::CaseStatus::kReported) {
    return Error::Invalid(fmt::format("case '{}': field 'status': a new case starts as 'reported'; later statuses "
                                      "are recorded as transitions", c.id));
  }
  auto exists = [this](RecordKind k, std::string_view id) { return Exists(k, id); };
  auto officer = [this](std::string_view name) {
    auto u = GetUser(std::string(name));
    return u.ok() && !u->disabled && (u->role == "case_officer" || u->role == "administrator");
  };
  DOSSIER_RETURN_IF_ERROR(cases::ValidateCase(c, exists, officer, TodayDays()));
  ordered_json full = cases::ToJson(c);
  DOSSIER_RETURN_IF_ERROR(Transaction([&]() -> Status {
    DOSSIER_RETURN_IF_ERROR(WriteSide(kCaseTable, c.id, full, /*insert=*/true));
    return AuditSide("create", kCaseTable, c.id, nullptr, full);
  }));
  return c.id;
}

Status SqliteStore::UpdateCase(const cases::Case& c) {
  // Read, check and write under one write lock, so a transition made meanwhile by another
  // connection cannot be undone by this update.
  return Transaction([&]() -> Status { return UpdateCaseLocked(c); });
}

Status SqliteStore::UpdateCaseLocked(const cases::Case& c) {
  DOSSIER_ASSIGN_OR_RETURN(cases::Case before, GetCase(c.id));
  if (c.status != before.status) {
    return Error::Invalid(fmt::format("case '{}': field 'status': is '{}'; it changes only through a transition", c.id,
                                      cases::StatusName(before.status)));
  }
  auto exists = [this](RecordKind k, std::string_view id) { return Exists(k, id); };
  auto officer = [this](std::string_view name) {
    auto u = GetUser(std::string(name));
    return u.ok() && !u->disabled && (u->role == "case_officer" || u->role == "administrator");
  };
  DOSSIER_RETURN_IF_ERROR(cases::ValidateCase(c, exists, officer, TodayDays()));
  if (before == c) return Ok();
  ordered_json full = cases::ToJson(c);
  DOSSIER_RETURN_IF_ERROR(WriteSide(kCaseTable, c.id, full, /*insert=*/false));
  return AuditSide("update", kCaseTable, c.id, cases::ToJson(before), full);
}

Result<std::vector<cases::Transition>> SqliteStore::ListTransitions(const std::string& case_id) const {
  DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectSide(kTransitionTable, "WHERE case_id = ?", {case_id}, "ORDER BY rowid"));
  std::vector<cases::Transition> out;
  for (const auto& r : rows) {
    DOSSIER_ASSIGN_OR_RETURN(cases::Transition t, DecodeTransition(r));
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::string> SqliteStore::AddTransition(const cases::Transition& input) {
  // The case's current status is read under the write lock, so two connections cannot both
  // move the case from the same status.
  std::string id;
  DOSSIER_RETURN_IF_ERROR(Transaction([&]() -> Status {
    DOSSIER_ASSIGN_OR_RETURN(id, AddTransitionLocked(input));
    return Ok();
  }));
  return id;
}

Result<std::string> SqliteStore::AddTransitionLocked(const cases::Transition& input) {
  DOSSIER_ASSIGN_OR_RETURN(cases::Case before, GetCase(input.case_id));
  cases::Transition t = input;
  t.id = NewPrefixedId("ctr-");
  t.from = before.status;
  auto exists = [this](RecordKind k, std::string_view id) { return Exists(k, id); };
  DOSSIER_RETURN_IF_ERROR(cases::ValidateTransition(t, exists, TodayDays()));
  if (t.date.LatestDay() < before.opened.EarliestDay()) {
    return Error::Invalid(fmt::format("transition: field 'date': {} is before the case was opened ({})",
                                      t.date.ToString(), before.opened.ToString()));
  }
  DOSSIER_ASSIGN_OR_RETURN(auto previous, ListTransitions(t.case_id));
  if (!previous.empty() && t.date.LatestDay() < previous.back().date.EarliestDay()) {
    return Error::Invalid(fmt::format("transition: field 'date': {} is before the previous transition ({})",
                                      t.date.ToString(), previous.back().date.ToString()));
  }
  cases::Case after = before;
  after.status = t.to;
  ordered_json full = cases::ToJson(t);
  DOSSIER_RETURN_IF_ERROR(WriteSide(kTransitionTable, t.id, full, /*insert=*/true));
  DOSSIER_RETURN_IF_ERROR(AuditSide("create", kTransitionTable, t.id, nullptr, full));
  ordered_json case_full = cases::ToJson(after);
  DOSSIER_RETURN_IF_ERROR(WriteSide(kCaseTable, after.id, case_full, /*insert=*/false));
  DOSSIER_RETURN_IF_ERROR(AuditSide("transition", kCaseTable, after.id, cases::ToJson(before), case_full));
  return t.id;
}

Result<cases::Intervention> SqliteStore::GetIntervention(const std::string& id) const {
  DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectSide(kInterventionTable, "WHERE id = ?", {id}, ""));
  if (rows.empty()) return Error::NotFound(fmt::format("intervention '{}' does not exist", id));
  return DecodeIntervention(rows[0]);
}

Result<std::vector<cases::Intervention>> SqliteStore::ListInterventions(const std::string& case_id) const {
  DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectSide(kInterventionTable, "WHERE case_id = ?", {case_id}, "ORDER BY rowid"));
  std::vector<cases::Intervention> out;
  for (const auto& r : rows) {
    DOSSIER_ASSIGN_OR_RETURN(cases::Intervention i, DecodeIntervention(r));
    out.push_back(std::move(i));
  }
  return out;
}

Result<std::string> SqliteStore::AddIntervention(const cases::Intervention& input) {
  if (!SideExists(kCaseTable, input.case_id)) {
    return Error::NotFound(fmt::format("case '{}' does not exist", input.case_id));
  }
  cases::Intervention i = input;
  if (i.id.empty()) i.id = NewPrefixedId("civ-");
  if (SideExists(kInterventionTable, i.id)) return Error::Conflict(fmt::format("intervention '{}' already exists", i.id));
  auto exists = [this](RecordKind k, std::string_view id) { return Exists(k, id); };
  DOSSIER_RETURN_IF_ERROR(cases::ValidateIntervention(i, catalog_, exists, TodayDays()));
  ordered_json full = cases::ToJson(i);
  DOSSIER_RETURN_IF_ERROR(Transaction([&]() -> Status {
    DOSSIER_RETURN_IF_ERROR(WriteSide(kInterventionTable, i.id, full, /*insert=*/true));
    return AuditSide("create", kInterventionTable, i.id, nullptr, full);
  }));
  return i.id;
}

Status SqliteStore::UpdateIntervention(const cases::Intervention& i) {
  DOSSIER_ASSIGN_OR_RETURN(cases::Intervention before, GetIntervention(i.id));
  if (i.case_id != before.case_id) {
    return Error::Invalid(fmt::format("intervention '{}': field 'case_id': belongs to case '{}' and cannot move", i.id,
                                      before.case_id));
  }
  auto exists = [this](RecordKind k, std::string_view id) { return Exists(k, id); };
  DOSSIER_RETURN_IF_ERROR(cases::ValidateIntervention(i, catalog_, exists, TodayDays()));
  if (before == i) return Ok();
  ordered_json full = cases::ToJson(i);
  return Transaction([&]() -> Status {
    DOSSIER_RETURN_IF_ERROR(WriteSide(kInterventionTable, i.id, full, /*insert=*/false));
    return AuditSide("update", kInterventionTable, i.id, cases::ToJson(before), full);
  });
}

Status StoreWrappedKey(sqlite::Database& db, const crypto::WrappedKey& w) {
  auto st = db.Prepare(
      "INSERT INTO keyring(version, method, salt, opslimit, memlimit, nonce, ciphertext) VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!st.ok()) return st.error();
  st->Bind(1, static_cast<int64_t>(w.version)).Bind(2, w.method);
  st->Bind(3, std::span<const uint8_t>(w.salt.data(), w.salt.size()));
  st->Bind(4, static_cast<int64_t>(w.opslimit)).Bind(5, static_cast<int64_t>(w.memlimit));
  st->Bind(6, std::span<const uint8_t>(w.nonce.data(), w.nonce.size()));
  st->Bind(7, std::span<const uint8_t>(w.ciphertext.data(), w.ciphertext.size()));
  return st->Run();
}

Result<uint32_t> SqliteStore::RotateKey(const crypto::KeySource& key) {
  const uint32_t version = keyring_.current_version() + 1;
  crypto::SecretBytes fresh = crypto::SecretBytes::Random(32);
  DOSSIER_ASSIGN_OR_RETURN(crypto::WrappedKey w, crypto::WrapDataKey(fresh, version, key));
  // Check the caller holds the key that unlocked this database before adding a version under it.
  auto verify = db_.Prepare("SELECT version, method, salt, opslimit, memlimit, nonce, ciphertext FROM keyring "
                            "WHERE version = ? AND method = ?");
  if (!verify.ok()) return verify.error();
  verify->Bind(1, static_cast<int64_t>(keyring_.current_version())).Bind(2, w.method);
  DOSSIER_ASSIGN_OR_RETURN(bool row, verify->Step());
  if (!row) return Error::Unauthenticated("this database is not locked with that kind of key");
  crypto::WrappedKey current{static_cast<uint32_t>(verify->Int(0)), verify->Text(1), ToBytes(verify->Blob(2)),
                             static_cast<uint64_t>(verify->Int(3)), static_cast<uint64_t>(verify->Int(4)),
                             ToBytes(verify->Blob(5)), ToBytes(verify->Blob(6))};
  DOSSIER_RETURN_IF_ERROR(crypto::UnwrapDataKey(current, key));
  std::map<uint32_t, crypto::SecretBytes> keys;
  for (const auto& [v, k] : keyring_.data_keys()) keys.emplace(v, crypto::SecretBytes::Copy(k.span()));
  keys.emplace(version, std::move(fresh));
  DOSSIER_RETURN_IF_ERROR(Transaction([&]() -> Status {
    DOSSIER_RETURN_IF_ERROR(StoreWrappedKey(db_, w));
    return AppendAudit("rotate_key", nullptr, "", nullptr, nullptr, fmt::format("data key version {}", version));
  }));
  keyring_ = crypto::Keyring(std::move(keys));
  return version;
}

Status Migrate(sqlite::Database& db) {
  auto st = db.Prepare("PRAGMA user_version");
  if (!st.ok()) return st.error();
  DOSSIER_ASSIGN_OR_RETURN(bool row, st->Step());
  int version = row ? static_cast<int>(st->Int(0)) : 0;
  const int kSchemaVersion = static_cast<int>(Migrations().size());
  if (version > kSchemaVersion) {
    return Error::Conflict(fmt::format("the database has schema version {}, newer than this program ({}); "
                                       "upgrade Dossier", version, kSchemaVersion));
  }
  for (; version < kSchemaVersion; ++version) {
    DOSSIER_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    Status s = db.Exec(Migrations()[version]);
    if (s.ok()) s = db.Exec(fmt::format("PRAGMA user_version = {}", version + 1));
    if (s.ok()) s = db.Exec("COMMIT");
    if (!s.ok()) {
      (void)db.Exec("ROLLBACK");
      return Error::Io(fmt::format("migration to schema version {} failed: {}", version + 1, s.error().message));
    }
  }
  return Ok();
}

Status Configure(sqlite::Database& db) {
  DOSSIER_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode = WAL"));
  DOSSIER_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = NORMAL"));
  DOSSIER_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = ON"));
  // Freed pages are zeroed so deleted sealed values do not linger in the file.
  return db.Exec("PRAGMA secure_delete = ON");
}

// Reads and unwraps every data key with the method of `key`, from an already open connection.
Result<std::map<uint32_t, crypto::SecretBytes>> UnlockKeys(const sqlite::Database& db, const crypto::KeySource& key,
                                                           const std::string& path) {
  auto st = db.Prepare("SELECT version, method, salt, opslimit, memlimit, nonce, ciphertext FROM keyring ORDER BY version");
  if (!st.ok()) return Error::Invalid(fmt::format("'{}' is not a Dossier database", path));
  std::map<uint32_t, crypto::SecretBytes> keys;
  std::string other_method;
  while (true) {
    auto row = st->Step();
    if (!row.ok()) return Error::Invalid(fmt::format("'{}' is not a readable Dossier database: {}", path, row.error().message));
    if (!*row) break;
    crypto::WrappedKey w{static_cast<uint32_t>(st->Int(0)), st->Text(1), ToBytes(st->Blob(2)),
                         static_cast<uint64_t>(st->Int(3)), static_cast<uint64_t>(st->Int(4)), ToBytes(st->Blob(5)),
                         ToBytes(st->Blob(6))};
    const char* method = key.kind == crypto::KeySource::Kind::kKeyFile ? "keyfile" : "passphrase";
    if (w.method != method) {
      other_method = w.method;
      continue;
    }
    DOSSIER_ASSIGN_OR_RETURN(crypto::SecretBytes k, crypto::UnwrapDataKey(w, key));
    keys.emplace(w.version, std::move(k));
  }
  if (keys.empty()) {
    if (!other_method.empty()) {
      return Error::Unauthenticated(fmt::format("'{}' is locked with a {}; supply that instead", path, other_method));
    }
    return Error::Invalid(fmt::format("'{}' holds no keys: it is not an initialised Dossier database", path));
  }
  return keys;
}

}  // namespace sqlite_detail

using sqlite_detail::Configure;
using sqlite_detail::Migrate;
using sqlite_detail::SqliteStore;
using sqlite_detail::StoreWrappedKey;
using sqlite_detail::UnlockKeys;

Status InitSqliteDatabase(const std::string& path, const crypto::KeySource& key) {
  crypto::EnsureSodium();
  if (std::filesystem::exists(path)) return Error::Conflict(fmt::format("'{}' already exists; not overwriting it", path));
  crypto::SecretBytes data_key = crypto::SecretBytes::Random(32);
  DOSSIER_ASSIGN_OR_RETURN(crypto::WrappedKey wrapped, crypto::WrapDataKey(data_key, 1, key));
  Status s = [&]() -> Status {
    DOSSIER_ASSIGN_OR_RETURN(auto db, sqlite::Database::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
    ::chmod(path.c_str(), 0600);
    DOSSIER_RETURN_IF_ERROR(Configure(db));
    DOSSIER_RETURN_IF_ERROR(Migrate(db));
    return StoreWrappedKey(db, wrapped);
  }();
  if (!s.ok()) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
    return s;
  }
  return Ok();
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, const crypto::KeySource& key,
                                               const Catalog& catalog) {
  crypto::EnsureSodium();
  if (!std::filesystem::exists(path)) {
    return Error::NotFound(fmt::format("database '{}' does not exist; create it with `dossier init`", path));
  }
  {
    // Check the key on a read-only connection first, so a wrong key cannot change a byte.
    DOSSIER_ASSIGN_OR_RETURN(auto ro, sqlite::Database::Open(path, SQLITE_OPEN_READONLY));
    DOSSIER_RETURN_IF_ERROR(UnlockKeys(ro, key, path));
  }
  DOSSIER_ASSIGN_OR_RETURN(auto db, sqlite::Database::Open(path, SQLITE_OPEN_READWRITE));
  DOSSIER_RETURN_IF_ERROR(Configure(db));
  DOSSIER_RETURN_IF_ERROR(Migrate(db));
  DOSSIER_ASSIGN_OR_RETURN(auto keys, UnlockKeys(db, key, path));
  return std::unique_ptr<Store>(new SqliteStore(std::move(db), crypto::Keyring(std::move(keys)), catalog));
}

}  // namespace dossier
