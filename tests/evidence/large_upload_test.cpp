// A 2 GiB file streamed through the real `dossier serve` process, in and out, while the server's
// peak resident memory (VmHWM) grows by far less than the file's size. The client side generates the
// bytes as it sends them, so no 2 GiB file is needed; the vault holds ~2 GiB on disk until the
// temporary directory is removed at the end.
//
// Label "large". The binary is the one of this build, or $DOSSIER_LARGE_TEST_BIN (for example a
// release build's, when sanitizers make the debug one too slow).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "../support/run.h"
#include "../support/temp_dir.h"
#include "crypto/secret.h"

namespace dossier::testing {
namespace {

constexpr uint64_t kFileSize = uint64_t{2} << 30;
// What streaming 2 GiB may add to the server's peak resident memory. A growth limit rather than an
// absolute one: a sanitizer build starts at ~420 MiB (a release build at ~90 MiB) and neither grows.
constexpr uint64_t kMemoryGrowthLimit = uint64_t{64} << 20;

std::string Binary() {
  const char* env = std::getenv("DOSSIER_LARGE_TEST_BIN");
  return env && *env ? env : DOSSIER_BIN;
}

// Peak resident set of a process, from /proc/<pid>/status (bytes).
uint64_t PeakRss(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("VmHWM:")) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

// A blocking HTTP/1.1 client on one connection that streams bodies both ways.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
    timeval tv{120, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Client() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool Send(const void* data, size_t n) {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
      ssize_t w = ::send(fd_, p, n, MSG_NOSIGNAL);
      if (w <= 0) return false;
      p += w;
      n -= static_cast<size_t>(w);
    }
    return true;
  }
  bool Send(const std::string& s) { return Send(s.data(), s.size()); }
  // Reads the status line and headers; returns the status, fills content length and headers.
  int ReadHead(uint64_t& length, std::string& head) {
    while (buffer_.find("\r\n\r\n") == std::string::npos) {
      if (!Fill()) return 0;
    }
    const size_t end = buffer_.find("\r\n\r\n");
    head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    std::smatch m;
    length = std::regex_search(head, m, std::regex("[Cc]ontent-[Ll]ength: (\\d+)")) ? std::stoull(m[1]) : 0;
    return std::stoi(head.substr(9, 3));
  }
  // Passes `length` bytes of body to `sink` piece by piece.
  template <typename F>
  bool ReadBody(uint64_t length, F&& sink) {
    while (length > 0) {
      if (buffer_.empty() && !Fill()) return false;
      const size_t n = static_cast<size_t>(std::min<uint64_t>(length, buffer_.size()));
      sink(buffer_.data(), n);
      buffer_.erase(0, n);
      length -= n;
    }
    return true;
  }
  std::string ReadSmallBody(uint64_t length) {
    std::string out;
    ReadBody(length, [&](const char* p, size_t n) { out.append(p, n); });
    return out;
  }

