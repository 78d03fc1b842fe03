// Tokenising source text and queries for the full-text index (see text_search.h).
#include "evidence/text_search.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace dossier::evidence {

namespace {

bool IsCjk(UChar32 c) {
  return (c >= 0xAC00 && c <= 0xD7A3) ||  // Hangul syllables
         (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F) ||  // jamo
         (c >= 0x3040 && c <= 0x30FF) ||  // kana
         (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x2FA1F);
}

std::string Utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

enum class Run { kNone, kWord, kCjk };

// Calls word(text) for each Latin/digit word and cjk(chars) for each run of CJK characters.
template <typename Word, typename Cjk>
void Segment(std::string_view text, Word word, Cjk cjk) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* fold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString folded = U_SUCCESS(status) ? fold->normalize(u, status) : u;
  if (U_FAILURE(status)) folded = u;
  icu::UnicodeString current;
  std::vector<std::string> run;
  Run kind = Run::kNone;
  auto flush = [&] {
    if (kind == Run::kWord && current.length() > 0) word(Utf8(current));
    if (kind == Run::kCjk && !run.empty()) cjk(run);
    current.remove();
    run.clear();
    kind = Run::kNone;
  };
  for (int32_t i = 0; i < folded.length();) {
    const UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    if (IsCjk(c)) {
      if (kind != Run::kCjk) flush();
      kind = Run::kCjk;
      run.push_back(Utf8(icu::UnicodeString(c)));
    } else if (u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0) {  // letters, digits, combining marks
      if (kind != Run::kWord) flush();
      kind = Run::kWord;
      current.append(c);
    } else {
      flush();
    }
  }
  flush();
}

}  // namespace

IndexTokens TokeniseForIndex(std::string_view text) {
  IndexTokens out;
  Segment(
      text, [&](const std::string& w) { out.words.push_back(w); },
      [&](const std::vector<std::string>& run) {
        if (run.size() == 1) out.words.push_back(run[0]);
        for (size_t i = 0; i + 1 < run.size(); ++i) out.words.push_back(run[i] + run[i + 1]);
        out.chars.insert(out.chars.end(), run.begin(), run.end());
      });
  return out;
}

std::vector<QueryTerm> TokeniseQuery(std::string_view query) {
  std::vector<QueryTerm> out;
  Segment(
      query, [&](const std::string& w) { out.push_back({false, {w}}); },
      [&](const std::vector<std::string>& run) {
        if (run.size() == 1) {
          out.push_back({true, {run[0]}});
          return;
        }
        QueryTerm t;
        for (size_t i = 0; i + 1 < run.size(); ++i) t.phrase.push_back(run[i] + run[i + 1]);
        out.push_back(std::move(t));
      });
  return out;
}

}  // namespace dossier::evidence
