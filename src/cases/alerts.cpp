#include "cases/alerts.h"

#include <algorithm>
#include <ctime>
#include <map>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "domain/json_fields.h"

namespace dossier::cases {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

struct ActionText {
  const char* code;
  const char* en;
  const char* ko;
};
// The order is the order in the texts.
constexpr ActionText kActions[] = {
    {"urge_no_return",
     "Urge the Chinese authorities not to return them to North Korea, in line with the principle of non-refoulement.",
     "중국 당국에 강제송환 금지 원칙에 따라 이들을 북한으로 송환하지 말 것을 촉구해 주십시오."},
    {"request_whereabouts", "Ask the authorities to disclose where they are held and in what condition.",
     "당국에 이들의 구금 장소와 상태를 공개할 것을 요청해 주십시오."},
    {"request_unhcr_access", "Call for UNHCR to be given access to them.",
     "유엔난민기구(UNHCR)가 이들에게 접근할 수 있도록 허용할 것을 요구해 주십시오."},
    {"urge_release", "Call for their immediate release.", "이들의 즉각 석방을 촉구해 주십시오."},
    {"urge_fair_treatment", "Call for them to be protected from torture and ill-treatment.",
     "이들이 고문과 가혹행위를 당하지 않도록 보호할 것을 촉구해 주십시오."},
};

bool Contains(const std::vector<std::string>& v, std::string_view x) { return std::find(v.begin(), v.end(), x) != v.end(); }

const char* kMonthsEn[] = {"January", "February", "March",     "April",   "May",      "June",
                           "July",    "August",   "September", "October", "November", "December"};

// How many people a person record stands for (1 for an individual).
int64_t Headcount(const AlertPerson& p) {
  if (p.unit != "individual" && p.group_size && p.group_size->value > 0) return p.group_size->value;
  return 1;
}

std::string CountPhrase(const ApproximateCount& c, std::string_view lang) {
  if (lang == "ko") {
    if (c.qualifier == "about") return fmt::format("약 {}명", c.value);
    if (c.qualifier == "at_least") return fmt::format("최소 {}명", c.value);
    if (c.qualifier == "more_than") return fmt::format("{}명 이상", c.value);
    return fmt::format("{}명", c.value);
  }
  if (c.qualifier == "about") return fmt::format("about {}", c.value);
  if (c.qualifier == "at_least") return fmt::format("at least {}", c.value);
  if (c.qualifier == "more_than") return fmt::format("more than {}", c.value);
  return fmt::format("{}", c.value);
}

std::string PersonLine(const AlertPerson& p, bool named, std::string_view lang) {
  std::string label = p.pseudonym;
  if (named) {
    const std::string& n = lang == "ko" ? p.name_ko : p.name_en;
    if (!n.empty()) label = n;
  }
  if (p.unit == "family") {
    if (lang == "ko") return p.group_size ? fmt::format("{} (가족, {})", label, CountPhrase(*p.group_size, lang))
                                          : fmt::format("{} (가족)", label);
    return p.group_size ? fmt::format("{} (a family of {})", label, CountPhrase(*p.group_size, lang))
                        : fmt::format("{} (a family)", label);
  }
  if (p.unit == "group") {
    if (lang == "ko") return p.group_size ? fmt::format("{} ({} 규모의 집단)", label, CountPhrase(*p.group_size, lang))
                                          : fmt::format("{} (집단)", label);
    return p.group_size ? fmt::format("{} (a group of {} people)", label, CountPhrase(*p.group_size, lang))
                        : fmt::format("{} (a group)", label);
  }
  return label;
}

// "What happened", from the status the case is in and when it got there.
std::string WhatHappened(const AlertContext& ctx, std::string_view lang) {
  const CaseStatus s = ctx.kase.status;
  const PartialDate when = ctx.latest ? ctx.latest->date : ctx.kase.opened;
  const std::string d = FormatDate(when, lang);
  // English: "on 3 March 2025", "in February 2012".
  const std::string on = (when.precision == DatePrecision::kDay ? "on " : "in ") + d;
  const bool ko = lang == "ko";
  switch (s) {
    case CaseStatus::kReported:
    case CaseStatus::kVerified:
      return ko ? fmt::format("{} 보고에 따르면 아래 사람들이 중국에서 북한으로 강제송환될 위험에 처해 있습니다.", d)
                : fmt::format("The people named below were reported {} to be at risk of forced return from China "
                              "to North Korea.", on);
    case CaseStatus::kDetainedInChina:
      return ko ? fmt::format("아래 사람들은 {} 중국 당국에 구금되었으며, 북한으로 강제송환될 임박한 위험에 처해 있습니다.", d)
                : fmt::format("The people named below were detained by the Chinese authorities {} and are at "
                              "imminent risk of forced return to North Korea.", on);
    case CaseStatus::kTransferredOrAtBorder:
      return ko ? fmt::format("아래 사람들은 {} 북한 접경 지역으로 이송되었으며, 언제든 송환될 수 있습니다.", d)
                : fmt::format("The people named below were transferred towards the border with North Korea {} "
                              "and may be handed over at any moment.", on);
    case CaseStatus::kReturnedToDprk:
      return ko ? fmt::format("아래 사람들은 {} 북한으로 강제송환되었으며, 구금, 고문, 수용소 수감의 위험에 처해 있습니다.", d)
                : fmt::format("The people named below were forcibly returned to North Korea {} and are at risk "
                              "of detention, torture and imprisonment in a political prison camp.", on);
    case CaseStatus::kHeldInDprk:
      return ko ? fmt::format("아래 사람들은 {}부터 북한에 구금되어 있으며, 고문과 가혹행위의 위험에 처해 있습니다.", d)
                : fmt::format("The people named below have been held in detention in North Korea since {} and are "
                              "at risk of torture and ill-treatment.", d);
    default:
      return ko ? fmt::format("아래 사람들에 관한 최신 정보({}): {}.", d, StatusName(s))
                : fmt::format("Latest information on the people named below ({}): {}.", d, StatusName(s));
  }
}

// The subject's "what": an alert about people already sent back must not call them at risk of
// being sent back, or partners act on the wrong track.
std::string_view SubjectRisk(CaseStatus s, bool ko) {
  switch (s) {
    case CaseStatus::kReported:
    case CaseStatus::kVerified:
    case CaseStatus::kDetainedInChina:
    case CaseStatus::kTransferredOrAtBorder:
      return ko ? "북한 강제송환 위험" : "at risk of forced return to North Korea";
    case CaseStatus::kReturnedToDprk:
    case CaseStatus::kHeldInDprk:
    case CaseStatus::kImprisoned:
      return ko ? "북한 강제송환, 고문 위험" : "forcibly returned to North Korea, at risk of torture";
    default:
      return ko ? "최신 정보" : "latest information";
  }
}

AlertText Render(const Alert& a, const AlertContext& ctx, const std::vector<std::string>& named, std::string_view lang) {
  const bool ko = lang == "ko";
  int64_t people = 0;
  for (const auto& p : ctx.persons) people += Headcount(p);
  AlertText t;
  const std::string_view risk = SubjectRisk(ctx.kase.status, ko);
  t.subject = ko ? fmt::format("긴급 행동: {}명 {} ({}까지)", people, risk, FormatDate(a.respond_by, lang))
                 : fmt::format("Urgent action: {} {} {} (act by {})", people, people == 1 ? "person" : "people", risk,
                               FormatDate(a.respond_by, lang));
  std::string b;
  b += ko ? "무슨 일이 있었나\n" : "What happened\n";
  b += WhatHappened(ctx, lang) + "\n";
  const std::string& note = ko ? a.note_ko : a.note_en;
  if (!note.empty()) b += note + "\n";
  b += ko ? "\n위험에 처한 사람\n" : "\nWho is at risk\n";
  for (const auto& p : ctx.persons) b += "- " + PersonLine(p, Contains(named, p.id), lang) + "\n";
  b += ko ? "\n해야 할 일\n" : "\nWhat to do\n";
  for (const auto& act : kActions) {
    if (Contains(a.actions, act.code)) b += fmt::format("- {}\n", ko ? act.ko : act.en);
  }
  b += ko ? "\n연락할 곳\n" : "\nWhom to contact\n";
  for (const auto& c : a.contacts) b += "- " + ctx.catalog.Label("organisations", c, lang) + "\n";
  b += ko ? "\n기한\n" : "\nBy when\n";
  b += ko ? fmt::format("{}까지 행동해 주십시오.\n", FormatDate(a.respond_by, lang))
          : fmt::format("Please act before {}.\n", FormatDate(a.respond_by, lang));
  b += ko ? fmt::format("\n사건 번호: {}\n", a.case_id) : fmt::format("\nCase reference: {}\n", a.case_id);
  t.body = std::move(b);
  return t;
}

Status CheckDraft(const AlertDraft& d, const AlertContext& ctx, long today) {
  const std::string where = "alert";
  if (d.case_id != ctx.kase.id) return Error::Invalid(fmt::format("{}: field 'case_id': must be the case composed from", where));
  if (d.actions.empty()) return Error::Invalid(fmt::format("{}: field 'actions': at least one action is required", where));
  for (const auto& a : d.actions) {
    if (!Contains(AlertActions(), a)) return Error::Invalid(fmt::format("{}: field 'actions': unknown action '{}'", where, a));
  }
  if (d.contacts.empty()) return Error::Invalid(fmt::format("{}: field 'contacts': at least one contact is required", where));
  for (const auto& c : d.contacts) {
    if (!ctx.catalog.HasTerm("organisations", c)) {
      return Error::Invalid(fmt::format("{}: field 'contacts': '{}' is not a term of vocabulary 'organisations'", where, c));
    }
  }
  if (!d.respond_by && !ctx.kase.next_deadline) {
    return Error::Invalid(fmt::format("{}: field 'respond_by': is required when the case has no next deadline", where));
  }
  if (d.respond_by && d.respond_by->LatestDay() < today) {
    return Error::Invalid(fmt::format("{}: field 'respond_by': {} has already passed", where, d.respond_by->ToString()));
  }
  if (ctx.persons.size() != ctx.kase.person_ids.size()) return Error::Internal("alert context: persons do not match the case");
  return Ok();
}

void ApplyDraft(Alert& a, const AlertDraft& d, const AlertContext& ctx) {
  a.case_id = d.case_id;
  a.actions = d.actions;
  a.contacts = d.contacts;
  a.respond_by = d.respond_by ? *d.respond_by : *ctx.kase.next_deadline;
  a.note_en = d.note_en;
  a.note_ko = d.note_ko;
  a.person_ids = ctx.kase.person_ids;
}

void RenderAll(Alert& a, const AlertContext& ctx) {
  const std::vector<std::string> named = a.release ? a.release->person_ids : std::vector<std::string>{};
  std::tie(a.en, a.ko) = RenderAlert(a, ctx, named);
  std::tie(a.public_en, a.public_ko) = RenderAlert(a, ctx, {});
}

Status RequireDraft(const Alert& a, const char* doing) {
  if (a.status != AlertStatus::kDraft) {
    return Error::Conflict(fmt::format("alert '{}' is {}: only a draft can be {}", a.id, AlertStatusName(a.status), doing));
  }
  return Ok();
}

ordered_json TextJson(const AlertText& t) { return {{"subject", t.subject}, {"body", t.body}}; }
AlertText TextFrom(const json& j) { return {j.value("subject", ""), j.value("body", "")}; }

}  // namespace

