// What a group of API routes needs from the application. Each subsystem's routes live in a file of
// their own (api_cases.cpp, api_review.cpp, ...) with one Add...Routes function declared at the end
// of this header, and one Describe...Routes function adding its part of the OpenAPI document
// (openapi.h). api.cpp owns dispatch: it matches the path, checks the session, the CSRF token and
// the route's permission, parses a JSON body, leases a store connection, then calls the handler.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/model.h"
#include "domain/result.h"
#include "http/api.h"
#include "http/auth.h"
#include "http/message.h"
#include "store/store.h"

namespace dossier::http {

using nlohmann::json;
using nlohmann::ordered_json;

inline constexpr std::string_view kApiPrefix = "/api/v1";
inline constexpr size_t kMaxListLimit = 500;

// One request as a handler sees it.
struct Ctx {
  const Request& req;
  std::vector<std::string> params;  // decoded path parameters, in template order
  std::multimap<std::string, std::string> query;
  std::optional<SessionInfo> session;  // set for every route that is not public
  json body;                           // parsed JSON body of POST, PUT and PATCH
  Store* store = nullptr;              // leased for this request; actor already set
  bool secure = false;                 // the client reached us over TLS
  std::string client_address;         // for throttling
  bool sees_restricted() const { return session && SeesRestricted(session->role); }
};

using Handler = std::function<Response(Ctx&)>;

struct Route {
  std::string method;
  std::string path;  // template; "{name}" segments are parameters
  Permission permission;
  std::vector<std::string> query_params;  // accepted query parameters; others are refused
  Handler handler;
  std::vector<std::string> segments;
  bool streamed_upload = false;  // takes an application/octet-stream body piece by piece (AddUpload)
};

// The routing table. Literal segments must be added before a parameter at the same place
// ("/cases/overdue" before "/cases/{id}"): the first match wins.
class RouteTable {
 public:
  void Add(std::string method, std::string path, Permission permission, std::vector<std::string> query,
           Handler handler);
  // A route whose body is a file streamed as application/octet-stream (Request::body_pending):
  // the handler runs once on the headers (return Response::upload to take the body), then again
  // with Request::upload set when the body is in.
  void AddUpload(std::string method, std::string path, Permission permission, std::vector<std::string> query,
                 Handler handler);
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// What the application shares with route modules.
struct ApiServices {
  const AppOptions& options;
  // Writes go one at a time, so in-memory indexes follow the database in commit order. Hold it
  // around every write transaction.
  std::mutex& write_mu;
  // A person as the caller's role may see it: restricted persons become a pseudonym for analysts
  // and viewers (no name, birth date or family link).
  std::function<ordered_json(const Person&, const Ctx&)> person_json;
  // The name normalisation tables the server loaded (for running the linkage).
  std::shared_ptr<const linkage::NameTables> name_tables;
};

// ---- response and request helpers

Response Json(int status, const ordered_json& body);
Response NoContent();
Response Invalid(std::string message);  // 400 with the message (which names the field)
Response Raw(std::string body);         // 200 with a body that is already JSON text

// A whole number from the query string in [min, max]; absent = nullopt. Errors name the parameter.
Result<std::optional<int64_t>> QueryInt(const Ctx& c, const std::string& name, int64_t min, int64_t max);
std::string QueryText(const Ctx& c, const std::string& name);
// Strict decoding of small request objects: unknown fields and wrong types are errors naming the
// field; missing fields are the caller's to check.
Status CheckFields(const json& body, const char* what, const std::map<std::string, json::value_t>& allowed);

// ---- route modules, one file each

void AddCaseRoutes(RouteTable& table, ApiServices& services);  // api_cases.cpp
void AddReviewRoutes(RouteTable& table, ApiServices& services);  // api_review.cpp
void AddEvidenceRoutes(RouteTable& table, ApiServices& services);  // api_evidence.cpp
void AddEstimateRoutes(RouteTable& table, ApiServices& services);  // api_estimate.cpp
void AddIngestRoutes(RouteTable& table, ApiServices& services);  // api_ingest.cpp
void AddReportRoutes(RouteTable& table, ApiServices& services);  // api_reports.cpp
void AddAlertRoutes(RouteTable& table, ApiServices& services);  // api_alerts.cpp

}  // namespace dossier::http
