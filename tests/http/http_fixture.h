// Test support for src/http: a temporary directory, a blocking HTTP/1.1 client on plain sockets,
// and a fixture running the real server (App + Server) on 127.0.0.1 with an ephemeral port over a
// fresh SQLite database with one account per role.
#pragma once

#include <gtest/gtest.h>

#include <concepts>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/api.h"
#include "http/server.h"
#include "store/store.h"

namespace dossier::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  std::string path() const { return path_.string(); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; repeated headers joined by "\n"
  std::string body;
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// One TCP connection; requests are sent on it one after another (keep-alive).
class HttpConnection {
 public:
  explicit HttpConnection(uint16_t port);
  ~HttpConnection();
  bool ok() const { return fd_ >= 0; }
  bool SendRaw(const std::string& bytes);
  // Reads one response; status 0 when the connection closed first.
  HttpReply ReadReply();
  HttpReply Request(const std::string& method, const std::string& target, const std::string& body = "",
                    const std::vector<std::pair<std::string, std::string>>& headers = {});

 private:
  int fd_ = -1;
  std::string buffer_;
};

struct Login {
  std::string cookie;  // "dossier_session=..."
  std::string csrf;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(); }
  void TearDown() override { StopServer(); }

  // Creates the database and accounts (first call only) and starts a server with `options`.
  void StartServer(http::AppOptions options = DefaultOptions(), http::ServerOptions server_options = {});
  void StopServer();
  static http::AppOptions DefaultOptions();

  std::unique_ptr<Store> OpenStore();
  crypto::KeySource Key() const { return {crypto::KeySource::Kind::kKeyFile, dir_.File("key"), ""}; }

  // Sends one request on a new connection.
  HttpReply Call(const std::string& method, const std::string& target, const std::string& body = "",
                 const Login* login = nullptr, std::vector<std::pair<std::string, std::string>> headers = {});
  template <typename J>
    requires std::same_as<std::decay_t<J>, nlohmann::json>
  HttpReply Call(const std::string& method, const std::string& target, J&& body, const Login* login) {
    return Call(method, target, body.dump(), login);
  }
  Login SignIn(const std::string& user, const std::string& password = "correct horse battery");

  // Audit entries, and records of every kind, counted on a separate connection.
  int64_t AuditEntries();
  int64_t Records();

  TempDir dir_;
  std::string db_path_;
  Catalog catalog_;
  std::unique_ptr<http::App> app_;
  std::unique_ptr<http::Server> server_;
  std::thread server_thread_;
  uint16_t port_ = 0;
  std::shared_ptr<std::ostringstream> access_log_ = std::make_shared<std::ostringstream>();
  static inline const std::vector<std::string> kRoles = {"administrator", "case_officer", "documenter", "analyst",
                                                         "viewer"};
};

// Valid records for the demo catalog.
nlohmann::json SourceJson(const std::string& id, bool restricted = false);
nlohmann::json PersonJson(const std::string& id, const std::string& name, const std::string& source_id,
                          bool restricted = false);
nlohmann::json IncidentJson(const std::string& id, const std::string& source_id);
nlohmann::json ActJson(const std::string& id, const std::string& incident_id, const std::string& person_id,
                       const std::string& source_id);
nlohmann::json InvolvementJson(const std::string& id, const std::string& act_id, const std::string& source_id);

}  // namespace dossier::testing
