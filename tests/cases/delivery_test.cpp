// Delivery of approved alerts and reminder digests through the persisted outbox, with real
// components on 127.0.0.1: a webhook receiver written here on plain sockets (it answers what the
// test tells it and drops repeated delivery ids, as a partner would), a real SMTP server
// (python3 -m aiosmtpd, writing a Maildir), a real SQLite file reopened to stand for a restart,
// and Python's XML parser reading the Atom feed.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "../store/store_fixture.h"
#include "../support/run.h"
#include "cases/delivery.h"
#include "domain/validate.h"

namespace dossier::testing {
namespace {

using namespace std::chrono_literals;

// A port nobody listens on (yet): bound once to learn a free number, then closed.
uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

bool Accepts(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

// A partner's webhook endpoint: answers each request with the next planned status (200 when the
// plan is used up), optionally after a delay, and accepts a delivery id once.
class WebhookReceiver {
 public:
  struct Hit {
    std::string delivery_id, timestamp, signature, body;
    int answered = 0;
  };
  WebhookReceiver(uint16_t port, std::vector<int> plan, std::chrono::milliseconds first_delay = 0ms)
      : plan_(std::move(plan)), first_delay_(first_delay) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(listen(fd_, 8), 0);
    thread_ = std::thread([this] { Loop(); });
  }
  ~WebhookReceiver() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  std::vector<Hit> hits() {
    std::lock_guard lock(mu_);
    return hits_;
  }
  size_t accepted() {
    std::lock_guard lock(mu_);
    return accepted_.size();
  }

 private:
  void Loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      Serve(c);
      close(c);
    }
  }
  static std::string HeaderOf(const std::string& head, const std::string& name) {
    std::string lower = head;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const size_t at = lower.find("\r\n" + name + ":");
    if (at == std::string::npos) return "";
    const size_t start = head.find_first_not_of(' ', at + name.size() + 3);
    return head.substr(start, head.find("\r\n", start) - start);
  }
  void Serve(int c) {
    std::string in;
    char buf[4096];
    size_t body_at = std::string::npos, length = 0;
    while (true) {
      pollfd p{c, POLLIN, 0};
      if (poll(&p, 1, 2000) <= 0) return;
      const ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0) return;
      in.append(buf, static_cast<size_t>(n));
      if (body_at == std::string::npos && (body_at = in.find("\r\n\r\n")) != std::string::npos) {
        body_at += 4;
        length = std::stoul(HeaderOf(in.substr(0, body_at), "content-length"));
      }
      if (body_at != std::string::npos && in.size() >= body_at + length) break;
    }
    const std::string head = in.substr(0, body_at);
    Hit h{HeaderOf(head, "x-dossier-delivery"), HeaderOf(head, "x-dossier-timestamp"),
          HeaderOf(head, "x-dossier-signature"), in.substr(body_at, length), 200};
    {
      std::lock_guard lock(mu_);
      if (served_ < plan_.size()) h.answered = plan_[served_];
      if (served_ == 0 && first_delay_ > 0ms) std::this_thread::sleep_for(first_delay_);
      ++served_;
      if (h.answered == 200 || first_delay_ > 0ms) accepted_.insert(h.delivery_id);  // a late 200 still counts
      hits_.push_back(h);
    }
    const std::string reply = fmt::format("HTTP/1.1 {} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", h.answered);
    (void)!write(c, reply.data(), reply.size());
  }

  int fd_ = -1;
  std::vector<int> plan_;
  std::chrono::milliseconds first_delay_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  size_t served_ = 0;
  std::vector<Hit> hits_;
  std::set<std::string> accepted_;
};

// A real SMTP server: aiosmtpd writing every message it accepts to a Maildir.
class SmtpSink {
 public:
  explicit SmtpSink(const std::string& maildir) : maildir_(maildir), port_(FreePort()) {
    pid_ = fork();
    if (pid_ == 0) {
      const std::string listen = fmt::format("127.0.0.1:{}", port_);
      // Debian's interpreter, where python3-aiosmtpd installs (not whatever python3 is first on PATH).
      execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c", "aiosmtpd.handlers.Mailbox",
             maildir.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 200 && !Accepts(port_); ++i) std::this_thread::sleep_for(50ms);
  }
  ~SmtpSink() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  uint16_t port() const { return port_; }
  bool running() const { return Accepts(port_); }
  std::vector<std::string> Messages() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(maildir_ + "/new", ec)) {
      std::ifstream f(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << f.rdbuf();
      out.push_back(ss.str());
    }
    return out;
  }

 private:
  std::string maildir_;
  uint16_t port_;
  pid_t pid_ = -1;
};

