#include "cli/database_options.h"

#include <pwd.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/context.h"

namespace dossier::cli {

void AddDatabaseOptions(CLI::App* command, DatabaseOptions& options) {
  command->add_option("--db", options.db_path, "Database file")->required();
  command->add_option("--key-file", options.key_file,
                      "Key file that unlocks the database (default: $DOSSIER_KEY_FILE, else a passphrase)");
}

Result<std::string> ReadHiddenLine(const char* prompt) {
  if (!isatty(STDIN_FILENO)) {
    return Error::Unauthenticated(
        "no key given: pass --key-file, set DOSSIER_KEY_FILE or DOSSIER_PASSPHRASE, or run in a terminal to be asked");
  }
  std::cerr << prompt << std::flush;
  termios old{};
  tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string line;
  std::getline(std::cin, line);
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::cerr << "\n";
  return line;
}

Result<crypto::KeySource> ResolveKeySource(const DatabaseOptions& options, bool confirm_new_passphrase) {
  crypto::KeySource key;
  std::string file = options.key_file;
  if (file.empty()) {
    if (const char* env = std::getenv("DOSSIER_KEY_FILE"); env && *env) file = env;
  }
  if (!file.empty()) {
    key.kind = crypto::KeySource::Kind::kKeyFile;
    key.key_file_path = file;
    return key;
  }
  key.kind = crypto::KeySource::Kind::kPassphrase;
  if (const char* env = std::getenv("DOSSIER_PASSPHRASE"); env && *env) {
    key.passphrase = env;
    return key;
  }
  DOSSIER_ASSIGN_OR_RETURN(key.passphrase, ReadHiddenLine("Passphrase: "));
  if (confirm_new_passphrase) {
    DOSSIER_ASSIGN_OR_RETURN(std::string again, ReadHiddenLine("Repeat the passphrase: "));
    if (again != key.passphrase) return Error::Invalid("the two passphrases differ");
    if (key.passphrase.size() < 12) return Error::Invalid("choose a passphrase of at least 12 characters");
  }
  return key;
}

const Catalog& LoadedCatalog() {
  static const Catalog catalog = OrExit(Catalog::LoadDefault());
  return catalog;
}

std::unique_ptr<Store> OpenStoreOrExit(const DatabaseOptions& options) {
  crypto::KeySource key = OrExit(ResolveKeySource(options));
  auto store = OrExit(OpenSqliteStore(options.db_path, key, LoadedCatalog()));
  const passwd* pw = getpwuid(geteuid());
  store->SetActor(pw ? std::string("cli:") + pw->pw_name : "cli");
  return store;
}

}  // namespace dossier::cli
