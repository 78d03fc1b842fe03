#include "cases/cases.h"

#include "domain/json_fields.h"

#include <algorithm>
#include <array>
#include <set>

#include <fmt/format.h>

namespace dossier::cases {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

using S = CaseStatus;

struct StatusInfo {
  CaseStatus status;
  const char* name;
  std::vector<CaseStatus> next;  // the workflow table: where a case may go from here
};

// The workflow table. Stages may be skipped forward (news of a return often arrives after the
// return), never walked back; outcomes follow detention or return; `closed` is final.
const std::vector<StatusInfo>& Table() {
  static const std::vector<StatusInfo> kTable = {
      {S::kReported, "reported", {S::kVerified, S::kClosed}},
      {S::kVerified, "verified",
       {S::kDetainedInChina, S::kTransferredOrAtBorder, S::kReturnedToDprk, S::kHeldInDprk, S::kResettled, S::kUnknown,
        S::kClosed}},
      {S::kDetainedInChina, "detained_in_china",
       {S::kTransferredOrAtBorder, S::kReturnedToDprk, S::kHeldInDprk, S::kReleased, S::kEscapedAgain, S::kResettled,
        S::kUnknown, S::kClosed}},
      {S::kTransferredOrAtBorder, "transferred_or_at_border",
       {S::kReturnedToDprk, S::kHeldInDprk, S::kReleased, S::kEscapedAgain, S::kResettled, S::kUnknown, S::kClosed}},
      {S::kReturnedToDprk, "returned_to_dprk",
       {S::kHeldInDprk, S::kReleased, S::kImprisoned, S::kExecuted, S::kEscapedAgain, S::kUnknown, S::kClosed}},
      {S::kHeldInDprk, "held_in_dprk",
       {S::kReleased, S::kImprisoned, S::kExecuted, S::kEscapedAgain, S::kUnknown, S::kClosed}},
      {S::kReleased, "released", {S::kImprisoned, S::kEscapedAgain, S::kResettled, S::kUnknown, S::kClosed}},
      {S::kImprisoned, "imprisoned", {S::kReleased, S::kExecuted, S::kEscapedAgain, S::kUnknown, S::kClosed}},
      {S::kExecuted, "executed", {S::kClosed}},
      {S::kEscapedAgain, "escaped_again", {S::kDetainedInChina, S::kResettled, S::kUnknown, S::kClosed}},
      {S::kResettled, "resettled", {S::kClosed}},
      {S::kUnknown, "unknown",
       {S::kReleased, S::kImprisoned, S::kExecuted, S::kEscapedAgain, S::kResettled, S::kClosed}},
      {S::kClosed, "closed", {}},
  };
  return kTable;
}

const StatusInfo& Info(CaseStatus s) { return Table()[static_cast<size_t>(s)]; }

// Stage in the pre-outcome chain (reported .. held_in_dprk), or -1 for outcomes and closed.
int Stage(CaseStatus s) { return static_cast<int>(s) <= static_cast<int>(S::kHeldInDprk) ? static_cast<int>(s) : -1; }

std::string Join(const std::vector<CaseStatus>& v) {
  std::string out;
  for (auto s : v) out += (out.empty() ? "" : ", ") + std::string(StatusName(s));
  return out.empty() ? "none" : out;
}

// ---- JSON helpers



Result<CaseStatus> StatusField(JsonFields& r, const char* field, std::optional<CaseStatus> fallback) {
  DOSSIER_ASSIGN_OR_RETURN(std::string text, r.Text(field, !fallback.has_value()));
  if (text.empty()) return *fallback;
  auto s = ParseStatus(text);
  if (!s) return r.Bad(field, fmt::format("unknown status '{}'; expected one of {}", text, Join(AllStatuses())));
  return *s;
}

ordered_json DateJson(const std::optional<PartialDate>& d) { return d ? ordered_json(d->ToString()) : ordered_json(nullptr); }

// ---- validation helpers

Status CheckIds(const std::string& where, const char* field, const std::vector<std::string>& ids, RecordKind kind,
                const RecordExistsFn& exists) {
  std::set<std::string> seen;
  for (const auto& id : ids) {
    if (!seen.insert(id).second) return Error::Invalid(fmt::format("{}: field '{}': '{}' is listed twice", where, field, id));
    if (!exists(kind, id)) {
      return Error::Invalid(fmt::format("{}: field '{}': {} '{}' does not exist", where, field, RecordKindName(kind), id));
    }
  }
  return Ok();
}

Status NotFuture(const std::string& where, const char* field, const PartialDate& d, long today) {
  if (d.EarliestDay() > today) {
    return Error::Invalid(fmt::format("{}: field '{}': {} is in the future", where, field, d.ToString()));
  }
  return Ok();
}

std::string Where(const char* kind, const std::string& id) {
  return id.empty() ? std::string(kind) : fmt::format("{} '{}'", kind, id);
}

}  // namespace

