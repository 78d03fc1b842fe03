// Candidate facts in a document's text: places, organisations and incident types from the lexicon,
// counts of people, persons named, and dates (ingest_dates.cpp).
#include "evidence/ingest.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "domain/csv.h"
#include "evidence/ingest_internal.h"

namespace dossier::evidence {

namespace {

using nlohmann::json;

bool IsHangul(char32_t c) { return c >= 0xAC00 && c <= 0xD7A3; }
bool IsAsciiWord(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The code point that starts at byte `i` (and its length), or ends just before byte `i`.
char32_t DecodeAt(std::string_view s, size_t i, size_t* len = nullptr) {
  if (i >= s.size()) return 0;
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
  if (i + n > s.size()) n = 1;
  if (len) *len = n;
  if (n == 1) return c;
  char32_t cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return cp;
}
char32_t DecodeBefore(std::string_view s, size_t i) {
  if (i == 0) return 0;
  size_t b = i - 1;
  while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
  return DecodeAt(s, b);
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool HasLatin(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
}

Result<json> ReadJson(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Io(fmt::format("{}: cannot open", path));
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    return Error::Invalid(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
}

// Reads a file of entries {"code": ..., "en": [...], "ko": [...], "zh": [...]} under `list`.
Status ReadAliases(const std::string& path, const char* list, const std::function<bool(const std::string&)>& known,
                   double confidence, std::vector<Lexicon::Entry>& out) {
  DOSSIER_ASSIGN_OR_RETURN(json j, ReadJson(path));
  if (!j.is_object() || !j.contains(list) || !j[list].is_array()) {
    return Error::Invalid(fmt::format("{}: expected an object with an array '{}'", path, list));
  }
  size_t index = 0;
  for (const auto& e : j[list]) {
    const std::string where = fmt::format("{}: {}[{}]", path, list, index++);
    if (!e.is_object() || !e.contains("code") || !e["code"].is_string()) {
      return Error::Invalid(fmt::format("{}: field 'code' is required text", where));
    }
    const std::string code = e["code"];
    if (!known(code)) return Error::Invalid(fmt::format("{}: field 'code': unknown code '{}'", where, code));
    for (const char* lang : {"en", "ko", "zh"}) {
      if (!e.contains(lang)) continue;
      if (!e[lang].is_array()) return Error::Invalid(fmt::format("{}: field '{}' must be a list of texts", where, lang));
      for (const auto& s : e[lang]) {
        if (!s.is_string() || s.get<std::string>().empty()) {
          return Error::Invalid(fmt::format("{}: field '{}' must be a list of non-empty texts", where, lang));
        }
        out.push_back({s.get<std::string>(), code, confidence});
      }
    }
  }
  return Ok();
}

// The ways a gazetteer label is written in running text: "Kangwon (DPRK)" -> "Kangwon",
// "辽宁省" -> also "辽宁", "랴오닝성" -> also "랴오닝".
std::vector<std::string> LabelForms(const Place& p, const std::string& lang, const std::string& label) {
  std::vector<std::string> forms;
  std::string base = label;
  if (auto paren = base.find('('); paren != std::string::npos && paren > 0) {
    base = base.substr(0, paren);
    while (!base.empty() && base.back() == ' ') base.pop_back();
  }
  forms.push_back(base);
  if (p.level == "province") {
    for (const std::string suffix : {"省", "市", "성"}) {
      if (base.size() > suffix.size() + 3 && base.ends_with(suffix) && (lang != "ko" || base.size() >= 9)) {
        forms.push_back(base.substr(0, base.size() - suffix.size()));
      }
    }
  }
  return forms;
}

struct Match {
  size_t begin, end;
  const Lexicon::Entry* entry;
};

// Finds every entry in the text. Latin entries match case-insensitively on word boundaries (a
// trailing '*' allows any ending); Hangul entries of places and organisations must start a word
// (Korean words are separated by spaces, particles follow), Han entries match anywhere.
std::vector<Match> FindEntries(std::string_view text, const std::string& lowered, const std::vector<Lexicon::Entry>& entries,
                               bool hangul_word_start) {
  std::vector<Match> out;
  for (const auto& e : entries) {
    const bool latin = HasLatin(e.surface);
    const bool prefix = latin && e.surface.ends_with('*');
    const std::string needle = latin ? LowerAscii(prefix ? e.surface.substr(0, e.surface.size() - 1) : e.surface)
                                     : e.surface;
    const std::string& hay = lowered;  // only ASCII letters differ from the text
    for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) {
      size_t end = at + needle.size();
      if (latin) {
        if (at > 0 && IsAsciiWord(text[at - 1])) continue;
        if (prefix) {
          while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) ++end;
        } else if (end < text.size() && IsAsciiWord(text[end])) {
          continue;
        }
        // Acronyms (UNHCR, HRW, DPRK) only as written in capitals.
        const bool acronym = e.surface.size() <= 6 &&
            std::all_of(e.surface.begin(), e.surface.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)) || c == '.'; });
        if (acronym && text.substr(at, needle.size()) != e.surface) continue;
      } else if (hangul_word_start && IsHangul(DecodeAt(e.surface, 0)) && IsHangul(DecodeBefore(text, at))) {
        continue;
      }
      out.push_back({at, end, &e});
    }
  }
  return out;
}

