#include "evidence/vault.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace dossier::evidence {

namespace fs = std::filesystem;
using crypto::SecretBytes;

namespace {

constexpr char kMagic[8] = {'D', 'O', 'S', 'V', 'L', 'T', '0', '1'};
constexpr size_t kHeaderSize = sizeof kMagic + 4 + crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr size_t kSealedChunk = kChunkSize + crypto_secretstream_xchacha20poly1305_ABYTES;

Error IoError(const std::string& what) { return Error::Io(fmt::format("evidence vault: {}: {}", what, std::strerror(errno))); }

Status WriteAll(int fd, const uint8_t* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return IoError("cannot write a temporary file");
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Ok();
}

// Reads up to n bytes, fewer only at the end of the file.
Result<size_t> ReadFull(int fd, uint8_t* data, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd, data + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return IoError("cannot read a stored file");
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return got;
}

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError(fmt::format("cannot open folder '{}'", dir));
  const int r = ::fsync(fd);
  ::close(fd);
  if (r != 0) return IoError(fmt::format("cannot sync folder '{}'", dir));
  return Ok();
}

Status MakeDirectory(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return IoError(fmt::format("cannot create folder '{}'", dir));
  return Ok();
}

}  // namespace

bool IsSha256Hex(std::string_view text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Sha256::Sha256() { crypto_hash_sha256_init(&state_); }
void Sha256::Update(std::span<const uint8_t> bytes) { crypto_hash_sha256_update(&state_, bytes.data(), bytes.size()); }
std::string Sha256::FinalHex() {
  uint8_t out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state_, out);
  return crypto::ToHex(out);
}

std::string Vault::PathOf(std::string_view sha256) const {
  return fmt::format("{}/{}/{}", root_, sha256.substr(0, 2), sha256.substr(2));
}

bool Vault::Contains(std::string_view sha256) const {
  std::error_code ec;
  return IsSha256Hex(sha256) && fs::is_regular_file(PathOf(sha256), ec);
}

// ---------------------------------------------------------------- writing

struct Vault::Writer::State {
  std::string root, temp_path, final_path, sha256;
  int fd = -1;
  SecretBytes key = SecretBytes::Random(crypto_secretstream_xchacha20poly1305_KEYBYTES);
  SecretBytes stream = SecretBytes(sizeof(crypto_secretstream_xchacha20poly1305_state));
  std::vector<uint8_t> plain, sealed;
  Sha256 hash;
  uint64_t size = 0;
  bool finished = false, committed = false;

  crypto_secretstream_xchacha20poly1305_state* st() {
    return reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(stream.data());
  }
  Status Seal(unsigned char tag) {
    unsigned long long n = 0;
    crypto_secretstream_xchacha20poly1305_push(st(), sealed.data(), &n, plain.data(), plain.size(), nullptr, 0, tag);
    plain.clear();
    return WriteAll(fd, sealed.data(), static_cast<size_t>(n));
  }
  ~State() {
    if (fd >= 0) ::close(fd);
    if (!temp_path.empty() && !committed) ::unlink(temp_path.c_str());
  }
};

Vault::Writer::Writer(std::unique_ptr<State> s) : s_(std::move(s)) {}
Vault::Writer::Writer(Writer&&) noexcept = default;
Vault::Writer& Vault::Writer::operator=(Writer&&) noexcept = default;
Vault::Writer::~Writer() = default;

