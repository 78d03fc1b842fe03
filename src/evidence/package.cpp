#include "evidence/package.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <set>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "evidence/evidence.h"
#include "evidence/tar.h"

namespace dossier::evidence {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

constexpr const char* kFormat = "dossier-evidence-package/1";
constexpr const char* kManifest = "manifest.json";
constexpr const char* kSignature = "manifest.sig";
constexpr const char* kPublicKey = "signing-key.pub";
constexpr const char* kCustody = "custody.json";

std::string FilePath(const std::string& sha256) { return "files/" + sha256; }

std::string HexSha256(std::string_view bytes) {
  Sha256 h;
  h.Update({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  return h.FinalHex();
}

std::span<const uint8_t> AsBytes(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

Status AddSmallFile(TarWriter& tar, const char* name, const std::string& content, int64_t mtime) {
  DOSSIER_RETURN_IF_ERROR(tar.BeginFile(name, content.size(), mtime));
  DOSSIER_RETURN_IF_ERROR(tar.Write(AsBytes(content)));
  return tar.EndFile();
}

ordered_json ItemJson(const EvidenceItem& e) {
  ordered_json j = EvidenceJson(e);
  j["path"] = FilePath(e.sha256);
  return j;
}

// Copies one stored file into the archive, hashing it on the way; the hash must be its name.
Status CopyOut(const Store& store, const EvidenceItem& item, TarWriter& tar, int64_t mtime) {
  DOSSIER_ASSIGN_OR_RETURN(Vault::Reader reader, OpenEvidence(store, item.sha256));
  DOSSIER_RETURN_IF_ERROR(tar.BeginFile(FilePath(item.sha256), static_cast<uint64_t>(item.size), mtime));
  std::vector<uint8_t> buf(kChunkSize);
  uint64_t copied = 0;
  while (true) {
    DOSSIER_ASSIGN_OR_RETURN(size_t n, reader.Read(buf));  // the reader checks the hash at the end
    if (n == 0) break;
    copied += n;
    if (copied > static_cast<uint64_t>(item.size)) break;
    DOSSIER_RETURN_IF_ERROR(tar.Write({buf.data(), n}));
  }
  if (copied != static_cast<uint64_t>(item.size)) {
    return Error::Corrupt(fmt::format("evidence {}: the vault file holds {} bytes, the database says {}", item.sha256,
                                      copied, item.size));
  }
  return tar.EndFile();
}

std::string Fingerprint(std::span<const uint8_t> public_key) {
  Sha256 h;
  h.Update(public_key);
  return h.FinalHex();
}

}  // namespace

Result<PackageSummary> WritePackage(Store& store, const std::vector<std::string>& items, const std::string& out_path,
                                    const std::string& note) {
  if (items.empty()) return Error::Invalid("package: nothing selected (give --source or --item)");
  std::vector<EvidenceItem> selected;
  std::set<std::string> seen;
  for (const auto& sha : items) {
    if (!seen.insert(sha).second) continue;
    DOSSIER_ASSIGN_OR_RETURN(EvidenceItem e, store.GetEvidence(sha));
    selected.push_back(std::move(e));
  }
  if (access(out_path.c_str(), F_OK) == 0) {
    return Error::Conflict(fmt::format("package: '{}' already exists; not overwriting it", out_path));
  }
  const std::string temp = out_path + ".part";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error::Io(fmt::format("package: cannot create '{}': {}", temp, std::strerror(errno)));
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  PackageSummary summary;
  auto write = [&]() -> Status {
    TarWriter tar(fd);
    ordered_json manifest_items = ordered_json::array();
    ordered_json custody = ordered_json::object();
    for (const auto& e : selected) {
      DOSSIER_RETURN_IF_ERROR(CopyOut(store, e, tar, now));
      manifest_items.push_back(ItemJson(e));
      ++summary.files;
      summary.bytes += e.size;
      DOSSIER_ASSIGN_OR_RETURN(auto log, store.CustodyLog(e.sha256));
      ordered_json entries = ordered_json::array();
      for (const auto& a : log) {
        ordered_json changes = ordered_json::parse(a.changes, nullptr, false);
        if (changes.is_discarded()) changes = a.changes;
        entries.push_back({{"seq", a.seq}, {"at", a.at}, {"actor", a.actor}, {"action", a.action}, {"changes", changes}});
      }
      custody[e.sha256] = std::move(entries);
    }
    const std::string custody_text = ordered_json{{"items", custody}}.dump(2) + "\n";
    DOSSIER_RETURN_IF_ERROR(AddSmallFile(tar, kCustody, custody_text, now));
    const crypto::Bytes pk = store.keyring().signing_public_key();
    summary.key_fingerprint = Fingerprint(pk);
    ordered_json manifest = {{"format", kFormat},
                             {"created_at", fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(static_cast<std::time_t>(now)))},
                             {"note", note},
                             {"signing_key_sha256", summary.key_fingerprint},
                             {"items", manifest_items},
                             {"custody", {{"path", kCustody}, {"sha256", HexSha256(custody_text)}, {"size", custody_text.size()}}}};
    const std::string manifest_text = manifest.dump(2) + "\n";
    summary.manifest_sha256 = HexSha256(manifest_text);
    uint8_t sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const uint8_t*>(manifest_text.data()), manifest_text.size(),
                         store.keyring().signing_secret_key().data());
    DOSSIER_RETURN_IF_ERROR(AddSmallFile(tar, kManifest, manifest_text, now));
    DOSSIER_RETURN_IF_ERROR(AddSmallFile(tar, kSignature, crypto::ToHex(sig) + "\n", now));
    DOSSIER_RETURN_IF_ERROR(AddSmallFile(tar, kPublicKey, crypto::ToHex(pk) + "\n", now));
    DOSSIER_RETURN_IF_ERROR(tar.Finish());
    if (::fsync(fd) != 0) return Error::Io(fmt::format("package: cannot sync '{}': {}", temp, std::strerror(errno)));
    return Ok();
  };
  Status s = write();
  ::close(fd);
  if (s.ok() && ::rename(temp.c_str(), out_path.c_str()) != 0) {
    s = Error::Io(fmt::format("package: cannot rename '{}' to '{}': {}", temp, out_path, std::strerror(errno)));
  }
  if (!s.ok()) {
    ::unlink(temp.c_str());
    return s.error();
  }
  const std::string details = fmt::format("exported in package {} (manifest sha256 {}){}{}", out_path,
                                          summary.manifest_sha256, note.empty() ? "" : ": ", note);
  Status logged = store.Transaction([&]() -> Status {
    for (const auto& e : selected) DOSSIER_RETURN_IF_ERROR(store.RecordCustody(e.sha256, "evidence_export", details));
    return Ok();
  });
  if (!logged.ok()) {
    // A package whose export is not in the custody log must not exist.
    ::unlink(out_path.c_str());
    return logged.error();
  }
  return summary;
}

Result<PackageReport> VerifyPackage(const std::string& path) {
  crypto::EnsureSodium();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::Io(fmt::format("cannot open package '{}': {}", path, std::strerror(errno)));
  PackageReport report;
  std::map<std::string, std::pair<std::string, uint64_t>> hashed;  // name -> (sha256, size)
  std::map<std::string, std::string> small;                        // manifest, signature, key, custody
  auto read_all = [&]() -> Status {
    TarReader tar(fd);
    std::vector<uint8_t> buf(kChunkSize);
    while (true) {
      DOSSIER_ASSIGN_OR_RETURN(auto entry, tar.Next());
      if (!entry) break;
      if (hashed.count(entry->name)) {
        report.problems.push_back(fmt::format("'{}' appears twice in the package", entry->name));
      }
      const bool keep = !entry->name.starts_with("files/") && entry->size <= 64 * 1024 * 1024;
      std::string content;
      Sha256 h;
      while (true) {
        DOSSIER_ASSIGN_OR_RETURN(size_t n, tar.Read(buf));
        if (n == 0) break;
        h.Update({buf.data(), n});
        if (keep) content.append(reinterpret_cast<const char*>(buf.data()), n);
      }
      hashed[entry->name] = {h.FinalHex(), entry->size};
      if (keep) small[entry->name] = std::move(content);
    }
    return Ok();
  };
  Status s = read_all();
  ::close(fd);
  if (!s.ok()) return s.error();

  for (const char* name : {kManifest, kSignature, kPublicKey, kCustody}) {
    if (!small.count(name)) report.problems.push_back(fmt::format("the package has no {}", name));
  }
  if (!report.ok()) return report;
  const std::string& manifest_text = small[kManifest];
  uint8_t pk[crypto_sign_PUBLICKEYBYTES];
  uint8_t sig[crypto_sign_BYTES];
  auto trimmed = [](std::string t) {
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
    return t;
  };
  if (!crypto::FromHex(trimmed(small[kPublicKey]), pk)) {
    report.problems.push_back("signing-key.pub is not an Ed25519 public key in hex");
    return report;
  }
  report.key_fingerprint = Fingerprint(pk);
  if (!crypto::FromHex(trimmed(small[kSignature]), sig) ||
      crypto_sign_verify_detached(sig, reinterpret_cast<const uint8_t*>(manifest_text.data()), manifest_text.size(), pk) != 0) {
    report.problems.push_back("the signature does not match manifest.json: the manifest, the signature or the key was changed");
  }
  json manifest = json::parse(manifest_text, nullptr, false);
  if (!manifest.is_object() || manifest.value("format", "") != kFormat || !manifest.contains("items") ||
      !manifest["items"].is_array() || !manifest.contains("custody") || !manifest["custody"].is_object()) {
    report.problems.push_back(fmt::format("manifest.json is not a {} manifest", kFormat));
    return report;
  }
  if (manifest.value("signing_key_sha256", "") != report.key_fingerprint) {
    report.problems.push_back("signing-key.pub is not the key the manifest names");
  }
  std::set<std::string> expected = {kManifest, kSignature, kPublicKey};
  auto check = [&](const std::string& name, const json& sha, const json& size) {
    expected.insert(name);
    auto it = hashed.find(name);
    if (it == hashed.end()) {
      report.problems.push_back(fmt::format("'{}' is listed in the manifest but missing from the package", name));
      return;
    }
    if (!sha.is_string() || it->second.first != sha.get<std::string>()) {
      report.problems.push_back(fmt::format("'{}' was altered: its SHA-256 is {}, the manifest says {}", name,
                                            it->second.first, sha.is_string() ? sha.get<std::string>() : "nothing"));
    } else if (!size.is_number_unsigned() || it->second.second != size.get<uint64_t>()) {
      report.problems.push_back(fmt::format("'{}' has {} bytes, not the size the manifest gives", name, it->second.second));
    }
  };
  const json& custody = manifest["custody"];
  check(custody.value("path", ""), custody.value("sha256", json()), custody.value("size", json()));
  for (const auto& item : manifest["items"]) {
    if (!item.is_object() || !item.contains("sha256") || !item["sha256"].is_string() ||
        !IsSha256Hex(item["sha256"].get<std::string>())) {
      report.problems.push_back("manifest.json lists an item without a valid sha256");
      continue;
    }
    const std::string sha = item["sha256"].get<std::string>();
    check(FilePath(sha), item["sha256"], item.value("size", json()));
    ++report.files;
    report.bytes += item.value("size", int64_t{0});
  }
  for (const auto& [name, value] : hashed) {
    if (!expected.count(name)) report.problems.push_back(fmt::format("'{}' is in the package but not in the manifest", name));
  }
  return report;
}

}  // namespace dossier::evidence
