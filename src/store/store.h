// Store: the narrow interface every database backend implements (SQLite now, PostgreSQL later).
//
// A store is one unlocked connection to one database. Every write is validated against the
// catalog and the stored records (no dangling references), sealed field by field where the field
// is sensitive, and appended to the hash-chained, signed audit trail in the same transaction.
// Callers group writes with Transaction(): all of them land, or none do.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cases/alerts.h"
#include "cases/cases.h"
#include "crypto/keys.h"
#include "crypto/keyring.h"
#include "domain/catalog.h"
#include "domain/model.h"
#include "domain/result.h"

namespace dossier {

// Filters and paging for list queries; empty fields do not filter.
struct ListQuery {
  size_t limit = 50;
  size_t offset = 0;
  std::string type;         // incidents: incident type; sources: source kind
  std::string place;        // incidents: place or any place under it; persons: origin
  std::optional<int> year_from, year_to;  // incidents: start year
  std::string source_id;    // records citing this source
  std::string incident_id;  // acts in this incident
  std::string person_id;    // acts with this victim; involvements of this perpetrator
  std::string act_id;       // involvements in this act
};

template <typename T>
struct Page {
  std::vector<T> items;
  size_t total = 0;  // matching records, ignoring limit and offset
};

// One entry of the audit trail as stored; `changes` opened only for callers holding the key.
struct AuditEntry {
  int64_t seq = 0;
  std::string at;        // UTC, ISO 8601
  std::string actor;
  std::string action;    // create, update, delete, or a named event such as "import"
  std::string kind;      // person, incident, ... or empty for events
  std::string record_id;
  std::string fields;    // comma-separated names of the fields that changed
  std::string changes;   // JSON {"field": {"before": ..., "after": ...}}, decrypted
};

// Result of checking the audit chain and the stored rows against it.
struct VerifyReport {
  int64_t entries = 0;
  int64_t records = 0;
  std::vector<std::string> problems;  // first the first broken entry, then record mismatches
  bool ok() const { return problems.empty(); }
};

// A user account. The password is kept only as an Argon2id hash (crypto_pwhash_str); the
// TOTP secret, when set, is sealed at rest.
struct UserAccount {
  std::string name;
  std::string role;           // administrator, case_officer, documenter, analyst, viewer
  std::string password_hash;  // crypto_pwhash_str output
  std::string totp_secret;    // base32; empty when the second factor is off
  bool disabled = false;
  bool operator==(const UserAccount&) const = default;
};

// A pair of person records that record linkage thinks may be the same person, waiting for a
// reviewer. `explanation` is the field-by-field score as JSON (sealed at rest: it quotes names).
struct LinkCandidate {
  int64_t id = 0;
  std::string person_a, person_b;
  double probability = 0;
  std::string explanation;
  std::string status = "pending";  // pending, confirmed, rejected
  std::string decided_by, decided_at;
};

// A file in the evidence vault (src/evidence/vault.h), attached to a source. The file lives
// encrypted in the vault under its SHA-256; the store keeps what is known about it and its key.
struct EvidenceItem {
  std::string sha256;       // of the original bytes, lowercase hex: the item's id
  std::string source_id;
  int64_t size = 0;         // bytes
  std::string media_type;   // e.g. "audio/mpeg"
  std::string method;       // how it was acquired (kEvidenceMethods)
  std::string acquired_at;  // when, as given: YYYY-MM-DD or an ISO 8601 date-time
  std::string added_at, added_by;  // set by the store
  std::string derived_from;  // for a working copy: the sha256 of its original
  std::string derivation;    // for a working copy: redacted, translated, transcribed, ...
  // Sealed at rest: they can name a witness, a place or a device.
  std::string filename, acquired_by, acquired_from;
};

inline constexpr const char* kEvidenceMethods[] = {"upload", "interview_recording", "photograph", "scan",
                                                   "web_capture", "device_extraction", "email", "messaging_app",
                                                   "other"};
inline constexpr const char* kEvidenceDerivations[] = {"redacted", "translated", "transcribed", "transcoded", "excerpt"};
// Checks what is said about a file before its bytes arrive (source, media type, method, date,
// names, derivation); errors name the field. References are checked by AddEvidence.
Status ValidateEvidenceMetadata(const EvidenceItem& item);

// A fact that ingestion (src/evidence/ingest.h) proposes from a source's text, waiting for a
// documenter to confirm or reject it. `quote`, `value`, `key` and `note` are sealed at rest.
struct SourceCandidate {
  std::string id;
  std::string source_id;
  std::string kind;               // place, date, count, organisation, incident_type, person
  int64_t begin = 0, end = 0;     // byte span in the source's text
  std::string quote, value, key, note;
  std::string qualifier;          // count: count_qualifiers code; date: absolute or relative
  double confidence = 0;
  std::string status = "pending";  // pending, confirmed, rejected
  std::string decided_by, decided_at;
  bool operator==(const SourceCandidate&) const = default;
};

// A source found by full-text search; `score` is larger for better matches.
struct SourceHit {
  std::string source_id;
  double score = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Who the following writes are attributed to in the audit trail.
  virtual void SetActor(std::string actor) = 0;
  virtual const Catalog& catalog() const = 0;
  virtual const crypto::Keyring& keyring() const = 0;

