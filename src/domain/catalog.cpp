#include "domain/catalog.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace dossier {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Result<json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Io(fmt::format("{}: cannot open", path));
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    return Error::Invalid(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
}

Result<std::map<std::string, std::string>> ReadLabels(const json& j, const std::string& where) {
  std::map<std::string, std::string> labels;
  for (const char* lang : {"en", "ko", "zh"}) {
    if (j.contains(lang)) {
      if (!j[lang].is_string()) return Error::Invalid(fmt::format("{}: field '{}' must be text", where, lang));
      labels[lang] = j[lang].get<std::string>();
    }
  }
  if (!labels.count("en")) return Error::Invalid(fmt::format("{}: an English label 'en' is required", where));
  return labels;
}

const std::vector<Term> kNoTerms;

}  // namespace

std::string Catalog::DefaultDataDir() {
  if (const char* env = std::getenv("DOSSIER_DATA_DIR"); env && *env) return env;
  return DOSSIER_DATA_DIR;
}

Result<Catalog> Catalog::LoadDefault() {
  const char* site = std::getenv("DOSSIER_SITE_DATA_DIR");
  return Load(DefaultDataDir(), site ? site : "");
}

Result<Catalog> Catalog::Load(const std::string& data_dir, const std::string& site_dir) {
  Catalog catalog;
  for (const std::string& dir : {data_dir, site_dir}) {
    if (dir.empty()) continue;
    if (!fs::is_directory(dir)) {
      return Error::Io(fmt::format("data directory '{}' does not exist", dir));
    }
    std::vector<std::string> files;
    if (fs::is_directory(fs::path(dir) / "vocabularies")) {
      for (const auto& e : fs::directory_iterator(fs::path(dir) / "vocabularies")) {
        if (e.path().extension() == ".json") files.push_back(e.path().string());
      }
    }
    std::sort(files.begin(), files.end());  // deterministic merge order
    for (const auto& f : files) DOSSIER_RETURN_IF_ERROR(catalog.MergeVocabularyFile(f));
    const fs::path gazetteer = fs::path(dir) / "gazetteer.json";
    if (fs::exists(gazetteer)) DOSSIER_RETURN_IF_ERROR(catalog.MergeGazetteerFile(gazetteer.string()));
  }
  if (catalog.vocabularies_.empty()) {
    return Error::Io(fmt::format("no vocabularies found under '{}/vocabularies'", data_dir));
  }
  return catalog;
}

Status Catalog::MergeVocabularyFile(const std::string& path) {
  DOSSIER_ASSIGN_OR_RETURN(json j, ReadJsonFile(path));
  if (!j.is_object() || !j.contains("name") || !j["name"].is_string() || !j.contains("terms") ||
      !j["terms"].is_array()) {
    return Error::Invalid(fmt::format("{}: expected an object with 'name' and 'terms'", path));
  }
  auto& terms = vocabularies_[j["name"].get<std::string>()];
  size_t i = 0;
  for (const auto& t : j["terms"]) {
    const std::string where = fmt::format("{}: term {}", path, i++);
    if (!t.is_object() || !t.contains("code") || !t["code"].is_string() || t["code"].get<std::string>().empty()) {
      return Error::Invalid(fmt::format("{}: field 'code' must be non-empty text", where));
    }
    Term term{t["code"].get<std::string>(), {}};
    DOSSIER_ASSIGN_OR_RETURN(term.labels, ReadLabels(t, where));
    auto existing = std::find_if(terms.begin(), terms.end(), [&](const Term& x) { return x.code == term.code; });
    if (existing != terms.end()) {
      *existing = std::move(term);  // a site file may relabel a shipped term
    } else {
      terms.push_back(std::move(term));
    }
  }
  return Ok();
}