std::string Base64Decode(std::string_view b64) {
  std::string out(b64.size(), '\0');
  size_t n = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), b64.data(), b64.size(), "\r\n", &n,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return "(not base64)";
  }
  out.resize(n);
  return out;
}

class DeliveryTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_GE(sodium_init(), 0);
    for (const auto& [name, role] : {std::pair{"kim", "case_officer"}, std::pair{"admin", "administrator"}}) {
      UserAccount u;
      u.name = name;
      u.role = role;
      u.password_hash = "unused";
      ASSERT_TRUE(store_->PutUser(u).ok());
    }
    ASSERT_TRUE(store_->Create(MakeSource("src-1")).ok());
    ASSERT_TRUE(store_->Create(MakePerson("per-1", "리순희", "src-1")).ok());
    cases::Case c;
    c.id = "case-1";
    c.title = "SECRET case title";
    c.person_ids = {"per-1"};
    c.officer = "kim";
    c.opened = PartialDate::Day(2025, 3, 1);
    c.next_deadline = PartialDate::Day(2025, 3, 15);  // long passed: overdue
    c.source_ids = {"src-1"};
    auto id = store_->CreateCase(c);
    ASSERT_TRUE(id.ok()) << id.error().message;
  }

  std::string Subscribe(const std::string& url, const std::string& email, const std::string& language = "both") {
    cases::Subscriber s;
    s.name = "Partner";
    s.language = language;
    s.webhook_url = url;
    s.webhook_secret = url.empty() ? "" : kSecret;
    s.email = email;
    auto id = store_->PutSubscriber(s);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : "";
  }

  // Composed by the case officer, approved by the administrator: queues the deliveries.
  std::string ApprovedAlert() {
    cases::AlertDraft d;
    d.case_id = "case-1";
    d.actions = {"urge_no_return"};
    d.contacts = {"prc_mfa"};
    d.respond_by = PartialDate::Day(2099, 1, 1);
    auto a = cases::ComposeAlert(*store_, d, "kim");
    EXPECT_TRUE(a.ok()) << a.error().message;
    auto approved = cases::ApproveAlert(*store_, a->id, "admin");
    EXPECT_TRUE(approved.ok()) << approved.error().message;
    return a->id;
  }

  cases::DeliveryOptions Fast() const {
    cases::DeliveryOptions o;
    o.retry.base = 5ms;
    o.retry.cap = 40ms;
    o.http_timeout = 2000ms;
    o.lease = 5000ms;
    return o;
  }

  // Passes until nothing is pending (at most `passes`), `pause` apart.
  void DeliverAll(cases::DeliveryWorker& worker, int passes = 100) {
    for (int i = 0; i < passes; ++i) {
      auto r = worker.RunOnce(cases::NowMs());
      ASSERT_TRUE(r.ok()) << r.error().message;
      auto all = store_->ListDeliveries("");
      ASSERT_TRUE(all.ok());
      if (std::none_of(all->begin(), all->end(), [](const auto& d) { return d.status == cases::DeliveryStatus::kPending; })) return;
      std::this_thread::sleep_for(20ms);
    }
  }

  static constexpr const char* kSecret = "partner-shared-secret";
};

