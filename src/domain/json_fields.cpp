#include "domain/json_fields.h"

#include <fmt/format.h>

namespace dossier {

using nlohmann::json;

Status JsonFields::CheckObject() const {
  if (!j_.is_object()) return Error::Invalid(fmt::format("{}: expected an object", where_));
  return Ok();
}

void JsonFields::NameRecord(const std::string& id) {
  if (!id.empty()) where_ += fmt::format(" (id '{}')", id);
}

Error JsonFields::Bad(std::string_view field, std::string_view what) const {
  return Error::Invalid(fmt::format("{}: field '{}': {}", where_, field, what));
}

Result<std::string> JsonFields::Text(const char* field, bool required) {
  seen_.insert(field);
  if (!j_.contains(field) || j_[field].is_null()) {
    if (required) return Bad(field, "is required");
    return std::string();
  }
  if (!j_[field].is_string()) return Bad(field, "expected text");
  std::string v = j_[field].get<std::string>();
  if (required && v.empty()) return Bad(field, "must not be empty");
  if (v.size() > kMaxText) return Bad(field, fmt::format("too long (at most {} bytes)", kMaxText));
  return v;
}

Result<std::vector<std::string>> JsonFields::TextList(const char* field) {
  seen_.insert(field);
  std::vector<std::string> out;
  if (!j_.contains(field) || j_[field].is_null()) return out;
  if (!j_[field].is_array()) return Bad(field, "expected a list of text");
  for (const auto& e : j_[field]) {
    if (!e.is_string() || e.get_ref<const std::string&>().empty()) return Bad(field, "expected a list of non-empty text");
    out.push_back(e.get<std::string>());
  }
  return out;
}

Result<std::optional<PartialDate>> JsonFields::Date(const char* field, bool required) {
  seen_.insert(field);
  if (!j_.contains(field) || j_[field].is_null()) {
    if (required) return Bad(field, "is required");
    return std::optional<PartialDate>();
  }
  if (!j_[field].is_string()) return Bad(field, "expected a date as text, e.g. \"2012-02\"");
  auto d = PartialDate::Parse(j_[field].get<std::string>());
  if (!d.ok()) return Bad(field, d.error().message);
  return std::optional<PartialDate>(*d);
}

Result<std::optional<ApproximateCount>> JsonFields::Count(const char* field) {
  seen_.insert(field);
  if (!j_.contains(field) || j_[field].is_null()) return std::optional<ApproximateCount>();
  const json& c = j_[field];
  if (!c.is_object() || !c.contains("value") || !c["value"].is_number_integer()) {
    return Bad(field, "expected {\"value\": <whole number>, \"qualifier\": <term>}");
  }
  for (const auto& [k, v] : c.items()) {
    if (k != "value" && k != "qualifier") return Bad(field, fmt::format("unknown field '{}'", k));
  }
  ApproximateCount out;
  out.value = c["value"].get<int64_t>();
  if (c.contains("qualifier")) {
    if (!c["qualifier"].is_string()) return Bad(field, "'qualifier' must be text");
    out.qualifier = c["qualifier"].get<std::string>();
  }
  return std::optional<ApproximateCount>(out);
}

Result<Sensitivity> JsonFields::SensitivityField() {
  DOSSIER_ASSIGN_OR_RETURN(std::string text, Text("sensitivity"));
  if (text.empty()) return Sensitivity::kInternal;
  auto s = ParseSensitivity(text);
  if (!s) return Bad("sensitivity", fmt::format("'{}' is not one of public, internal, restricted", text));
  return *s;
}

const json& JsonFields::Raw(const char* field) {
  seen_.insert(field);
  static const json kNull;
  return j_.contains(field) ? j_[field] : kNull;
}

Status JsonFields::NoUnknownFields() const {
  for (const auto& [k, v] : j_.items()) {
    if (!seen_.count(k)) return Bad(k, "unknown field");
  }
  return Ok();
}

}  // namespace dossier
