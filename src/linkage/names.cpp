// Name normalisation; the rules are documented in docs/linkage.md ("Normalisation rules").
#include "linkage/names.h"

#include <bzlib.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace dossier::linkage {
namespace {

// ---------------------------------------------------------------- UTF-8 and character classes

bool IsHangulSyllable(char32_t c) { return c >= 0xAC00 && c <= 0xD7A3; }
bool IsHan(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x3134F);
}
bool IsAsciiLetter(char32_t c) { return c >= 'a' && c <= 'z'; }
bool IsApostrophe(char32_t c) {
  return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC || c == 0x02BB || c == '`' || c == 0xB4;
}

// NFC for Hangul (composes conjoining jamo), then letters with their diacritics removed, lowercase.
std::u32string Fold(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  if (U_SUCCESS(status)) {
    icu::UnicodeString composed = nfc->normalize(s, status);
    if (U_SUCCESS(status)) s = composed;
  }
  std::u32string out;
  out.reserve(s.length());
  for (int32_t i = 0; i < s.length();) {
    UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') c += 32;
      out.push_back(static_cast<char32_t>(c));
      continue;
    }
    if (IsHangulSyllable(c) || IsHan(c)) {
      out.push_back(static_cast<char32_t>(c));
      continue;
    }
    // Latin with diacritics (ŏ, ŭ, é): decompose and drop combining marks.
    icu::UnicodeString one(c), dec;
    status = U_ZERO_ERROR;
    nfd->normalize(one, dec, status);
    for (int32_t j = 0; j < dec.length();) {
      UChar32 d = dec.char32At(j);
      j += U16_LENGTH(d);
      if (d >= 0x300 && d <= 0x36F) continue;
      out.push_back(static_cast<char32_t>(u_tolower(d)));
    }
  }
  return out;
}

// ---------------------------------------------------------------- Hangul syllables -> key

constexpr std::array<const char*, 19> kInitial = {"K", "K", "N", "T", "T", "R", "M", "P", "P", "S",
                                                  "S", "",  "C", "C", "C", "K", "T", "P", "H"};
constexpr std::array<const char*, 21> kVowel = {"A",  "E",  "YA", "YE", "O",  "E",  "YO",
                                                "YE", "O",  "WA", "WE", "WE", "YO", "O",
                                                "WO", "WE", "WI", "YO", "O",  "I",  "I"};
constexpr std::array<const char*, 28> kFinal = {"",  "K", "K", "K", "N", "N", "N", "T", "L", "K",
                                                "M", "L", "L", "L", "P", "L", "M", "P", "P", "T",
                                                "T", "NG", "T", "T", "K", "T", "P", "T"};

// Initial-sound law, applied to both South and North spellings so that they meet: ㄹ before i/y
// drops, ㄹ elsewhere reads ㄴ; ㄴ before i/y drops at the start of a name part.
void AppendSyllable(std::string& key, std::string_view onset, std::string_view vowel, std::string_view coda,
                    bool part_start) {
  bool iy = !vowel.empty() && (vowel[0] == 'I' || vowel[0] == 'Y');
  if (onset == "R") onset = iy ? "" : "N";
  else if (onset == "N" && iy && part_start) onset = "";
  key.append(onset);
  key.append(vowel);
  key.append(coda);
}

void HangulKey(std::u32string_view text, std::string& key, bool& part_start) {
  for (char32_t c : text) {
    if (!IsHangulSyllable(c)) continue;
    unsigned s = c - 0xAC00;
    unsigned l = s / (21 * 28), v = (s / 28) % 21, t = s % 28;
    AppendSyllable(key, kInitial[l], kVowel[v], kFinal[t], part_start);
    part_start = false;
  }
}

// ---------------------------------------------------------------- Latin romanisation -> key

