// Name normalisation for Korean and Chinese names: one phonetic key for every spelling of a name.
//
// NameTables holds what normalisation reads from data files: Unihan (kHangul readings, kMandarin,
// simplified -> traditional variants) and libhangul's Hanja dictionary from /usr/share, plus the
// small hand-made tables in data/linkage/. Load it once; it is immutable and shareable afterwards.
//
// NormaliseName turns a name as written (리순희, 李顺姬, "Ri Sun-hui", "LEE Soon-hee", "Sunhui Ri")
// into NameForms: family and given parts, each with a coarse phonetic key (the same for Hangul
// South and North spellings, Hanja read in Korean, and the Latin romanisation systems), a form for
// fuzzy scoring, and the traditional Hanja and Mandarin pinyin when written in Han characters.
// The rules are listed in docs/linkage.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "domain/result.h"

namespace dossier::linkage {

struct NameTablePaths {
  std::string unihan_readings = "/usr/share/unicode/Unihan_Readings.txt.bz2";
  std::string unihan_variants = "/usr/share/unicode/Unihan_Variants.txt.bz2";
  std::string libhangul_hanja = "/usr/share/libhangul/hanja/hanja.txt";
  std::string data_dir;  // data/linkage; empty = DOSSIER_DATA_DIR "/linkage"
};

struct NameTables {
  std::unordered_map<char32_t, std::u32string> hangul_of;   // Han character -> preferred Hangul reading
  std::unordered_map<char32_t, char32_t> traditional_of;    // simplified -> traditional
  std::unordered_map<char32_t, std::string> pinyin_of;      // Han character -> toneless pinyin
  std::unordered_map<char32_t, std::string> surname_pinyin; // override: 朴 -> piao
  std::unordered_map<std::string, std::u32string> latin_surname;  // override: park -> 박
  std::unordered_set<std::u32string> double_surnames;       // 남궁, 南宮, ...
  std::unordered_set<std::string> surname_keys;             // phonetic keys of known surnames
};

// Reads the tables; an Error names the file that is missing or malformed.
Result<std::shared_ptr<const NameTables>> LoadNameTables(const NameTablePaths& paths = {});

enum class NameMode {
  kKorean,         // the rules of this file
  kLanguageBlind,  // reference: case-folded text as written, no transliteration
};

// One part of a name (family or given) in comparable forms.
struct NamePart {
  std::string key;       // coarse phonetic key, ASCII ("I", "SONHI"); empty when the part is absent
  std::u32string fuzzy;  // form for Jaro-Winkler: lowercase Latin letters as written, else the key
  std::u32string hanja;  // traditional Han characters when written in Han characters
  std::string pinyin;    // toneless pinyin of Han characters, or the Latin letters of a Latin name
  bool empty() const { return key.empty() && fuzzy.empty(); }
};

// One reading of a name. A Latin name whose order is ambiguous yields two readings.
struct NameForms {
  NamePart family;
  NamePart given;
  bool swapped = false;  // this reading takes the last token as the family name
};

// Hints that a source gives: separate family/given fields, or the script.
struct NameInput {
  std::string full;    // as written, order unknown ("Ri Sun-hui", "리순희")
  std::string family;  // when the source has a separate field
  std::string given;
};

// All plausible readings of one name (one or two); empty when the name has no letters.
std::vector<NameForms> NormaliseName(const NameTables& tables, const NameInput& name,
                                     NameMode mode = NameMode::kKorean);

// The phonetic key of one part as written (exposed for tests and blocking explanations).
std::string PhoneticKey(const NameTables& tables, std::string_view text, bool is_family);

// Jaro-Winkler similarity in [0, 1] (prefix scale 0.1, up to 4 characters).
double JaroWinkler(std::u32string_view a, std::u32string_view b);
double JaroWinkler(std::string_view a, std::string_view b);

// UTF-8 helpers.
std::u32string ToU32(std::string_view utf8);
std::string ToUtf8(std::u32string_view text);

}  // namespace dossier::linkage
