// PartialDate: a calendar date known to the day, the month or the year, possibly only approximately.
//
// Sources say "8 February 2012", "February 2012", "around 1985". The text form follows ISO 8601-2
// (EDTF) level 1: "2012-02-08", "2012-02", "1985", with a trailing "~" for approximate ("1985~").
// Ordering compares the earliest day a date can mean, so ranges and sorting behave.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace dossier {

enum class DatePrecision { kDay, kMonth, kYear };

struct PartialDate {
  int year = 0;
  int month = 0;  // 1..12, or 0 when precision is kYear
  int day = 0;    // 1..31, or 0 unless precision is kDay
  DatePrecision precision = DatePrecision::kYear;
  bool approximate = false;

  static PartialDate Day(int y, int m, int d) { return {y, m, d, DatePrecision::kDay, false}; }
  static PartialDate Month(int y, int m) { return {y, m, 0, DatePrecision::kMonth, false}; }
  static PartialDate Year(int y) { return {y, 0, 0, DatePrecision::kYear, false}; }

  // Parses the EDTF text form; rejects impossible dates such as "2011-02-29" or "2012-13".
  static Result<PartialDate> Parse(std::string_view text);
  std::string ToString() const;

  // Days since 1970-01-01 of the first and last day this date can mean.
  long EarliestDay() const;
  long LatestDay() const;

  bool operator==(const PartialDate&) const = default;
  std::strong_ordering operator<=>(const PartialDate& other) const;
};

bool IsValidCalendarDate(int year, int month, int day);
long DaysFromCivil(int year, int month, int day);

}  // namespace dossier
