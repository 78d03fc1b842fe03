// Validation of records against the catalog (vocabulary terms, gazetteer places), the calendar
// (no impossible or future dates) and each other (no dangling references).
//
// Every message names the record and the field, e.g.
//   "person 'p-12': field 'birth_date': 2031-01 is in the future".
// Validation is pure: it reads the record, the catalog and an existence oracle, and writes nothing.
#pragma once

#include <functional>
#include <string_view>

#include "domain/catalog.h"
#include "domain/model.h"
#include "domain/result.h"

namespace dossier {

// Answers whether a record of a kind exists; the store and the importer each supply one.
using ExistsFn = std::function<bool(RecordKind kind, std::string_view id)>;

class Validator {
 public:
  // `today_days`: days since 1970-01-01 of the current date (injectable for tests).
  Validator(const Catalog& catalog, ExistsFn exists, long today_days);
  // Uses the system clock for today.
  Validator(const Catalog& catalog, ExistsFn exists);

  Status Check(const Person& p) const;
  Status Check(const Incident& i) const;
  Status Check(const Act& a) const;
  Status Check(const Involvement& v) const;
  Status Check(const Source& s) const;

 private:
  const Catalog& catalog_;
  ExistsFn exists_;
  long today_;
};

long TodayDays();

}  // namespace dossier
