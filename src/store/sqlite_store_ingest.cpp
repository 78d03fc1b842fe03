// SQLite backend, ingestion and full-text search: the candidates a documenter decides on, and the
// FTS5 index of source titles and texts. The index holds, for each token of text_search.h, the
// first 8 bytes of a keyed HMAC (Keyring::BlindIndex, purpose "fts") in hex: without the key the
// index says how often tokens recur and which occur together, not what they are.
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "domain/codec.h"
#include "evidence/text_search.h"
#include "store/sqlite_store.h"

namespace dossier::sqlite_detail {

namespace {

constexpr size_t kTokenBytes = 8;

const std::set<std::string>& CandidateKinds() {
  static const std::set<std::string> kKinds = {"place", "date", "count", "organisation", "incident_type", "person"};
  return kKinds;
}

ordered_json CandidateJson(const SourceCandidate& c) {
  return {{"id", c.id},           {"source_id", c.source_id}, {"kind", c.kind},           {"begin", c.begin},
          {"end", c.end},         {"quote", c.quote},         {"value", c.value},         {"key", c.key},
          {"note", c.note},       {"qualifier", c.qualifier}, {"confidence", c.confidence}, {"status", c.status},
          {"decided_by", c.decided_by}, {"decided_at", c.decided_at}};
}

Result<SourceCandidate> CandidateFromJson(const json& j) {
  try {
    SourceCandidate c;
    c.id = j.at("id").get<std::string>();
    c.source_id = j.at("source_id").get<std::string>();
    c.kind = j.at("kind").get<std::string>();
    c.begin = j.at("begin").get<int64_t>();
    c.end = j.at("end").get<int64_t>();
    c.quote = j.value("quote", "");
    c.value = j.value("value", "");
    c.key = j.value("key", "");
    c.note = j.value("note", "");
    c.qualifier = j.value("qualifier", "");
    c.confidence = j.at("confidence").get<double>();
    c.status = j.at("status").get<std::string>();
    c.decided_by = j.value("decided_by", "");
    c.decided_at = j.value("decided_at", "");
    return c;
  } catch (const json::exception&) {
    return Error::Corrupt(fmt::format("stored source candidate '{}' is malformed", j.value("id", "?")));
  }
}

}  // namespace

Status SqliteStore::IndexSourceText(const std::string& id, const ordered_json& full) {
  const std::string title = full.value("title", std::string());
  const ordered_json& text_json = full.contains("text") ? full["text"] : ordered_json();
  const std::string text = text_json.is_string() ? text_json.get<std::string>() : "";
  const evidence::IndexTokens tokens = evidence::TokeniseForIndex(title + "\n" + text);
  std::unordered_map<std::string, std::string> hashed;
  auto hash_all = [&](const std::vector<std::string>& list) {
    std::string out;
    out.reserve(list.size() * (2 * kTokenBytes + 1));
    for (const auto& t : list) {
      auto it = hashed.find(t);
      if (it == hashed.end()) {
        const Bytes mac = keyring_.BlindIndex("fts", t);
        it = hashed.emplace(t, fmt::format("{:02x}", fmt::join(mac.begin(), mac.begin() + kTokenBytes, ""))).first;
      }
      if (!out.empty()) out += ' ';
      out += it->second;
    }
    return out;
  };
  const std::string words = hash_all(tokens.words), chars = hash_all(tokens.chars);
  auto& find = Cached("SELECT id FROM source_search WHERE source_id = ?");
  find.Bind(1, id);
  DOSSIER_ASSIGN_OR_RETURN(bool row, find.Step());
  int64_t rowid = row ? find.Int(0) : 0;
  find.Reset();
  if (row) {
    DOSSIER_RETURN_IF_ERROR(Cached("DELETE FROM source_fts WHERE rowid = ?").Bind(1, rowid).Run());
  } else {
    DOSSIER_RETURN_IF_ERROR(Cached("INSERT INTO source_search(source_id) VALUES (?)").Bind(1, id).Run());
    rowid = sqlite3_last_insert_rowid(db_.get());
  }
  auto& ins = Cached("INSERT INTO source_fts(rowid, words, chars) VALUES (?, ?, ?)");
  return ins.Bind(1, rowid).Bind(2, words).Bind(3, chars).Run();
}

Status SqliteStore::ForgetSource(const std::string& id) {
  auto& find = Cached("SELECT id FROM source_search WHERE source_id = ?");
  find.Bind(1, id);
  DOSSIER_ASSIGN_OR_RETURN(bool row, find.Step());
  const int64_t rowid = row ? find.Int(0) : 0;
  find.Reset();
  if (row) {
    DOSSIER_RETURN_IF_ERROR(Cached("DELETE FROM source_fts WHERE rowid = ?").Bind(1, rowid).Run());
    DOSSIER_RETURN_IF_ERROR(Cached("DELETE FROM source_search WHERE id = ?").Bind(1, rowid).Run());
  }
  // Candidates are proposals read from this source's text: they go with it, each deletion audited.
  DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectSide(kSourceCandidateTable, "WHERE source_id = ?", {id}, "ORDER BY id"));
  for (const auto& r : rows) {
    const std::string cid = r.value("id", "");
    DOSSIER_RETURN_IF_ERROR(Cached("DELETE FROM source_candidates WHERE id = ?").Bind(1, cid).Run());
    DOSSIER_RETURN_IF_ERROR(AuditSide("delete", kSourceCandidateTable, cid, ordered_json(r), nullptr));
  }
  return Ok();
}