const char* AlertStatusName(AlertStatus s) {
  switch (s) {
    case AlertStatus::kDraft: return "draft";
    case AlertStatus::kApproved: return "approved";
    case AlertStatus::kWithdrawn: return "withdrawn";
  }
  return "draft";
}

std::optional<AlertStatus> ParseAlertStatus(std::string_view text) {
  for (auto s : {AlertStatus::kDraft, AlertStatus::kApproved, AlertStatus::kWithdrawn}) {
    if (text == AlertStatusName(s)) return s;
  }
  return std::nullopt;
}

const std::vector<std::string>& AlertActions() {
  static const std::vector<std::string> kCodes = [] {
    std::vector<std::string> v;
    for (const auto& a : kActions) v.emplace_back(a.code);
    return v;
  }();
  return kCodes;
}

std::string AlertActionText(std::string_view code, std::string_view language) {
  for (const auto& a : kActions) {
    if (code == a.code) return language == "ko" ? a.ko : a.en;
  }
  return std::string(code);
}

const std::vector<std::string>& ConsentBases() {
  static const std::vector<std::string> kBases = {"person_consent", "family_consent", "already_public", "vital_interest"};
  return kBases;
}

std::string FormatDate(const PartialDate& d, std::string_view language) {
  std::string out;
  if (language == "ko") {
    out = fmt::format("{}년", d.year);
    if (d.precision != DatePrecision::kYear) out += fmt::format(" {}월", d.month);
    if (d.precision == DatePrecision::kDay) out += fmt::format(" {}일", d.day);
    return d.approximate ? out + " 경" : out;
  }
  if (d.precision == DatePrecision::kDay) {
    out = fmt::format("{} {} {}", d.day, kMonthsEn[d.month - 1], d.year);
  } else if (d.precision == DatePrecision::kMonth) {
    out = fmt::format("{} {}", kMonthsEn[d.month - 1], d.year);
  } else {
    out = fmt::format("{}", d.year);
  }
  return d.approximate ? "about " + out : out;
}

