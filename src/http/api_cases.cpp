// Urgent cases over HTTP (docs/cases.md): case files, status transitions, interventions, the
// timeline and what is overdue. Cases naming a restricted person lose their free text for roles
// that may not see restricted persons.
#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "cases/cases.h"
#include "domain/validate.h"
#include "http/openapi.h"
#include "http/routes.h"

namespace dossier::http {

namespace {

class CaseRoutes {
 public:
  explicit CaseRoutes(ApiServices& s) : services(s) {}

  // ------------------------------------------------------------ urgent cases

  // A case naming a restricted person is shown to analysts and viewers without its free text:
  // the title becomes the persons' pseudonyms, notes, transition notes and intervention
  // responses and outcomes are emptied.
  Result<bool> CaseRedacted(const cases::Case& k, const Ctx& c) const {
    if (c.sees_restricted()) return false;
    for (const auto& pid : k.person_ids) {
      auto p = c.store->GetPerson(pid);
      if (!p.ok()) return p.error();
      if (p->sensitivity == Sensitivity::kRestricted) return true;
    }
    return false;
  }

  Result<ordered_json> CaseOut(const cases::Case& k, const Ctx& c) const {
    DOSSIER_ASSIGN_OR_RETURN(bool redact, CaseRedacted(k, c));
    ordered_json j = cases::ToJson(k);
    ordered_json persons = ordered_json::array();
    std::string pseudonyms;
    for (const auto& pid : k.person_ids) {
      const std::string ps = c.store->keyring().Pseudonym("person", pid);
      persons.push_back({{"id", pid}, {"pseudonym", ps}});
      pseudonyms += (pseudonyms.empty() ? "" : ", ") + ps;
    }
    if (redact) {
      j["title"] = "Case of " + pseudonyms;
      j["notes"] = "";
    }
    j["persons"] = persons;
    j["redacted"] = redact;
    // The statuses the workflow allows next, so a client offers only those (the server checks again).
    ordered_json next = ordered_json::array();
    for (cases::CaseStatus s : cases::AllowedNext(k.status)) next.push_back(cases::StatusName(s));
    j["allowed_next"] = std::move(next);
    return j;
  }

  static ordered_json TransitionOut(const cases::Transition& t, bool redact) {
    ordered_json j = cases::ToJson(t);
    if (redact) j["note"] = "";
    return j;
  }
  static ordered_json InterventionOut(const cases::Intervention& i, bool redact) {
    ordered_json j = cases::ToJson(i);
    if (redact) {
      j["response"] = "";
      j["outcome"] = "";
    }
    return j;
  }

  // The body as an object without the server-computed fields a client may echo back; a `field`
  // that is present must equal `expected` (the id in the path).
  static Result<json> CaseBody(const Ctx& c, const char* what, const char* field, const std::string& expected) {
    if (!c.body.is_object()) return Error::Invalid(fmt::format("{}: expected a JSON object", what));
    json j = c.body;
    for (const char* computed : {"persons", "redacted", "overdue", "allowed_next"}) j.erase(computed);
    if (field && !expected.empty()) {
      if (j.contains(field) && (!j[field].is_string() || j[field].get<std::string>() != expected)) {
        return Error::Invalid(fmt::format("{}: field '{}': must be the id in the path", what, field));
      }
      j[field] = expected;
    }
    return j;
  }

  Response ListCases(Ctx& c) {
    auto limit = QueryInt(c, "limit", 1, kMaxListLimit);
    if (!limit.ok()) return ErrorResponse(limit.error());
    auto offset = QueryInt(c, "offset", 0, int64_t{1} << 40);
    if (!offset.ok()) return ErrorResponse(offset.error());
    const std::string status = QueryText(c, "status");
    if (!status.empty() && !cases::ParseStatus(status)) {
      return Invalid(fmt::format("query: field 'status': unknown status '{}'", status));
    }
    const size_t l = static_cast<size_t>(limit->value_or(50)), o = static_cast<size_t>(offset->value_or(0));
    auto page = c.store->ListCases(l, o, status);
    if (!page.ok()) return ErrorResponse(page.error());
    ordered_json items = ordered_json::array();
    for (const auto& k : page->items) {
      auto j = CaseOut(k, c);
      if (!j.ok()) return ErrorResponse(j.error());
      items.push_back(std::move(*j));
    }
    return Json(200, {{"items", std::move(items)}, {"total", page->total}, {"limit", l}, {"offset", o}});
  }

