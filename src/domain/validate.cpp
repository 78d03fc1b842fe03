#include "domain/validate.h"

#include <chrono>
#include <set>

#include <fmt/format.h>
#include <cctype>

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>

namespace dossier {

const char* RecordKindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kPerson: return "person";
    case RecordKind::kIncident: return "incident";
    case RecordKind::kAct: return "act";
    case RecordKind::kInvolvement: return "involvement";
    case RecordKind::kSource: return "source";
  }
  return "record";
}

long TodayDays() {
  using namespace std::chrono;
  return static_cast<long>(floor<days>(system_clock::now()).time_since_epoch().count());
}

namespace {

// Builds "kind 'id': field 'f': message" errors for one record.
class Complaint {
 public:
  Complaint(RecordKind kind, const std::string& id) : prefix_(fmt::format("{} '{}'", RecordKindName(kind), id)) {}
  Error operator()(std::string_view field, std::string_view message) const {
    return Error::Invalid(fmt::format("{}: field '{}': {}", prefix_, field, message));
  }

 private:
  std::string prefix_;
};

// Whether the characters of a name fit its declared script, so a Hangul name is not filed as
// Latin (which would defeat romanisation-aware search and linkage).
bool FitsScript(const std::string& value, std::string_view script) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(value);
  bool any_letter = false;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    if (!u_isalpha(c)) continue;
    any_letter = true;
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript(c, &status);
    if (script == "hangul" && sc != USCRIPT_HANGUL) return false;
    if ((script == "hanja" || script == "chinese") && sc != USCRIPT_HAN) return false;
    if (script == "latin" && sc != USCRIPT_LATIN) return false;
    if (script == "cyrillic" && sc != USCRIPT_CYRILLIC) return false;
  }
  return any_letter;
}

}  // namespace

Validator::Validator(const Catalog& catalog, ExistsFn exists, long today_days)
    : catalog_(catalog), exists_(std::move(exists)), today_(today_days) {}

Validator::Validator(const Catalog& catalog, ExistsFn exists)
    : Validator(catalog, std::move(exists), TodayDays()) {}

namespace {

Status CheckTerm(const Catalog& c, const Complaint& bad, std::string_view field, std::string_view vocabulary,
                 std::string_view code) {
  if (code.empty()) return bad(field, "is required");
  if (!c.HasTerm(vocabulary, code)) {
    return bad(field, fmt::format("'{}' is not a term of the vocabulary '{}'", code, vocabulary));
  }
  return Ok();
}

Status CheckDate(const Complaint& bad, std::string_view field, const PartialDate& d, long today) {
  if (d.year < 1850) return bad(field, fmt::format("{} is before 1850", d.ToString()));
  if (d.EarliestDay() > today) return bad(field, fmt::format("{} is in the future", d.ToString()));
  return Ok();
}

Status CheckCount(const Catalog& c, const Complaint& bad, std::string_view field, const ApproximateCount& n) {
  if (n.value < 1) return bad(field, "a count must be at least 1");
  return CheckTerm(c, bad, fmt::format("{}.qualifier", field), "count_qualifiers", n.qualifier);
}

Status CheckPlace(const Catalog& c, const Complaint& bad, std::string_view field, const std::string& code) {
  if (!code.empty() && !c.FindPlace(code)) {
    return bad(field, fmt::format("'{}' is not a place in the gazetteer", code));
  }
  return Ok();
}

Status CheckSources(const ExistsFn& exists, const Complaint& bad, const std::vector<std::string>& ids) {
  if (ids.empty()) return bad("source_ids", "every record must cite at least one source");
  std::set<std::string_view> seen;
  for (const auto& id : ids) {
    if (!seen.insert(id).second) return bad("source_ids", fmt::format("source '{}' is cited twice", id));
    if (!exists(RecordKind::kSource, id)) return bad("source_ids", fmt::format("source '{}' does not exist", id));
  }
  return Ok();
}

Status CheckTerms(const Catalog& c, const Complaint& bad, std::string_view field, std::string_view vocabulary,
                  const std::vector<std::string>& codes) {
  std::set<std::string_view> seen;
  for (const auto& code : codes) {
    DOSSIER_RETURN_IF_ERROR(CheckTerm(c, bad, field, vocabulary, code));
    if (!seen.insert(code).second) return bad(field, fmt::format("'{}' is listed twice", code));
  }
  return Ok();
}

Status CheckId(const Complaint& bad, const std::string& id) {
  if (id.empty()) return bad("id", "is required");
  if (id.size() > 64) return bad("id", "must be at most 64 characters");
  for (char ch : id) {
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.')) {
      return bad("id", "may contain only letters, digits, '-', '_' and '.'");
    }
  }
  return Ok();
}

}  // namespace