// A Hangul place name of two syllables followed by a verb ending is a word, not a place:
// "무산됐다" (was foiled) is not Musan.
bool FollowedByVerb(std::string_view text, size_t end) {
  static const std::u32string kEndings = U"되돼됐됨하했한해시";
  const char32_t next = DecodeAt(text, end);
  return kEndings.find(next) != std::u32string::npos;
}

std::vector<Candidate> LexiconCandidates(std::string_view text, const std::string& lowered,
                                         const std::vector<Lexicon::Entry>& entries, const char* kind,
                                         bool hangul_word_start) {
  std::vector<Candidate> found;
  for (const Match& m : FindEntries(text, lowered, entries, hangul_word_start)) {
    double confidence = m.entry->confidence;
    std::string note;
    const std::u32string surface = linkage::ToU32(m.entry->surface);
    const bool short_hangul = surface.size() <= 2 && !surface.empty() && IsHangul(surface[0]);
    if (std::string_view(kind) == "place" && short_hangul) {
      if (FollowedByVerb(text, m.end)) continue;
      confidence = std::min(confidence, 0.7);
      note = "a two-syllable Korean name: check it is the place";
    }
    found.push_back({kind, m.begin, m.end, std::string(text.substr(m.begin, m.end - m.begin)), m.entry->code, "", "",
                     confidence, note});
  }
  return KeepLongest(std::move(found));
}

// ---------------------------------------------------------------- counts of people

int NumberWord(const std::string& w) {
  static const std::map<std::string, int> kWords = {
      {"two", 2},      {"three", 3},     {"four", 4},     {"five", 5},       {"six", 6},         {"seven", 7},
      {"eight", 8},    {"nine", 9},      {"ten", 10},     {"eleven", 11},    {"twelve", 12},     {"thirteen", 13},
      {"fourteen", 14}, {"fifteen", 15}, {"sixteen", 16}, {"seventeen", 17}, {"eighteen", 18},   {"nineteen", 19},
      {"twenty", 20},  {"thirty", 30},   {"forty", 40},   {"fifty", 50},     {"a dozen", 12},    {"one hundred", 100},
      {"a hundred", 100}};
  auto it = kWords.find(LowerAscii(w));
  return it == kWords.end() ? -1 : it->second;
}

int64_t ParseNumber(const std::string& digits) {
  std::string d;
  for (char c : digits) {
    if (c != ',') d += c;
  }
  return d.empty() || d.size() > 9 ? -1 : std::stoll(d);
}

std::string EnglishQualifier(std::string q) {
  q = LowerAscii(q);
  if (q.empty()) return "exact";
  if (q == "more than" || q == "over" || q == "upwards of") return "more_than";
  if (q == "at least" || q == "no fewer than" || q == "no less than" || q == "a minimum of") return "at_least";
  if (q == "fewer than" || q == "less than" || q == "under") return "fewer_than";
  return "about";  // about, around, approximately, some, nearly, almost, roughly, up to, as many as
}

