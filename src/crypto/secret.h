// SecretBytes: key material in locked memory that is wiped when it goes away.
//
// Backed by sodium_malloc (guard pages, mlock, no swap), move-only so a key has one owner, and
// zeroed on destruction. Use it for every key Dossier holds; plain std::string never holds keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace dossier::crypto {

// Initialises libsodium once; every entry point of this module calls it.
void EnsureSodium();

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t size);
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes();

  static SecretBytes Random(size_t size);
  static SecretBytes Copy(std::span<const uint8_t> bytes);

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const uint8_t> span() const { return {data_, size_}; }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Bytes as lowercase hex and back (for key files and test vectors; never for logging secrets).
std::string ToHex(std::span<const uint8_t> bytes);
bool FromHex(std::string_view hex, std::span<uint8_t> out);

using Bytes = std::basic_string<uint8_t>;

}  // namespace dossier::crypto