const std::vector<CaseStatus>& AllStatuses() {
  static const std::vector<CaseStatus> kAll = [] {
    std::vector<CaseStatus> v;
    for (const auto& i : Table()) v.push_back(i.status);
    return v;
  }();
  return kAll;
}

const char* StatusName(CaseStatus s) { return Info(s).name; }

std::optional<CaseStatus> ParseStatus(std::string_view text) {
  for (const auto& i : Table()) {
    if (text == i.name) return i.status;
  }
  return std::nullopt;
}

bool IsOutcome(CaseStatus s) { return Stage(s) < 0 && s != S::kClosed; }

std::vector<CaseStatus> AllowedNext(CaseStatus from) { return Info(from).next; }

Status CheckTransition(CaseStatus from, CaseStatus to) {
  const auto& next = Info(from).next;
  if (std::find(next.begin(), next.end(), to) != next.end()) return Ok();
  const std::string f = StatusName(from), t = StatusName(to);
  std::string why;
  if (from == to) {
    why = fmt::format("the case is already '{}'", f);
  } else if (from == S::kClosed) {
    why = "a closed case does not change status; open a new case";
  } else if (to == S::kReported) {
    why = "'reported' is only the first status of a case";
  } else if (from == S::kReported) {
    why = fmt::format("a reported case must be verified before it can become '{}'", t);
  } else if (next.size() == 1) {
    why = fmt::format("'{}' is a final outcome; the case can only be closed", f);
  } else if (Stage(from) >= 0 && Stage(to) >= 0 && Stage(to) < Stage(from)) {
    why = fmt::format("cannot move from '{}' back to '{}'", f, t);
  } else if ((to == S::kImprisoned || to == S::kExecuted) && Stage(from) >= 0) {
    why = fmt::format("'{}' follows a return to the DPRK, not '{}'", t, f);
  } else {
    why = fmt::format("cannot move from '{}' to '{}'", f, t);
  }
  return Error::Invalid(fmt::format("transition: field 'to': {} (allowed from '{}': {})", why, f, Join(next)));
}

const char* RiskName(RiskLevel r) {
  switch (r) {
    case RiskLevel::kLow: return "low";
    case RiskLevel::kMedium: return "medium";
    case RiskLevel::kHigh: return "high";
    case RiskLevel::kCritical: return "critical";
  }
  return "medium";
}

std::optional<RiskLevel> ParseRisk(std::string_view t) {
  for (auto r : {RiskLevel::kLow, RiskLevel::kMedium, RiskLevel::kHigh, RiskLevel::kCritical}) {
    if (t == RiskName(r)) return r;
  }
  return std::nullopt;
}

// ---- JSON

ordered_json ToJson(const Case& c) {
  return {{"id", c.id},
          {"title", c.title},
          {"person_ids", c.person_ids},
          {"status", StatusName(c.status)},
          {"risk", RiskName(c.risk)},
          {"officer", c.officer},
          {"opened", c.opened.ToString()},
          {"next_deadline", DateJson(c.next_deadline)},
          {"incident_ids", c.incident_ids},
          {"source_ids", c.source_ids},
          {"notes", c.notes}};
}

ordered_json ToJson(const Transition& t) {
  return {{"id", t.id},       {"case_id", t.case_id},       {"from", StatusName(t.from)}, {"to", StatusName(t.to)},
          {"date", t.date.ToString()}, {"source_ids", t.source_ids}, {"note", t.note}};
}

ordered_json ToJson(const Intervention& i) {
  return {{"id", i.id},
          {"case_id", i.case_id},
          {"actor", i.actor},
          {"target", i.target},
          {"track", i.track},
          {"kind", i.kind},
          {"date", i.date.ToString()},
          {"response", i.response},
          {"follow_up", DateJson(i.follow_up)},
          {"outcome", i.outcome},
          {"source_ids", i.source_ids}};
}

