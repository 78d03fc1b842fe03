// SQLite backend: the evidence table (what is known about each file in the vault) and the chain
// of custody, which is the audit trail of kind "evidence" (docs/evidence.md).
#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "store/sqlite_store.h"

namespace dossier {

namespace {

bool IsHexDigest(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

template <size_t N>
bool OneOf(const std::string& v, const char* const (&list)[N]) {
  return std::any_of(std::begin(list), std::end(list), [&](const char* x) { return v == x; });
}

template <size_t N>
std::string Listed(const char* const (&list)[N]) {
  std::string out;
  for (const char* x : list) out += (out.empty() ? "" : ", ") + std::string(x);
  return out;
}

}  // namespace

Status ValidateEvidenceMetadata(const EvidenceItem& e) {
  const std::string who = e.sha256.empty() ? "evidence" : fmt::format("evidence {}", e.sha256);
  if (e.source_id.empty()) return Error::Invalid(fmt::format("{}: field 'source_id': is required", who));
  static const std::regex kMediaType(R"([a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62})");
  if (!std::regex_match(e.media_type, kMediaType)) {
    return Error::Invalid(fmt::format("{}: field 'media_type': expected a media type such as audio/mpeg (lower case, "
                                      "no parameters)", who));
  }
  if (!OneOf(e.method, kEvidenceMethods)) {
    return Error::Invalid(fmt::format("{}: field 'method': expected one of {}", who, Listed(kEvidenceMethods)));
  }
  static const std::regex kWhen(
      R"(\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?)");
  if (!e.acquired_at.empty() && !std::regex_match(e.acquired_at, kWhen)) {
    return Error::Invalid(fmt::format("{}: field 'acquired_at': expected YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 "
                                      "date-time such as 2012-02-14T09:30Z", who));
  }
  if (e.filename.size() > 255 || e.filename.find_first_of(std::string("/\\\0", 3)) != std::string::npos) {
    return Error::Invalid(fmt::format("{}: field 'filename': at most 255 bytes, without / \\ or NUL", who));
  }
  if (e.acquired_by.size() > 1000) return Error::Invalid(fmt::format("{}: field 'acquired_by': at most 1000 bytes", who));
  if (e.acquired_from.size() > 2000) return Error::Invalid(fmt::format("{}: field 'acquired_from': at most 2000 bytes", who));
  if (e.derived_from.empty() != e.derivation.empty()) {
    return Error::Invalid(fmt::format("{}: field '{}': a working copy names both its original (derived_from) and the "
                                      "kind of derivation", who, e.derived_from.empty() ? "derived_from" : "derivation"));
  }
  if (!e.derived_from.empty() && !IsHexDigest(e.derived_from)) {
    return Error::Invalid(fmt::format("{}: field 'derived_from': expected the SHA-256 (64 lower-case hex digits) of the "
                                      "original", who));
  }
  if (!e.derivation.empty() && !OneOf(e.derivation, kEvidenceDerivations)) {
    return Error::Invalid(fmt::format("{}: field 'derivation': expected one of {}", who, Listed(kEvidenceDerivations)));
  }
  return Ok();
}

namespace sqlite_detail {

namespace {

constexpr const char* kColumns = "id, data, filename, acquired_by, acquired_from";

ordered_json ClearFields(const EvidenceItem& e) {
  ordered_json j = {{"source_id", e.source_id}, {"size", e.size},           {"media_type", e.media_type},
                    {"method", e.method},       {"acquired_at", e.acquired_at}, {"added_at", e.added_at},
                    {"added_by", e.added_by}};
  // Absent, not empty, for an original: the column is a foreign key.
  if (!e.derived_from.empty()) {
    j["derived_from"] = e.derived_from;
    j["derivation"] = e.derivation;
  }
  return j;
}

}  // namespace

Result<std::string> SqliteStore::EvidenceVaultPath() const {
  const char* file = sqlite3_db_filename(db_.get(), "main");
  if (!file || !*file) return Error::Invalid("this database has no file, so no evidence vault beside it");
  return std::string(file) + ".vault";
}

Status SqliteStore::AddEvidence(const EvidenceItem& input, const crypto::SecretBytes& file_key) {
  DOSSIER_RETURN_IF_ERROR(ValidateEvidenceMetadata(input));
  if (!IsHexDigest(input.sha256)) return Error::Invalid("evidence: field 'sha256': expected 64 lower-case hex digits");
  if (input.size <= 0) {
    return Error::Invalid(fmt::format("evidence {}: the file is empty; an empty file is not kept as evidence", input.sha256));
  }
  if (file_key.size() != crypto_secretstream_xchacha20poly1305_KEYBYTES) {
    return Error::Internal("evidence: a file key must be 32 bytes");
  }
  EvidenceItem e = input;
  e.added_at = NowUtc();
  e.added_by = actor_;
  const std::string& id = e.sha256;
  return Transaction([&]() -> Status {
    if (!Exists(RecordKind::kSource, e.source_id)) {
      return Error::NotFound(fmt::format("evidence {}: field 'source_id': source '{}' does not exist", id, e.source_id));
    }
    if (SideExists(kEvidenceTable, id)) {
      auto existing = GetEvidence(id);
      return Error::Conflict(fmt::format("evidence {}: this file is already in the vault (attached to source '{}')", id,
                                         existing.ok() ? existing->source_id : "?"));
    }
    if (!e.derived_from.empty() && !SideExists(kEvidenceTable, e.derived_from)) {
      return Error::NotFound(fmt::format("evidence {}: field 'derived_from': no evidence {} in the vault", id, e.derived_from));
    }
    auto& st = Cached("INSERT INTO evidence(id, data, filename, acquired_by, acquired_from, file_key) VALUES (?, ?, ?, ?, ?, ?)");
    st.Bind(1, id).Bind(2, ClearFields(e).dump());
    const std::string* sealed[] = {&e.filename, &e.acquired_by, &e.acquired_from};
    for (int i = 0; i < 3; ++i) {
      if (sealed[i]->empty()) {
        st.BindNull(3 + i);
      } else {
        Bytes b = keyring_.Seal(*sealed[i], {"evidence", kEvidenceTable.sealed[static_cast<size_t>(i)], id});
        st.Bind(3 + i, std::span<const uint8_t>(b.data(), b.size()));
      }
    }
    Bytes key = keyring_.Seal(
        std::string_view(reinterpret_cast<const char*>(file_key.data()), file_key.size()), {"evidence", "file_key", id});
    st.Bind(6, std::span<const uint8_t>(key.data(), key.size()));
    DOSSIER_RETURN_IF_ERROR(st.Run());
    ordered_json after = ClearFields(e);
    after["filename"] = e.filename;
    after["acquired_by"] = e.acquired_by;
    after["acquired_from"] = e.acquired_from;
    DOSSIER_RETURN_IF_ERROR(AuditSide(e.derived_from.empty() ? "acquire" : "derive", kEvidenceTable, id, nullptr, after));
    if (e.derived_from.empty()) return Ok();
    DOSSIER_ASSIGN_OR_RETURN(Bytes digest, TableDigest(kEvidenceTable.table, kEvidenceTable.sealed, e.derived_from));
    return AppendAuditEntry("evidence_copy", kEvidenceTable.kind, e.derived_from, ordered_json::object(),
                            {{"event", fmt::format("working copy {} ({})", id, e.derivation)}}, "", digest);
  });
}

Result<EvidenceItem> SqliteStore::GetEvidence(const std::string& sha256) const {
  auto& st = Cached(fmt::format("SELECT {} FROM evidence WHERE id = ?", kColumns));
  st.Bind(1, sha256);
  DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Error::NotFound(fmt::format("evidence {} is not in the vault", sha256));
  auto decode = [&]() -> Result<EvidenceItem> {
    EvidenceItem e;
    e.sha256 = st.Text(0);
    json d = json::parse(st.Text(1), nullptr, false);
    if (!d.is_object()) return Error::Corrupt(fmt::format("stored evidence {}: clear fields are not valid JSON", e.sha256));
    e.source_id = d.value("source_id", "");
    e.size = d.value("size", int64_t{0});
    e.media_type = d.value("media_type", "");
    e.method = d.value("method", "");
    e.acquired_at = d.value("acquired_at", "");
    e.added_at = d.value("added_at", "");
    e.added_by = d.value("added_by", "");
    e.derived_from = d.value("derived_from", "");
    e.derivation = d.value("derivation", "");
    std::string* sealed[] = {&e.filename, &e.acquired_by, &e.acquired_from};
    for (int i = 0; i < 3; ++i) {
      if (st.IsNull(2 + i)) continue;
      DOSSIER_ASSIGN_OR_RETURN(*sealed[i], keyring_.Open(st.Blob(2 + i), {"evidence", kEvidenceTable.sealed[static_cast<size_t>(i)], e.sha256}));
    }
    return e;
  };
  return decode();
}

Result<crypto::SecretBytes> SqliteStore::EvidenceKey(const std::string& sha256) const {
  auto& st = Cached("SELECT file_key FROM evidence WHERE id = ?");
  st.Bind(1, sha256);
  DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Error::NotFound(fmt::format("evidence {} is not in the vault", sha256));
  DOSSIER_ASSIGN_OR_RETURN(std::string key, keyring_.Open(st.Blob(0), {"evidence", "file_key", sha256}));
  auto out = crypto::SecretBytes::Copy({reinterpret_cast<const uint8_t*>(key.data()), key.size()});
  sodium_memzero(key.data(), key.size());
  return out;
}

Result<Page<EvidenceItem>> SqliteStore::ListEvidence(const std::string& source_id, size_t limit, size_t offset) const {
  const std::string where = source_id.empty() ? "" : "WHERE source_id = ?";
  Page<EvidenceItem> page;
  auto& count = Cached(fmt::format("SELECT count(*) FROM evidence {}", where));
  if (!source_id.empty()) count.Bind(1, source_id);
  DOSSIER_ASSIGN_OR_RETURN(bool crow, count.Step());
  page.total = crow ? static_cast<size_t>(count.Int(0)) : 0;
  count.Reset();
  auto& st = Cached(fmt::format("SELECT id FROM evidence {} ORDER BY rowid LIMIT ? OFFSET ?", where));
  const int first = source_id.empty() ? 1 : 2;
  if (!source_id.empty()) st.Bind(1, source_id);
  st.Bind(first, static_cast<int64_t>(limit)).Bind(first + 1, static_cast<int64_t>(offset));
  std::vector<std::string> ids;
  while (true) {
    DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ids.push_back(st.Text(0));
  }
  st.Reset();
  for (const auto& id : ids) {
    DOSSIER_ASSIGN_OR_RETURN(EvidenceItem e, GetEvidence(id));
    page.items.push_back(std::move(e));
  }
  return page;
}

Status SqliteStore::RecordCustody(const std::string& sha256, const std::string& action, const std::string& details) {
  if (!action.starts_with("evidence_")) return Error::Internal("custody actions are named evidence_<what>");
  return Transaction([&]() -> Status {
    if (!SideExists(kEvidenceTable, sha256)) return Error::NotFound(fmt::format("evidence {} is not in the vault", sha256));
    DOSSIER_ASSIGN_OR_RETURN(Bytes digest, TableDigest(kEvidenceTable.table, kEvidenceTable.sealed, sha256));
    return AppendAuditEntry(action, kEvidenceTable.kind, sha256, ordered_json::object(), {{"event", details}}, "", digest);
  });
}

Result<std::vector<AuditEntry>> SqliteStore::CustodyLog(const std::string& sha256) const {
  auto& st = Cached(
      "SELECT seq, at, actor, action, kind, record_id, fields, changes FROM audit WHERE kind = ? AND record_id = ? "
      "ORDER BY seq");
  st.Bind(1, kEvidenceTable.kind).Bind(2, sha256);
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

}  // namespace sqlite_detail
}  // namespace dossier
