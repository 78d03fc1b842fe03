#include "linkage/tabular.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

namespace dossier::linkage {
namespace {

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Parses CSV text into rows; each row remembers its line number.
Result<std::vector<std::pair<size_t, std::vector<std::string>>>> ParseCsv(const std::string& path, const std::string& text) {
  std::vector<std::pair<size_t, std::vector<std::string>>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, in_quotes = false, any = false;
  size_t line = 1, row_line = 1;
  auto end_field = [&] {
    row.push_back(quoted ? field : Trim(field));
    field.clear();
    quoted = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') { field.push_back('"'); ++i; }
        else in_quotes = false;
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && Trim(field).empty()) { field.clear(); in_quotes = true; quoted = true; any = true; continue; }
    if (c == ',') { end_field(); any = true; continue; }
    if (c == '\r') continue;
    if (c == '\n') {
      if (any || !field.empty()) { end_field(); rows.emplace_back(row_line, std::move(row)); }
      row.clear(); any = false; ++line; row_line = line;
      continue;
    }
    if (quoted) return Error::Invalid(path + ":" + std::to_string(line) + ": text after a closing quote");
    field.push_back(c);
    any = true;
  }
  if (in_quotes) return Error::Invalid(path + ":" + std::to_string(row_line) + ": unterminated quoted field");
  if (any || !field.empty()) { end_field(); rows.emplace_back(row_line, std::move(row)); }
  return rows;
}

Result<std::string> GetString(const nlohmann::json& j, const char* key, const std::string& path) {
  if (!j.contains(key)) return std::string();
  if (!j[key].is_string()) return Error::Invalid(path + ": '" + key + "' must be a string");
  return j[key].get<std::string>();
}

}  // namespace