struct Unit {
  const char* text;
  const char* onset;
  const char* coda;
};
// Longest first. Romanisation systems covered: Revised Romanization, McCune-Reischauer (with the
// breve and apostrophe removed), the DPRK system and common passport spellings.
constexpr Unit kConsonants[] = {
    {"tch", "C", "T"}, {"ng", "NG", "NG"}, {"ch", "C", "T"}, {"jj", "C", "T"}, {"kk", "K", "K"},
    {"gg", "K", "K"},  {"kh", "K", "K"},   {"tt", "T", "T"}, {"th", "T", "T"}, {"pp", "P", "P"},
    {"ph", "P", "P"},  {"ss", "S", "T"},   {"sh", "S", "T"}, {"rh", "R", "L"}, {"lh", "R", "L"},
    {"ts", "C", "T"},  {"j", "C", "T"},    {"c", "C", "K"},  {"z", "C", "T"},  {"k", "K", "K"},
    {"g", "K", "K"},   {"q", "K", "K"},    {"t", "T", "T"},  {"d", "T", "T"},  {"p", "P", "P"},
    {"b", "P", "P"},   {"f", "P", "P"},    {"v", "P", "P"},  {"s", "S", "T"},  {"x", "S", "T"},
    {"h", "H", ""},    {"m", "M", "M"},    {"n", "N", "N"},  {"r", "R", "L"},  {"l", "R", "L"},
};
struct VowelUnit {
  const char* text;
  const char* key;
};
constexpr VowelUnit kVowels[] = {
    {"yeo", "YO"}, {"yoo", "YO"}, {"you", "YO"}, {"yae", "YE"}, {"yeu", "YO"}, {"wae", "WE"},
    {"weo", "WO"}, {"woo", "O"},  {"wee", "WI"}, {"eui", "I"},  {"ya", "YA"},  {"ye", "YE"},
    {"yo", "YO"},  {"yu", "YO"},  {"yi", "I"},   {"wa", "WA"},  {"we", "WE"},  {"wo", "WO"},
    {"wi", "WI"},  {"wu", "WO"},  {"oe", "WE"},  {"oi", "WE"},  {"oy", "WE"},  {"eu", "O"},
    {"eo", "O"},   {"ee", "I"},   {"ea", "E"},   {"ei", "E"},   {"ae", "E"},   {"ai", "E"},
    {"ay", "E"},   {"oo", "O"},   {"ou", "O"},   {"ui", "I"},   {"a", "A"},    {"e", "E"},
    {"i", "I"},    {"o", "O"},    {"u", "O"},    {"y", "I"},
};

bool StartsWith(std::u32string_view s, size_t i, const char* p) {
  for (size_t k = 0; p[k]; ++k)
    if (i + k >= s.size() || s[i + k] != static_cast<char32_t>(p[k])) return false;
  return true;
}
bool IsVowelLetter(char32_t c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }
const VowelUnit* MatchVowel(std::u32string_view s, size_t i) {
  for (const auto& v : kVowels) {
    // 'y'/'w' alone before a consonant is a vowel only for 'y'; "yi" etc. are listed explicitly.
    if (!StartsWith(s, i, v.text)) continue;
    // "oy", "ay" (Choy) end a syllable only when no vowel follows: in "hoyon" the y opens 연.
    size_t len = std::char_traits<char>::length(v.text);
    if (len == 2 && v.text[1] == 'y' && i + 2 < s.size() && IsVowelLetter(s[i + 2])) continue;
    return &v;
  }
  return nullptr;
}
const Unit* MatchConsonant(std::u32string_view s, size_t i) {
  for (const auto& c : kConsonants)
    if (StartsWith(s, i, c.text)) return &c;
  return nullptr;
}
size_t Len(const char* p) { return std::char_traits<char>::length(p); }