  Response ReadCase(Ctx& c) {
    auto k = c.store->GetCase(c.params[0]);
    if (!k.ok()) return ErrorResponse(k.error());
    auto j = CaseOut(*k, c);
    if (!j.ok()) return ErrorResponse(j.error());
    return Json(200, *j);
  }

  Response CreateCase(Ctx& c) {
    auto body = CaseBody(c, "case", nullptr, "");
    if (!body.ok()) return ErrorResponse(body.error());
    auto k = cases::CaseFromJson(*body, "case");
    if (!k.ok()) return ErrorResponse(k.error());
    std::lock_guard lock(services.write_mu);
    auto id = c.store->CreateCase(*k);
    if (!id.ok()) return ErrorResponse(id.error());
    auto stored = c.store->GetCase(*id);
    if (!stored.ok()) return ErrorResponse(stored.error());
    auto j = CaseOut(*stored, c);
    if (!j.ok()) return ErrorResponse(j.error());
    return Json(201, *j);
  }

  Response UpdateCase(Ctx& c) {
    const std::string& id = c.params[0];
    auto body = CaseBody(c, "case", "id", id);
    if (!body.ok()) return ErrorResponse(body.error());
    auto k = cases::CaseFromJson(*body, "case");
    if (!k.ok()) return ErrorResponse(k.error());
    std::lock_guard lock(services.write_mu);
    if (Status s = c.store->UpdateCase(*k); !s.ok()) return ErrorResponse(s.error());
    return ReadCase(c);
  }

  Response AddTransition(Ctx& c) {
    const std::string& id = c.params[0];
    auto body = CaseBody(c, "transition", "case_id", id);
    if (!body.ok()) return ErrorResponse(body.error());
    auto t = cases::TransitionFromJson(*body, "transition");
    if (!t.ok()) return ErrorResponse(t.error());
    std::lock_guard lock(services.write_mu);
    auto tid = c.store->AddTransition(*t);
    if (!tid.ok()) return ErrorResponse(tid.error());
    auto all = c.store->ListTransitions(id);
    if (!all.ok()) return ErrorResponse(all.error());
    auto k = c.store->GetCase(id);
    if (!k.ok()) return ErrorResponse(k.error());
    auto kj = CaseOut(*k, c);
    if (!kj.ok()) return ErrorResponse(kj.error());
    for (const auto& tr : *all) {
      if (tr.id == *tid) return Json(201, {{"transition", TransitionOut(tr, (*kj)["redacted"].get<bool>())}, {"case", *kj}});
    }
    return ErrorResponse(Error::Internal("the transition just recorded was not found"));
  }

  Response AddIntervention(Ctx& c) {
    const std::string& id = c.params[0];
    auto body = CaseBody(c, "intervention", "case_id", id);
    if (!body.ok()) return ErrorResponse(body.error());
    auto i = cases::InterventionFromJson(*body, "intervention");
    if (!i.ok()) return ErrorResponse(i.error());
    std::lock_guard lock(services.write_mu);
    auto iid = c.store->AddIntervention(*i);
    if (!iid.ok()) return ErrorResponse(iid.error());
    return StoredIntervention(c, id, *iid, 201);
  }

  Response UpdateIntervention(Ctx& c) {
    const std::string& id = c.params[0];
    const std::string& iid = c.params[1];
    auto body = CaseBody(c, "intervention", "case_id", id);
    if (!body.ok()) return ErrorResponse(body.error());
    if (body->contains("id") && (!(*body)["id"].is_string() || (*body)["id"].get<std::string>() != iid)) {
      return Invalid("intervention: field 'id': must be the id in the path");
    }
    (*body)["id"] = iid;
    auto i = cases::InterventionFromJson(*body, "intervention");
    if (!i.ok()) return ErrorResponse(i.error());
    std::lock_guard lock(services.write_mu);
    auto existing = c.store->ListInterventions(id);
    if (!existing.ok()) return ErrorResponse(existing.error());
    if (std::none_of(existing->begin(), existing->end(), [&](const auto& e) { return e.id == iid; })) {
      return ErrorResponse(Error::NotFound(fmt::format("case '{}' has no intervention '{}'", id, iid)));
    }
    if (Status s = c.store->UpdateIntervention(*i); !s.ok()) return ErrorResponse(s.error());
    return StoredIntervention(c, id, iid, 200);
  }

