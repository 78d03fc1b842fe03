// dossier case add|list|show|transition|intervene: urgent cases from the command line.
#include <chrono>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cases/cases.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/database_options.h"
#include "domain/validate.h"

namespace dossier::cli {

namespace {

std::optional<PartialDate> DateOption(const std::string& text, const char* option) {
  if (text.empty()) return std::nullopt;
  auto d = PartialDate::Parse(text);
  if (!d.ok()) Exit(Error::Invalid(fmt::format("option '{}': {}", option, d.error().message)));
  return *d;
}

std::string Describe(const cases::Intervention& i) {
  std::string s = fmt::format("{} -> {} ({}, {})", i.actor, i.target, i.kind, i.track);
  if (!i.response.empty()) s += fmt::format("; response: {}", i.response);
  if (i.follow_up) s += fmt::format("; follow up {}", i.follow_up->ToString());
  if (!i.outcome.empty()) s += fmt::format("; outcome: {}", i.outcome);
  return s;
}

void PrintCase(const cases::Case& c, const std::vector<cases::OverdueReason>& overdue) {
  std::cout << fmt::format("{}  [{}] risk {}  {}\n", c.id, cases::StatusName(c.status), cases::RiskName(c.risk), c.title);
  std::string persons;
  for (const auto& p : c.person_ids) persons += (persons.empty() ? "" : ", ") + p;
  std::cout << fmt::format("    persons: {}; opened {}; officer {}; next deadline {}\n", persons, c.opened.ToString(),
                           c.officer.empty() ? "(none)" : c.officer,
                           c.next_deadline ? c.next_deadline->ToString() : "(none)");
  for (const auto& o : overdue) {
    std::cout << fmt::format("    OVERDUE: {} {} was due {}\n", o.what == "deadline" ? "deadline of" : "follow-up of",
                             o.record_id, o.due.ToString());
  }
}

}  // namespace

void AddCaseCommands(CLI::App& app) {
  auto* cmd = app.add_subcommand("case", "Urgent cases: persons at risk followed from report to outcome")
                  ->require_subcommand(1);

  struct AddOpts {
    DatabaseOptions db;
    std::string title, risk = "medium", officer, opened, deadline, notes;
    std::vector<std::string> persons, incidents, sources;
  };
  auto ao = std::make_shared<AddOpts>();
  auto* add = cmd->add_subcommand("add", "Open a case (status: reported)");
  AddDatabaseOptions(add, ao->db);
  add->add_option("--title", ao->title, "Short title (sealed at rest)")->required();
  add->add_option("--person", ao->persons, "Person, family or group record id (repeatable)")->required();
  add->add_option("--risk", ao->risk, "low, medium, high or critical");
  add->add_option("--officer", ao->officer, "User name of the case officer");
  add->add_option("--opened", ao->opened, "When the case was reported (default: today)");
  add->add_option("--deadline", ao->deadline, "Next deadline (YYYY-MM-DD)");
  add->add_option("--incident", ao->incidents, "Linked incident id (repeatable)");
  add->add_option("--source", ao->sources, "Source id (repeatable)");
  add->add_option("--notes", ao->notes, "Free text (sealed at rest)");
  add->callback([ao] {
    cases::Case c;
    c.title = ao->title;
    c.person_ids = ao->persons;
    auto risk = cases::ParseRisk(ao->risk);
    if (!risk) Exit(Error::Invalid(fmt::format("option '--risk': unknown risk level '{}'", ao->risk)));
    c.risk = *risk;
    c.officer = ao->officer;
    if (auto d = DateOption(ao->opened, "--opened")) {
      c.opened = *d;
    } else {
      const std::chrono::year_month_day today{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
      c.opened = PartialDate::Day(static_cast<int>(today.year()), static_cast<int>(static_cast<unsigned>(today.month())),
                                  static_cast<int>(static_cast<unsigned>(today.day())));
    }
    c.next_deadline = DateOption(ao->deadline, "--deadline");
    c.incident_ids = ao->incidents;
    c.source_ids = ao->sources;
    c.notes = ao->notes;
    auto store = OpenStoreOrExit(ao->db);
    std::cout << OrExit(store->CreateCase(c)) << "\n";
  });

  struct ListOpts {
    DatabaseOptions db;
    std::string status;
    bool overdue = false, json = false;
    size_t limit = 50;
  };
  auto lo = std::make_shared<ListOpts>();
  auto* list = cmd->add_subcommand("list", "List cases");
  AddDatabaseOptions(list, lo->db);
  list->add_option("--status", lo->status, "Only cases in this status");
  list->add_flag("--overdue", lo->overdue, "Only cases with a passed deadline or an unanswered follow-up");
  list->add_option("--limit", lo->limit, "How many (default 50)");
  list->add_flag("--json", lo->json, "Machine-readable output");
  list->callback([lo] {
    if (!lo->status.empty() && !cases::ParseStatus(lo->status)) {
      Exit(Error::Invalid(fmt::format("option '--status': unknown status '{}'", lo->status)));
    }
    auto store = OpenStoreOrExit(lo->db);
    const long today = TodayDays();
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    size_t shown = 0, total = 0;
    for (size_t offset = 0;; offset += 500) {
      auto page = OrExit(store->ListCases(500, offset, lo->status));
      for (const auto& c : page.items) {
        auto overdue = cases::Overdue(c, OrExit(store->ListInterventions(c.id)), today);
        if (lo->overdue && overdue.empty()) continue;
        ++total;
        if (shown >= lo->limit) continue;
        ++shown;
        if (lo->json) {
          nlohmann::ordered_json j = cases::ToJson(c);
          j["overdue"] = !overdue.empty();
          items.push_back(j);
        } else {
          PrintCase(c, overdue);
        }
      }
      if (page.items.size() < 500) break;
    }
    if (lo->json) {
      std::cout << nlohmann::ordered_json{{"items", items}, {"total", total}}.dump(2) << "\n";
    } else {
      std::cout << fmt::format("({} of {} cases shown)\n", shown, total);
    }
  });

  struct ShowOpts {
    DatabaseOptions db;
    std::string id;
    bool json = false;
  };
  auto so = std::make_shared<ShowOpts>();
  auto* show = cmd->add_subcommand("show", "Show a case with its timeline");
  AddDatabaseOptions(show, so->db);
  show->add_option("id", so->id, "Case id")->required();
  show->add_flag("--json", so->json, "Machine-readable output");
  show->callback([so] {
    auto store = OpenStoreOrExit(so->db);
    auto c = OrExit(store->GetCase(so->id));
    auto trs = OrExit(store->ListTransitions(c.id));
    auto ivs = OrExit(store->ListInterventions(c.id));
    auto overdue = cases::Overdue(c, ivs, TodayDays());
    auto timeline = cases::BuildTimeline(trs, ivs);
    if (so->json) {
      nlohmann::ordered_json items = nlohmann::ordered_json::array();
      for (const auto& e : timeline) {
        items.push_back({{"date", e.date.ToString()}, {"type", e.type},
                         {e.type, e.type == "transition" ? cases::ToJson(trs[e.index]) : cases::ToJson(ivs[e.index])}});
      }
      nlohmann::ordered_json od = nlohmann::ordered_json::array();
      for (const auto& o : overdue) od.push_back({{"what", o.what}, {"record_id", o.record_id}, {"due", o.due.ToString()}});
      std::cout << nlohmann::ordered_json{{"case", cases::ToJson(c)}, {"timeline", items}, {"overdue", od}}.dump(2) << "\n";
      return;
    }
    PrintCase(c, overdue);
    if (!c.notes.empty()) std::cout << "    notes: " << c.notes << "\n";
    for (const auto& e : timeline) {
      if (e.type == "transition") {
        const auto& t = trs[e.index];
        std::cout << fmt::format("  {:<10}  {} -> {}{}\n", e.date.ToString(), cases::StatusName(t.from),
                                 cases::StatusName(t.to), t.note.empty() ? "" : "  " + t.note);
      } else {
        std::cout << fmt::format("  {:<10}  intervention {}: {}\n", e.date.ToString(), ivs[e.index].id,
                                 Describe(ivs[e.index]));
      }
    }
  });

  struct TransitionOpts {
    DatabaseOptions db;
    std::string id, to, date, note;
    std::vector<std::string> sources;
  };
  auto to = std::make_shared<TransitionOpts>();
  auto* tr = cmd->add_subcommand("transition", "Move a case to another status (dated and sourced)");
  AddDatabaseOptions(tr, to->db);
  tr->add_option("id", to->id, "Case id")->required();
  tr->add_option("--to", to->to, "New status")->required();
  tr->add_option("--date", to->date, "When (YYYY, YYYY-MM or YYYY-MM-DD)")->required();
  tr->add_option("--source", to->sources, "Source id (at least one; repeatable)");
  tr->add_option("--note", to->note, "Free text (sealed at rest)");
  tr->callback([to] {
    cases::Transition t;
    t.case_id = to->id;
    auto status = cases::ParseStatus(to->to);
    if (!status) Exit(Error::Invalid(fmt::format("option '--to': unknown status '{}'", to->to)));
    t.to = *status;
    t.date = *DateOption(to->date, "--date");
    t.source_ids = to->sources;
    t.note = to->note;
    auto store = OpenStoreOrExit(to->db);
    std::cout << OrExit(store->AddTransition(t)) << "\n";
  });

  struct InterveneOpts {
    DatabaseOptions db;
    std::string id, actor, target, track, kind, date, response, follow_up, outcome;
    std::vector<std::string> sources;
  };
  auto io = std::make_shared<InterveneOpts>();
  auto* iv = cmd->add_subcommand("intervene", "Record an intervention on a case");
  AddDatabaseOptions(iv, io->db);
  iv->add_option("id", io->id, "Case id")->required();
  iv->add_option("--actor", io->actor, "Organisation that acted (vocabulary organisations)")->required();
  iv->add_option("--target", io->target, "Organisation addressed (vocabulary organisations)")->required();
  iv->add_option("--track", io->track, "bilateral, un_mechanism, public_campaign or legal")->required();
  iv->add_option("--kind", io->kind, "letter, urgent_appeal, statement, meeting or protest")->required();
  iv->add_option("--date", io->date, "When")->required();
  iv->add_option("--response", io->response, "The response (sealed at rest)");
  iv->add_option("--follow-up", io->follow_up, "Follow-up date");
  iv->add_option("--outcome", io->outcome, "The outcome (sealed at rest)");
  iv->add_option("--source", io->sources, "Source id (repeatable)");
  iv->callback([io] {
    cases::Intervention i;
    i.case_id = io->id;
    i.actor = io->actor;
    i.target = io->target;
    i.track = io->track;
    i.kind = io->kind;
    i.date = *DateOption(io->date, "--date");
    i.response = io->response;
    i.follow_up = DateOption(io->follow_up, "--follow-up");
    i.outcome = io->outcome;
    i.source_ids = io->sources;
    auto store = OpenStoreOrExit(io->db);
    std::cout << OrExit(store->AddIntervention(i)) << "\n";
  });
}

}  // namespace dossier::cli