Result<Case> CaseFromJson(const json& j, const std::string& where) {
  JsonFields r(j, where);
  DOSSIER_RETURN_IF_ERROR(r.CheckObject());
  Case c;
  DOSSIER_ASSIGN_OR_RETURN(c.id, r.Text("id"));
  r.NameRecord(c.id);
  DOSSIER_ASSIGN_OR_RETURN(c.title, r.Text("title", true));
  DOSSIER_ASSIGN_OR_RETURN(c.person_ids, r.TextList("person_ids"));
  DOSSIER_ASSIGN_OR_RETURN(c.status, StatusField(r, "status", CaseStatus::kReported));
  DOSSIER_ASSIGN_OR_RETURN(std::string risk, r.Text("risk"));
  if (!risk.empty()) {
    auto rl = ParseRisk(risk);
    if (!rl) return r.Bad("risk", fmt::format("unknown risk level '{}'; expected low, medium, high or critical", risk));
    c.risk = *rl;
  }
  DOSSIER_ASSIGN_OR_RETURN(c.officer, r.Text("officer"));
  DOSSIER_ASSIGN_OR_RETURN(auto opened, r.Date("opened", true));
  c.opened = *opened;
  DOSSIER_ASSIGN_OR_RETURN(c.next_deadline, r.Date("next_deadline"));
  DOSSIER_ASSIGN_OR_RETURN(c.incident_ids, r.TextList("incident_ids"));
  DOSSIER_ASSIGN_OR_RETURN(c.source_ids, r.TextList("source_ids"));
  DOSSIER_ASSIGN_OR_RETURN(c.notes, r.Text("notes"));
  DOSSIER_RETURN_IF_ERROR(r.NoUnknownFields());
  return c;
}

Result<Transition> TransitionFromJson(const json& j, const std::string& where) {
  JsonFields r(j, where);
  DOSSIER_RETURN_IF_ERROR(r.CheckObject());
  Transition t;
  r.Skip("id");
  r.Skip("from");
  DOSSIER_ASSIGN_OR_RETURN(t.case_id, r.Text("case_id"));
  DOSSIER_ASSIGN_OR_RETURN(t.to, StatusField(r, "to", std::nullopt));
  DOSSIER_ASSIGN_OR_RETURN(auto date, r.Date("date", true));
  t.date = *date;
  DOSSIER_ASSIGN_OR_RETURN(t.source_ids, r.TextList("source_ids"));
  DOSSIER_ASSIGN_OR_RETURN(t.note, r.Text("note"));
  DOSSIER_RETURN_IF_ERROR(r.NoUnknownFields());
  return t;
}

Result<Intervention> InterventionFromJson(const json& j, const std::string& where) {
  JsonFields r(j, where);
  DOSSIER_RETURN_IF_ERROR(r.CheckObject());
  Intervention i;
  DOSSIER_ASSIGN_OR_RETURN(i.id, r.Text("id"));
  r.NameRecord(i.id);
  DOSSIER_ASSIGN_OR_RETURN(i.case_id, r.Text("case_id"));
  DOSSIER_ASSIGN_OR_RETURN(i.actor, r.Text("actor", true));
  DOSSIER_ASSIGN_OR_RETURN(i.target, r.Text("target", true));
  DOSSIER_ASSIGN_OR_RETURN(i.track, r.Text("track", true));
  DOSSIER_ASSIGN_OR_RETURN(i.kind, r.Text("kind", true));
  DOSSIER_ASSIGN_OR_RETURN(auto date, r.Date("date", true));
  i.date = *date;
  DOSSIER_ASSIGN_OR_RETURN(i.response, r.Text("response"));
  DOSSIER_ASSIGN_OR_RETURN(i.follow_up, r.Date("follow_up"));
  DOSSIER_ASSIGN_OR_RETURN(i.outcome, r.Text("outcome"));
  DOSSIER_ASSIGN_OR_RETURN(i.source_ids, r.TextList("source_ids"));
  DOSSIER_RETURN_IF_ERROR(r.NoUnknownFields());
  return i;
}

// ---- validation