TEST_F(DeliveryTest, AReceiverDownThenUpGetsExactlyOneAcceptedDeliveryAndEveryFailedAttemptIsRecorded) {
  const uint16_t port = FreePort();
  Subscribe(fmt::format("http://127.0.0.1:{}/hook", port), "");
  const std::string alert_id = ApprovedAlert();
  cases::DeliveryWorker worker(*store_, Fast());
  // Down: nothing listens on the port.
  for (int i = 0; i < 3; ++i) {
    auto r = worker.RunOnce(cases::NowMs());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->delivered, 0);
    std::this_thread::sleep_for(60ms);
  }
  // Up, answering 503 once, then 200.
  WebhookReceiver receiver(port, {503});
  DeliverAll(worker);
  auto rows = store_->ListDeliveries(alert_id);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  const auto& d = (*rows)[0];
  EXPECT_EQ(d.status, cases::DeliveryStatus::kDelivered);
  ASSERT_EQ(d.attempts.size(), 5u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(d.attempts[i].status_code, 0);
    EXPECT_NE(d.attempts[i].error.find("connect"), std::string::npos) << d.attempts[i].error;
    EXPECT_FALSE(d.attempts[i].next_attempt.empty());
  }
  EXPECT_EQ(d.attempts[3].status_code, 503);
  EXPECT_FALSE(d.attempts[3].next_attempt.empty());
  EXPECT_EQ(d.attempts[4].status_code, 200);
  EXPECT_TRUE(d.attempts[4].error.empty());
  EXPECT_FALSE(d.delivered_at.empty());
  // The receiver saw two requests with the same delivery id and accepted one.
  auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(receiver.accepted(), 1u);
  for (const auto& h : hits) {
    EXPECT_EQ(h.delivery_id, d.id);
    EXPECT_TRUE(cases::VerifyWebhookSignature(kSecret, h.signature, h.body)) << h.signature;
    EXPECT_FALSE(cases::VerifyWebhookSignature("not-the-secret-at-all", h.signature, h.body));
    EXPECT_TRUE(h.signature.starts_with("t=" + h.timestamp + ",v1="));
    auto body = nlohmann::json::parse(h.body);
    EXPECT_EQ(body["delivery_id"], d.id);
    EXPECT_EQ(body["alert"]["id"], alert_id);
    EXPECT_NE(body["alert"]["texts"]["ko"]["body"].get<std::string>().find("위험에 처한 사람"), std::string::npos);
  }
  // Nothing more goes out, and the trail of it all verifies.
  auto again = worker.RunOnce(cases::NowMs() + 3'600'000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->delivered + again->failed, 0);
  EXPECT_EQ(receiver.hits().size(), 2u);
  auto v = store_->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok()) << (v->problems.empty() ? "" : v->problems.front());
}

TEST_F(DeliveryTest, ARestartInTheMiddleOfRetriesStillDeliversExactlyOnce) {
  const uint16_t port = FreePort();
  Subscribe(fmt::format("http://127.0.0.1:{}/hook", port), "");
  const std::string alert_id = ApprovedAlert();
  {
    cases::DeliveryWorker first(*store_, Fast());
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(first.RunOnce(cases::NowMs()).ok());
      std::this_thread::sleep_for(30ms);
    }
  }
  store_ = Reopen();  // the process is gone; a new one opens the same file
  auto mid = store_->ListDeliveries(alert_id);
  ASSERT_TRUE(mid.ok());
  ASSERT_EQ(mid->size(), 1u);
  EXPECT_EQ((*mid)[0].status, cases::DeliveryStatus::kPending);
  EXPECT_EQ((*mid)[0].attempts.size(), 2u);
  WebhookReceiver receiver(port, {});
  cases::DeliveryWorker second(*store_, Fast());
  DeliverAll(second);
  auto rows = store_->ListDeliveries(alert_id);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].status, cases::DeliveryStatus::kDelivered);
  EXPECT_EQ((*rows)[0].attempts.size(), 3u);
  EXPECT_EQ(receiver.hits().size(), 1u);
  EXPECT_EQ(receiver.accepted(), 1u);
}

TEST_F(DeliveryTest, AnAnswerThatComesTooLateIsRetriedUnderTheSameDeliveryIdSoTheReceiverActsOnce) {
  const uint16_t port = FreePort();
  Subscribe(fmt::format("http://127.0.0.1:{}/hook", port), "");
  ApprovedAlert();
  WebhookReceiver receiver(port, {200, 200}, /*first_delay=*/400ms);
  auto options = Fast();
  options.http_timeout = 150ms;
  cases::DeliveryWorker worker(*store_, options);
  DeliverAll(worker);
  // The receiver, busy with the first request, may see more than one retry; all carry one id.
  auto hits = receiver.hits();
  ASSERT_GE(hits.size(), 2u);
  for (const auto& h : hits) EXPECT_EQ(h.delivery_id, hits[0].delivery_id);
  EXPECT_EQ(receiver.accepted(), 1u);
  auto rows = store_->ListDeliveries("");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].status, cases::DeliveryStatus::kDelivered);
  ASSERT_EQ((*rows)[0].attempts.size(), hits.size());
  EXPECT_NE((*rows)[0].attempts[0].error.find("timed out"), std::string::npos) << (*rows)[0].attempts[0].error;
}