std::string PersonDisplayName(const Person& p, std::string_view language) {
  const char* script = language == "ko" ? "hangul" : "latin";
  for (const auto& n : p.names) {
    if (n.script == script && !n.value.empty()) return n.value;
  }
  return p.names.empty() ? std::string() : p.names.front().value;
}

std::pair<AlertText, AlertText> RenderAlert(const Alert& alert, const AlertContext& ctx,
                                            const std::vector<std::string>& named) {
  return {Render(alert, ctx, named, "en"), Render(alert, ctx, named, "ko")};
}

Result<AlertDraft> AlertDraftFromJson(const json& j, const std::string& where) {
  JsonFields r(j, where);
  DOSSIER_RETURN_IF_ERROR(r.CheckObject());
  AlertDraft d;
  DOSSIER_ASSIGN_OR_RETURN(d.case_id, r.Text("case_id", true));
  DOSSIER_ASSIGN_OR_RETURN(d.actions, r.TextList("actions"));
  DOSSIER_ASSIGN_OR_RETURN(d.contacts, r.TextList("contacts"));
  DOSSIER_ASSIGN_OR_RETURN(d.respond_by, r.Date("respond_by"));
  const json& note = r.Raw("note");
  if (!note.is_null()) {
    JsonFields n(note, where + ": field 'note'");
    DOSSIER_RETURN_IF_ERROR(n.CheckObject());
    DOSSIER_ASSIGN_OR_RETURN(d.note_en, n.Text("en"));
    DOSSIER_ASSIGN_OR_RETURN(d.note_ko, n.Text("ko"));
    DOSSIER_RETURN_IF_ERROR(n.NoUnknownFields());
  }
  DOSSIER_RETURN_IF_ERROR(r.NoUnknownFields());
  return d;
}

