// dossier ingest FILE, dossier candidates list|confirm|reject, dossier search-sources: ingestion of
// articles and reports, the documenter's decisions on what it proposes, and full-text search.
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/database_options.h"
#include "evidence/ingest_source.h"

namespace dossier::cli {

namespace {

std::string ReadFileOrExit(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Exit(Error::Io(fmt::format("cannot read '{}'", path)));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const evidence::Lexicon& LoadedLexicon() {
  static const evidence::Lexicon lexicon = OrExit(evidence::Lexicon::Load(LoadedCatalog(), Catalog::DefaultDataDir()));
  return lexicon;
}

std::string Shown(const SourceCandidate& c) {
  std::string value = c.value;
  if (c.kind == "count") value = fmt::format("{} {}", c.qualifier, c.value);
  return fmt::format("{:<18} {:<14} {:<28} \"{}\" ({:.2f}{}{})", c.id, c.kind, value, c.quote, c.confidence,
                     c.status == "pending" ? "" : ", " + c.status + " by " + c.decided_by,
                     c.note.empty() ? "" : "; " + c.note);
}

}  // namespace

void AddIngestCommands(CLI::App& app) {
  struct IngestOpts {
    DatabaseOptions db;
    std::string file, kind = "news", title, publisher, published, lang, url, format = "auto", encoding, sensitivity = "internal";
    bool json = false;
  };
  auto io = std::make_shared<IngestOpts>();
  auto* ingest = app.add_subcommand("ingest", "Store an article or report (plain text or HTML) as a source and propose "
                                              "candidate facts for a documenter to confirm or reject");
  AddDatabaseOptions(ingest, io->db);
  ingest->add_option("file", io->file, "The document (UTF-8 plain text or HTML)")->required();
  ingest->add_option("--kind", io->kind, "news, ngo-report or a source_kinds code (default news)");
  ingest->add_option("--title", io->title, "Citation title (default: the HTML title or the first line)");
  ingest->add_option("--publisher", io->publisher, "Outlet or organisation");
  ingest->add_option("--published", io->published, "Publication date, YYYY-MM-DD: relative dates are resolved against it");
  ingest->add_option("--lang", io->lang, "Language of the text (default: guessed, en or ko)");
  ingest->add_option("--url", io->url, "Where it was published");
  ingest->add_option("--format", io->format, "auto, text or html")->check(CLI::IsMember({"auto", "text", "html"}));
  ingest->add_option("--encoding", io->encoding, "utf-8 (default) or euc-kr");
  ingest->add_option("--sensitivity", io->sensitivity, "public, internal or restricted");
  ingest->add_flag("--json", io->json, "Machine-readable output");
  ingest->callback([io] {
    evidence::IngestRequest req;
    req.name = io->file;
    req.bytes = ReadFileOrExit(io->file);
    req.format = io->format == "text" ? evidence::DocumentFormat::kText
                 : io->format == "html" ? evidence::DocumentFormat::kHtml : evidence::DocumentFormat::kAuto;
    req.encoding = io->encoding;
    req.kind = io->kind;
    req.title = io->title;
    req.publisher = io->publisher;
    req.published = io->published;
    req.language = io->lang;
    req.url = io->url;
    auto sensitivity = ParseSensitivity(io->sensitivity);
    if (!sensitivity) Exit(Error::Invalid(fmt::format("option '--sensitivity': unknown value '{}'", io->sensitivity)));
    req.sensitivity = *sensitivity;
    const auto& lexicon = LoadedLexicon();
    auto tables = OrExit(linkage::LoadNameTables());
    auto store = OpenStoreOrExit(io->db);
    auto result = OrExit(evidence::IngestDocument(*store, lexicon, tables.get(), req));
    if (io->json) {
      nlohmann::ordered_json items = nlohmann::ordered_json::array();
      for (const auto& c : result.candidates) items.push_back(evidence::CandidateToJson(store->catalog(), c, result.source.text));
      std::cout << nlohmann::ordered_json{{"source_id", result.source.id},
                                          {"title", result.source.title},
                                          {"date", result.source.date ? result.source.date->ToString() : ""},
                                          {"candidates", items}}
                       .dump(2)
                << "\n";
      return;
    }
    std::cout << fmt::format("Stored source {} \"{}\" ({}, {}{}).\n", result.source.id, result.source.title,
                             result.source.kind, result.source.language,
                             result.source.date ? ", published " + result.source.date->ToString() : ", no publication date");
    std::cout << fmt::format("{} candidate facts await a documenter's decision:\n", result.candidates.size());
    for (const auto& c : result.candidates) std::cout << "  " << Shown(c) << "\n";
    std::cout << fmt::format("Confirm or reject them with `dossier candidates confirm|reject --db {} ID...`.\n",
                             io->db.db_path);
  });

  auto* cmd = app.add_subcommand("candidates", "Facts proposed by `dossier ingest`, waiting for a documenter")
                  ->require_subcommand(1);
  struct ListOpts {
    DatabaseOptions db;
    std::string source, status = "pending";
    size_t limit = 200;
    bool json = false;
  };
  auto lo = std::make_shared<ListOpts>();
  auto* list = cmd->add_subcommand("list", "List candidates in text order");
  AddDatabaseOptions(list, lo->db);
  list->add_option("--source", lo->source, "Only the candidates of this source");
  list->add_option("--status", lo->status, "pending (default), confirmed, rejected or all")
      ->check(CLI::IsMember({"pending", "confirmed", "rejected", "all"}));
  list->add_option("--limit", lo->limit, "How many (default 200)");
  list->add_flag("--json", lo->json, "Machine-readable output");
  list->callback([lo] {
    auto store = OpenStoreOrExit(lo->db);
    auto page = OrExit(store->ListSourceCandidates(lo->source, lo->status == "all" ? "" : lo->status, lo->limit, 0));
    if (lo->json) {
      nlohmann::ordered_json items = nlohmann::ordered_json::array();
      std::map<std::string, std::string> texts;
      for (const auto& c : page.items) {
        if (!texts.count(c.source_id)) texts[c.source_id] = OrExit(store->GetSource(c.source_id)).text;
        items.push_back(evidence::CandidateToJson(store->catalog(), c, texts[c.source_id]));
      }
      std::cout << nlohmann::ordered_json{{"items", items}, {"total", page.total}}.dump(2) << "\n";
      return;
    }
    for (const auto& c : page.items) std::cout << c.source_id << "  " << Shown(c) << "\n";
    std::cout << fmt::format("({} of {} shown)\n", page.items.size(), page.total);
  });

  struct DecideOpts {
    DatabaseOptions db;
    std::vector<std::string> ids;
    bool draft = false;
  };
  for (const bool confirm : {true, false}) {
    auto o = std::make_shared<DecideOpts>();
    auto* sub = cmd->add_subcommand(confirm ? "confirm" : "reject",
                                    confirm ? "Confirm candidates: records the decision only, creates no incident"
                                            : "Reject candidates");
    AddDatabaseOptions(sub, o->db);
    sub->add_option("id", o->ids, "Candidate ids")->required();
    if (confirm) {
      sub->add_flag("--draft", o->draft, "Print the incident draft that the source's confirmed candidates prefill (JSON "
                                         "for `dossier incident add` or the web form; nothing is created)");
    }
    sub->callback([o, confirm] {
      auto store = OpenStoreOrExit(o->db);
      std::string source_id;
      OrExit(store->Transaction([&]() -> Status {
        for (const auto& id : o->ids) {
          DOSSIER_RETURN_IF_ERROR(store->DecideSourceCandidate(id, confirm));
          DOSSIER_ASSIGN_OR_RETURN(SourceCandidate c, store->GetSourceCandidate(id));
          source_id = c.source_id;
        }
        return Ok();
      }));
      if (!o->draft) {
        std::cout << fmt::format("{} {} candidate{}.\n", confirm ? "Confirmed" : "Rejected", o->ids.size(),
                                 o->ids.size() == 1 ? "" : "s");
        return;
      }
      auto source = OrExit(store->GetSource(source_id));
      auto all = OrExit(store->ListSourceCandidates(source_id, "confirmed", 10000, 0));
      std::cout << evidence::DraftIncident(store->catalog(), source, all.items).dump(2) << "\n";
    });
  }

  struct SearchOpts {
    DatabaseOptions db;
    std::string query;
    size_t limit = 20;
    bool json = false;
  };
  auto so = std::make_shared<SearchOpts>();
  auto* search = app.add_subcommand("search-sources", "Full-text search over source titles and texts (Hangul and "
                                                      "Hanja from one character on)");
  AddDatabaseOptions(search, so->db);
  search->add_option("query", so->query, "Words; every one must occur")->required();
  search->add_option("--limit", so->limit, "How many (default 20)");
  search->add_flag("--json", so->json, "Machine-readable output");
  search->callback([so] {
    auto store = OpenStoreOrExit(so->db);
    OrExit(store->IndexUnindexedSources());
    // The command line holds the key: it sees restricted sources, as every holder of the key can.
    auto page = OrExit(store->SearchSources(so->query, /*include_restricted=*/true, so->limit, 0));
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    for (const auto& h : page.items) {
      auto s = OrExit(store->GetSource(h.source_id));
      if (so->json) {
        items.push_back({{"id", s.id}, {"title", s.title}, {"kind", s.kind}, {"score", h.score}});
      } else {
        std::cout << fmt::format("{}  {:<12} {}{}\n", s.id, s.kind, s.title, s.date ? " (" + s.date->ToString() + ")" : "");
      }
    }
    if (so->json) {
      std::cout << nlohmann::ordered_json{{"items", items}, {"total", page.total}}.dump(2) << "\n";
    } else {
      std::cout << fmt::format("({} of {} shown)\n", page.items.size(), page.total);
    }
  });
}

}  // namespace dossier::cli
