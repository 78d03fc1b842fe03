// JSON form of the model records: the one encoding used by the interchange format, the HTTP API
// and the store's audit trail.
//
// Encoding is deterministic (every field always present, in a fixed order), so an export that is
// imported and exported again is byte-identical. Decoding is strict: wrong types and unknown
// fields are errors naming the record and the field, e.g. "person p-7: field 'sex': expected text".
// Decoding checks shape only; meaning (vocabulary terms, references) is checked by validate.h.
#pragma once

#include <nlohmann/json.hpp>

#include "domain/model.h"
#include "domain/result.h"

namespace dossier {

nlohmann::ordered_json ToJson(const Person& p);
nlohmann::ordered_json ToJson(const Incident& i);
nlohmann::ordered_json ToJson(const Act& a);
nlohmann::ordered_json ToJson(const Involvement& v);
nlohmann::ordered_json ToJson(const Source& s);

// `where` prefixes error messages, e.g. "persons[3]"; the record id is added when known.
Result<Person> PersonFromJson(const nlohmann::json& j, const std::string& where);
Result<Incident> IncidentFromJson(const nlohmann::json& j, const std::string& where);
Result<Act> ActFromJson(const nlohmann::json& j, const std::string& where);
Result<Involvement> InvolvementFromJson(const nlohmann::json& j, const std::string& where);
Result<Source> SourceFromJson(const nlohmann::json& j, const std::string& where);

}  // namespace dossier
