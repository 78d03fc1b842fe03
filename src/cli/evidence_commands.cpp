// dossier evidence add|list|get|custody|transfer|verify|package, and verify-package: the evidence
// vault from the command line (docs/evidence.md).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/database_options.h"
#include "evidence/evidence.h"
#include "evidence/package.h"

namespace dossier::cli {

namespace {

using nlohmann::ordered_json;

struct AddOpts {
  DatabaseOptions db;
  std::string source, file, method = "upload", media_type, acquired_at, acquired_by, from, filename, derived_from,
                          derivation;
};

void Add(const AddOpts& o) {
  EvidenceItem meta;
  meta.source_id = o.source;
  meta.method = o.method;
  meta.filename = o.filename.empty() ? std::filesystem::path(o.file).filename().string() : o.filename;
  meta.media_type = o.media_type.empty() ? evidence::GuessMediaType(meta.filename) : o.media_type;
  meta.acquired_at = o.acquired_at;
  meta.acquired_by = o.acquired_by;
  meta.acquired_from = o.from;
  meta.derived_from = o.derived_from;
  meta.derivation = o.derivation;
  std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(o.file.c_str(), "rb"), &std::fclose);
  if (!in) Exit(Error::Io(fmt::format("cannot open '{}': {}", o.file, std::strerror(errno))));
  auto store = OpenStoreOrExit(o.db);
  auto intake = OrExit(evidence::Intake::Begin(*store, meta));
  std::vector<uint8_t> buf(evidence::kChunkSize);
  while (true) {
    const size_t n = std::fread(buf.data(), 1, buf.size(), in.get());
    if (n > 0) OrExit(intake.Write({buf.data(), n}));
    if (n < buf.size()) {
      if (std::ferror(in.get())) Exit(Error::Io(fmt::format("cannot read '{}'", o.file)));
      break;
    }
  }
  EvidenceItem item = OrExit(intake.Commit(*store));
  std::cout << item.sha256 << "\n";
}

struct ListOpts {
  DatabaseOptions db;
  std::string source;
  bool json = false;
};

void List(const ListOpts& o) {
  auto store = OpenStoreOrExit(o.db);
  ordered_json items = ordered_json::array();
  for (size_t offset = 0;; offset += 500) {
    auto page = OrExit(store->ListEvidence(o.source, 500, offset));
    for (const auto& e : page.items) {
      if (o.json) {
        items.push_back(evidence::EvidenceJson(e));
      } else {
        std::cout << fmt::format("{}  {:>12}  {:<24} {}  {}{}\n", e.sha256, e.size, e.media_type, e.source_id, e.filename,
                                 e.derived_from.empty() ? "" : fmt::format("  ({} of {})", e.derivation, e.derived_from));
      }
    }
    if (page.items.size() < 500) break;
  }
  if (o.json) std::cout << items.dump(2) << "\n";
}

struct GetOpts {
  DatabaseOptions db;
  std::string sha256, out;
};

void Get(const GetOpts& o) {
  auto store = OpenStoreOrExit(o.db);
  OrExit(store->GetEvidence(o.sha256));
  auto reader = OrExit(evidence::OpenEvidence(*store, o.sha256));
  if (std::filesystem::exists(o.out)) Exit(Error::Conflict(fmt::format("'{}' already exists; not overwriting it", o.out)));
  const std::string temp = o.out + ".part";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) Exit(Error::Io(fmt::format("cannot create '{}': {}", temp, std::strerror(errno))));
  // The access is logged before the first byte leaves the vault.
  Status logged = store->RecordCustody(o.sha256, "evidence_access", fmt::format("copied out to the file {}", o.out));
  std::vector<uint8_t> buf(evidence::kChunkSize);
  Status s = logged;
  while (s.ok()) {
    auto n = reader.Read(buf);
    if (!n.ok()) {
      s = n.error();
      break;
    }
    if (*n == 0) break;
    if (::write(fd, buf.data(), *n) != static_cast<ssize_t>(*n)) s = Error::Io(fmt::format("cannot write '{}'", temp));
  }
  if (s.ok() && ::fsync(fd) != 0) s = Error::Io(fmt::format("cannot sync '{}'", temp));
  ::close(fd);
  if (s.ok() && ::rename(temp.c_str(), o.out.c_str()) != 0) s = Error::Io(fmt::format("cannot rename to '{}'", o.out));
  if (!s.ok()) {
    ::unlink(temp.c_str());
    Exit(s.error());
  }
}

struct CustodyOpts {
  DatabaseOptions db;
  std::string sha256;
  bool json = false;
};

