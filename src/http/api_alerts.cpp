// Urgent-action alerts over HTTP (docs/cases.md, "Urgent-action alerts"): compose, release names,
// approve, withdraw; partner subscribers; the delivery record; the Atom feed (by a subscriber's
// feed token); reminders for the dashboard and officers' digest addresses.
#include <algorithm>
#include <ctime>
#include <memory>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "cases/alerts.h"
#include "cases/delivery.h"
#include "domain/validate.h"
#include "http/openapi.h"
#include "http/routes.h"

namespace dossier::http {

namespace {

// Composing, approving and managing partners: administrators and case officers.
constexpr Permission kAlertWrite = Permission::kDelete;

class AlertRoutes {
 public:
  explicit AlertRoutes(ApiServices& s) : services(s) {}

  static Result<ordered_json> AlertOut(const cases::Alert& a, const Ctx& c) {
    ordered_json j = cases::ToJson(a, /*pseudonymised=*/!c.sees_restricted());
    ordered_json persons = ordered_json::array();
    for (const auto& pid : a.person_ids) {
      const bool named = c.sees_restricted() && a.release &&
                         std::count(a.release->person_ids.begin(), a.release->person_ids.end(), pid) > 0;
      persons.push_back({{"id", pid}, {"pseudonym", c.store->keyring().Pseudonym("person", pid)}, {"name_released", named}});
    }
    j["persons"] = persons;
    DOSSIER_ASSIGN_OR_RETURN(auto deliveries, c.store->ListDeliveries(a.id));
    int pending = 0, delivered = 0, cancelled = 0;
    for (const auto& d : deliveries) {
      if (d.status == cases::DeliveryStatus::kPending) ++pending;
      if (d.status == cases::DeliveryStatus::kDelivered) ++delivered;
      if (d.status == cases::DeliveryStatus::kCancelled) ++cancelled;
    }
    const char* state = pending > 0 ? "delivering" : (delivered > 0 ? "delivered" : "none");
    j["delivery"] = {{"state", state}, {"pending", pending}, {"delivered", delivered}, {"cancelled", cancelled}};
    return j;
  }

  static Response AlertReply(const Result<cases::Alert>& a, const Ctx& c, int status) {
    if (!a.ok()) return ErrorResponse(a.error());
    auto j = AlertOut(*a, c);
    if (!j.ok()) return ErrorResponse(j.error());
    return Json(status, *j);
  }

  Response ListAlerts(Ctx& c) {
    auto limit = QueryInt(c, "limit", 1, kMaxListLimit);
    if (!limit.ok()) return ErrorResponse(limit.error());
    auto offset = QueryInt(c, "offset", 0, int64_t{1} << 40);
    if (!offset.ok()) return ErrorResponse(offset.error());
    const std::string status = QueryText(c, "status");
    if (!status.empty() && !cases::ParseAlertStatus(status)) {
      return Invalid(fmt::format("query: field 'status': unknown alert status '{}'", status));
    }
    const size_t l = static_cast<size_t>(limit->value_or(50)), o = static_cast<size_t>(offset->value_or(0));
    auto page = c.store->ListAlerts(QueryText(c, "case_id"), status, l, o);
    if (!page.ok()) return ErrorResponse(page.error());
    ordered_json items = ordered_json::array();
    for (const auto& a : page->items) {
      auto j = AlertOut(a, c);
      if (!j.ok()) return ErrorResponse(j.error());
      items.push_back(std::move(*j));
    }
    return Json(200, {{"items", std::move(items)}, {"total", page->total}, {"limit", l}, {"offset", o}});
  }

  static Response Vocabulary(Ctx& c) {
    ordered_json actions = ordered_json::array(), contacts = ordered_json::array();
    for (const auto& code : cases::AlertActions()) {
      actions.push_back({{"code", code}, {"en", cases::AlertActionText(code, "en")}, {"ko", cases::AlertActionText(code, "ko")}});
    }
    for (const auto& t : c.store->catalog().Terms("organisations")) {
      contacts.push_back({{"code", t.code}, {"en", c.store->catalog().Label("organisations", t.code, "en")},
                          {"ko", c.store->catalog().Label("organisations", t.code, "ko")}});
    }
    return Json(200, {{"actions", actions}, {"contacts", contacts}, {"bases", cases::ConsentBases()},
                      {"languages", {"en", "ko", "both"}}});
  }

