// Ingestion and full-text search over HTTP (docs/evidence.md): upload an article or report, read
// and decide the candidate facts it yields, get the incident draft confirmed facts prefill, and
// search source texts. Candidates quote source text, so only roles that write records (who also
// see restricted sources) read them; search leaves restricted sources out for other roles.
#include <sodium.h>

#include <memory>

#include <fmt/format.h>

#include "domain/codec.h"
#include "evidence/ingest_source.h"
#include "evidence/text_search.h"
#include "http/openapi.h"
#include "http/routes.h"

namespace dossier::http {

namespace {

class IngestRoutes {
 public:
  explicit IngestRoutes(ApiServices& s) : services(s) {}

  Result<const evidence::Lexicon*> Lexicon(const Catalog& catalog) {
    std::lock_guard lock(mu);
    if (!lexicon) {
      DOSSIER_ASSIGN_OR_RETURN(evidence::Lexicon l, evidence::Lexicon::Load(catalog, Catalog::DefaultDataDir()));
      lexicon = std::make_unique<evidence::Lexicon>(std::move(l));
    }
    return lexicon.get();
  }

  static ordered_json SourceSummary(const Source& s) {
    return {{"id", s.id},         {"kind", s.kind},         {"title", s.title},
            {"date", s.date ? ordered_json(s.date->ToString()) : ordered_json(nullptr)},
            {"language", s.language}, {"publisher", s.publisher}, {"url", s.url},
            {"sensitivity", SensitivityName(s.sensitivity)}};
  }

  static ordered_json CandidatesJson(const Catalog& catalog, const std::vector<SourceCandidate>& list,
                                     const std::string& text) {
    ordered_json out = ordered_json::array();
    for (const auto& c : list) out.push_back(evidence::CandidateToJson(catalog, c, text));
    return out;
  }

  // The source with its text, every candidate and the draft the confirmed ones prefill.
  Response SourceView(Ctx& c, const std::string& id, int status) {
    auto s = c.store->GetSource(id);
    if (!s.ok()) return ErrorResponse(s.error());
    auto page = c.store->ListSourceCandidates(id, "", 100000, 0);
    if (!page.ok()) return ErrorResponse(page.error());
    ordered_json src = SourceSummary(*s);
    src["text"] = s->text;
    return Json(status, {{"source", src},
                         {"candidates", CandidatesJson(c.store->catalog(), page->items, s->text)},
                         {"draft", evidence::DraftIncident(c.store->catalog(), *s, page->items)}});
  }