Result<NameRelease> NameReleaseFromJson(const json& j, const std::string& where) {
  JsonFields r(j, where);
  DOSSIER_RETURN_IF_ERROR(r.CheckObject());
  NameRelease n;
  DOSSIER_ASSIGN_OR_RETURN(n.person_ids, r.TextList("person_ids"));
  DOSSIER_ASSIGN_OR_RETURN(n.consent_by, r.Text("consent_by", true));
  DOSSIER_ASSIGN_OR_RETURN(n.basis, r.Text("basis", true));
  DOSSIER_ASSIGN_OR_RETURN(auto on, r.Date("consented_on", true));
  n.consented_on = *on;
  DOSSIER_RETURN_IF_ERROR(r.NoUnknownFields());
  return n;
}

Result<Alert> Compose(const AlertDraft& draft, const AlertContext& ctx, const std::string& composer,
                      const std::string& now, long today_days) {
  DOSSIER_RETURN_IF_ERROR(CheckDraft(draft, ctx, today_days));
  Alert a;
  ApplyDraft(a, draft, ctx);
  a.composed_by = composer;
  a.composed_at = now;
  RenderAll(a, ctx);
  return a;
}

Status Revise(Alert& alert, const AlertDraft& draft, const AlertContext& ctx, long today_days) {
  DOSSIER_RETURN_IF_ERROR(RequireDraft(alert, "edited"));
  if (draft.case_id != alert.case_id) return Error::Invalid("alert: field 'case_id': an alert cannot move to another case");
  DOSSIER_RETURN_IF_ERROR(CheckDraft(draft, ctx, today_days));
  ApplyDraft(alert, draft, ctx);
  if (alert.release) {
    auto& ids = alert.release->person_ids;
    ids.erase(std::remove_if(ids.begin(), ids.end(), [&](const auto& id) { return !Contains(alert.person_ids, id); }),
              ids.end());
    if (ids.empty()) alert.release.reset();
  }
  RenderAll(alert, ctx);
  return Ok();
}

