// Storing an ingested document and drafting an incident from what a documenter confirmed.
#include "evidence/ingest_source.h"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

namespace dossier::evidence {

namespace {

std::string SourceKind(const std::string& kind) {
  if (kind == "news") return "news_article";
  if (kind == "ngo-report" || kind == "ngo" || kind == "report") return "ngo_report";
  return kind;
}

// "2012-02-14", "2012-02-14T09:30:00+09:00", "2012.02.14" -> the date; nullopt when unreadable.
std::optional<PartialDate> MetaDate(const std::string& text) {
  if (text.size() < 10) return std::nullopt;
  std::string d = text.substr(0, 10);
  for (char& c : d) {
    if (c == '.' || c == '/') c = '-';
  }
  auto r = PartialDate::Parse(d);
  if (!r.ok()) return std::nullopt;
  return *r;
}

std::string FirstLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > 200) {
    size_t cut = 200;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    line = line.substr(0, cut) + "…";
  }
  return line;
}

}  // namespace

Result<IngestResult> IngestDocument(Store& store, const Lexicon& lexicon, const linkage::NameTables* names,
                                    const IngestRequest& request) {
  IngestResult out;
  DOSSIER_ASSIGN_OR_RETURN(out.document, ReadDocument(request.bytes, request.name, request.format, request.encoding));
  Source& s = out.source;
  s.kind = SourceKind(request.kind);
  if (!store.catalog().HasTerm("source_kinds", s.kind)) {
    return Error::Invalid(fmt::format("option 'kind': unknown source kind '{}' (news, ngo-report or a source_kinds code)",
                                      request.kind));
  }
  s.text = out.document.text;
  s.title = !request.title.empty() ? request.title : !out.document.title.empty() ? out.document.title : FirstLine(s.text);
  s.publisher = !request.publisher.empty() ? request.publisher : !out.document.site.empty() ? out.document.site
                                                                                             : out.document.author;
  s.url = request.url;
  s.language = !request.language.empty() ? request.language : GuessLanguage(s.text);
  s.sensitivity = request.sensitivity;
  if (!request.published.empty()) {
    auto d = PartialDate::Parse(request.published);
    if (!d.ok()) return Error::Invalid(fmt::format("option 'published': {}", d.error().message));
    s.date = *d;
  } else {
    s.date = MetaDate(out.document.published);
  }
  ExtractOptions options;
  if (s.date && s.date->precision == DatePrecision::kDay) options.published = s.date;
  options.names = names;
  const std::vector<Candidate> found = ExtractCandidates(s.text, lexicon, options);
  DOSSIER_RETURN_IF_ERROR(store.Transaction([&]() -> Status {
    DOSSIER_ASSIGN_OR_RETURN(s.id, store.Create(s));
    out.candidates.clear();
    for (const auto& c : found) {
      SourceCandidate sc;
      sc.source_id = s.id;
      sc.kind = c.kind;
      sc.begin = static_cast<int64_t>(c.begin);
      sc.end = static_cast<int64_t>(c.end);
      sc.quote = c.quote;
      sc.value = c.value;
      sc.key = c.key;
      sc.note = c.note;
      sc.qualifier = c.qualifier;
      sc.confidence = c.confidence;
      out.candidates.push_back(std::move(sc));
    }
    return store.AddSourceCandidates(out.candidates);
  }));
  return out;
}

nlohmann::ordered_json CandidateToJson(const Catalog& catalog, const SourceCandidate& c, std::string_view source_text) {
  nlohmann::ordered_json labels = nlohmann::ordered_json::object();
  for (const char* lang : {"en", "ko"}) {
    if (c.kind == "place") labels[lang] = catalog.PlaceLabel(c.value, lang);
    if (c.kind == "organisation") labels[lang] = catalog.Label("organisations", c.value, lang);
    if (c.kind == "incident_type") labels[lang] = catalog.Label("incident_types", c.value, lang);
    if (c.kind == "count") labels[lang] = catalog.Label("count_qualifiers", c.qualifier, lang) + " " + c.value;
  }
  return {{"id", c.id},
          {"source_id", c.source_id},
          {"kind", c.kind},
          {"begin", c.begin},
          {"end", c.end},
          {"begin16", Utf16Offset(source_text, static_cast<size_t>(c.begin))},
          {"end16", Utf16Offset(source_text, static_cast<size_t>(c.end))},
          {"quote", c.quote},
          {"value", c.value},
          {"labels", labels},
          {"qualifier", c.qualifier},
          {"key", c.key},
          {"note", c.note},
          {"confidence", c.confidence},
          {"status", c.status},
          {"decided_by", c.decided_by},
          {"decided_at", c.decided_at}};
}

nlohmann::ordered_json DraftIncident(const Catalog& catalog, const Source& source,
                                     const std::vector<SourceCandidate>& candidates) {
  nlohmann::ordered_json draft = nlohmann::ordered_json::object();
  auto best = [&](const char* kind, const std::function<int(const SourceCandidate&)>& rank) -> const SourceCandidate* {
    const SourceCandidate* chosen = nullptr;
    for (const auto& c : candidates) {
      if (c.status != "confirmed" || c.kind != kind) continue;
      if (!chosen || rank(c) > rank(*chosen) || (rank(c) == rank(*chosen) && c.confidence > chosen->confidence)) {
        chosen = &c;
      }
    }
    return chosen;
  };
  if (const auto* t = best("incident_type", [](const SourceCandidate&) { return 0; })) draft["type"] = t->value;
  if (const auto* d = best("date", [](const SourceCandidate& c) { return c.qualifier == "absolute" ? 1 : 0; })) {
    const auto slash = d->value.find('/');
    draft["start"] = d->value.substr(0, slash);
    if (slash != std::string::npos) draft["end"] = d->value.substr(slash + 1);
  }
  // The most precise place: a city or county over its province, a province over its country.
  if (const auto* p = best("place", [&](const SourceCandidate& c) {
        return static_cast<int>(catalog.PlacePath(c.value).size());
      })) {
    draft["place"] = p->value;
  }
  if (const auto* n = best("count", [](const SourceCandidate&) { return 0; })) {
    draft["victim_count"] = {{"value", std::stoll(n->value)}, {"qualifier", n->qualifier.empty() ? "exact" : n->qualifier}};
  }
  nlohmann::ordered_json orgs = nlohmann::ordered_json::array();
  for (const auto& c : candidates) {
    const bool perpetrator = c.value.starts_with("prc_") || c.value.starts_with("dprk_");
    if (c.status == "confirmed" && c.kind == "organisation" && perpetrator &&
        std::find(orgs.begin(), orgs.end(), c.value) == orgs.end()) {
      orgs.push_back(c.value);
    }
  }
  if (!orgs.empty()) draft["perpetrator_orgs"] = orgs;
  draft["sensitivity"] = SensitivityName(source.sensitivity);
  draft["source_ids"] = nlohmann::ordered_json::array({source.id});
  return draft;
}

}  // namespace dossier::evidence
