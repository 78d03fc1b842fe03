// SQLite backend of the Store interface.
//
// Layout: one table per record kind with the record's clear fields as JSON in `data` (filter
// columns are generated from it and indexed) and one BLOB column per sensitive field, each sealed
// by the keyring with (table, column, id) as associated data. Names are findable only through a
// keyed blind index; person links through a keyed index of their targets. The audit table is a
// hash chain of entries, each holding the digest of the row it left behind; the last entry of
// every transaction carries an Ed25519 signature that vouches for the chain up to it, so Verify()
// can tell an entry altered, removed or reordered, and a row edited behind our back.
//
// This header is private to src/store: it lets the backend live in several files
// (sqlite_store.cpp for records, audit and accounts; one sqlite_store_<subsystem>.cpp per
// subsystem that keeps tables of its own). Helpers local to one file stay in an anonymous
// namespace there.
#pragma once

#include <sodium.h>

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/codec.h"
#include "domain/validate.h"
#include "store/record_shape.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace dossier::sqlite_detail {

using nlohmann::json;
using nlohmann::ordered_json;
using crypto::Bytes;

// The schema migrations, in order (sqlite_store.cpp).
const std::vector<std::string>& Migrations();

template <typename T> struct Traits;
template <> struct Traits<Source> {
  static constexpr RecordKind kKind = RecordKind::kSource;
  static Result<Source> Decode(const json& j, const std::string& w) { return SourceFromJson(j, w); }
};
template <> struct Traits<Person> {
  static constexpr RecordKind kKind = RecordKind::kPerson;
  static Result<Person> Decode(const json& j, const std::string& w) { return PersonFromJson(j, w); }
};
template <> struct Traits<Incident> {
  static constexpr RecordKind kKind = RecordKind::kIncident;
  static Result<Incident> Decode(const json& j, const std::string& w) { return IncidentFromJson(j, w); }
};
template <> struct Traits<Act> {
  static constexpr RecordKind kKind = RecordKind::kAct;
  static Result<Act> Decode(const json& j, const std::string& w) { return ActFromJson(j, w); }
};
template <> struct Traits<Involvement> {
  static constexpr RecordKind kKind = RecordKind::kInvolvement;
  static Result<Involvement> Decode(const json& j, const std::string& w) { return InvolvementFromJson(j, w); }
};

std::string NowUtc();
std::string NewId(RecordKind kind);
// A random id such as "case-3k9..." for tables that are not RecordKinds.
std::string NewPrefixedId(const char* prefix);


// Hash input: every part length-prefixed so no two different entries serialise alike.
class Hasher {
 public:
  Hasher() { crypto_hash_sha256_init(&st_); }
  Hasher& Add(std::span<const uint8_t> b) {
    uint64_t n = b.size();
    uint8_t len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(n >> (8 * i));
    crypto_hash_sha256_update(&st_, len, 8);
    crypto_hash_sha256_update(&st_, b.data(), b.size());
    return *this;
  }
  Hasher& Add(std::string_view s) { return Add({reinterpret_cast<const uint8_t*>(s.data()), s.size()}); }
  Bytes Final() {
    Bytes out(crypto_hash_sha256_BYTES, 0);
    crypto_hash_sha256_final(&st_, out.data());
    return out;
  }

 private:
  crypto_hash_sha256_state st_;
};

inline Bytes ToBytes(std::span<const uint8_t> s) { return Bytes(s.begin(), s.end()); }