  // Runs `body`; commits if it returns Ok, rolls everything back otherwise. Nests.
  virtual Status Transaction(const std::function<Status()>& body) = 0;

  // Creates a record and returns its id; an empty id is replaced by a new random one.
  virtual Result<std::string> Create(const Source& s) = 0;
  virtual Result<std::string> Create(const Person& p) = 0;
  virtual Result<std::string> Create(const Incident& i) = 0;
  virtual Result<std::string> Create(const Act& a) = 0;
  virtual Result<std::string> Create(const Involvement& v) = 0;

  virtual Status Update(const Source& s) = 0;
  virtual Status Update(const Person& p) = 0;
  virtual Status Update(const Incident& i) = 0;
  virtual Status Update(const Act& a) = 0;
  virtual Status Update(const Involvement& v) = 0;

  // Refused with kConflict while other records still refer to the record.
  virtual Status Delete(RecordKind kind, const std::string& id) = 0;

  virtual Result<Source> GetSource(const std::string& id) const = 0;
  virtual Result<Person> GetPerson(const std::string& id) const = 0;
  virtual Result<Incident> GetIncident(const std::string& id) const = 0;
  virtual Result<Act> GetAct(const std::string& id) const = 0;
  virtual Result<Involvement> GetInvolvement(const std::string& id) const = 0;

  virtual bool Exists(RecordKind kind, std::string_view id) const = 0;
  virtual Result<int64_t> Count(RecordKind kind) const = 0;

  virtual Result<Page<Source>> ListSources(const ListQuery& q) const = 0;
  virtual Result<Page<Person>> ListPersons(const ListQuery& q) const = 0;
  virtual Result<Page<Incident>> ListIncidents(const ListQuery& q) const = 0;
  virtual Result<Page<Act>> ListActs(const ListQuery& q) const = 0;
  virtual Result<Page<Involvement>> ListInvolvements(const ListQuery& q) const = 0;

  // What lists and search hits show of persons, without opening their links and notes or
  // decoding whole records: each Person has only id, names, sex, birth date, origin and
  // sensitivity set. Ids that do not exist are skipped; the order is that of `ids`.
  virtual Result<std::vector<Person>> GetPersonSummaries(const std::vector<std::string>& ids) const = 0;
  // The same for up to `limit` persons in id order after `after_id` ("" = from the start): a
  // keyset scan of the whole table, e.g. to build an index.
  virtual Result<std::vector<Person>> ScanPersonSummaries(const std::string& after_id, size_t limit) const = 0;

  // How many incidents there are of each type in each start year, read from the clear columns
  // (nothing is decrypted), e.g. for a dashboard.
  struct IncidentTally {
    std::string type;
    int year = 0;
    int64_t count = 0;
  };
  virtual Result<std::vector<IncidentTally>> CountIncidentsByTypeAndYear() const = 0;