  Response StoredIntervention(Ctx& c, const std::string& case_id, const std::string& iid, int status) {
    auto k = c.store->GetCase(case_id);
    if (!k.ok()) return ErrorResponse(k.error());
    auto redact = CaseRedacted(*k, c);
    if (!redact.ok()) return ErrorResponse(redact.error());
    auto all = c.store->ListInterventions(case_id);
    if (!all.ok()) return ErrorResponse(all.error());
    for (const auto& i : *all) {
      if (i.id == iid) return Json(status, InterventionOut(i, *redact));
    }
    return ErrorResponse(Error::Internal("the intervention just recorded was not found"));
  }

  static ordered_json OverdueJson(const std::vector<cases::OverdueReason>& reasons) {
    ordered_json out = ordered_json::array();
    for (const auto& r : reasons) out.push_back({{"what", r.what}, {"record_id", r.record_id}, {"due", r.due.ToString()}});
    return out;
  }

  Response Timeline(Ctx& c) {
    const std::string& id = c.params[0];
    auto k = c.store->GetCase(id);
    if (!k.ok()) return ErrorResponse(k.error());
    auto kj = CaseOut(*k, c);
    if (!kj.ok()) return ErrorResponse(kj.error());
    const bool redact = (*kj)["redacted"].get<bool>();
    auto trs = c.store->ListTransitions(id);
    if (!trs.ok()) return ErrorResponse(trs.error());
    auto ivs = c.store->ListInterventions(id);
    if (!ivs.ok()) return ErrorResponse(ivs.error());
    ordered_json items = ordered_json::array();
    for (const auto& e : cases::BuildTimeline(*trs, *ivs)) {
      ordered_json item = {{"date", e.date.ToString()}, {"type", e.type}};
      if (e.type == "transition") {
        item["transition"] = TransitionOut((*trs)[e.index], redact);
      } else {
        item["intervention"] = InterventionOut((*ivs)[e.index], redact);
      }
      items.push_back(std::move(item));
    }
    return Json(200, {{"case", *kj}, {"items", std::move(items)},
                      {"overdue", OverdueJson(cases::Overdue(*k, *ivs, TodayDays()))}});
  }

  Response OverdueCases(Ctx& c) {
    ordered_json items = ordered_json::array();
    const long today = TodayDays();
    for (size_t offset = 0;; offset += kMaxListLimit) {
      auto page = c.store->ListCases(kMaxListLimit, offset, "");
      if (!page.ok()) return ErrorResponse(page.error());
      for (const auto& k : page->items) {
        auto ivs = c.store->ListInterventions(k.id);
        if (!ivs.ok()) return ErrorResponse(ivs.error());
        auto reasons = cases::Overdue(k, *ivs, today);
        if (reasons.empty()) continue;
        auto kj = CaseOut(k, c);
        if (!kj.ok()) return ErrorResponse(kj.error());
        items.push_back({{"case", *kj}, {"overdue", OverdueJson(reasons)}});
      }
      if (page->items.size() < kMaxListLimit) break;
    }
    return Json(200, {{"items", std::move(items)}});
  }

  static void Register(RouteTable& table, const std::shared_ptr<CaseRoutes>& self) {
    // Case files and their status: administrators and case officers. Interventions: also documenters.
    constexpr Permission kCaseWrite = Permission::kDelete;  // administrator, case_officer
    const std::string base = std::string(kApiPrefix) + "/cases";
    table.Add("GET", base, Permission::kRead, {"limit", "offset", "status"}, [self](Ctx& c) { return self->ListCases(c); });
    table.Add("POST", base, kCaseWrite, {}, [self](Ctx& c) { return self->CreateCase(c); });
    // Before {id}, which would otherwise take "overdue" for a case id.
    table.Add("GET", base + "/overdue", Permission::kRead, {}, [self](Ctx& c) { return self->OverdueCases(c); });
    table.Add("GET", base + "/{id}", Permission::kRead, {}, [self](Ctx& c) { return self->ReadCase(c); });
    table.Add("PUT", base + "/{id}", kCaseWrite, {}, [self](Ctx& c) { return self->UpdateCase(c); });
    table.Add("POST", base + "/{id}/transitions", kCaseWrite, {}, [self](Ctx& c) { return self->AddTransition(c); });
    table.Add("POST", base + "/{id}/interventions", Permission::kWrite, {}, [self](Ctx& c) { return self->AddIntervention(c); });
    table.Add("PUT", base + "/{id}/interventions/{intervention_id}", Permission::kWrite, {},
        [self](Ctx& c) { return self->UpdateIntervention(c); });
    table.Add("GET", base + "/{id}/timeline", Permission::kRead, {}, [self](Ctx& c) { return self->Timeline(c); });
  }

