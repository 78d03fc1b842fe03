// Aggregates for partners' humanitarian data platforms, tagged with HXL hashtags (hxlstandard.org):
// one row per year, province and incident type with the number of persons (linked, each once),
// incidents and acts. Nothing in an HXL export identifies anyone: no names, ids, pseudonyms,
// dates finer than the year or places finer than the province, and counts under the threshold
// are left empty and flagged in #meta+suppressed.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/statistics.h"

namespace dossier::reports {

struct HxlTable {
  std::vector<std::string> header;  // column names
  std::vector<std::string> tags;    // HXL hashtags, same length
  std::vector<std::vector<std::string>> rows;
};

struct HxlOptions {
  std::string organisation;  // #org+reporting
  int64_t threshold = 5;
};

HxlTable BuildHxl(const Statistics& stats, const Catalog& catalog, const HxlOptions& options);
// CSV: a header row, the hashtag row, then the data (RFC 4180, domain/csv.h).
std::string HxlCsv(const HxlTable& t);
// JSON: an array of objects keyed by hashtag.
nlohmann::ordered_json HxlJson(const HxlTable& t);

}  // namespace dossier::reports