Status ReleaseNames(Alert& alert, NameRelease release, const AlertContext& ctx, long today_days) {
  DOSSIER_RETURN_IF_ERROR(RequireDraft(alert, "changed"));
  const std::string where = "name release";
  if (release.person_ids.empty()) release.person_ids = ctx.kase.person_ids;
  for (const auto& id : release.person_ids) {
    if (!Contains(ctx.kase.person_ids, id)) {
      return Error::Invalid(fmt::format("{}: field 'person_ids': '{}' is not a person of case '{}'", where, id, ctx.kase.id));
    }
  }
  if (release.consent_by.empty()) return Error::Invalid(fmt::format("{}: field 'consent_by': is required", where));
  if (!Contains(ConsentBases(), release.basis)) {
    return Error::Invalid(fmt::format("{}: field 'basis': expected one of person_consent, family_consent, "
                                      "already_public, vital_interest", where));
  }
  if (release.consented_on.EarliestDay() > today_days) {
    return Error::Invalid(fmt::format("{}: field 'consented_on': is in the future", where));
  }
  if (release.released_by.empty()) return Error::Invalid(fmt::format("{}: field 'released_by': is required", where));
  for (const auto& p : ctx.persons) {
    if (Contains(release.person_ids, p.id) && p.name_en.empty() && p.name_ko.empty()) {
      return Error::Invalid(fmt::format("{}: field 'person_ids': person '{}' has no recorded name to release", where, p.id));
    }
  }
  alert.release = std::move(release);
  RenderAll(alert, ctx);
  return Ok();
}

Status Approve(Alert& alert, const std::string& approver, const std::string& now) {
  DOSSIER_RETURN_IF_ERROR(RequireDraft(alert, "approved"));
  if (approver.empty()) return Error::Invalid("approval: field 'approved_by': is required");
  if (approver == alert.composed_by) {
    return Error::Denied(fmt::format("alert '{}' was composed by {}: another case officer or administrator must "
                                     "approve it", alert.id, approver));
  }
  if (alert.release && approver == alert.release->released_by) {
    return Error::Denied(fmt::format("{} released the names in alert '{}': another case officer or administrator "
                                     "must approve it", approver, alert.id));
  }
  alert.status = AlertStatus::kApproved;
  alert.approved_by = approver;
  alert.approved_at = now;
  return Ok();
}

Status Withdraw(Alert& alert, const std::string& by, const std::string& reason, const std::string& now) {
  if (alert.status == AlertStatus::kWithdrawn) return Error::Conflict(fmt::format("alert '{}' is already withdrawn", alert.id));
  if (reason.empty()) return Error::Invalid("withdrawal: field 'reason': is required");
  alert.status = AlertStatus::kWithdrawn;
  alert.withdrawn_by = by;
  alert.withdrawn_at = now;
  alert.withdraw_reason = reason;
  return Ok();
}