// Tables of the urgent-case workflow: audited like records (under their own audit kind) but not
// RecordKinds, since nothing else refers to them. Sealed columns hold the field's text.
struct SideTable {
  const char* kind;   // audit kind
  const char* table;
  std::vector<std::string> sealed;
};
inline const SideTable kCaseTable{"case", "cases", {"title", "notes"}};
inline const SideTable kTransitionTable{"case_transition", "case_transitions", {"note"}};
inline const SideTable kInterventionTable{"case_intervention", "case_interventions", {"response", "outcome"}};
// Evidence items (sqlite_store_evidence.cpp): `file_key` holds the file's key, sealed.
inline const SideTable kEvidenceTable{"evidence", "evidence", {"filename", "acquired_by", "acquired_from", "file_key"}};
// Ingestion candidates (sqlite_store_ingest.cpp): what they quote and propose is sealed.
inline const SideTable kSourceCandidateTable{"source_candidate", "source_candidates", {"quote", "value", "key", "note"}};
// Urgent-action alerts (sqlite_store_alerts.cpp): texts, notes, released names, partners' secrets
// and addresses, and what goes out are sealed.
inline const SideTable kAlertTable{"alert", "alerts", {"note", "texts", "release"}};
inline const SideTable kSubscriberTable{"alert_subscriber", "alert_subscribers", {"webhook_secret", "email", "feed_token"}};
inline const SideTable kDeliveryTable{"alert_delivery", "alert_deliveries", {"recipient", "payload"}};
inline const SideTable kAttemptTable{"alert_attempt", "alert_attempts", {}};
inline const SideTable kOfficerContactTable{"officer_contact", "officer_contacts", {"email"}};
inline const SideTable* const kSideTables[] = {&kCaseTable, &kTransitionTable, &kInterventionTable, &kEvidenceTable,
                                               &kSourceCandidateTable, &kAlertTable, &kSubscriberTable,
                                               &kDeliveryTable, &kAttemptTable, &kOfficerContactTable};

class SqliteStore final : public Store {
 public:
  SqliteStore(sqlite::Database db, crypto::Keyring keyring, const Catalog& catalog)
      : db_(std::move(db)), keyring_(std::move(keyring)), catalog_(catalog) {}

  void SetActor(std::string actor) override { actor_ = std::move(actor); }
  const Catalog& catalog() const override { return catalog_; }
  const crypto::Keyring& keyring() const override { return keyring_; }

  Status Transaction(const std::function<Status()>& body) override {
    const int depth = depth_++;
    const std::string sp = fmt::format("sp{}", depth);
    // A statement left on a row holds a read snapshot; a write on that snapshot after another
    // connection committed fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT).
    if (depth == 0) EndReads();
    // Savepoints are cached statements: a bulk load opens one per record.
    Status begin = depth == 0 ? db_.Exec("BEGIN IMMEDIATE") : Cached("SAVEPOINT " + sp).Run();
    if (!begin.ok()) {
      --depth_;
      return begin;
    }
    if (depth == 0) {
      entries_in_transaction_ = 0;
      if (auto s = LoadAuditHead(); !s.ok()) {
        (void)db_.Exec("ROLLBACK");
        --depth_;
        return s;
      }
    }
    Status result = body();
    // The transaction's last audit entry is signed as it commits: a checkpoint that vouches for
    // every entry of the transaction through the hash chain.
    if (result.ok() && depth == 0) result = SignAuditHead();
    // No statement may hold a read open at COMMIT either (the automatic WAL checkpoint that COMMIT
    // runs gives up while this connection is still in a transaction, and the WAL then only grows),
    // nor outlive the transaction and pin its snapshot.
    if (depth == 0) EndReads();
    if (result.ok()) {
      result = depth == 0 ? db_.Exec("COMMIT") : Cached("RELEASE " + sp).Run();
    }
    if (!result.ok()) {
      if (depth == 0) {
        (void)db_.Exec("ROLLBACK");
      } else {
        (void)db_.Exec("ROLLBACK TO " + sp);
        (void)db_.Exec("RELEASE " + sp);
      }
      head_loaded_ = false;  // the in-memory chain head may be ahead of what was kept
      head_unsigned_ = false;
    }
    --depth_;
    return result;
  }

