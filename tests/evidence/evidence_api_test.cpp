// Evidence over HTTP against a real server on 127.0.0.1: streamed upload and download, role checks,
// custody entries, and uploads that are refused or cut short leaving nothing behind.
#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>
#include <random>

#include "../http/http_fixture.h"
#include "crypto/secret.h"

namespace dossier::testing {
namespace {

namespace fs = std::filesystem;

std::string Sha256Hex(const std::string& bytes) {
  uint8_t out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return crypto::ToHex(out);
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

class EvidenceApiTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    admin_ = SignIn("administrator");
    doc_ = SignIn("documenter");
    ASSERT_EQ(Call("POST", "/api/v1/sources", SourceJson("src-open"), &doc_).status, 201);
    ASSERT_EQ(Call("POST", "/api/v1/sources", SourceJson("src-closed", /*restricted=*/true), &doc_).status, 201);
  }

  HttpReply Upload(const Login& who, const std::string& source, const std::string& bytes,
                   const std::string& query = "filename=gate.jpg&method=photograph&acquired_by=Field%20worker%20Choi",
                   const std::string& type = "application/octet-stream") {
    return Call("POST", "/api/v1/sources/" + source + "/evidence?" + query, bytes, &who, {{"Content-Type", type}});
  }

  std::string VaultDir() const { return db_path_ + ".vault"; }
  size_t FilesInVault() const {
    size_t n = 0;
    std::error_code ec;
    if (!fs::exists(VaultDir())) return 0;
    for (const auto& e : fs::recursive_directory_iterator(VaultDir(), ec)) n += e.is_regular_file() ? 1 : 0;
    return n;
  }
  int64_t Items() { return static_cast<int64_t>(OpenStore()->ListEvidence("", 10, 0)->total); }

  Login admin_, doc_;
};

TEST_F(EvidenceApiTest, AnUploadedFileDownloadsByteForByteAndEachDownloadIsInItsCustody) {
  const std::string bytes = RandomBytes(300000, 7);
  HttpReply up = Upload(doc_, "src-open", bytes);
  ASSERT_EQ(up.status, 201) << up.body;
  const std::string sha = up.Json()["sha256"];
  EXPECT_EQ(sha, Sha256Hex(bytes));
  EXPECT_EQ(up.Json()["size"], 300000);
  EXPECT_EQ(up.Json()["filename"], "gate.jpg");
  EXPECT_EQ(up.Json()["media_type"], "image/jpeg");
  EXPECT_EQ(up.Json()["acquired_by"], "Field worker Choi");

  HttpReply list = Call("GET", "/api/v1/sources/src-open/evidence", "", &doc_);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.Json()["total"], 1);
  EXPECT_EQ(list.Json()["items"][0]["sha256"], sha);

  for (const char* role : {"documenter", "analyst", "viewer"}) {
    Login who = SignIn(role);
    HttpReply down = Call("GET", "/api/v1/evidence/" + sha, "", &who);
    ASSERT_EQ(down.status, 200) << role;
    EXPECT_EQ(down.body, bytes) << role;
    EXPECT_EQ(down.Header("content-type"), "application/octet-stream");
    EXPECT_NE(down.Header("content-disposition").find("attachment"), std::string::npos);
  }
  HttpReply custody = Call("GET", "/api/v1/evidence/" + sha + "/custody", "", &admin_);
  ASSERT_EQ(custody.status, 200);
  auto entries = custody.Json()["entries"];
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0]["action"], "acquire");
  EXPECT_EQ(entries[0]["actor"], "documenter");
  EXPECT_EQ(entries[3]["action"], "evidence_access");
  EXPECT_EQ(entries[3]["actor"], "viewer");
  // The metadata travelled in the query string, which the access log never holds.
  EXPECT_EQ(access_log_->str().find("Choi"), std::string::npos);
  EXPECT_NE(access_log_->str().find("/api/v1/sources/{id}/evidence"), std::string::npos);
}

TEST_F(EvidenceApiTest, OnlyDocumentersAndAboveUpload) {
  for (const char* role : {"analyst", "viewer"}) {
    Login who = SignIn(role);
    HttpReply r = Upload(who, "src-open", "bytes from a " + std::string(role));
    EXPECT_EQ(r.status, 403) << role;
  }
  for (const char* role : {"administrator", "case_officer"}) {
    Login who = SignIn(role);
    EXPECT_EQ(Upload(who, "src-open", "bytes from a " + std::string(role)).status, 201) << role;
  }
  EXPECT_EQ(Items(), 2);
}

TEST_F(EvidenceApiTest, AnalystsAndViewersNeverDownloadEvidenceOfARestrictedSource) {
  HttpReply up = Upload(doc_, "src-closed", "a restricted witness's photograph");
  ASSERT_EQ(up.status, 201) << up.body;
  const std::string sha = up.Json()["sha256"];
  for (const char* role : {"analyst", "viewer"}) {
    Login who = SignIn(role);
    EXPECT_EQ(Call("GET", "/api/v1/evidence/" + sha, "", &who).status, 403) << role;
    HttpReply list = Call("GET", "/api/v1/sources/src-closed/evidence", "", &who);
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.body.find("gate.jpg"), std::string::npos);
    EXPECT_EQ(list.body.find("Choi"), std::string::npos);
    EXPECT_EQ(list.Json()["items"][0]["downloadable"], false);
  }
  Login officer = SignIn("case_officer");
  EXPECT_EQ(Call("GET", "/api/v1/evidence/" + sha, "", &officer).body, "a restricted witness's photograph");
  // Refused downloads leave no custody entry.
  EXPECT_EQ(OpenStore()->CustodyLog(sha)->size(), 2u);
}

