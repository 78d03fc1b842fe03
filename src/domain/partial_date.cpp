#include "domain/partial_date.h"

#include <charconv>

#include <fmt/format.h>

namespace dossier {

namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

std::optional<int> ParseDigits(std::string_view s, size_t width) {
  if (s.size() != width) return std::nullopt;
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

bool IsValidCalendarDate(int year, int month, int day) {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= DaysInMonth(year, month);
}

// Howard Hinnant's days_from_civil: proleptic Gregorian calendar, exact for all years used here.
long DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

Result<PartialDate> PartialDate::Parse(std::string_view text) {
  const std::string original(text);
  PartialDate d;
  if (!text.empty() && text.back() == '~') {
    d.approximate = true;
    text.remove_suffix(1);
  }
  auto bad = [&](const char* why) {
    return Error::Invalid(fmt::format("'{}' is not a valid date: {} (expected YYYY, YYYY-MM or "
                                      "YYYY-MM-DD, with a trailing ~ if approximate)",
                                      original, why));
  };
  auto year = ParseDigits(text.substr(0, 4), 4);
  if (!year || *year < 1) return bad("the year must have four digits");
  d.year = *year;
  if (text.size() == 4) {
    d.precision = DatePrecision::kYear;
    return d;
  }
  if (text.size() < 7 || text[4] != '-') return bad("unexpected characters after the year");
  auto month = ParseDigits(text.substr(5, 2), 2);
  if (!month || *month < 1 || *month > 12) return bad("the month must be 01 to 12");
  d.month = *month;
  if (text.size() == 7) {
    d.precision = DatePrecision::kMonth;
    return d;
  }
  if (text.size() != 10 || text[7] != '-') return bad("unexpected characters after the month");
  auto day = ParseDigits(text.substr(8, 2), 2);
  if (!day || !IsValidCalendarDate(d.year, d.month, *day)) return bad("no such day in that month");
  d.day = *day;
  d.precision = DatePrecision::kDay;
  return d;
}

std::string PartialDate::ToString() const {
  std::string s;
  switch (precision) {
    case DatePrecision::kYear: s = fmt::format("{:04d}", year); break;
    case DatePrecision::kMonth: s = fmt::format("{:04d}-{:02d}", year, month); break;
    case DatePrecision::kDay: s = fmt::format("{:04d}-{:02d}-{:02d}", year, month, day); break;
  }
  if (approximate) s += '~';
  return s;
}

long PartialDate::EarliestDay() const {
  return DaysFromCivil(year, precision == DatePrecision::kYear ? 1 : month,
                       precision == DatePrecision::kDay ? day : 1);
}

long PartialDate::LatestDay() const {
  switch (precision) {
    case DatePrecision::kYear: return DaysFromCivil(year, 12, 31);
    case DatePrecision::kMonth: return DaysFromCivil(year, month, DaysInMonth(year, month));
    case DatePrecision::kDay: return DaysFromCivil(year, month, day);
  }
  return EarliestDay();
}

std::strong_ordering PartialDate::operator<=>(const PartialDate& o) const {
  if (auto c = EarliestDay() <=> o.EarliestDay(); c != 0) return c;
  if (auto c = LatestDay() <=> o.LatestDay(); c != 0) return c;
  return approximate <=> o.approximate;
}

}  // namespace dossier
