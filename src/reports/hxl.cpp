#include "reports/hxl.h"

#include <map>

#include <fmt/format.h>

#include "domain/csv.h"

namespace dossier::reports {

HxlTable BuildHxl(const Statistics& stats, const Catalog& catalog, const HxlOptions& options) {
  HxlTable t;
  t.header = {"year", "country", "province_code", "province", "incident_type", "persons", "persons_returned", "incidents",
              "acts", "suppressed", "reporting_org"};
  t.tags = {"#date+year", "#country+code", "#adm1+code", "#adm1+name", "#event+type", "#affected+ind", "#affected+returned",
            "#indicator+incidents+num", "#indicator+acts+num", "#meta+suppressed", "#org+reporting"};
  const Table* cross = stats.Find("year_province_type");
  if (!cross) return t;
  // Suppression is decided within each year, whose total a reader could get from other tables.
  std::map<std::string, std::vector<const Cell*>> by_year;
  for (const auto& c : cross->cells) by_year[c.key.substr(0, c.key.find('|'))].push_back(&c);
  for (const auto& [year, cells] : by_year) {
    std::vector<int64_t> persons, incidents, acts;
    for (const Cell* c : cells) {
      persons.push_back(c->persons.value);
      incidents.push_back(c->incidents);
      acts.push_back(c->acts);
    }
    const auto hp = SecondarySuppression(persons, options.threshold);
    const auto hi = SecondarySuppression(incidents, options.threshold);
    const auto ha = SecondarySuppression(acts, options.threshold);
    for (size_t i = 0; i < cells.size(); ++i) {
      const std::string& key = cells[i]->key;
      const size_t a = key.find('|'), b = key.find('|', a + 1);
      const std::string province = key.substr(a + 1, b - a - 1), type = key.substr(b + 1);
      const auto path = catalog.PlacePath(province);
      const std::string country = path.empty() ? "" : path.front()->code;
      std::vector<std::string> hidden;
      if (hp[i]) hidden.push_back("persons");
      if (hi[i]) hidden.push_back("incidents");
      if (ha[i]) hidden.push_back("acts");
      std::string flag;
      for (const auto& h : hidden) flag += (flag.empty() ? "" : ";") + h;
      const std::string persons_text = hp[i] ? "" : std::to_string(cells[i]->persons.value);
      t.rows.push_back({year, country, province, province.empty() ? "" : catalog.PlaceLabel(province, "en"), type, persons_text,
                        type == "forced_return" ? persons_text : "", hi[i] ? "" : std::to_string(cells[i]->incidents),
                        ha[i] ? "" : std::to_string(cells[i]->acts),
                        flag.empty() ? "" : fmt::format("{} fewer than {}", flag, options.threshold), options.organisation});
    }
  }
  return t;
}

std::string HxlCsv(const HxlTable& t) {
  std::string out = CsvLine(t.header) + CsvLine(t.tags);
  for (const auto& r : t.rows) out += CsvLine(r);
  return out;
}

nlohmann::ordered_json HxlJson(const HxlTable& t) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& r : t.rows) {
    nlohmann::ordered_json o = nlohmann::ordered_json::object();
    for (size_t i = 0; i < t.tags.size(); ++i) o[t.tags[i]] = r[i];
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace dossier::reports
