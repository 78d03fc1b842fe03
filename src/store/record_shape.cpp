#include "store/record_shape.h"

namespace dossier {

const RecordShape& ShapeOf(RecordKind kind) {
  static const RecordShape kSource{RecordKind::kSource, "sources", {"text", "contact"}};
  static const RecordShape kPerson{RecordKind::kPerson, "persons", {"names", "birth_date", "links", "notes"}};
  static const RecordShape kIncident{RecordKind::kIncident, "incidents", {"title", "description"}};
  static const RecordShape kAct{RecordKind::kAct, "acts", {"notes"}};
  static const RecordShape kInvolvement{RecordKind::kInvolvement, "involvements", {}};
  switch (kind) {
    case RecordKind::kSource: return kSource;
    case RecordKind::kPerson: return kPerson;
    case RecordKind::kIncident: return kIncident;
    case RecordKind::kAct: return kAct;
    case RecordKind::kInvolvement: return kInvolvement;
  }
  return kSource;
}

const std::vector<RecordKind>& AllRecordKinds() {
  static const std::vector<RecordKind> kAll = {RecordKind::kSource, RecordKind::kPerson, RecordKind::kIncident,
                                               RecordKind::kAct, RecordKind::kInvolvement};
  return kAll;
}

bool IsEmptyJson(const nlohmann::ordered_json& v) {
  return v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty()) || (v.is_array() && v.empty());
}

SplitRecord Split(const RecordShape& shape, const nlohmann::ordered_json& full) {
  SplitRecord out;
  out.clear = full;
  for (const auto& field : shape.sensitive_fields) {
    const auto& v = full.at(field);
    out.sensitive.push_back(IsEmptyJson(v) ? std::string() : v.dump());
    out.clear.erase(field);
  }
  return out;
}

}  // namespace dossier
