// JsonFields: strict reading of one JSON object's fields, for every decoder of request and file
// input (records, cases, interchange).
//
// Each accessor marks its field as seen, so NoUnknownFields() can refuse whatever is left. Errors
// name where the object came from and the field: "persons[4] (id 'p-9'): field 'sex': expected text".
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/model.h"
#include "domain/partial_date.h"
#include "domain/result.h"

namespace dossier {

class JsonFields {
 public:
  // Text longer than this is refused: free text is for testimonies, not for attachments.
  static constexpr size_t kMaxText = 1 << 20;

  JsonFields(const nlohmann::json& j, std::string where) : j_(j), where_(std::move(where)) {}

  Status CheckObject() const;
  // Adds the record's id to `where` for the messages that follow.
  void NameRecord(const std::string& id);
  const std::string& where() const { return where_; }
  Error Bad(std::string_view field, std::string_view what) const;

  void Skip(const char* field) { seen_.insert(field); }
  Result<std::string> Text(const char* field, bool required = false);
  // A list of non-empty texts (ids, codes); absent or null is an empty list.
  Result<std::vector<std::string>> TextList(const char* field);
  Result<std::optional<PartialDate>> Date(const char* field, bool required = false);
  Result<std::optional<ApproximateCount>> Count(const char* field);
  Result<Sensitivity> SensitivityField();
  // The raw value (null when absent), for nested objects the caller reads with its own JsonFields.
  const nlohmann::json& Raw(const char* field);

  Status NoUnknownFields() const;

 private:
  const nlohmann::json& j_;
  std::string where_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace dossier