  // Persons with a name whose normalised form equals that of `name` (blind-index lookup).
  virtual Result<std::vector<std::string>> FindPersonsByExactName(const std::string& name) const = 0;

  // Appends a named event (import, export, key rotation) to the audit trail.
  virtual Status RecordEvent(const std::string& action, const std::string& details) = 0;
  virtual Result<std::vector<AuditEntry>> History(RecordKind kind, const std::string& id) const = 0;
  virtual Result<VerifyReport> Verify() const = 0;
  // Ends any read the last query left open, so that the next query sees every commit made since
  // by other connections (a long-lived connection in a server calls this between requests).
  virtual void EndReads() const {}
  // The `limit` most recent audit entries, newest first, without their changes (for dashboards).
  virtual Result<std::vector<AuditEntry>> RecentAudit(size_t limit) const {
    (void)limit;
    return Error::Internal("this backend does not list recent audit entries");
  }

  // User accounts; every change is audited (without the hash or secret).
  virtual Status PutUser(const UserAccount& user) = 0;  // creates or replaces
  virtual Result<UserAccount> GetUser(const std::string& name) const = 0;
  virtual Result<std::vector<UserAccount>> ListUsers() const = 0;

  // ---- Record linkage: a person is a cluster of records ----
  // Replaces the pending candidates with `candidates` (decided ones are kept, and a pair already
  // decided is not queued again). Returns how many were queued.
  virtual Result<int64_t> QueueLinkCandidates(const std::vector<LinkCandidate>& candidates) = 0;
  virtual Result<Page<LinkCandidate>> ListLinkCandidates(const std::string& status, size_t limit,
                                                         size_t offset) const = 0;
  // Confirming merges the two records' clusters; rejecting only records the decision. Audited.
  virtual Status DecideLinkCandidate(int64_t id, bool confirm) = 0;
  // The cluster a person record belongs to (its own id when never merged).
  virtual Result<std::string> ClusterOf(const std::string& person_id) const = 0;
  virtual Result<std::vector<std::string>> ClusterMembers(const std::string& cluster_id) const = 0;
  // Every person record with its cluster id, for counting unique persons.
  virtual Result<std::vector<std::pair<std::string, std::string>>> AllClusters() const = 0;
  // Merges the clusters of two records; the audit entry records every reassignment for undo.
  virtual Status MergeClusters(const std::string& person_a, const std::string& person_b) = 0;
  // Takes a record out of its cluster into a cluster of its own.
  virtual Status SplitFromCluster(const std::string& person_id) = 0;
  // Reverts the cluster change recorded in audit entry `seq` (a merge, split or confirmation).
  virtual Status UndoClusterChange(int64_t seq) = 0;

  // ---- Urgent cases (src/cases) ----
  // Validated against the stored records and accounts, free text sealed, every write audited
  // (audit kinds "case", "case_transition", "case_intervention") and checked by Verify().
  // Creates a case in status 'reported' and returns its id (an empty id gets a new random one).
  virtual Result<std::string> CreateCase(const cases::Case& c) { return NoCases(c.id); }
  // Replaces a case's fields; its status changes only through AddTransition.
  virtual Status UpdateCase(const cases::Case& c) { return NoCases(c.id); }
  virtual Result<cases::Case> GetCase(const std::string& id) const { return NoCases(id); }
  // Cases in id order; `status` empty = all.
  virtual Result<Page<cases::Case>> ListCases(size_t limit, size_t offset, const std::string& status) const {
    (void)limit, (void)offset;
    return NoCases(status);
  }
  // Moves the case to `t.to` (t.from is set from the case): the step must be allowed, dated no
  // earlier than the previous one and cite existing sources. Returns the transition's id.
  virtual Result<std::string> AddTransition(const cases::Transition& t) { return NoCases(t.case_id); }
  // In the order recorded.
  virtual Result<std::vector<cases::Transition>> ListTransitions(const std::string& case_id) const {
    return NoCases(case_id);
  }
  virtual Result<std::string> AddIntervention(const cases::Intervention& i) { return NoCases(i.case_id); }
  // Records a response, follow-up date or outcome; the case it belongs to cannot change.
  virtual Status UpdateIntervention(const cases::Intervention& i) { return NoCases(i.case_id); }
  virtual Result<std::vector<cases::Intervention>> ListInterventions(const std::string& case_id) const {
    return NoCases(case_id);
  }

