#include "evidence/tar.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace dossier::evidence {

namespace {

constexpr size_t kBlock = 512;

void Octal(uint8_t* field, size_t width, uint64_t value) {
  // width - 1 digits, zero-padded, then NUL.
  for (size_t i = width - 1; i-- > 0;) {
    field[i] = static_cast<uint8_t>('0' + (value & 7));
    value >>= 3;
  }
  field[width - 1] = 0;
}

std::optional<uint64_t> ParseOctal(const uint8_t* field, size_t width) {
  uint64_t v = 0;
  size_t i = 0;
  while (i < width && field[i] == ' ') ++i;
  bool any = false;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i) {
    if (v >> 60) return std::nullopt;
    v = (v << 3) | static_cast<uint64_t>(field[i] - '0');
    any = true;
  }
  for (; i < width; ++i) {
    if (field[i] != 0 && field[i] != ' ') return std::nullopt;
  }
  if (!any) return std::nullopt;
  return v;
}

uint64_t Checksum(const uint8_t* header) {
  uint64_t sum = 0;
  for (size_t i = 0; i < kBlock; ++i) sum += (i >= 148 && i < 156) ? ' ' : header[i];
  return sum;
}

}  // namespace

Status TarWriter::Raw(const uint8_t* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd_, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return Error::Io(fmt::format("cannot write the package: {}", std::strerror(errno)));
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Ok();
}

Status TarWriter::BeginFile(const std::string& name, uint64_t size, int64_t mtime) {
  if (open_) return Error::Internal("tar: an entry is still open");
  if (name.empty() || name.size() > 100) return Error::Internal(fmt::format("tar: entry name '{}' is not 1 to 100 bytes", name));
  if (size > kMaxTarFileSize) {
    return Error::Invalid(fmt::format("'{}' is {} bytes; a package holds files below 8 GiB", name, size));
  }
  uint8_t h[kBlock] = {};
  std::memcpy(h, name.data(), name.size());
  Octal(h + 100, 8, 0644);
  Octal(h + 108, 8, 0);
  Octal(h + 116, 8, 0);
  Octal(h + 124, 12, size);
  Octal(h + 136, 12, static_cast<uint64_t>(std::max<int64_t>(mtime, 0)));
  h[156] = '0';
  std::memcpy(h + 257, "ustar", 6);
  std::memcpy(h + 263, "00", 2);
  Octal(h + 148, 7, Checksum(h));
  h[155] = ' ';
  DOSSIER_RETURN_IF_ERROR(Raw(h, kBlock));
  remaining_ = size;
  written_ = size;
  open_ = true;
  return Ok();
}

Status TarWriter::Write(std::span<const uint8_t> bytes) {
  if (!open_ || bytes.size() > remaining_) return Error::Internal("tar: more bytes than the entry's size");
  remaining_ -= bytes.size();
  return Raw(bytes.data(), bytes.size());
}

Status TarWriter::EndFile() {
  if (!open_ || remaining_ != 0) return Error::Internal("tar: entry ended before its size was reached");
  open_ = false;
  static const uint8_t kZeros[kBlock] = {};
  const size_t pad = (kBlock - written_ % kBlock) % kBlock;
  return Raw(kZeros, pad);
}

Status TarWriter::Finish() {
  if (open_) return Error::Internal("tar: an entry is still open");
  static const uint8_t kZeros[2 * kBlock] = {};
  return Raw(kZeros, sizeof kZeros);
}

Result<size_t> TarReader::RawRead(uint8_t* data, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd_, data + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Error::Io(fmt::format("cannot read the package: {}", std::strerror(errno)));
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return got;
}

Result<std::optional<TarReader::Entry>> TarReader::Next() {
  if (ended_) return std::optional<Entry>();
  uint8_t skip[kBlock * 8];
  uint64_t left = remaining_ + padding_;
  while (left > 0) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(left, sizeof skip));
    DOSSIER_ASSIGN_OR_RETURN(size_t got, RawRead(skip, n));
    if (got != n) return Error::Corrupt("the package ends in the middle of a file");
    left -= n;
  }
  remaining_ = padding_ = 0;
  uint8_t h[kBlock];
  DOSSIER_ASSIGN_OR_RETURN(size_t got, RawRead(h, kBlock));
  if (got != kBlock) return Error::Corrupt("the package ends without the end-of-archive blocks (truncated)");
  if (std::all_of(h, h + kBlock, [](uint8_t b) { return b == 0; })) {
    ended_ = true;
    return std::optional<Entry>();
  }
  auto sum = ParseOctal(h + 148, 8);
  if (!sum || *sum != Checksum(h)) return Error::Corrupt("a header of the package has a wrong checksum");
  if (std::memcmp(h + 257, "ustar", 5) != 0) return Error::Corrupt("the package is not a POSIX ustar archive");
  if (h[156] != '0' && h[156] != 0) {
    return Error::Corrupt(fmt::format("the package holds an entry of type '{}'; only plain files belong in it",
                                      static_cast<char>(h[156])));
  }
  Entry e;
  std::string prefix(reinterpret_cast<const char*>(h + 345), strnlen(reinterpret_cast<const char*>(h + 345), 155));
  e.name.assign(reinterpret_cast<const char*>(h), strnlen(reinterpret_cast<const char*>(h), 100));
  if (!prefix.empty()) e.name = prefix + "/" + e.name;
  auto size = ParseOctal(h + 124, 12);
  if (!size) return Error::Corrupt(fmt::format("the size of '{}' in the package is not readable", e.name));
  e.size = *size;
  remaining_ = e.size;
  padding_ = (kBlock - e.size % kBlock) % kBlock;
  return std::optional<Entry>(std::move(e));
}

Result<size_t> TarReader::Read(std::span<uint8_t> out) {
  const size_t n = static_cast<size_t>(std::min<uint64_t>(out.size(), remaining_));
  if (n == 0) return size_t{0};
  DOSSIER_ASSIGN_OR_RETURN(size_t got, RawRead(out.data(), n));
  if (got != n) return Error::Corrupt("the package ends in the middle of a file");
  remaining_ -= n;
  return n;
}

}  // namespace dossier::evidence