Result<FileConfig> LoadFileConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::Io("cannot open config " + path);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error::Invalid(path + ": not a JSON object");
  static const char* kKeys[] = {"id", "names", "birth_date", "sex", "origin", "attributes", "blocking", "mode",
                                "name_mode", "match_probability", "review_probability", "min_link_fraction",
                                "truth", "max_block_size", "threads", "description"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::find(std::begin(kKeys), std::end(kKeys), it.key()) == std::end(kKeys))
      return Error::Invalid(path + ": unknown key '" + it.key() + "'");
  FileConfig c;
  DOSSIER_ASSIGN_OR_RETURN(c.id_column, GetString(j, "id", path));
  if (c.id_column.empty()) return Error::Invalid(path + ": 'id' (the record id column) is required");
  if (!j.contains("names") || !j["names"].is_array() || j["names"].empty())
    return Error::Invalid(path + ": 'names' must be a non-empty array");
  for (const auto& n : j["names"]) {
    if (!n.is_object()) return Error::Invalid(path + ": each of 'names' must be an object");
    FileConfig::NameColumns nc;
    DOSSIER_ASSIGN_OR_RETURN(nc.full, GetString(n, "full", path));
    DOSSIER_ASSIGN_OR_RETURN(nc.family, GetString(n, "family", path));
    DOSSIER_ASSIGN_OR_RETURN(nc.given, GetString(n, "given", path));
    if (nc.full.empty() == (nc.family.empty() && nc.given.empty()))
      return Error::Invalid(path + ": a name needs either 'full' or 'family'/'given' columns");
    c.names.push_back(nc);
  }
  if (j.contains("birth_date")) {
    const auto& b = j["birth_date"];
    if (!b.is_object()) return Error::Invalid(path + ": 'birth_date' must be an object");
    DOSSIER_ASSIGN_OR_RETURN(c.birth_column, GetString(b, "column", path));
    DOSSIER_ASSIGN_OR_RETURN(std::string fmt, GetString(b, "format", path));
    if (!fmt.empty()) c.birth_format = fmt;
    if (c.birth_format != "iso" && c.birth_format != "yyyymmdd" && c.birth_format != "edtf")
      return Error::Invalid(path + ": birth_date format must be iso, yyyymmdd or edtf");
    DOSSIER_ASSIGN_OR_RETURN(std::string inv, GetString(b, "invalid", path));
    if (!inv.empty() && inv != "error" && inv != "missing")
      return Error::Invalid(path + ": birth_date invalid must be error or missing");
    c.invalid_birth_is_missing = inv == "missing";
  }
  DOSSIER_ASSIGN_OR_RETURN(c.sex_column, GetString(j, "sex", path));
  DOSSIER_ASSIGN_OR_RETURN(c.origin_column, GetString(j, "origin", path));
  if (j.contains("attributes")) {
    if (!j["attributes"].is_array()) return Error::Invalid(path + ": 'attributes' must be an array");
    for (const auto& a : j["attributes"]) {
      if (!a.is_object()) return Error::Invalid(path + ": each attribute must be an object");
      DOSSIER_ASSIGN_OR_RETURN(std::string col, GetString(a, "column", path));
      DOSSIER_ASSIGN_OR_RETURN(std::string cmp, GetString(a, "compare", path));
      if (col.empty()) return Error::Invalid(path + ": an attribute needs a 'column'");
      if (!cmp.empty() && cmp != "exact" && cmp != "fuzzy")
        return Error::Invalid(path + ": attribute '" + col + "' compare must be exact or fuzzy");
      AttributeSpec spec{col, cmp == "fuzzy" ? AttributeCompare::kFuzzy : AttributeCompare::kExact,
                         a.value("term_frequency", false)};
      c.attribute_columns.push_back(col);
      c.options.model.attributes.push_back(spec);
    }
  }
  if (j.contains("blocking")) {
    if (!j["blocking"].is_array()) return Error::Invalid(path + ": 'blocking' must be an array of arrays");
    for (const auto& r : j["blocking"]) {
      if (!r.is_array()) return Error::Invalid(path + ": each blocking rule must be an array of key names");
      BlockingRule rule;
      for (const auto& k : r) {
        if (!k.is_string()) return Error::Invalid(path + ": blocking keys must be strings");
        rule.keys.push_back(k.get<std::string>());
      }
      Status st = CheckBlockingRule(rule, c.options.model);
      if (!st.ok()) return Error::Invalid(path + ": " + st.error().message);
      c.options.blocking.push_back(rule);
    }
  }
  DOSSIER_ASSIGN_OR_RETURN(std::string mode, GetString(j, "mode", path));
  if (mode.empty() || mode == "dedupe") c.options.mode = LinkMode::kDedupe;
  else if (mode == "link_only") c.options.mode = LinkMode::kLinkOnly;
  else if (mode == "link_and_dedupe") c.options.mode = LinkMode::kLinkAndDedupe;
  else return Error::Invalid(path + ": mode must be dedupe, link_only or link_and_dedupe");
  DOSSIER_ASSIGN_OR_RETURN(std::string nm, GetString(j, "name_mode", path));
  if (nm == "language_blind") c.options.model.name_mode = NameMode::kLanguageBlind;
  else if (!nm.empty() && nm != "korean") return Error::Invalid(path + ": name_mode must be korean or language_blind");
  auto prob = [&](const char* key, double& out) -> Status {
    if (!j.contains(key)) return Ok();
    if (!j[key].is_number()) return Error::Invalid(path + ": '" + key + "' must be a number");
    out = j[key].get<double>();
    if (!(out > 0 && out < 1)) return Error::Invalid(path + ": '" + key + "' must be between 0 and 1");
    return Ok();
  };
  DOSSIER_RETURN_IF_ERROR(prob("match_probability", c.options.match_probability));
  DOSSIER_RETURN_IF_ERROR(prob("review_probability", c.options.review_probability));
  if (j.contains("min_link_fraction")) c.options.min_link_fraction = j.value("min_link_fraction", 0.5);
  if (j.contains("max_block_size")) c.options.max_block_size = j.value("max_block_size", size_t{5000});
  if (j.contains("threads")) c.options.threads = j.value("threads", 2);
  // File mode has no review queue: unless asked, keep only the links. The pairs between the two
  // thresholds are what grew to gigabytes at a million records; the clustering guard scores any
  // it needs again, with the same result.
  if (!j.contains("review_probability")) c.options.review_probability = c.options.match_probability;
  if (c.options.review_probability > c.options.match_probability) c.options.review_probability = c.options.match_probability;
  if (j.contains("truth")) {
    DOSSIER_ASSIGN_OR_RETURN(c.truth_column, GetString(j["truth"], "column", path));
    DOSSIER_ASSIGN_OR_RETURN(c.truth_pattern, GetString(j["truth"], "pattern", path));
  }
  return c;
}

