// Urgent-action alerts: composed from a case in English and Korean, approved by a second person,
// then delivered to partner organisations (subscribers).
//
//   Alert        the composer's choices (what to do, whom to contact, by when, an optional note),
//                the texts rendered from fixed templates, the state (draft > approved; withdrawn)
//                and who composed, released names, approved and withdrew it.
//   NameRelease  a case officer's decision to name persons instead of using pseudonyms, with the
//                consent it rests on.
//   Subscriber   a partner: webhook, e-mail address, language, feed token.
//   Delivery     one row of the outbox: an alert (or a reminder digest) to one recipient over one
//                channel, with every attempt.
//
// Everything here is pure: templates, validation, state changes and the JSON forms. Storage lives
// in store/store.h, sending in cases/delivery.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cases/cases.h"
#include "domain/catalog.h"
#include "domain/model.h"
#include "domain/partial_date.h"
#include "domain/result.h"

namespace dossier::cases {

enum class AlertStatus { kDraft, kApproved, kWithdrawn };
const char* AlertStatusName(AlertStatus s);
std::optional<AlertStatus> ParseAlertStatus(std::string_view text);

// What recipients are asked to do ("urge_no_return", ...), with the sentence used in the texts.
const std::vector<std::string>& AlertActions();
std::string AlertActionText(std::string_view code, std::string_view language);
// Grounds on which names may be released ("person_consent", "family_consent", ...).
const std::vector<std::string>& ConsentBases();

struct AlertText {
  std::string subject;
  std::string body;
  bool operator==(const AlertText&) const = default;
};

struct NameRelease {
  std::vector<std::string> person_ids;  // whose names appear; a subset of the case's persons
  std::string consent_by;               // who consented, e.g. "the person's brother in Seoul"
  std::string basis;                    // one of ConsentBases()
  PartialDate consented_on;
  std::string released_by;              // user who released the names
  std::string released_at;              // UTC, ISO 8601
  bool operator==(const NameRelease&) const = default;
};

// The composer's input (POST /alerts, PUT /alerts/{id}).
struct AlertDraft {
  std::string case_id;
  std::vector<std::string> actions;   // AlertActions()
  std::vector<std::string> contacts;  // vocabulary "organisations"
  std::optional<PartialDate> respond_by;  // default: the case's next deadline
  std::string note_en, note_ko;       // optional extra paragraph; sensitive
};

struct Alert {
  std::string id;  // "alert-..."
  std::string case_id;
  AlertStatus status = AlertStatus::kDraft;
  std::vector<std::string> actions;
  std::vector<std::string> contacts;
  PartialDate respond_by;
  std::string note_en, note_ko;
  AlertText en, ko;                // as delivered (with released names); sensitive
  AlertText public_en, public_ko;  // every person by pseudonym; sensitive
  std::vector<std::string> person_ids;
  std::optional<NameRelease> release;
  std::string composed_by, composed_at;
  std::string approved_by, approved_at;
  std::string withdrawn_by, withdrawn_at, withdraw_reason;
  bool operator==(const Alert&) const = default;
};

// A person as the templates see it. Names are filled only when they may be released.
struct AlertPerson {
  std::string id;
  std::string pseudonym;           // keyring.Pseudonym("person", id)
  std::string name_en, name_ko;    // latin-script / hangul name, else the first name; may be empty
  std::string unit = "individual";  // individual, family, group
  std::optional<ApproximateCount> group_size;
};

// What composition reads besides the draft.
struct AlertContext {
  const Case& kase;
  std::vector<AlertPerson> persons;        // in the case's order
  std::optional<Transition> latest;        // the case's latest transition, if any
  const Catalog& catalog;
};

// The person's name in `language` from its recorded names (latin for "en", hangul for "ko",
// else the first); empty when it has none.
std::string PersonDisplayName(const Person& p, std::string_view language);

// Strict JSON decoding of the composer's input and of a name release (`released_by` and
// `released_at` are set by the caller). Messages name the field.
Result<AlertDraft> AlertDraftFromJson(const nlohmann::json& j, const std::string& where);
Result<NameRelease> NameReleaseFromJson(const nlohmann::json& j, const std::string& where);

// Builds a draft: validates the input against the case and the catalog (respond_by, when given,
// not before today; falls back to the case's next deadline) and renders the texts.
Result<Alert> Compose(const AlertDraft& draft, const AlertContext& ctx, const std::string& composer,
                      const std::string& now, long today_days);
// Replaces a draft's input and re-renders (keeps a release of persons still in the case).
Status Revise(Alert& alert, const AlertDraft& draft, const AlertContext& ctx, long today_days);
// Releases names on a draft; `release.person_ids` empty = every person of the case.
Status ReleaseNames(Alert& alert, NameRelease release, const AlertContext& ctx, long today_days);
// The second person's check: a draft only, by someone other than the composer and the one who
// released names (kPermissionDenied names the rule).
Status Approve(Alert& alert, const std::string& approver, const std::string& now);
Status Withdraw(Alert& alert, const std::string& by, const std::string& reason, const std::string& now);

// Renders both languages; persons in `named` appear by name, the others by pseudonym.
std::pair<AlertText, AlertText> RenderAlert(const Alert& alert, const AlertContext& ctx,
                                            const std::vector<std::string>& named);

// "15 March 2012" / "2012년 3월 15일".
std::string FormatDate(const PartialDate& d, std::string_view language);

// The JSON form of the API (texts as delivered, or pseudonymised with `pseudonymised`).
nlohmann::ordered_json ToJson(const Alert& a, bool pseudonymised);
// The stored form: every field, round-tripped by AlertFromStored.
nlohmann::ordered_json ToStored(const Alert& a);
Result<Alert> AlertFromStored(const nlohmann::json& j);

// ---------------------------------------------------------------- subscribers and the outbox

struct Subscriber {
  std::string id;  // "sub-..."
  std::string name;
  std::string language = "both";  // en, ko, both
  std::string webhook_url;        // "http://host:port/path" or empty
  std::string webhook_secret;     // sensitive; required with a webhook
  std::string email;              // sensitive; may be empty
  std::string feed_token;         // sensitive; set by the store on create
  bool active = true;
  std::string created_at;
  bool operator==(const Subscriber&) const = default;
};
// Strict decoding of SubscriberInput; `existing` (on update) keeps the secret when it is omitted.
Result<Subscriber> SubscriberFromJson(const nlohmann::json& j, const std::string& where, const Subscriber* existing);
nlohmann::ordered_json ToJson(const Subscriber& s);  // no secret; feed_token included
nlohmann::ordered_json ToStored(const Subscriber& s);
Result<Subscriber> SubscriberFromStored(const nlohmann::json& j);

enum class DeliveryStatus { kPending, kDelivered, kCancelled };
const char* DeliveryStatusName(DeliveryStatus s);

struct DeliveryAttempt {
  std::string at;           // UTC
  int status_code = 0;      // HTTP or SMTP reply code; 0 when none came
  std::string error;        // empty on success
  std::string next_attempt; // UTC; empty when no retry follows
  bool operator==(const DeliveryAttempt&) const = default;
};

struct Delivery {
  std::string id;             // "dlv-..."; the receiver's idempotency key
  std::string key;            // unique: "alert/<alert>/<subscriber>/<channel>" or "digest/<user>/<day>"
  std::string alert_id;       // empty for a digest
  std::string subscriber_id;  // empty for a digest
  std::string officer;        // the digest's recipient user; empty for alerts
  std::string channel;        // webhook, email
  std::string recipient;      // URL or e-mail address; sensitive
  std::string payload;        // webhook: the JSON body; email: {"subject","body"} JSON; sensitive
  DeliveryStatus status = DeliveryStatus::kPending;
  int64_t next_attempt_ms = 0;  // Unix milliseconds
  std::string created_at, delivered_at;
  std::vector<DeliveryAttempt> attempts;
  bool operator==(const Delivery&) const = default;
};
nlohmann::ordered_json ToJson(const Delivery& d);  // API form: no payload or recipient
nlohmann::ordered_json ToStored(const Delivery& d);  // without attempts
Result<Delivery> DeliveryFromStored(const nlohmann::json& j);

// Where a case officer's reminder digest goes.
struct OfficerContact {
  std::string user;
  std::string email;  // sensitive
  bool operator==(const OfficerContact&) const = default;
};

// A basic check of an e-mail address (one '@', no spaces or control characters, a dot in the
// domain); the relay has the final word.
bool LooksLikeEmail(std::string_view address);

// ---------------------------------------------------------------- reminders

// Something overdue or falling due within `horizon_days` of today, for the dashboard and digest.
struct Reminder {
  std::string case_id;
  std::string what;       // "deadline" or "follow_up"
  std::string record_id;  // the case, or the intervention
  PartialDate due;
  long days_left = 0;     // until the due date's last possible day; negative when overdue
};
std::vector<Reminder> Reminders(const Case& c, const std::vector<Intervention>& interventions, long today_days,
                                long horizon_days);

}  // namespace dossier::cases
