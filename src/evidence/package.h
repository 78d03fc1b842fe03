// Evidence package: a selection of evidence exported as one tar archive (tar.h) for a UN mechanism
// or a court, checkable anywhere without the database (docs/evidence.md, "Packages").
//
//   files/<sha256>   each original file, DECRYPTED (the package must travel by secure means)
//   custody.json     the chain of custody of every item: each audit entry about it
//   manifest.json    format, who exported it when, every item's hash, size and capture metadata,
//                    and the SHA-256 and size of custody.json
//   manifest.sig     Ed25519 signature of manifest.json's exact bytes (hex)
//   signing-key.pub  the Ed25519 public key (hex) of the database's audit trail
//
// The signature proves the package was made with the key of one particular database, and is
// worth as much as the recipient's way of knowing that key: give them its fingerprint (printed by
// `dossier evidence package`) by another channel.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/result.h"
#include "store/store.h"

namespace dossier::evidence {

struct PackageSummary {
  int64_t files = 0;
  int64_t bytes = 0;
  std::string manifest_sha256;
  std::string key_fingerprint;  // SHA-256 of the public key, hex
};

// Writes the items (their SHA-256s; each once, in the order given) to `out_path` through a
// temporary file renamed into place, checking every file's hash as it is copied out of the vault,
// then logs an "evidence_export" custody entry for each item. `note` (recipient, purpose) goes
// into the manifest and the custody entries.
Result<PackageSummary> WritePackage(Store& store, const std::vector<std::string>& items, const std::string& out_path,
                                    const std::string& note);

struct PackageReport {
  int64_t files = 0;
  int64_t bytes = 0;
  std::string key_fingerprint;
  std::vector<std::string> problems;  // bad signature, altered, missing or extra files
  bool ok() const { return problems.empty(); }
};
// Checks a package without the database: the signature, every file's hash and size, and that the
// archive holds exactly what the manifest lists. kCorrupt/kIo only when it cannot be read at all.
Result<PackageReport> VerifyPackage(const std::string& path);

}  // namespace dossier::evidence
