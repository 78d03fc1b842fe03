// SQLite backend: urgent-action alerts, partner subscribers, the delivery outbox with every
// attempt, and case officers' digest addresses (docs/cases.md, "Urgent-action alerts"). Every row
// is audited like the case tables, so Verify() names one changed behind the application's back.
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "store/sqlite_store.h"

namespace dossier::sqlite_detail {

namespace {

// What the audit trail keeps of a subscriber: whether a secret is set, never the secret or token.
ordered_json AuditedSubscriber(const cases::Subscriber& s) {
  ordered_json j = cases::ToJson(s);
  j.erase("feed_token");
  return j;
}

std::string HexOf(const Bytes& b) {
  std::string out(b.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), b.data(), b.size());
  out.pop_back();
  return out;
}

std::string NewFeedToken() {
  uint8_t raw[24];
  randombytes_buf(raw, sizeof raw);
  std::string out(sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

}  // namespace

// ---------------------------------------------------------------- alerts

Result<std::string> SqliteStore::CreateAlert(const cases::Alert& input) {
  cases::Alert a = input;
  if (a.id.empty()) a.id = NewPrefixedId("alert-");
  if (a.status != cases::AlertStatus::kDraft) return Error::Invalid("alert: field 'status': a new alert is a draft");
  DOSSIER_RETURN_IF_ERROR(Transaction([&]() -> Status {
    if (SideExists(kAlertTable, a.id)) return Error::Conflict(fmt::format("alert '{}' already exists", a.id));
    if (!SideExists(kCaseTable, a.case_id)) return Error::NotFound(fmt::format("alert: field 'case_id': no case '{}'", a.case_id));
    const ordered_json full = cases::ToStored(a);
    DOSSIER_RETURN_IF_ERROR(WriteSide(kAlertTable, a.id, full, /*insert=*/true));
    return AuditSide("create", kAlertTable, a.id, nullptr, full);
  }));
  return a.id;
}

Status SqliteStore::SaveAlert(const cases::Alert& a, cases::AlertStatus expected, const std::string& action,
                              const std::vector<cases::Delivery>& enqueue) {
  return Transaction([&]() -> Status {
    DOSSIER_ASSIGN_OR_RETURN(cases::Alert before, GetAlert(a.id));
    if (before.status != expected) {
      return Error::Conflict(fmt::format("alert '{}' is {} now, not {}: reload it and try again", a.id,
                                         cases::AlertStatusName(before.status), cases::AlertStatusName(expected)));
    }
    if (before.case_id != a.case_id) return Error::Invalid("alert: field 'case_id': an alert cannot move to another case");
    const ordered_json full = cases::ToStored(a);
    DOSSIER_RETURN_IF_ERROR(WriteSide(kAlertTable, a.id, full, /*insert=*/false));
    DOSSIER_RETURN_IF_ERROR(AuditSide(action, kAlertTable, a.id, cases::ToStored(before), full));
    if (!enqueue.empty()) {
      auto queued = EnqueueLocked(enqueue);
      if (!queued.ok()) return queued.error();
    }
    if (a.status == cases::AlertStatus::kWithdrawn) DOSSIER_RETURN_IF_ERROR(CancelPendingLocked("alert_id", a.id));
    return Ok();
  });
}

Result<cases::Alert> SqliteStore::GetAlert(const std::string& id) const {
  DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectSide(kAlertTable, "WHERE id = ?", {id}, ""));
  if (rows.empty()) return Error::NotFound(fmt::format("no alert '{}'", id));
  return cases::AlertFromStored(rows[0]);
}

Result<Page<cases::Alert>> SqliteStore::ListAlerts(const std::string& case_id, const std::string& status, size_t limit,
                                                   size_t offset) const {
  std::string where = "WHERE 1";
  std::vector<std::string> args;
  if (!case_id.empty()) {
    where += " AND case_id = ?";
    args.push_back(case_id);
  }
  if (!status.empty()) {
    where += " AND status = ?";
    args.push_back(status);
  }
  Page<cases::Alert> page;
  {
    auto& st = Cached("SELECT count(*) FROM alerts " + where);
    for (size_t i = 0; i < args.size(); ++i) st.Bind(static_cast<int>(i + 1), args[i]);
    DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
    page.total = row ? static_cast<size_t>(st.Int(0)) : 0;
    st.Reset();
  }
  DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectSide(kAlertTable, where, args, "ORDER BY composed_at DESC, id",
                                                 std::pair<int64_t, int64_t>(limit, offset)));
  for (const auto& r : rows) {
    DOSSIER_ASSIGN_OR_RETURN(cases::Alert a, cases::AlertFromStored(r));
    page.items.push_back(std::move(a));
  }
  return page;
}