void Custody(const CustodyOpts& o) {
  auto store = OpenStoreOrExit(o.db);
  OrExit(store->GetEvidence(o.sha256));
  auto log = OrExit(store->CustodyLog(o.sha256));
  ordered_json out = ordered_json::array();
  for (const auto& e : log) {
    ordered_json changes = ordered_json::parse(e.changes, nullptr, false);
    if (o.json) {
      out.push_back({{"seq", e.seq}, {"at", e.at}, {"actor", e.actor}, {"action", e.action}, {"changes", changes}});
      continue;
    }
    std::string what;
    if (changes.is_object() && changes.contains("event")) what = changes["event"].value("after", "");
    std::cout << fmt::format("{:>6}  {}  {:<18} {:<20} {}\n", e.seq, e.at, e.actor, e.action, what);
  }
  if (o.json) std::cout << out.dump(2) << "\n";
}

struct TransferOpts {
  DatabaseOptions db;
  std::vector<std::string> items;
  std::string to, note;
};

void Transfer(const TransferOpts& o) {
  if (o.to.empty()) Exit(Error::Invalid("option '--to': name who received the evidence"));
  auto store = OpenStoreOrExit(o.db);
  const std::string details = fmt::format("transferred to {}{}{}", o.to, o.note.empty() ? "" : ": ", o.note);
  OrExit(store->Transaction([&]() -> Status {
    for (const auto& sha : o.items) DOSSIER_RETURN_IF_ERROR(store->RecordCustody(sha, "evidence_transfer", details));
    return Ok();
  }));
}

struct VerifyOpts {
  DatabaseOptions db;
  bool json = false;
};

void Verify(const VerifyOpts& o) {
  auto store = OpenStoreOrExit(o.db);
  auto report = OrExit(evidence::VerifyVault(*store));
  if (o.json) {
    std::cout << nlohmann::json{{"ok", report.ok()}, {"items", report.items}, {"bytes", report.bytes},
                                {"problems", report.problems}}.dump(2)
              << "\n";
  } else if (report.ok()) {
    std::cout << fmt::format("intact: {} files, {} bytes, each decrypts to the SHA-256 it is stored under\n", report.items,
                             report.bytes);
  } else {
    for (const auto& p : report.problems) std::cout << p << "\n";
  }
  if (!report.ok()) {
    std::cerr << fmt::format("dossier: the evidence vault failed verification ({} problem(s)): {}\n", report.problems.size(),
                             report.problems.front());
    throw CLI::RuntimeError(ExitStatusFor(ErrorCode::kCorrupt));
  }
}

struct PackageOpts {
  DatabaseOptions db;
  std::string out, note;
  std::vector<std::string> sources, items;
};

void Package(const PackageOpts& o) {
  auto store = OpenStoreOrExit(o.db);
  std::vector<std::string> hashes = o.items;
  for (const auto& source : o.sources) {
    OrExit(store->GetSource(source));
    for (size_t offset = 0;; offset += 500) {
      auto page = OrExit(store->ListEvidence(source, 500, offset));
      for (const auto& e : page.items) hashes.push_back(e.sha256);
      if (page.items.size() < 500) break;
    }
  }
  auto summary = OrExit(evidence::WritePackage(*store, hashes, o.out, o.note));
  std::cout << fmt::format("{}: {} files, {} bytes; manifest SHA-256 {}\n", o.out, summary.files, summary.bytes,
                           summary.manifest_sha256);
  std::cout << fmt::format("signing key fingerprint (SHA-256): {}\n", summary.key_fingerprint);
  std::cout << "The files in the package are NOT encrypted: carry it by secure means, and give the recipient the "
               "fingerprint by another channel.\n";
}

struct VerifyPackageOpts {
  std::string file;
  bool json = false;
};

void VerifyPackage(const VerifyPackageOpts& o) {
  auto report = OrExit(evidence::VerifyPackage(o.file));
  if (o.json) {
    std::cout << nlohmann::json{{"ok", report.ok()}, {"files", report.files}, {"bytes", report.bytes},
                                {"signing_key_sha256", report.key_fingerprint}, {"problems", report.problems}}.dump(2)
              << "\n";
  } else if (report.ok()) {
    std::cout << fmt::format("intact: signature valid, {} files ({} bytes) match the manifest, nothing missing or "
                             "extra\nsigning key fingerprint (SHA-256): {}\n", report.files, report.bytes,
                             report.key_fingerprint);
  } else {
    for (const auto& p : report.problems) std::cout << p << "\n";
  }
  if (!report.ok()) {
    std::cerr << fmt::format("dossier: the package failed verification: {}\n", report.problems.front());
    throw CLI::RuntimeError(ExitStatusFor(ErrorCode::kCorrupt));
  }
}

}  // namespace