  Response Ingest(Ctx& c) {
    using vt = json::value_t;
    Status shape = CheckFields(c.body, "document",
                               {{"text", vt::string}, {"content_base64", vt::string}, {"filename", vt::string},
                                {"format", vt::string}, {"encoding", vt::string}, {"kind", vt::string},
                                {"title", vt::string}, {"publisher", vt::string}, {"published", vt::string},
                                {"language", vt::string}, {"url", vt::string}, {"sensitivity", vt::string}});
    if (!shape.ok()) return ErrorResponse(shape.error());
    const json& b = c.body;
    evidence::IngestRequest req;
    req.name = b.value("filename", std::string("document"));
    if (b.contains("text") == b.contains("content_base64")) {
      return Invalid("document: field 'text': give either 'text' or 'content_base64'");
    }
    if (b.contains("text")) {
      req.bytes = b["text"].get<std::string>();
    } else {
      const std::string& b64 = b["content_base64"].get_ref<const std::string&>();
      req.bytes.resize(b64.size());
      size_t n = 0;
      if (sodium_base642bin(reinterpret_cast<unsigned char*>(req.bytes.data()), req.bytes.size(), b64.data(), b64.size(),
                            " \n\r", &n, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
        return Invalid("document: field 'content_base64': not valid base64");
      }
      req.bytes.resize(n);
    }
    const std::string format = b.value("format", std::string("auto"));
    if (format != "auto" && format != "text" && format != "html") {
      return Invalid("document: field 'format': expected auto, text or html");
    }
    req.format = format == "text" ? evidence::DocumentFormat::kText
                 : format == "html" ? evidence::DocumentFormat::kHtml : evidence::DocumentFormat::kAuto;
    req.encoding = b.value("encoding", std::string());
    req.kind = b.value("kind", std::string("news_article"));
    req.title = b.value("title", std::string());
    req.publisher = b.value("publisher", std::string());
    req.published = b.value("published", std::string());
    req.language = b.value("language", std::string());
    req.url = b.value("url", std::string());
    if (b.contains("sensitivity")) {
      auto s = ParseSensitivity(b["sensitivity"].get<std::string>());
      if (!s) return Invalid("document: field 'sensitivity': expected public, internal or restricted");
      req.sensitivity = *s;
    }
    auto lex = Lexicon(c.store->catalog());
    if (!lex.ok()) return ErrorResponse(lex.error());
    std::lock_guard lock(services.write_mu);
    auto result = evidence::IngestDocument(*c.store, **lex, services.name_tables.get(), req);
    if (!result.ok()) return ErrorResponse(result.error());
    return SourceView(c, result->source.id, 201);
  }

  Response ReadSource(Ctx& c) { return SourceView(c, c.params[0], 200); }

  Response ListCandidates(Ctx& c) {
    auto limit = QueryInt(c, "limit", 1, kMaxListLimit);
    if (!limit.ok()) return ErrorResponse(limit.error());
    auto offset = QueryInt(c, "offset", 0, int64_t{1} << 40);
    if (!offset.ok()) return ErrorResponse(offset.error());
    const std::string status = QueryText(c, "status");
    if (!status.empty() && status != "pending" && status != "confirmed" && status != "rejected") {
      return Invalid(fmt::format("query: field 'status': unknown status '{}'", status));
    }
    const size_t l = static_cast<size_t>(limit->value_or(100)), o = static_cast<size_t>(offset->value_or(0));
    auto page = c.store->ListSourceCandidates(QueryText(c, "source_id"), status, l, o);
    if (!page.ok()) return ErrorResponse(page.error());
    ordered_json items = ordered_json::array();
    std::map<std::string, std::string> texts;
    for (const auto& k : page->items) {
      if (!texts.count(k.source_id)) {
        auto s = c.store->GetSource(k.source_id);
        if (!s.ok()) return ErrorResponse(s.error());
        texts[k.source_id] = s->text;
      }
      items.push_back(evidence::CandidateToJson(c.store->catalog(), k, texts[k.source_id]));
    }
    return Json(200, {{"items", std::move(items)}, {"total", page->total}, {"limit", l}, {"offset", o}});
  }

  Response Decide(Ctx& c, bool confirm) {
    if (!c.body.is_null() && !(c.body.is_object() && c.body.empty())) {
      return Invalid("decision: expected no body or an empty object");
    }
    const std::string& id = c.params[0];
    std::lock_guard lock(services.write_mu);
    if (Status s = c.store->DecideSourceCandidate(id, confirm); !s.ok()) return ErrorResponse(s.error());
    auto k = c.store->GetSourceCandidate(id);
    if (!k.ok()) return ErrorResponse(k.error());
    auto src = c.store->GetSource(k->source_id);
    if (!src.ok()) return ErrorResponse(src.error());
    auto all = c.store->ListSourceCandidates(k->source_id, "", 100000, 0);
    if (!all.ok()) return ErrorResponse(all.error());
    return Json(200, {{"candidate", evidence::CandidateToJson(c.store->catalog(), *k, src->text)},
                      {"draft", evidence::DraftIncident(c.store->catalog(), *src, all->items)}});
  }

  // Up to 160 bytes of text around the first place a query term occurs (whole characters).
  static std::string Snippet(const std::string& text, const std::string& query) {
    std::string lowered = text;
    for (char& ch : lowered) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    size_t at = std::string::npos;
    for (const auto& term : evidence::TokeniseQuery(query)) {
      const std::string first = term.phrase.front();
      at = std::min(at, lowered.find(first));
    }
    if (at == std::string::npos) at = 0;
    size_t begin = at > 60 ? at - 60 : 0, end = std::min(text.size(), at + 100);
    while (begin > 0 && (static_cast<unsigned char>(text[begin]) & 0xC0) == 0x80) --begin;
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    std::string s = text.substr(begin, end - begin);
    for (char& ch : s) {
      if (ch == '\n') ch = ' ';
    }
    return (begin > 0 ? "…" : "") + s + (end < text.size() ? "…" : "");
  }

  Response Search(Ctx& c) {
    const std::string q = QueryText(c, "q");
    if (q.empty()) return Invalid("search: field 'q': is required");
    if (q.size() > 200) return Invalid("search: field 'q': at most 200 bytes");
    auto limit = QueryInt(c, "limit", 1, 100);
    if (!limit.ok()) return ErrorResponse(limit.error());
    auto offset = QueryInt(c, "offset", 0, int64_t{1} << 40);
    if (!offset.ok()) return ErrorResponse(offset.error());
    {
      // Sources stored before the index existed (an upgraded database) are indexed once.
      std::lock_guard lock(services.write_mu);
      auto n = c.store->IndexUnindexedSources();
      if (!n.ok()) return ErrorResponse(n.error());
    }
    const size_t l = static_cast<size_t>(limit->value_or(20)), o = static_cast<size_t>(offset->value_or(0));
    auto page = c.store->SearchSources(q, c.sees_restricted(), l, o);
    if (!page.ok()) return ErrorResponse(page.error());
    ordered_json items = ordered_json::array();
    for (const auto& h : page->items) {
      auto s = c.store->GetSource(h.source_id);
      if (!s.ok()) continue;  // deleted since the lookup
      if (s->sensitivity == Sensitivity::kRestricted && !c.sees_restricted()) continue;
      items.push_back({{"source", SourceSummary(*s)}, {"score", h.score}, {"snippet", Snippet(s->text, q)}});
    }
    return Json(200, {{"items", std::move(items)}, {"total", page->total}, {"limit", l}, {"offset", o}});
  }

  static void Register(RouteTable& table, const std::shared_ptr<IngestRoutes>& self) {
    const std::string v1(kApiPrefix);
    // Before /sources/{id}, which would otherwise take "search" for a source id.
    table.Add("GET", v1 + "/sources/search", Permission::kRead, {"q", "limit", "offset"},
              [self](Ctx& c) { return self->Search(c); });
    table.Add("POST", v1 + "/ingest", Permission::kWrite, {}, [self](Ctx& c) { return self->Ingest(c); });
    table.Add("GET", v1 + "/ingest/sources/{id}", Permission::kWrite, {}, [self](Ctx& c) { return self->ReadSource(c); });
    table.Add("GET", v1 + "/ingest/candidates", Permission::kWrite, {"source_id", "status", "limit", "offset"},
              [self](Ctx& c) { return self->ListCandidates(c); });
    table.Add("POST", v1 + "/ingest/candidates/{id}/confirm", Permission::kWrite, {},
              [self](Ctx& c) { return self->Decide(c, true); });
    table.Add("POST", v1 + "/ingest/candidates/{id}/reject", Permission::kWrite, {},
              [self](Ctx& c) { return self->Decide(c, false); });
  }

 private:
  ApiServices& services;
  std::mutex mu;
  std::unique_ptr<evidence::Lexicon> lexicon;
};

}  // namespace

void AddIngestRoutes(RouteTable& table, ApiServices& services) {
  auto routes = std::make_shared<IngestRoutes>(services);
  routes->Register(table, routes);
}

void DescribeIngestRoutes(OpenApi& api) {
  using namespace openapi;
  const ordered_json str = {{"type", "string"}};
  const ordered_json num = {{"type", "number"}};
  const ordered_json integer = {{"type", "integer"}};
  const ordered_json id = ordered_json::array({Param("id", "path", "string", true)});
  const ordered_json view = {{"type", "object"},
                             {"properties",
                              {{"source", {{"type", "object"}}},
                               {"candidates", {{"type", "array"}, {"items", Ref("SourceCandidate")}}},
                               {"draft", {{"type", "object"}}}}}};
  api.paths["/api/v1/sources/search"]["get"] = Operation(
      "Full-text search over source titles and texts (one Hangul or Hanja character and up); restricted sources only "
      "for roles cleared for them",
      {{"200", Reply("hits, best first", {{"type", "object"}})}},
      ordered_json::array({Param("q", "query", "string", true), Param("limit", "query", "integer"),
                           Param("offset", "query", "integer")}));
  api.paths["/api/v1/ingest"]["post"] = Operation(
      "Store an article or report as a source and propose candidate facts (administrator, case officer, documenter)",
      {{"201", Reply("the source, its candidates and an empty draft", view)}}, ordered_json::array(), Ref("IngestDocument"));
  api.paths["/api/v1/ingest/sources/{id}"]["get"] =
      Operation("A source with its text, candidates and the incident draft its confirmed candidates prefill",
                {{"200", Reply("the source view", view)}}, id);
  api.paths["/api/v1/ingest/candidates"]["get"] = Operation(
      "Candidates in text order", {{"200", Reply("a page", {{"type", "object"}})}},
      ordered_json::array({Param("source_id", "query", "string"), Param("status", "query", "string"),
                           Param("limit", "query", "integer"), Param("offset", "query", "integer")}));
  api.paths["/api/v1/ingest/candidates/{id}/confirm"]["post"] = Operation(
      "Confirm a candidate: records the decision; returns the incident draft (nothing else is created)",
      {{"200", Reply("the candidate and the draft", {{"type", "object"}})}}, id);
  api.paths["/api/v1/ingest/candidates/{id}/reject"]["post"] =
      Operation("Reject a candidate", {{"200", Reply("the candidate and the draft", {{"type", "object"}})}}, id);
  api.schemas["IngestDocument"] =
      Object({{"text", str}, {"content_base64", str}, {"filename", str}, {"format", str}, {"encoding", str},
              {"kind", str}, {"title", str}, {"publisher", str}, {"published", str}, {"language", str}, {"url", str},
              {"sensitivity", str}});
  api.schemas["SourceCandidate"] =
      Object({{"id", str}, {"source_id", str}, {"kind", str}, {"begin", integer}, {"end", integer},
              {"begin16", integer}, {"end16", integer}, {"quote", str}, {"value", str}, {"labels", {{"type", "object"}}},
              {"qualifier", str}, {"key", str}, {"note", str}, {"confidence", num}, {"status", str},
              {"decided_by", str}, {"decided_at", str}});
}

}  // namespace dossier::http