  Result<std::string> Create(const Source& r) override { return CreateRecord(r); }
  Result<std::string> Create(const Person& r) override { return CreateRecord(r); }
  Result<std::string> Create(const Incident& r) override { return CreateRecord(r); }
  Result<std::string> Create(const Act& r) override { return CreateRecord(r); }
  Result<std::string> Create(const Involvement& r) override { return CreateRecord(r); }

  Status Update(const Source& r) override { return UpdateRecord(r); }
  Status Update(const Person& r) override { return UpdateRecord(r); }
  Status Update(const Incident& r) override { return UpdateRecord(r); }
  Status Update(const Act& r) override { return UpdateRecord(r); }
  Status Update(const Involvement& r) override { return UpdateRecord(r); }

  Status Delete(RecordKind kind, const std::string& id) override;

  Result<Source> GetSource(const std::string& id) const override { return Get<Source>(id); }
  Result<Person> GetPerson(const std::string& id) const override { return Get<Person>(id); }
  Result<Incident> GetIncident(const std::string& id) const override { return Get<Incident>(id); }
  Result<Act> GetAct(const std::string& id) const override { return Get<Act>(id); }
  Result<Involvement> GetInvolvement(const std::string& id) const override { return Get<Involvement>(id); }

  bool Exists(RecordKind kind, std::string_view id) const override;
  Result<int64_t> Count(RecordKind kind) const override;

  Result<Page<Source>> ListSources(const ListQuery& q) const override { return List<Source>(q); }
  Result<Page<Person>> ListPersons(const ListQuery& q) const override { return List<Person>(q); }
  Result<Page<Incident>> ListIncidents(const ListQuery& q) const override { return List<Incident>(q); }
  Result<Page<Act>> ListActs(const ListQuery& q) const override { return List<Act>(q); }
  Result<Page<Involvement>> ListInvolvements(const ListQuery& q) const override { return List<Involvement>(q); }

  Result<std::vector<Person>> GetPersonSummaries(const std::vector<std::string>& ids) const override;
  Result<std::vector<Person>> ScanPersonSummaries(const std::string& after_id, size_t limit) const override;
  Result<std::vector<IncidentTally>> CountIncidentsByTypeAndYear() const override;
  Result<std::vector<std::string>> FindPersonsByExactName(const std::string& name) const override;
  Status RecordEvent(const std::string& action, const std::string& details) override;
  Result<std::vector<AuditEntry>> History(RecordKind kind, const std::string& id) const override;
  Result<VerifyReport> Verify() const override;
  Result<std::vector<AuditEntry>> RecentAudit(size_t limit) const override;
  void EndReads() const override {
    for (auto& [sql, st] : statements_) st.Reset();
  }
  Result<uint32_t> RotateKey(const crypto::KeySource& key) override;
  Status PutUser(const UserAccount& user) override;
  Result<int64_t> QueueLinkCandidates(const std::vector<LinkCandidate>& candidates) override;
  Result<Page<LinkCandidate>> ListLinkCandidates(const std::string& status, size_t limit, size_t offset) const override;
  Status DecideLinkCandidate(int64_t id, bool confirm) override;
  Result<std::string> ClusterOf(const std::string& person_id) const override;
  Result<std::vector<std::string>> ClusterMembers(const std::string& cluster_id) const override;
  Result<std::vector<std::pair<std::string, std::string>>> AllClusters() const override;
  Status MergeClusters(const std::string& person_a, const std::string& person_b) override;
  Status SplitFromCluster(const std::string& person_id) override;
  Status UndoClusterChange(int64_t seq) override;
  Result<UserAccount> GetUser(const std::string& name) const override;
  Result<std::vector<UserAccount>> ListUsers() const override;