// ---------------------------------------------------------------- subscribers

Result<std::string> SqliteStore::PutSubscriber(const cases::Subscriber& input) {
  cases::Subscriber s = input;
  const bool create = s.id.empty();
  if (create) {
    s.id = NewPrefixedId("sub-");
    s.feed_token = NewFeedToken();
    s.created_at = NowUtc();
  }
  DOSSIER_RETURN_IF_ERROR(Transaction([&]() -> Status {
    std::optional<cases::Subscriber> before;
    if (!create) {
      DOSSIER_ASSIGN_OR_RETURN(cases::Subscriber old, GetSubscriber(s.id));
      s.feed_token = old.feed_token;
      s.created_at = old.created_at;
      before = std::move(old);
    }
    ordered_json full = cases::ToStored(s);
    full["feed_index"] = HexOf(keyring_.BlindIndex("subscriber_feed", s.feed_token));
    DOSSIER_RETURN_IF_ERROR(WriteSide(kSubscriberTable, s.id, full, create));
    DOSSIER_RETURN_IF_ERROR(AuditSide(create ? "create" : "update", kSubscriberTable, s.id,
                                      before ? AuditedSubscriber(*before) : ordered_json(nullptr), AuditedSubscriber(s)));
    if (!s.active) DOSSIER_RETURN_IF_ERROR(CancelPendingLocked("subscriber_id", s.id));
    return Ok();
  }));
  return s.id;
}

Result<cases::Subscriber> SqliteStore::GetSubscriber(const std::string& id) const {
  DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectSide(kSubscriberTable, "WHERE id = ?", {id}, ""));
  if (rows.empty()) return Error::NotFound(fmt::format("no subscriber '{}'", id));
  return cases::SubscriberFromStored(rows[0]);
}

Result<std::vector<cases::Subscriber>> SqliteStore::ListSubscribers() const {
  DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectSide(kSubscriberTable, "", {}, "ORDER BY json_extract(data, '$.name'), id"));
  std::vector<cases::Subscriber> out;
  for (const auto& r : rows) {
    DOSSIER_ASSIGN_OR_RETURN(cases::Subscriber s, cases::SubscriberFromStored(r));
    out.push_back(std::move(s));
  }
  return out;
}

Result<cases::Subscriber> SqliteStore::FindSubscriberByFeedToken(const std::string& token) const {
  if (!token.empty()) {
    const std::string index = HexOf(keyring_.BlindIndex("subscriber_feed", token));
    DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectSide(kSubscriberTable, "WHERE feed_index = ?", {index}, ""));
    for (const auto& r : rows) {
      DOSSIER_ASSIGN_OR_RETURN(cases::Subscriber s, cases::SubscriberFromStored(r));
      if (s.active && s.feed_token.size() == token.size() &&
          sodium_memcmp(s.feed_token.data(), token.data(), token.size()) == 0) {
        return s;
      }
    }
  }
  return Error::NotFound("no active subscriber has this feed token");
}

// ---------------------------------------------------------------- the outbox

Result<int> SqliteStore::EnqueueLocked(const std::vector<cases::Delivery>& rows) {
  int queued = 0;
  for (const auto& input : rows) {
    auto& exists = Cached("SELECT 1 FROM alert_deliveries WHERE key = ?");
    exists.Bind(1, input.key);
    DOSSIER_ASSIGN_OR_RETURN(bool found, exists.Step());
    exists.Reset();
    if (found) continue;
    cases::Delivery d = input;
    if (d.id.empty()) d.id = NewPrefixedId("dlv-");
    if (d.created_at.empty()) d.created_at = NowUtc();
    d.status = cases::DeliveryStatus::kPending;
    d.attempts.clear();
    const ordered_json full = cases::ToStored(d);
    DOSSIER_RETURN_IF_ERROR(WriteSide(kDeliveryTable, d.id, full, /*insert=*/true));
    DOSSIER_RETURN_IF_ERROR(AuditSide("create", kDeliveryTable, d.id, nullptr, full));
    ++queued;
  }
  return queued;
}

