#include <utility>  // before Asio: GCC 12 in C++20 mode needs std::exchange declared first

#include "cases/delivery.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>
#include <map>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "domain/markup.h"
#include "domain/validate.h"

namespace dossier::cases {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

std::string UtcFromMs(int64_t ms) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", fmt::gmtime(static_cast<std::time_t>(ms / 1000)), ms % 1000);
}

std::string DayFromMs(int64_t ms) { return fmt::format("{:%Y-%m-%d}", fmt::gmtime(static_cast<std::time_t>(ms / 1000))); }

std::string Base64(std::string_view in) {
  std::string out(sodium_base64_ENCODED_LEN(in.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(in.data()), in.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80 && c != '\r' && c != '\n'; });
}

ordered_json TextsFor(const Alert& a, std::string_view language) {
  ordered_json j = ordered_json::object();
  const auto text = [](const AlertText& t) { return ordered_json{{"subject", t.subject}, {"body", t.body}}; };
  if (language != "ko") j["en"] = text(a.en);
  if (language != "en") j["ko"] = text(a.ko);
  return j;
}

// Runs one asynchronous operation of `ioc` to completion (the stream's expiry bounds it).
template <typename Start>
boost::system::error_code Await(asio::io_context& ioc, Start&& start) {
  boost::system::error_code result = asio::error::would_block;
  start([&result](boost::system::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

std::string Describe(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return "timed out";
  return ec.message();
}

// Resolves and connects within the stream's expiry.
boost::system::error_code Connect(asio::io_context& ioc, beast::tcp_stream& stream, const std::string& host,
                                  const std::string& port) {
  tcp::resolver resolver(ioc);
  tcp::resolver::results_type endpoints;
  boost::system::error_code ec = asio::error::would_block;
  resolver.async_resolve(host, port, [&](boost::system::error_code e, tcp::resolver::results_type r) {
    ec = e;
    endpoints = std::move(r);
  });
  ioc.restart();
  ioc.run();
  if (ec) return ec;
  return Await(ioc, [&](auto handler) { stream.async_connect(endpoints, std::move(handler)); });
}

}  // namespace

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// ---------------------------------------------------------------- pure parts

std::vector<Delivery> AlertDeliveries(const Alert& alert, const std::vector<Subscriber>& subscribers, int64_t now_ms) {
  std::vector<Delivery> out;
  for (const auto& s : subscribers) {
    if (!s.active) continue;
    Delivery base;
    base.alert_id = alert.id;
    base.subscriber_id = s.id;
    base.next_attempt_ms = now_ms;
    base.created_at = UtcFromMs(now_ms);
    if (!s.webhook_url.empty()) {
      Delivery d = base;
      d.channel = "webhook";
      d.key = fmt::format("alert/{}/{}/webhook", alert.id, s.id);
      d.recipient = s.webhook_url;
      d.payload = ordered_json{{"type", "urgent_action"},
                               {"alert",
                                {{"id", alert.id},
                                 {"case_id", alert.case_id},
                                 {"respond_by", alert.respond_by.ToString()},
                                 {"approved_at", alert.approved_at},
                                 {"texts", TextsFor(alert, s.language)}}}}
                      .dump();
      out.push_back(std::move(d));
    }
    if (!s.email.empty()) {
      Delivery d = base;
      d.channel = "email";
      d.key = fmt::format("alert/{}/{}/email", alert.id, s.id);
      d.recipient = s.email;
      std::string subject, body;
      if (s.language == "en") {
        subject = alert.en.subject, body = alert.en.body;
      } else if (s.language == "ko") {
        subject = alert.ko.subject, body = alert.ko.body;
      } else {
        subject = alert.ko.subject + " / " + alert.en.subject;
        body = alert.ko.body + "\n----------------------------------------\n\n" + alert.en.body;
      }
      d.payload = ordered_json{{"subject", subject}, {"body", body}}.dump();
      out.push_back(std::move(d));
    }
  }
  return out;
}

std::string WebhookSignature(std::string_view secret, int64_t unix_seconds, std::string_view body) {
  const std::string signed_text = fmt::format("{}.{}", unix_seconds, body);
  uint8_t mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size());
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[2 * sizeof mac + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return fmt::format("t={},v1={}", unix_seconds, hex);
}

bool VerifyWebhookSignature(std::string_view secret, std::string_view header, std::string_view body) {
  const size_t comma = header.find(",v1=");
  if (!header.starts_with("t=") || comma == std::string_view::npos) return false;
  int64_t t = 0;
  for (char c : header.substr(2, comma - 2)) {
    if (c < '0' || c > '9') return false;
    t = t * 10 + (c - '0');
  }
  const std::string expected = WebhookSignature(secret, t, body);
  return expected.size() == header.size() && sodium_memcmp(expected.data(), header.data(), header.size()) == 0;
}

std::chrono::milliseconds Backoff(const RetryPolicy& p, int failures, double unit) {
  double wait = static_cast<double>(p.base.count()) * std::pow(2.0, std::max(0, failures - 1));
  wait = std::min(wait, static_cast<double>(p.cap.count()));
  wait *= 1.0 + p.jitter * (2.0 * unit - 1.0);
  return std::chrono::milliseconds(std::max<int64_t>(1, static_cast<int64_t>(wait)));
}

std::string EncodeHeaderWord(std::string_view text) {
  if (IsAscii(text)) return std::string(text);
  // At most 45 bytes per word (60 base64 characters), cut on UTF-8 character boundaries.
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = std::min(text.size(), i + 45);
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string MimeMessage(std::string_view from, std::string_view to, std::string_view subject, std::string_view body,
                        std::string_view message_id, int64_t unix_seconds) {
  std::string m;
  m += fmt::format("From: <{}>\r\n", from);
  m += fmt::format("To: <{}>\r\n", to);
  m += fmt::format("Subject: {}\r\n", EncodeHeaderWord(subject));
  m += fmt::format("Date: {:%a, %d %b %Y %H:%M:%S +0000}\r\n", fmt::gmtime(static_cast<std::time_t>(unix_seconds)));
  const size_t at = from.find('@');
  m += fmt::format("Message-ID: <{}@{}>\r\n", message_id, at == std::string_view::npos ? "dossier.localhost" : from.substr(at + 1));
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\n";
  m += "Content-Transfer-Encoding: base64\r\n";
  m += fmt::format("X-Dossier-Delivery: {}\r\n", message_id);
  m += "\r\n";
  std::string normalised;
  for (char c : body) {
    if (c == '\n' && (normalised.empty() || normalised.back() != '\r')) normalised += '\r';
    normalised += c;
  }
  const std::string b64 = Base64(normalised);
  for (size_t i = 0; i < b64.size(); i += 76) m += b64.substr(i, 76) + "\r\n";
  return m;
}

std::string AtomFeed(const std::vector<Alert>& alerts, std::string_view language, std::string_view updated) {
  std::string x = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  x += "  <id>urn:dossier:alerts</id>\n";
  x += "  <title>Urgent-action alerts / 긴급 행동</title>\n";
  x += fmt::format("  <updated>{}</updated>\n", EscapeMarkup(updated));
  x += "  <author><name>Dossier</name></author>\n";
  for (const auto& a : alerts) {
    for (const auto& [lang, text] : {std::pair<std::string, const AlertText*>{"en", &a.en}, {"ko", &a.ko}}) {
      if (language != "both" && language != lang) continue;
      x += fmt::format("  <entry xml:lang=\"{}\">\n", lang);
      x += fmt::format("    <id>urn:dossier:alert:{}:{}</id>\n", EscapeMarkup(a.id), lang);
      x += fmt::format("    <title>{}</title>\n", EscapeMarkup(text->subject));
      x += fmt::format("    <updated>{}</updated>\n", EscapeMarkup(a.approved_at));
      x += fmt::format("    <published>{}</published>\n", EscapeMarkup(a.approved_at));
      x += fmt::format("    <content type=\"text\">{}</content>\n", EscapeMarkup(text->body));
      x += "  </entry>\n";
    }
  }
  x += "</feed>\n";
  return x;
}

std::optional<Delivery> DigestDelivery(const std::string& officer, const std::string& email, const std::string& day,
                                       const std::vector<DigestLine>& lines, int64_t now_ms) {
  if (lines.empty()) return std::nullopt;
  std::string overdue_en, due_en, overdue_ko, due_ko;
  for (const auto& l : lines) {
    const auto& r = l.reminder;
    const char* what_en = r.what == "deadline" ? "deadline" : "follow-up";
    const char* what_ko = r.what == "deadline" ? "기한" : "후속 조치";
    const std::string id = r.what == "deadline" ? r.case_id : fmt::format("{} / {}", r.case_id, r.record_id);
    if (r.days_left < 0) {
      overdue_en += fmt::format("- {}: {} {} ({} days overdue; status {}, risk {})\n", id, what_en, r.due.ToString(),
                                -r.days_left, l.status, l.risk);
      overdue_ko += fmt::format("- {}: {} {} ({}일 지남)\n", id, what_ko, r.due.ToString(), -r.days_left);
    } else {
      due_en += fmt::format("- {}: {} {} (in {} days; status {}, risk {})\n", id, what_en, r.due.ToString(), r.days_left,
                            l.status, l.risk);
      due_ko += fmt::format("- {}: {} {} ({}일 남음)\n", id, what_ko, r.due.ToString(), r.days_left);
    }
  }
  std::string body = fmt::format("Reminders for {} on {}\n\n", officer, day);
  if (!overdue_en.empty()) body += "Overdue\n" + overdue_en + "\n";
  if (!due_en.empty()) body += "Coming up\n" + due_en + "\n";
  body += fmt::format("{} 담당 사건 알림 ({})\n\n", officer, day);
  if (!overdue_ko.empty()) body += "기한 지남\n" + overdue_ko + "\n";
  if (!due_ko.empty()) body += "다가오는 기한\n" + due_ko + "\n";
  Delivery d;
  d.key = fmt::format("digest/{}/{}", officer, day);
  d.officer = officer;
  d.channel = "email";
  d.recipient = email;
  d.payload = ordered_json{{"subject", fmt::format("사건 알림 / Case reminders {}", day)}, {"body", body}}.dump();
  d.next_attempt_ms = now_ms;
  d.created_at = UtcFromMs(now_ms);
  return d;
}

// ---------------------------------------------------------------- clients

SendOutcome PostJson(const std::string& url, const std::string& body,
                     const std::vector<std::pair<std::string, std::string>>& headers, std::chrono::milliseconds timeout) {
  if (!url.starts_with("http://")) return {0, "only http:// URLs are supported"};
  const std::string rest = url.substr(7);
  const size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  const std::string target = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string host = authority, port = "80";
  if (const size_t colon = authority.rfind(':'); colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(timeout);
    if (auto ec = Connect(ioc, stream, host, port)) return {0, "connect: " + Describe(ec)};
    beast::http::request<beast::http::string_body> req{beast::http::verb::post, target, 11};
    req.set(beast::http::field::host, authority);
    req.set(beast::http::field::user_agent, "dossier-alerts/1");
    req.set(beast::http::field::content_type, "application/json");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    if (auto ec = Await(ioc, [&](auto h) { beast::http::async_write(stream, req, std::move(h)); })) {
      return {0, "send: " + Describe(ec)};
    }
    beast::flat_buffer buffer;
    beast::http::response<beast::http::string_body> res;
    if (auto ec = Await(ioc, [&](auto h) { beast::http::async_read(stream, buffer, res, std::move(h)); })) {
      return {0, "reply: " + Describe(ec)};
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    const int code = static_cast<int>(res.result_int());
    if (code >= 200 && code < 300) return {code, ""};
    return {code, fmt::format("the receiver answered HTTP {}", code)};
  } catch (const std::exception& e) {
    return {0, e.what()};
  }
}

Result<SmtpConfig> ParseSmtpRelay(const std::string& host_port, const std::string& from) {
  SmtpConfig c;
  const size_t colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0) return Error::Invalid("--smtp: expected HOST:PORT, e.g. 127.0.0.1:25");
  c.host = host_port.substr(0, colon);
  try {
    const int port = std::stoi(host_port.substr(colon + 1));
    if (port < 1 || port > 65535) throw std::out_of_range("port");
    c.port = static_cast<uint16_t>(port);
  } catch (const std::exception&) {
    return Error::Invalid("--smtp: the port must be a number from 1 to 65535");
  }
  if (!LooksLikeEmail(from)) return Error::Invalid("--mail-from: expected the sender's e-mail address");
  c.from = from;
  return c;
}

SendOutcome SendMail(const SmtpConfig& smtp, const std::string& to, const std::string& message) {
  if (smtp.host.empty()) return {0, "no SMTP relay configured"};
  if (!LooksLikeEmail(to)) return {0, fmt::format("'{}' is not an e-mail address", to)};
  try {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    std::string in;
    int last = 0;
    // Reads one (possibly multi-line) reply; true when its code is `expect`'s class.
    auto reply = [&](int expect, const char* step) -> std::optional<SendOutcome> {
      while (true) {
        stream.expires_after(smtp.timeout);
        size_t n = 0;
        boost::system::error_code ec = asio::error::would_block;
        asio::async_read_until(stream, asio::dynamic_buffer(in), "\r\n",
                               [&](boost::system::error_code e, size_t bytes) { ec = e, n = bytes; });
        ioc.restart();
        ioc.run();
        if (ec) return SendOutcome{last, fmt::format("{}: {}", step, Describe(ec))};
        const std::string line = in.substr(0, n - 2);
        in.erase(0, n);
        if (line.size() < 3) return SendOutcome{last, fmt::format("{}: malformed reply", step)};
        last = std::atoi(line.substr(0, 3).c_str());
        if (line.size() > 3 && line[3] == '-') continue;
        // The reply text is not kept: it may quote the address.
        if (last / 100 != expect / 100) return SendOutcome{last, fmt::format("{}: the relay answered {}", step, last)};
        return std::nullopt;
      }
    };
    auto send = [&](const std::string& text, int expect, const char* step) -> std::optional<SendOutcome> {
      stream.expires_after(smtp.timeout);
      if (auto ec = Await(ioc, [&](auto h) { asio::async_write(stream, asio::buffer(text), std::move(h)); })) {
        return SendOutcome{last, fmt::format("{}: {}", step, Describe(ec))};
      }
      return reply(expect, step);
    };
    stream.expires_after(smtp.timeout);
    if (auto ec = Connect(ioc, stream, smtp.host, std::to_string(smtp.port))) return {0, "connect: " + Describe(ec)};
    if (auto r = reply(220, "greeting")) return *r;
    if (auto r = send(fmt::format("EHLO {}\r\n", smtp.helo), 250, "EHLO")) return *r;
    if (auto r = send(fmt::format("MAIL FROM:<{}>\r\n", smtp.from), 250, "MAIL FROM")) return *r;
    if (auto r = send(fmt::format("RCPT TO:<{}>\r\n", to), 250, "RCPT TO")) return *r;
    if (auto r = send("DATA\r\n", 354, "DATA")) return *r;
    std::string data;
    size_t start = 0;
    while (start < message.size()) {
      size_t end = message.find("\r\n", start);
      const std::string line = message.substr(start, end == std::string::npos ? std::string::npos : end - start);
      data += (line.starts_with('.') ? "." : "") + line + "\r\n";
      if (end == std::string::npos) break;
      start = end + 2;
    }
    data += ".\r\n";
    if (auto r = send(data, 250, "message")) return *r;
    const int accepted = last;
    (void)send("QUIT\r\n", 221, "QUIT");  // the message is accepted already
    return {accepted, ""};
  } catch (const std::exception& e) {
    return {0, e.what()};
  }
}

// ---------------------------------------------------------------- operations

Result<CaseForAlert> LoadCaseForAlert(const Store& store, const std::string& case_id) {
  CaseForAlert out;
  DOSSIER_ASSIGN_OR_RETURN(out.kase, store.GetCase(case_id));
  for (const auto& pid : out.kase.person_ids) {
    DOSSIER_ASSIGN_OR_RETURN(Person p, store.GetPerson(pid));
    AlertPerson ap;
    ap.id = pid;
    ap.pseudonym = store.keyring().Pseudonym("person", pid);
    ap.name_en = PersonDisplayName(p, "en");
    ap.name_ko = PersonDisplayName(p, "ko");
    ap.unit = p.unit;
    ap.group_size = p.group_size;
    out.persons.push_back(std::move(ap));
  }
  DOSSIER_ASSIGN_OR_RETURN(auto transitions, store.ListTransitions(case_id));
  if (!transitions.empty()) out.latest = transitions.back();
  return out;
}

namespace {
AlertContext ContextOf(const CaseForAlert& c, const Store& store) {
  return AlertContext{c.kase, c.persons, c.latest, store.catalog()};
}
std::string NowUtc() { return UtcFromMs(NowMs()); }
}  // namespace

Result<Alert> ComposeAlert(Store& store, const AlertDraft& draft, const std::string& actor) {
  DOSSIER_ASSIGN_OR_RETURN(CaseForAlert c, LoadCaseForAlert(store, draft.case_id));
  DOSSIER_ASSIGN_OR_RETURN(Alert a, Compose(draft, ContextOf(c, store), actor, NowUtc(), TodayDays()));
  DOSSIER_ASSIGN_OR_RETURN(a.id, store.CreateAlert(a));
  return a;
}

Result<Alert> ReviseAlert(Store& store, const std::string& id, const AlertDraft& draft) {
  DOSSIER_ASSIGN_OR_RETURN(Alert a, store.GetAlert(id));
  DOSSIER_ASSIGN_OR_RETURN(CaseForAlert c, LoadCaseForAlert(store, a.case_id));
  DOSSIER_RETURN_IF_ERROR(Revise(a, draft, ContextOf(c, store), TodayDays()));
  DOSSIER_RETURN_IF_ERROR(store.SaveAlert(a, AlertStatus::kDraft, "update", {}));
  return a;
}

Result<Alert> ReleaseAlertNames(Store& store, const std::string& id, NameRelease release, const std::string& actor) {
  DOSSIER_ASSIGN_OR_RETURN(Alert a, store.GetAlert(id));
  DOSSIER_ASSIGN_OR_RETURN(CaseForAlert c, LoadCaseForAlert(store, a.case_id));
  release.released_by = actor;
  release.released_at = NowUtc();
  DOSSIER_RETURN_IF_ERROR(ReleaseNames(a, std::move(release), ContextOf(c, store), TodayDays()));
  DOSSIER_RETURN_IF_ERROR(store.SaveAlert(a, AlertStatus::kDraft, "release_names", {}));
  return a;
}

Result<Alert> ApproveAlert(Store& store, const std::string& id, const std::string& actor) {
  DOSSIER_ASSIGN_OR_RETURN(Alert a, store.GetAlert(id));
  const int64_t now = NowMs();
  DOSSIER_RETURN_IF_ERROR(Approve(a, actor, UtcFromMs(now)));
  DOSSIER_ASSIGN_OR_RETURN(auto subscribers, store.ListSubscribers());
  DOSSIER_RETURN_IF_ERROR(store.SaveAlert(a, AlertStatus::kDraft, "approve", AlertDeliveries(a, subscribers, now)));
  return a;
}

Result<Alert> WithdrawAlert(Store& store, const std::string& id, const std::string& actor, const std::string& reason) {
  DOSSIER_ASSIGN_OR_RETURN(Alert a, store.GetAlert(id));
  const AlertStatus before = a.status;
  DOSSIER_RETURN_IF_ERROR(Withdraw(a, actor, reason, NowUtc()));
  DOSSIER_RETURN_IF_ERROR(store.SaveAlert(a, before, "withdraw", {}));
  return a;
}

Result<std::vector<CaseReminder>> ListReminders(const Store& store, const std::string& officer, long today,
                                                long horizon) {
  std::vector<CaseReminder> out;
  for (size_t offset = 0;; offset += 500) {
    DOSSIER_ASSIGN_OR_RETURN(auto page, store.ListCases(500, offset, ""));
    for (const auto& c : page.items) {
      if (!officer.empty() && c.officer != officer) continue;
      DOSSIER_ASSIGN_OR_RETURN(auto ivs, store.ListInterventions(c.id));
      for (auto& r : Reminders(c, ivs, today, horizon)) out.push_back({c, std::move(r)});
    }
    if (page.items.size() < 500) break;
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.reminder.days_left < b.reminder.days_left; });
  return out;
}

// ---------------------------------------------------------------- the worker

Result<int> DeliveryWorker::QueueDigests(int64_t now_ms) {
  DOSSIER_ASSIGN_OR_RETURN(auto contacts, store_.ListOfficerContacts());
  if (contacts.empty()) return 0;
  const long today = static_cast<long>(now_ms / 86'400'000);
  const std::string day = DayFromMs(now_ms);
  std::map<std::string, std::vector<DigestLine>> by_officer;
  DOSSIER_ASSIGN_OR_RETURN(auto reminders, ListReminders(store_, "", today, options_.digest_horizon_days));
  for (auto& r : reminders) {
    if (r.kase.officer.empty()) continue;
    by_officer[r.kase.officer].push_back({std::move(r.reminder), StatusName(r.kase.status), RiskName(r.kase.risk)});
  }
  std::vector<Delivery> rows;
  for (const auto& contact : contacts) {
    if (contact.email.empty()) continue;
    if (auto d = DigestDelivery(contact.user, contact.email, day, by_officer[contact.user], now_ms)) rows.push_back(std::move(*d));
  }
  if (rows.empty()) return 0;
  return store_.EnqueueDeliveries(rows);
}

SendOutcome DeliveryWorker::Send(const Delivery& d, int64_t now_ms) {
  if (d.channel == "webhook") {
    auto sub = store_.GetSubscriber(d.subscriber_id);
    if (!sub.ok()) return {0, sub.error().message};
    json body = json::parse(d.payload, nullptr, false);
    if (!body.is_object()) return {0, "the stored payload is not JSON"};
    body["delivery_id"] = d.id;
    const std::string text = body.dump();
    const int64_t t = now_ms / 1000;
    return PostJson(d.recipient, text,
                    {{"X-Dossier-Delivery", d.id},
                     {"X-Dossier-Timestamp", std::to_string(t)},
                     {"X-Dossier-Signature", WebhookSignature(sub->webhook_secret, t, text)}},
                    options_.http_timeout);
  }
  if (d.channel == "email") {
    const json p = json::parse(d.payload, nullptr, false);
    if (!p.is_object()) return {0, "the stored payload is not JSON"};
    const std::string message = MimeMessage(options_.smtp.from, d.recipient, p.value("subject", ""), p.value("body", ""),
                                            d.id, now_ms / 1000);
    return SendMail(options_.smtp, d.recipient, message);
  }
  return {0, fmt::format("unknown channel '{}'", d.channel)};
}

Result<PassReport> DeliveryWorker::RunOnce(int64_t now_ms) {
  PassReport report;
  if (!options_.smtp.host.empty()) {
    DOSSIER_ASSIGN_OR_RETURN(report.digests_queued, QueueDigests(now_ms));
  }
  std::vector<std::string> channels = {"webhook"};
  if (!options_.smtp.host.empty()) channels.push_back("email");
  for (const auto& channel : channels) {
    while (!stop_) {
      DOSSIER_ASSIGN_OR_RETURN(auto due, store_.ClaimDueDeliveries(now_ms, options_.lease.count(), channel, 20));
      if (due.empty()) break;
      for (const auto& d : due) {
        const int64_t sent_ms = std::max(now_ms, NowMs());
        SendOutcome out = Send(d, sent_ms);
        DeliveryAttempt a;
        a.at = UtcFromMs(sent_ms);
        a.status_code = out.status_code;
        a.error = out.error;
        int64_t next = 0;
        if (!out.error.empty()) {
          const int failures = static_cast<int>(d.attempts.size()) + 1;
          const double unit = randombytes_uniform(1'000'000) / 1e6;
          next = now_ms + Backoff(options_.retry, failures, unit).count();
          a.next_attempt = UtcFromMs(next);
          ++report.failed;
          spdlog::info("delivery {} ({}) failed, attempt {}; next at {}", d.id, d.channel, failures, a.next_attempt);
        } else {
          ++report.delivered;
          spdlog::info("delivery {} ({}) delivered", d.id, d.channel);
        }
        if (Status s = store_.RecordDeliveryAttempt(d.id, a, next); !s.ok()) return s.error();
      }
    }
  }
  store_.EndReads();  // the next pass must see what the server committed meanwhile
  return report;
}

void DeliveryWorker::Start(std::chrono::milliseconds interval) {
  stop_ = false;
  thread_ = std::thread([this, interval] {
    while (!stop_) {
      auto r = RunOnce(NowMs());
      if (!r.ok()) spdlog::warn("delivery pass failed: {}", r.error().message);
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, interval, [this] { return stop_.load() || nudged_; });
      nudged_ = false;
    }
  });
}

void DeliveryWorker::Nudge() {
  {
    std::lock_guard lock(mu_);
    nudged_ = true;
  }
  cv_.notify_all();
}

void DeliveryWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace dossier::cases
