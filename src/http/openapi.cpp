// The OpenAPI 3 description of /api/v1, written by hand after docs/api.md. A test checks that it
// names exactly the routes the router serves (tests/http/openapi_test.cpp).
#include <nlohmann/json.hpp>

#include "http/api.h"
#include "http/openapi.h"

namespace dossier::http::openapi {

ordered_json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

ordered_json JsonContent(const ordered_json& schema) { return {{"application/json", {{"schema", schema}}}}; }

ordered_json Reply(const std::string& description, const ordered_json& schema) {
  return {{"description", description}, {"content", JsonContent(schema)}};
}

ordered_json Errors() {
  ordered_json out = ordered_json::object();
  for (const char* code : {"400", "401", "403", "404", "409", "413", "415", "429", "500"}) {
    out[code] = Reply("error", Ref("Error"));
  }
  return out;
}

ordered_json Param(const std::string& name, const std::string& in, const std::string& type, bool required) {
  return {{"name", name}, {"in", in}, {"required", required}, {"schema", {{"type", type}}}};
}

ordered_json Operation(const std::string& summary, ordered_json responses, ordered_json params,
                       const ordered_json& body) {
  ordered_json op = {{"summary", summary}, {"parameters", std::move(params)}};
  ordered_json all = Errors();
  for (auto& [k, v] : responses.items()) all[k] = v;
  op["responses"] = all;
  if (!body.is_null()) op["requestBody"] = {{"required", true}, {"content", JsonContent(body)}};
  return op;
}

ordered_json Object(ordered_json props, ordered_json required) {
  return {{"type", "object"}, {"properties", std::move(props)}, {"required", std::move(required)}};
}

}  // namespace dossier::http::openapi

