#include "cli/review_commands.h"

#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/analysis.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "linkage/names.h"

namespace dossier::cli {

void RunDatabaseLink(const DatabaseLinkArgs& args) {
  auto store = OpenStoreOrExit(args.db);
  auto tables = OrExit(linkage::LoadNameTables());
  analysis::DatabaseLinkOptions o;
  o.review_probability = args.review_probability;
  if (args.threads > 0) o.threads = args.threads;
  auto s = OrExit(analysis::QueueLinkCandidates(*store, *tables, o));
  std::cout << fmt::format(
      "Linked {} person records: {} pairs compared, {} candidate pairs queued for review ({} already merged).\n"
      "Review them with `dossier review list --db {}` or in the web application.\n",
      s.records, s.candidate_pairs, s.queued, s.already_together, args.db.db_path);
}

namespace {

std::string NameOf(Store& store, const std::string& id) {
  auto p = store.GetPerson(id);
  if (!p.ok() || p->names.empty()) return id;
  std::string s;
  for (const auto& n : p->names) s += (s.empty() ? "" : " / ") + n.value;
  return s;
}

}  // namespace

void AddReviewCommands(CLI::App& app) {
  auto* review = app.add_subcommand("review", "Review candidate pairs found by `dossier link --db`")->require_subcommand(1);

  struct ListOpts {
    DatabaseOptions db;
    std::string status = "pending";
    size_t limit = 20;
    bool json = false, explain = false;
  };
  auto lo = std::make_shared<ListOpts>();
  auto* list = review->add_subcommand("list", "List candidate pairs, most probable first");
  AddDatabaseOptions(list, lo->db);
  list->add_option("--status", lo->status, "pending, confirmed or rejected")->check(CLI::IsMember({"pending", "confirmed", "rejected"}));
  list->add_option("--limit", lo->limit, "How many");
  list->add_flag("--explain", lo->explain, "Show the field-by-field score");
  list->add_flag("--json", lo->json, "Machine-readable output");
  list->callback([lo] {
    auto store = OpenStoreOrExit(lo->db);
    auto page = OrExit(store->ListLinkCandidates(lo->status, lo->limit, 0));
    if (lo->json) {
      nlohmann::json items = nlohmann::json::array();
      for (const auto& c : page.items) {
        items.push_back({{"id", c.id}, {"person_a", c.person_a}, {"person_b", c.person_b}, {"probability", c.probability},
                         {"status", c.status}, {"explanation", nlohmann::json::parse(c.explanation)}});
      }
      std::cout << nlohmann::json{{"items", items}, {"total", page.total}}.dump(2) << "\n";
      return;
    }
    for (const auto& c : page.items) {
      std::cout << fmt::format("#{:<6} p={:.3f}  {} [{}]  <->  {} [{}]\n", c.id, c.probability, NameOf(*store, c.person_a),
                               c.person_a, NameOf(*store, c.person_b), c.person_b);
      if (lo->explain) {
        auto e = nlohmann::json::parse(c.explanation);
        for (const auto& f : e["fields"]) {
          std::cout << fmt::format("         {:<14} {:<16} {:>+6.2f}  {} | {}\n", f["comparison"].get<std::string>(),
                                   f["level"].get<std::string>(), f["weight"].get<double>() + f["tf_adjustment"].get<double>(),
                                   f["value_a"].get<std::string>(), f["value_b"].get<std::string>());
        }
      }
    }
    std::cout << fmt::format("({} of {} {} pairs shown)\n", page.items.size(), page.total, lo->status);
  });

  struct DecideOpts {
    DatabaseOptions db;
    int64_t id = 0;
  };
  for (bool confirm : {true, false}) {
    auto o = std::make_shared<DecideOpts>();
    auto* cmd = review->add_subcommand(confirm ? "confirm" : "reject",
                                       confirm ? "Confirm a pair: merge the two records' persons" : "Reject a pair");
    AddDatabaseOptions(cmd, o->db);
    cmd->add_option("id", o->id, "Candidate pair number")->required();
    cmd->callback([o, confirm] {
      auto store = OpenStoreOrExit(o->db);
      OrExit(store->DecideLinkCandidate(o->id, confirm));
      std::cout << (confirm ? "Merged.\n" : "Rejected.\n");
    });
  }

  struct SplitOpts {
    DatabaseOptions db;
    std::string person;
  };
  auto so = std::make_shared<SplitOpts>();
  auto* split = review->add_subcommand("split", "Take a record out of the person it was merged into");
  AddDatabaseOptions(split, so->db);
  split->add_option("person", so->person, "Person record id")->required();
  split->callback([so] {
    auto store = OpenStoreOrExit(so->db);
    OrExit(store->SplitFromCluster(so->person));
    std::cout << "Split.\n";
  });

  struct UndoOpts {
    DatabaseOptions db;
    int64_t seq = 0;
  };
  auto uo = std::make_shared<UndoOpts>();
  auto* undo = review->add_subcommand("undo", "Undo a merge or split, by its audit entry number");
  AddDatabaseOptions(undo, uo->db);
  undo->add_option("seq", uo->seq, "Audit entry number of the merge or split")->required();
  undo->callback([uo] {
    auto store = OpenStoreOrExit(uo->db);
    OrExit(store->UndoClusterChange(uo->seq));
    std::cout << "Undone.\n";
  });
}

}  // namespace dossier::cli
