#include "http_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include <spdlog/sinks/ostream_sink.h>

#include "http/auth.h"
#include "linkage/names.h"

namespace dossier::testing {

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "dossier-http-test-XXXXXX").string();
  path_ = mkdtemp(templ.data());
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

// ---------------------------------------------------------------- client

HttpConnection::HttpConnection(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
  timeval tv{20, 0};
  if (fd_ >= 0) setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool HttpConnection::SendRaw(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

HttpReply HttpConnection::ReadReply() {
  HttpReply r;
  auto fill = [&]() {
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  };
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return r;
  }
  std::istringstream head(buffer_.substr(0, end));
  std::string line;
  std::getline(head, line);
  if (line.size() < 12) return r;
  r.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    auto& slot = r.headers[name];
    slot = slot.empty() ? value : slot + "\n" + value;
  }
  buffer_.erase(0, end + 4);
  const size_t length = r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
  while (buffer_.size() < length) {
    if (!fill()) break;
  }
  r.body = buffer_.substr(0, length);
  buffer_.erase(0, std::min(length, buffer_.size()));
  return r;
}

HttpReply HttpConnection::Request(const std::string& method, const std::string& target, const std::string& body,
                                  const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  bool has_type = false;
  for (const auto& [k, v] : headers) {
    req += k + ": " + v + "\r\n";
    has_type = has_type || k == "Content-Type";
  }
  if (!body.empty() && !has_type) req += "Content-Type: application/json\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  if (!SendRaw(req)) return {};
  return ReadReply();
}

// ---------------------------------------------------------------- fixture

namespace {
std::shared_ptr<const linkage::NameTables> Tables() {
  static auto tables = [] {
    auto t = linkage::LoadNameTables();
    EXPECT_TRUE(t.ok()) << t.error().message;
    return t.ok() ? *t : nullptr;
  }();
  return tables;
}
}  // namespace

http::AppOptions ServerTest::DefaultOptions() {
  http::AppOptions o;
  o.password_cost = http::PasswordCost::Minimum();
  o.throttle.free_attempts = 3;
  o.throttle.base = std::chrono::seconds(2);
  return o;
}

std::unique_ptr<Store> ServerTest::OpenStore() {
  auto s = OpenSqliteStore(db_path_, Key(), catalog_);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return s.ok() ? std::move(*s) : nullptr;
}

void ServerTest::StartServer(http::AppOptions options, http::ServerOptions server_options) {
  if (db_path_.empty()) {
    auto c = Catalog::Load(DOSSIER_SOURCE_DIR "/data");
    ASSERT_TRUE(c.ok()) << c.error().message;
    catalog_ = std::move(*c);
    db_path_ = dir_.File("dossier.db");
    ASSERT_TRUE(crypto::CreateKeyFile(dir_.File("key")).ok());
    ASSERT_TRUE(InitSqliteDatabase(db_path_, Key()).ok());
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    store->SetActor("setup");
    for (const auto& role : kRoles) {
      UserAccount u;
      u.name = role;
      u.role = role;
      u.password_hash = *http::HashPassword("correct horse battery", http::PasswordCost::Minimum());
      ASSERT_TRUE(store->PutUser(u).ok());
    }
  }
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < 2; ++i) stores.push_back(OpenStore());
  auto app = http::App::Create(options, std::move(stores), Tables());
  ASSERT_TRUE(app.ok()) << app.error().message;
  app_ = std::move(*app);
  server_options.address = "127.0.0.1";
  server_options.port = 0;
  server_options.threads = 2;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*access_log_);
  server_options.access_log = std::make_shared<spdlog::logger>("access-test", sink);
  server_options.access_log->set_pattern("%v");
  server_ = std::make_unique<http::Server>(server_options, [this](const http::Request& r) { return app_->Handle(r); });
  ASSERT_TRUE(server_->Listen().ok());
  port_ = server_->port();
  server_thread_ = std::thread([this] { server_->Run(false); });
}

void ServerTest::StopServer() {
  if (!server_) return;
  server_->Stop();
  if (server_thread_.joinable()) server_thread_.join();
  server_.reset();
  app_.reset();
}

HttpReply ServerTest::Call(const std::string& method, const std::string& target, const std::string& body,
                           const Login* login, std::vector<std::pair<std::string, std::string>> headers) {
  HttpConnection c(port_);
  EXPECT_TRUE(c.ok());
  if (login) {
    headers.emplace_back("Cookie", login->cookie);
    if (method != "GET") headers.emplace_back("X-CSRF-Token", login->csrf);
  }
  return c.Request(method, target, body, headers);
}

Login ServerTest::SignIn(const std::string& user, const std::string& password) {
  HttpReply r = Call("POST", "/api/v1/session", nlohmann::json{{"username", user}, {"password", password}}.dump());
  EXPECT_EQ(r.status, 200) << r.body;
  Login l;
  std::string set = r.Header("set-cookie");
  l.cookie = set.substr(0, set.find(';'));
  auto j = r.Json();
  if (j.is_object() && j.contains("csrf_token")) l.csrf = j["csrf_token"];
  return l;
}

int64_t ServerTest::AuditEntries() {
  auto s = OpenStore();
  auto report = s->Verify();
  EXPECT_TRUE(report.ok());
  return report.ok() ? report->entries : -1;
}

int64_t ServerTest::Records() {
  auto s = OpenStore();
  int64_t n = 0;
  for (RecordKind k : {RecordKind::kSource, RecordKind::kPerson, RecordKind::kIncident, RecordKind::kAct,
                       RecordKind::kInvolvement}) {
    n += *s->Count(k);
  }
  return n;
}

// ---------------------------------------------------------------- records

nlohmann::json SourceJson(const std::string& id, bool restricted) {
  return {{"id", id},
          {"kind", "testimony"},
          {"title", "Testimony " + id},
          {"language", "ko"},
          {"text", "SECRET-TESTIMONY-TEXT " + id},
          {"contact", "SECRET-CONTACT " + id},
          {"sensitivity", restricted ? "restricted" : "internal"}};
}

nlohmann::json PersonJson(const std::string& id, const std::string& name, const std::string& source_id,
                          bool restricted) {
  return {{"id", id},
          {"names", {{{"value", name}, {"script", "hangul"}, {"kind", "legal"}}}},
          {"sex", "female"},
          {"birth_date", "1984-07-19"},
          {"origin", "kp-nh-onsong"},
          {"sensitivity", restricted ? "restricted" : "internal"},
          {"notes", "SECRET-NOTES " + id},
          {"source_ids", {source_id}}};
}

nlohmann::json IncidentJson(const std::string& id, const std::string& source_id) {
  return {{"id", id},
          {"type", "arrest"},
          {"title", "Arrest in Tumen"},
          {"start", "2011-12"},
          {"place", "cn-jl-tumen"},
          {"perpetrator_orgs", {"prc_mps"}},
          {"source_ids", {source_id}}};
}

nlohmann::json ActJson(const std::string& id, const std::string& incident_id, const std::string& person_id,
                       const std::string& source_id) {
  return {{"id", id},
          {"incident_id", incident_id},
          {"victim_id", person_id},
          {"violations", {"arbitrary_detention"}},
          {"source_ids", {source_id}}};
}

nlohmann::json InvolvementJson(const std::string& id, const std::string& act_id, const std::string& source_id) {
  return {{"id", id},
          {"act_id", act_id},
          {"perpetrator_org", "prc_mps"},
          {"degree", "carried_out"},
          {"source_ids", {source_id}}};
}

}  // namespace dossier::testing
