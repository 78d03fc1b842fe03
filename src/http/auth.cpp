#include "http/auth.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <fmt/format.h>

namespace dossier::http {

// ---------------------------------------------------------------- roles

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "administrator") return Role::kAdministrator;
  if (name == "case_officer") return Role::kCaseOfficer;
  if (name == "documenter") return Role::kDocumenter;
  if (name == "analyst") return Role::kAnalyst;
  if (name == "viewer") return Role::kViewer;
  return std::nullopt;
}

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAdministrator: return "administrator";
    case Role::kCaseOfficer: return "case_officer";
    case Role::kDocumenter: return "documenter";
    case Role::kAnalyst: return "analyst";
    case Role::kViewer: return "viewer";
  }
  return "viewer";
}

bool Allows(Role role, Permission p) {
  switch (p) {
    case Permission::kPublic:
    case Permission::kRead: return true;
    case Permission::kWrite:
      return role == Role::kAdministrator || role == Role::kCaseOfficer || role == Role::kDocumenter;
    case Permission::kDelete: return role == Role::kAdministrator || role == Role::kCaseOfficer;
    case Permission::kHistory: return role != Role::kViewer;
    case Permission::kAdmin: return role == Role::kAdministrator;
  }
  return false;
}

bool SeesRestricted(Role role) {
  return role == Role::kAdministrator || role == Role::kCaseOfficer || role == Role::kDocumenter;
}

// ---------------------------------------------------------------- passwords

PasswordCost PasswordCost::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}
PasswordCost PasswordCost::Minimum() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

Result<std::string> HashPassword(std::string_view password, PasswordCost cost) {
  if (sodium_init() < 0) return Error::Internal("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.opslimit, cost.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::Internal("out of memory while hashing a password");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  if (hash.empty()) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

Status CheckNewPassword(std::string_view password) {
  if (password.size() < 12) return Error::Invalid("user: field 'password': at least 12 characters");
  if (password.size() > 1024) return Error::Invalid("user: field 'password': at most 1024 characters");
  return Ok();
}

Status CheckUserName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                c == '-' || c == '@');
  }
  if (!ok) return Error::Invalid("user: field 'name': 1 to 64 letters, digits or . _ - @");
  return Ok();
}

// ---------------------------------------------------------------- TOTP

namespace {
constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
}

std::string Base32Encode(std::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32[(buffer << (5 - bits)) & 31]);
  return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= '2' && c <= '7') {
      v = c - '2' + 26;
    } else {
      return std::nullopt;
    }
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::string Hotp(std::string_view key, uint64_t counter, int digits) {
  unsigned char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), msg, sizeof msg, mac, &mac_len);
  const int offset = mac[mac_len - 1] & 0x0f;
  const uint32_t bin = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) | (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                       (static_cast<uint32_t>(mac[offset + 2]) << 8) | static_cast<uint32_t>(mac[offset + 3]);
  uint32_t mod = 1;
  for (int i = 0; i < digits; ++i) mod *= 10;
  return fmt::format("{:0{}}", bin % mod, digits);
}

std::string Totp(std::string_view key, int64_t unix_seconds, int digits) {
  return Hotp(key, static_cast<uint64_t>(unix_seconds / 30), digits);
}

std::string NewTotpSecret() {
  unsigned char raw[20];
  randombytes_buf(raw, sizeof raw);
  std::string s = Base32Encode(std::string_view(reinterpret_cast<char*>(raw), sizeof raw));
  sodium_memzero(raw, sizeof raw);
  return s;
}

std::string OtpAuthUri(std::string_view issuer, std::string_view user, std::string_view secret) {
  // User names are restricted to URI-safe characters (CheckUserName); the issuer is ours.
  return fmt::format("otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30", issuer, user,
                     secret, issuer);
}