namespace {

ordered_json ReleaseJson(const std::optional<NameRelease>& r) {
  if (!r) return nullptr;
  return {{"person_ids", r->person_ids}, {"consent_by", r->consent_by}, {"basis", r->basis},
          {"consented_on", r->consented_on.ToString()}, {"released_by", r->released_by}, {"released_at", r->released_at}};
}

ordered_json Common(const Alert& a) {
  return {{"id", a.id},
          {"case_id", a.case_id},
          {"status", AlertStatusName(a.status)},
          {"actions", a.actions},
          {"contacts", a.contacts},
          {"respond_by", a.respond_by.ToString()},
          {"note", {{"en", a.note_en}, {"ko", a.note_ko}}}};
}

void Trailer(ordered_json& j, const Alert& a) {
  j["composed_by"] = a.composed_by;
  j["composed_at"] = a.composed_at;
  j["approved_by"] = a.approved_by;
  j["approved_at"] = a.approved_at;
  j["withdrawn_by"] = a.withdrawn_by;
  j["withdrawn_at"] = a.withdrawn_at;
  j["withdraw_reason"] = a.withdraw_reason;
}

}  // namespace

ordered_json ToJson(const Alert& a, bool pseudonymised) {
  ordered_json j = Common(a);
  const bool names = !pseudonymised && a.release;
  j["texts"] = {{"en", TextJson(names ? a.en : a.public_en)}, {"ko", TextJson(names ? a.ko : a.public_ko)}};
  j["release"] = pseudonymised ? ordered_json(nullptr) : ReleaseJson(a.release);
  Trailer(j, a);
  return j;
}

// Sealed columns of the alerts table hold "note", "texts" and "release" as JSON text.
ordered_json ToStored(const Alert& a) {
  ordered_json j = Common(a);
  j["note"] = ordered_json{{"en", a.note_en}, {"ko", a.note_ko}}.dump();
  j["texts"] = ordered_json{{"en", TextJson(a.en)}, {"ko", TextJson(a.ko)}, {"public_en", TextJson(a.public_en)},
                            {"public_ko", TextJson(a.public_ko)}}.dump();
  j["release"] = a.release ? ReleaseJson(a.release).dump() : std::string();
  j["person_ids"] = a.person_ids;
  Trailer(j, a);
  return j;
}

Result<Alert> AlertFromStored(const json& j) {
  try {
    Alert a;
    a.id = j.at("id");
    a.case_id = j.at("case_id");
    auto st = ParseAlertStatus(j.at("status").get<std::string>());
    if (!st) return Error::Corrupt(fmt::format("stored alert '{}': unknown status", a.id));
    a.status = *st;
    a.actions = j.at("actions").get<std::vector<std::string>>();
    a.contacts = j.at("contacts").get<std::vector<std::string>>();
    auto rb = PartialDate::Parse(j.at("respond_by").get<std::string>());
    if (!rb.ok()) return Error::Corrupt(fmt::format("stored alert '{}': {}", a.id, rb.error().message));
    a.respond_by = *rb;
    const json note = json::parse(j.value("note", std::string("{}")));
    a.note_en = note.value("en", "");
    a.note_ko = note.value("ko", "");
    const json texts = json::parse(j.value("texts", std::string("{}")));
    a.en = TextFrom(texts.value("en", json::object()));
    a.ko = TextFrom(texts.value("ko", json::object()));
    a.public_en = TextFrom(texts.value("public_en", json::object()));
    a.public_ko = TextFrom(texts.value("public_ko", json::object()));
    a.person_ids = j.value("person_ids", std::vector<std::string>{});
    const std::string release = j.value("release", std::string());
    if (!release.empty()) {
      const json r = json::parse(release);
      NameRelease n;
      n.person_ids = r.at("person_ids").get<std::vector<std::string>>();
      n.consent_by = r.at("consent_by");
      n.basis = r.at("basis");
      auto on = PartialDate::Parse(r.at("consented_on").get<std::string>());
      if (!on.ok()) return Error::Corrupt(fmt::format("stored alert '{}': {}", a.id, on.error().message));
      n.consented_on = *on;
      n.released_by = r.at("released_by");
      n.released_at = r.at("released_at");
      a.release = std::move(n);
    }
    a.composed_by = j.value("composed_by", "");
    a.composed_at = j.value("composed_at", "");
    a.approved_by = j.value("approved_by", "");
    a.approved_at = j.value("approved_at", "");
    a.withdrawn_by = j.value("withdrawn_by", "");
    a.withdrawn_at = j.value("withdrawn_at", "");
    a.withdraw_reason = j.value("withdraw_reason", "");
    return a;
  } catch (const json::exception& e) {
    return Error::Corrupt(fmt::format("stored alert: {}", e.what()));
  }
}

