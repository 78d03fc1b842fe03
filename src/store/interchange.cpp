#include "store/interchange.h"

#include <sodium.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "domain/codec.h"
#include "domain/csv.h"
#include "store/record_shape.h"

namespace dossier {

using nlohmann::json;
using nlohmann::ordered_json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kFormat = "dossier-interchange";
constexpr int kVersion = 1;
constexpr size_t kPage = 5000;

const char* CollectionName(RecordKind kind) { return ShapeOf(kind).table; }

// Pages through one kind of record in id order, calling `emit` with each record's JSON.
Status ForEachRecord(Store& store, RecordKind kind, const ExportOptions& options,
                     const std::function<Status(const ordered_json&)>& emit) {
  const crypto::Keyring& keys = store.keyring();
  auto pseudonymise = [&](ordered_json j) {
    if (options.full) return j;
    switch (kind) {
      case RecordKind::kPerson: {
        const std::string id = j["id"];
        j["names"] = ordered_json::array({{{"value", keys.Pseudonym("person", id)}, {"script", "latin"}, {"kind", "alias"}}});
        if (!j["birth_date"].is_null()) j["birth_date"] = j["birth_date"].get<std::string>().substr(0, 4) + "~";
        j["links"] = ordered_json::array();
        j["notes"] = "";
        break;
      }
      case RecordKind::kIncident: j["title"] = ""; j["description"] = ""; break;
      case RecordKind::kAct: j["notes"] = ""; break;
      case RecordKind::kSource: j["text"] = ""; j["contact"] = ""; break;
      case RecordKind::kInvolvement: break;
    }
    return j;
  };
  std::vector<ordered_json> all;
  for (size_t offset = 0;; offset += kPage) {
    ListQuery q;
    q.limit = kPage;
    q.offset = offset;
    size_t got = 0;
    switch (kind) {
      case RecordKind::kSource: { DOSSIER_ASSIGN_OR_RETURN(auto p, store.ListSources(q)); got = p.items.size(); for (auto& r : p.items) all.push_back(pseudonymise(ToJson(r))); break; }
      case RecordKind::kPerson: { DOSSIER_ASSIGN_OR_RETURN(auto p, store.ListPersons(q)); got = p.items.size(); for (auto& r : p.items) all.push_back(pseudonymise(ToJson(r))); break; }
      case RecordKind::kIncident: { DOSSIER_ASSIGN_OR_RETURN(auto p, store.ListIncidents(q)); got = p.items.size(); for (auto& r : p.items) all.push_back(pseudonymise(ToJson(r))); break; }
      case RecordKind::kAct: { DOSSIER_ASSIGN_OR_RETURN(auto p, store.ListActs(q)); got = p.items.size(); for (auto& r : p.items) all.push_back(pseudonymise(ToJson(r))); break; }
      case RecordKind::kInvolvement: { DOSSIER_ASSIGN_OR_RETURN(auto p, store.ListInvolvements(q)); got = p.items.size(); for (auto& r : p.items) all.push_back(pseudonymise(ToJson(r))); break; }
    }
    if (got < kPage) break;
  }
  std::sort(all.begin(), all.end(), [](const ordered_json& a, const ordered_json& b) {
    return a["id"].get_ref<const std::string&>() < b["id"].get_ref<const std::string&>();
  });
  for (const auto& j : all) DOSSIER_RETURN_IF_ERROR(emit(j));
  return Ok();
}

// Creates all decoded records in one transaction: sources, persons (links added once every
// person exists, since family links are often mutual), incidents, acts, involvements.
Result<ImportSummary> CreateAll(Store& store, const std::string& name, std::vector<Source>& sources,
                                std::vector<Person>& persons, std::vector<Incident>& incidents,
                                std::vector<Act>& acts, std::vector<Involvement>& involvements) {
  ImportSummary summary;
  auto where = [&](const char* coll, size_t i) { return fmt::format("{}: {}[{}]", name, coll, i); };
  auto prefix = [&](const Error& e, const std::string& w) { return Error{e.code, fmt::format("{}: {}", w, e.message)}; };
  Status s = store.Transaction([&]() -> Status {
    for (size_t i = 0; i < sources.size(); ++i) {
      if (auto r = store.Create(sources[i]); !r.ok()) return prefix(r.error(), where("sources", i));
    }
    for (size_t i = 0; i < persons.size(); ++i) {
      Person without_links = persons[i];
      without_links.links.clear();
      auto r = store.Create(without_links);
      if (!r.ok()) return prefix(r.error(), where("persons", i));
      persons[i].id = *r;
    }
    for (size_t i = 0; i < persons.size(); ++i) {
      if (persons[i].links.empty()) continue;
      if (auto r = store.Update(persons[i]); !r.ok()) return prefix(r.error(), where("persons", i));
    }
    for (size_t i = 0; i < incidents.size(); ++i) {
      if (auto r = store.Create(incidents[i]); !r.ok()) return prefix(r.error(), where("incidents", i));
    }
    for (size_t i = 0; i < acts.size(); ++i) {
      if (auto r = store.Create(acts[i]); !r.ok()) return prefix(r.error(), where("acts", i));
    }
    for (size_t i = 0; i < involvements.size(); ++i) {
      if (auto r = store.Create(involvements[i]); !r.ok()) return prefix(r.error(), where("involvements", i));
    }
    summary = {sources.size(), persons.size(), incidents.size(), acts.size(), involvements.size()};
    return store.RecordEvent("import", fmt::format("{}: {} records", fs::path(name).filename().string(), summary.total()));
  });
  if (!s.ok()) return s.error();
  return summary;
}

template <typename T, typename Decode>
Status DecodeCollection(const json& doc, const char* coll, const std::string& name, Decode decode, std::vector<T>& out) {
  if (!doc.contains(coll)) return Ok();
  if (!doc[coll].is_array()) return Error::Invalid(fmt::format("{}: '{}' must be a list", name, coll));
  const auto& arr = doc[coll];
  for (size_t i = 0; i < arr.size(); ++i) {
    DOSSIER_ASSIGN_OR_RETURN(T r, decode(arr[i], fmt::format("{}: {}[{}]", name, coll, i)));
    out.push_back(std::move(r));
  }
  return Ok();
}

}  // namespace

