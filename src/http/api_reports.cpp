// Reports over HTTP (docs/reports.md): published statistics, submissions previewed as HTML and
// downloaded as PDF, and HXL exports. Everything is redacted unless an administrator or case
// officer gives a reason to un-redact; downloads and un-redacted previews are recorded in the
// audit trail (the reason sealed with it).
#include <memory>

#include <fmt/format.h>

#include "http/openapi.h"
#include "http/routes.h"
#include "reports/hxl.h"
#include "reports/pdf.h"
#include "reports/report.h"

namespace dossier::http {

namespace {

class ReportRoutes {
 public:
  explicit ReportRoutes(ApiServices& s) : services(s) {}

  Response Templates(Ctx&) {
    auto list = reports::ListTemplates();
    if (!list.ok()) return ErrorResponse(list.error());
    ordered_json items = ordered_json::array();
    for (const auto& t : *list) {
      items.push_back({{"mechanism", t.mechanism}, {"name", {{"en", t.name_en}, {"ko", t.name_ko}}},
                       {"word_limit", t.word_limit ? ordered_json(*t.word_limit) : ordered_json(nullptr)},
                       {"joint_word_limit", t.joint_word_limit ? ordered_json(*t.joint_word_limit) : ordered_json(nullptr)},
                       {"needs_cases", t.needs_cases}});
    }
    return Json(200, {{"items", std::move(items)}});
  }

  // Cases a selection matches, for picking; titles only for roles that see restricted persons.
  Response Cases(Ctx& c) {
    reports::Selection s;
    s.incident_type = QueryText(c, "incident_type");
    s.place = QueryText(c, "place");
    for (auto [name, target] : {std::pair{"year_from", &s.year_from}, std::pair{"year_to", &s.year_to}}) {
      auto y = QueryInt(c, name, 1900, 2200);
      if (!y.ok()) return ErrorResponse(y.error());
      if (*y) *target = static_cast<int>(**y);
    }
    auto snapshot = reports::LoadSnapshot(*c.store);
    if (!snapshot.ok()) return ErrorResponse(snapshot.error());
    auto found = reports::MatchingCases(*snapshot, *c.store, s);
    if (!found.ok()) return ErrorResponse(found.error());
    ordered_json items = ordered_json::array();
    for (const auto& k : *found) {
      std::string pseudonyms;
      for (const auto& pid : k.person_ids) pseudonyms += (pseudonyms.empty() ? "" : ", ") + c.store->keyring().Pseudonym("person", pid);
      ordered_json incidents = ordered_json::array();
      for (const auto& id : k.incident_ids) {
        auto it = snapshot->incidents.find(id);
        if (it == snapshot->incidents.end()) continue;
        incidents.push_back({{"type", it->second.type}, {"start", it->second.start.ToString()},
                             {"province", reports::CoarsenPlace(c.store->catalog(), it->second.place)}});
      }
      items.push_back({{"id", k.id}, {"title", c.sees_restricted() ? k.title : "Case of " + pseudonyms},
                       {"status", cases::StatusName(k.status)}, {"persons", pseudonyms}, {"incidents", std::move(incidents)}});
    }
    return Json(200, {{"items", std::move(items)}});
  }

  Response Statistics(Ctx& c) {
    if (Status s = CheckFields(c.body, "statistics", {{"selection", json::value_t::object}, {"lang", json::value_t::string},
                                                      {"threshold", json::value_t::number_unsigned}, {"estimates", json::value_t::boolean}});
        !s.ok()) {
      return ErrorResponse(s.error());
    }
    auto sel = reports::SelectionFromJson(c.body.value("selection", json(nullptr)), "statistics.selection");
    if (!sel.ok()) return ErrorResponse(sel.error());
    const int64_t threshold = c.body.value("threshold", int64_t{5});
    if (threshold < 1 || threshold > 100) return Invalid("statistics: field 'threshold': expected a whole number from 1 to 100");
    const std::string lang = c.body.value("lang", std::string("en"));
    if (lang != "en" && lang != "ko") return Invalid("statistics: field 'lang': use en or ko");
    reports::StatisticsOptions o;
    o.estimates = c.body.value("estimates", false);
    auto st = reports::ComputeStatistics(*c.store, *sel, o);
    if (!st.ok()) return ErrorResponse(st.error());
    return Json(200, reports::StatisticsToJson(*st, c.store->catalog(), lang, threshold));
  }