// ---------------------------------------------------------------- subscribers

bool LooksLikeEmail(std::string_view a) {
  const size_t at = a.find('@');
  if (at == std::string_view::npos || at == 0 || a.find('@', at + 1) != std::string_view::npos) return false;
  for (char ch : a) {
    if (static_cast<unsigned char>(ch) <= ' ' || ch == '<' || ch == '>' || ch == ',' || ch == ';') return false;
  }
  const std::string_view domain = a.substr(at + 1);
  const size_t dot = domain.find('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size() && a.size() <= 254;
}

Result<Subscriber> SubscriberFromJson(const json& j, const std::string& where, const Subscriber* existing) {
  JsonFields r(j, where);
  DOSSIER_RETURN_IF_ERROR(r.CheckObject());
  Subscriber s;
  if (existing) s = *existing;
  r.Skip("id");
  r.Skip("webhook_secret_set");
  r.Skip("feed_token");
  r.Skip("created_at");
  DOSSIER_ASSIGN_OR_RETURN(s.name, r.Text("name", true));
  DOSSIER_ASSIGN_OR_RETURN(std::string language, r.Text("language"));
  s.language = language.empty() ? "both" : language;
  DOSSIER_ASSIGN_OR_RETURN(s.webhook_url, r.Text("webhook_url"));
  DOSSIER_ASSIGN_OR_RETURN(std::string secret, r.Text("webhook_secret"));
  if (!secret.empty() || !existing) s.webhook_secret = secret;
  DOSSIER_ASSIGN_OR_RETURN(s.email, r.Text("email"));
  const json& active = r.Raw("active");
  if (!active.is_null()) {
    if (!active.is_boolean()) return Error::Invalid(fmt::format("{}: field 'active': expected true or false", where));
    s.active = active.get<bool>();
  }
  DOSSIER_RETURN_IF_ERROR(r.NoUnknownFields());
  if (s.name.size() > 200) return Error::Invalid(fmt::format("{}: field 'name': at most 200 characters", where));
  if (s.language != "en" && s.language != "ko" && s.language != "both") {
    return Error::Invalid(fmt::format("{}: field 'language': expected en, ko or both", where));
  }
  if (!s.webhook_url.empty()) {
    if (!s.webhook_url.starts_with("http://") || s.webhook_url.size() < 8 ||
        s.webhook_url.find_first_of(" \r\n\t") != std::string::npos) {
      return Error::Invalid(fmt::format("{}: field 'webhook_url': expected http://host[:port]/path (put a TLS proxy "
                                        "in front for https receivers)", where));
    }
    if (s.webhook_secret.size() < 16) {
      return Error::Invalid(fmt::format("{}: field 'webhook_secret': at least 16 characters are required with a "
                                        "webhook", where));
    }
  }
  if (!s.email.empty() && !LooksLikeEmail(s.email)) {
    return Error::Invalid(fmt::format("{}: field 'email': '{}' is not an e-mail address", where, s.email));
  }
  return s;
}

ordered_json ToJson(const Subscriber& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"language", s.language},
          {"webhook_url", s.webhook_url},
          {"webhook_secret_set", !s.webhook_secret.empty()},
          {"email", s.email},
          {"feed_token", s.feed_token},
          {"active", s.active},
          {"created_at", s.created_at}};
}

ordered_json ToStored(const Subscriber& s) {
  return {{"id", s.id},         {"name", s.name},   {"language", s.language},     {"webhook_url", s.webhook_url},
          {"webhook_secret", s.webhook_secret},     {"email", s.email},           {"feed_token", s.feed_token},
          {"active", s.active}, {"created_at", s.created_at}};
}