void AddEvidenceCommands(CLI::App& app) {
  auto* cmd = app.add_subcommand("evidence", "Evidence vault: encrypted files attached to sources, chain of custody, "
                                             "packages")->require_subcommand(1);

  auto ao = std::make_shared<AddOpts>();
  auto* add = cmd->add_subcommand("add", "Store a file in the vault, attached to a source; prints its SHA-256");
  AddDatabaseOptions(add, ao->db);
  add->add_option("file", ao->file, "The file (never modified; any type, any size)")->required();
  add->add_option("--source", ao->source, "Source id the file belongs to")->required();
  add->add_option("--method", ao->method, "How it was acquired: upload (default), interview_recording, photograph, "
                                          "scan, web_capture, device_extraction, email, messaging_app, other");
  add->add_option("--media-type", ao->media_type, "Media type (default: from the file name's extension)");
  add->add_option("--acquired-at", ao->acquired_at, "When it was acquired (YYYY-MM-DD or ISO 8601 date-time)");
  add->add_option("--acquired-by", ao->acquired_by, "Who acquired it (sealed at rest)");
  add->add_option("--from", ao->from, "Where from: URL, place or device (sealed at rest)");
  add->add_option("--filename", ao->filename, "Original file name to record (default: the file's own; sealed)");
  add->add_option("--derived-from", ao->derived_from, "For a working copy: the SHA-256 of its original");
  add->add_option("--derivation", ao->derivation, "For a working copy: redacted, translated, transcribed, transcoded, excerpt");
  add->callback([ao] { Add(*ao); });

  auto lo = std::make_shared<ListOpts>();
  auto* list = cmd->add_subcommand("list", "List the files in the vault");
  AddDatabaseOptions(list, lo->db);
  list->add_option("--source", lo->source, "Only the files of this source");
  list->add_flag("--json", lo->json, "Machine-readable output");
  list->callback([lo] { List(*lo); });

  auto go = std::make_shared<GetOpts>();
  auto* get = cmd->add_subcommand("get", "Copy a file out of the vault, decrypted (logged in its chain of custody)");
  AddDatabaseOptions(get, go->db);
  get->add_option("sha256", go->sha256, "The file's SHA-256")->required();
  get->add_option("--out", go->out, "Where to write it (must not exist)")->required();
  get->callback([go] { Get(*go); });

  auto co = std::make_shared<CustodyOpts>();
  auto* custody = cmd->add_subcommand("custody", "Show a file's chain of custody");
  AddDatabaseOptions(custody, co->db);
  custody->add_option("sha256", co->sha256, "The file's SHA-256")->required();
  custody->add_flag("--json", co->json, "Machine-readable output");
  custody->callback([co] { Custody(*co); });

  auto to = std::make_shared<TransferOpts>();
  auto* transfer = cmd->add_subcommand("transfer", "Record that files were handed over to someone");
  AddDatabaseOptions(transfer, to->db);
  transfer->add_option("--item", to->items, "SHA-256 of a file (repeatable)")->required();
  transfer->add_option("--to", to->to, "Who received them")->required();
  transfer->add_option("--note", to->note, "How, under what agreement (sealed)");
  transfer->callback([to] { Transfer(*to); });

  auto vo = std::make_shared<VerifyOpts>();
  auto* verify = cmd->add_subcommand("verify", "Decrypt and hash every file; report any mismatch, missing or unrecorded file");
  AddDatabaseOptions(verify, vo->db);
  verify->add_flag("--json", vo->json, "Print the report as JSON");
  verify->callback([vo] { Verify(*vo); });

  auto po = std::make_shared<PackageOpts>();
  auto* package = cmd->add_subcommand("package", "Export files as one signed tar archive with manifest and custody log");
  AddDatabaseOptions(package, po->db);
  package->add_option("--out", po->out, "The archive to write (must not exist)")->required();
  auto* src = package->add_option("--source", po->sources, "Every file of this source (repeatable)");
  auto* item = package->add_option("--item", po->items, "SHA-256 of a file (repeatable)");
  package->add_option("--note", po->note, "Recipient and purpose, recorded in the manifest and the custody log");
  src->excludes(item);
  item->excludes(src);
  package->callback([po] {
    if (po->sources.empty() && po->items.empty()) Exit(Error::Invalid("package: give --source or --item"));
    Package(*po);
  });

  auto vp = std::make_shared<VerifyPackageOpts>();
  auto* verify_package = app.add_subcommand("verify-package", "Check an evidence package without the database");
  verify_package->add_option("file", vp->file, "The package (.tar)")->required();
  verify_package->add_flag("--json", vp->json, "Print the report as JSON");
  verify_package->callback([vp] { VerifyPackage(*vp); });
}

}  // namespace dossier::cli