// `s` holds lowercase ASCII letters and '-' (a syllable boundary).
void LatinKey(std::u32string_view s, std::string& key, bool& part_start) {
  size_t i = 0;
  std::string onset;
  while (i < s.size()) {
    if (s[i] == '-') { ++i; continue; }
    if (!IsAsciiLetter(s[i])) { ++i; continue; }
    onset.clear();
    if (!MatchVowel(s, i)) {
      const Unit* c = MatchConsonant(s, i);
      if (!c) { ++i; continue; }
      size_t after = i + Len(c->text);
      if (after < s.size() && IsAsciiLetter(s[after]) && MatchVowel(s, after)) {
        onset = std::string_view(c->text) == "ng" ? "NG" : c->onset;
        i = after;
      } else {  // a consonant with no vowel: keep it as a coda
        key.append(c->coda);
        i = after;
        continue;
      }
    }
    const VowelUnit* v = MatchVowel(s, i);
    i += Len(v->text);
    // Coda: consonant units up to the next vowel or boundary; the last unit before a vowel is the
    // next syllable's onset, except "ng" which is a coda followed by a silent onset.
    std::array<const Unit*, 6> units{};
    size_t n = 0, j = i;
    while (j < s.size() && IsAsciiLetter(s[j]) && !MatchVowel(s, j) && n < units.size()) {
      const Unit* c = MatchConsonant(s, j);
      if (!c) break;
      units[n++] = c;
      j += Len(c->text);
    }
    bool vowel_follows = j < s.size() && IsAsciiLetter(s[j]) && MatchVowel(s, j);
    size_t coda_units = n;
    if (vowel_follows && n > 0 && std::string_view(units[n - 1]->text) != "ng") coda_units = n - 1;
    std::string coda;
    // A doubled consonant between vowels closes one syllable and opens the next: Tokko = 독고.
    if (vowel_follows && n == 1) {
      std::string_view u = units[0]->text;
      if (u == "kk" || u == "gg" || u == "tt" || u == "pp" || u == "ss") coda = units[0]->coda;
    }
    for (size_t k = 0; k < coda_units; ++k) {
      // An 'h' after a vowel only lengthens it (Oh, Ahn, Hahn, Suh).
      if (std::string_view(units[k]->text) == "h") continue;
      if (coda.empty()) coda = units[k]->coda;
      else if (std::string_view(units[k]->coda) != coda) coda += units[k]->coda;
    }
    AppendSyllable(key, onset, v->key, coda, part_start);
    part_start = false;
    size_t consumed = 0;
    for (size_t k = 0; k < coda_units; ++k) consumed += Len(units[k]->text);
    i += consumed;
  }
}

std::string StripTones(std::string_view pinyin) {
  std::u32string f = Fold(pinyin);
  std::string out;
  for (char32_t c : f)
    if (IsAsciiLetter(c)) out.push_back(static_cast<char>(c));
  return out;
}

// ---------------------------------------------------------------- files

Result<std::string> ReadFile(const std::string& path) {
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".bz2") == 0) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return Error::Io("cannot open " + path);
    int bzerr = BZ_OK;
    BZFILE* bz = BZ2_bzReadOpen(&bzerr, f, 0, 0, nullptr, 0);
    std::string out;
    char buf[1 << 16];
    while (bzerr == BZ_OK) {
      int got = BZ2_bzRead(&bzerr, bz, buf, sizeof buf);
      if (got > 0) out.append(buf, static_cast<size_t>(got));
    }
    BZ2_bzReadClose(nullptr, bz);
    std::fclose(f);
    if (bzerr != BZ_STREAM_END) return Error::Corrupt("cannot decompress " + path);
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Io("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

char32_t ParseCodePoint(std::string_view s) {  // "U+674E"
  if (s.size() < 3 || s[0] != 'U') return 0;
  return static_cast<char32_t>(std::strtoul(std::string(s.substr(2)).c_str(), nullptr, 16));
}

template <typename F>
void ForEachLine(const std::string& text, F f) {
  size_t pos = 0;
  size_t line = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    ++line;
    std::string_view l(text.data() + pos, end - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (!l.empty() && l[0] != '#') f(l, line);
    pos = end + 1;
  }
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t e = s.find(sep, pos);
    out.push_back(s.substr(pos, e == std::string_view::npos ? std::string_view::npos : e - pos));
    if (e == std::string_view::npos) break;
    pos = e + 1;
  }
  return out;
}


}  // namespace

std::u32string ToU32(std::string_view utf8) {
  std::u32string out;
  int32_t i = 0, n = static_cast<int32_t>(utf8.size());
  const auto* p = reinterpret_cast<const uint8_t*>(utf8.data());
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c >= 0) out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