  Result<std::string> CreateCase(const cases::Case& c) override;
  Status UpdateCase(const cases::Case& c) override;
  Result<cases::Case> GetCase(const std::string& id) const override;
  Result<Page<cases::Case>> ListCases(size_t limit, size_t offset, const std::string& status) const override;
  Result<std::string> AddTransition(const cases::Transition& t) override;
  Result<std::vector<cases::Transition>> ListTransitions(const std::string& case_id) const override;
  Result<std::string> AddIntervention(const cases::Intervention& i) override;
  Status UpdateIntervention(const cases::Intervention& i) override;
  Result<std::vector<cases::Intervention>> ListInterventions(const std::string& case_id) const override;

  Status AddEvidence(const EvidenceItem& item, const crypto::SecretBytes& file_key) override;
  Result<EvidenceItem> GetEvidence(const std::string& sha256) const override;
  Result<crypto::SecretBytes> EvidenceKey(const std::string& sha256) const override;
  Result<Page<EvidenceItem>> ListEvidence(const std::string& source_id, size_t limit, size_t offset) const override;
  Status RecordCustody(const std::string& sha256, const std::string& action, const std::string& details) override;
  Result<std::vector<AuditEntry>> CustodyLog(const std::string& sha256) const override;
  Result<std::string> EvidenceVaultPath() const override;

  Status AddSourceCandidates(std::vector<SourceCandidate>& candidates) override;
  Result<SourceCandidate> GetSourceCandidate(const std::string& id) const override;
  Result<Page<SourceCandidate>> ListSourceCandidates(const std::string& source_id, const std::string& status,
                                                      size_t limit, size_t offset) const override;
  Status DecideSourceCandidate(const std::string& id, bool confirm) override;
  Result<Page<SourceHit>> SearchSources(const std::string& query, bool include_restricted, size_t limit,
                                        size_t offset) const override;
  Result<int64_t> IndexUnindexedSources() override;

  Result<std::string> CreateAlert(const cases::Alert& a) override;
  Status SaveAlert(const cases::Alert& a, cases::AlertStatus expected, const std::string& action,
                   const std::vector<cases::Delivery>& enqueue) override;
  Result<cases::Alert> GetAlert(const std::string& id) const override;
  Result<Page<cases::Alert>> ListAlerts(const std::string& case_id, const std::string& status, size_t limit,
                                        size_t offset) const override;
  Result<std::string> PutSubscriber(const cases::Subscriber& s) override;
  Result<cases::Subscriber> GetSubscriber(const std::string& id) const override;
  Result<std::vector<cases::Subscriber>> ListSubscribers() const override;
  Result<cases::Subscriber> FindSubscriberByFeedToken(const std::string& token) const override;
  Result<int> EnqueueDeliveries(const std::vector<cases::Delivery>& rows) override;
  Result<std::vector<cases::Delivery>> ClaimDueDeliveries(int64_t now_ms, int64_t lease_ms, const std::string& channel,
                                                          size_t limit) override;
  Result<std::vector<cases::Delivery>> ListDeliveries(const std::string& alert_id) const override;
  Status RecordDeliveryAttempt(const std::string& delivery_id, const cases::DeliveryAttempt& attempt,
                               int64_t next_attempt_ms) override;
  Status PutOfficerContact(const cases::OfficerContact& c) override;
  Result<std::vector<cases::OfficerContact>> ListOfficerContacts() const override;