  // ---- Evidence vault (src/evidence): what is known about each file; the bytes are in the vault ----
  // Records a file already written to the vault, with its key (sealed at rest). Audited as
  // "acquire" (or "derive" for a working copy, which also adds "copy" to its original's log).
  virtual Status AddEvidence(const EvidenceItem& item, const crypto::SecretBytes& file_key) {
    (void)file_key;
    return NoEvidence(item.sha256);
  }
  virtual Result<EvidenceItem> GetEvidence(const std::string& sha256) const { return NoEvidence(sha256); }
  virtual Result<crypto::SecretBytes> EvidenceKey(const std::string& sha256) const { return NoEvidence(sha256); }
  // In the order added; `source_id` empty = every item.
  virtual Result<Page<EvidenceItem>> ListEvidence(const std::string& source_id, size_t limit, size_t offset) const {
    (void)limit, (void)offset;
    return NoEvidence(source_id);
  }
  // Appends a custody event (action "evidence_access", "evidence_export", "evidence_transfer") to
  // the item's log; `details` are sealed.
  virtual Status RecordCustody(const std::string& sha256, const std::string& action, const std::string& details) {
    (void)action, (void)details;
    return NoEvidence(sha256);
  }
  // Every audit entry about the item, oldest first, with `changes` opened.
  virtual Result<std::vector<AuditEntry>> CustodyLog(const std::string& sha256) const { return NoEvidence(sha256); }
  // The folder of this database's evidence vault.
  virtual Result<std::string> EvidenceVaultPath() const { return NoEvidence(""); }

  // ---- Ingestion and full-text search (src/evidence/ingest.h, text_search.h) ----
  // Stores candidates of one source (ids assigned, status pending), each audited ("source_candidate").
  virtual Status AddSourceCandidates(std::vector<SourceCandidate>& /*candidates*/) { return NoIngest(); }
  virtual Result<SourceCandidate> GetSourceCandidate(const std::string& /*id*/) const { return NoIngest(); }
  // In text order; `source_id` and `status` empty = all.
  virtual Result<Page<SourceCandidate>> ListSourceCandidates(const std::string& /*source_id*/, const std::string& /*status*/,
                                                              size_t /*limit*/, size_t /*offset*/) const {
    return NoIngest();
  }
  // Records the documenter's decision (the actor) on a pending candidate; creates nothing else.
  virtual Status DecideSourceCandidate(const std::string& /*id*/, bool /*confirm*/) { return NoIngest(); }
  // Sources whose title or text holds every term of `query`, best first. Restricted sources are
  // left out unless `include_restricted`.
  virtual Result<Page<SourceHit>> SearchSources(const std::string& /*query*/, bool /*include_restricted*/,
                                                size_t /*limit*/, size_t /*offset*/) const {
    return NoIngest();
  }
  // Indexes sources written before the index existed (after an upgrade); returns how many.
  virtual Result<int64_t> IndexUnindexedSources() { return NoIngest(); }