  Response Compose(Ctx& c) {
    auto d = cases::AlertDraftFromJson(c.body, "alert");
    if (!d.ok()) return ErrorResponse(d.error());
    std::lock_guard lock(services.write_mu);
    return AlertReply(cases::ComposeAlert(*c.store, *d, c.session->user), c, 201);
  }

  Response Revise(Ctx& c) {
    json body = c.body;
    if (body.is_object()) {
      // Server-computed fields a client may echo back.
      for (const char* f : {"id", "status", "texts", "persons", "release", "delivery", "composed_by", "composed_at",
                            "approved_by", "approved_at", "withdrawn_by", "withdrawn_at", "withdraw_reason"}) {
        body.erase(f);
      }
    }
    auto d = cases::AlertDraftFromJson(body, "alert");
    if (!d.ok()) return ErrorResponse(d.error());
    std::lock_guard lock(services.write_mu);
    return AlertReply(cases::ReviseAlert(*c.store, c.params[0], *d), c, 200);
  }

  Response ReleaseNames(Ctx& c) {
    auto r = cases::NameReleaseFromJson(c.body, "name release");
    if (!r.ok()) return ErrorResponse(r.error());
    std::lock_guard lock(services.write_mu);
    return AlertReply(cases::ReleaseAlertNames(*c.store, c.params[0], *r, c.session->user), c, 200);
  }

  Response Approve(Ctx& c) {
    if (Status s = CheckFields(c.body, "approval", {}); !s.ok()) return ErrorResponse(s.error());
    auto approved = [&] {
      std::lock_guard lock(services.write_mu);
      return cases::ApproveAlert(*c.store, c.params[0], c.session->user);
    }();
    if (approved.ok() && services.options.on_deliveries_queued) services.options.on_deliveries_queued();
    return AlertReply(std::move(approved), c, 200);
  }

  Response Withdraw(Ctx& c) {
    if (Status s = CheckFields(c.body, "withdrawal", {{"reason", json::value_t::string}}); !s.ok()) {
      return ErrorResponse(s.error());
    }
    const std::string reason = c.body.value("reason", "");
    std::lock_guard lock(services.write_mu);
    return AlertReply(cases::WithdrawAlert(*c.store, c.params[0], c.session->user, reason), c, 200);
  }

  static Response Deliveries(Ctx& c) {
    auto a = c.store->GetAlert(c.params[0]);
    if (!a.ok()) return ErrorResponse(a.error());
    auto rows = c.store->ListDeliveries(a->id);
    if (!rows.ok()) return ErrorResponse(rows.error());
    auto subs = c.store->ListSubscribers();
    if (!subs.ok()) return ErrorResponse(subs.error());
    ordered_json items = ordered_json::array();
    for (const auto& d : *rows) {
      ordered_json j = cases::ToJson(d);
      auto s = std::find_if(subs->begin(), subs->end(), [&](const auto& x) { return x.id == d.subscriber_id; });
      j["subscriber_name"] = s == subs->end() ? "" : s->name;
      items.push_back(std::move(j));
    }
    return Json(200, {{"items", std::move(items)}});
  }

  static Response Feed(Ctx& c) {
    auto sub = c.store->FindSubscriberByFeedToken(QueryText(c, "token"));
    if (!sub.ok()) {
      return ErrorResponse(401, "unauthenticated", "query: field 'token': a subscriber's feed token is required", "token");
    }
    auto page = c.store->ListAlerts("", "approved", 100, 0);
    if (!page.ok()) return ErrorResponse(page.error());
    std::string updated;
    for (const auto& a : page->items) updated = std::max(updated, a.approved_at);
    if (updated.empty()) updated = "1970-01-01T00:00:00Z";
    Response r;
    r.status = 200;
    r.content_type = "application/atom+xml; charset=utf-8";
    r.body = cases::AtomFeed(page->items, sub->language, updated);
    return r;
  }

  // ------------------------------------------------------------ subscribers

  static Response ListSubscribers(Ctx& c) {
    auto subs = c.store->ListSubscribers();
    if (!subs.ok()) return ErrorResponse(subs.error());
    ordered_json items = ordered_json::array();
    for (const auto& s : *subs) items.push_back(cases::ToJson(s));
    return Json(200, {{"items", std::move(items)}});
  }

  static Response ReadSubscriber(Ctx& c) {
    auto s = c.store->GetSubscriber(c.params[0]);
    if (!s.ok()) return ErrorResponse(s.error());
    return Json(200, cases::ToJson(*s));
  }

