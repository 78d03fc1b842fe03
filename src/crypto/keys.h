// Key management: where the key-encryption key comes from, and how data keys are wrapped by it.
//
// A database holds one or more data keys (versions 1, 2, ... for rotation), each stored only
// wrapped (encrypted) by a key-encryption key (KEK). The KEK is either the 32 random bytes of a key
// file, or derived from a passphrase with Argon2id. Unwrapping with the wrong KEK fails
// authentication, which is how a wrong key is recognised before anything is read or written.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crypto/secret.h"
#include "domain/result.h"

namespace dossier::crypto {

// What the user supplied to unlock a database.
struct KeySource {
  enum class Kind { kKeyFile, kPassphrase } kind = Kind::kKeyFile;
  std::string key_file_path;  // for kKeyFile
  std::string passphrase;     // for kPassphrase; cleared by the caller after use
};

// Writes a new key file (64 hex characters, mode 0600). Refuses to overwrite an existing file.
Status CreateKeyFile(const std::string& path);
// Reads a key file; a missing, unreadable or malformed file is a clear error.
Result<SecretBytes> ReadKeyFile(const std::string& path);

// One data key as stored: encrypted under a KEK, with what is needed to rederive that KEK.
struct WrappedKey {
  uint32_t version = 0;
  std::string method;   // "keyfile" or "passphrase"
  Bytes salt;           // Argon2id salt (passphrase) or KEK-derivation salt (key file)
  uint64_t opslimit = 0;
  uint64_t memlimit = 0;
  Bytes nonce;
  Bytes ciphertext;
};

// Argon2id cost used for new passphrase wraps: libsodium's "interactive" limits (64 MiB, 2 passes).
struct Argon2Cost {
  uint64_t opslimit;
  uint64_t memlimit;
  static Argon2Cost Interactive();
};

// Wraps `data_key` under the KEK from `source` (deriving it with a fresh salt).
Result<WrappedKey> WrapDataKey(const SecretBytes& data_key, uint32_t version, const KeySource& source,
                               Argon2Cost cost = Argon2Cost::Interactive());
// Unwraps; kUnauthenticated when the key file or passphrase is not the one that wrapped it.
Result<SecretBytes> UnwrapDataKey(const WrappedKey& wrapped, const KeySource& source);

}  // namespace dossier::crypto