Result<int64_t> SqliteStore::IndexUnindexedSources() {
  std::vector<std::string> ids;
  {
    auto& st = Cached("SELECT id FROM sources WHERE id NOT IN (SELECT source_id FROM source_search) ORDER BY id");
    while (true) {
      DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      ids.push_back(st.Text(0));
    }
    st.Reset();
  }
  if (ids.empty()) return int64_t{0};
  DOSSIER_RETURN_IF_ERROR(Transaction([&]() -> Status {
    for (const auto& id : ids) {
      DOSSIER_ASSIGN_OR_RETURN(Source s, GetSource(id));
      DOSSIER_RETURN_IF_ERROR(IndexSourceText(id, ToJson(s)));
    }
    return Ok();
  }));
  return static_cast<int64_t>(ids.size());
}

Result<Page<SourceHit>> SqliteStore::SearchSources(const std::string& query, bool include_restricted, size_t limit,
                                                   size_t offset) const {
  const auto terms = evidence::TokeniseQuery(query);
  if (terms.empty()) return Error::Invalid("search: field 'q': holds no letter or digit to search for");
  std::string match;
  for (const auto& t : terms) {
    std::string phrase;
    for (const auto& tok : t.phrase) {
      const Bytes mac = keyring_.BlindIndex("fts", tok);
      phrase += fmt::format("{}{:02x}", phrase.empty() ? "" : " ", fmt::join(mac.begin(), mac.begin() + kTokenBytes, ""));
    }
    match += fmt::format("{}{} : \"{}\"", match.empty() ? "" : " AND ", t.chars ? "chars" : "words", phrase);
  }
  const std::string where =
      std::string("FROM source_fts JOIN source_search m ON m.id = source_fts.rowid JOIN sources s ON s.id = m.source_id "
                  "WHERE source_fts MATCH ?") +
      (include_restricted ? "" : " AND coalesce(json_extract(s.data, '$.sensitivity'), '') != 'restricted'");
  Page<SourceHit> page;
  auto& count = Cached("SELECT count(*) " + where);
  count.Bind(1, match);
  DOSSIER_ASSIGN_OR_RETURN(bool crow, count.Step());
  page.total = crow ? static_cast<size_t>(count.Int(0)) : 0;
  count.Reset();
  auto& st = Cached("SELECT m.source_id, source_fts.rank " + where + " ORDER BY source_fts.rank, m.source_id LIMIT ? OFFSET ?");
  st.Bind(1, match).Bind(2, static_cast<int64_t>(limit)).Bind(3, static_cast<int64_t>(offset));
  while (true) {
    DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    page.items.push_back({st.Text(0), -sqlite3_column_double(st.raw(), 1)});
  }
  return page;
}