Status ExportJson(Store& store, std::ostream& out, const ExportOptions& options) {
  out << "{\n\"format\": \"" << kFormat << "\",\n\"version\": " << kVersion
      << ",\n\"pseudonymised\": " << (options.full ? "false" : "true");
  for (RecordKind kind : AllRecordKinds()) {
    out << ",\n\"" << CollectionName(kind) << "\": [";
    bool first = true;
    DOSSIER_RETURN_IF_ERROR(ForEachRecord(store, kind, options, [&](const ordered_json& j) -> Status {
      out << (first ? "\n" : ",\n") << j.dump();
      first = false;
      return Ok();
    }));
    out << (first ? "]" : "\n]");
  }
  out << "\n}\n";
  if (!out) return Error::Io("cannot write the export");
  return store.RecordEvent("export", options.full ? "json, full (identifiable)" : "json, pseudonymised");
}

Result<ImportSummary> ImportJson(Store& store, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Io(fmt::format("{}: cannot open", path));
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::parse_error& e) {
    return Error::Invalid(fmt::format("{}: not valid JSON (at byte {}): {}", path, e.byte, e.what()));
  }
  if (!doc.is_object() || doc.value("format", "") != kFormat) {
    return Error::Invalid(fmt::format("{}: not a Dossier interchange file (field 'format' must be \"{}\")", path, kFormat));
  }
  if (!doc.contains("version") || !doc["version"].is_number_integer() || doc["version"].get<int>() != kVersion) {
    return Error::Invalid(fmt::format("{}: field 'version': only version {} is supported", path, kVersion));
  }
  for (const auto& [key, value] : doc.items()) {
    bool known = key == "format" || key == "version" || key == "pseudonymised";
    for (RecordKind k : AllRecordKinds()) known = known || key == CollectionName(k);
    if (!known) return Error::Invalid(fmt::format("{}: unknown field '{}'", path, key));
  }
  std::vector<Source> sources;
  std::vector<Person> persons;
  std::vector<Incident> incidents;
  std::vector<Act> acts;
  std::vector<Involvement> involvements;
  DOSSIER_RETURN_IF_ERROR(DecodeCollection(doc, "sources", path, SourceFromJson, sources));
  DOSSIER_RETURN_IF_ERROR(DecodeCollection(doc, "persons", path, PersonFromJson, persons));
  DOSSIER_RETURN_IF_ERROR(DecodeCollection(doc, "incidents", path, IncidentFromJson, incidents));
  DOSSIER_RETURN_IF_ERROR(DecodeCollection(doc, "acts", path, ActFromJson, acts));
  DOSSIER_RETURN_IF_ERROR(DecodeCollection(doc, "involvements", path, InvolvementFromJson, involvements));
  return CreateAll(store, path, sources, persons, incidents, acts, involvements);
}

