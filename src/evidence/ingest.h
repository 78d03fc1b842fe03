// Ingestion of articles and reports: from a file's bytes to a document's text, and from the text
// to candidate facts a documenter confirms or rejects (docs/evidence.md, "Ingestion").
//
// Everything here is a pure function of its inputs (the bytes, the lexicon, the publication date):
// nothing is stored, nothing is guessed from the clock. ReadDocument refuses what cannot be read
// faithfully (empty, binary, not UTF-8, truncated HTML) with a message naming the byte offset;
// ExtractCandidates proposes places, dates, counts of people, organisations, incident types and
// persons, each with the exact byte span of the text it came from and a confidence in [0, 1].
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/catalog.h"
#include "domain/partial_date.h"
#include "domain/result.h"
#include "linkage/names.h"

namespace dossier::evidence {

enum class DocumentFormat { kAuto, kText, kHtml };

// A document ready to be stored as a Source: plain text with paragraphs separated by one blank
// line, and what the HTML head said about it.
struct Document {
  std::string text;
  std::string title;      // <title>, else empty
  std::string author;     // <meta name="author">
  std::string published;  // <meta name="date"> (or article:published_time, DC.date), as written
  std::string site;       // <meta property="og:site_name">
  bool html = false;
};

// Reads a file's bytes. `encoding` is "" or "utf-8" (the default, refused when invalid) or
// "euc-kr" (converted). Errors name `name` and, for encoding faults, the byte offset.
Result<Document> ReadDocument(std::string_view bytes, std::string_view name, DocumentFormat format = DocumentFormat::kAuto,
                              std::string_view encoding = "");

// Offset of the first byte that is not part of valid UTF-8 (overlongs and surrogates refused).
std::optional<size_t> FirstInvalidUtf8(std::string_view bytes);
// The HTML tokenizer alone (used by ReadDocument): tolerant of unclosed paragraphs and unknown
// tags, strict about what truncation leaves behind (an unterminated tag, comment or script, an
// <html> or <body> never closed).
Result<Document> ExtractHtml(std::string_view html, std::string_view name);

// What extraction recognises, read from data files so a site can extend it without a rebuild:
// the gazetteer (labels in en/ko/zh plus data/place_aliases.json), data/organisations.json,
// data/incident_keywords.json and the Korean surnames of data/linkage/surnames.csv.
struct Lexicon {
  struct Entry {
    std::string surface;  // as matched; Latin entries are lower-case
    std::string code;     // gazetteer, organisation or incident-type code
    double confidence = 0.9;
  };
  std::vector<Entry> places, organisations, incident_types;
  std::vector<std::u32string> surnames;  // Hangul, longest first (남궁 before 남)

  // `data_dir` as for Catalog::Load; every code must exist in `catalog`.
  static Result<Lexicon> Load(const Catalog& catalog, const std::string& data_dir);
};

// One proposed fact. `begin`/`end` are byte offsets into the text; `quote` is exactly
// text.substr(begin, end - begin).
struct Candidate {
  std::string kind;  // place, date, count, organisation, incident_type, person
  size_t begin = 0;
  size_t end = 0;
  std::string quote;
  // place/organisation/incident_type: the code; date: EDTF ("2012-02-08", "2012-02", or a range
  // "2012-02-15/2012-02-29"); count: the number; person: the name as written.
  std::string value;
  std::string qualifier;  // count: count_qualifiers code; date: "absolute" or "relative"
  std::string key;        // person: phonetic key from the linkage rules ("I|SONHI"); else empty
  double confidence = 0;
  std::string note;       // how a relative date was resolved, or why confidence is low
  bool operator==(const Candidate&) const = default;
};

struct ExtractOptions {
  std::optional<PartialDate> published;  // relative dates are resolved against it (day precision)
  const linkage::NameTables* names = nullptr;  // for phonetic keys and romanised surnames
};

// Candidates in text order; overlapping matches of the same kind keep the longest.
std::vector<Candidate> ExtractCandidates(std::string_view text, const Lexicon& lexicon, const ExtractOptions& options);

// The dates alone (exposed for tests): absolute ones in English, Korean and numeric forms, and
// relative ones resolved against `published`.
std::vector<Candidate> ExtractDates(std::string_view text, const std::optional<PartialDate>& published);

// "ko" when at least a fifth of the letters are Hangul, else "en".
std::string GuessLanguage(std::string_view text);

// UTF-16 offset of byte offset `byte` in UTF-8 `text` (for browsers, whose strings are UTF-16).
size_t Utf16Offset(std::string_view text, size_t byte);

}  // namespace dossier::evidence