std::string ToUtf8(std::u32string_view text) {
  std::string out;
  for (char32_t c : text) {
    if (c < 0x80) out.push_back(static_cast<char>(c));
    else if (c < 0x800) { out.push_back(static_cast<char>(0xC0 | (c >> 6))); out.push_back(static_cast<char>(0x80 | (c & 0x3F))); }
    else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

template <typename S>
static double JaroWinklerImpl(const S& a, const S& b) {
  const size_t la = std::min<size_t>(a.size(), 64), lb = std::min<size_t>(b.size(), 64);
  if (la == 0 && lb == 0) return 1.0;
  if (la == 0 || lb == 0) return 0.0;
  const size_t window = std::max(la, lb) / 2 > 0 ? std::max(la, lb) / 2 - 1 : 0;
  uint64_t used_b = 0;
  std::array<uint8_t, 64> match_a{};
  size_t m = 0;
  for (size_t i = 0; i < la; ++i) {
    size_t lo = i > window ? i - window : 0, hi = std::min(lb, i + window + 1);
    for (size_t j = lo; j < hi; ++j) {
      if (!(used_b >> j & 1) && a[i] == b[j]) {
        used_b |= uint64_t{1} << j;
        match_a[m++] = static_cast<uint8_t>(i);
        break;
      }
    }
  }
  if (m == 0) return 0.0;
  size_t t = 0, k = 0;
  for (size_t j = 0; j < lb; ++j) {
    if (used_b >> j & 1) {
      if (a[match_a[k]] != b[j]) ++t;
      ++k;
    }
  }
  double md = static_cast<double>(m);
  double jaro = (md / la + md / lb + (md - t / 2.0) / md) / 3.0;
  size_t prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix]) ++prefix;
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

double JaroWinkler(std::u32string_view a, std::u32string_view b) { return JaroWinklerImpl(a, b); }
double JaroWinkler(std::string_view a, std::string_view b) { return JaroWinklerImpl(a, b); }

Result<std::shared_ptr<const NameTables>> LoadNameTables(const NameTablePaths& paths) {
  auto t = std::make_shared<NameTables>();
  std::string data_dir = paths.data_dir.empty() ? std::string(DOSSIER_DATA_DIR) + "/linkage" : paths.data_dir;

  DOSSIER_ASSIGN_OR_RETURN(std::string readings, ReadFile(paths.unihan_readings));
  ForEachLine(readings, [&](std::string_view l, size_t) {
    auto f = Split(l, '\t');
    if (f.size() < 3) return;
    char32_t cp = ParseCodePoint(f[0]);
    if (f[1] == "kHangul") {
      // "리:0E 이:0": prefer a reading flagged N (personal names), then E (education), then the first.
      std::u32string best;
      int best_rank = 9;
      for (auto entry : Split(f[2], ' ')) {
        auto colon = entry.find(':');
        std::string_view flags = colon == std::string_view::npos ? "" : entry.substr(colon + 1);
        int rank = flags.find('N') != std::string_view::npos ? 0 : flags.find('E') != std::string_view::npos ? 1 : 2;
        if (rank < best_rank) { best_rank = rank; best = ToU32(entry.substr(0, colon)); }
      }
      if (!best.empty()) t->hangul_of[cp] = best;
    } else if (f[1] == "kMandarin") {
      t->pinyin_of[cp] = StripTones(Split(f[2], ' ')[0]);
    }
  });
  if (t->hangul_of.size() < 1000) return Error::Corrupt(paths.unihan_readings + ": no kHangul readings found");

  DOSSIER_ASSIGN_OR_RETURN(std::string variants, ReadFile(paths.unihan_variants));
  ForEachLine(variants, [&](std::string_view l, size_t) {
    auto f = Split(l, '\t');
    if (f.size() < 3 || f[1] != "kTraditionalVariant") return;
    char32_t cp = ParseCodePoint(f[0]);
    char32_t pick = 0;
    for (auto v : Split(f[2], ' ')) {
      char32_t tc = ParseCodePoint(v);
      if (tc == cp) return;  // the character is its own traditional form
      if (!pick || (!t->hangul_of.count(pick) && t->hangul_of.count(tc))) pick = tc;
    }
    if (pick) t->traditional_of[cp] = pick;
  });

  DOSSIER_ASSIGN_OR_RETURN(std::string hanja, ReadFile(paths.libhangul_hanja));
  ForEachLine(hanja, [&](std::string_view l, size_t) {
    auto f = Split(l, ':');
    if (f.size() < 2) return;
    std::u32string h = ToU32(f[0]), c = ToU32(f[1]);
    if (h.size() == 1 && c.size() == 1 && IsHangulSyllable(h[0]) && IsHan(c[0]) && !t->hangul_of.count(c[0]))
      t->hangul_of[c[0]] = h;
  });

  auto read_table = [&](const std::string& name, size_t columns,
                        auto row) -> Status {
    std::string path = data_dir + "/" + name;
    DOSSIER_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    bool header = true;
    Status st;
    ForEachLine(text, [&](std::string_view l, size_t line) {
      if (header) { header = false; return; }
      auto f = Split(l, ',');
      if (f.size() < columns) { if (st.ok()) st = Error::Corrupt(path + ":" + std::to_string(line) + ": expected " + std::to_string(columns) + " columns"); return; }
      row(f);
    });
    return st;
  };
  DOSSIER_RETURN_IF_ERROR(read_table("pinyin_surname_overrides.csv", 2, [&](const auto& f) {
    std::u32string h = ToU32(f[0]);
    if (h.size() == 1) t->surname_pinyin[h[0]] = std::string(f[1]);
  }));
  DOSSIER_RETURN_IF_ERROR(read_table("latin_surname_overrides.csv", 2, [&](const auto& f) {
    t->latin_surname[std::string(f[0])] = ToU32(f[1]);
  }));
  std::vector<std::u32string> hangul_surnames;
  DOSSIER_RETURN_IF_ERROR(read_table("surnames.csv", 3, [&](const auto& f) {
    std::u32string h = ToU32(f[0]), hj = ToU32(f[1]);
    hangul_surnames.push_back(h);
    if (h.size() == 2) { t->double_surnames.insert(h); t->double_surnames.insert(hj); }
  }));
  for (const auto& h : hangul_surnames) {
    std::string key;
    bool start = true;
    HangulKey(h, key, start);
    t->surname_keys.insert(key);
  }
  return std::shared_ptr<const NameTables>(std::move(t));
}

namespace {

// Builds one part from folded text (one or more tokens joined with '-').
NamePart MakePart(const NameTables& t, std::u32string_view text, bool is_family, NameMode mode) {
  NamePart p;
  if (mode == NameMode::kLanguageBlind) {
    for (char32_t c : text)
      if (c != '-' && c != ' ' && !IsApostrophe(c) && c != '.') p.fuzzy.push_back(c);
    p.key = ToUtf8(p.fuzzy);
    return p;
  }
  std::u32string latin;  // letters for the Latin rules, '-' between syllable groups
  std::u32string hangul;
  bool part_start = true, has_han = false, has_latin = false;
  std::string pinyin;
  auto flush_latin = [&] {
    if (latin.empty()) return;
    std::string letters;
    for (char32_t c : latin) if (c != '-') letters.push_back(static_cast<char>(c));
    auto o = is_family && p.key.empty() ? t.latin_surname.find(letters) : t.latin_surname.end();
    if (o != t.latin_surname.end()) HangulKey(o->second, p.key, part_start);
    else LatinKey(latin, p.key, part_start);
    latin.clear();
  };
  bool first_han = true;
  for (char32_t c : text) {
    if (IsApostrophe(c)) continue;  // MR aspiration mark: Ch'oe
    if (IsAsciiLetter(c) || c == '-' || c == ' ') {
      if (c == ' ') c = '-';
      if (IsAsciiLetter(c)) { has_latin = true; p.fuzzy.push_back(c); pinyin.push_back(static_cast<char>(c)); }
      latin.push_back(c);
      continue;
    }
    flush_latin();
    if (IsHangulSyllable(c)) {
      HangulKey(std::u32string_view(&c, 1), p.key, part_start);
    } else if (IsHan(c)) {
      has_han = true;
      auto tr = t.traditional_of.find(c);
      char32_t trad = tr == t.traditional_of.end() ? c : tr->second;
      p.hanja.push_back(trad);
      auto h = t.hangul_of.find(trad);
      if (h == t.hangul_of.end()) h = t.hangul_of.find(c);
      if (h != t.hangul_of.end()) HangulKey(h->second, p.key, part_start);
      auto so = is_family && first_han ? t.surname_pinyin.find(c) : t.surname_pinyin.end();
      if (so == t.surname_pinyin.end() && is_family && first_han) so = t.surname_pinyin.find(trad);
      if (so != t.surname_pinyin.end()) pinyin += so->second;
      else {
        auto py = t.pinyin_of.find(c);
        if (py == t.pinyin_of.end()) py = t.pinyin_of.find(trad);
        if (py != t.pinyin_of.end()) pinyin += py->second;
      }
      first_han = false;
    }
  }
  flush_latin();
  if (!has_latin) p.fuzzy.assign(p.key.begin(), p.key.end());
  if (has_han || has_latin) p.pinyin = pinyin;
  (void)hangul;
  return p;
}

bool IsSeparator(char32_t c) { return c == ' ' || c == '\t' || c == ',' || c == 0x3000 || c == 0xB7 || c == '.'; }

// Splits "Sun-hui Ri" into tokens, remembering which were written in capitals (passport style).
struct Token {
  std::u32string text;
  bool upper = false;
  bool hyphen = false;
};

std::vector<Token> Tokenise(std::string_view raw, bool& comma) {
  std::u32string orig = ToU32(raw);
  std::vector<Token> out;
  Token cur;
  bool any_lower = false, any_upper = false;
  comma = false;
  auto flush = [&] {
    if (!cur.text.empty()) {
      cur.upper = any_upper && !any_lower;
      out.push_back(cur);
    }
    cur = Token{};
    any_lower = any_upper = false;
  };
  for (char32_t c : orig) {
    if (IsSeparator(c)) {
      if (c == ',' && out.empty() && !cur.text.empty()) comma = true;
      flush();
      continue;
    }
    if (IsApostrophe(c)) continue;
    if (c >= 'A' && c <= 'Z') any_upper = true;
    if (c >= 'a' && c <= 'z') any_lower = true;
    if (c == '-') cur.hyphen = true;
    std::u32string f = Fold(ToUtf8(std::u32string_view(&c, 1)));
    cur.text += f;
  }
  flush();
  return out;
}

std::u32string Join(const std::vector<Token>& toks, size_t from, size_t to) {
  std::u32string s;
  for (size_t i = from; i < to; ++i) {
    if (!s.empty()) s.push_back('-');
    s += toks[i].text;
  }
  return s;
}

}  // namespace

std::string PhoneticKey(const NameTables& tables, std::string_view text, bool is_family) {
  return MakePart(tables, Fold(text), is_family, NameMode::kKorean).key;
}

std::vector<NameForms> NormaliseName(const NameTables& t, const NameInput& in, NameMode mode) {
  std::vector<NameForms> out;
  if (!in.family.empty() || !in.given.empty()) {
    NameForms f;
    f.family = MakePart(t, Fold(in.family), true, mode);
    f.given = MakePart(t, Fold(in.given), false, mode);
    if (!f.family.empty() || !f.given.empty()) out.push_back(std::move(f));
    return out;
  }
  bool comma = false;
  std::vector<Token> toks = Tokenise(in.full, comma);
  if (toks.empty()) return out;
  auto make = [&](std::u32string_view fam, std::u32string_view giv, bool swapped) {
    NameForms f;
    f.family = MakePart(t, fam, true, mode);
    f.given = MakePart(t, giv, false, mode);
    f.swapped = swapped;
    out.push_back(std::move(f));
  };
  if (toks.size() == 1) {
    const std::u32string& s = toks[0].text;
    bool east = !s.empty() && (IsHangulSyllable(s[0]) || IsHan(s[0]));
    if (east && s.size() >= 2) {
      size_t fam = (s.size() >= 3 && t.double_surnames.count(s.substr(0, 2))) ? 2 : 1;
      make(std::u32string_view(s).substr(0, fam), std::u32string_view(s).substr(fam), false);
    } else {
      make(U"", s, false);
    }
    return out;
  }
  if (mode == NameMode::kLanguageBlind || comma) {
    make(toks[0].text, Join(toks, 1, toks.size()), false);
    return out;
  }
  const Token& first = toks.front();
  const Token& last = toks.back();
  bool first_east = IsHangulSyllable(first.text[0]) || IsHan(first.text[0]);
  auto is_surname = [&](const Token& tok) {
    if (tok.hyphen) return false;
    return t.surname_keys.count(MakePart(t, tok.text, true, mode).key) > 0;
  };
  bool first_fam = true, both = false;
  if (first_east) {
    first_fam = true;
  } else if (first.upper != last.upper) {
    first_fam = first.upper;  // "KIM Sun Hui" or "Sun Hui KIM"
  } else {
    bool fs = is_surname(first), ls = is_surname(last);
    if (fs && !ls) first_fam = true;
    else if (ls && !fs) first_fam = false;
    else both = true;  // ambiguous: keep both readings, family-first first
  }
  if (first_fam || both) make(first.text, Join(toks, 1, toks.size()), false);
  if (!first_fam || both) make(last.text, Join(toks, 0, toks.size() - 1), true);
  return out;
}

}  // namespace dossier::linkage
