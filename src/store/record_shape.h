// How each kind of record is laid out in a backend: its table, which fields are sensitive
// (sealed one by one) and which references it holds. Shared by every backend so that the split
// between clear and sealed fields is decided in exactly one place.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/model.h"
#include "domain/result.h"

namespace dossier {

struct RecordShape {
  RecordKind kind;
  const char* table;
  std::vector<std::string> sensitive_fields;
};

const RecordShape& ShapeOf(RecordKind kind);
const std::vector<RecordKind>& AllRecordKinds();  // in dependency order: sources first

// Splits a record's JSON into its clear part and its sensitive fields (in shape order).
struct SplitRecord {
  nlohmann::ordered_json clear;
  std::vector<std::string> sensitive;  // JSON text of each sensitive field; empty string = absent
};
SplitRecord Split(const RecordShape& shape, const nlohmann::ordered_json& full);

// True when a sensitive field's JSON value carries nothing worth storing ("", [], null).
bool IsEmptyJson(const nlohmann::ordered_json& v);

}  // namespace dossier