Status Validator::Check(const Person& p) const {
  Complaint bad(RecordKind::kPerson, p.id);
  DOSSIER_RETURN_IF_ERROR(CheckId(bad, p.id));
  for (size_t i = 0; i < p.names.size(); ++i) {
    const auto& n = p.names[i];
    const std::string field = fmt::format("names[{}]", i);
    if (n.value.empty()) return bad(field + ".value", "must not be empty");
    DOSSIER_RETURN_IF_ERROR(CheckTerm(catalog_, bad, field + ".script", "scripts", n.script));
    DOSSIER_RETURN_IF_ERROR(CheckTerm(catalog_, bad, field + ".kind", "name_kinds", n.kind));
    if (!FitsScript(n.value, n.script)) {
      return bad(field + ".value", fmt::format("the name is not written in the script '{}'", n.script));
    }
  }
  DOSSIER_RETURN_IF_ERROR(CheckTerm(catalog_, bad, "sex", "sexes", p.sex));
  if (p.birth_date) DOSSIER_RETURN_IF_ERROR(CheckDate(bad, "birth_date", *p.birth_date, today_));
  DOSSIER_RETURN_IF_ERROR(CheckPlace(catalog_, bad, "origin", p.origin));
  DOSSIER_RETURN_IF_ERROR(CheckTerm(catalog_, bad, "unit", "counting_units", p.unit));
  if (p.group_size) {
    if (p.unit == "individual") return bad("group_size", "an individual has no group size");
    DOSSIER_RETURN_IF_ERROR(CheckCount(catalog_, bad, "group_size", *p.group_size));
  }
  for (size_t i = 0; i < p.links.size(); ++i) {
    const auto& l = p.links[i];
    const std::string field = fmt::format("links[{}]", i);
    DOSSIER_RETURN_IF_ERROR(CheckTerm(catalog_, bad, field + ".relation", "relations", l.relation));
    if (l.person_id == p.id) return bad(field + ".person_id", "a person cannot be linked to itself");
    if (!exists_(RecordKind::kPerson, l.person_id)) {
      return bad(field + ".person_id", fmt::format("person '{}' does not exist", l.person_id));
    }
  }
  return CheckSources(exists_, bad, p.source_ids);
}

Status Validator::Check(const Incident& i) const {
  Complaint bad(RecordKind::kIncident, i.id);
  DOSSIER_RETURN_IF_ERROR(CheckId(bad, i.id));
  DOSSIER_RETURN_IF_ERROR(CheckTerm(catalog_, bad, "type", "incident_types", i.type));
  DOSSIER_RETURN_IF_ERROR(CheckDate(bad, "start", i.start, today_));
  if (i.end) {
    DOSSIER_RETURN_IF_ERROR(CheckDate(bad, "end", *i.end, today_));
    if (i.end->LatestDay() < i.start.EarliestDay()) {
      return bad("end", fmt::format("{} is before the start {}", i.end->ToString(), i.start.ToString()));
    }
  }
  DOSSIER_RETURN_IF_ERROR(CheckPlace(catalog_, bad, "place", i.place));
  DOSSIER_RETURN_IF_ERROR(CheckTerms(catalog_, bad, "perpetrator_orgs", "organisations", i.perpetrator_orgs));
  if (i.victim_count) DOSSIER_RETURN_IF_ERROR(CheckCount(catalog_, bad, "victim_count", *i.victim_count));
  return CheckSources(exists_, bad, i.source_ids);
}

Status Validator::Check(const Act& a) const {
  Complaint bad(RecordKind::kAct, a.id);
  DOSSIER_RETURN_IF_ERROR(CheckId(bad, a.id));
  if (!exists_(RecordKind::kIncident, a.incident_id)) {
    return bad("incident_id", fmt::format("incident '{}' does not exist", a.incident_id));
  }
  if (!exists_(RecordKind::kPerson, a.victim_id)) {
    return bad("victim_id", fmt::format("person '{}' does not exist", a.victim_id));
  }
  if (a.violations.empty()) return bad("violations", "an act needs at least one violation");
  DOSSIER_RETURN_IF_ERROR(CheckTerms(catalog_, bad, "violations", "violations", a.violations));
  DOSSIER_RETURN_IF_ERROR(CheckTerms(catalog_, bad, "provisions", "legal_provisions", a.provisions));
  return CheckSources(exists_, bad, a.source_ids);
}

Status Validator::Check(const Involvement& v) const {
  Complaint bad(RecordKind::kInvolvement, v.id);
  DOSSIER_RETURN_IF_ERROR(CheckId(bad, v.id));
  if (!exists_(RecordKind::kAct, v.act_id)) return bad("act_id", fmt::format("act '{}' does not exist", v.act_id));
  const bool has_person = !v.perpetrator_person_id.empty();
  const bool has_org = !v.perpetrator_org.empty();
  if (has_person == has_org) {
    return bad("perpetrator_person_id", "give exactly one of perpetrator_person_id and perpetrator_org");
  }
  if (has_person && !exists_(RecordKind::kPerson, v.perpetrator_person_id)) {
    return bad("perpetrator_person_id", fmt::format("person '{}' does not exist", v.perpetrator_person_id));
  }
  if (has_org) DOSSIER_RETURN_IF_ERROR(CheckTerm(catalog_, bad, "perpetrator_org", "organisations", v.perpetrator_org));
  DOSSIER_RETURN_IF_ERROR(CheckTerm(catalog_, bad, "degree", "involvement_degrees", v.degree));
  return CheckSources(exists_, bad, v.source_ids);
}

Status Validator::Check(const Source& s) const {
  Complaint bad(RecordKind::kSource, s.id);
  DOSSIER_RETURN_IF_ERROR(CheckId(bad, s.id));
  DOSSIER_RETURN_IF_ERROR(CheckTerm(catalog_, bad, "kind", "source_kinds", s.kind));
  if (s.title.empty()) return bad("title", "is required");
  if (s.date) DOSSIER_RETURN_IF_ERROR(CheckDate(bad, "date", *s.date, today_));
  if (!s.language.empty()) DOSSIER_RETURN_IF_ERROR(CheckTerm(catalog_, bad, "language", "languages", s.language));
  return CheckTerm(catalog_, bad, "reliability", "reliability", s.reliability);
}

}  // namespace dossier
