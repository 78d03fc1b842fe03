// Person summaries: the few fields that lists and search hits show, read straight from the
// columns (SQLite extracts the clear fields; only the names and birth date are opened), so that a
// page of search hits or a scan of a million persons does not decode whole records.
#include <fmt/format.h>

#include "store/sqlite_store.h"

namespace dossier::sqlite_detail {

namespace {

constexpr const char* kSummaryColumns =
    "id, json_object('sex', json_extract(data, '$.sex'), 'origin', json_extract(data, '$.origin'), "
    "'sensitivity', json_extract(data, '$.sensitivity')), names, birth_date";

// Ids per IN (...) statement: few distinct statements to cache, well under SQLite's limits.
constexpr size_t kIdsPerQuery = 32;

}  // namespace

Result<std::vector<Person>> SqliteStore::ReadPersonSummaries(sqlite::Statement& st) const {
  std::vector<Person> out;
  while (true) {
    DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    const std::string id = st.Text(0);
    const std::string where = fmt::format("stored person '{}'", id);
    json summary = json::parse(st.Text(1), nullptr, false);
    if (!summary.is_object()) return Error::Corrupt(fmt::format("{}: clear fields are not valid JSON", where));
    for (const char* field : {"sex", "origin", "sensitivity"}) {
      if (summary[field].is_null()) summary.erase(field);
    }
    summary["id"] = id;
    int col = 2;
    for (const char* field : {"names", "birth_date"}) {
      if (!st.IsNull(col)) {
        DOSSIER_ASSIGN_OR_RETURN(std::string plain, keyring_.Open(st.Blob(col), {"persons", field, id}));
        summary[field] = json::parse(plain, nullptr, false);
        if (summary[field].is_discarded()) return Error::Corrupt(fmt::format("{}: field '{}' is not valid JSON", where, field));
      }
      ++col;
    }
    auto person = PersonFromJson(summary, where);
    if (!person.ok()) return Error::Corrupt(person.error().message);
    out.push_back(std::move(*person));
  }
  return out;
}

Result<std::vector<Person>> SqliteStore::GetPersonSummaries(const std::vector<std::string>& ids) const {
  std::vector<Person> found;
  for (size_t start = 0; start < ids.size(); start += kIdsPerQuery) {
    const size_t n = std::min(kIdsPerQuery, ids.size() - start);
    std::string marks = "?";
    for (size_t i = 1; i < n; ++i) marks += ", ?";
    auto& st = Cached(fmt::format("SELECT {} FROM persons WHERE id IN ({})", kSummaryColumns, marks));
    for (size_t i = 0; i < n; ++i) st.Bind(static_cast<int>(i + 1), ids[start + i]);
    DOSSIER_ASSIGN_OR_RETURN(auto batch, ReadPersonSummaries(st));
    for (auto& p : batch) found.push_back(std::move(p));
  }
  // Back into the order asked for (IN returns rows in index order).
  std::vector<Person> out;
  out.reserve(found.size());
  for (const auto& id : ids) {
    for (auto& p : found) {
      if (p.id == id && !p.id.empty()) {
        out.push_back(std::move(p));
        p.id.clear();  // taken; a repeated id in `ids` is returned once
        break;
      }
    }
  }
  return out;
}

Result<std::vector<Person>> SqliteStore::ScanPersonSummaries(const std::string& after_id, size_t limit) const {
  auto& st = Cached(fmt::format("SELECT {} FROM persons WHERE id > ? ORDER BY id LIMIT ?", kSummaryColumns));
  st.Bind(1, after_id).Bind(2, static_cast<int64_t>(limit));
  return ReadPersonSummaries(st);
}

}  // namespace dossier::sqlite_detail
