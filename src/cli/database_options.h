// The options every database command shares (--db, --key-file, passphrase) and opening the
// store from them.
//
// The key comes from --key-file, else $DOSSIER_KEY_FILE, else a passphrase from
// $DOSSIER_PASSPHRASE, else a passphrase typed at a prompt (not echoed).
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "crypto/keys.h"
#include "domain/catalog.h"
#include "store/store.h"

namespace dossier::cli {

struct DatabaseOptions {
  std::string db_path;
  std::string key_file;
};

// Adds --db (required) and --key-file to a subcommand.
void AddDatabaseOptions(CLI::App* command, DatabaseOptions& options);

// Resolves the key source; prompts when neither a key file nor $DOSSIER_PASSPHRASE is given.
Result<crypto::KeySource> ResolveKeySource(const DatabaseOptions& options, bool confirm_new_passphrase = false);

// Reads a line from the terminal without echo (passphrases, passwords), prompting on stderr.
Result<std::string> ReadHiddenLine(const char* prompt);

// The loaded catalog (vocabularies and gazetteer), read once per process.
const Catalog& LoadedCatalog();

// Opens the store, exiting with a clear message on failure. The actor is the OS user name.
std::unique_ptr<Store> OpenStoreOrExit(const DatabaseOptions& options);

}  // namespace dossier::cli
