// A minimal POSIX ustar archive writer and reader for evidence packages, streaming both ways.
//
// Only what a package needs: regular files with names of at most 100 bytes, sizes below 8 GiB
// (11 octal digits), mode 0644, owner 0. The reader refuses anything else (links, folders, device
// files, PAX or GNU extensions, names with "..", a bad header checksum), so an archive that
// passes it holds nothing but named byte streams. Readable by any tar program.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "domain/result.h"

namespace dossier::evidence {

inline constexpr uint64_t kMaxTarFileSize = (uint64_t{1} << 33) - 1;

class TarWriter {
 public:
  // Writes to the open file descriptor `fd` (not owned).
  explicit TarWriter(int fd) : fd_(fd) {}
  // Starts an entry of exactly `size` bytes, which must then arrive through Write.
  Status BeginFile(const std::string& name, uint64_t size, int64_t mtime);
  Status Write(std::span<const uint8_t> bytes);
  Status EndFile();
  // Writes the two zero blocks that end an archive.
  Status Finish();

 private:
  Status Raw(const uint8_t* data, size_t n);
  int fd_;
  uint64_t remaining_ = 0, written_ = 0;
  bool open_ = false;
};

class TarReader {
 public:
  explicit TarReader(int fd) : fd_(fd) {}
  struct Entry {
    std::string name;
    uint64_t size = 0;
  };
  // The next entry's header (skipping what is left of the current one); nullopt at the end.
  Result<std::optional<Entry>> Next();
  // Up to out.size() bytes of the current entry; 0 at its end.
  Result<size_t> Read(std::span<uint8_t> out);

 private:
  Result<size_t> RawRead(uint8_t* data, size_t n);
  int fd_;
  uint64_t remaining_ = 0, padding_ = 0;
  bool ended_ = false;
};

}  // namespace dossier::evidence
