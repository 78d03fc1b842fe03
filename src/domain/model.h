// The documentation model, after the HURIDOCS Events Standard Formats, fitted to forced-return cases.
//
//   Source      where a fact comes from (testimony, NGO report, news article, ...).
//   Person      a victim, perpetrator or relative; or a family or group counted as one unit.
//   Incident    something that happened at a place and time (arrest, forced return, ...).
//   Act         one victim in one incident, with the violations and legal provisions engaged.
//   Involvement one perpetrator (person or organisation) in one act, with a degree.
//
// Records refer to each other by id. Every person, incident, act and involvement cites at least one
// source. Coded fields hold terms of the controlled vocabularies (see vocabulary.h); places hold
// gazetteer codes. These are plain value types; validation lives in validate.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/partial_date.h"

namespace dossier {

// How far a record may travel: public records can be published, internal stay within the
// organisation, restricted ones are shown only to roles cleared for them.
enum class Sensitivity { kPublic, kInternal, kRestricted };

struct PersonName {
  std::string value;   // as written in the source: "리순희", "李顺姬", "Ri Sun-hui"
  std::string script;  // vocabulary "scripts": hangul, hanja, latin, chinese, other
  std::string kind;    // vocabulary "name_kinds": legal, alias, false_identity, birth, ...
  bool operator==(const PersonName&) const = default;
};

// A number that sources often give loosely: "more than 30", "about 12", "at least 5".
struct ApproximateCount {
  int64_t value = 0;
  std::string qualifier = "exact";  // vocabulary "count_qualifiers": exact, about, at_least, more_than
  bool operator==(const ApproximateCount&) const = default;
};

struct PersonLink {
  std::string relation;   // vocabulary "relations": parent, child, spouse, sibling, ...
  std::string person_id;  // the other person
  bool operator==(const PersonLink&) const = default;
};

struct Person {
  std::string id;
  std::vector<PersonName> names;       // sensitive
  std::string sex = "unknown";         // vocabulary "sexes"
  std::optional<PartialDate> birth_date;  // sensitive
  std::string origin;                  // gazetteer code, e.g. "kp-nh-onsong"; may be empty
  std::string unit = "individual";     // vocabulary "counting_units": individual, family, group
  std::optional<ApproximateCount> group_size;  // for families and groups
  std::vector<PersonLink> links;       // sensitive
  Sensitivity sensitivity = Sensitivity::kInternal;
  std::string notes;                   // sensitive free text
  std::vector<std::string> source_ids;
  bool operator==(const Person&) const = default;
};

struct Incident {
  std::string id;
  std::string type;                 // vocabulary "incident_types"
  std::string title;                // sensitive free text
  PartialDate start;
  std::optional<PartialDate> end;   // for a date range
  std::string place;                // gazetteer code
  std::string description;          // sensitive free text
  std::vector<std::string> perpetrator_orgs;  // vocabulary "organisations"
  std::optional<ApproximateCount> victim_count;  // when victims are counted, not named
  Sensitivity sensitivity = Sensitivity::kInternal;
  std::vector<std::string> source_ids;
  bool operator==(const Incident&) const = default;
};

struct Act {
  std::string id;
  std::string incident_id;
  std::string victim_id;                 // a Person (individual, family or group)
  std::vector<std::string> violations;   // vocabulary "violations"
  std::vector<std::string> provisions;   // vocabulary "legal_provisions"
  std::string notes;                     // sensitive free text
  std::vector<std::string> source_ids;
  bool operator==(const Act&) const = default;
};

struct Involvement {
  std::string id;
  std::string act_id;
  std::string perpetrator_person_id;  // exactly one of these two is set
  std::string perpetrator_org;        // vocabulary "organisations"
  std::string degree;                 // vocabulary "involvement_degrees"
  std::vector<std::string> source_ids;
  bool operator==(const Involvement&) const = default;
};

struct Source {
  std::string id;
  std::string kind;          // vocabulary "source_kinds": testimony, ngo_report, news_article, ...
  std::string title;         // public citation title; for testimonies a neutral label
  std::optional<PartialDate> date;
  std::string language;      // vocabulary "languages": ko, en, zh, ...
  std::string reliability = "unknown";  // vocabulary "reliability"
  std::string publisher;     // organisation or outlet
  std::string url;
  std::string text;          // sensitive: testimony text or document body
  std::string contact;       // sensitive: how to reach the informant
  Sensitivity sensitivity = Sensitivity::kInternal;
  bool operator==(const Source&) const = default;
};

const char* SensitivityName(Sensitivity s);
std::optional<Sensitivity> ParseSensitivity(std::string_view text);

}  // namespace dossier

namespace dossier {

enum class RecordKind { kPerson, kIncident, kAct, kInvolvement, kSource };
const char* RecordKindName(RecordKind kind);  // "person", "incident", ...

}  // namespace dossier