Status ExportCsv(Store& store, const std::string& dir, const ExportOptions& options) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error::Io(fmt::format("cannot create '{}': {}", dir, ec.message()));
  for (RecordKind kind : AllRecordKinds()) {
    const std::string path = (fs::path(dir) / (std::string(CollectionName(kind)) + ".csv")).string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return Error::Io(fmt::format("cannot write '{}'", path));
    bool header = false;
    DOSSIER_RETURN_IF_ERROR(ForEachRecord(store, kind, options, [&](const ordered_json& j) -> Status {
      std::vector<std::string> cells;
      if (!header) {
        for (const auto& [k, v] : j.items()) cells.push_back(k);
        out << CsvLine(cells);
        cells.clear();
        header = true;
      }
      for (const auto& [k, v] : j.items()) cells.push_back(v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump());
      out << CsvLine(cells);
      return Ok();
    }));
    if (!header) {
      // No records: still write the header, from an empty record's field order.
      ordered_json empty;
      switch (kind) {
        case RecordKind::kSource: empty = ToJson(Source{}); break;
        case RecordKind::kPerson: empty = ToJson(Person{}); break;
        case RecordKind::kIncident: empty = ToJson(Incident{}); break;
        case RecordKind::kAct: empty = ToJson(Act{}); break;
        case RecordKind::kInvolvement: empty = ToJson(Involvement{}); break;
      }
      std::vector<std::string> cells;
      for (const auto& [k, v] : empty.items()) cells.push_back(k);
      out << CsvLine(cells);
    }
    if (!out) return Error::Io(fmt::format("cannot write '{}'", path));
  }
  return store.RecordEvent("export", options.full ? "csv, full (identifiable)" : "csv, pseudonymised");
}

Result<ImportSummary> ImportCsv(Store& store, const std::string& dir) {
  // Which cells hold JSON rather than text, per field name (the same in every entity).
  auto cell_to_json = [](const std::string& field, const std::string& cell, const ordered_json& shape) -> Result<json> {
    const auto& proto = shape.at(field);
    // Date cells are text when present; an empty one means no date at all.
    const bool date = field == "birth_date" || field == "start" || field == "end" || field == "date";
    if (date && cell.empty()) return json(nullptr);
    if (proto.is_string()) return json(cell);
    if (cell.empty()) return json(nullptr);
    try {
      return json::parse(cell);
    } catch (const json::exception&) {
      return Error::Invalid(fmt::format("field '{}': the cell is not valid JSON: {}", field, cell));
    }
  };
  std::vector<Source> sources;
  std::vector<Person> persons;
  std::vector<Incident> incidents;
  std::vector<Act> acts;
  std::vector<Involvement> involvements;
  // Prototype records whose JSON tells which fields are text (dates and counts are JSON cells
  // holding text or objects; the codec accepts text for dates).
  Person proto_person;
  proto_person.birth_date = PartialDate::Year(2000);
  proto_person.group_size = ApproximateCount{};
  Incident proto_incident;
  proto_incident.end = PartialDate::Year(2000);
  proto_incident.victim_count = ApproximateCount{};
  Source proto_source;
  proto_source.date = PartialDate::Year(2000);
  bool any = false;
  for (RecordKind kind : AllRecordKinds()) {
    const std::string path = (fs::path(dir) / (std::string(CollectionName(kind)) + ".csv")).string();
    if (!fs::exists(path)) continue;
    any = true;
    DOSSIER_ASSIGN_OR_RETURN(CsvTable table, ReadCsvFile(path));
    ordered_json shape;
    switch (kind) {
      case RecordKind::kSource: shape = ToJson(proto_source); break;
      case RecordKind::kPerson: shape = ToJson(proto_person); break;
      case RecordKind::kIncident: shape = ToJson(proto_incident); break;
      case RecordKind::kAct: shape = ToJson(Act{}); break;
      case RecordKind::kInvolvement: shape = ToJson(Involvement{}); break;
    }
    for (size_t c = 0; c < table.header.size(); ++c) {
      if (!shape.contains(table.header[c])) {
        return Error::Invalid(fmt::format("{}: line 1: unknown column '{}'", path, table.header[c]));
      }
    }
    for (size_t r = 0; r < table.rows.size(); ++r) {
      const std::string where = fmt::format("{}: line {}", path, table.row_lines[r]);
      json j = json::object();
      for (size_t c = 0; c < table.header.size(); ++c) {
        auto v = cell_to_json(table.header[c], table.rows[r][c], shape);
        if (!v.ok()) return Error::Invalid(fmt::format("{}: {}", where, v.error().message));
        j[table.header[c]] = *v;
      }
      switch (kind) {
        case RecordKind::kSource: { DOSSIER_ASSIGN_OR_RETURN(auto x, SourceFromJson(j, where)); sources.push_back(std::move(x)); break; }
        case RecordKind::kPerson: { DOSSIER_ASSIGN_OR_RETURN(auto x, PersonFromJson(j, where)); persons.push_back(std::move(x)); break; }
        case RecordKind::kIncident: { DOSSIER_ASSIGN_OR_RETURN(auto x, IncidentFromJson(j, where)); incidents.push_back(std::move(x)); break; }
        case RecordKind::kAct: { DOSSIER_ASSIGN_OR_RETURN(auto x, ActFromJson(j, where)); acts.push_back(std::move(x)); break; }
        case RecordKind::kInvolvement: { DOSSIER_ASSIGN_OR_RETURN(auto x, InvolvementFromJson(j, where)); involvements.push_back(std::move(x)); break; }
      }
    }
  }
  if (!any) return Error::Invalid(fmt::format("{}: no entity CSV files (sources.csv, persons.csv, ...) found", dir));
  return CreateAll(store, dir, sources, persons, incidents, acts, involvements);
}

}  // namespace dossier
