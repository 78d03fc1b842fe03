#include "crypto/keyring.h"

#include <sodium.h>

#include <cstring>

#include <fmt/format.h>

namespace dossier::crypto {

namespace {

constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "dossier_";
enum SubkeyId : uint64_t { kFieldSubkey = 1, kIndexSubkey = 2, kPseudonymSubkey = 3, kSigningSubkey = 4 };
constexpr uint8_t kSealFormat = 0x01;
constexpr size_t kHeader = 1 + 4 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;

SecretBytes Subkey(const SecretBytes& key, SubkeyId id, size_t size = 32) {
  SecretBytes sub(size);
  crypto_kdf_derive_from_key(sub.data(), size, id, kKdfContext, key.data());
  return sub;
}

std::string AssociatedData(const FieldContext& w, uint32_t version) {
  // Length-prefixed parts, so ("ab","c") and ("a","bc") cannot collide.
  return fmt::format("dossier/field/v{}/{}:{}/{}:{}/{}:{}", version, w.table.size(), w.table, w.column.size(),
                     w.column, w.row_id.size(), w.row_id);
}

}  // namespace

Keyring::Keyring(std::map<uint32_t, SecretBytes> keys) : data_keys_(std::move(keys)) {
  EnsureSodium();
  if (data_keys_.empty()) std::abort();  // programming error: callers always unlock at least one key
  for (const auto& [version, key] : data_keys_) field_keys_.emplace(version, Subkey(key, kFieldSubkey));
  current_ = data_keys_.rbegin()->first;
  const SecretBytes& first = data_keys_.begin()->second;
  index_key_ = Subkey(first, kIndexSubkey);
  pseudonym_key_ = Subkey(first, kPseudonymSubkey);
  SecretBytes seed = Subkey(first, kSigningSubkey, crypto_sign_SEEDBYTES);
  sign_sk_ = SecretBytes(crypto_sign_SECRETKEYBYTES);
  sign_pk_.resize(crypto_sign_PUBLICKEYBYTES);
  crypto_sign_seed_keypair(sign_pk_.data(), sign_sk_.data(), seed.data());
}

Bytes Keyring::Seal(std::string_view plaintext, const FieldContext& where) const {
  Bytes out(kHeader + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, 0);
  out[0] = kSealFormat;
  for (int i = 0; i < 4; ++i) out[1 + i] = static_cast<uint8_t>(current_ >> (8 * i));
  uint8_t* nonce = out.data() + 5;
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const std::string ad = AssociatedData(where, current_);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kHeader, &len,
                                             reinterpret_cast<const uint8_t*>(plaintext.data()), plaintext.size(),
                                             reinterpret_cast<const uint8_t*>(ad.data()), ad.size(), nullptr, nonce,
                                             field_keys_.at(current_).data());
  return out;
}

Result<std::string> Keyring::Open(std::span<const uint8_t> sealed, const FieldContext& where) const {
  auto bad = [&](const char* why) {
    return Error::Corrupt(fmt::format("{} '{}': field '{}' cannot be decrypted: {}", where.table, where.row_id,
                                      where.column, why));
  };
  if (sealed.size() < kHeader + crypto_aead_xchacha20poly1305_ietf_ABYTES || sealed[0] != kSealFormat) {
    return bad("not a sealed value");
  }
  uint32_t version = 0;
  for (int i = 0; i < 4; ++i) version |= static_cast<uint32_t>(sealed[1 + i]) << (8 * i);
  auto key = field_keys_.find(version);
  if (key == field_keys_.end()) return bad("sealed under a key version this database does not hold");
  std::string plain(sealed.size() - kHeader - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  const std::string ad = AssociatedData(where, version);
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<uint8_t*>(plain.data()), &len, nullptr,
                                                 sealed.data() + kHeader, sealed.size() - kHeader,
                                                 reinterpret_cast<const uint8_t*>(ad.data()), ad.size(),
                                                 sealed.data() + 5, key->second.data()) != 0) {
    return bad("it was altered or moved from another record");
  }
  return plain;
}

namespace {

Bytes Mac16(const SecretBytes& key, std::string_view purpose, std::string_view normalised) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.data(), key.size());
  const uint8_t sep = 0;
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const uint8_t*>(purpose.data()), purpose.size());
  crypto_auth_hmacsha256_update(&st, &sep, 1);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const uint8_t*>(normalised.data()), normalised.size());
  uint8_t mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&st, mac);
  return Bytes(mac, mac + 16);
}

}  // namespace

Bytes Keyring::BlindIndex(std::string_view purpose, std::string_view normalised) const {
  return Mac16(index_key_, purpose, normalised);
}

std::string Keyring::Pseudonym(std::string_view kind, std::string_view id) const {
  Bytes mac = Mac16(pseudonym_key_, kind, id);
  // Crockford base32 without ambiguous letters; 40 bits are plenty to keep labels distinct.
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  uint64_t bits = 0;
  for (int i = 0; i < 5; ++i) bits = (bits << 8) | mac[i];
  std::string out = "P-";
  for (int i = 0; i < 8; ++i) {
    if (i == 4) out += '-';
    out += kAlphabet[(bits >> (35 - 5 * i)) & 31];
  }
  return out;
}

}  // namespace dossier::crypto
