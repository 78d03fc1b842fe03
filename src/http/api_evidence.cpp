// Evidence over HTTP (docs/evidence.md): files streamed into the vault and out of it, their
// metadata and chain of custody. Uploads take documenters and above; a download is logged in the
// item's custody before the first byte leaves, and analysts and viewers never download (or see the
// sealed metadata of) evidence of a restricted source.
#include <fmt/format.h>

#include "evidence/evidence.h"
#include "http/openapi.h"
#include "http/routes.h"

namespace dossier::http {

namespace {

// Largest file one upload may carry.
constexpr uint64_t kUploadLimit = uint64_t{4} << 30;

class EvidenceSink final : public BodySink {
 public:
  explicit EvidenceSink(evidence::Intake intake) : intake(std::move(intake)) {}
  Status Write(std::span<const uint8_t> bytes) override { return intake.Write(bytes); }
  evidence::Intake intake;
};

class EvidenceRoutes {
 public:
  explicit EvidenceRoutes(ApiServices& s) : services(s) {}

  // Evidence of a restricted source, for a role that may not see restricted records.
  static bool Hidden(const Source& s, const Ctx& c) {
    return s.sensitivity == Sensitivity::kRestricted && !c.sees_restricted();
  }

  static ordered_json Out(const EvidenceItem& e, bool hidden) {
    ordered_json j = evidence::EvidenceJson(e);
    if (hidden) {
      j["filename"] = "";
      j["acquired_by"] = "";
      j["acquired_from"] = "";
    }
    j["redacted"] = hidden;
    j["downloadable"] = !hidden;
    return j;
  }

  // The item and whether the caller's role is kept from it.
  Result<std::pair<EvidenceItem, bool>> Item(const Ctx& c) const {
    DOSSIER_ASSIGN_OR_RETURN(EvidenceItem e, c.store->GetEvidence(c.params[0]));
    DOSSIER_ASSIGN_OR_RETURN(Source s, c.store->GetSource(e.source_id));
    return std::pair<EvidenceItem, bool>(std::move(e), Hidden(s, c));
  }

  Response List(Ctx& c) {
    auto source = c.store->GetSource(c.params[0]);
    if (!source.ok()) return ErrorResponse(source.error());
    auto limit = QueryInt(c, "limit", 1, kMaxListLimit);
    if (!limit.ok()) return ErrorResponse(limit.error());
    auto offset = QueryInt(c, "offset", 0, int64_t{1} << 40);
    if (!offset.ok()) return ErrorResponse(offset.error());
    const size_t l = static_cast<size_t>(limit->value_or(100)), o = static_cast<size_t>(offset->value_or(0));
    auto page = c.store->ListEvidence(source->id, l, o);
    if (!page.ok()) return ErrorResponse(page.error());
    ordered_json items = ordered_json::array();
    for (const auto& e : page->items) items.push_back(Out(e, Hidden(*source, c)));
    return Json(200, {{"items", std::move(items)}, {"total", page->total}, {"limit", l}, {"offset", o}});
  }

  Response Upload(Ctx& c) {
    if (c.req.upload) {
      auto* sink = dynamic_cast<EvidenceSink*>(c.req.upload.get());
      if (!sink) return ErrorResponse(Error::Internal("upload of another route"));
      std::lock_guard lock(services.write_mu);
      auto item = sink->intake.Commit(*c.store);
      if (!item.ok()) return ErrorResponse(item.error());
      return Json(201, Out(*item, false));
    }
    EvidenceItem meta;
    meta.source_id = c.params[0];
    meta.filename = QueryText(c, "filename");
    meta.media_type = QueryText(c, "media_type");
    if (meta.media_type.empty()) meta.media_type = evidence::GuessMediaType(meta.filename);
    meta.method = QueryText(c, "method");
    if (meta.method.empty()) meta.method = "upload";
    meta.acquired_at = QueryText(c, "acquired_at");
    meta.acquired_by = QueryText(c, "acquired_by");
    meta.acquired_from = QueryText(c, "acquired_from");
    meta.derived_from = QueryText(c, "derived_from");
    meta.derivation = QueryText(c, "derivation");
    auto intake = evidence::Intake::Begin(*c.store, std::move(meta));
    if (!intake.ok()) return ErrorResponse(intake.error());
    Response r;
    r.upload = std::make_shared<EvidenceSink>(std::move(*intake));
    r.upload_limit = kUploadLimit;
    return r;
  }