std::vector<Candidate> CountCandidates(const std::string& text) {
  std::vector<Candidate> found;
  static const std::regex kEnglish(
      "\\b(?:(more than|over|upwards of|at least|no fewer than|no less than|a minimum of|fewer than|less than|under|"
      "about|around|approximately|some|nearly|almost|roughly|up to|as many as)\\s+)?"
      "(\\d{1,3}(?:,\\d{3})+|\\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
      "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|a dozen|one hundred|a hundred)"
      "\\s+(?:other\\s+|more\\s+|of\\s+the\\s+)?(?:(?:north korean|young|female|male|elderly|suspected)\\s+)*"
      "(people|persons|north koreans|defectors|refugees|escapees|women|men|children|individuals|detainees|asylum[- ]seekers|"
      "migrants|family members|relatives|prisoners|girls|boys|teenagers|minors|families)\\b",
      std::regex::ECMAScript | std::regex::icase);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kEnglish); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    const std::string n = m[2].str();
    int64_t value = std::isdigit(static_cast<unsigned char>(n[0])) ? ParseNumber(n) : NumberWord(n);
    if (value <= 0) continue;
    // A year is not a head count ("in 2012 people ..."): four-digit numbers from 1900 need a qualifier.
    if (value >= 1900 && value <= 2200 && n.find(',') == std::string::npos && !m[1].matched) continue;
    const size_t begin = static_cast<size_t>(m.position(0)), end = begin + static_cast<size_t>(m.length(0));
    std::string q = EnglishQualifier(m[1].matched ? m[1].str() : "");
    std::string note = LowerAscii(m[3].str()) == "families" ? "counted in families, not persons" : "";
    const double confidence = q == "exact" ? 0.8 : 0.85;
    found.push_back({"count", begin, end, text.substr(begin, end - begin), std::to_string(value), q, "", confidence, note});
  }
  // Korean: "30여 명" (30-odd: more than 30), "최소 24명", "약 30명", "30명 이상", "10명이 넘는".
  static const std::regex kKorean(
      "(?:(약|최소|적어도|최대)\\s*)?(\\d{1,3}(?:,\\d{3})+|\\d+)\\s*(여)?\\s*명"
      "(\\s*(이상|이하|미만|가량|정도|안팎|남짓|넘게|이 넘는|이넘는|넘는|쯤))?",
      std::regex::ECMAScript);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kKorean); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    const int64_t value = ParseNumber(m[2].str());
    if (value <= 0) continue;
    std::string q = "exact";
    const std::string pre = m[1].matched ? m[1].str() : "";
    const std::string post = m[5].matched ? m[5].str() : "";
    if (pre == "약" || post == "가량" || post == "정도" || post == "안팎" || post == "쯤") q = "about";
    if (pre == "최소" || pre == "적어도" || post == "이상") q = "at_least";
    if (m[3].matched || post == "남짓" || post == "넘게" || post.find("넘는") != std::string::npos) q = "more_than";
    if (post == "미만") q = "fewer_than";
    if (pre == "최대" || post == "이하") q = "about";
    const size_t begin = static_cast<size_t>(m.position(0)), end = begin + static_cast<size_t>(m.length(0));
    found.push_back({"count", begin, end, text.substr(begin, end - begin), std::to_string(value), q, "", 0.75, ""});
  }
  return KeepLongest(std::move(found));
}

// ---------------------------------------------------------------- persons

std::string PhoneticKeyOf(const linkage::NameTables* tables, const std::string& name) {
  if (!tables) return "";
  auto forms = linkage::NormaliseName(*tables, {name, "", ""});
  if (forms.empty()) return "";
  return forms[0].family.key + "|" + forms[0].given.key;
}

bool IsLatinSurname(const linkage::NameTables* tables, const std::string& token) {
  static const std::set<std::string> kCommon = {
      "kim", "lee", "yi", "ri", "rhee", "park", "pak", "bak", "choi", "choe", "jung", "jeong", "chung", "kang", "cho",
      "jo", "yoon", "yun", "jang", "chang", "lim", "im", "rim", "han", "oh", "seo", "suh", "shin", "sin", "kwon", "hwang",
      "ahn", "an", "song", "ryu", "yoo", "yu", "hong", "jeon", "jun", "chon", "ko", "koh", "moon", "mun", "yang", "son",
      "bae", "baek", "paek", "heo", "hur", "nam", "noh", "ro", "ha", "kwak", "sung", "cha", "joo", "ju", "woo", "min",
      "jin", "na", "ma", "ku", "gu", "ok", "pyon", "byun", "chae", "ryang", "ryom", "jong"};
  const std::string lower = LowerAscii(token);
  if (kCommon.count(lower)) return true;
  return tables && tables->surname_keys.count(linkage::PhoneticKey(*tables, token, true)) > 0;
}

const std::set<std::string>& NotNames() {
  static const std::set<std::string> kWords = {
      "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
      "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "the", "a", "an",
      "north", "south", "china", "korea", "chinese", "korean", "police", "un", "mr", "ms", "mrs"};
  return kWords;
}

