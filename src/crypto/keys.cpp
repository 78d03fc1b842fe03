#include "crypto/keys.h"

#include <sodium.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace dossier::crypto {

namespace {

constexpr size_t kKeyBytes = 32;

std::string AssociatedData(uint32_t version, const std::string& method) {
  return fmt::format("dossier/data-key/v{}/{}", version, method);
}

Result<SecretBytes> DeriveKek(const KeySource& source, const Bytes& salt, uint64_t opslimit, uint64_t memlimit) {
  SecretBytes kek(kKeyBytes);
  if (source.kind == KeySource::Kind::kKeyFile) {
    DOSSIER_ASSIGN_OR_RETURN(SecretBytes file_key, ReadKeyFile(source.key_file_path));
    // Keyed hash of the salt: a per-wrap KEK, so the raw file key never encrypts anything itself.
    crypto_generichash(kek.data(), kek.size(), salt.data(), salt.size(), file_key.data(), file_key.size());
    return kek;
  }
  if (source.passphrase.empty()) return Error::Unauthenticated("the passphrase is empty");
  if (salt.size() != crypto_pwhash_SALTBYTES) return Error::Corrupt("stored passphrase salt has the wrong size");
  if (crypto_pwhash(kek.data(), kek.size(), source.passphrase.data(), source.passphrase.size(), salt.data(),
                    opslimit, static_cast<size_t>(memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::Internal("Argon2id ran out of memory");
  }
  return kek;
}

const char* MethodName(KeySource::Kind kind) {
  return kind == KeySource::Kind::kKeyFile ? "keyfile" : "passphrase";
}

}  // namespace

Argon2Cost Argon2Cost::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

Status CreateKeyFile(const std::string& path) {
  EnsureSodium();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Error::Conflict(fmt::format("key file '{}' already exists; not overwriting it", path));
    return Error::Io(fmt::format("cannot create key file '{}': {}", path, std::strerror(errno)));
  }
  SecretBytes key = SecretBytes::Random(kKeyBytes);
  std::string text = ToHex(key.span()) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  sodium_memzero(text.data(), text.size());
  ::close(fd);
  if (!ok) return Error::Io(fmt::format("cannot write key file '{}'", path));
  return Ok();
}

Result<SecretBytes> ReadKeyFile(const std::string& path) {
  EnsureSodium();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Unauthenticated(fmt::format("cannot read key file '{}'", path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  SecretBytes key(kKeyBytes);
  const bool ok = text.size() == kKeyBytes * 2 && FromHex(text, {key.data(), key.size()});
  sodium_memzero(text.data(), text.size());
  if (!ok) {
    return Error::Unauthenticated(
        fmt::format("key file '{}' is malformed: expected 64 hexadecimal characters", path));
  }
  return key;
}

Result<WrappedKey> WrapDataKey(const SecretBytes& data_key, uint32_t version, const KeySource& source,
                               Argon2Cost cost) {
  EnsureSodium();
  WrappedKey w;
  w.version = version;
  w.method = MethodName(source.kind);
  if (source.kind == KeySource::Kind::kPassphrase) {
    w.salt.resize(crypto_pwhash_SALTBYTES);
    w.opslimit = cost.opslimit;
    w.memlimit = cost.memlimit;
  } else {
    w.salt.resize(crypto_generichash_BYTES);
  }
  randombytes_buf(w.salt.data(), w.salt.size());
  DOSSIER_ASSIGN_OR_RETURN(SecretBytes kek, DeriveKek(source, w.salt, w.opslimit, w.memlimit));
  w.nonce.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  randombytes_buf(w.nonce.data(), w.nonce.size());
  w.ciphertext.resize(data_key.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  const std::string ad = AssociatedData(version, w.method);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(w.ciphertext.data(), &len, data_key.data(), data_key.size(),
                                             reinterpret_cast<const uint8_t*>(ad.data()), ad.size(), nullptr,
                                             w.nonce.data(), kek.data());
  w.ciphertext.resize(len);
  return w;
}

Result<SecretBytes> UnwrapDataKey(const WrappedKey& w, const KeySource& source) {
  EnsureSodium();
  if (w.method != MethodName(source.kind)) {
    return Error::Unauthenticated(fmt::format("this database is locked with a {}, not a {}", w.method,
                                              MethodName(source.kind)));
  }
  if (w.nonce.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
      w.ciphertext.size() != kKeyBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return Error::Corrupt("the stored data key is damaged");
  }
  DOSSIER_ASSIGN_OR_RETURN(SecretBytes kek, DeriveKek(source, w.salt, w.opslimit, w.memlimit));
  SecretBytes key(kKeyBytes);
  const std::string ad = AssociatedData(w.version, w.method);
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(key.data(), &len, nullptr, w.ciphertext.data(), w.ciphertext.size(),
                                                 reinterpret_cast<const uint8_t*>(ad.data()), ad.size(),
                                                 w.nonce.data(), kek.data()) != 0) {
    return Error::Unauthenticated(source.kind == KeySource::Kind::kKeyFile
                                      ? "wrong key: the key file does not unlock this database"
                                      : "wrong passphrase: it does not unlock this database");
  }
  return key;
}

}  // namespace dossier::crypto
