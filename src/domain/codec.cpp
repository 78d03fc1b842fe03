#include "domain/codec.h"

#include "domain/json_fields.h"

#include <set>

#include <fmt/format.h>

namespace dossier {

using nlohmann::json;
using nlohmann::ordered_json;

const char* SensitivityName(Sensitivity s) {
  switch (s) {
    case Sensitivity::kPublic: return "public";
    case Sensitivity::kInternal: return "internal";
    case Sensitivity::kRestricted: return "restricted";
  }
  return "internal";
}

std::optional<Sensitivity> ParseSensitivity(std::string_view t) {
  if (t == "public") return Sensitivity::kPublic;
  if (t == "internal") return Sensitivity::kInternal;
  if (t == "restricted") return Sensitivity::kRestricted;
  return std::nullopt;
}

namespace {

ordered_json DateJson(const std::optional<PartialDate>& d) {
  return d ? ordered_json(d->ToString()) : ordered_json(nullptr);
}

ordered_json CountJson(const std::optional<ApproximateCount>& c) {
  if (!c) return nullptr;
  return ordered_json{{"value", c->value}, {"qualifier", c->qualifier}};
}

}  // namespace

ordered_json ToJson(const Person& p) {
  ordered_json names = ordered_json::array();
  for (const auto& n : p.names) names.push_back({{"value", n.value}, {"script", n.script}, {"kind", n.kind}});
  ordered_json links = ordered_json::array();
  for (const auto& l : p.links) links.push_back({{"relation", l.relation}, {"person_id", l.person_id}});
  ordered_json j;
  j["id"] = p.id;
  j["names"] = std::move(names);
  j["sex"] = p.sex;
  j["birth_date"] = DateJson(p.birth_date);
  j["origin"] = p.origin;
  j["unit"] = p.unit;
  j["group_size"] = CountJson(p.group_size);
  j["links"] = std::move(links);
  j["sensitivity"] = SensitivityName(p.sensitivity);
  j["notes"] = p.notes;
  j["source_ids"] = p.source_ids;
  return j;
}

ordered_json ToJson(const Incident& i) {
  ordered_json j;
  j["id"] = i.id;
  j["type"] = i.type;
  j["title"] = i.title;
  j["start"] = i.start.ToString();
  j["end"] = DateJson(i.end);
  j["place"] = i.place;
  j["description"] = i.description;
  j["perpetrator_orgs"] = i.perpetrator_orgs;
  j["victim_count"] = CountJson(i.victim_count);
  j["sensitivity"] = SensitivityName(i.sensitivity);
  j["source_ids"] = i.source_ids;
  return j;
}

ordered_json ToJson(const Act& a) {
  ordered_json j;
  j["id"] = a.id;
  j["incident_id"] = a.incident_id;
  j["victim_id"] = a.victim_id;
  j["violations"] = a.violations;
  j["provisions"] = a.provisions;
  j["notes"] = a.notes;
  j["source_ids"] = a.source_ids;
  return j;
}

ordered_json ToJson(const Involvement& v) {
  ordered_json j;
  j["id"] = v.id;
  j["act_id"] = v.act_id;
  j["perpetrator_person_id"] = v.perpetrator_person_id;
  j["perpetrator_org"] = v.perpetrator_org;
  j["degree"] = v.degree;
  j["source_ids"] = v.source_ids;
  return j;
}

ordered_json ToJson(const Source& s) {
  ordered_json j;
  j["id"] = s.id;
  j["kind"] = s.kind;
  j["title"] = s.title;
  j["date"] = DateJson(s.date);
  j["language"] = s.language;
  j["reliability"] = s.reliability;
  j["publisher"] = s.publisher;
  j["url"] = s.url;
  j["text"] = s.text;
  j["contact"] = s.contact;
  j["sensitivity"] = SensitivityName(s.sensitivity);
  return j;
}

Result<Person> PersonFromJson(const json& j, const std::string& where) {
  JsonFields r(j, where);
  DOSSIER_RETURN_IF_ERROR(r.CheckObject());
  Person p;
  DOSSIER_ASSIGN_OR_RETURN(p.id, r.Text("id"));
  r.NameRecord(p.id);
  const json& names = r.Raw("names");
  if (!names.is_null()) {
    if (!names.is_array()) return r.Bad("names", "expected a list of names");
    for (size_t i = 0; i < names.size(); ++i) {
      JsonFields nr(names[i], fmt::format("{}: names[{}]", r.where(), i));
      DOSSIER_RETURN_IF_ERROR(nr.CheckObject());
      PersonName n;
      DOSSIER_ASSIGN_OR_RETURN(n.value, nr.Text("value", true));
      DOSSIER_ASSIGN_OR_RETURN(n.script, nr.Text("script", true));
      DOSSIER_ASSIGN_OR_RETURN(n.kind, nr.Text("kind"));
      if (n.kind.empty()) n.kind = "legal";
      DOSSIER_RETURN_IF_ERROR(nr.NoUnknownFields());
      p.names.push_back(std::move(n));
    }
  }
  DOSSIER_ASSIGN_OR_RETURN(p.sex, r.Text("sex"));
  if (p.sex.empty()) p.sex = "unknown";
  DOSSIER_ASSIGN_OR_RETURN(p.birth_date, r.Date("birth_date"));
  DOSSIER_ASSIGN_OR_RETURN(p.origin, r.Text("origin"));
  DOSSIER_ASSIGN_OR_RETURN(p.unit, r.Text("unit"));
  if (p.unit.empty()) p.unit = "individual";
  DOSSIER_ASSIGN_OR_RETURN(p.group_size, r.Count("group_size"));
  const json& links = r.Raw("links");
  if (!links.is_null()) {
    if (!links.is_array()) return r.Bad("links", "expected a list of links");
    for (size_t i = 0; i < links.size(); ++i) {
      JsonFields lr(links[i], fmt::format("{}: links[{}]", r.where(), i));
      DOSSIER_RETURN_IF_ERROR(lr.CheckObject());
      PersonLink l;
      DOSSIER_ASSIGN_OR_RETURN(l.relation, lr.Text("relation", true));
      DOSSIER_ASSIGN_OR_RETURN(l.person_id, lr.Text("person_id", true));
      DOSSIER_RETURN_IF_ERROR(lr.NoUnknownFields());
      p.links.push_back(std::move(l));
    }
  }
  DOSSIER_ASSIGN_OR_RETURN(p.sensitivity, r.SensitivityField());
  DOSSIER_ASSIGN_OR_RETURN(p.notes, r.Text("notes"));
  DOSSIER_ASSIGN_OR_RETURN(p.source_ids, r.TextList("source_ids"));
  DOSSIER_RETURN_IF_ERROR(r.NoUnknownFields());
  return p;
}

Result<Incident> IncidentFromJson(const json& j, const std::string& where) {
  JsonFields r(j, where);
  DOSSIER_RETURN_IF_ERROR(r.CheckObject());
  Incident i;
  DOSSIER_ASSIGN_OR_RETURN(i.id, r.Text("id"));
  r.NameRecord(i.id);
  DOSSIER_ASSIGN_OR_RETURN(i.type, r.Text("type", true));
  DOSSIER_ASSIGN_OR_RETURN(i.title, r.Text("title"));
  DOSSIER_ASSIGN_OR_RETURN(auto start, r.Date("start"));
  if (!start) return r.Bad("start", "is required");
  i.start = *start;
  DOSSIER_ASSIGN_OR_RETURN(i.end, r.Date("end"));
  DOSSIER_ASSIGN_OR_RETURN(i.place, r.Text("place"));
  DOSSIER_ASSIGN_OR_RETURN(i.description, r.Text("description"));
  DOSSIER_ASSIGN_OR_RETURN(i.perpetrator_orgs, r.TextList("perpetrator_orgs"));
  DOSSIER_ASSIGN_OR_RETURN(i.victim_count, r.Count("victim_count"));
  DOSSIER_ASSIGN_OR_RETURN(i.sensitivity, r.SensitivityField());
  DOSSIER_ASSIGN_OR_RETURN(i.source_ids, r.TextList("source_ids"));
  DOSSIER_RETURN_IF_ERROR(r.NoUnknownFields());
  return i;
}

Result<Act> ActFromJson(const json& j, const std::string& where) {
  JsonFields r(j, where);
  DOSSIER_RETURN_IF_ERROR(r.CheckObject());
  Act a;
  DOSSIER_ASSIGN_OR_RETURN(a.id, r.Text("id"));
  r.NameRecord(a.id);
  DOSSIER_ASSIGN_OR_RETURN(a.incident_id, r.Text("incident_id", true));
  DOSSIER_ASSIGN_OR_RETURN(a.victim_id, r.Text("victim_id", true));
  DOSSIER_ASSIGN_OR_RETURN(a.violations, r.TextList("violations"));
  DOSSIER_ASSIGN_OR_RETURN(a.provisions, r.TextList("provisions"));
  DOSSIER_ASSIGN_OR_RETURN(a.notes, r.Text("notes"));
  DOSSIER_ASSIGN_OR_RETURN(a.source_ids, r.TextList("source_ids"));
  DOSSIER_RETURN_IF_ERROR(r.NoUnknownFields());
  return a;
}

Result<Involvement> InvolvementFromJson(const json& j, const std::string& where) {
  JsonFields r(j, where);
  DOSSIER_RETURN_IF_ERROR(r.CheckObject());
  Involvement v;
  DOSSIER_ASSIGN_OR_RETURN(v.id, r.Text("id"));
  r.NameRecord(v.id);
  DOSSIER_ASSIGN_OR_RETURN(v.act_id, r.Text("act_id", true));
  DOSSIER_ASSIGN_OR_RETURN(v.perpetrator_person_id, r.Text("perpetrator_person_id"));
  DOSSIER_ASSIGN_OR_RETURN(v.perpetrator_org, r.Text("perpetrator_org"));
  DOSSIER_ASSIGN_OR_RETURN(v.degree, r.Text("degree"));
  if (v.degree.empty()) v.degree = "unknown";
  DOSSIER_ASSIGN_OR_RETURN(v.source_ids, r.TextList("source_ids"));
  DOSSIER_RETURN_IF_ERROR(r.NoUnknownFields());
  return v;
}

Result<Source> SourceFromJson(const json& j, const std::string& where) {
  JsonFields r(j, where);
  DOSSIER_RETURN_IF_ERROR(r.CheckObject());
  Source s;
  DOSSIER_ASSIGN_OR_RETURN(s.id, r.Text("id"));
  r.NameRecord(s.id);
  DOSSIER_ASSIGN_OR_RETURN(s.kind, r.Text("kind", true));
  DOSSIER_ASSIGN_OR_RETURN(s.title, r.Text("title", true));
  DOSSIER_ASSIGN_OR_RETURN(s.date, r.Date("date"));
  DOSSIER_ASSIGN_OR_RETURN(s.language, r.Text("language"));
  DOSSIER_ASSIGN_OR_RETURN(s.reliability, r.Text("reliability"));
  if (s.reliability.empty()) s.reliability = "unknown";
  DOSSIER_ASSIGN_OR_RETURN(s.publisher, r.Text("publisher"));
  DOSSIER_ASSIGN_OR_RETURN(s.url, r.Text("url"));
  DOSSIER_ASSIGN_OR_RETURN(s.text, r.Text("text"));
  DOSSIER_ASSIGN_OR_RETURN(s.contact, r.Text("contact"));
  DOSSIER_ASSIGN_OR_RETURN(s.sensitivity, r.SensitivityField());
  DOSSIER_RETURN_IF_ERROR(r.NoUnknownFields());
  return s;
}

}  // namespace dossier
