// serve, user add|list, verify.
#include <sodium.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "cases/delivery.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/database_options.h"
#include "http/api.h"
#include "http/auth.h"
#include "http/server.h"
#include "linkage/names.h"

namespace dossier::cli {

namespace {

struct ServeOpts {
  DatabaseOptions db;
  std::string listen = "127.0.0.1:8080";
  std::string web_root = http::DefaultWebRoot();
  int threads = 2;
  int connections = 0;
  bool behind_tls = false;
  std::vector<std::string> trusted_proxies;
  size_t max_body = 1024 * 1024;
  int idle_minutes = 30;
  int absolute_hours = 12;
  // Delivery of alerts and digests (docs/cases.md): relay, sender, pass interval, first retry wait.
  std::string smtp, mail_from = "dossier@localhost";
  double deliver_every_seconds = 30;
  int64_t retry_base_ms = 0;
};

struct UserOpts {
  DatabaseOptions db;
  std::string name;
  std::string role;
  bool totp = false;
  bool json = false;
};

struct VerifyOpts {
  DatabaseOptions db;
  bool json = false;
};

Result<std::string> NewPassword() {
  if (const char* env = std::getenv("DOSSIER_NEW_PASSWORD"); env && *env) return std::string(env);
  if (!isatty(STDIN_FILENO)) {
    return Error::Invalid("no password given: set DOSSIER_NEW_PASSWORD or run in a terminal to be asked");
  }
  DOSSIER_ASSIGN_OR_RETURN(std::string a, ReadHiddenLine("Password for the new account: "));
  DOSSIER_ASSIGN_OR_RETURN(std::string b, ReadHiddenLine("Repeat the password: "));
  if (a != b) return Error::Invalid("the two passwords differ");
  return a;
}

void Serve(const ServeOpts& o) {
  auto logger = std::make_shared<spdlog::logger>("dossier", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  spdlog::set_default_logger(logger);

  http::ServerOptions so;
  const size_t colon = o.listen.rfind(':');
  if (colon == std::string::npos) Exit(Error::Invalid("--listen: expected ADDRESS:PORT, e.g. 127.0.0.1:8080"));
  so.address = o.listen.substr(0, colon);
  if (so.address.size() > 2 && so.address.front() == '[' && so.address.back() == ']') {
    so.address = so.address.substr(1, so.address.size() - 2);
  }
  try {
    const int port = std::stoi(o.listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    so.port = static_cast<uint16_t>(port);
  } catch (const std::exception&) {
    Exit(Error::Invalid("--listen: the port must be a number from 0 to 65535"));
  }
  if (o.threads < 1 || o.threads > 256) Exit(Error::Invalid("--threads: 1 to 256"));
  so.threads = o.threads;
  so.body_limit = o.max_body;

  // One store connection per worker thread, all unlocked with the key resolved once.
  crypto::KeySource key = OrExit(ResolveKeySource(o.db));
  const int connections = o.connections > 0 ? o.connections : o.threads;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < connections; ++i) {
    stores.push_back(OrExit(OpenSqliteStore(o.db.db_path, key, LoadedCatalog())));
  }
  // The delivery worker has a connection of its own.
  auto delivery_store = OrExit(OpenSqliteStore(o.db.db_path, key, LoadedCatalog()));
  delivery_store->SetActor("delivery");
  sodium_memzero(key.passphrase.data(), key.passphrase.size());
  cases::DeliveryOptions delivery;
  if (!o.smtp.empty()) delivery.smtp = OrExit(cases::ParseSmtpRelay(o.smtp, o.mail_from));
  if (o.retry_base_ms > 0) delivery.retry.base = std::chrono::milliseconds(o.retry_base_ms);
  if (!(o.deliver_every_seconds > 0 && o.deliver_every_seconds <= 3600)) {
    Exit(Error::Invalid("--deliver-every: more than 0 and at most 3600 seconds"));
  }

  spdlog::info("loading name tables");
  auto tables = OrExit(linkage::LoadNameTables());
  http::AppOptions ao;
  ao.behind_tls = o.behind_tls;
  ao.trusted_proxies = o.trusted_proxies;
  ao.web_root = o.web_root;
  ao.session_idle = std::chrono::minutes(o.idle_minutes);
  ao.session_absolute = std::chrono::hours(o.absolute_hours);
  cases::DeliveryWorker worker(*delivery_store, delivery);
  ao.on_deliveries_queued = [&worker] { worker.Nudge(); };
  const auto t0 = std::chrono::steady_clock::now();
  auto app = OrExit(http::App::Create(ao, std::move(stores), tables));
  const auto& index = app->name_index();
  spdlog::info("search index: {} persons, {} keys, {} postings, about {} MiB, built in {:.1f} s", index.persons(),
               index.keys(), index.postings(), index.MemoryBytes() >> 20,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());

  http::Server server(so, [&app](const http::Request& r) { return app->Handle(r); });
  OrExit(server.Listen());
  spdlog::info("listening on http://{}:{}/ with {} threads and {} store connections", so.address, server.port(),
               so.threads, connections);
  worker.Start(std::chrono::milliseconds(static_cast<int64_t>(o.deliver_every_seconds * 1000)));
  spdlog::info("delivery worker: a pass every {} s, e-mail {}", o.deliver_every_seconds,
               o.smtp.empty() ? "off (no --smtp)" : "via " + o.smtp);
  server.Run(/*handle_signals=*/true);
  worker.Stop();  // finishes the send in progress; the outbox keeps the rest
  spdlog::info("stopped");
}

void UserAdd(const UserOpts& o) {
  OrExit(http::CheckUserName(o.name));
  auto role = http::ParseRole(o.role);
  if (!role) Exit(Error::Invalid("--role: expected administrator, case_officer, documenter, analyst or viewer"));
  auto store = OpenStoreOrExit(o.db);
  if (store->GetUser(o.name).ok()) Exit(Error::Conflict(fmt::format("user '{}' already exists", o.name)));
  std::string password = OrExit(NewPassword());
  OrExit(http::CheckNewPassword(password));
  UserAccount u;
  u.name = o.name;
  u.role = http::RoleName(*role);
  u.password_hash = OrExit(http::HashPassword(password));
  sodium_memzero(password.data(), password.size());
  if (o.totp) u.totp_secret = http::NewTotpSecret();
  OrExit(store->PutUser(u));
  std::cerr << fmt::format("user '{}' added with role {}\n", u.name, u.role);
  if (o.totp) {
    std::cout << http::OtpAuthUri("Dossier", u.name, u.totp_secret) << "\n";
    std::cerr << "Enter the URI above in an authenticator app (or show it as a QR code), then keep no copy of it.\n";
  }
}

void UserList(const UserOpts& o) {
  auto store = OpenStoreOrExit(o.db);
  auto users = OrExit(store->ListUsers());
  if (o.json) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& u : users) {
      items.push_back({{"name", u.name}, {"role", u.role}, {"disabled", u.disabled}, {"totp", !u.totp_secret.empty()}});
    }
    std::cout << items.dump(2) << "\n";
    return;
  }
  for (const auto& u : users) {
    std::cout << fmt::format("{:<24} {:<14} {}{}\n", u.name, u.role, u.disabled ? "disabled" : "enabled",
                             u.totp_secret.empty() ? "" : ", second factor");
  }
}

void Verify(const VerifyOpts& o) {
  auto store = OpenStoreOrExit(o.db);
  auto report = OrExit(store->Verify());
  if (o.json) {
    std::cout << nlohmann::json{{"ok", report.ok()}, {"entries", report.entries}, {"records", report.records},
                                {"problems", report.problems}}
                     .dump(2)
              << "\n";
  } else if (report.ok()) {
    std::cout << fmt::format("intact: {} audit entries, {} records match their last audited state\n", report.entries,
                             report.records);
  } else {
    for (const auto& p : report.problems) std::cout << p << "\n";
  }
  if (!report.ok()) {
    std::cerr << "dossier: the database failed verification: " << report.problems.front() << "\n";
    throw CLI::RuntimeError(ExitStatusFor(ErrorCode::kCorrupt));
  }
}

}  // namespace