Status Catalog::MergeGazetteerFile(const std::string& path) {
  DOSSIER_ASSIGN_OR_RETURN(json j, ReadJsonFile(path));
  if (!j.is_object() || !j.contains("places") || !j["places"].is_array()) {
    return Error::Invalid(fmt::format("{}: expected an object with 'places'", path));
  }
  size_t i = 0;
  for (const auto& p : j["places"]) {
    const std::string where = fmt::format("{}: place {}", path, i++);
    if (!p.is_object() || !p.contains("code") || !p["code"].is_string()) {
      return Error::Invalid(fmt::format("{}: field 'code' must be text", where));
    }
    Place place;
    place.code = p["code"].get<std::string>();
    place.parent = p.value("parent", "");
    place.level = p.value("level", "");
    DOSSIER_ASSIGN_OR_RETURN(place.labels, ReadLabels(p, where));
    if (!p.contains("lat") || !p["lat"].is_number() || !p.contains("lon") || !p["lon"].is_number()) {
      return Error::Invalid(fmt::format("{} ({}): fields 'lat' and 'lon' must be numbers", where, place.code));
    }
    place.latitude = p["lat"].get<double>();
    place.longitude = p["lon"].get<double>();
    if (place.latitude < -90 || place.latitude > 90 || place.longitude < -180 || place.longitude > 180) {
      return Error::Invalid(fmt::format("{} ({}): coordinates out of range", where, place.code));
    }
    if (auto it = place_index_.find(place.code); it != place_index_.end()) {
      places_[it->second] = std::move(place);
    } else {
      place_index_.emplace(place.code, places_.size());
      places_.push_back(std::move(place));
    }
  }
  for (const auto& place : places_) {
    if (!place.parent.empty() && !place_index_.count(place.parent)) {
      return Error::Invalid(fmt::format("{}: place '{}' has unknown parent '{}'", path, place.code, place.parent));
    }
  }
  return Ok();
}

bool Catalog::HasTerm(std::string_view vocabulary, std::string_view code) const {
  return FindTerm(vocabulary, code) != nullptr;
}

const Term* Catalog::FindTerm(std::string_view vocabulary, std::string_view code) const {
  auto it = vocabularies_.find(vocabulary);
  if (it == vocabularies_.end()) return nullptr;
  for (const auto& t : it->second) {
    if (t.code == code) return &t;
  }
  return nullptr;
}

const std::vector<Term>& Catalog::Terms(std::string_view vocabulary) const {
  auto it = vocabularies_.find(vocabulary);
  return it == vocabularies_.end() ? kNoTerms : it->second;
}

std::vector<std::string> Catalog::VocabularyNames() const {
  std::vector<std::string> names;
  for (const auto& [name, terms] : vocabularies_) names.push_back(name);
  return names;
}

const Place* Catalog::FindPlace(std::string_view code) const {
  auto it = place_index_.find(code);
  return it == place_index_.end() ? nullptr : &places_[it->second];
}

std::vector<const Place*> Catalog::PlacePath(std::string_view code) const {
  std::vector<const Place*> path;
  for (const Place* p = FindPlace(code); p != nullptr && path.size() < 16; p = FindPlace(p->parent)) {
    path.push_back(p);
    if (p->parent.empty()) break;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

std::string Catalog::ProvinceOf(std::string_view code) const {
  for (const Place* p : PlacePath(code)) {
    if (p->level == "province") return p->code;
  }
  const Place* p = FindPlace(code);
  return p ? p->code : std::string();
}

std::string Catalog::Label(std::string_view vocabulary, std::string_view code, std::string_view language) const {
  const Term* t = FindTerm(vocabulary, code);
  if (!t) return std::string(code);
  if (auto it = t->labels.find(std::string(language)); it != t->labels.end()) return it->second;
  return t->labels.at("en");
}

std::string Catalog::PlaceLabel(std::string_view code, std::string_view language) const {
  const Place* p = FindPlace(code);
  if (!p) return std::string(code);
  if (auto it = p->labels.find(std::string(language)); it != p->labels.end()) return it->second;
  return p->labels.at("en");
}

}  // namespace dossier
