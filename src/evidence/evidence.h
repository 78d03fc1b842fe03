// Evidence intake, reading and checking: the vault (vault.h) and the store's evidence rows
// (Store::AddEvidence ...) used together, for the command line and the server alike.
//
// Intake streams a file into the vault while hashing it and records it only once the last byte
// has arrived: a file cut short, refused or failing to record leaves nothing behind, neither a row
// nor a file. Every read for a person (a download, `evidence get`) is logged in the item's chain
// of custody by the caller, before the first byte leaves.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/result.h"
#include "evidence/vault.h"
#include "store/store.h"

namespace dossier::evidence {

class Intake {
 public:
  // Checks `metadata` (everything but sha256 and size) and that its source, and the original of a
  // working copy, exist, before any byte is read.
  static Result<Intake> Begin(const Store& store, EvidenceItem metadata);
  Status Write(std::span<const uint8_t> bytes);
  uint64_t bytes_written() const { return writer_.size(); }
  // Finishes the file and records it: the row, its custody entry and the file in the vault land
  // together or not at all. An empty file is refused (kInvalidArgument).
  Result<EvidenceItem> Commit(Store& store);

 private:
  Intake(EvidenceItem item, Vault::Writer writer) : item_(std::move(item)), writer_(std::move(writer)) {}
  EvidenceItem item_;
  Vault::Writer writer_;
};

// An item's metadata as JSON (the one shape for the API, the command line and package manifests).
nlohmann::ordered_json EvidenceJson(const EvidenceItem& item);
// A media type for a file name's extension (audio, video, images, PDF, HTML, text), else
// application/octet-stream.
std::string GuessMediaType(std::string_view filename);

// Opens a stored file for reading, with its key from the store.
Result<Vault::Reader> OpenEvidence(const Store& store, const std::string& sha256);

// What `dossier evidence verify` found: every file decrypted and hashed against its name.
struct VaultReport {
  int64_t items = 0;
  int64_t bytes = 0;
  std::vector<std::string> problems;  // one line per missing, altered or unrecorded file
  bool ok() const { return problems.empty(); }
};
Result<VaultReport> VerifyVault(const Store& store);

}  // namespace dossier::evidence