Result<int> SqliteStore::EnqueueDeliveries(const std::vector<cases::Delivery>& rows) {
  int queued = 0;
  DOSSIER_RETURN_IF_ERROR(Transaction([&]() -> Status {
    DOSSIER_ASSIGN_OR_RETURN(queued, EnqueueLocked(rows));
    return Ok();
  }));
  return queued;
}

Status SqliteStore::CancelPendingLocked(const char* column, const std::string& value) {
  DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectSide(kDeliveryTable, fmt::format("WHERE {} = ? AND status = 'pending'", column),
                                                 {value}, "ORDER BY id"));
  for (const auto& r : rows) {
    DOSSIER_ASSIGN_OR_RETURN(cases::Delivery d, cases::DeliveryFromStored(r));
    const ordered_json before = cases::ToStored(d);
    d.status = cases::DeliveryStatus::kCancelled;
    const ordered_json after = cases::ToStored(d);
    DOSSIER_RETURN_IF_ERROR(WriteSide(kDeliveryTable, d.id, after, /*insert=*/false));
    DOSSIER_RETURN_IF_ERROR(AuditSide("cancel", kDeliveryTable, d.id, before, after));
  }
  return Ok();
}

Result<std::vector<cases::Delivery>> SqliteStore::SelectDeliveries(const std::string& where,
                                                                   const std::vector<std::string>& args,
                                                                   bool with_attempts) const {
  DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectSide(kDeliveryTable, where, args, "ORDER BY json_extract(data, '$.created_at'), id"));
  std::vector<cases::Delivery> out;
  for (const auto& r : rows) {
    DOSSIER_ASSIGN_OR_RETURN(cases::Delivery d, cases::DeliveryFromStored(r));
    out.push_back(std::move(d));
  }
  if (!with_attempts) return out;
  for (auto& d : out) {
    DOSSIER_ASSIGN_OR_RETURN(auto attempts, SelectSide(kAttemptTable, "WHERE delivery_id = ?", {d.id},
                                                       "ORDER BY json_extract(data, '$.n')"));
    for (const auto& a : attempts) {
      d.attempts.push_back({a.value("at", ""), a.value("status_code", 0), a.value("error", ""), a.value("next_attempt", "")});
    }
  }
  return out;
}

Result<std::vector<cases::Delivery>> SqliteStore::ClaimDueDeliveries(int64_t now_ms, int64_t lease_ms,
                                                                     const std::string& channel, size_t limit) {
  std::vector<cases::Delivery> claimed;
  DOSSIER_RETURN_IF_ERROR(Transaction([&]() -> Status {
    std::vector<std::string> ids;
    {
      auto& st = Cached("SELECT id FROM alert_deliveries WHERE status = 'pending' AND next_attempt_ms <= ?1 AND "
                        "lease_until <= ?1 AND (?2 = '' OR json_extract(data, '$.channel') = ?2) "
                        "ORDER BY next_attempt_ms, id LIMIT ?3");
      st.Bind(1, now_ms).Bind(2, channel).Bind(3, static_cast<int64_t>(limit));
      while (true) {
        DOSSIER_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        ids.push_back(st.Text(0));
      }
      st.Reset();
    }
    for (const auto& id : ids) {
      DOSSIER_RETURN_IF_ERROR(Cached("UPDATE alert_deliveries SET lease_until = ? WHERE id = ?")
                                  .Bind(1, now_ms + lease_ms).Bind(2, id).Run());
      DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectDeliveries("WHERE id = ?", {id}, /*with_attempts=*/true));
      for (auto& d : rows) claimed.push_back(std::move(d));
    }
    return Ok();
  }));
  return claimed;
}