TEST_F(DeliveryTest, AWithdrawnAlertsPendingDeliveriesAreCancelledAndNeverSent) {
  const uint16_t port = FreePort();
  Subscribe(fmt::format("http://127.0.0.1:{}/hook", port), "");
  const std::string alert_id = ApprovedAlert();
  auto w = cases::WithdrawAlert(*store_, alert_id, "admin", "the family asked us to stop");
  ASSERT_TRUE(w.ok()) << w.error().message;
  WebhookReceiver receiver(port, {});
  cases::DeliveryWorker worker(*store_, Fast());
  ASSERT_TRUE(worker.RunOnce(cases::NowMs()).ok());
  EXPECT_TRUE(receiver.hits().empty());
  auto rows = store_->ListDeliveries(alert_id);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].status, cases::DeliveryStatus::kCancelled);
}

TEST_F(DeliveryTest, EmailGoesToARealSmtpServerAsUtf8MimeWithAnEncodedKoreanSubject) {
  SmtpSink sink(dir_.File("maildir"));
  ASSERT_TRUE(sink.running()) << "python3 -m aiosmtpd did not start (package python3-aiosmtpd)";
  Subscribe("", "partner@example.org", "both");
  const std::string alert_id = ApprovedAlert();
  auto options = Fast();
  options.smtp = *cases::ParseSmtpRelay(fmt::format("127.0.0.1:{}", sink.port()), "alerts@ngo.example");
  cases::DeliveryWorker worker(*store_, options);
  DeliverAll(worker);
  auto rows = store_->ListDeliveries(alert_id);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].status, cases::DeliveryStatus::kDelivered);
  EXPECT_EQ((*rows)[0].attempts.back().status_code, 250);
  std::string m;
  for (const auto& msg : sink.Messages()) {
    if (msg.find("X-Dossier-Delivery: " + (*rows)[0].id) != std::string::npos) m = msg;
  }
  ASSERT_FALSE(m.empty());
  EXPECT_NE(m.find("From: <alerts@ngo.example>"), std::string::npos);
  EXPECT_NE(m.find("To: <partner@example.org>"), std::string::npos);
  EXPECT_NE(m.find("MIME-Version: 1.0"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/plain; charset=UTF-8"), std::string::npos);
  EXPECT_NE(m.find("Content-Transfer-Encoding: base64"), std::string::npos);
  EXPECT_NE(m.find("Subject: =?UTF-8?B?"), std::string::npos);
  // Decode with Python's e-mail package, independently of our encoder.
  std::ofstream(dir_.File("m.eml"), std::ios::binary) << m;
  auto r = RunCommand("python3 -c \"import email,email.policy,sys; m=email.message_from_binary_file(open(sys.argv[1],'rb'),"
                      "policy=email.policy.default); print(m['subject']); print(m.get_content())\" " + dir_.File("m.eml"),
                      dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("긴급 행동: 1명 북한 강제송환 위험"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/ Urgent action: 1 person at risk"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("위험에 처한 사람"), std::string::npos);
  EXPECT_NE(r.out.find("Who is at risk"), std::string::npos);
  EXPECT_EQ(r.out.find("리순희"), std::string::npos) << "no name was released";
}

TEST_F(DeliveryTest, TheDigestGoesToTheOfficerOnceADayAlsoAcrossARestart) {
  SmtpSink sink(dir_.File("maildir"));
  ASSERT_TRUE(sink.running());
  ASSERT_TRUE(store_->PutOfficerContact({"kim", "kim@ngo.example"}).ok());
  auto options = Fast();
  options.smtp = *cases::ParseSmtpRelay(fmt::format("127.0.0.1:{}", sink.port()), "alerts@ngo.example");
  const int64_t now = cases::NowMs();
  {
    cases::DeliveryWorker worker(*store_, options);
    auto first = worker.RunOnce(now);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->digests_queued, 1);
    EXPECT_EQ(first->delivered, 1);
    auto second = worker.RunOnce(now + 1000);
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->digests_queued, 0);
  }
  store_ = Reopen();
  cases::DeliveryWorker restarted(*store_, options);
  auto same_day = restarted.RunOnce(now + 2000);
  ASSERT_TRUE(same_day.ok());
  EXPECT_EQ(same_day->digests_queued, 0);
  EXPECT_EQ(sink.Messages().size(), 1u);
  auto next_day = restarted.RunOnce(now + 86'400'000);
  ASSERT_TRUE(next_day.ok());
  EXPECT_EQ(next_day->digests_queued, 1);
  auto messages = sink.Messages();
  ASSERT_EQ(messages.size(), 2u);
  // The Maildir keeps the message with plain newlines.
  std::string m;
  for (char c : messages[0]) {
    if (c != '\r') m += c;
  }
  EXPECT_NE(m.find("To: <kim@ngo.example>"), std::string::npos);
  ASSERT_NE(m.find("\n\n"), std::string::npos);
  const std::string body = Base64Decode(m.substr(m.find("\n\n") + 2));
  EXPECT_NE(body.find("Overdue"), std::string::npos) << body;
  EXPECT_NE(body.find("case-1: deadline 2025-03-15"), std::string::npos) << body;
  EXPECT_NE(body.find("기한 지남"), std::string::npos);
  EXPECT_EQ(body.find("SECRET"), std::string::npos) << "case titles stay out of e-mail";
}

TEST_F(DeliveryTest, TheAtomFeedIsWellFormedAtomWithAnEnglishAndAKoreanEntryPerApprovedAlert) {
  const std::string sub_id = Subscribe("", "");
  const std::string alert_id = ApprovedAlert();
  // A draft does not appear.
  cases::AlertDraft d;
  d.case_id = "case-1";
  d.actions = {"urge_release"};
  d.contacts = {"unhcr"};
  d.respond_by = PartialDate::Day(2099, 1, 1);
  ASSERT_TRUE(cases::ComposeAlert(*store_, d, "kim").ok());
  auto sub = store_->GetSubscriber(sub_id);
  ASSERT_TRUE(sub.ok());
  ASSERT_FALSE(sub->feed_token.empty());
  auto found = store_->FindSubscriberByFeedToken(sub->feed_token);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, sub_id);
  EXPECT_FALSE(store_->FindSubscriberByFeedToken(sub->feed_token + "x").ok());
  auto approved = store_->ListAlerts("", "approved", 100, 0);
  ASSERT_TRUE(approved.ok());
  ASSERT_EQ(approved->items.size(), 1u);
  std::ofstream(dir_.File("feed.xml")) << cases::AtomFeed(approved->items, found->language, "2099-01-01T00:00:00Z");
  auto r = RunCommand(
      "python3 -c \"import sys,xml.etree.ElementTree as E; A='{http://www.w3.org/2005/Atom}'; "
      "X='{http://www.w3.org/XML/1998/namespace}lang'; f=E.parse(sys.argv[1]).getroot(); "
      "assert f.tag==A+'feed' and f.find(A+'id') is not None and f.find(A+'updated') is not None; "
      "[print(e.get(X), e.find(A+'id').text, e.find(A+'updated').text, e.find(A+'title').text) for e in f.findall(A+'entry')]\" " +
          dir_.File("feed.xml"),
      dir_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("en urn:dossier:alert:" + alert_id + ":en"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ko urn:dossier:alert:" + alert_id + ":ko"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("긴급 행동: 1명"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2);
}

TEST_F(DeliveryTest, ADeactivatedSubscribersPendingDeliveriesAreCancelledAndItsFeedTokenStopsWorking) {
  const std::string sub_id = Subscribe("http://127.0.0.1:9/hook", "");
  ApprovedAlert();
  auto sub = store_->GetSubscriber(sub_id);
  ASSERT_TRUE(sub.ok());
  sub->active = false;
  ASSERT_TRUE(store_->PutSubscriber(*sub).ok());
  auto rows = store_->ListDeliveries("");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].status, cases::DeliveryStatus::kCancelled);
  EXPECT_FALSE(store_->FindSubscriberByFeedToken(sub->feed_token).ok());
}

}  // namespace
}  // namespace dossier::testing