Result<Subscriber> SubscriberFromStored(const json& j) {
  try {
    Subscriber s;
    s.id = j.at("id");
    s.name = j.at("name");
    s.language = j.at("language");
    s.webhook_url = j.value("webhook_url", "");
    s.webhook_secret = j.value("webhook_secret", "");
    s.email = j.value("email", "");
    s.feed_token = j.value("feed_token", "");
    s.active = j.value("active", true);
    s.created_at = j.value("created_at", "");
    return s;
  } catch (const json::exception& e) {
    return Error::Corrupt(fmt::format("stored subscriber: {}", e.what()));
  }
}

// ---------------------------------------------------------------- deliveries

const char* DeliveryStatusName(DeliveryStatus s) {
  switch (s) {
    case DeliveryStatus::kPending: return "pending";
    case DeliveryStatus::kDelivered: return "delivered";
    case DeliveryStatus::kCancelled: return "cancelled";
  }
  return "pending";
}

namespace {
std::string MsToUtc(int64_t ms) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", fmt::gmtime(static_cast<std::time_t>(ms / 1000)));
}
}  // namespace

ordered_json ToJson(const Delivery& d) {
  ordered_json attempts = ordered_json::array();
  for (const auto& a : d.attempts) {
    attempts.push_back({{"at", a.at}, {"status_code", a.status_code}, {"error", a.error}, {"next_attempt", a.next_attempt}});
  }
  return {{"id", d.id},
          {"alert_id", d.alert_id},
          {"subscriber_id", d.subscriber_id},
          {"officer", d.officer},
          {"channel", d.channel},
          {"status", DeliveryStatusName(d.status)},
          {"attempts", attempts},
          {"delivered_at", d.delivered_at},
          {"next_attempt", d.status == DeliveryStatus::kPending ? MsToUtc(d.next_attempt_ms) : std::string()}};
}

ordered_json ToStored(const Delivery& d) {
  return {{"id", d.id},
          {"key", d.key},
          {"alert_id", d.alert_id},
          {"subscriber_id", d.subscriber_id},
          {"officer", d.officer},
          {"channel", d.channel},
          {"recipient", d.recipient},
          {"payload", d.payload},
          {"status", DeliveryStatusName(d.status)},
          {"next_attempt_ms", d.next_attempt_ms},
          {"created_at", d.created_at},
          {"delivered_at", d.delivered_at}};
}

Result<Delivery> DeliveryFromStored(const json& j) {
  try {
    Delivery d;
    d.id = j.at("id");
    d.key = j.at("key");
    d.alert_id = j.value("alert_id", "");
    d.subscriber_id = j.value("subscriber_id", "");
    d.officer = j.value("officer", "");
    d.channel = j.at("channel");
    d.recipient = j.value("recipient", "");
    d.payload = j.value("payload", "");
    const std::string st = j.at("status");
    d.status = st == "delivered" ? DeliveryStatus::kDelivered
               : st == "cancelled" ? DeliveryStatus::kCancelled
                                   : DeliveryStatus::kPending;
    d.next_attempt_ms = j.value("next_attempt_ms", int64_t{0});
    d.created_at = j.value("created_at", "");
    d.delivered_at = j.value("delivered_at", "");
    return d;
  } catch (const json::exception& e) {
    return Error::Corrupt(fmt::format("stored delivery: {}", e.what()));
  }
}

// ---------------------------------------------------------------- reminders

std::vector<Reminder> Reminders(const Case& c, const std::vector<Intervention>& interventions, long today, long horizon) {
  std::vector<Reminder> out;
  if (c.status == CaseStatus::kClosed) return out;
  auto add = [&](const char* what, const std::string& id, const PartialDate& due) {
    const long left = due.LatestDay() - today;
    if (left <= horizon) out.push_back({c.id, what, id, due, left});
  };
  if (c.next_deadline) add("deadline", c.id, *c.next_deadline);
  for (const auto& i : interventions) {
    if (i.follow_up && i.outcome.empty()) add("follow_up", i.id, *i.follow_up);
  }
  return out;
}

}  // namespace dossier::cases