TEST_F(EvidenceApiTest, BadUploadsAreRefusedWithAClearErrorAndStoreNothing) {
  HttpReply unknown = Upload(doc_, "src-nowhere", "bytes");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("source_id"), std::string::npos) << unknown.body;
  HttpReply empty = Upload(doc_, "src-open", "");
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(empty.body.find("empty"), std::string::npos) << empty.body;
  HttpReply method = Upload(doc_, "src-open", "bytes", "method=stolen");
  EXPECT_EQ(method.status, 400);
  EXPECT_NE(method.body.find("method"), std::string::npos) << method.body;
  HttpReply json = Upload(doc_, "src-open", "{}", "", "application/json");
  EXPECT_EQ(json.status, 415);
  HttpReply csrf = Call("POST", "/api/v1/sources/src-open/evidence", "bytes", nullptr,
                        {{"Content-Type", "application/octet-stream"}, {"Cookie", doc_.cookie}});
  EXPECT_EQ(csrf.status, 403);
  ASSERT_EQ(Upload(doc_, "src-open", "the same bytes").status, 201);
  EXPECT_EQ(Upload(doc_, "src-open", "the same bytes").status, 409);
  EXPECT_EQ(Items(), 1);
  EXPECT_EQ(FilesInVault(), 1u);
}

TEST_F(EvidenceApiTest, AnUploadCutShortLeavesNothingStored) {
  {
    HttpConnection c(port_);
    ASSERT_TRUE(c.ok());
    const std::string head = "POST /api/v1/sources/src-open/evidence?filename=cut.mp4 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Content-Type: application/octet-stream\r\nContent-Length: 1000000\r\nCookie: " +
                             doc_.cookie + "\r\nX-CSRF-Token: " + doc_.csrf + "\r\n\r\n";
    ASSERT_TRUE(c.SendRaw(head + RandomBytes(400000, 9)));
    // Wait until the server has taken some of the body into the vault.
    for (int i = 0; i < 100 && FilesInVault() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(FilesInVault(), 1u);
  }  // the client goes away
  for (int i = 0; i < 250 && FilesInVault() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(FilesInVault(), 0u);
  EXPECT_EQ(Items(), 0);
  // The server goes on serving.
  EXPECT_EQ(Upload(doc_, "src-open", "after the cut").status, 201);
}

TEST_F(EvidenceApiTest, AFileLargerThanARequestBodyStreamsInAfterAHundredContinue) {
  // The server's request-body limit is 1 MiB; evidence is streamed past it. The client asks
  // first ("Expect: 100-continue") and sends the body only once the server has agreed.
  const std::string bytes = RandomBytes(3 << 20, 11);
  HttpConnection c(port_);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c.SendRaw("POST /api/v1/sources/src-open/evidence?filename=scan.pdf HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "Content-Type: application/octet-stream\r\nExpect: 100-continue\r\nContent-Length: " +
                        std::to_string(bytes.size()) + "\r\nCookie: " + doc_.cookie + "\r\nX-CSRF-Token: " +
                        doc_.csrf + "\r\n\r\n"));
  ASSERT_EQ(c.ReadReply().status, 100);
  ASSERT_TRUE(c.SendRaw(bytes));
  HttpReply up = c.ReadReply();
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(up.Json()["sha256"], Sha256Hex(bytes));
  EXPECT_EQ(up.Json()["size"], 3 << 20);

  // A JSON body over the limit is still refused, from its Content-Length, and nothing is written.
  HttpReply big = Call("POST", "/api/v1/sources", std::string((1 << 20) + 1, ' '), &doc_);
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.Json()["error"]["code"], "too_large");
  EXPECT_EQ(Items(), 1);
}

TEST_F(EvidenceApiTest, ASourceWithEvidenceCannotBeDeleted) {
  ASSERT_EQ(Upload(doc_, "src-open", "an original that must outlive no source").status, 201);
  HttpReply del = Call("DELETE", "/api/v1/sources/src-open", "", &admin_);
  EXPECT_EQ(del.status, 409) << del.body;
  EXPECT_NE(del.body.find("evidence files still refer to it"), std::string::npos) << del.body;
  EXPECT_EQ(Call("GET", "/api/v1/sources/src-open", "", &doc_).status, 200);
  EXPECT_EQ(Items(), 1);
}

TEST_F(EvidenceApiTest, UnknownEvidenceIsNotFoundAndViewersDoNotReadCustody) {
  EXPECT_EQ(Call("GET", "/api/v1/evidence/" + std::string(64, 'a'), "", &doc_).status, 404);
  HttpReply up = Upload(doc_, "src-open", "x");
  ASSERT_EQ(up.status, 201);
  Login viewer = SignIn("viewer");
  EXPECT_EQ(Call("GET", "/api/v1/evidence/" + up.Json()["sha256"].get<std::string>() + "/custody", "", &viewer).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/evidence/" + up.Json()["sha256"].get<std::string>() + "/info", "", &viewer).status, 200);
}

}  // namespace
}  // namespace dossier::testing