std::vector<Candidate> PersonCandidates(const std::string& text, const Lexicon& lexicon,
                                        const linkage::NameTables* tables) {
  std::vector<Candidate> found;
  auto add = [&](size_t begin, size_t end, double confidence, std::string note) {
    std::string name = text.substr(begin, end - begin);
    found.push_back({"person", begin, end, name, name, "", PhoneticKeyOf(tables, name), confidence, std::move(note)});
  };
  // Romanised: a title or "named" before the name, or the age after it.
  const std::string token = "[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?";
  const std::string name = token + "(?:[ ]" + token + "){0,2}";
  static const std::regex kTitled("\\b(?:Mr|Ms|Mrs|Miss|Dr)\\.?\\s+(" + name + ")");
  static const std::regex kNamed("\\b(?:named|called|identified as|identified only as)\\s+(" + name + ")");
  static const std::regex kAged("\\b(" + name + ")(?:,\\s*(?:aged\\s+)?\\d{1,2}\\s*[,)]|\\s*\\(\\s*\\d{1,2}\\s*\\)|,\\s*aged\\s+\\d{1,2})");
  for (const auto* re : {&kTitled, &kNamed, &kAged}) {
    for (auto it = std::sregex_iterator(text.begin(), text.end(), *re); it != std::sregex_iterator(); ++it) {
      const std::smatch& m = *it;
      size_t begin = static_cast<size_t>(m.position(1));
      size_t end = begin + static_cast<size_t>(m.length(1));
      std::string first = m[1].str().substr(0, m[1].str().find_first_of(" -"));
      if (NotNames().count(LowerAscii(first))) continue;
      if (re == &kAged) {
        // Without a title the name must start with a Korean surname: "Lee Soon-hee, 28".
        std::string words = m[1].str();
        std::vector<std::string> tokens;
        std::istringstream ss(words);
        for (std::string t; ss >> t;) tokens.push_back(t);
        // Keep the last two or three tokens that begin with a surname ("Activists said Lee Soon-hee, 28").
        size_t start = tokens.size();
        for (size_t i = 0; i < tokens.size(); ++i) {
          if (IsLatinSurname(tables, tokens[i].substr(0, tokens[i].find('-'))) && tokens.size() - i >= 2) {
            start = i;
            break;
          }
        }
        if (start == tokens.size()) continue;
        for (size_t i = 0; i < start; ++i) begin = text.find(tokens[i + 1], begin + tokens[i].size());
        add(begin, end, 0.7, "a romanised name followed by an age");
      } else {
        add(begin, end, re == &kTitled ? 0.8 : 0.75, "");
      }
    }
  }
  // Hangul: surname + one or two syllables followed by 씨 or an age in brackets ("김영철(35)씨"),
  // or an anonymised "김모(32)씨".
  const std::u32string u = linkage::ToU32(text);
  std::vector<size_t> byte_of(u.size() + 1, 0);
  for (size_t i = 0, b = 0; i < u.size(); ++i) {
    byte_of[i] = b;
    b += linkage::ToUtf8(std::u32string(1, u[i])).size();
    byte_of[i + 1] = b;
  }
  for (size_t i = 0; i < u.size(); ++i) {
    if (!IsHangul(u[i]) || (i > 0 && IsHangul(u[i - 1]))) continue;
    for (const auto& surname : lexicon.surnames) {
      if (u.compare(i, surname.size(), surname) != 0) continue;
      const size_t g = i + surname.size();
      bool matched = false;
      for (size_t given = 2; given >= 1 && !matched; --given) {
        const size_t e = g + given;
        if (e > u.size()) continue;
        bool all_hangul = true;
        for (size_t k = g; k < e; ++k) all_hangul = all_hangul && IsHangul(u[k]);
        if (!all_hangul) continue;
        const char32_t next = e < u.size() ? u[e] : 0;
        const bool age = next == U'(' && e + 1 < u.size() && u[e + 1] >= U'0' && u[e + 1] <= U'9';
        const bool ssi = next == U'씨' || (next == U' ' && e + 1 < u.size() && u[e + 1] == U'씨' &&
                                          (e + 2 >= u.size() || !IsHangul(u[e + 2]) || u[e + 2] == U'는' ||
                                           u[e + 2] == U'가' || u[e + 2] == U'의' || u[e + 2] == U'를' || u[e + 2] == U'와'));
        if (!age && !ssi) continue;
        const bool anonymised = given == 1 && u[g] == U'모';
        if (given == 1 && !anonymised && surname.size() == 1) continue;  // "김씨" alone names no one
        add(byte_of[i], byte_of[e], anonymised ? 0.4 : 0.8,
            anonymised ? "an anonymised name (surname + 모): only the surname is known" : "");
        matched = true;
      }
      if (matched) break;
    }
  }
  return KeepLongest(std::move(found));
}

}  // namespace

