// Delivery of approved alerts and officers' reminder digests through the persisted outbox
// (Store::ClaimDueDeliveries / RecordDeliveryAttempt).
//
//   pure parts   the outbox rows an approval queues, webhook signatures, retry backoff, the MIME
//                message, the Atom feed and the digest text;
//   clients      an HTTP/1.1 webhook POST and an SMTP client (Boost.Beast/Asio, plain TCP, with
//                timeouts);
//   DeliveryWorker  one pass (or a thread of passes) over the outbox: queue the day's digests,
//                send what is due, record every attempt with the row's new state in one
//                transaction. A receiver sees each delivery id at least once and can drop repeats
//                by the X-Dossier-Delivery header, so it acts on it exactly once.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cases/alerts.h"
#include "domain/catalog.h"
#include "store/store.h"

namespace dossier::cases {

// ---------------------------------------------------------------- pure parts

// One outbox row per active subscriber and channel (webhook when it has a URL, email when it has
// an address), due at `now_ms`, payloads in the subscriber's language. `alert` is approved.
std::vector<Delivery> AlertDeliveries(const Alert& alert, const std::vector<Subscriber>& subscribers, int64_t now_ms);

// "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>".
std::string WebhookSignature(std::string_view secret, int64_t unix_seconds, std::string_view body);
// True when `header` carries a v1 signature of `body` under `secret` (compared in constant time).
bool VerifyWebhookSignature(std::string_view secret, std::string_view header, std::string_view body);

struct RetryPolicy {
  std::chrono::milliseconds base{30'000};  // wait after the first failure
  std::chrono::milliseconds cap{3'600'000};
  double jitter = 0.2;  // the wait is spread uniformly over +-20%
};
// The wait after `failures` failed attempts (1 = the first): base * 2^(failures-1), capped, then
// jittered by `unit` in [0, 1).
std::chrono::milliseconds Backoff(const RetryPolicy& policy, int failures, double unit);

// RFC 2047 encoded word(s) for a header value that is not plain ASCII (UTF-8, base64), folded.
std::string EncodeHeaderWord(std::string_view text);
// A complete RFC 5322 message: UTF-8 text/plain, base64 body in 76-character lines, CRLF.
std::string MimeMessage(std::string_view from, std::string_view to, std::string_view subject, std::string_view body,
                        std::string_view message_id, int64_t unix_seconds);

// Atom 1.0 of approved alerts, one entry per alert and language ("en", "ko" or "both").
std::string AtomFeed(const std::vector<Alert>& alerts, std::string_view language, std::string_view updated);

// One line of a digest: a reminder with what the officer needs to find the case (no title: the
// digest crosses mail relays).
struct DigestLine {
  Reminder reminder;
  std::string status, risk;
};
// The digest for one officer on `day` ("2026-11-29"), or nullopt when nothing is due.
std::optional<Delivery> DigestDelivery(const std::string& officer, const std::string& email, const std::string& day,
                                       const std::vector<DigestLine>& lines, int64_t now_ms);

// ---------------------------------------------------------------- operations
// What the API and the command line do with alerts: read the case, apply the pure step, store it.
// `actor` is the user acting (checked for its role by the caller).

// A case with what composing an alert from it reads.
struct CaseForAlert {
  Case kase;
  std::vector<AlertPerson> persons;
  std::optional<Transition> latest;
};
Result<CaseForAlert> LoadCaseForAlert(const Store& store, const std::string& case_id);

Result<Alert> ComposeAlert(Store& store, const AlertDraft& draft, const std::string& actor);
Result<Alert> ReviseAlert(Store& store, const std::string& id, const AlertDraft& draft);
Result<Alert> ReleaseAlertNames(Store& store, const std::string& id, NameRelease release, const std::string& actor);
// Approves and queues one delivery per active subscriber and channel, in one transaction.
Result<Alert> ApproveAlert(Store& store, const std::string& id, const std::string& actor);
Result<Alert> WithdrawAlert(Store& store, const std::string& id, const std::string& actor, const std::string& reason);

// Reminders of every open case (optionally one officer's), overdue or due within `horizon_days`.
struct CaseReminder {
  Case kase;
  Reminder reminder;
};
Result<std::vector<CaseReminder>> ListReminders(const Store& store, const std::string& officer, long today_days,
                                                long horizon_days);

// ---------------------------------------------------------------- clients

struct SendOutcome {
  int status_code = 0;  // HTTP status or the last SMTP reply code; 0 when none came
  std::string error;    // empty when delivered
};

// POST `body` (application/json) to an http:// URL with `headers`; 2xx = delivered.
SendOutcome PostJson(const std::string& url, const std::string& body,
                     const std::vector<std::pair<std::string, std::string>>& headers, std::chrono::milliseconds timeout);

struct SmtpConfig {
  std::string host;  // empty = no relay: e-mail rows wait
  uint16_t port = 25;
  std::string from;
  std::string helo = "dossier.localhost";
  std::chrono::milliseconds timeout{10'000};
};
// Parses "HOST:PORT".
Result<SmtpConfig> ParseSmtpRelay(const std::string& host_port, const std::string& from);
// EHLO, MAIL FROM, RCPT TO, DATA (dot-stuffed `message`), QUIT.
SendOutcome SendMail(const SmtpConfig& smtp, const std::string& to, const std::string& message);

// ---------------------------------------------------------------- the worker

struct DeliveryOptions {
  RetryPolicy retry;
  SmtpConfig smtp;
  std::chrono::milliseconds http_timeout{10'000};
  // How long a claimed row stays invisible to other workers (longer than one send).
  std::chrono::milliseconds lease{120'000};
  long digest_horizon_days = 7;  // a digest lists what is overdue or due within this many days
};

struct PassReport {
  int digests_queued = 0;
  int delivered = 0;
  int failed = 0;  // attempts that failed and will be retried
};

class DeliveryWorker {
 public:
  // `store` is this worker's own connection; it must outlive the worker.
  DeliveryWorker(Store& store, DeliveryOptions options) : store_(store), options_(std::move(options)) {}
  ~DeliveryWorker() { Stop(); }
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // One pass at `now_ms` (Unix milliseconds): queue the day's digests (with a relay), then send
  // every row due.
  Result<PassReport> RunOnce(int64_t now_ms);
  // Runs a pass every `interval` on a thread until Stop() (which waits for the current send).
  void Start(std::chrono::milliseconds interval);
  // Starts the next pass now instead of at the end of the interval: an approved alert should
  // not wait for the clock. Safe from any thread, also before Start().
  void Nudge();
  void Stop();

 private:
  Result<int> QueueDigests(int64_t now_ms);
  SendOutcome Send(const Delivery& d, int64_t now_ms);

  Store& store_;
  DeliveryOptions options_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stop_{false};
  bool nudged_ = false;  // guarded by mu_
};

int64_t NowMs();

}  // namespace dossier::cases
