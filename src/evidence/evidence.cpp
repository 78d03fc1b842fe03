#include "evidence/evidence.h"

#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>

namespace dossier::evidence {

Result<Intake> Intake::Begin(const Store& store, EvidenceItem metadata) {
  DOSSIER_RETURN_IF_ERROR(ValidateEvidenceMetadata(metadata));
  if (!store.Exists(RecordKind::kSource, metadata.source_id)) {
    return Error::NotFound(fmt::format("evidence: field 'source_id': source '{}' does not exist", metadata.source_id));
  }
  if (!metadata.derived_from.empty()) {
    auto original = store.GetEvidence(metadata.derived_from);
    if (!original.ok()) {
      return Error::NotFound(fmt::format("evidence: field 'derived_from': no evidence {} in the vault", metadata.derived_from));
    }
  }
  DOSSIER_ASSIGN_OR_RETURN(std::string root, store.EvidenceVaultPath());
  DOSSIER_ASSIGN_OR_RETURN(Vault::Writer writer, Vault(root).Create());
  return Intake(std::move(metadata), std::move(writer));
}

Status Intake::Write(std::span<const uint8_t> bytes) { return writer_.Write(bytes); }

Result<EvidenceItem> Intake::Commit(Store& store) {
  DOSSIER_RETURN_IF_ERROR(writer_.Finish());
  item_.sha256 = writer_.sha256();
  item_.size = static_cast<int64_t>(writer_.size());
  if (item_.size == 0) {
    return Error::Invalid("evidence: the file is empty (0 bytes); an empty file is not kept as evidence");
  }
  if (item_.derived_from == item_.sha256) {
    return Error::Invalid(fmt::format("evidence {}: field 'derived_from': a working copy must differ from its original",
                                      item_.sha256));
  }
  Status s = store.Transaction([&]() -> Status {
    DOSSIER_RETURN_IF_ERROR(store.AddEvidence(item_, writer_.key()));
    Status placed = writer_.Commit();
    if (!placed.ok() && placed.error().code == ErrorCode::kConflict) {
      return Error::Conflict(fmt::format("evidence {}: the vault holds a file of this hash that the database does not "
                                         "record (left by an interrupted write?); run `dossier evidence verify`",
                                         item_.sha256));
    }
    return placed;
  });
  if (!s.ok()) {
    writer_.Uncommit();
    return s.error();
  }
  return store.GetEvidence(item_.sha256);
}

nlohmann::ordered_json EvidenceJson(const EvidenceItem& e) {
  nlohmann::ordered_json j = {{"sha256", e.sha256},           {"source_id", e.source_id},     {"size", e.size},
                              {"filename", e.filename},       {"media_type", e.media_type},   {"method", e.method},
                              {"acquired_at", e.acquired_at}, {"acquired_by", e.acquired_by}, {"acquired_from", e.acquired_from},
                              {"added_at", e.added_at},       {"added_by", e.added_by}};
  j["derived_from"] = e.derived_from.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(e.derived_from);
  j["derivation"] = e.derivation.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(e.derivation);
  return j;
}

std::string GuessMediaType(std::string_view filename) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {"mp3", "audio/mpeg"},   {"m4a", "audio/mp4"},        {"wav", "audio/wav"},        {"ogg", "audio/ogg"},
      {"mp4", "video/mp4"},    {"mov", "video/quicktime"},  {"webm", "video/webm"},      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},  {"png", "image/png"},        {"gif", "image/gif"},        {"tif", "image/tiff"},
      {"tiff", "image/tiff"},  {"heic", "image/heic"},      {"pdf", "application/pdf"},  {"html", "text/html"},
      {"htm", "text/html"},    {"mhtml", "multipart/related"}, {"txt", "text/plain"},    {"json", "application/json"},
      {"warc", "application/warc"}, {"zip", "application/zip"}, {"eml", "message/rfc822"}};
  const size_t dot = filename.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string ext(filename.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

Result<Vault::Reader> OpenEvidence(const Store& store, const std::string& sha256) {
  DOSSIER_ASSIGN_OR_RETURN(std::string root, store.EvidenceVaultPath());
  DOSSIER_ASSIGN_OR_RETURN(crypto::SecretBytes key, store.EvidenceKey(sha256));
  return Vault(root).Open(sha256, key.span());
}

Result<VaultReport> VerifyVault(const Store& store) {
  VaultReport report;
  DOSSIER_ASSIGN_OR_RETURN(std::string root, store.EvidenceVaultPath());
  std::set<std::string> recorded;
  std::vector<uint8_t> buf(kChunkSize);
  for (size_t offset = 0;; offset += 200) {
    DOSSIER_ASSIGN_OR_RETURN(Page<EvidenceItem> page, store.ListEvidence("", 200, offset));
    for (const auto& item : page.items) {
      recorded.insert(item.sha256);
      ++report.items;
      auto reader = OpenEvidence(store, item.sha256);
      if (!reader.ok()) {
        report.problems.push_back(reader.error().message);
        continue;
      }
      int64_t size = 0;
      Status failed = Ok();
      while (true) {
        auto n = reader->Read(buf);
        if (!n.ok()) {
          failed = n.error();
          break;
        }
        if (*n == 0) break;
        size += static_cast<int64_t>(*n);
      }
      report.bytes += size;
      if (!failed.ok()) {
        report.problems.push_back(failed.error().message);
      } else if (size != item.size) {
        report.problems.push_back(
            fmt::format("evidence {}: the file holds {} bytes, the database says {}", item.sha256, size, item.size));
      }
    }
    if (page.items.size() < 200) break;
  }
  DOSSIER_ASSIGN_OR_RETURN(auto files, Vault(root).List());
  for (const auto& f : files) {
    if (!recorded.count(f)) {
      report.problems.push_back(fmt::format("the vault holds a file '{}' that the database does not record", f));
    }
  }
  return report;
}

}  // namespace dossier::evidence
