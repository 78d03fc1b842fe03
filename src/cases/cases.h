// Urgent cases: one or more persons at risk of forced return, followed from the first report to an
// outcome, with the interventions made on their behalf.
//
//   Case          the persons (an individual, a family or a group record), status, risk level,
//                 case officer, next deadline, linked incidents and sources.
//   Transition    one dated, sourced change of a case's status; checked by CheckTransition.
//   Intervention  who acted (organisation), towards whom, on which track, what kind, when, the
//                 response, the follow-up date and the outcome.
//
// Everything here is pure: the workflow table, validation against the catalog and existence
// oracles, the JSON form, the timeline and the overdue rule. Storage lives in store/store.h.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/catalog.h"
#include "domain/model.h"
#include "domain/partial_date.h"
#include "domain/result.h"

namespace dossier::cases {

// The status workflow. The six outcomes (released ... unknown) follow detention or return;
// `closed` ends the case and is final.
enum class CaseStatus {
  kReported,
  kVerified,
  kDetainedInChina,
  kTransferredOrAtBorder,
  kReturnedToDprk,
  kHeldInDprk,
  kReleased,
  kImprisoned,
  kExecuted,
  kEscapedAgain,
  kResettled,
  kUnknown,
  kClosed,
};

const std::vector<CaseStatus>& AllStatuses();  // in workflow order
const char* StatusName(CaseStatus s);           // "detained_in_china"
std::optional<CaseStatus> ParseStatus(std::string_view text);
bool IsOutcome(CaseStatus s);                   // released, imprisoned, executed, escaped_again, resettled, unknown

// The statuses a case may move to from `from`, in workflow order.
std::vector<CaseStatus> AllowedNext(CaseStatus from);
// Ok when a case may move from `from` to `to`; otherwise kInvalidArgument with the reason, naming
// field 'to' (e.g. "field 'to': cannot move from 'held_in_dprk' back to 'verified'").
Status CheckTransition(CaseStatus from, CaseStatus to);

enum class RiskLevel { kLow, kMedium, kHigh, kCritical };
const char* RiskName(RiskLevel r);
std::optional<RiskLevel> ParseRisk(std::string_view text);

struct Case {
  std::string id;                       // "case-..."; empty on create = a new random one
  std::string title;                    // sensitive free text
  std::vector<std::string> person_ids;  // at least one; a person, family or group record
  CaseStatus status = CaseStatus::kReported;  // changed only by transitions
  RiskLevel risk = RiskLevel::kMedium;
  std::string officer;                  // user name of the assigned case officer; empty = none yet
  PartialDate opened;                   // when the case was reported
  std::optional<PartialDate> next_deadline;
  std::vector<std::string> incident_ids;
  std::vector<std::string> source_ids;
  std::string notes;                    // sensitive free text
  bool operator==(const Case&) const = default;
};

struct Transition {
  std::string id;       // "ctr-..."
  std::string case_id;
  CaseStatus from = CaseStatus::kReported;  // set by the store from the case's current status
  CaseStatus to = CaseStatus::kReported;
  PartialDate date;
  std::vector<std::string> source_ids;  // at least one, each an existing source
  std::string note;                     // sensitive free text
  bool operator==(const Transition&) const = default;
};

struct Intervention {
  std::string id;  // "civ-..."
  std::string case_id;
  std::string actor;   // vocabulary "organisations": who acted
  std::string target;  // vocabulary "organisations": towards whom
  std::string track;   // vocabulary "intervention_tracks"
  std::string kind;    // vocabulary "intervention_kinds"
  PartialDate date;
  std::string response;                   // sensitive free text; empty = none yet
  std::optional<PartialDate> follow_up;
  std::string outcome;                    // sensitive free text; empty = open
  std::vector<std::string> source_ids;
  bool operator==(const Intervention&) const = default;
};

// JSON form (deterministic encoding; strict decoding: unknown fields and wrong types are errors
// naming the field). `where` prefixes messages, e.g. "case".
nlohmann::ordered_json ToJson(const Case& c);
nlohmann::ordered_json ToJson(const Transition& t);
nlohmann::ordered_json ToJson(const Intervention& i);
Result<Case> CaseFromJson(const nlohmann::json& j, const std::string& where);
// `from` and `id` are ignored on input (the store sets them).
Result<Transition> TransitionFromJson(const nlohmann::json& j, const std::string& where);
Result<Intervention> InterventionFromJson(const nlohmann::json& j, const std::string& where);

// Existence oracles supplied by the store.
using RecordExistsFn = std::function<bool(RecordKind kind, std::string_view id)>;
using UserExistsFn = std::function<bool(std::string_view name)>;

// Checks references, vocabulary terms and dates (none in the future; `today_days` = days since
// 1970-01-01). Messages name the record and the field.
Status ValidateCase(const Case& c, const RecordExistsFn& exists, const UserExistsFn& user_exists, long today_days);
Status ValidateTransition(const Transition& t, const RecordExistsFn& exists, long today_days);
Status ValidateIntervention(const Intervention& i, const Catalog& catalog, const RecordExistsFn& exists,
                            long today_days);

// One line of a case's timeline: transitions and interventions merged, sorted by date (earliest
// day first; on a tie transitions before interventions, then by id).
struct TimelineEntry {
  PartialDate date;
  std::string type;  // "transition" or "intervention"
  std::string id;
  size_t index = 0;  // into the vector of its type
};
std::vector<TimelineEntry> BuildTimeline(const std::vector<Transition>& transitions,
                                         const std::vector<Intervention>& interventions);

// Why a case is overdue: its next deadline has passed, or an intervention's follow-up date has
// passed with no outcome recorded. A date has passed when its last possible day is before today.
// Closed cases are never overdue.
struct OverdueReason {
  std::string what;  // "deadline" or "follow_up"
  std::string record_id;  // the case, or the intervention
  PartialDate due;
};
std::vector<OverdueReason> Overdue(const Case& c, const std::vector<Intervention>& interventions, long today_days);

}  // namespace dossier::cases
