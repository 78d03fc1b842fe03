// The OpenAPI document names exactly the routes the router serves.
#include <gtest/gtest.h>

#include <set>

#include "http_fixture.h"

namespace dossier::testing {
namespace {

class OpenApiTest : public ServerTest {};

TEST_F(OpenApiTest, DocumentAndRouterAgree) {
  std::set<std::pair<std::string, std::string>> routed, documented;
  for (const auto& r : app_->Routes()) {
    std::string m = r.method;
    for (char& c : m) c = static_cast<char>(std::tolower(c));
    routed.emplace(m, r.path);
  }
  HttpReply reply = Call("GET", "/api/v1/openapi.json");
  ASSERT_EQ(reply.status, 200);
  auto doc = reply.Json();
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      documented.emplace(method, path);
      EXPECT_TRUE(op.contains("responses")) << method << " " << path;
    }
  }
  for (const auto& r : routed) EXPECT_TRUE(documented.count(r)) << "routed but not documented: " << r.first << " " << r.second;
  for (const auto& d : documented) EXPECT_TRUE(routed.count(d)) << "documented but not routed: " << d.first << " " << d.second;
  EXPECT_GE(routed.size(), 40u);
}

}  // namespace
}  // namespace dossier::testing