 private:
  bool Fill() {
    char buf[1 << 16];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }
  int fd_ = -1;
  std::string buffer_;
};

TEST(LargeUpload, TwoGibibytesStreamInAndOutWhileTheServerGrowsByLessThan64MiB) {
  TempDir dir;
  const std::string db = dir.File("d.db"), key = dir.File("key");
  auto run = [&](const std::string& args) {
    return RunCommand("env -u DOSSIER_PASSPHRASE DOSSIER_KEY_FILE=" + key + " DOSSIER_NEW_PASSWORD='correct horse battery' " +
                          Binary() + " " + args, dir.path());
  };
  ASSERT_EQ(RunCommand(Binary() + " init --db " + db + " --new-key-file " + key, dir.path()).exit_code, 0);
  auto src = run("source add --db " + db + " --kind testimony --title 'Video testimony' --language ko");
  ASSERT_EQ(src.exit_code, 0) << src.err;
  const std::string source = src.out.substr(0, src.out.find('\n'));
  ASSERT_EQ(run("user add doc --role documenter --db " + db).exit_code, 0);

  const std::string log = dir.File("serve.log");
  const pid_t pid = fork();
  if (pid == 0) {
    setenv("DOSSIER_KEY_FILE", key.c_str(), 1);
    unsetenv("DOSSIER_PASSPHRASE");
    if (!freopen(log.c_str(), "w", stderr)) _exit(126);
    execl(Binary().c_str(), "dossier", "serve", "--db", db.c_str(), "--listen", "127.0.0.1:0", "--web-root",
          dir.File("no-web").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_GT(pid, 0);
  struct Stop {
    pid_t pid;
    ~Stop() {
      kill(pid, SIGTERM);
      int status = 0;
      waitpid(pid, &status, 0);
    }
  } stop{pid};
  uint16_t port = 0;
  for (int i = 0; i < 600 && port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    std::smatch m;
    const std::string text = ss.str();
    if (std::regex_search(text, m, std::regex("listening on http://127\\.0\\.0\\.1:(\\d+)/"))) port = static_cast<uint16_t>(std::stoi(m[1]));
  }
  ASSERT_NE(port, 0) << "the server did not start";

  Client signin(port);
  const std::string creds = R"({"username":"doc","password":"correct horse battery"})";
  ASSERT_TRUE(signin.Send("POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                          std::to_string(creds.size()) + "\r\n\r\n" + creds));
  uint64_t length = 0;
  std::string head;
  ASSERT_EQ(signin.ReadHead(length, head), 200);
  const auto session = nlohmann::json::parse(signin.ReadSmallBody(length));
  std::smatch cookie;
  ASSERT_TRUE(std::regex_search(head, cookie, std::regex("dossier_session=[^;\\r]+")));
  const std::string auth = "Cookie: " + cookie.str() + "\r\nX-CSRF-Token: " + session["csrf_token"].get<std::string>() + "\r\n";
  const uint64_t baseline = PeakRss(pid);

  // Upload: 2 GiB generated on the fly, hashed as it goes.
  const auto t0 = std::chrono::steady_clock::now();
  Client up(port);
  ASSERT_TRUE(up.Send("POST /api/v1/sources/" + source + "/evidence?filename=video.mp4 HTTP/1.1\r\nHost: x\r\n" + auth +
                      "Content-Type: application/octet-stream\r\nContent-Length: " + std::to_string(kFileSize) + "\r\n\r\n"));
  std::vector<uint8_t> block(1 << 20);
  std::mt19937_64 rng(42);
  for (size_t i = 0; i < block.size(); i += 8) {
    const uint64_t v = rng();
    std::memcpy(block.data() + i, &v, 8);
  }
  crypto_hash_sha256_state sent;
  crypto_hash_sha256_init(&sent);
  for (uint64_t i = 0; i < kFileSize / block.size(); ++i) {
    std::memcpy(block.data(), &i, sizeof i);  // every block differs
    crypto_hash_sha256_update(&sent, block.data(), block.size());
    ASSERT_TRUE(up.Send(block.data(), block.size())) << "the server closed the connection after " << i << " MiB";
  }
  uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&sent, digest);
  const std::string sha = crypto::ToHex(digest);
  ASSERT_EQ(up.ReadHead(length, head), 201) << up.ReadSmallBody(length);
  const auto item = nlohmann::json::parse(up.ReadSmallBody(length));
  EXPECT_EQ(item["sha256"], sha);
  EXPECT_EQ(item["size"].get<uint64_t>(), kFileSize);
  const auto t1 = std::chrono::steady_clock::now();
  const uint64_t after_upload = PeakRss(pid);

  // Download: streamed back and hashed without keeping it.
  Client down(port);
  ASSERT_TRUE(down.Send("GET /api/v1/evidence/" + sha + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"));
  ASSERT_EQ(down.ReadHead(length, head), 200);
  ASSERT_EQ(length, kFileSize);
  crypto_hash_sha256_state got;
  crypto_hash_sha256_init(&got);
  ASSERT_TRUE(down.ReadBody(length, [&](const char* p, size_t n) {
    crypto_hash_sha256_update(&got, reinterpret_cast<const uint8_t*>(p), n);
  }));
  crypto_hash_sha256_final(&got, digest);
  EXPECT_EQ(crypto::ToHex(digest), sha);
  const auto t2 = std::chrono::steady_clock::now();
  const uint64_t after_download = PeakRss(pid);

  std::printf("server peak RSS: %.1f MiB after start, %.1f MiB after the upload, %.1f MiB after the download; "
              "upload %.1f s, download %.1f s\n",
              baseline / 1048576.0, after_upload / 1048576.0, after_download / 1048576.0,
              std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count());
  EXPECT_LT(after_upload - baseline, kMemoryGrowthLimit);
  EXPECT_LT(after_download - baseline, kMemoryGrowthLimit);
}

}  // namespace
}  // namespace dossier::testing