  Response PutSubscriber(Ctx& c, bool create) {
    std::optional<cases::Subscriber> existing;
    if (!create) {
      auto s = c.store->GetSubscriber(c.params[0]);
      if (!s.ok()) return ErrorResponse(s.error());
      existing = *s;
    }
    auto s = cases::SubscriberFromJson(c.body, "subscriber", existing ? &*existing : nullptr);
    if (!s.ok()) return ErrorResponse(s.error());
    std::lock_guard lock(services.write_mu);
    auto id = c.store->PutSubscriber(*s);
    if (!id.ok()) return ErrorResponse(id.error());
    auto stored = c.store->GetSubscriber(*id);
    if (!stored.ok()) return ErrorResponse(stored.error());
    return Json(create ? 201 : 200, cases::ToJson(*stored));
  }

  Response RemoveSubscriber(Ctx& c) {
    auto s = c.store->GetSubscriber(c.params[0]);
    if (!s.ok()) return ErrorResponse(s.error());
    s->active = false;
    std::lock_guard lock(services.write_mu);
    if (auto id = c.store->PutSubscriber(*s); !id.ok()) return ErrorResponse(id.error());
    return NoContent();
  }

  // ------------------------------------------------------------ reminders

  static Result<std::string> TitleFor(const cases::Case& k, const Ctx& c) {
    if (c.sees_restricted()) return k.title;
    std::string pseudonyms;
    bool restricted = false;
    for (const auto& pid : k.person_ids) {
      DOSSIER_ASSIGN_OR_RETURN(Person p, c.store->GetPerson(pid));
      restricted = restricted || p.sensitivity == Sensitivity::kRestricted;
      pseudonyms += (pseudonyms.empty() ? "" : ", ") + c.store->keyring().Pseudonym("person", pid);
    }
    return restricted ? "Case of " + pseudonyms : k.title;
  }

  static Response Reminders(Ctx& c) {
    auto days = QueryInt(c, "days", 0, 90);
    if (!days.ok()) return ErrorResponse(days.error());
    const long today = TodayDays();
    auto all = cases::ListReminders(*c.store, QueryText(c, "officer"), today, days->value_or(14));
    if (!all.ok()) return ErrorResponse(all.error());
    ordered_json overdue = ordered_json::array(), upcoming = ordered_json::array();
    for (const auto& r : *all) {
      auto title = TitleFor(r.kase, c);
      if (!title.ok()) return ErrorResponse(title.error());
      ordered_json j = {{"case_id", r.kase.id},
                        {"title", *title},
                        {"officer", r.kase.officer},
                        {"risk", cases::RiskName(r.kase.risk)},
                        {"status", cases::StatusName(r.kase.status)},
                        {"what", r.reminder.what},
                        {"record_id", r.reminder.record_id},
                        {"due", r.reminder.due.ToString()},
                        {"days_left", r.reminder.days_left}};
      (r.reminder.days_left < 0 ? overdue : upcoming).push_back(std::move(j));
    }
    const std::string day = fmt::format("{:%Y-%m-%d}", fmt::gmtime(std::time(nullptr)));
    return Json(200, {{"today", day}, {"overdue", std::move(overdue)}, {"upcoming", std::move(upcoming)}});
  }

  static Response ListContacts(Ctx& c) {
    auto all = c.store->ListOfficerContacts();
    if (!all.ok()) return ErrorResponse(all.error());
    ordered_json items = ordered_json::array();
    for (const auto& o : *all) items.push_back({{"user", o.user}, {"email", o.email}});
    return Json(200, {{"items", std::move(items)}});
  }

  Response PutContact(Ctx& c) {
    const std::string& user = c.params[0];
    if (c.session->role != Role::kAdministrator && c.session->user != user) {
      return ErrorResponse(403, "permission_denied", "a case officer may set only their own digest address", "");
    }
    if (Status s = CheckFields(c.body, "officer contact", {{"email", json::value_t::string}}); !s.ok()) {
      return ErrorResponse(s.error());
    }
    std::lock_guard lock(services.write_mu);
    if (Status s = c.store->PutOfficerContact({user, c.body.value("email", "")}); !s.ok()) return ErrorResponse(s.error());
    return Json(200, {{"user", user}, {"email", c.body.value("email", "")}});
  }