 private:
  // Alerts: queue rows (skipping keys already queued), cancel pending rows WHERE column = value,
  // read deliveries with their attempts.
  Result<int> EnqueueLocked(const std::vector<cases::Delivery>& rows);
  Status CancelPendingLocked(const char* column, const std::string& value);
  Result<std::vector<cases::Delivery>> SelectDeliveries(const std::string& where, const std::vector<std::string>& args,
                                                        bool with_attempts) const;
  // Urgent-case tables: write, read, digest and audit one row.
  bool SideExists(const SideTable& t, const std::string& id) const;
  Status WriteSide(const SideTable& t, const std::string& id, const ordered_json& full, bool insert);
  Result<json> ReadSide(const SideTable& t, sqlite::Statement& st) const;
  // Rows WHERE `where` (with text `args`) then `tail`; with `page`, "LIMIT ? OFFSET ?" is bound last.
  Result<std::vector<json>> SelectSide(const SideTable& t, const std::string& where, const std::vector<std::string>& args,
                                       const std::string& tail,
                                       std::optional<std::pair<int64_t, int64_t>> page = std::nullopt) const;
  Status AuditSide(const std::string& action, const SideTable& t, const std::string& id, const ordered_json& before,
                   const ordered_json& after);
  Result<cases::Intervention> GetIntervention(const std::string& id) const;
  Status UpdateCaseLocked(const cases::Case& c);
  Result<std::string> AddTransitionLocked(const cases::Transition& t);
  Result<Bytes> TableDigest(const std::string& table, const std::vector<std::string>& sealed, const std::string& id) const;
  Status AppendAuditEntry(const std::string& action, const std::string& kind_name, const std::string& record_id,
                          const ordered_json& before, const ordered_json& after, const std::string& event_details,
                          const Bytes& digest);
  Result<UserAccount> ReadUser(sqlite::Statement& st) const;
  // Moves each listed person to its cluster and audits the move as `action` with the previous
  // assignments, so UndoClusterChange can restore them.
  Status AssignClusters(const std::string& action, const std::map<std::string, std::string>& assignment,
                        const std::string& note);
  Bytes UserMac(const UserAccount& u) const;
  template <typename T> Result<std::string> CreateRecord(const T& record);
  template <typename T> Status UpdateRecord(const T& record);
  template <typename T> Result<T> Get(const std::string& id) const;
  template <typename T> Result<Page<T>> List(const ListQuery& q) const;
  template <typename T> Result<T> DecodeRow(const RecordShape& shape, sqlite::Statement& st) const;
  // Rows of SELECT id, (clear fields as a JSON object), names, birth_date.
  Result<std::vector<Person>> ReadPersonSummaries(sqlite::Statement& st) const;

  // Writes the row; with `digest`, also returns the row's digest (as TableDigest would read it back).
  Status WriteRow(const RecordShape& shape, const std::string& id, const ordered_json& full, bool insert,
                  Bytes* digest = nullptr);
  Status WriteIndexes(RecordKind kind, const std::string& id, const ordered_json& full);
  // The full-text index of a source's title and text, replaced in the writing transaction
  // (sqlite_store_ingest.cpp); ForgetSource also deletes the source's candidates, audited.
  Status IndexSourceText(const std::string& id, const ordered_json& full);
  Status ForgetSource(const std::string& id);
  Result<Bytes> RowDigest(const RecordShape& shape, const std::string& id) const;
  Status LoadAuditHead();
  // Signs the chain head if entries were appended since the last signature (see AppendAuditEntry).
  Status SignAuditHead();
  Status AppendAudit(const std::string& action, RecordKind* kind, const std::string& record_id,
                     const ordered_json& before, const ordered_json& after, const std::string& event_details);
  Status CheckNotReferenced(RecordKind kind, const std::string& id) const;
  Validator MakeValidator() const {
    return Validator(catalog_, [this](RecordKind k, std::string_view id) { return Exists(k, id); });
  }
  sqlite::Statement& Cached(const std::string& sql) const;

  sqlite::Database db_;
  crypto::Keyring keyring_;
  const Catalog& catalog_;
  std::string actor_ = "system";
  int depth_ = 0;
  bool head_loaded_ = false;
  bool head_unsigned_ = false;  // the head entry awaits its signature (signed at commit)
  // Audit entries of the current transaction; a bulk load (past 1000) gets a larger page cache for
  // its connection (bulk_cache_), so that it does not spill dirty pages to the WAL mid-transaction.
  int64_t entries_in_transaction_ = 0;
  bool bulk_cache_ = false;
  int64_t next_seq_ = 1;
  Bytes head_hash_;
  mutable std::map<std::string, sqlite::Statement> statements_;
};

}  // namespace dossier::sqlite_detail
