// Accounts and access: password hashes, TOTP second factor, sessions, login throttling, roles.
//
// Passwords are kept only as Argon2id hashes (libsodium crypto_pwhash_str). TOTP is RFC 6238
// (HMAC-SHA1 from OpenSSL, 30-second steps, 6 digits, one step of clock drift either way, a code
// accepted once). Sessions live in server memory only: a random 256-bit token in an HttpOnly
// cookie, a separate random CSRF token, idle and absolute expiry. Failed sign-ins are throttled per
// user name and per client address with exponential backoff.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/result.h"

namespace dossier::http {

// ---------------------------------------------------------------- roles

enum class Role { kAdministrator, kCaseOfficer, kDocumenter, kAnalyst, kViewer };
std::optional<Role> ParseRole(std::string_view name);
const char* RoleName(Role role);

// What a route needs; checked before any handler runs (the matrix of docs/api.md).
enum class Permission { kPublic, kRead, kWrite, kDelete, kHistory, kAdmin };
bool Allows(Role role, Permission permission);
// Analysts and viewers see restricted persons only under their pseudonym.
bool SeesRestricted(Role role);

// ---------------------------------------------------------------- passwords

struct PasswordCost {
  uint64_t opslimit;
  size_t memlimit;
  static PasswordCost Interactive();  // libsodium's interactive limits (64 MiB, 2 passes)
  static PasswordCost Minimum();      // for tests only: the smallest libsodium accepts
};
Result<std::string> HashPassword(std::string_view password, PasswordCost cost = PasswordCost::Interactive());
bool VerifyPassword(const std::string& hash, std::string_view password);
// Checks a new password's length (12 to 1024 bytes); the message names field 'password'.
Status CheckNewPassword(std::string_view password);
// Names are 1 to 64 of [A-Za-z0-9._@-].
Status CheckUserName(std::string_view name);

// ---------------------------------------------------------------- TOTP (RFC 4226 / RFC 6238)

std::string Base32Encode(std::string_view bytes);
std::optional<std::string> Base32Decode(std::string_view text);  // ignores '=', spaces, case
// HOTP value of `counter` under `key`, `digits` long (zero-padded).
std::string Hotp(std::string_view key, uint64_t counter, int digits = 6);
// TOTP at `unix_seconds` with 30-second steps.
std::string Totp(std::string_view key, int64_t unix_seconds, int digits = 6);
// A new random 160-bit secret, base32.
std::string NewTotpSecret();
std::string OtpAuthUri(std::string_view issuer, std::string_view user, std::string_view secret_base32);
// The step matched by `code` at `unix_seconds` (drift of one step either way), or nullopt.
std::optional<int64_t> MatchTotp(std::string_view secret_base32, std::string_view code, int64_t unix_seconds);

// ---------------------------------------------------------------- sessions

struct SessionInfo {
  std::string user;
  Role role = Role::kViewer;
  std::string csrf_token;
};

class SessionManager {
 public:
  using Clock = std::chrono::steady_clock;
  SessionManager(std::chrono::seconds idle, std::chrono::seconds absolute) : idle_(idle), absolute_(absolute) {}

  // Returns the new session token (for the cookie) and the session.
  std::pair<std::string, SessionInfo> Create(const std::string& user, Role role);
  // The live session of `token`, refreshing its idle timer; nullopt when unknown or expired.
  std::optional<SessionInfo> Find(const std::string& token);
  void Remove(const std::string& token);
  void RemoveUser(const std::string& user);  // after a role, password or state change
  size_t size();

 private:
  struct Entry {
    SessionInfo info;
    Clock::time_point created, last_used;
  };
  void Sweep(Clock::time_point now);  // drops expired entries; called with mu_ held
  std::mutex mu_;
  std::unordered_map<std::string, Entry> sessions_;  // keyed by SHA-256 of the token
  std::chrono::seconds idle_, absolute_;
  Clock::time_point last_sweep_{};
};

// ---------------------------------------------------------------- login throttling

struct ThrottleOptions {
  int free_attempts = 3;                  // failures allowed before backoff starts
  std::chrono::seconds base{1};           // first delay; doubles with every further failure
  std::chrono::seconds max{15 * 60};
  std::chrono::seconds forget{60 * 60};   // failures older than this are forgotten
};

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LoginThrottle(ThrottleOptions options) : options_(options) {}
  // Seconds the caller must wait before trying `user` from `address`, 0 when allowed.
  int64_t RetryAfter(const std::string& user, const std::string& address, Clock::time_point now);
  void Failure(const std::string& user, const std::string& address, Clock::time_point now);
  void Success(const std::string& user, const std::string& address);

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point last;
  };
  int64_t Wait(const Entry& e, Clock::time_point now) const;
  std::mutex mu_;
  ThrottleOptions options_;
  std::unordered_map<std::string, Entry> by_user_, by_address_;
};

// One-time codes already used, so a code cannot be replayed within its window.
class TotpReplayGuard {
 public:
  // True (and remembered) when `step` is newer than the last step accepted for `user`.
  bool Accept(const std::string& user, int64_t step);

 private:
  std::mutex mu_;
  std::unordered_map<std::string, int64_t> last_step_;
};

}  // namespace dossier::http
