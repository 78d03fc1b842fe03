// Vault: the evidence files of one database, encrypted, beside it in <database>.vault/.
//
// Each file is stored once, named by the SHA-256 of its original bytes (ab/cdef..., 62 hex digits
// after the two of the folder), encrypted under a random 256-bit key of its own with libsodium's
// secretstream (XChaCha20-Poly1305) in chunks of 64 KiB: a file of any size streams in and out in
// constant memory, and an altered, reordered, dropped or truncated chunk fails to decrypt. The file
// key is not in the vault; the store keeps it sealed by the keyring, so the vault alone (a backup,
// a stolen disk) shows only how many files there are and roughly how large.
//
// A file is written to tmp/, synced, and renamed into place under its hash; it is never modified
// afterwards. Working copies (redacted, translated, ...) are new files of their own.
//
// Format: "DOSVLT01" | chunk size (u32 LE) | secretstream header (24 bytes) | chunks, each the
// encryption of chunk-size bytes (the last one shorter, possibly empty, tagged FINAL).
#pragma once

#include <sodium.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secret.h"
#include "domain/result.h"

namespace dossier::evidence {

inline constexpr size_t kChunkSize = 64 * 1024;

// True for 64 lowercase hex digits.
bool IsSha256Hex(std::string_view text);

// Streaming SHA-256 of plaintext, as lowercase hex.
class Sha256 {
 public:
  Sha256();
  void Update(std::span<const uint8_t> bytes);
  std::string FinalHex();

 private:
  crypto_hash_sha256_state state_;
};

class Vault {
 public:
  // `root`: the vault folder (Store::EvidenceVaultPath()); created on the first write.
  explicit Vault(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string PathOf(std::string_view sha256) const;
  bool Contains(std::string_view sha256) const;

  // A file being written: plaintext goes in through Write, any number of bytes at a time.
  class Writer {
   public:
    Writer(Writer&&) noexcept;
    Writer& operator=(Writer&&) noexcept;
    ~Writer();  // removes the temporary file unless committed

    Status Write(std::span<const uint8_t> bytes);
    // Encrypts the last chunk and syncs the file; sha256() and size() are known afterwards.
    Status Finish();
    const std::string& sha256() const;
    uint64_t size() const;
    const crypto::SecretBytes& key() const;
    // Renames the finished file into place under its hash: kConflict if a file is already there.
    Status Commit();
    // Removes the committed file again (when the database refused to record it).
    void Uncommit();

   private:
    friend class Vault;
    struct State;
    explicit Writer(std::unique_ptr<State> s);
    std::unique_ptr<State> s_;
  };

  // Plaintext of a stored file, in order, authenticated chunk by chunk.
  class Reader {
   public:
    Reader(Reader&&) noexcept;
    Reader& operator=(Reader&&) noexcept;
    ~Reader();
    // Up to out.size() next bytes of plaintext; 0 at the end. kCorrupt when a chunk fails
    // authentication, the file ends early or goes on after the last chunk, or (at the end) the
    // plaintext's SHA-256 is not the name it is stored under.
    Result<size_t> Read(std::span<uint8_t> out);

   private:
    friend class Vault;
    struct State;
    explicit Reader(std::unique_ptr<State> s);
    Result<bool> NextChunk();
    std::unique_ptr<State> s_;
  };

  // Starts a new file under tmp/ with a fresh random key (creates the vault folders if needed).
  Result<Writer> Create() const;
  // kNotFound when the vault has no file of that hash.
  Result<Reader> Open(std::string_view sha256, std::span<const uint8_t> file_key) const;
  // The hashes of every file in the vault (not the temporary ones), sorted.
  Result<std::vector<std::string>> List() const;

 private:
  std::string root_;
};

}  // namespace dossier::evidence