 private:
  ApiServices& services;
};

}  // namespace

void AddCaseRoutes(RouteTable& table, ApiServices& services) {
  // The table's handlers keep the routes object alive.
  auto routes = std::make_shared<CaseRoutes>(services);
  routes->Register(table, routes);
}

void DescribeCaseRoutes(OpenApi& api) {
  using namespace openapi;
  const ordered_json str = {{"type", "string"}};
  const ordered_json case_id = ordered_json::array({Param("id", "path", "string", true)});
  const ordered_json array_of = {{"type", "array"}};
  ordered_json case_page = {{"type", "object"},
                            {"properties",
                             {{"items", {{"type", "array"}, {"items", Ref("Case")}}},
                              {"total", {{"type", "integer"}}},
                              {"limit", {{"type", "integer"}}},
                              {"offset", {{"type", "integer"}}}}}};
  api.paths["/api/v1/cases"]["get"] =
      Operation("List urgent cases", {{"200", Reply("a page", case_page)}},
                ordered_json::array({Param("limit", "query", "integer"), Param("offset", "query", "integer"),
                                     Param("status", "query", "string")}));
  api.paths["/api/v1/cases"]["post"] = Operation("Open a case in status reported (administrator, case officer)",
                                             {{"201", Reply("created", Ref("Case"))}}, ordered_json::array(), Ref("Case"));
  api.paths["/api/v1/cases/overdue"]["get"] =
      Operation("Cases with a passed deadline or an unanswered follow-up",
                {{"200", Reply("overdue cases", {{"type", "object"}, {"properties", {{"items", array_of}}}})}});
  api.paths["/api/v1/cases/{id}"]["get"] = Operation("Read one case", {{"200", Reply("the case", Ref("Case"))}}, case_id);
  api.paths["/api/v1/cases/{id}"]["put"] = Operation("Replace a case's fields other than its status (administrator, case officer)",
                                                 {{"200", Reply("the case as stored", Ref("Case"))}}, case_id, Ref("Case"));
  api.paths["/api/v1/cases/{id}/transitions"]["post"] =
      Operation("Move a case to another status (administrator, case officer)",
                {{"201", Reply("the transition and the case", {{"type", "object"}})}}, case_id, Ref("Transition"));
  api.paths["/api/v1/cases/{id}/interventions"]["post"] =
      Operation("Record an intervention (administrator, case officer, documenter)",
                {{"201", Reply("created", Ref("Intervention"))}}, case_id, Ref("Intervention"));
  ordered_json both = case_id;
  both.push_back(Param("intervention_id", "path", "string", true));
  api.paths["/api/v1/cases/{id}/interventions/{intervention_id}"]["put"] =
      Operation("Record the response, follow-up date or outcome of an intervention",
                {{"200", Reply("the intervention as stored", Ref("Intervention"))}}, both, Ref("Intervention"));
  api.paths["/api/v1/cases/{id}/timeline"]["get"] =
      Operation("Transitions and interventions by date, and why the case is overdue",
                {{"200", Reply("timeline", {{"type", "object"}})}}, case_id);
  const ordered_json strings = {{"type", "array"}, {"items", str}};
  const ordered_json optional_date = {{"type", "string"}, {"nullable", true}};
  api.schemas["Case"] = Object({{"id", str}, {"title", str}, {"person_ids", strings}, {"status", str}, {"risk", str},
                                {"officer", str}, {"opened", str}, {"next_deadline", optional_date},
                                {"incident_ids", strings}, {"source_ids", strings}, {"notes", str}},
                               {"title", "person_ids", "opened"});
  api.schemas["Transition"] = Object({{"to", str}, {"date", str}, {"source_ids", strings}, {"note", str}},
                                     {"to", "date", "source_ids"});
  api.schemas["Intervention"] = Object({{"id", str}, {"case_id", str}, {"actor", str}, {"target", str}, {"track", str},
                                        {"kind", str}, {"date", str}, {"response", str}, {"follow_up", optional_date},
                                        {"outcome", str}, {"source_ids", strings}},
                                       {"actor", "target", "track", "kind", "date"});
}

}  // namespace dossier::http
