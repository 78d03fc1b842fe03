// Dates in articles: absolute forms in English, Korean and numeric notation, and relative ones
// ("later this month", "지난주") resolved against the publication date with the precision they
// really have: a day, a month, a year, or a range of days written "first/last" (EDTF interval).
#include <algorithm>
#include <functional>
#include <regex>

#include <fmt/format.h>

#include "evidence/ingest.h"
#include "evidence/ingest_internal.h"

namespace dossier::evidence {

namespace {

struct Civil {
  int y, m, d;
};

// Inverse of DaysFromCivil (H. Hinnant's algorithm).
Civil CivilFromDays(long z) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long y = yoe + era * 400;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const long d = doy - (153 * mp + 2) / 5 + 1;
  const long m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

std::string DayText(long days) {
  const Civil c = CivilFromDays(days);
  return PartialDate::Day(c.y, c.m, c.d).ToString();
}

std::string RangeText(long first, long last) {
  if (first == last) return DayText(first);
  return DayText(first) + "/" + DayText(last);
}

std::string MonthText(int y, int m) {
  while (m < 1) m += 12, --y;
  while (m > 12) m -= 12, ++y;
  return PartialDate::Month(y, m).ToString();
}

// Monday = 0.
int Weekday(long days) { return static_cast<int>(((days + 3) % 7 + 7) % 7); }

int MonthNumber(std::string name) {
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static constexpr const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                            "jul", "aug", "sep", "oct", "nov", "dec"};
  for (int i = 0; i < 12; ++i) {
    if (name.rfind(kMonths[i], 0) == 0) return i + 1;
  }
  return 0;
}

int WeekdayNumber(std::string name) {
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static constexpr const char* kEn[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  static constexpr const char* kKo[] = {"월", "화", "수", "목", "금", "토", "일"};
  for (int i = 0; i < 7; ++i) {
    if (name.rfind(kEn[i], 0) == 0 || name.rfind(kKo[i], 0) == 0) return i;
  }
  return -1;
}

struct Resolved {
  std::string value;
  double confidence;
  std::string note;
};

using Resolver = std::function<std::optional<Resolved>(const std::smatch&, const std::optional<long>& published)>;

struct Rule {
  std::regex pattern;
  bool relative;
  Resolver resolve;
};

const char* const kMonth =
    "(January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)";
const char* const kWeekday = "(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";

std::regex En(const std::string& p) { return std::regex(p, std::regex::ECMAScript | std::regex::icase); }
std::regex Ko(const std::string& p) { return std::regex(p, std::regex::ECMAScript); }

std::optional<Resolved> Day(int y, int m, int d, double confidence, std::string note = "") {
  if (!IsValidCalendarDate(y, m, d) || y < 1900 || y > 2200) return std::nullopt;
  return Resolved{PartialDate::Day(y, m, d).ToString(), confidence, std::move(note)};
}

int Num(const std::smatch& m, int i) { return std::stoi(m[i].str()); }

std::string Pub(long p) { return fmt::format("relative to the publication date {}", DayText(p)); }

// The `wd` day on or before `p` (or strictly before with `strict`), or after it for the future.
long NearestWeekday(long p, int wd, bool future, bool strict) {
  if (future) {
    long d = p + 1;
    while (Weekday(d) != wd) ++d;
    return d;
  }
  long d = strict ? p - 1 : p;
  while (Weekday(d) != wd) --d;
  return d;
}

// Looks back a few words for "will" / "next" / "예정" to tell a planned event from a past one.
bool FutureContext(const std::string& text, size_t at, size_t end) {
  const size_t from = at > 60 ? at - 60 : 0;
  const std::string before = text.substr(from, at - from);
  static const std::regex kWill = En("\\b(will|would|is to|are to|is expected to|are expected to|plans? to|scheduled)\\b");
  const std::string after = text.substr(end, std::min<size_t>(40, text.size() - end));
  return std::regex_search(before, kWill) || after.find("예정") != std::string::npos;
}

const std::vector<Rule>& Rules() {
  static const std::vector<Rule> kRules = [] {
    std::vector<Rule> r;
    const std::string M = kMonth;
    // ---- absolute, English
    r.push_back({En("\\b" + M + "\\.? (\\d{1,2})(?:st|nd|rd|th)?,? (\\d{4})\\b"), false,
                 [](const std::smatch& m, const std::optional<long>&) {
                   return Day(Num(m, 3), MonthNumber(m[1]), Num(m, 2), 0.95);
                 }});
    r.push_back({En("\\b(\\d{1,2})(?:st|nd|rd|th)? (?:of )?" + M + "\\.?,? (\\d{4})\\b"), false,
                 [](const std::smatch& m, const std::optional<long>&) {
                   return Day(Num(m, 3), MonthNumber(m[2]), Num(m, 1), 0.95);
                 }});
    r.push_back({En("\\b(?:(early|mid|late)[- ])?" + M + ",? (\\d{4})\\b"), false,
                 [](const std::smatch& m, const std::optional<long>&) -> std::optional<Resolved> {
                   const int y = Num(m, 3), mo = MonthNumber(m[2]);
                   if (y < 1900 || y > 2200) return std::nullopt;
                   if (m[1].matched) {
                     // "early February 2012": days 1-10, "mid": 11-20, "late": 21 to the end.
                     const std::string part = m[1].str();
                     const int first = std::tolower(part[0]) == 'e' ? 1 : std::tolower(part[0]) == 'm' ? 11 : 21;
                     const int last = first == 21 ? DaysInMonth(y, mo) : first + 9;
                     return Resolved{RangeText(DaysFromCivil(y, mo, first), DaysFromCivil(y, mo, last)), 0.8,
                                     "a third of the month"};
                   }
                   return Resolved{PartialDate::Month(y, mo).ToString(), 0.9, ""};
                 }});
    r.push_back({En("\\b" + M + "\\.? (\\d{1,2})(?:st|nd|rd|th)?\\b(?!,? \\d)"), false,
                 [](const std::smatch& m, const std::optional<long>& p) -> std::optional<Resolved> {
                   if (!p) return std::nullopt;
                   return Day(CivilFromDays(*p).y, MonthNumber(m[1]), Num(m, 2), 0.7,
                              "no year written: the publication year is assumed");
                 }});
    r.push_back({En("\\b(\\d{1,2})(?:st|nd|rd|th)? (?:of )?" + M + "\\b(?!\\.?,? \\d)"), false,
                 [](const std::smatch& m, const std::optional<long>& p) -> std::optional<Resolved> {
                   if (!p) return std::nullopt;
                   return Day(CivilFromDays(*p).y, MonthNumber(m[2]), Num(m, 1), 0.7,
                              "no year written: the publication year is assumed");
                 }});
    r.push_back({En("\\b(?:in|since|during|until|by|of) (\\d{4})\\b(?![-./년])"), false,
                 [](const std::smatch& m, const std::optional<long>&) -> std::optional<Resolved> {
                   const int y = Num(m, 1);
                   if (y < 1900 || y > 2200) return std::nullopt;
                   return Resolved{PartialDate::Year(y).ToString(), 0.6, ""};
                 }});
    // ---- absolute, numeric
    r.push_back({Ko("\\b(\\d{4})-(\\d{2})-(\\d{2})\\b"), false, [](const std::smatch& m, const std::optional<long>&) {
                   return Day(Num(m, 1), Num(m, 2), Num(m, 3), 0.95);
                 }});
    r.push_back({Ko("\\b(\\d{4}) ?([./]) ?(\\d{1,2}) ?\\2 ?(\\d{1,2})\\b\\.?"), false,
                 [](const std::smatch& m, const std::optional<long>&) {
                   return Day(Num(m, 1), Num(m, 3), Num(m, 4), 0.9);
                 }});
    // ---- absolute, Korean and Chinese
    r.push_back({Ko("(\\d{4})\\s*(?:년|年)\\s*(\\d{1,2})\\s*(?:월|月)\\s*(\\d{1,2})\\s*(?:일|日)"), false,
                 [](const std::smatch& m, const std::optional<long>&) {
                   return Day(Num(m, 1), Num(m, 2), Num(m, 3), 0.95);
                 }});
    r.push_back({Ko("(\\d{4})\\s*(?:년|年)\\s*(\\d{1,2})\\s*(?:월|月)(\\s*(초|중순|말))?"), false,
                 [](const std::smatch& m, const std::optional<long>&) -> std::optional<Resolved> {
                   const int y = Num(m, 1), mo = Num(m, 2);
                   if (mo < 1 || mo > 12 || y < 1900 || y > 2200) return std::nullopt;
                   if (m[4].matched) {
                     const std::string part = m[4].str();
                     const int first = part == "초" ? 1 : part == "중순" ? 11 : 21;
                     const int last = first == 21 ? DaysInMonth(y, mo) : first + 9;
                     return Resolved{RangeText(DaysFromCivil(y, mo, first), DaysFromCivil(y, mo, last)), 0.8,
                                     "a third of the month"};
                   }
                   return Resolved{PartialDate::Month(y, mo).ToString(), 0.9, ""};
                 }});
    r.push_back({Ko("(?:^|[^\\d])(\\d{1,2})\\s*월\\s*(\\d{1,2})\\s*일"), false,
                 [](const std::smatch& m, const std::optional<long>& p) -> std::optional<Resolved> {
                   if (!p) return std::nullopt;
                   return Day(CivilFromDays(*p).y, Num(m, 1), Num(m, 2), 0.7,
                              "no year written: the publication year is assumed");
                 }});
    r.push_back({Ko("(\\d{4})\\s*년(?!\\s*\\d)"), false, [](const std::smatch& m, const std::optional<long>&) -> std::optional<Resolved> {
                   const int y = Num(m, 1);
                   if (y < 1900 || y > 2200) return std::nullopt;
                   return Resolved{PartialDate::Year(y).ToString(), 0.6, ""};
                 }});
    // ---- relative, English
    r.push_back({En("\\b(today|yesterday)\\b"), true, [](const std::smatch& m, const std::optional<long>& p) -> std::optional<Resolved> {
                   if (!p) return std::nullopt;
                   const bool today = std::tolower(m[1].str()[0]) == 't';
                   return Resolved{DayText(today ? *p : *p - 1), 0.8, Pub(*p)};
                 }});
    r.push_back({En("\\b(earlier|later) this (week|month|year)\\b"), true,
                 [](const std::smatch& m, const std::optional<long>& p) -> std::optional<Resolved> {
                   if (!p) return std::nullopt;
                   const Civil c = CivilFromDays(*p);
                   const std::string unit = m[2].str();
                   long first, last;
                   if (std::tolower(unit[0]) == 'w') {
                     first = *p - Weekday(*p);
                     last = first + 6;
                   } else if (std::tolower(unit[0]) == 'm') {
                     first = DaysFromCivil(c.y, c.m, 1);
                     last = DaysFromCivil(c.y, c.m, DaysInMonth(c.y, c.m));
                   } else {
                     first = DaysFromCivil(c.y, 1, 1);
                     last = DaysFromCivil(c.y, 12, 31);
                   }
                   const bool earlier = std::tolower(m[1].str()[0]) == 'e';
                   if (earlier) last = *p - 1; else first = *p + 1;
                   if (first > last) return std::nullopt;
                   return Resolved{RangeText(first, last), 0.75, Pub(*p)};
                 }});
    r.push_back({En("\\b(last|this|next) (week|month|year)\\b"), true,
                 [](const std::smatch& m, const std::optional<long>& p) -> std::optional<Resolved> {
                   if (!p) return std::nullopt;
                   const Civil c = CivilFromDays(*p);
                   const char which = static_cast<char>(std::tolower(m[1].str()[0]));
                   const int shift = which == 'l' ? -1 : which == 'n' ? 1 : 0;
                   const char unit = static_cast<char>(std::tolower(m[2].str()[0]));
                   if (unit == 'w') {
                     const long monday = *p - Weekday(*p) + 7 * shift;
                     return Resolved{RangeText(monday, monday + 6), 0.75, Pub(*p)};
                   }
                   if (unit == 'm') return Resolved{MonthText(c.y, c.m + shift), 0.8, Pub(*p)};
                   return Resolved{PartialDate::Year(c.y + shift).ToString(), 0.8, Pub(*p)};
                 }});
    r.push_back({En("\\b(?:(last|next|this|on|since) )?" + std::string(kWeekday) + "\\b"), true,
                 [](const std::smatch& m, const std::optional<long>& p) -> std::optional<Resolved> {
                   if (!p) return std::nullopt;
                   const int wd = WeekdayNumber(m[2]);
                   const std::string w = m[1].matched ? m[1].str() : "";
                   const bool next = !w.empty() && std::tolower(w[0]) == 'n';
                   const bool last = !w.empty() && std::tolower(w[0]) == 'l';
                   // The future is decided by the caller's context check (see ExtractDates).
                   const long d = NearestWeekday(*p, wd, next, last);
                   return Resolved{DayText(d), w.empty() ? 0.55 : 0.65, Pub(*p) + ", the nearest " + m[2].str() +
                                                                          (next ? " after it" : " on or before it")};
                 }});
    // ---- relative, Korean
    r.push_back({Ko("(오늘|어제|그저께|그제)"), true, [](const std::smatch& m, const std::optional<long>& p) -> std::optional<Resolved> {
                   if (!p) return std::nullopt;
                   const std::string w = m[1].str();
                   const long d = w == "오늘" ? *p : w == "어제" ? *p - 1 : *p - 2;
                   return Resolved{DayText(d), 0.8, Pub(*p)};
                 }});
    // The month forms come first: "지난달 말" must not stop at "지난달".
    r.push_back({Ko("(이달|이번\\s?달|지난\\s?달|다음\\s?달)(\\s?(초|중순|말))?|(지난|이번|다음)\\s?(주)"), true,
                 [](const std::smatch& m, const std::optional<long>& p) -> std::optional<Resolved> {
                   if (!p) return std::nullopt;
                   const Civil c = CivilFromDays(*p);
                   std::string which, unit = "달";
                   if (m[4].matched) {
                     which = m[4].str();
                     unit = "주";
                   } else {
                     const std::string w = m[1].str();
                     which = w.starts_with("지난") ? "지난" : w.starts_with("다음") ? "다음" : "이번";
                   }
                   const int shift = which == "지난" ? -1 : which == "다음" ? 1 : 0;
                   if (unit == "주") {
                     const long monday = *p - Weekday(*p) + 7 * shift;
                     return Resolved{RangeText(monday, monday + 6), 0.75, Pub(*p)};
                   }
                   int y = c.y, mo = c.m + shift;
                   if (mo < 1) mo += 12, --y;
                   if (mo > 12) mo -= 12, ++y;
                   if (m[3].matched) {
                     const std::string part = m[3].str();
                     const int first = part == "초" ? 1 : part == "중순" ? 11 : 21;
                     const int last = first == 21 ? DaysInMonth(y, mo) : first + 9;
                     return Resolved{RangeText(DaysFromCivil(y, mo, first), DaysFromCivil(y, mo, last)), 0.7,
                                     Pub(*p) + "; a third of the month"};
                   }
                   return Resolved{MonthText(y, mo), 0.8, Pub(*p)};
                 }});
    r.push_back({Ko("(지난해|작년|올해|내년)"), true, [](const std::smatch& m, const std::optional<long>& p) -> std::optional<Resolved> {
                   if (!p) return std::nullopt;
                   const std::string w = m[1].str();
                   const int y = CivilFromDays(*p).y + (w == "올해" ? 0 : w == "내년" ? 1 : -1);
                   return Resolved{PartialDate::Year(y).ToString(), 0.8, Pub(*p)};
                 }});
    // "지난 8일" (the 8th just past), "오는 20일" (the coming 20th): Korean news name days this way.
    r.push_back({Ko("(지난|오는)\\s?(\\d{1,2})일"), true,
                 [](const std::smatch& m, const std::optional<long>& p) -> std::optional<Resolved> {
                   if (!p) return std::nullopt;
                   const Civil c = CivilFromDays(*p);
                   const int day = Num(m, 2);
                   const bool past = m[1].str() == "지난";
                   int y = c.y, mo = c.m;
                   if (past && day > c.d) mo -= 1;
                   if (!past && day < c.d) mo += 1;
                   if (mo < 1) mo += 12, --y;
                   if (mo > 12) mo -= 12, ++y;
                   return Day(y, mo, day, 0.8, Pub(*p));
                 }});
    r.push_back({Ko("(?:(지난|이번|다음)\\s?주\\s?)?(월|화|수|목|금|토|일)요일"), true,
                 [](const std::smatch& m, const std::optional<long>& p) -> std::optional<Resolved> {
                   if (!p) return std::nullopt;
                   const int wd = WeekdayNumber(m[2]);
                   const std::string w = m[1].matched ? m[1].str() : "";
                   long d;
                   if (w.empty()) {
                     d = NearestWeekday(*p, wd, false, false);
                   } else {
                     const int shift = w == "지난" ? -1 : w == "다음" ? 1 : 0;
                     d = *p - Weekday(*p) + 7 * shift + wd;
                   }
                   return Resolved{DayText(d), w.empty() ? 0.55 : 0.7, Pub(*p)};
                 }});
    return r;
  }();
  return kRules;
}

}  // namespace

std::vector<Candidate> ExtractDates(std::string_view text_view, const std::optional<PartialDate>& published) {
  const std::string text(text_view);
  std::optional<long> pub;
  if (published && published->precision == DatePrecision::kDay) pub = published->EarliestDay();
  std::vector<Candidate> found;
  for (const Rule& rule : Rules()) {
    for (auto it = std::sregex_iterator(text.begin(), text.end(), rule.pattern); it != std::sregex_iterator(); ++it) {
      const std::smatch& m = *it;
      auto r = rule.resolve(m, pub);
      if (!r) continue;
      size_t begin = static_cast<size_t>(m.position(0));
      size_t end = begin + static_cast<size_t>(m.length(0));
      // Patterns that need a non-digit before them consume it; the span starts at the date.
      while (begin < end && !(std::isalnum(static_cast<unsigned char>(text[begin])) ||
                              static_cast<unsigned char>(text[begin]) >= 0x80)) {
        ++begin;
      }
      while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '.')) --end;
      // A bare weekday in a sentence about the future ("will meet on Tuesday") is the next one.
      const bool bare_weekday = r->note.find("on or before") != std::string::npos &&
                                (!m[1].matched || m[1].str().size() == 2);  // no word, or "on"
      if (rule.relative && pub && bare_weekday && FutureContext(text, begin, end)) {
        r->value = DayText(NearestWeekday(*pub, WeekdayNumber(m[2]), true, false));
        r->note = Pub(*pub) + ", the next " + m[2].str() + " (the sentence speaks of the future)";
      }
      Candidate c;
      c.kind = "date";
      c.begin = begin;
      c.end = end;
      c.quote = text.substr(begin, end - begin);
      c.value = r->value;
      c.qualifier = rule.relative ? "relative" : "absolute";
      c.confidence = r->confidence;
      c.note = r->note;
      found.push_back(std::move(c));
    }
  }
  return KeepLongest(std::move(found));
}

}  // namespace dossier::evidence