Status ValidateCase(const Case& c, const RecordExistsFn& exists, const UserExistsFn& user_exists, long today) {
  const std::string where = Where("case", c.id);
  if (c.title.empty()) return Error::Invalid(fmt::format("{}: field 'title': is required", where));
  if (c.person_ids.empty()) {
    return Error::Invalid(fmt::format("{}: field 'person_ids': a case needs at least one person, family or group", where));
  }
  DOSSIER_RETURN_IF_ERROR(CheckIds(where, "person_ids", c.person_ids, RecordKind::kPerson, exists));
  DOSSIER_RETURN_IF_ERROR(CheckIds(where, "incident_ids", c.incident_ids, RecordKind::kIncident, exists));
  DOSSIER_RETURN_IF_ERROR(CheckIds(where, "source_ids", c.source_ids, RecordKind::kSource, exists));
  if (!c.officer.empty() && !user_exists(c.officer)) {
    return Error::Invalid(fmt::format("{}: field 'officer': no case officer or administrator account '{}'", where, c.officer));
  }
  DOSSIER_RETURN_IF_ERROR(NotFuture(where, "opened", c.opened, today));
  return Ok();
}

Status ValidateTransition(const Transition& t, const RecordExistsFn& exists, long today) {
  const std::string where = "transition";
  if (t.source_ids.empty()) {
    return Error::Invalid(fmt::format("{}: field 'source_ids': a transition needs at least one source", where));
  }
  DOSSIER_RETURN_IF_ERROR(CheckIds(where, "source_ids", t.source_ids, RecordKind::kSource, exists));
  DOSSIER_RETURN_IF_ERROR(NotFuture(where, "date", t.date, today));
  return CheckTransition(t.from, t.to);
}

Status ValidateIntervention(const Intervention& i, const Catalog& catalog, const RecordExistsFn& exists, long today) {
  const std::string where = Where("intervention", i.id);
  const std::pair<const char*, const std::string*> organisations[] = {{"actor", &i.actor}, {"target", &i.target}};
  for (const auto& [field, value] : organisations) {
    if (!catalog.HasTerm("organisations", *value)) {
      return Error::Invalid(fmt::format("{}: field '{}': unknown organisation '{}' (vocabulary 'organisations')", where,
                                        field, *value));
    }
  }
  if (!catalog.HasTerm("intervention_tracks", i.track)) {
    return Error::Invalid(fmt::format("{}: field 'track': unknown track '{}' (vocabulary 'intervention_tracks')", where, i.track));
  }
  if (!catalog.HasTerm("intervention_kinds", i.kind)) {
    return Error::Invalid(fmt::format("{}: field 'kind': unknown kind '{}' (vocabulary 'intervention_kinds')", where, i.kind));
  }
  DOSSIER_RETURN_IF_ERROR(NotFuture(where, "date", i.date, today));
  if (i.follow_up && i.follow_up->LatestDay() < i.date.EarliestDay()) {
    return Error::Invalid(fmt::format("{}: field 'follow_up': {} is before the intervention ({})", where,
                                      i.follow_up->ToString(), i.date.ToString()));
  }
  return CheckIds(where, "source_ids", i.source_ids, RecordKind::kSource, exists);
}

// ---- timeline and overdue

std::vector<TimelineEntry> BuildTimeline(const std::vector<Transition>& transitions,
                                         const std::vector<Intervention>& interventions) {
  std::vector<TimelineEntry> out;
  for (size_t i = 0; i < transitions.size(); ++i) out.push_back({transitions[i].date, "transition", transitions[i].id, i});
  for (size_t i = 0; i < interventions.size(); ++i) {
    out.push_back({interventions[i].date, "intervention", interventions[i].id, i});
  }
  // Stable: entries of one type keep their given (recorded) order on equal dates.
  std::stable_sort(out.begin(), out.end(), [](const TimelineEntry& a, const TimelineEntry& b) {
    if (a.date.EarliestDay() != b.date.EarliestDay()) return a.date.EarliestDay() < b.date.EarliestDay();
    if (a.type != b.type) return a.type == "transition";
    return false;
  });
  return out;
}

std::vector<OverdueReason> Overdue(const Case& c, const std::vector<Intervention>& interventions, long today) {
  std::vector<OverdueReason> out;
  if (c.status == CaseStatus::kClosed) return out;
  if (c.next_deadline && c.next_deadline->LatestDay() < today) out.push_back({"deadline", c.id, *c.next_deadline});
  for (const auto& i : interventions) {
    if (i.follow_up && i.outcome.empty() && i.follow_up->LatestDay() < today) out.push_back({"follow_up", i.id, *i.follow_up});
  }
  return out;
}

}  // namespace dossier::cases
