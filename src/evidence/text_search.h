// Tokens for full-text search over source text (docs/evidence.md, "Full-text search").
//
// SQLite's FTS5 tokenizers cut Korean and Chinese at spaces, so "선양" would not find
// "선양에서" and a query of one Hanja would find nothing. Text is therefore tokenised here, and
// the store indexes keyed hashes of these tokens (never the tokens themselves):
//   - Latin letters and digits: words, NFKC case-folded ("Shenyang", "SHENYANG" -> "shenyang");
//   - Hangul, Han and kana: a run of two or more characters as its overlapping bigrams in text
//     order (선양에서 -> 선양 양에 에서), a run of one character as itself; and separately every
//     character alone, so that one-syllable queries work.
// A query is cut the same way: each Latin word, each CJK run as a phrase of its bigrams (or, for
// one character, that character); all must occur.
// Pure functions; ICU does the folding.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dossier::evidence {

struct IndexTokens {
  std::vector<std::string> words;  // words and bigrams, in text order (phrases match on positions)
  std::vector<std::string> chars;  // every CJK character
};

IndexTokens TokeniseForIndex(std::string_view text);

struct QueryTerm {
  bool chars = false;                // look in `chars` (a single CJK character) instead of `words`
  std::vector<std::string> phrase;   // consecutive tokens
};

// Empty when the query holds no letter or digit.
std::vector<QueryTerm> TokeniseQuery(std::string_view query);

}  // namespace dossier::evidence
