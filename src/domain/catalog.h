// Catalog: the controlled vocabularies and the gazetteer that coded fields refer to.
//
// Both are JSON data files (data/vocabularies/*.json, data/gazetteer.json) with labels in English,
// Korean and Chinese, read at start so an administrator can extend them without a rebuild: a file
// whose "name" matches an existing vocabulary adds its terms to it, and files in a site directory
// (DOSSIER_SITE_DATA_DIR, e.g. /etc/dossier) are merged after the shipped ones.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace dossier {

struct Term {
  std::string code;
  std::map<std::string, std::string> labels;  // language ("en", "ko", "zh") -> label
};

struct Place {
  std::string code;    // "cn-ln-shenyang"
  std::string parent;  // "cn-ln"; empty for a country
  std::string level;   // country, province, city, county
  std::map<std::string, std::string> labels;
  double latitude = 0;
  double longitude = 0;
};

class Catalog {
 public:
  // Loads the shipped data directory, then the optional site directory on top of it.
  static Result<Catalog> Load(const std::string& data_dir, const std::string& site_dir = "");
  // The shipped data directory: $DOSSIER_DATA_DIR, else the one compiled in.
  static std::string DefaultDataDir();
  // Loads DefaultDataDir() plus $DOSSIER_SITE_DATA_DIR when set.
  static Result<Catalog> LoadDefault();

  bool HasTerm(std::string_view vocabulary, std::string_view code) const;
  const Term* FindTerm(std::string_view vocabulary, std::string_view code) const;
  const std::vector<Term>& Terms(std::string_view vocabulary) const;
  std::vector<std::string> VocabularyNames() const;

  const Place* FindPlace(std::string_view code) const;
  const std::vector<Place>& Places() const { return places_; }
  // The place and its ancestors, from the country down: [cn, cn-ln, cn-ln-shenyang].
  std::vector<const Place*> PlacePath(std::string_view code) const;
  // The province-level ancestor of a place (itself if it is a province); used to coarsen places.
  std::string ProvinceOf(std::string_view code) const;

  // A human label in `language`, falling back to English, then the code itself.
  std::string Label(std::string_view vocabulary, std::string_view code, std::string_view language) const;
  std::string PlaceLabel(std::string_view code, std::string_view language) const;

 private:
  Status MergeVocabularyFile(const std::string& path);
  Status MergeGazetteerFile(const std::string& path);

  std::map<std::string, std::vector<Term>, std::less<>> vocabularies_;
  std::vector<Place> places_;
  std::map<std::string, size_t, std::less<>> place_index_;
};

}  // namespace dossier