  // Parses the request, checks an un-redaction against the caller's role and reason, and builds
  // the document.
  Result<reports::Report> Build(Ctx& c) {
    DOSSIER_ASSIGN_OR_RETURN(reports::ReportRequest r, reports::ReportRequestFromJson(c.body));
    if (!r.policy.redact) DOSSIER_RETURN_IF_ERROR(reports::CheckUnredaction(RoleName(c.session->role), r.unredact_reason));
    if (r.policy.redact && !r.unredact_reason.empty()) {
      return Error::Invalid("report: field 'unredact_reason': give a reason only with \"redact\": false");
    }
    DOSSIER_ASSIGN_OR_RETURN(reports::Report report, reports::GenerateReport(*c.store, r));
    request_ = r;
    return report;
  }

  Status Audit(Ctx& c, const reports::Report& report, const std::string& format) {
    ordered_json details = {{"mechanism", report.mechanism}, {"lang", report.lang}, {"format", format},
                            {"redacted", report.redacted}, {"selection", reports::ToJson(request_.selection)},
                            {"cases", report.case_ids}, {"words", report.words}};
    if (!report.redacted) details["reason"] = request_.unredact_reason;
    std::lock_guard lock(services.write_mu);
    return c.store->RecordEvent(report.redacted ? "report" : "report_unredacted", details.dump());
  }

  Response Preview(Ctx& c) {
    auto report = Build(c);
    if (!report.ok()) return ErrorResponse(report.error());
    if (!report->redacted) {
      if (Status s = Audit(c, *report, "preview"); !s.ok()) return ErrorResponse(s.error());
    }
    return Json(200, {{"title", report->title}, {"mechanism", report->mechanism}, {"lang", report->lang},
                      {"redacted", report->redacted}, {"words", report->words},
                      {"word_limit", report->word_limit ? ordered_json(*report->word_limit) : ordered_json(nullptr)},
                      {"trimmed", report->trimmed}, {"warnings", report->warnings}, {"redaction", report->redaction},
                      {"case_ids", report->case_ids}, {"article", report->article}, {"html", report->html}});
  }

  Response Pdf(Ctx& c) {
    auto report = Build(c);
    if (!report.ok()) return ErrorResponse(report.error());
    auto pdf = reports::RenderPdf(report->html);
    if (!pdf.ok()) return ErrorResponse(pdf.error());
    if (Status s = Audit(c, *report, "pdf"); !s.ok()) return ErrorResponse(s.error());
    Response r;
    r.status = 200;
    r.content_type = "application/pdf";
    r.body = std::move(*pdf);
    r.headers.emplace_back("Content-Disposition",
                           fmt::format("attachment; filename=\"dossier-{}-{}{}.pdf\"", report->mechanism, report->lang,
                                       report->redacted ? "" : "-UNREDACTED"));
    return r;
  }

  Response Hxl(Ctx& c) {
    if (Status s = CheckFields(c.body, "hxl", {{"selection", json::value_t::object}, {"format", json::value_t::string},
                                               {"organisation", json::value_t::string}, {"threshold", json::value_t::number_unsigned}});
        !s.ok()) {
      return ErrorResponse(s.error());
    }
    auto sel = reports::SelectionFromJson(c.body.value("selection", json(nullptr)), "hxl.selection");
    if (!sel.ok()) return ErrorResponse(sel.error());
    const std::string format = c.body.value("format", std::string("csv"));
    if (format != "csv" && format != "json") return Invalid("hxl: field 'format': use csv or json");
    const int64_t threshold = c.body.value("threshold", int64_t{5});
    if (threshold < 2 || threshold > 100) return Invalid("hxl: field 'threshold': expected a whole number from 2 to 100");
    auto st = reports::ComputeStatistics(*c.store, *sel, {});
    if (!st.ok()) return ErrorResponse(st.error());
    auto table = reports::BuildHxl(*st, c.store->catalog(), {c.body.value("organisation", std::string()), threshold});
    {
      std::lock_guard lock(services.write_mu);
      ordered_json details = {{"format", format}, {"selection", reports::ToJson(*sel)}, {"rows", table.rows.size()}};
      if (Status s = c.store->RecordEvent("export_hxl", details.dump()); !s.ok()) return ErrorResponse(s.error());
    }
    Response r;
    r.status = 200;
    r.content_type = format == "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
    r.body = format == "csv" ? reports::HxlCsv(table) : reports::HxlJson(table).dump(1);
    r.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"dossier-hxl.{}\"", format));
    return r;
  }