  Response Download(Ctx& c) {
    auto item = Item(c);
    if (!item.ok()) return ErrorResponse(item.error());
    const auto& [e, hidden] = *item;
    if (hidden) {
      return ErrorResponse(403, "permission_denied",
                           fmt::format("the role {} may not download evidence of a restricted source",
                                       RoleName(c.session->role)), "");
    }
    Response r;
    r.content_type = "application/octet-stream";
    r.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}\"", e.sha256));
    r.headers.emplace_back("X-Content-SHA256", e.sha256);
    if (c.req.method == "HEAD") return r;
    auto reader = evidence::OpenEvidence(*c.store, e.sha256);
    if (!reader.ok()) return ErrorResponse(reader.error());
    {
      // Logged before the first byte leaves.
      std::lock_guard lock(services.write_mu);
      Status logged = c.store->RecordCustody(e.sha256, "evidence_access", "downloaded over HTTP");
      if (!logged.ok()) return ErrorResponse(logged.error());
    }
    auto shared = std::make_shared<evidence::Vault::Reader>(std::move(*reader));
    r.stream = [shared](std::span<uint8_t> out) { return shared->Read(out); };
    r.stream_length = static_cast<uint64_t>(e.size);
    return r;
  }

  Response Info(Ctx& c) {
    auto item = Item(c);
    if (!item.ok()) return ErrorResponse(item.error());
    return Json(200, Out(item->first, item->second));
  }

  Response Custody(Ctx& c) {
    auto item = Item(c);
    if (!item.ok()) return ErrorResponse(item.error());
    auto log = c.store->CustodyLog(item->first.sha256);
    if (!log.ok()) return ErrorResponse(log.error());
    ordered_json entries = ordered_json::array();
    for (const auto& a : *log) {
      ordered_json entry = {{"seq", a.seq}, {"at", a.at}, {"actor", a.actor}, {"action", a.action}};
      // Who did what when stays visible; what the entries say is sealed metadata.
      if (!item->second) entry["changes"] = ordered_json::parse(a.changes, nullptr, false);
      entries.push_back(std::move(entry));
    }
    return Json(200, {{"sha256", item->first.sha256}, {"entries", std::move(entries)}});
  }

  void Register(RouteTable& table, const std::shared_ptr<EvidenceRoutes>& self) {
    const std::string v1(kApiPrefix);
    table.Add("GET", v1 + "/sources/{id}/evidence", Permission::kRead, {"limit", "offset"},
              [self](Ctx& c) { return self->List(c); });
    table.AddUpload("POST", v1 + "/sources/{id}/evidence", Permission::kWrite,
                    {"filename", "media_type", "method", "acquired_at", "acquired_by", "acquired_from", "derived_from",
                     "derivation"},
                    [self](Ctx& c) { return self->Upload(c); });
    table.Add("GET", v1 + "/evidence/{sha256}/info", Permission::kRead, {}, [self](Ctx& c) { return self->Info(c); });
    table.Add("GET", v1 + "/evidence/{sha256}/custody", Permission::kHistory, {},
              [self](Ctx& c) { return self->Custody(c); });
    table.Add("GET", v1 + "/evidence/{sha256}", Permission::kRead, {}, [self](Ctx& c) { return self->Download(c); });
  }

 private:
  ApiServices& services;
};

}  // namespace

void AddEvidenceRoutes(RouteTable& table, ApiServices& services) {
  auto routes = std::make_shared<EvidenceRoutes>(services);
  routes->Register(table, routes);
}

void DescribeEvidenceRoutes(OpenApi& api) {
  using namespace openapi;
  const ordered_json str = {{"type", "string"}};
  const ordered_json nullable = {{"type", "string"}, {"nullable", true}};
  const ordered_json source_id = ordered_json::array({Param("id", "path", "string", true)});
  const ordered_json sha = ordered_json::array({Param("sha256", "path", "string", true)});
  ordered_json page = {{"type", "object"},
                       {"properties",
                        {{"items", {{"type", "array"}, {"items", Ref("Evidence")}}},
                         {"total", {{"type", "integer"}}},
                         {"limit", {{"type", "integer"}}},
                         {"offset", {{"type", "integer"}}}}}};
  ordered_json list_params = source_id;
  list_params.push_back(Param("limit", "query", "integer"));
  list_params.push_back(Param("offset", "query", "integer"));
  api.paths["/api/v1/sources/{id}/evidence"]["get"] =
      Operation("Files attached to a source (sealed metadata emptied for analysts and viewers on restricted sources)",
                {{"200", Reply("a page", page)}}, list_params);
  ordered_json upload_params = source_id;
  for (const char* q : {"filename", "media_type", "method", "acquired_at", "acquired_by", "acquired_from", "derived_from",
                        "derivation"}) {
    upload_params.push_back(Param(q, "query", "string"));
  }
  ordered_json upload = Operation("Store a file in the vault, streamed as the request body, at most 4 GiB "
                                  "(administrator, case officer, documenter)",
                                  {{"201", Reply("stored", Ref("Evidence"))}}, upload_params);
  upload["requestBody"] = {{"required", true},
                           {"content", {{"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
  api.paths["/api/v1/sources/{id}/evidence"]["post"] = upload;
  ordered_json download = Operation("Download a file, decrypted and streamed; logged in its chain of custody",
                                    ordered_json::object(), sha);
  download["responses"]["200"] = {
      {"description", "the original bytes"},
      {"content", {{"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
  api.paths["/api/v1/evidence/{sha256}"]["get"] = download;
  api.paths["/api/v1/evidence/{sha256}/info"]["get"] =
      Operation("What is known about a file", {{"200", Reply("the item", Ref("Evidence"))}}, sha);
  api.paths["/api/v1/evidence/{sha256}/custody"]["get"] =
      Operation("A file's chain of custody (not for viewers)", {{"200", Reply("custody log", {{"type", "object"}})}}, sha);
  api.schemas["Evidence"] = Object({{"sha256", str}, {"source_id", str}, {"size", {{"type", "integer"}}}, {"filename", str},
                                    {"media_type", str}, {"method", str}, {"acquired_at", str}, {"acquired_by", str},
                                    {"acquired_from", str}, {"added_at", str}, {"added_by", str},
                                    {"derived_from", nullable}, {"derivation", nullable},
                                    {"redacted", {{"type", "boolean"}}}, {"downloadable", {{"type", "boolean"}}}});
}

}  // namespace dossier::http
