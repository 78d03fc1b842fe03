#include "reports/redaction.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

namespace dossier::reports {

Count& Count::operator+=(const Count& o) {
  value += o.value;
  lower_bound = lower_bound || o.lower_bound;
  approximate = approximate || o.approximate;
  return *this;
}

Count CountOf(const ApproximateCount& c) {
  Count out{c.value, false, false};
  if (c.qualifier == "at_least") out.lower_bound = true;
  if (c.qualifier == "more_than") out = {c.value + 1, true, false};
  if (c.qualifier == "about") out.approximate = true;
  // "fewer than N" says only that someone was there.
  if (c.qualifier == "fewer_than") out = {1, true, false};
  return out;
}

std::string PublishedLabel(const Person& p, const crypto::Keyring& keyring, bool redact) {
  if (redact || p.names.empty()) return keyring.Pseudonym("person", p.id);
  std::string out;
  for (const auto& n : p.names) out += (out.empty() ? "" : " / ") + n.value;
  return out;
}

std::string AgeBand(const std::optional<PartialDate>& birth, int at_year, int width) {
  if (!birth || birth->year <= 0 || width <= 0) return "";
  const int age = at_year - birth->year;
  if (age < 0) return "";
  const int lo = age / width * width;
  return fmt::format("{}\u2013{}", lo, lo + width - 1);
}

std::string CoarsenPlace(const Catalog& catalog, std::string_view place) {
  if (place.empty()) return "";
  std::string province = catalog.ProvinceOf(place);
  return province.empty() ? std::string(place) : province;
}

PublishablePerson PublishablePersonOf(const Person& p, const crypto::Keyring& keyring, const Catalog& catalog,
                                      int at_year, const RedactionPolicy& policy) {
  PublishablePerson out;
  out.label = PublishedLabel(p, keyring, policy.redact);
  out.unit = p.unit;
  if (p.group_size) out.group_size = CountOf(*p.group_size);
  out.sex = p.sex == "unknown" ? "" : p.sex;
  out.age_band = AgeBand(p.birth_date, at_year);
  out.origin = policy.redact ? CoarsenPlace(catalog, p.origin) : p.origin;
  if (!policy.redact && p.birth_date) out.birth_date = p.birth_date->ToString();
  return out;
}

PublishedCount Suppress(const Count& c, int64_t threshold) {
  return {c.value > 0 && c.value < threshold, c};
}

std::string FormatCount(const PublishedCount& c, int64_t threshold, std::string_view lang, std::string_view unit) {
  const bool ko = lang == "ko";
  const char* counter = unit == "persons" ? "명" : "건";
  if (c.suppressed) return ko ? fmt::format("{}{} 미만", threshold, counter) : fmt::format("fewer than {}", threshold);
  if (c.count.lower_bound) return ko ? fmt::format("{}{} 이상", c.count.value, counter) : fmt::format("at least {}", c.count.value);
  if (c.count.approximate) return ko ? fmt::format("약 {}", c.count.value) : fmt::format("about {}", c.count.value);
  return std::to_string(c.count.value);
}

std::vector<bool> SecondarySuppression(const std::vector<int64_t>& cells, int64_t threshold) {
  std::vector<bool> hidden(cells.size(), false);
  size_t n = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    hidden[i] = cells[i] > 0 && cells[i] < threshold;
    n += hidden[i];
  }
  if (n == 1) {
    std::optional<size_t> pick;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (hidden[i] || cells[i] <= 0) continue;
      if (!pick || cells[i] < cells[*pick]) pick = i;
    }
    if (pick) hidden[*pick] = true;
  }
  return hidden;
}

namespace {

int BandStart(int birth_year, int year, int width) {
  if (birth_year <= 0 || width <= 0 || year < birth_year) return -1;
  return (year - birth_year) / width * width;
}

}  // namespace

int64_t ClassSize(const std::vector<QuasiIdentifiers>& population, const QuasiIdentifiers& person,
                  const Generalisation& g) {
  if (g.withheld) return static_cast<int64_t>(std::count_if(population.begin(), population.end(),
                                              [&](const QuasiIdentifiers& q) { return q.year == person.year; }));
  const int band = BandStart(person.birth_year, person.year, g.age_band_width);
  return static_cast<int64_t>(std::count_if(population.begin(), population.end(), [&](const QuasiIdentifiers& q) {
    if (q.year != person.year) return false;
    if (g.publish_sex && q.sex != person.sex) return false;
    if (g.age_band_width > 0 && BandStart(q.birth_year, q.year, g.age_band_width) != band) return false;
    if (g.publish_origin && q.origin_province != person.origin_province) return false;
    return true;
  }));
}

Generalisation Generalise(const std::vector<QuasiIdentifiers>& population, const QuasiIdentifiers& person, int64_t k) {
  Generalisation g;
  g.class_size = ClassSize(population, person, g);
  if (g.class_size >= k) return g;
  g.age_band_width = 20;
  g.steps.push_back("age band widened to 20 years");
  if ((g.class_size = ClassSize(population, person, g)) >= k) return g;
  g.publish_origin = false;
  g.steps.push_back("province of origin withheld");
  if ((g.class_size = ClassSize(population, person, g)) >= k) return g;
  g.publish_sex = false;
  g.age_band_width = 0;
  g.steps.push_back("sex and age withheld");
  if ((g.class_size = ClassSize(population, person, g)) >= k) return g;
  g.withheld = true;
  g.steps.push_back(fmt::format("fewer than {} persons documented that year: no personal details published", k));
  g.class_size = ClassSize(population, person, g);
  return g;
}

Status CheckUnredaction(std::string_view role, std::string_view reason) {
  if (role != "administrator" && role != "case_officer") {
    return Error::Denied("un-redacting a report needs the administrator or case officer role");
  }
  std::string_view r = reason;
  while (!r.empty() && std::isspace(static_cast<unsigned char>(r.front()))) r.remove_prefix(1);
  while (!r.empty() && std::isspace(static_cast<unsigned char>(r.back()))) r.remove_suffix(1);
  if (r.size() < 10) return Error::Invalid("field 'unredact_reason': give the reason for un-redacting (at least 10 characters)");
  return Ok();
}

}  // namespace dossier::reports