void AddServeCommands(CLI::App& app) {
  auto so = std::make_shared<ServeOpts>();
  auto* serve = app.add_subcommand("serve", "Serve the web application and the JSON API");
  AddDatabaseOptions(serve, so->db);
  serve->add_option("--listen", so->listen, "ADDRESS:PORT to listen on (default 127.0.0.1:8080)");
  serve->add_option("--web-root", so->web_root, "Directory of the built web application");
  serve->add_option("--threads", so->threads, "Worker threads (default 2)");
  serve->add_option("--connections", so->connections, "Database connections (default: one per thread)");
  serve->add_flag("--behind-tls", so->behind_tls, "TLS is terminated in front of the server: mark cookies Secure");
  serve->add_option("--trust-proxy", so->trusted_proxies,
                    "IP address of a reverse proxy whose X-Forwarded-Proto/-For headers are believed (repeatable)");
  serve->add_option("--max-body", so->max_body, "Largest request body in bytes (default 1 MiB)");
  serve->add_option("--session-idle-minutes", so->idle_minutes, "Sign out after this long without a request (default 30)");
  serve->add_option("--session-max-hours", so->absolute_hours, "Sign out after this long in any case (default 12)");
  serve->add_option("--smtp", so->smtp, "SMTP relay HOST:PORT for alert e-mail and digests (no STARTTLS/AUTH)");
  serve->add_option("--mail-from", so->mail_from, "Sender address of alert e-mail and digests");
  serve->add_option("--deliver-every", so->deliver_every_seconds, "Seconds between delivery passes (default 30)");
  serve->add_option("--retry-base-ms", so->retry_base_ms, "Wait after a first failed delivery (default 30000)");
  serve->callback([so] { Serve(*so); });

  auto* user = app.add_subcommand("user", "Manage accounts")->require_subcommand(1);
  auto ao = std::make_shared<UserOpts>();
  auto* add = user->add_subcommand("add", "Add an account (password from $DOSSIER_NEW_PASSWORD or a prompt)");
  AddDatabaseOptions(add, ao->db);
  add->add_option("name", ao->name, "User name")->required();
  add->add_option("--role", ao->role, "administrator, case_officer, documenter, analyst or viewer")->required();
  add->add_flag("--totp", ao->totp, "Enrol a TOTP second factor and print its otpauth:// URI");
  add->callback([ao] { UserAdd(*ao); });
  auto lo = std::make_shared<UserOpts>();
  auto* list = user->add_subcommand("list", "List accounts");
  AddDatabaseOptions(list, lo->db);
  list->add_flag("--json", lo->json, "Print JSON");
  list->callback([lo] { UserList(*lo); });

  auto vo = std::make_shared<VerifyOpts>();
  auto* verify = app.add_subcommand("verify", "Check the signed audit chain and every stored row against it");
  AddDatabaseOptions(verify, vo->db);
  verify->add_flag("--json", vo->json, "Print the report as JSON");
  verify->callback([vo] { Verify(*vo); });
}

}  // namespace dossier::cli