  static void Register(RouteTable& table, const std::shared_ptr<ReportRoutes>& self) {
    const std::string base = std::string(kApiPrefix) + "/reports";
    // Redacted output is for every role; CheckUnredaction guards the rest inside the handlers.
    table.Add("GET", base + "/templates", Permission::kRead, {}, [self](Ctx& c) { return self->Templates(c); });
    table.Add("GET", base + "/cases", Permission::kRead, {"incident_type", "place", "year_from", "year_to"},
              [self](Ctx& c) { return self->Cases(c); });
    table.Add("POST", base + "/statistics", Permission::kRead, {}, [self](Ctx& c) { return self->Statistics(c); });
    table.Add("POST", base + "/preview", Permission::kRead, {}, [self](Ctx& c) { return ReportRoutes(*self).Preview(c); });
    table.Add("POST", base + "/pdf", Permission::kRead, {}, [self](Ctx& c) { return ReportRoutes(*self).Pdf(c); });
    table.Add("POST", base + "/hxl", Permission::kRead, {}, [self](Ctx& c) { return self->Hxl(c); });
  }

 private:
  ApiServices& services;
  reports::ReportRequest request_;  // of the request being served (handlers run on a copy)
};

}  // namespace

void AddReportRoutes(RouteTable& table, ApiServices& services) {
  auto routes = std::make_shared<ReportRoutes>(services);
  routes->Register(table, routes);
}

void DescribeReportRoutes(OpenApi& api) {
  using namespace openapi;
  const ordered_json str = {{"type", "string"}};
  const ordered_json obj = {{"type", "object"}};
  const ordered_json strings = {{"type", "array"}, {"items", str}};
  const ordered_json integer_or_null = {{"type", "integer"}, {"nullable", true}};
  api.schemas["ReportSelection"] = Object({{"incident_type", str}, {"place", str}, {"year_from", integer_or_null},
                                           {"year_to", integer_or_null}, {"incident_ids", strings}, {"case_ids", strings}});
  api.schemas["ReportRequest"] = Object({{"mechanism", str}, {"lang", str}, {"organisation", str}, {"joint", {{"type", "boolean"}}},
                                         {"trim", {{"type", "boolean"}}}, {"estimates", {{"type", "boolean"}}},
                                         {"threshold", {{"type", "integer"}}}, {"k", {{"type", "integer"}}},
                                         {"redact", {{"type", "boolean"}}}, {"unredact_reason", str},
                                         {"selection", Ref("ReportSelection")}},
                                        {"mechanism"});
  api.paths["/api/v1/reports/templates"]["get"] =
      Operation("Mechanisms a submission can be written for, with their word limits", {{"200", Reply("templates", obj)}});
  api.paths["/api/v1/reports/cases"]["get"] =
      Operation("Cases with incidents matching a type, place and years", {{"200", Reply("cases", obj)}},
                ordered_json::array({Param("incident_type", "query", "string"), Param("place", "query", "string"),
                                     Param("year_from", "query", "integer"), Param("year_to", "query", "integer")}));
  api.paths["/api/v1/reports/statistics"]["post"] =
      Operation("Statistics on linked persons, small counts suppressed", {{"200", Reply("statistics", obj)}},
                ordered_json::array(),
                Object({{"selection", Ref("ReportSelection")}, {"lang", str}, {"threshold", {{"type", "integer"}}},
                        {"estimates", {{"type", "boolean"}}}}));
  api.paths["/api/v1/reports/preview"]["post"] =
      Operation("Generate a submission and return its HTML (un-redacting: administrator or case officer, with a reason)",
                {{"200", Reply("the document", obj)}}, ordered_json::array(), Ref("ReportRequest"));
  ordered_json pdf = {{"description", "the document as PDF"},
                      {"content", {{"application/pdf", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
  api.paths["/api/v1/reports/pdf"]["post"] =
      Operation("Generate a submission as PDF (recorded in the audit trail)", {{"200", pdf}}, ordered_json::array(),
                Ref("ReportRequest"));
  ordered_json hxl = {{"description", "HXL-tagged aggregates"},
                      {"content", {{"text/csv", {{"schema", str}}}, {"application/json", {{"schema", {{"type", "array"}}}}}}}};
  api.paths["/api/v1/reports/hxl"]["post"] =
      Operation("Aggregates by year, province and incident type with HXL hashtags; nothing identifying", {{"200", hxl}},
                ordered_json::array(),
                Object({{"selection", Ref("ReportSelection")}, {"format", str}, {"organisation", str},
                        {"threshold", {{"type", "integer"}}}}));
}

}  // namespace dossier::http