  static void Register(RouteTable& table, const std::shared_ptr<AlertRoutes>& self) {
    const std::string base = std::string(kApiPrefix) + "/alerts";
    table.Add("GET", base, Permission::kRead, {"case_id", "status", "limit", "offset"},
              [self](Ctx& c) { return self->ListAlerts(c); });
    table.Add("POST", base, kAlertWrite, {}, [self](Ctx& c) { return self->Compose(c); });
    // Literal segments before {id}.
    table.Add("GET", base + "/vocabulary", Permission::kRead, {}, [](Ctx& c) { return Vocabulary(c); });
    table.Add("GET", base + "/feed.atom", Permission::kPublic, {"token"}, [](Ctx& c) { return Feed(c); });
    table.Add("GET", base + "/{id}", Permission::kRead, {}, [](Ctx& c) { return AlertReply(c.store->GetAlert(c.params[0]), c, 200); });
    table.Add("PUT", base + "/{id}", kAlertWrite, {}, [self](Ctx& c) { return self->Revise(c); });
    table.Add("POST", base + "/{id}/release-names", kAlertWrite, {}, [self](Ctx& c) { return self->ReleaseNames(c); });
    table.Add("POST", base + "/{id}/approve", kAlertWrite, {}, [self](Ctx& c) { return self->Approve(c); });
    table.Add("POST", base + "/{id}/withdraw", kAlertWrite, {}, [self](Ctx& c) { return self->Withdraw(c); });
    table.Add("GET", base + "/{id}/deliveries", kAlertWrite, {}, [](Ctx& c) { return Deliveries(c); });

    const std::string subs = std::string(kApiPrefix) + "/subscribers";
    table.Add("GET", subs, kAlertWrite, {}, [](Ctx& c) { return ListSubscribers(c); });
    table.Add("POST", subs, kAlertWrite, {}, [self](Ctx& c) { return self->PutSubscriber(c, true); });
    table.Add("GET", subs + "/{id}", kAlertWrite, {}, [](Ctx& c) { return ReadSubscriber(c); });
    table.Add("PUT", subs + "/{id}", kAlertWrite, {}, [self](Ctx& c) { return self->PutSubscriber(c, false); });
    table.Add("DELETE", subs + "/{id}", kAlertWrite, {}, [self](Ctx& c) { return self->RemoveSubscriber(c); });

    table.Add("GET", std::string(kApiPrefix) + "/reminders", Permission::kRead, {"days", "officer"},
              [](Ctx& c) { return Reminders(c); });
    const std::string contacts = std::string(kApiPrefix) + "/officer-contacts";
    table.Add("GET", contacts, kAlertWrite, {}, [](Ctx& c) { return ListContacts(c); });
    table.Add("PUT", contacts + "/{user}", kAlertWrite, {}, [self](Ctx& c) { return self->PutContact(c); });
  }

