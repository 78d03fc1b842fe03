// Ingesting a document into a store: the Source and its pending candidates written together, and
// the incident draft that confirmed candidates prefill. Shared by `dossier ingest` and the API.
//
// Nothing here creates an incident, a person or a link: candidates wait for a documenter
// (Store::DecideSourceCandidate), and a draft is only JSON for the incident form.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/ingest.h"
#include "store/store.h"

namespace dossier::evidence {

struct IngestRequest {
  std::string name;      // file name or "upload", for messages
  std::string bytes;     // the file as read
  DocumentFormat format = DocumentFormat::kAuto;
  std::string encoding;  // "", "utf-8" or "euc-kr"
  std::string kind = "news_article";  // source_kinds code; "news" and "ngo-report" are accepted too
  std::string title, publisher, published, language, url;  // empty = from the document
  Sensitivity sensitivity = Sensitivity::kInternal;
};

struct IngestResult {
  Source source;
  Document document;
  std::vector<SourceCandidate> candidates;  // as stored, with ids
};

// Reads and checks the document, then stores the source and its candidates in one transaction:
// on any error nothing is written. Errors name the file or option at fault.
Result<IngestResult> IngestDocument(Store& store, const Lexicon& lexicon, const linkage::NameTables* names,
                                    const IngestRequest& request);

// A candidate as JSON for people and programs: its fields, labels of its code in English and
// Korean, and its span also in UTF-16 units of `source_text` (begin16/end16, for browsers).
nlohmann::ordered_json CandidateToJson(const Catalog& catalog, const SourceCandidate& c, std::string_view source_text);

// An incident draft from the confirmed candidates of one source: type, start (and end for a
// range), the most precise place, the count of victims, perpetrator organisations (PRC and DPRK
// bodies) and the source. Fields without a confirmed candidate are left out.
nlohmann::ordered_json DraftIncident(const Catalog& catalog, const Source& source,
                                     const std::vector<SourceCandidate>& candidates);

}  // namespace dossier::evidence
