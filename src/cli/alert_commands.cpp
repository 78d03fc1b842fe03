// dossier case alert compose|release-names|approve|list|show|withdraw, dossier case officer-email,
// dossier subscriber add|list|remove, dossier deliver --once: urgent-action alerts and their
// delivery from the command line (docs/cases.md).
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cases/alerts.h"
#include "cases/delivery.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/database_options.h"

namespace dossier::cli {

namespace {

// The command line acts as a named account: the four-eyes rule compares these names.
std::unique_ptr<Store> OpenAs(const DatabaseOptions& db, const std::string& user) {
  auto store = OpenStoreOrExit(db);
  auto account = store->GetUser(user);
  if (!account.ok() || account->disabled || (account->role != "administrator" && account->role != "case_officer")) {
    Exit(Error::Invalid(fmt::format("option '--as': '{}' is not an enabled administrator or case officer account", user)));
  }
  store->SetActor(user);
  return store;
}

std::optional<PartialDate> DateOption(const std::string& text, const char* option) {
  if (text.empty()) return std::nullopt;
  auto d = PartialDate::Parse(text);
  if (!d.ok()) Exit(Error::Invalid(fmt::format("option '{}': {}", option, d.error().message)));
  return *d;
}

void PrintAlert(const cases::Alert& a, bool json) {
  if (json) {
    std::cout << cases::ToJson(a, /*pseudonymised=*/false).dump(2) << "\n";
    return;
  }
  std::cout << fmt::format("{}  [{}] case {}  respond by {}\n", a.id, cases::AlertStatusName(a.status), a.case_id,
                           a.respond_by.ToString());
  std::cout << fmt::format("    composed by {} at {}{}\n", a.composed_by, a.composed_at,
                           a.approved_by.empty() ? "" : fmt::format("; approved by {} at {}", a.approved_by, a.approved_at));
  if (a.release) {
    std::cout << fmt::format("    names released by {} (consent: {}, {}, {})\n", a.release->released_by,
                             a.release->consent_by, a.release->basis, a.release->consented_on.ToString());
  }
  if (!a.withdrawn_by.empty()) std::cout << fmt::format("    withdrawn by {}: {}\n", a.withdrawn_by, a.withdraw_reason);
}

cases::DeliveryOptions WorkerOptions(const std::string& smtp, const std::string& from, int64_t retry_base_ms) {
  cases::DeliveryOptions o;
  if (!smtp.empty()) o.smtp = OrExit(cases::ParseSmtpRelay(smtp, from));
  if (retry_base_ms > 0) o.retry.base = std::chrono::milliseconds(retry_base_ms);
  return o;
}

}  // namespace

void AddAlertCommands(CLI::App& app) {
  CLI::App* case_cmd = app.get_subcommand("case");
  auto* cmd = case_cmd->add_subcommand("alert", "Urgent-action alerts composed from a case")->require_subcommand(1);

  struct ComposeOpts {
    DatabaseOptions db;
    std::string as, case_id, respond_by, note_en, note_ko;
    std::vector<std::string> actions, contacts;
    bool json = false;
  };
  auto co = std::make_shared<ComposeOpts>();
  auto* compose = cmd->add_subcommand("compose", "Compose a draft alert in English and Korean");
  AddDatabaseOptions(compose, co->db);
  compose->add_option("case", co->case_id, "Case id")->required();
  compose->add_option("--as", co->as, "Your account (administrator or case officer)")->required();
  compose->add_option("--action", co->actions, "What to do (repeatable): urge_no_return, request_whereabouts, "
                                               "request_unhcr_access, urge_release, urge_fair_treatment")->required();
  compose->add_option("--contact", co->contacts, "Whom to contact (organisations vocabulary; repeatable)")->required();
  compose->add_option("--respond-by", co->respond_by, "By when (default: the case's next deadline)");
  compose->add_option("--note-en", co->note_en, "Extra paragraph in English (sealed)");
  compose->add_option("--note-ko", co->note_ko, "Extra paragraph in Korean (sealed)");
  compose->add_flag("--json", co->json, "Machine-readable output");
  compose->callback([co] {
    auto store = OpenAs(co->db, co->as);
    cases::AlertDraft d;
    d.case_id = co->case_id;
    d.actions = co->actions;
    d.contacts = co->contacts;
    d.respond_by = DateOption(co->respond_by, "--respond-by");
    d.note_en = co->note_en;
    d.note_ko = co->note_ko;
    auto a = OrExit(cases::ComposeAlert(*store, d, co->as));
    if (co->json) return PrintAlert(a, true);
    std::cout << a.id << "\n";
  });

  struct ReleaseOpts {
    DatabaseOptions db;
    std::string as, id, consent_by, basis, consented_on;
    std::vector<std::string> persons;
  };
  auto ro = std::make_shared<ReleaseOpts>();
  auto* release = cmd->add_subcommand("release-names", "Name persons in a draft instead of pseudonyms (consent recorded)");
  AddDatabaseOptions(release, ro->db);
  release->add_option("id", ro->id, "Alert id")->required();
  release->add_option("--as", ro->as, "Your account (administrator or case officer)")->required();
  release->add_option("--person", ro->persons, "Person id (repeatable; default: every person of the case)");
  release->add_option("--consent-by", ro->consent_by, "Who consented")->required();
  release->add_option("--basis", ro->basis, "person_consent, family_consent, already_public or vital_interest")->required();
  release->add_option("--consented-on", ro->consented_on, "When consent was given")->required();
  release->callback([ro] {
    auto store = OpenAs(ro->db, ro->as);
    cases::NameRelease r;
    r.person_ids = ro->persons;
    r.consent_by = ro->consent_by;
    r.basis = ro->basis;
    r.consented_on = *DateOption(ro->consented_on, "--consented-on");
    PrintAlert(OrExit(cases::ReleaseAlertNames(*store, ro->id, r, ro->as)), false);
  });

  struct StateOpts {
    DatabaseOptions db;
    std::string as, id, reason;
  };
  auto ap = std::make_shared<StateOpts>();
  auto* approve = cmd->add_subcommand("approve", "Approve a draft (not your own) and queue its deliveries");
  AddDatabaseOptions(approve, ap->db);
  approve->add_option("id", ap->id, "Alert id")->required();
  approve->add_option("--as", ap->as, "Your account (administrator or case officer)")->required();
  approve->callback([ap] {
    auto store = OpenAs(ap->db, ap->as);
    PrintAlert(OrExit(cases::ApproveAlert(*store, ap->id, ap->as)), false);
  });

  auto wd = std::make_shared<StateOpts>();
  auto* withdraw = cmd->add_subcommand("withdraw", "Withdraw an alert; pending deliveries are cancelled");
  AddDatabaseOptions(withdraw, wd->db);
  withdraw->add_option("id", wd->id, "Alert id")->required();
  withdraw->add_option("--as", wd->as, "Your account (administrator or case officer)")->required();
  withdraw->add_option("--reason", wd->reason, "Why")->required();
  withdraw->callback([wd] {
    auto store = OpenAs(wd->db, wd->as);
    PrintAlert(OrExit(cases::WithdrawAlert(*store, wd->id, wd->as, wd->reason)), false);
  });

  struct ListOpts {
    DatabaseOptions db;
    std::string case_id, status;
    bool json = false;
  };
  auto lo = std::make_shared<ListOpts>();
  auto* list = cmd->add_subcommand("list", "List alerts, newest first");
  AddDatabaseOptions(list, lo->db);
  list->add_option("--case", lo->case_id, "Only this case's alerts");
  list->add_option("--status", lo->status, "draft, approved or withdrawn");
  list->add_flag("--json", lo->json, "Machine-readable output");
  list->callback([lo] {
    if (!lo->status.empty() && !cases::ParseAlertStatus(lo->status)) {
      Exit(Error::Invalid(fmt::format("option '--status': unknown alert status '{}'", lo->status)));
    }
    auto store = OpenStoreOrExit(lo->db);
    auto page = OrExit(store->ListAlerts(lo->case_id, lo->status, 500, 0));
    if (lo->json) {
      nlohmann::ordered_json items = nlohmann::ordered_json::array();
      for (const auto& a : page.items) items.push_back(cases::ToJson(a, false));
      std::cout << nlohmann::ordered_json{{"items", items}, {"total", page.total}}.dump(2) << "\n";
      return;
    }
    for (const auto& a : page.items) PrintAlert(a, false);
    std::cout << fmt::format("({} alerts)\n", page.total);
  });

  struct ShowOpts {
    DatabaseOptions db;
    std::string id, language = "both";
    bool json = false;
  };
  auto so = std::make_shared<ShowOpts>();
  auto* show = cmd->add_subcommand("show", "Show an alert's texts and deliveries");
  AddDatabaseOptions(show, so->db);
  show->add_option("id", so->id, "Alert id")->required();
  show->add_option("--language", so->language, "en, ko or both");
  show->add_flag("--json", so->json, "Machine-readable output");
  show->callback([so] {
    auto store = OpenStoreOrExit(so->db);
    auto a = OrExit(store->GetAlert(so->id));
    auto deliveries = OrExit(store->ListDeliveries(a.id));
    if (so->json) {
      nlohmann::ordered_json j = cases::ToJson(a, false);
      nlohmann::ordered_json ds = nlohmann::ordered_json::array();
      for (const auto& d : deliveries) ds.push_back(cases::ToJson(d));
      j["deliveries"] = ds;
      std::cout << j.dump(2) << "\n";
      return;
    }
    PrintAlert(a, false);
    if (so->language != "ko") std::cout << "\n" << a.en.subject << "\n\n" << a.en.body;
    if (so->language != "en") std::cout << "\n" << a.ko.subject << "\n\n" << a.ko.body;
    for (const auto& d : deliveries) {
      std::cout << fmt::format("  delivery {} {} to {}: {} after {} attempt(s)\n", d.id, d.channel, d.subscriber_id,
                               cases::DeliveryStatusName(d.status), d.attempts.size());
    }
  });

  struct ContactOpts {
    DatabaseOptions db;
    std::string user, email;
  };
  auto oc = std::make_shared<ContactOpts>();
  auto* contact = case_cmd->add_subcommand("officer-email", "Where a case officer's daily reminder digest goes");
  AddDatabaseOptions(contact, oc->db);
  contact->add_option("user", oc->user, "Case officer or administrator account")->required();
  contact->add_option("email", oc->email, "E-mail address (empty: no digest)")->required();
  contact->callback([oc] {
    auto store = OpenStoreOrExit(oc->db);
    OrExit(store->PutOfficerContact({oc->user, oc->email}));
    std::cerr << fmt::format("digest address of '{}' set\n", oc->user);
  });

  // ---- subscribers
  auto* sub = app.add_subcommand("subscriber", "Partner organisations that receive approved alerts")->require_subcommand(1);
  struct SubOpts {
    DatabaseOptions db;
    std::string name, language = "both", webhook, email, id;
    bool json = false;
  };
  auto sa = std::make_shared<SubOpts>();
  auto* add = sub->add_subcommand("add", "Add a subscriber; prints its id and feed token");
  AddDatabaseOptions(add, sa->db);
  add->add_option("--name", sa->name, "Organisation name")->required();
  add->add_option("--language", sa->language, "en, ko or both");
  add->add_option("--webhook", sa->webhook, "http:// URL that receives signed POSTs");
  add->add_option("--email", sa->email, "E-mail address");
  add->callback([sa] {
    nlohmann::json in = {{"name", sa->name}, {"language", sa->language}, {"webhook_url", sa->webhook}, {"email", sa->email}};
    if (!sa->webhook.empty()) {
      const char* secret = std::getenv("DOSSIER_WEBHOOK_SECRET");
      if (!secret || !*secret) Exit(Error::Invalid("a webhook needs its shared secret in $DOSSIER_WEBHOOK_SECRET"));
      in["webhook_secret"] = secret;
    }
    auto s = OrExit(cases::SubscriberFromJson(in, "subscriber", nullptr));
    auto store = OpenStoreOrExit(sa->db);
    const std::string id = OrExit(store->PutSubscriber(s));
    auto stored = OrExit(store->GetSubscriber(id));
    std::cout << id << "\n";
    std::cerr << fmt::format("feed: /api/v1/alerts/feed.atom?token={}\n", stored.feed_token);
  });

  auto sl = std::make_shared<SubOpts>();
  auto* slist = sub->add_subcommand("list", "List subscribers");
  AddDatabaseOptions(slist, sl->db);
  slist->add_flag("--json", sl->json, "Machine-readable output (with feed tokens)");
  slist->callback([sl] {
    auto store = OpenStoreOrExit(sl->db);
    auto subs = OrExit(store->ListSubscribers());
    if (sl->json) {
      nlohmann::ordered_json items = nlohmann::ordered_json::array();
      for (const auto& s : subs) items.push_back(cases::ToJson(s));
      std::cout << items.dump(2) << "\n";
      return;
    }
    for (const auto& s : subs) {
      std::cout << fmt::format("{}  {}  [{}] language {}{}{}\n", s.id, s.name, s.active ? "active" : "inactive",
                               s.language, s.webhook_url.empty() ? "" : "  webhook " + s.webhook_url,
                               s.email.empty() ? "" : "  email " + s.email);
    }
  });

  auto sr = std::make_shared<SubOpts>();
  auto* remove = sub->add_subcommand("remove", "Deactivate a subscriber; its pending deliveries are cancelled");
  AddDatabaseOptions(remove, sr->db);
  remove->add_option("id", sr->id, "Subscriber id")->required();
  remove->callback([sr] {
    auto store = OpenStoreOrExit(sr->db);
    auto s = OrExit(store->GetSubscriber(sr->id));
    s.active = false;
    OrExit(store->PutSubscriber(s));
    std::cerr << fmt::format("subscriber '{}' deactivated\n", sr->id);
  });

  // ---- one delivery pass
  struct DeliverOpts {
    DatabaseOptions db;
    bool once = false;
    std::string smtp, mail_from = "dossier@localhost";
    int64_t retry_base_ms = 0;
  };
  auto dl = std::make_shared<DeliverOpts>();
  auto* deliver = app.add_subcommand("deliver", "Send due alert deliveries and reminder digests");
  AddDatabaseOptions(deliver, dl->db);
  deliver->add_flag("--once", dl->once, "Run one pass and exit")->required();
  deliver->add_option("--smtp", dl->smtp, "SMTP relay HOST:PORT (without it e-mail waits)");
  deliver->add_option("--mail-from", dl->mail_from, "Sender address");
  deliver->add_option("--retry-base-ms", dl->retry_base_ms, "Wait after the first failure (default 30000)");
  deliver->callback([dl] {
    auto options = WorkerOptions(dl->smtp, dl->mail_from, dl->retry_base_ms);
    auto store = OpenStoreOrExit(dl->db);
    cases::DeliveryWorker worker(*store, options);
    auto r = OrExit(worker.RunOnce(cases::NowMs()));
    std::cout << fmt::format("{} delivered, {} failed (will retry), {} digests queued\n", r.delivered, r.failed,
                             r.digests_queued);
  });
}

}  // namespace dossier::cli
