// Pieces for writing the OpenAPI 3 document by hand. Each route module describes its own routes
// in a Describe...Routes function next to its Add...Routes (routes.h); openapi.cpp puts the
// document together, and tests/http/openapi_test.cpp checks it names exactly the routes served.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace dossier::http {

struct OpenApi {
  nlohmann::ordered_json paths;    // "/api/v1/..." -> method -> operation
  nlohmann::ordered_json schemas;  // components.schemas
};

void DescribeCaseRoutes(OpenApi& api);  // api_cases.cpp
void DescribeReviewRoutes(OpenApi& api);  // api_review.cpp
void DescribeEvidenceRoutes(OpenApi& api);  // api_evidence.cpp
void DescribeEstimateRoutes(OpenApi& api);  // api_estimate.cpp
void DescribeIngestRoutes(OpenApi& api);  // api_ingest.cpp
void DescribeReportRoutes(OpenApi& api);  // api_reports.cpp
void DescribeAlertRoutes(OpenApi& api);  // api_alerts.cpp

namespace openapi {

using nlohmann::ordered_json;

ordered_json Ref(const std::string& schema_name);
ordered_json JsonContent(const ordered_json& schema);
// A response with a JSON body.
ordered_json Reply(const std::string& description, const ordered_json& schema);
ordered_json Param(const std::string& name, const std::string& in, const std::string& type, bool required = false);
// An operation; every error status is added with the Error schema.
ordered_json Operation(const std::string& summary, ordered_json responses, ordered_json params = ordered_json::array(),
                       const ordered_json& body = nullptr);
ordered_json Object(ordered_json properties, ordered_json required = ordered_json::array());

}  // namespace openapi

}  // namespace dossier::http