Status SqliteStore::AddSourceCandidates(std::vector<SourceCandidate>& candidates) {
  for (size_t i = 0; i < candidates.size(); ++i) {
    const SourceCandidate& c = candidates[i];
    const std::string where = fmt::format("candidate {}", i);
    if (!CandidateKinds().count(c.kind)) return Error::Invalid(fmt::format("{}: field 'kind': unknown kind '{}'", where, c.kind));
    if (c.begin < 0 || c.end < c.begin) return Error::Invalid(fmt::format("{}: field 'end': the span is empty or reversed", where));
    if (c.confidence < 0 || c.confidence > 1) return Error::Invalid(fmt::format("{}: field 'confidence': must be from 0 to 1", where));
    if (!Exists(RecordKind::kSource, c.source_id)) {
      return Error::NotFound(fmt::format("{}: field 'source_id': source '{}' does not exist", where, c.source_id));
    }
  }
  return Transaction([&]() -> Status {
    for (auto& c : candidates) {
      c.id = NewPrefixedId("cand-");
      c.status = "pending";
      c.decided_by.clear();
      c.decided_at.clear();
      const ordered_json full = CandidateJson(c);
      DOSSIER_RETURN_IF_ERROR(WriteSide(kSourceCandidateTable, c.id, full, /*insert=*/true));
      DOSSIER_RETURN_IF_ERROR(AuditSide("create", kSourceCandidateTable, c.id, nullptr, full));
    }
    return Ok();
  });
}

Result<SourceCandidate> SqliteStore::GetSourceCandidate(const std::string& id) const {
  DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectSide(kSourceCandidateTable, "WHERE id = ?", {id}, ""));
  if (rows.empty()) return Error::NotFound(fmt::format("candidate '{}' does not exist", id));
  return CandidateFromJson(rows[0]);
}

Result<Page<SourceCandidate>> SqliteStore::ListSourceCandidates(const std::string& source_id, const std::string& status,
                                                                size_t limit, size_t offset) const {
  std::vector<std::string> conds, args;
  if (!source_id.empty()) conds.push_back("source_id = ?"), args.push_back(source_id);
  if (!status.empty()) conds.push_back("status = ?"), args.push_back(status);
  std::string where;
  for (size_t i = 0; i < conds.size(); ++i) where += (i ? " AND " : "WHERE ") + conds[i];
  Page<SourceCandidate> page;
  auto& count = Cached("SELECT count(*) FROM source_candidates " + where);
  for (size_t i = 0; i < args.size(); ++i) count.Bind(static_cast<int>(i + 1), args[i]);
  DOSSIER_ASSIGN_OR_RETURN(bool crow, count.Step());
  page.total = crow ? static_cast<size_t>(count.Int(0)) : 0;
  count.Reset();
  DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectSide(kSourceCandidateTable, where, args, "ORDER BY source_id, position, id",
                                                 std::pair<int64_t, int64_t>(static_cast<int64_t>(limit),
                                                                             static_cast<int64_t>(offset))));
  for (const auto& r : rows) {
    DOSSIER_ASSIGN_OR_RETURN(SourceCandidate c, CandidateFromJson(r));
    page.items.push_back(std::move(c));
  }
  return page;
}

Status SqliteStore::DecideSourceCandidate(const std::string& id, bool confirm) {
  // Read and write under one write lock, so two documenters cannot both decide the same candidate.
  return Transaction([&]() -> Status {
    DOSSIER_ASSIGN_OR_RETURN(SourceCandidate before, GetSourceCandidate(id));
    if (before.status != "pending") {
      return Error::Conflict(fmt::format("candidate '{}' was already {} by {} at {}", id, before.status,
                                         before.decided_by, before.decided_at));
    }
    SourceCandidate after = before;
    after.status = confirm ? "confirmed" : "rejected";
    after.decided_by = actor_;
    after.decided_at = NowUtc();
    const ordered_json full = CandidateJson(after);
    DOSSIER_RETURN_IF_ERROR(WriteSide(kSourceCandidateTable, id, full, /*insert=*/false));
    return AuditSide(confirm ? "confirm" : "reject", kSourceCandidateTable, id, CandidateJson(before), full);
  });
}

}  // namespace dossier::sqlite_detail
