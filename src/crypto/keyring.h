// Keyring: the unlocked data keys of one database and the keys derived from them.
//
// Seal/Open encrypt one field value with XChaCha20-Poly1305 under the current data key, binding
// table, column and row id (and the key version) as associated data: a value copied to another
// row or column fails to open. BlindIndex gives a keyed HMAC of a normalised value for exact
// lookup without storing the value. Pseudonym gives a stable, non-reversible label for a record.
//
// Sealed format: 0x01 | key version (u32 LE) | 24-byte nonce | ciphertext | 16-byte tag.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "crypto/secret.h"
#include "domain/result.h"

namespace dossier::crypto {

// Where a sealed value lives; part of the authenticated data.
struct FieldContext {
  std::string_view table;
  std::string_view column;
  std::string_view row_id;
};

class Keyring {
 public:
  // `keys`: data key by version; must not be empty. New values use the highest version. Blind
  // indexes and pseudonyms derive from the lowest version, so they survive key rotation.
  explicit Keyring(std::map<uint32_t, SecretBytes> keys);
  Keyring(Keyring&&) noexcept = default;
  Keyring& operator=(Keyring&&) noexcept = default;

  uint32_t current_version() const { return current_; }
  const std::map<uint32_t, SecretBytes>& data_keys() const { return data_keys_; }

  Bytes Seal(std::string_view plaintext, const FieldContext& where) const;
  // kCorrupt when the value was altered, moved, or sealed under a key this keyring lacks.
  Result<std::string> Open(std::span<const uint8_t> sealed, const FieldContext& where) const;

  // 16-byte HMAC-SHA256 of `normalised` under the index key, separated by `purpose`.
  Bytes BlindIndex(std::string_view purpose, std::string_view normalised) const;
  // "P-XXXX-XXXX": stable for one (kind, id) in one database, meaningless elsewhere.
  std::string Pseudonym(std::string_view kind, std::string_view id) const;

  // Ed25519 key pair for signing the audit trail, derived from the first data key.
  const SecretBytes& signing_secret_key() const { return sign_sk_; }
  Bytes signing_public_key() const { return sign_pk_; }

 private:
  std::map<uint32_t, SecretBytes> data_keys_;  // version -> data key
  std::map<uint32_t, SecretBytes> field_keys_; // version -> field-encryption subkey
  SecretBytes index_key_;
  SecretBytes pseudonym_key_;
  SecretBytes sign_sk_;
  Bytes sign_pk_;
  uint32_t current_ = 0;
};

}  // namespace dossier::crypto