Result<FileRecords> ReadRecordsCsv(const std::string& path, const std::string& source, const FileConfig& config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Io("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  DOSSIER_ASSIGN_OR_RETURN(auto rows, ParseCsv(path, ss.str()));
  if (rows.empty()) return Error::Invalid(path + ": empty file (a header row is required)");
  const auto& header = rows[0].second;
  auto column = [&](const std::string& name) -> Result<int> {
    if (name.empty()) return -1;
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    return Error::Invalid(path + ":1: no column '" + name + "' in the header (named in the config)");
  };
  DOSSIER_ASSIGN_OR_RETURN(int id_col, column(config.id_column));
  std::vector<std::array<int, 3>> name_cols;
  for (const auto& n : config.names) {
    DOSSIER_ASSIGN_OR_RETURN(int f, column(n.full));
    DOSSIER_ASSIGN_OR_RETURN(int fa, column(n.family));
    DOSSIER_ASSIGN_OR_RETURN(int g, column(n.given));
    name_cols.push_back({f, fa, g});
  }
  DOSSIER_ASSIGN_OR_RETURN(int birth_col, column(config.birth_column));
  DOSSIER_ASSIGN_OR_RETURN(int sex_col, column(config.sex_column));
  DOSSIER_ASSIGN_OR_RETURN(int origin_col, column(config.origin_column));
  DOSSIER_ASSIGN_OR_RETURN(int truth_col, column(config.truth_column));
  std::vector<int> attr_cols;
  for (const auto& a : config.attribute_columns) {
    DOSSIER_ASSIGN_OR_RETURN(int c, column(a));
    attr_cols.push_back(c);
  }
  std::optional<std::regex> truth_re;
  if (!config.truth_pattern.empty()) truth_re.emplace(config.truth_pattern);
  FileRecords out;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& [line, f] = rows[r];
    std::string where = path + ":" + std::to_string(line);
    if (f.size() != header.size())
      return Error::Invalid(where + ": " + std::to_string(f.size()) + " fields, the header has " +
                            std::to_string(header.size()));
    LinkRecord rec;
    rec.source = source;
    rec.id = f[id_col];
    if (rec.id.empty()) return Error::Invalid(where + ": column '" + config.id_column + "' (record id) is empty");
    for (const auto& nc : name_cols) {
      LinkName n;
      if (nc[0] >= 0) n.value = f[nc[0]];
      if (nc[1] >= 0) n.family = f[nc[1]];
      if (nc[2] >= 0) n.given = f[nc[2]];
      if (!n.value.empty() || !n.family.empty() || !n.given.empty()) rec.names.push_back(std::move(n));
    }
    if (birth_col >= 0 && !f[birth_col].empty()) {
      std::string v = f[birth_col];
      if (config.birth_format == "yyyymmdd" && v.size() == 8)
        v = v.substr(0, 4) + "-" + v.substr(4, 2) + "-" + v.substr(6, 2);
      auto d = PartialDate::Parse(v);
      if (d.ok()) rec.birth_date = *d;
      else if (!config.invalid_birth_is_missing)
        return Error::Invalid(where + ": column '" + config.birth_column + "': '" + f[birth_col] +
                              "' is not a date (" + config.birth_format + ")");
    }
    if (sex_col >= 0) rec.sex = f[sex_col];
    if (origin_col >= 0) rec.origin = f[origin_col];
    for (int c : attr_cols) rec.attributes.push_back(f[c]);
    if (truth_col >= 0) {
      std::string t = f[truth_col];
      std::smatch m;
      if (truth_re && std::regex_search(t, m, *truth_re) && m.size() > 1) t = m[1].str();
      out.truth.push_back(t);
    }
    out.records.push_back(std::move(rec));
  }
  return out;
}

Status WriteClustersCsv(const std::string& path, const std::vector<LinkRecord>& records,
                        const std::vector<uint32_t>& cluster_of) {
  if (records.size() != cluster_of.size()) return Error::Internal("cluster ids do not match the records");
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Error::Io("cannot write " + tmp);
    auto quote = [](const std::string& s) {
      if (s.find_first_of(",\"\n") == std::string::npos) return s;
      std::string q = "\"";
      for (char c : s) { if (c == '"') q += '"'; q += c; }
      return q + "\"";
    };
    out << "source,record_id,cluster_id\n";
    for (size_t i = 0; i < records.size(); ++i)
      out << quote(records[i].source) << ',' << quote(records[i].id) << ',' << cluster_of[i] << '\n';
    if (!out) return Error::Io("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) { std::filesystem::remove(tmp, ec); return Error::Io("cannot write " + path); }
  return Ok();
}

}  // namespace dossier::linkage