Result<std::vector<cases::Delivery>> SqliteStore::ListDeliveries(const std::string& alert_id) const {
  if (alert_id.empty()) return SelectDeliveries("", {}, /*with_attempts=*/true);
  return SelectDeliveries("WHERE alert_id = ?", {alert_id}, /*with_attempts=*/true);
}

Status SqliteStore::RecordDeliveryAttempt(const std::string& delivery_id, const cases::DeliveryAttempt& attempt,
                                          int64_t next_attempt_ms) {
  return Transaction([&]() -> Status {
    DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectDeliveries("WHERE id = ?", {delivery_id}, /*with_attempts=*/true));
    if (rows.empty()) return Error::NotFound(fmt::format("no delivery '{}'", delivery_id));
    cases::Delivery d = rows[0];
    if (d.status == cases::DeliveryStatus::kDelivered) {
      return Error::Conflict(fmt::format("delivery '{}' was already delivered", delivery_id));
    }
    const bool delivered = attempt.error.empty();
    const ordered_json attempt_json = {{"delivery_id", d.id},
                                       {"n", static_cast<int64_t>(d.attempts.size() + 1)},
                                       {"at", attempt.at},
                                       {"status_code", attempt.status_code},
                                       {"error", attempt.error},
                                       {"next_attempt", delivered ? std::string() : attempt.next_attempt}};
    const std::string attempt_id = NewPrefixedId("att-");
    DOSSIER_RETURN_IF_ERROR(WriteSide(kAttemptTable, attempt_id, attempt_json, /*insert=*/true));
    DOSSIER_RETURN_IF_ERROR(AuditSide("create", kAttemptTable, attempt_id, nullptr, attempt_json));
    const ordered_json before = cases::ToStored(d);
    if (delivered) {
      d.status = cases::DeliveryStatus::kDelivered;
      d.delivered_at = attempt.at;
    } else if (d.status == cases::DeliveryStatus::kPending) {
      d.next_attempt_ms = next_attempt_ms;
    }
    const ordered_json after = cases::ToStored(d);
    if (after != before) {
      DOSSIER_RETURN_IF_ERROR(WriteSide(kDeliveryTable, d.id, after, /*insert=*/false));
      DOSSIER_RETURN_IF_ERROR(AuditSide(delivered ? "deliver" : "retry", kDeliveryTable, d.id, before, after));
    }
    return Cached("UPDATE alert_deliveries SET lease_until = 0 WHERE id = ?").Bind(1, d.id).Run();
  });
}

// ---------------------------------------------------------------- officers' addresses

Status SqliteStore::PutOfficerContact(const cases::OfficerContact& c) {
  if (!c.email.empty() && !cases::LooksLikeEmail(c.email)) {
    return Error::Invalid(fmt::format("officer contact: field 'email': '{}' is not an e-mail address", c.email));
  }
  DOSSIER_ASSIGN_OR_RETURN(UserAccount user, GetUser(c.user));
  if (user.role != "case_officer" && user.role != "administrator") {
    return Error::Invalid(fmt::format("officer contact: field 'user': '{}' is not a case officer or administrator", c.user));
  }
  return Transaction([&]() -> Status {
    const bool exists = SideExists(kOfficerContactTable, c.user);
    ordered_json before = nullptr;
    if (exists) {
      DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectSide(kOfficerContactTable, "WHERE id = ?", {c.user}, ""));
      before = ordered_json{{"id", c.user}, {"email", rows.at(0).value("email", "")}};
    }
    const ordered_json full = {{"id", c.user}, {"email", c.email}};
    DOSSIER_RETURN_IF_ERROR(WriteSide(kOfficerContactTable, c.user, full, /*insert=*/!exists));
    return AuditSide(exists ? "update" : "create", kOfficerContactTable, c.user, before, full);
  });
}

Result<std::vector<cases::OfficerContact>> SqliteStore::ListOfficerContacts() const {
  DOSSIER_ASSIGN_OR_RETURN(auto rows, SelectSide(kOfficerContactTable, "", {}, "ORDER BY id"));
  std::vector<cases::OfficerContact> out;
  for (const auto& r : rows) out.push_back({r.value("id", ""), r.value("email", "")});
  return out;
}

}  // namespace dossier::sqlite_detail