Result<Vault::Writer> Vault::Create() const {
  crypto::EnsureSodium();
  DOSSIER_RETURN_IF_ERROR(MakeDirectory(root_));
  DOSSIER_RETURN_IF_ERROR(MakeDirectory(root_ + "/tmp"));
  auto s = std::make_unique<Writer::State>();
  s->root = root_;
  uint8_t raw[12];
  randombytes_buf(raw, sizeof raw);
  s->temp_path = fmt::format("{}/tmp/{}.part", root_, crypto::ToHex(raw));
  s->fd = ::open(s->temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (s->fd < 0) {
    s->temp_path.clear();
    return IoError(fmt::format("cannot create a file in '{}/tmp'", root_));
  }
  s->plain.reserve(kChunkSize);
  s->sealed.resize(kSealedChunk);
  uint8_t header[kHeaderSize];
  std::memcpy(header, kMagic, sizeof kMagic);
  for (int i = 0; i < 4; ++i) header[sizeof kMagic + i] = static_cast<uint8_t>(kChunkSize >> (8 * i));
  crypto_secretstream_xchacha20poly1305_init_push(s->st(), header + sizeof kMagic + 4, s->key.data());
  DOSSIER_RETURN_IF_ERROR(WriteAll(s->fd, header, sizeof header));
  return Writer(std::move(s));
}

Status Vault::Writer::Write(std::span<const uint8_t> bytes) {
  if (s_->finished) return Error::Internal("evidence vault: write after finish");
  s_->hash.Update(bytes);
  s_->size += bytes.size();
  while (!bytes.empty()) {
    // A full chunk is sealed only once more bytes follow, so the last chunk is always the FINAL one.
    if (s_->plain.size() == kChunkSize) {
      DOSSIER_RETURN_IF_ERROR(s_->Seal(crypto_secretstream_xchacha20poly1305_TAG_MESSAGE));
    }
    const size_t take = std::min(bytes.size(), kChunkSize - s_->plain.size());
    s_->plain.insert(s_->plain.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(take));
    bytes = bytes.subspan(take);
  }
  return Ok();
}

Status Vault::Writer::Finish() {
  if (s_->finished) return Ok();
  DOSSIER_RETURN_IF_ERROR(s_->Seal(crypto_secretstream_xchacha20poly1305_TAG_FINAL));
  if (::fsync(s_->fd) != 0) return IoError("cannot sync a temporary file");
  if (::close(s_->fd) != 0) {
    s_->fd = -1;
    return IoError("cannot close a temporary file");
  }
  s_->fd = -1;
  s_->sha256 = s_->hash.FinalHex();
  s_->final_path = Vault(s_->root).PathOf(s_->sha256);
  s_->finished = true;
  return Ok();
}

const std::string& Vault::Writer::sha256() const { return s_->sha256; }
uint64_t Vault::Writer::size() const { return s_->size; }
const SecretBytes& Vault::Writer::key() const { return s_->key; }

Status Vault::Writer::Commit() {
  if (!s_->finished) return Error::Internal("evidence vault: commit before finish");
  const std::string dir = fmt::format("{}/{}", s_->root, s_->sha256.substr(0, 2));
  DOSSIER_RETURN_IF_ERROR(MakeDirectory(dir));
  // link() fails when the name exists, where rename() would silently replace a stored original.
  if (::link(s_->temp_path.c_str(), s_->final_path.c_str()) != 0) {
    if (errno == EEXIST) return Error::Conflict(fmt::format("evidence {}: the vault already holds this file", s_->sha256));
    return IoError(fmt::format("cannot store evidence {}", s_->sha256));
  }
  ::unlink(s_->temp_path.c_str());
  s_->committed = true;
  return SyncDirectory(dir);
}

void Vault::Writer::Uncommit() {
  if (s_->committed) ::unlink(s_->final_path.c_str());
  s_->committed = false;
}

// ---------------------------------------------------------------- reading

struct Vault::Reader::State {
  std::string sha256;
  int fd = -1;
  SecretBytes stream = SecretBytes(sizeof(crypto_secretstream_xchacha20poly1305_state));
  std::vector<uint8_t> sealed, plain;
  size_t plain_pos = 0;
  uint32_t chunk_size = 0;
  uint64_t chunk_index = 0;
  bool final_seen = false, checked = false;
  Sha256 hash;

  crypto_secretstream_xchacha20poly1305_state* st() {
    return reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(stream.data());
  }
  ~State() {
    if (fd >= 0) ::close(fd);
  }
};

Vault::Reader::Reader(std::unique_ptr<State> s) : s_(std::move(s)) {}
Vault::Reader::Reader(Reader&&) noexcept = default;
Vault::Reader& Vault::Reader::operator=(Reader&&) noexcept = default;
Vault::Reader::~Reader() = default;

Result<Vault::Reader> Vault::Open(std::string_view sha256, std::span<const uint8_t> file_key) const {
  crypto::EnsureSodium();
  if (!IsSha256Hex(sha256)) return Error::Invalid(fmt::format("evidence '{}': not a SHA-256 in hex", sha256));
  if (file_key.size() != crypto_secretstream_xchacha20poly1305_KEYBYTES) {
    return Error::Corrupt(fmt::format("evidence {}: the stored file key has the wrong length", sha256));
  }
  auto s = std::make_unique<Reader::State>();
  s->sha256 = std::string(sha256);
  const std::string path = PathOf(sha256);
  s->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (s->fd < 0) {
    if (errno == ENOENT) return Error::NotFound(fmt::format("evidence {}: the file is missing from the vault ({})", sha256, path));
    return IoError(fmt::format("cannot open '{}'", path));
  }
  uint8_t header[kHeaderSize];
  DOSSIER_ASSIGN_OR_RETURN(size_t got, ReadFull(s->fd, header, sizeof header));
  if (got != sizeof header || std::memcmp(header, kMagic, sizeof kMagic) != 0) {
    return Error::Corrupt(fmt::format("evidence {}: the vault file has no valid header", sha256));
  }
  for (int i = 0; i < 4; ++i) s->chunk_size |= static_cast<uint32_t>(header[sizeof kMagic + i]) << (8 * i);
  if (s->chunk_size == 0 || s->chunk_size > 16 * 1024 * 1024) {
    return Error::Corrupt(fmt::format("evidence {}: the vault file header names an impossible chunk size", sha256));
  }
  if (crypto_secretstream_xchacha20poly1305_init_pull(s->st(), header + sizeof kMagic + 4, file_key.data()) != 0) {
    return Error::Corrupt(fmt::format("evidence {}: the vault file header is invalid", sha256));
  }
  s->sealed.resize(s->chunk_size + crypto_secretstream_xchacha20poly1305_ABYTES);
  s->plain.reserve(s->chunk_size);
  return Reader(std::move(s));
}

// Decrypts the next chunk into plain; false when the stream has ended (and been checked).
Result<bool> Vault::Reader::NextChunk() {
  State& s = *s_;
  s.plain_pos = 0;
  s.plain.resize(s.chunk_size);
  DOSSIER_ASSIGN_OR_RETURN(size_t got, ReadFull(s.fd, s.sealed.data(), s.sealed.size()));
  if (s.final_seen) {
    if (got != 0) return Error::Corrupt(fmt::format("evidence {}: the vault file goes on after its last chunk", s.sha256));
    if (!s.checked) {
      s.checked = true;
      const std::string actual = s.hash.FinalHex();
      if (actual != s.sha256) {
        return Error::Corrupt(fmt::format("evidence {}: the decrypted file has SHA-256 {}, not its name", s.sha256, actual));
      }
    }
    s.plain.clear();
    return false;
  }
  if (got < crypto_secretstream_xchacha20poly1305_ABYTES) {
    return Error::Corrupt(fmt::format("evidence {}: the vault file is truncated after chunk {}", s.sha256, s.chunk_index));
  }
  unsigned long long n = 0;
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(s.st(), s.plain.data(), &n, &tag, s.sealed.data(), got, nullptr, 0) != 0) {
    return Error::Corrupt(fmt::format("evidence {}: chunk {} of the vault file fails authentication (altered or "
                                      "not encrypted with this file's key)", s.sha256, s.chunk_index));
  }
  s.plain.resize(static_cast<size_t>(n));
  if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
    s.final_seen = true;
  } else if (got != s.sealed.size()) {
    return Error::Corrupt(fmt::format("evidence {}: the vault file is truncated in chunk {}", s.sha256, s.chunk_index));
  }
  s.hash.Update(s.plain);
  ++s.chunk_index;
  return true;
}

Result<size_t> Vault::Reader::Read(std::span<uint8_t> out) {
  State& s = *s_;
  while (s.plain_pos == s.plain.size()) {
    DOSSIER_ASSIGN_OR_RETURN(bool more, NextChunk());
    if (!more) return size_t{0};
  }
  const size_t n = std::min(out.size(), s.plain.size() - s.plain_pos);
  std::memcpy(out.data(), s.plain.data() + s.plain_pos, n);
  s.plain_pos += n;
  return n;
}

Result<std::vector<std::string>> Vault::List() const {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::exists(root_, ec)) return out;
  for (const auto& dir : fs::directory_iterator(root_, ec)) {
    const std::string prefix = dir.path().filename().string();
    if (!dir.is_directory() || prefix.size() != 2) continue;
    for (const auto& f : fs::directory_iterator(dir.path(), ec)) {
      out.push_back(prefix + f.path().filename().string());
    }
  }
  if (ec) return Error::Io(fmt::format("evidence vault: cannot list '{}': {}", root_, ec.message()));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace dossier::evidence