std::optional<int64_t> MatchTotp(std::string_view secret_base32, std::string_view code, int64_t unix_seconds) {
  auto key = Base32Decode(secret_base32);
  if (!key || key->empty() || code.size() != 6) return std::nullopt;
  const int64_t step = unix_seconds / 30;
  std::optional<int64_t> found;
  for (int64_t s = step - 1; s <= step + 1; ++s) {
    std::string expected = Hotp(*key, static_cast<uint64_t>(s), 6);
    if (sodium_memcmp(expected.data(), code.data(), 6) == 0) found = s;
  }
  sodium_memzero(key->data(), key->size());
  return found;
}

// ---------------------------------------------------------------- sessions

namespace {
std::string RandomToken() {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}
std::string TokenKey(const std::string& token) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  return std::string(reinterpret_cast<char*>(h), sizeof h);
}
}  // namespace

std::pair<std::string, SessionInfo> SessionManager::Create(const std::string& user, Role role) {
  std::string token = RandomToken();
  SessionInfo info{user, role, RandomToken()};
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  Sweep(now);
  sessions_[TokenKey(token)] = Entry{info, now, now};
  return {token, info};
}

std::optional<SessionInfo> SessionManager::Find(const std::string& token) {
  if (token.empty() || token.size() > 128) return std::nullopt;
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  Sweep(now);
  auto it = sessions_.find(TokenKey(token));
  if (it == sessions_.end()) return std::nullopt;
  if (now - it->second.last_used > idle_ || now - it->second.created > absolute_) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used = now;
  return it->second.info;
}

void SessionManager::Remove(const std::string& token) {
  std::lock_guard lock(mu_);
  sessions_.erase(TokenKey(token));
}

void SessionManager::RemoveUser(const std::string& user) {
  std::lock_guard lock(mu_);
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.info.user == user; });
}

size_t SessionManager::size() {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void SessionManager::Sweep(Clock::time_point now) {
  if (now - last_sweep_ < std::chrono::seconds(60)) return;
  last_sweep_ = now;
  std::erase_if(sessions_, [&](const auto& kv) {
    return now - kv.second.last_used > idle_ || now - kv.second.created > absolute_;
  });
}

// ---------------------------------------------------------------- throttling

int64_t LoginThrottle::Wait(const Entry& e, Clock::time_point now) const {
  if (e.failures < options_.free_attempts) return 0;
  if (now - e.last > options_.forget) return 0;
  const int exponent = std::min(e.failures - options_.free_attempts, 20);
  auto delay = std::min<std::chrono::seconds>(options_.base * (int64_t{1} << exponent), options_.max);
  auto until = e.last + delay;
  if (until <= now) return 0;
  return std::max<int64_t>(1, std::chrono::ceil<std::chrono::seconds>(until - now).count());
}

int64_t LoginThrottle::RetryAfter(const std::string& user, const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mu_);
  int64_t wait = 0;
  if (auto it = by_user_.find(user); it != by_user_.end()) wait = std::max(wait, Wait(it->second, now));
  if (auto it = by_address_.find(address); it != by_address_.end()) wait = std::max(wait, Wait(it->second, now));
  return wait;
}

void LoginThrottle::Failure(const std::string& user, const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mu_);
  for (auto* e : {&by_user_[user], &by_address_[address]}) {
    if (now - e->last > options_.forget) e->failures = 0;
    ++e->failures;
    e->last = now;
  }
  // Bound memory under a spray of names or addresses: forget stale entries.
  if (by_user_.size() + by_address_.size() > 100000) {
    for (auto* m : {&by_user_, &by_address_}) {
      std::erase_if(*m, [&](const auto& kv) { return now - kv.second.last > options_.forget; });
    }
  }
}

void LoginThrottle::Success(const std::string& user, const std::string&) {
  // Only the account's record is cleared: an attacker who holds one valid account must not be
  // able to wipe the address's record of failures against other accounts by signing in.
  std::lock_guard lock(mu_);
  by_user_.erase(user);
}

bool TotpReplayGuard::Accept(const std::string& user, int64_t step) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = last_step_.emplace(user, step);
  if (inserted) return true;
  if (step <= it->second) return false;
  it->second = step;
  return true;
}

}  // namespace dossier::http
