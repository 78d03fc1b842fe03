#include "crypto/secret.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace dossier::crypto {

void EnsureSodium() {
  static const bool ready = [] {
    if (sodium_init() < 0) std::abort();  // no randomness source: nothing safe can be done
    return true;
  }();
  (void)ready;
}

SecretBytes::SecretBytes(size_t size) : size_(size) {
  EnsureSodium();
  if (size == 0) return;
  data_ = static_cast<uint8_t*>(sodium_malloc(size));
  if (!data_) throw std::bad_alloc();
  sodium_memzero(data_, size);
}

SecretBytes::SecretBytes(SecretBytes&& o) noexcept : data_(o.data_), size_(o.size_) {
  o.data_ = nullptr;
  o.size_ = 0;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& o) noexcept {
  if (this != &o) {
    if (data_) sodium_free(data_);
    data_ = o.data_;
    size_ = o.size_;
    o.data_ = nullptr;
    o.size_ = 0;
  }
  return *this;
}

SecretBytes::~SecretBytes() {
  if (data_) sodium_free(data_);  // sodium_free zeroes before unmapping
}

SecretBytes SecretBytes::Random(size_t size) {
  SecretBytes s(size);
  randombytes_buf(s.data(), size);
  return s;
}

SecretBytes SecretBytes::Copy(std::span<const uint8_t> bytes) {
  SecretBytes s(bytes.size());
  if (!bytes.empty()) std::memcpy(s.data(), bytes.data(), bytes.size());
  return s;
}

std::string ToHex(std::span<const uint8_t> bytes) {
  EnsureSodium();
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  hex.pop_back();
  return hex;
}

bool FromHex(std::string_view hex, std::span<uint8_t> out) {
  EnsureSodium();
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, &end) != 0) return false;
  return len == out.size() && end == hex.data() + hex.size();
}

}  // namespace dossier::crypto