  // ---- Urgent-action alerts (src/cases/alerts.h, sqlite_store_alerts.cpp) ----
  // Audit kinds "alert", "alert_subscriber", "alert_delivery", "alert_attempt", "officer_contact".
  // Stores a composed draft (an empty id gets a new one); returns the id.
  virtual Result<std::string> CreateAlert(const cases::Alert& a) { return NoAlerts(a.id); }
  // Replaces an alert whose stored status is still `expected` (else kConflict), audited as `action`
  // (update, release_names, approve, withdraw). In the same transaction it queues `enqueue`, and a
  // withdrawal cancels the alert's pending deliveries.
  virtual Status SaveAlert(const cases::Alert& a, cases::AlertStatus /*expected*/, const std::string& /*action*/,
                           const std::vector<cases::Delivery>& /*enqueue*/) {
    return NoAlerts(a.id);
  }
  virtual Result<cases::Alert> GetAlert(const std::string& id) const { return NoAlerts(id); }
  // Newest first; empty filters = all.
  virtual Result<Page<cases::Alert>> ListAlerts(const std::string& case_id, const std::string& /*status*/,
                                                size_t /*limit*/, size_t /*offset*/) const {
    return NoAlerts(case_id);
  }
  // Creates (empty id: new id and feed token) or replaces a subscriber; deactivating one cancels its
  // pending deliveries. Returns the id.
  virtual Result<std::string> PutSubscriber(const cases::Subscriber& s) { return NoAlerts(s.id); }
  virtual Result<cases::Subscriber> GetSubscriber(const std::string& id) const { return NoAlerts(id); }
  virtual Result<std::vector<cases::Subscriber>> ListSubscribers() const { return NoAlerts(""); }
  // The active subscriber holding this feed token (kNotFound otherwise).
  virtual Result<cases::Subscriber> FindSubscriberByFeedToken(const std::string& token) const { return NoAlerts(token); }
  // Queues rows whose key is not queued yet (ids assigned when empty); returns how many were new.
  virtual Result<int> EnqueueDeliveries(const std::vector<cases::Delivery>& /*rows*/) { return NoAlerts(""); }
  // Takes up to `limit` pending rows due at `now_ms` and not claimed by another worker, and claims
  // them until `now_ms + lease_ms` (a worker that dies mid-send frees them when the lease ends).
  // `channel` empty = every channel.
  virtual Result<std::vector<cases::Delivery>> ClaimDueDeliveries(int64_t /*now_ms*/, int64_t /*lease_ms*/,
                                                                  const std::string& /*channel*/, size_t /*limit*/) {
    return NoAlerts("");
  }
  // With their attempts; `alert_id` empty = every delivery.
  virtual Result<std::vector<cases::Delivery>> ListDeliveries(const std::string& alert_id) const { return NoAlerts(alert_id); }
  // Records one attempt and the row's new state in one transaction: delivered when `attempt.error`
  // is empty, else pending again at `next_attempt_ms` (a cancelled row stays cancelled unless the
  // attempt delivered it).
  virtual Status RecordDeliveryAttempt(const std::string& delivery_id, const cases::DeliveryAttempt& /*attempt*/,
                                       int64_t /*next_attempt_ms*/) {
    return NoAlerts(delivery_id);
  }
  virtual Status PutOfficerContact(const cases::OfficerContact& c) { return NoAlerts(c.user); }
  virtual Result<std::vector<cases::OfficerContact>> ListOfficerContacts() const { return NoAlerts(""); }

  // Adds a new data key version under the same key source; new values are sealed with it.
  virtual Result<uint32_t> RotateKey(const crypto::KeySource& key) = 0;

 private:
  static Error NoCases(const std::string&) { return Error::Internal("this backend does not keep urgent cases"); }
  static Error NoAlerts(const std::string&) { return Error::Internal("this backend does not keep urgent-action alerts"); }
  static Error NoEvidence(const std::string&) { return Error::Internal("this backend does not keep evidence"); }
  static Error NoIngest() { return Error::Internal("this backend does not keep ingestion candidates or a text index"); }
};

// Normalised form of a name for exact lookup: NFKC, case-folded, without spaces, hyphens,
// apostrophes and dots, so "Ri Sol-ju" and "ri soljU" meet but "Lee" and "Ri" do not.
std::string NormaliseNameForIndex(const std::string& name);

// Creates a new SQLite database at `path` locked by `key` (fails if the file exists).
Status InitSqliteDatabase(const std::string& path, const crypto::KeySource& key);
// Opens an existing SQLite database. A wrong key fails with kUnauthenticated before anything is
// written; pending migrations run after the key is verified.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, const crypto::KeySource& key,
                                               const Catalog& catalog);

}  // namespace dossier
