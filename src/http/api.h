// The JSON API of docs/api.md and the static web application, over the plain Request/Response
// of message.h. One App serves every worker thread: it owns one Store connection per worker
// (checked out per request; SQLite in WAL mode lets readers run side by side while writes take
// turns), the in-memory sessions, the login throttle and the search index.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "domain/result.h"
#include "http/auth.h"
#include "http/message.h"
#include "http/search.h"
#include "linkage/names.h"
#include "store/store.h"

namespace dossier::http {

struct AppOptions {
  // Set the cookie's Secure flag on every response (TLS terminated by a proxy in front).
  bool behind_tls = false;
  // Proxies whose X-Forwarded-Proto and X-Forwarded-For are believed (exact IP addresses).
  std::vector<std::string> trusted_proxies;
  std::string web_root;  // built web application; empty = none
  std::chrono::seconds session_idle{30 * 60};
  std::chrono::seconds session_absolute{12 * 60 * 60};
  ThrottleOptions throttle;
  PasswordCost password_cost = PasswordCost::Interactive();
  // Called after an approval queued deliveries, so the delivery worker sends them at once.
  std::function<void()> on_deliveries_queued;
};

class App {
 public:
  // Takes the store connections (at least one; all on the same database, unlocked with the same
  // key) and builds the search and dashboard indexes from them.
  static Result<std::unique_ptr<App>> Create(AppOptions options, std::vector<std::unique_ptr<Store>> stores,
                                             std::shared_ptr<const linkage::NameTables> tables);
  ~App();

  // Thread-safe.
  Response Handle(const Request& request);

  struct RouteInfo {
    std::string method;
    std::string path;  // template, e.g. "/api/v1/persons/{id}"
  };
  std::vector<RouteInfo> Routes() const;
  const NameIndex& name_index() const;

 private:
  struct Impl;
  explicit App(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The OpenAPI 3 description served at /api/v1/openapi.json (written by hand in openapi.cpp).
const std::string& OpenApiDocument();

// The built web application compiled in (DOSSIER_WEB_DIR), served unless --web-root says otherwise.
std::string DefaultWebRoot();

// The security headers every response carries.
void AddSecurityHeaders(Response& response, bool api);

}  // namespace dossier::http