namespace dossier::http {

namespace {

using namespace openapi;

ordered_json Build() {
  ordered_json paths = ordered_json::object();
  const ordered_json id = ordered_json::array({Param("id", "path", "string", true)});

  paths["/api/v1/health"]["get"] = Operation("Liveness check (no session needed)", {{"200", Reply("ok", {{"type", "object"}})}});
  paths["/api/v1/openapi.json"]["get"] = Operation("This document", {{"200", Reply("OpenAPI 3 document", {{"type", "object"}})}});
  paths["/api/v1/session"]["post"] =
      Operation("Sign in; sets the dossier_session cookie", {{"200", Reply("signed in", Ref("Session"))}}, ordered_json::array(),
                Ref("SignIn"));
  paths["/api/v1/session"]["get"] = Operation("The current session", {{"200", Reply("signed in", Ref("Session"))}});
  paths["/api/v1/session"]["delete"] = Operation("Sign out", {{"204", {{"description", "signed out"}}}});

  const std::pair<const char*, const char*> collections[] = {
      {"sources", "Source"}, {"persons", "Person"}, {"incidents", "Incident"}, {"acts", "Act"}, {"involvements", "Involvement"}};
  for (const auto& [collection, schema] : collections) {
    const std::string base = std::string("/api/v1/") + collection;
    ordered_json filters = ordered_json::array();
    for (const char* f : {"limit", "offset", "year_from", "year_to"}) filters.push_back(Param(f, "query", "integer"));
    for (const char* f : {"type", "place", "source_id", "incident_id", "person_id", "act_id"}) {
      filters.push_back(Param(f, "query", "string"));
    }
    ordered_json page = {{"type", "object"},
                         {"properties",
                          {{"items", {{"type", "array"}, {"items", Ref(schema)}}},
                           {"total", {{"type", "integer"}}},
                           {"limit", {{"type", "integer"}}},
                           {"offset", {{"type", "integer"}}}}}};
    paths[base]["get"] = Operation(std::string("List ") + collection, {{"200", Reply("a page", page)}}, filters);
    paths[base]["post"] = Operation(std::string("Create one of ") + collection, {{"201", Reply("created", Ref(schema))}},
                                    ordered_json::array(), Ref(schema));
    paths[base + "/{id}"]["get"] = Operation("Read one record", {{"200", Reply("the record", Ref(schema))}}, id);
    paths[base + "/{id}"]["put"] = Operation("Replace one record", {{"200", Reply("the record as stored", Ref(schema))}}, id, Ref(schema));
    paths[base + "/{id}"]["delete"] = Operation("Delete one record", {{"204", {{"description", "deleted"}}}}, id);
    paths[base + "/{id}/history"]["get"] = Operation("Audit history of one record", {{"200", Reply("history", Ref("History"))}}, id);
  }
  paths["/api/v1/search"]["get"] = Operation(
      "Find persons by name in any script or romanisation",
      {{"200", Reply("hits", {{"type", "object"},
                           {"properties",
                            {{"items", {{"type", "array"},
                                        {"items", {{"type", "object"},
                                                   {"properties",
                                                    {{"person", Ref("Person")},
                                                     {"matched", {{"type", "string"}}},
                                                     {"score", {{"type", "number"}}}}}}}}}}}})}},
      ordered_json::array({Param("q", "query", "string", true), Param("limit", "query", "integer")}));
  paths["/api/v1/vocabularies"]["get"] = Operation("Controlled vocabularies", {{"200", Reply("vocabularies", {{"type", "object"}})}});
  paths["/api/v1/gazetteer"]["get"] = Operation("Places", {{"200", Reply("places", {{"type", "object"}})}});
  paths["/api/v1/dashboard"]["get"] = Operation("Counts and recent changes", {{"200", Reply("dashboard", {{"type", "object"}})}});
  paths["/api/v1/users"]["get"] = Operation("List accounts (administrator)", {{"200", Reply("accounts", {{"type", "object"}, {"properties", {{"items", {{"type", "array"}, {"items", Ref("User")}}}}}})}});
  paths["/api/v1/users"]["post"] = Operation("Create an account (administrator)", {{"201", Reply("created", Ref("User"))}},
                                             ordered_json::array(), Ref("NewUser"));
  paths["/api/v1/users/{name}"]["put"] =
      Operation("Change role, password or state (administrator)", {{"200", Reply("the account", Ref("User"))}},
                ordered_json::array({Param("name", "path", "string", true)}), Ref("UserChange"));
  paths["/api/v1/verify"]["get"] = Operation("Check the audit chain and the stored rows (administrator)",
                                             {{"200", Reply("report", Ref("VerifyReport"))}});

  auto obj = [](ordered_json props, ordered_json required = ordered_json::array()) {
    return ordered_json{{"type", "object"}, {"properties", std::move(props)}, {"required", std::move(required)}};
  };
  const ordered_json str = {{"type", "string"}};
  ordered_json schemas = {
      {"Error", obj({{"error", obj({{"code", str}, {"message", str}, {"field", {{"type", "string"}, {"nullable", true}}}},
                                  {"code", "message", "field"})}}, {"error"})},
      {"SignIn", obj({{"username", str}, {"password", str}, {"totp", str}}, {"username", "password"})},
      {"Session", obj({{"user", obj({{"name", str}, {"role", str}})}, {"csrf_token", str}})},
      {"User", obj({{"name", str}, {"role", str}, {"disabled", {{"type", "boolean"}}}, {"totp", {{"type", "boolean"}}}})},
      {"NewUser", obj({{"name", str}, {"role", str}, {"password", str}}, {"name", "role", "password"})},
      {"UserChange", obj({{"role", str}, {"password", str}, {"disabled", {{"type", "boolean"}}}})},
      {"VerifyReport", obj({{"ok", {{"type", "boolean"}}}, {"entries", {{"type", "integer"}}}, {"records", {{"type", "integer"}}},
                            {"problems", {{"type", "array"}, {"items", str}}}})},
      {"History", obj({{"entries", {{"type", "array"},
                                    {"items", obj({{"seq", {{"type", "integer"}}}, {"at", str}, {"actor", str}, {"action", str},
                                                   {"fields", {{"type", "array"}, {"items", str}}},
                                                   {"changes", {{"type", "object"}}}})}}}})},
      {"Source", {{"type", "object"}, {"description", "Interchange JSON of a source (docs/interchange.md)"}}},
      {"Person", {{"type", "object"}, {"description", "Interchange JSON of a person, plus pseudonym and redacted"}}},
      {"Incident", {{"type", "object"}, {"description", "Interchange JSON of an incident"}}},
      {"Act", {{"type", "object"}, {"description", "Interchange JSON of an act"}}},
      {"Involvement", {{"type", "object"}, {"description", "Interchange JSON of an involvement"}}},
  };
  OpenApi api{std::move(paths), std::move(schemas)};
  DescribeCaseRoutes(api);
  DescribeReviewRoutes(api);
  DescribeEvidenceRoutes(api);
  DescribeEstimateRoutes(api);
  DescribeIngestRoutes(api);
  DescribeReportRoutes(api);
  DescribeAlertRoutes(api);
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "Dossier API"}, {"version", "1"}, {"description", "See docs/api.md"}}},
          {"servers", ordered_json::array({{{"url", "/"}}})},
          {"components",
           {{"schemas", api.schemas},
            {"securitySchemes", {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "dossier_session"}}}}}}},
          {"security", ordered_json::array({{{"session", ordered_json::array()}}})},
          {"paths", api.paths}};
}

}  // namespace

const std::string& OpenApiDocument() {
  static const std::string kDocument = Build().dump();
  return kDocument;
}

}  // namespace dossier::http