Result<Lexicon> Lexicon::Load(const Catalog& catalog, const std::string& data_dir) {
  namespace fs = std::filesystem;
  Lexicon lex;
  for (const Place& p : catalog.Places()) {
    const double confidence = p.level == "country" ? 0.6 : p.level == "province" ? 0.8 : 0.85;
    for (const auto& [lang, label] : p.labels) {
      for (const auto& form : LabelForms(p, lang, label)) lex.places.push_back({form, p.code, confidence});
    }
  }
  auto place_known = [&](const std::string& code) { return catalog.FindPlace(code) != nullptr; };
  const std::string places_file = (fs::path(data_dir) / "place_aliases.json").string();
  std::vector<Entry> aliases;
  DOSSIER_RETURN_IF_ERROR(ReadAliases(places_file, "places", place_known, 0.8, aliases));
  for (auto& a : aliases) {
    const Place* p = catalog.FindPlace(a.code);
    a.confidence = p->level == "country" ? 0.6 : p->level == "province" ? 0.8 : 0.85;
    lex.places.push_back(std::move(a));
  }
  DOSSIER_RETURN_IF_ERROR(ReadAliases((fs::path(data_dir) / "organisations.json").string(), "organisations",
                                      [&](const std::string& c) { return catalog.HasTerm("organisations", c); }, 0.9,
                                      lex.organisations));
  DOSSIER_RETURN_IF_ERROR(ReadAliases((fs::path(data_dir) / "incident_keywords.json").string(), "incident_types",
                                      [&](const std::string& c) { return catalog.HasTerm("incident_types", c); }, 0.7,
                                      lex.incident_types));
  // Korean surnames (data/linkage/surnames.csv; '#' lines are comments).
  const std::string surnames_file = (fs::path(data_dir) / "linkage" / "surnames.csv").string();
  std::ifstream in(surnames_file, std::ios::binary);
  if (!in) return Error::Io(fmt::format("{}: cannot open", surnames_file));
  std::string content, line;
  while (std::getline(in, line)) {
    if (!line.starts_with('#')) content += line + "\n";
  }
  DOSSIER_ASSIGN_OR_RETURN(CsvTable table, ParseCsv(content, surnames_file));
  const int col = table.Column("hangul");
  if (col < 0) return Error::Invalid(fmt::format("{}: no 'hangul' column", surnames_file));
  for (const auto& row : table.rows) lex.surnames.push_back(linkage::ToU32(row[static_cast<size_t>(col)]));
  std::stable_sort(lex.surnames.begin(), lex.surnames.end(),
                   [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return lex;
}

std::vector<Candidate> ExtractCandidates(std::string_view text_view, const Lexicon& lexicon,
                                         const ExtractOptions& options) {
  const std::string text(text_view);
  const std::string lowered = LowerAscii(text);  // ASCII only, so byte offsets are unchanged
  std::vector<Candidate> all;
  auto append = [&](std::vector<Candidate> v) { all.insert(all.end(), std::make_move_iterator(v.begin()), std::make_move_iterator(v.end())); };
  append(LexiconCandidates(text, lowered, lexicon.places, "place", true));
  append(LexiconCandidates(text, lowered, lexicon.organisations, "organisation", true));
  append(LexiconCandidates(text, lowered, lexicon.incident_types, "incident_type", false));
  append(ExtractDates(text, options.published));
  append(CountCandidates(text));
  append(PersonCandidates(text, lexicon, options.names));
  // An organisation's name often holds a place ("Chinese Foreign Ministry in Beijing" aside, "중국
  // 외교부" holds 중국): a place inside an organisation's span is not a place of the events.
  std::vector<Candidate> kept;
  for (auto& c : all) {
    const bool inside_org = c.kind == "place" && std::any_of(all.begin(), all.end(), [&](const Candidate& o) {
      return o.kind == "organisation" && o.begin <= c.begin && c.end <= o.end;
    });
    if (!inside_org) kept.push_back(std::move(c));
  }
  std::stable_sort(kept.begin(), kept.end(), [](const Candidate& a, const Candidate& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  return kept;
}

}  // namespace dossier::evidence