 private:
  ApiServices& services;
};

}  // namespace

void AddAlertRoutes(RouteTable& table, ApiServices& services) {
  auto routes = std::make_shared<AlertRoutes>(services);
  routes->Register(table, routes);
}

void DescribeAlertRoutes(OpenApi& api) {
  using namespace openapi;
  const ordered_json str = {{"type", "string"}};
  const ordered_json strings = {{"type", "array"}, {"items", str}};
  const ordered_json obj = {{"type", "object"}};
  const ordered_json id = ordered_json::array({Param("id", "path", "string", true)});
  const ordered_json items = {{"type", "object"}, {"properties", {{"items", {{"type", "array"}, {"items", obj}}}}}};
  api.paths["/api/v1/alerts"]["get"] = Operation(
      "List urgent-action alerts, newest first", {{"200", Reply("a page", items)}},
      ordered_json::array({Param("case_id", "query", "string"), Param("status", "query", "string"),
                           Param("limit", "query", "integer"), Param("offset", "query", "integer")}));
  api.paths["/api/v1/alerts"]["post"] = Operation("Compose a draft alert from a case (administrator, case officer)",
                                                  {{"201", Reply("the draft", Ref("Alert"))}}, ordered_json::array(),
                                                  Ref("AlertDraft"));
  api.paths["/api/v1/alerts/vocabulary"]["get"] =
      Operation("Actions, contacts, consent bases and languages an alert may use", {{"200", Reply("vocabulary", obj)}});
  ordered_json feed_op = Operation("Atom 1.0 feed of approved alerts for one subscriber (public with its feed token)",
                                   {{"200", {{"description", "Atom feed"},
                                             {"content", {{"application/atom+xml", {{"schema", str}}}}}}}},
                                   ordered_json::array({Param("token", "query", "string", true)}));
  feed_op["security"] = ordered_json::array();
  api.paths["/api/v1/alerts/feed.atom"]["get"] = feed_op;
  api.paths["/api/v1/alerts/{id}"]["get"] = Operation("Read one alert", {{"200", Reply("the alert", Ref("Alert"))}}, id);
  api.paths["/api/v1/alerts/{id}"]["put"] = Operation("Replace a draft's choices and render it again",
                                                      {{"200", Reply("the alert", Ref("Alert"))}}, id, Ref("AlertDraft"));
  api.paths["/api/v1/alerts/{id}/release-names"]["post"] =
      Operation("Name persons instead of pseudonyms, recording the consent (draft only)",
                {{"200", Reply("the alert", Ref("Alert"))}}, id,
                Object({{"person_ids", strings}, {"consent_by", str}, {"basis", str}, {"consented_on", str}},
                       {"consent_by", "basis", "consented_on"}));
  api.paths["/api/v1/alerts/{id}/approve"]["post"] =
      Operation("Approve a draft (another administrator or case officer than its composer) and queue its deliveries",
                {{"200", Reply("the alert", Ref("Alert"))}}, id, obj);
  api.paths["/api/v1/alerts/{id}/withdraw"]["post"] = Operation(
      "Withdraw an alert; pending deliveries are cancelled", {{"200", Reply("the alert", Ref("Alert"))}}, id,
      Object({{"reason", str}}, {"reason"}));
  api.paths["/api/v1/alerts/{id}/deliveries"]["get"] =
      Operation("Every delivery of an alert with every attempt", {{"200", Reply("deliveries", items)}}, id);
  api.paths["/api/v1/subscribers"]["get"] = Operation("List partner subscribers", {{"200", Reply("subscribers", items)}});
  api.paths["/api/v1/subscribers"]["post"] = Operation("Add a subscriber (the feed token is in the reply)",
                                                       {{"201", Reply("created", Ref("Subscriber"))}},
                                                       ordered_json::array(), Ref("Subscriber"));
  api.paths["/api/v1/subscribers/{id}"]["get"] = Operation("Read a subscriber", {{"200", Reply("the subscriber", Ref("Subscriber"))}}, id);
  api.paths["/api/v1/subscribers/{id}"]["put"] = Operation(
      "Replace a subscriber (webhook_secret omitted = unchanged)", {{"200", Reply("the subscriber", Ref("Subscriber"))}},
      id, Ref("Subscriber"));
  api.paths["/api/v1/subscribers/{id}"]["delete"] =
      Operation("Deactivate a subscriber and cancel its pending deliveries", {{"204", {{"description", "deactivated"}}}}, id);
  api.paths["/api/v1/reminders"]["get"] = Operation(
      "Overdue and upcoming deadlines and follow-ups", {{"200", Reply("reminders", obj)}},
      ordered_json::array({Param("days", "query", "integer"), Param("officer", "query", "string")}));
  api.paths["/api/v1/officer-contacts"]["get"] =
      Operation("Where each officer's daily digest goes", {{"200", Reply("contacts", items)}});
  api.paths["/api/v1/officer-contacts/{user}"]["put"] =
      Operation("Set an officer's digest address (administrators, or the officer themself)",
                {{"200", Reply("the contact", obj)}}, ordered_json::array({Param("user", "path", "string", true)}),
                Object({{"email", str}}, {"email"}));
  api.schemas["AlertDraft"] = Object({{"case_id", str}, {"actions", strings}, {"contacts", strings},
                                      {"respond_by", str}, {"note", obj}},
                                     {"case_id", "actions", "contacts"});
  api.schemas["Alert"] = Object({{"id", str}, {"case_id", str}, {"status", str}, {"actions", strings},
                                 {"contacts", strings}, {"respond_by", str}, {"note", obj}, {"texts", obj},
                                 {"persons", {{"type", "array"}, {"items", obj}}}, {"release", obj},
                                 {"composed_by", str}, {"composed_at", str}, {"approved_by", str}, {"approved_at", str},
                                 {"withdrawn_by", str}, {"withdrawn_at", str}, {"withdraw_reason", str},
                                 {"delivery", obj}});
  api.schemas["Subscriber"] = Object({{"id", str}, {"name", str}, {"language", str}, {"webhook_url", str},
                                      {"webhook_secret", str}, {"webhook_secret_set", {{"type", "boolean"}}},
                                      {"email", str}, {"feed_token", str}, {"active", {{"type", "boolean"}}},
                                      {"created_at", str}},
                                     {"name"});
}

}  // namespace dossier::http
