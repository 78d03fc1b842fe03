// init, demo, key rotate, and person|incident|source add|list|show.
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/database_options.h"
#include "domain/codec.h"
#include "store/demo.h"

namespace dossier::cli {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

// The script a name is written in, from its first letter: Hangul, Han, Cyrillic, else Latin.
std::string DetectScript(const std::string& value) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(value.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(value.data()), i, n, c);
    if (c < 0) break;
    UErrorCode status = U_ZERO_ERROR;
    switch (uscript_getScript(c, &status)) {
      case USCRIPT_HANGUL: return "hangul";
      case USCRIPT_HAN: return "hanja";
      case USCRIPT_CYRILLIC: return "cyrillic";
      case USCRIPT_LATIN: return "latin";
      default: continue;
    }
  }
  return "other";
}

Result<std::optional<PartialDate>> OptionalDate(const std::string& text, const char* option) {
  if (text.empty()) return std::optional<PartialDate>();
  auto d = PartialDate::Parse(text);
  if (!d.ok()) return Error::Invalid(fmt::format("{}: {}", option, d.error().message));
  return std::optional<PartialDate>(*d);
}

Result<Sensitivity> SensitivityOption(const std::string& text) {
  auto s = ParseSensitivity(text);
  if (!s) return Error::Invalid(fmt::format("--sensitivity: '{}' is not one of public, internal, restricted", text));
  return *s;
}

// Reads a record's JSON from a file, or from standard input for "-".
Result<json> ReadJsonInput(const std::string& path) {
  std::stringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error::Io(fmt::format("{}: cannot open", path));
    ss << in.rdbuf();
  }
  try {
    return json::parse(ss.str());
  } catch (const json::exception& e) {
    return Error::Invalid(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
}

void PrintJson(const ordered_json& j) { std::cout << j.dump(2) << "\n"; }

std::string FirstName(const Person& p) {
  if (p.names.empty()) {
    return p.group_size ? fmt::format("({} of {} {})", p.unit, p.group_size->qualifier, p.group_size->value)
                        : fmt::format("({})", p.unit);
  }
  std::string s = p.names[0].value;
  for (size_t i = 1; i < p.names.size(); ++i) s += " / " + p.names[i].value;
  return s;
}

struct ListOptions {
  DatabaseOptions db;
  ListQuery query;
  int year_from = 0, year_to = 0;
  bool json = false;
};

void AddListOptions(CLI::App* cmd, ListOptions& o) {
  AddDatabaseOptions(cmd, o.db);
  cmd->add_option("--limit", o.query.limit, "How many records (default 50)")->check(CLI::Range(1, 100000));
  cmd->add_option("--offset", o.query.offset, "Skip this many records");
  cmd->add_option("--type", o.query.type, "Incident type or source kind");
  cmd->add_option("--place", o.query.place, "Place code: incidents there or under it; persons from there");
  cmd->add_option("--year-from", o.year_from, "Incidents starting in or after this year");
  cmd->add_option("--year-to", o.year_to, "Incidents starting in or before this year");
  cmd->add_option("--source", o.query.source_id, "Records citing this source");
  cmd->add_flag("--json", o.json, "Machine-readable output");
}

ListQuery QueryOf(const ListOptions& o) {
  ListQuery q = o.query;
  if (o.year_from) q.year_from = o.year_from;
  if (o.year_to) q.year_to = o.year_to;
  return q;
}

template <typename T>
void PrintPage(const Page<T>& page, const ListOptions& o, const std::function<std::string(const T&)>& line) {
  if (o.json) {
    ordered_json items = ordered_json::array();
    for (const auto& r : page.items) items.push_back(ToJson(r));
    PrintJson({{"items", items}, {"total", page.total}, {"limit", o.query.limit}, {"offset", o.query.offset}});
    return;
  }
  for (const auto& r : page.items) std::cout << line(r) << "\n";
  std::cout << fmt::format("({} of {} shown)\n", page.items.size(), page.total);
}

void PrintHistory(Store& store, RecordKind kind, const std::string& id) {
  auto history = OrExit(store.History(kind, id));
  std::cout << "History:\n";
  for (const auto& e : history) {
    std::cout << fmt::format("  #{} {} {} {} [{}]\n", e.seq, e.at, e.actor, e.action, e.fields);
  }
}

void AddPersonCommands(CLI::App& app) {
  auto* person = app.add_subcommand("person", "Add, list and show persons")->require_subcommand(1);

  struct AddOpts {
    DatabaseOptions db;
    std::string id, sex = "unknown", birth, origin, unit = "individual", qualifier = "exact", sensitivity = "internal",
                notes, from_json;
    std::vector<std::string> names, chinese_names, aliases, sources;
    int64_t group_size = 0;
    bool json = false;
  };
  auto add_opts = std::make_shared<AddOpts>();
  auto* add = person->add_subcommand("add", "Add a person");
  AddDatabaseOptions(add, add_opts->db);
  add->add_option("--id", add_opts->id, "Record id (default: a new random id)");
  add->add_option("--name", add_opts->names, "A name as the source writes it (script detected; Han characters count as Hanja)");
  add->add_option("--chinese-name", add_opts->chinese_names, "A name in Chinese characters as written in a PRC document");
  add->add_option("--alias", add_opts->aliases, "An alias");
  add->add_option("--sex", add_opts->sex, "female, male, other, unknown");
  add->add_option("--birth-date", add_opts->birth, "1985, 1985-03, 1985-03-12; add ~ if approximate");
  add->add_option("--origin", add_opts->origin, "Gazetteer code of the place of origin, e.g. kp-nh-onsong");
  add->add_option("--unit", add_opts->unit, "individual, family or group");
  add->add_option("--group-size", add_opts->group_size, "Size of a family or group");
  add->add_option("--group-qualifier", add_opts->qualifier, "exact, about, at_least, more_than, fewer_than");
  add->add_option("--sensitivity", add_opts->sensitivity, "public, internal or restricted");
  add->add_option("--notes", add_opts->notes, "Free text (stored encrypted)");
  add->add_option("--source", add_opts->sources, "Id of a source supporting this record (repeatable)");
  add->add_option("--from-json", add_opts->from_json, "Read the whole record as JSON from a file (- for stdin)");
  add->add_flag("--json", add_opts->json, "Print the stored record as JSON");
  add->callback([add_opts] {
    const AddOpts& o = *add_opts;
    Person p;
    if (!o.from_json.empty()) {
      p = OrExit(PersonFromJson(OrExit(ReadJsonInput(o.from_json)), o.from_json));
    } else {
      p.id = o.id;
      for (const auto& n : o.names) p.names.push_back({n, DetectScript(n), "legal"});
      for (const auto& n : o.chinese_names) p.names.push_back({n, "chinese", "legal"});
      for (const auto& n : o.aliases) p.names.push_back({n, DetectScript(n), "alias"});
      p.sex = o.sex;
      p.birth_date = OrExit(OptionalDate(o.birth, "--birth-date"));
      p.origin = o.origin;
      p.unit = o.unit;
      if (o.group_size) p.group_size = ApproximateCount{o.group_size, o.qualifier};
      p.sensitivity = OrExit(SensitivityOption(o.sensitivity));
      p.notes = o.notes;
      p.source_ids = o.sources;
    }
    auto store = OpenStoreOrExit(o.db);
    const std::string id = OrExit(store->Create(p));
    if (o.json) {
      PrintJson(ToJson(OrExit(store->GetPerson(id))));
    } else {
      std::cout << id << "\n";
    }
  });

  auto list_opts = std::make_shared<ListOptions>();
  auto* list = person->add_subcommand("list", "List persons");
  AddListOptions(list, *list_opts);
  list->callback([list_opts] {
    auto store = OpenStoreOrExit(list_opts->db);
    auto page = OrExit(store->ListPersons(QueryOf(*list_opts)));
    PrintPage<Person>(page, *list_opts, [](const Person& p) {
      return fmt::format("{:<24} {:<40} {:<8} {:<12} {:<18} {}", p.id, FirstName(p), p.sex,
                         p.birth_date ? p.birth_date->ToString() : "", p.origin, SensitivityName(p.sensitivity));
    });
  });

  struct ShowOpts {
    DatabaseOptions db;
    std::string id, name;
    bool json = false, history = false;
  };
  auto show_opts = std::make_shared<ShowOpts>();
  auto* show = person->add_subcommand("show", "Show one person, by id or by exact name");
  AddDatabaseOptions(show, show_opts->db);
  show->add_option("id", show_opts->id, "Person id");
  show->add_option("--name", show_opts->name, "Find by exact name (any spacing and case)");
  show->add_flag("--json", show_opts->json, "Machine-readable output");
  show->add_flag("--history", show_opts->history, "Also show the audit history");
  show->callback([show_opts] {
    auto store = OpenStoreOrExit(show_opts->db);
    std::vector<std::string> ids;
    if (!show_opts->name.empty()) {
      ids = OrExit(store->FindPersonsByExactName(show_opts->name));
      if (ids.empty()) Exit(Error::NotFound(fmt::format("no person is named '{}'", show_opts->name)));
    } else if (!show_opts->id.empty()) {
      ids = {show_opts->id};
    } else {
      Exit(Error::Invalid("give a person id or --name"));
    }
    for (const auto& id : ids) {
      Person p = OrExit(store->GetPerson(id));
      if (show_opts->json) {
        PrintJson(ToJson(p));
        continue;
      }
      const Catalog& c = store->catalog();
      std::cout << fmt::format("{}  ({})\n", p.id, SensitivityName(p.sensitivity));
      for (const auto& n : p.names) {
        std::cout << fmt::format("  name: {}  [{}, {}]\n", n.value, c.Label("scripts", n.script, "en"),
                                 c.Label("name_kinds", n.kind, "en"));
      }
      std::cout << fmt::format("  sex: {}\n", c.Label("sexes", p.sex, "en"));
      if (p.birth_date) std::cout << fmt::format("  born: {}\n", p.birth_date->ToString());
      if (!p.origin.empty()) std::cout << fmt::format("  origin: {}\n", c.PlaceLabel(p.origin, "en"));
      std::cout << fmt::format("  unit: {}", c.Label("counting_units", p.unit, "en"));
      if (p.group_size) std::cout << fmt::format(" ({} {})", c.Label("count_qualifiers", p.group_size->qualifier, "en"), p.group_size->value);
      std::cout << "\n";
      for (const auto& l : p.links) std::cout << fmt::format("  {}: {}\n", c.Label("relations", l.relation, "en"), l.person_id);
      if (!p.notes.empty()) std::cout << fmt::format("  notes: {}\n", p.notes);
      for (const auto& s : p.source_ids) std::cout << fmt::format("  source: {}\n", s);
      if (show_opts->history) PrintHistory(*store, RecordKind::kPerson, p.id);
    }
  });
}

void AddIncidentCommands(CLI::App& app) {
  auto* incident = app.add_subcommand("incident", "Add, list and show incidents")->require_subcommand(1);
  struct AddOpts {
    DatabaseOptions db;
    std::string id, type, title, start, end, place, description, qualifier = "exact", sensitivity = "internal", from_json;
    std::vector<std::string> perpetrators, sources;
    int64_t victim_count = 0;
    bool json = false;
  };
  auto o = std::make_shared<AddOpts>();
  auto* add = incident->add_subcommand("add", "Add an incident");
  AddDatabaseOptions(add, o->db);
  add->add_option("--id", o->id, "Record id (default: a new random id)");
  add->add_option("--type", o->type, "Incident type, e.g. arrest, forced_return");
  add->add_option("--title", o->title, "Short title (stored encrypted)");
  add->add_option("--start", o->start, "Date or start of the range: 2012, 2012-02, 2012-02-08; ~ if approximate");
  add->add_option("--end", o->end, "End of the range, if any");
  add->add_option("--place", o->place, "Gazetteer code, e.g. cn-ln-shenyang");
  add->add_option("--description", o->description, "What happened (stored encrypted)");
  add->add_option("--perpetrator", o->perpetrators, "Organisation code, e.g. prc_mps (repeatable)");
  add->add_option("--victim-count", o->victim_count, "Number of victims when counted, not named");
  add->add_option("--victim-count-qualifier", o->qualifier, "exact, about, at_least, more_than, fewer_than");
  add->add_option("--sensitivity", o->sensitivity, "public, internal or restricted");
  add->add_option("--source", o->sources, "Id of a supporting source (repeatable)");
  add->add_option("--from-json", o->from_json, "Read the whole record as JSON from a file (- for stdin)");
  add->add_flag("--json", o->json, "Print the stored record as JSON");
  add->callback([o] {
    Incident i;
    if (!o->from_json.empty()) {
      i = OrExit(IncidentFromJson(OrExit(ReadJsonInput(o->from_json)), o->from_json));
    } else {
      i.id = o->id;
      i.type = o->type;
      i.title = o->title;
      auto start = OrExit(OptionalDate(o->start, "--start"));
      if (!start) Exit(Error::Invalid("--start is required"));
      i.start = *start;
      i.end = OrExit(OptionalDate(o->end, "--end"));
      i.place = o->place;
      i.description = o->description;
      i.perpetrator_orgs = o->perpetrators;
      if (o->victim_count) i.victim_count = ApproximateCount{o->victim_count, o->qualifier};
      i.sensitivity = OrExit(SensitivityOption(o->sensitivity));
      i.source_ids = o->sources;
    }
    auto store = OpenStoreOrExit(o->db);
    const std::string id = OrExit(store->Create(i));
    if (o->json) {
      PrintJson(ToJson(OrExit(store->GetIncident(id))));
    } else {
      std::cout << id << "\n";
    }
  });

  auto list_opts = std::make_shared<ListOptions>();
  auto* list = incident->add_subcommand("list", "List incidents, oldest first");
  AddListOptions(list, *list_opts);
  list->callback([list_opts] {
    auto store = OpenStoreOrExit(list_opts->db);
    auto page = OrExit(store->ListIncidents(QueryOf(*list_opts)));
    const Catalog& c = store->catalog();
    PrintPage<Incident>(page, *list_opts, [&](const Incident& i) {
      return fmt::format("{:<26} {:<9} {:<24} {:<16} {}", i.id, i.start.ToString(), c.Label("incident_types", i.type, "en"),
                         c.PlaceLabel(i.place, "en"), i.title);
    });
  });

  struct ShowOpts {
    DatabaseOptions db;
    std::string id;
    bool json = false, history = false;
  };
  auto s = std::make_shared<ShowOpts>();
  auto* show = incident->add_subcommand("show", "Show one incident with its victims");
  AddDatabaseOptions(show, s->db);
  show->add_option("id", s->id, "Incident id")->required();
  show->add_flag("--json", s->json, "Machine-readable output");
  show->add_flag("--history", s->history, "Also show the audit history");
  show->callback([s] {
    auto store = OpenStoreOrExit(s->db);
    Incident i = OrExit(store->GetIncident(s->id));
    ListQuery q;
    q.incident_id = i.id;
    q.limit = 1000;
    auto acts = OrExit(store->ListActs(q));
    if (s->json) {
      ordered_json j = ToJson(i);
      ordered_json a = ordered_json::array();
      for (const auto& act : acts.items) a.push_back(ToJson(act));
      j["acts"] = a;
      PrintJson(j);
      return;
    }
    const Catalog& c = store->catalog();
    std::cout << fmt::format("{}  {}\n  {} {}", i.id, i.title, c.Label("incident_types", i.type, "en"), i.start.ToString());
    if (i.end) std::cout << " to " << i.end->ToString();
    std::cout << "\n";
    std::vector<std::string> path;
    for (const Place* p : c.PlacePath(i.place)) path.push_back(p->labels.at("en"));
    if (!path.empty()) std::cout << "  place: " << fmt::format("{}", fmt::join(path.rbegin(), path.rend(), ", ")) << "\n";
    if (i.victim_count) std::cout << fmt::format("  victims: {} {}\n", c.Label("count_qualifiers", i.victim_count->qualifier, "en"), i.victim_count->value);
    for (const auto& org : i.perpetrator_orgs) std::cout << "  perpetrator: " << c.Label("organisations", org, "en") << "\n";
    if (!i.description.empty()) std::cout << "  " << i.description << "\n";
    for (const auto& act : acts.items) {
      Person v = OrExit(store->GetPerson(act.victim_id));
      std::vector<std::string> labels;
      for (const auto& code : act.violations) labels.push_back(c.Label("violations", code, "en"));
      std::cout << fmt::format("  victim: {} {} — {}\n", v.id, FirstName(v), fmt::join(labels, ", "));
    }
    for (const auto& src : i.source_ids) std::cout << "  source: " << src << "\n";
    if (s->history) PrintHistory(*store, RecordKind::kIncident, i.id);
  });
}

void AddSourceCommands(CLI::App& app) {
  auto* source = app.add_subcommand("source", "Add, list and show sources")->require_subcommand(1);
  struct AddOpts {
    DatabaseOptions db;
    std::string id, kind, title, date, language, reliability = "unknown", publisher, url, text, text_file, contact,
                sensitivity = "internal", from_json;
    bool json = false;
  };
  auto o = std::make_shared<AddOpts>();
  auto* add = source->add_subcommand("add", "Add a source");
  AddDatabaseOptions(add, o->db);
  add->add_option("--id", o->id, "Record id (default: a new random id)");
  add->add_option("--kind", o->kind, "testimony, ngo_report, news_article, official_statement, official_document, ...");
  add->add_option("--title", o->title, "Citation title (stored in clear: keep names out of it)");
  add->add_option("--date", o->date, "Publication or interview date");
  add->add_option("--language", o->language, "ko, en, zh, ...");
  add->add_option("--reliability", o->reliability, "high, medium, low, unknown");
  add->add_option("--publisher", o->publisher, "Organisation or outlet");
  add->add_option("--url", o->url, "Where it was published");
  add->add_option("--text", o->text, "Testimony or document text (stored encrypted)");
  add->add_option("--text-file", o->text_file, "Read the text from a UTF-8 file");
  add->add_option("--contact", o->contact, "How to reach the informant (stored encrypted)");
  add->add_option("--sensitivity", o->sensitivity, "public, internal or restricted");
  add->add_option("--from-json", o->from_json, "Read the whole record as JSON from a file (- for stdin)");
  add->add_flag("--json", o->json, "Print the stored record as JSON");
  add->callback([o] {
    Source s;
    if (!o->from_json.empty()) {
      s = OrExit(SourceFromJson(OrExit(ReadJsonInput(o->from_json)), o->from_json));
    } else {
      s.id = o->id;
      s.kind = o->kind;
      s.title = o->title;
      s.date = OrExit(OptionalDate(o->date, "--date"));
      s.language = o->language;
      s.reliability = o->reliability;
      s.publisher = o->publisher;
      s.url = o->url;
      s.text = o->text;
      if (!o->text_file.empty()) {
        std::ifstream in(o->text_file, std::ios::binary);
        if (!in) Exit(Error::Io(fmt::format("{}: cannot open", o->text_file)));
        std::stringstream ss;
        ss << in.rdbuf();
        s.text = ss.str();
      }
      s.contact = o->contact;
      s.sensitivity = OrExit(SensitivityOption(o->sensitivity));
    }
    auto store = OpenStoreOrExit(o->db);
    const std::string id = OrExit(store->Create(s));
    if (o->json) {
      PrintJson(ToJson(OrExit(store->GetSource(id))));
    } else {
      std::cout << id << "\n";
    }
  });

  auto list_opts = std::make_shared<ListOptions>();
  auto* list = source->add_subcommand("list", "List sources");
  AddListOptions(list, *list_opts);
  list->callback([list_opts] {
    auto store = OpenStoreOrExit(list_opts->db);
    auto page = OrExit(store->ListSources(QueryOf(*list_opts)));
    PrintPage<Source>(page, *list_opts, [](const Source& s) {
      return fmt::format("{:<26} {:<18} {:<9} {}", s.id, s.kind, s.date ? s.date->ToString() : "", s.title);
    });
  });

  struct ShowOpts {
    DatabaseOptions db;
    std::string id;
    bool json = false, history = false;
  };
  auto s = std::make_shared<ShowOpts>();
  auto* show = source->add_subcommand("show", "Show one source");
  AddDatabaseOptions(show, s->db);
  show->add_option("id", s->id, "Source id")->required();
  show->add_flag("--json", s->json, "Machine-readable output");
  show->add_flag("--history", s->history, "Also show the audit history");
  show->callback([s] {
    auto store = OpenStoreOrExit(s->db);
    Source src = OrExit(store->GetSource(s->id));
    if (s->json) {
      PrintJson(ToJson(src));
      return;
    }
    const Catalog& c = store->catalog();
    std::cout << fmt::format("{}  {}\n  {}, {}, {}, reliability {}\n", src.id, src.title, c.Label("source_kinds", src.kind, "en"),
                             src.publisher, src.date ? src.date->ToString() : "undated",
                             c.Label("reliability", src.reliability, "en"));
    if (!src.url.empty()) std::cout << "  " << src.url << "\n";
    if (!src.text.empty()) std::cout << "  text: " << src.text << "\n";
    if (!src.contact.empty()) std::cout << "  contact: " << src.contact << "\n";
    if (s->history) PrintHistory(*store, RecordKind::kSource, src.id);
  });
}

}  // namespace

void AddRecordCommands(CLI::App& app) {
  struct InitOpts {
    DatabaseOptions db;
    std::string new_key_file;
  };
  auto init_opts = std::make_shared<InitOpts>();
  auto* init = app.add_subcommand("init", "Create a new, empty, encrypted database");
  AddDatabaseOptions(init, init_opts->db);
  init->add_option("--new-key-file", init_opts->new_key_file,
                   "Create a new key file here and lock the database with it (otherwise a passphrase is used)");
  init->callback([init_opts] {
    DatabaseOptions db = init_opts->db;
    if (!init_opts->new_key_file.empty()) {
      OrExit(crypto::CreateKeyFile(init_opts->new_key_file));
      db.key_file = init_opts->new_key_file;
    }
    crypto::KeySource key = OrExit(ResolveKeySource(db, /*confirm_new_passphrase=*/true));
    OrExit(InitSqliteDatabase(db.db_path, key));
    std::cerr << fmt::format("Created {} (locked with {}).\n", db.db_path,
                             key.kind == crypto::KeySource::Kind::kKeyFile ? "key file " + key.key_file_path : "a passphrase");
  });

  struct DemoOpts {
    DatabaseOptions db;
    int64_t persons = 2000;
    uint64_t seed = 1;
    bool json = false;
  };
  auto demo_opts = std::make_shared<DemoOpts>();
  auto* demo = app.add_subcommand("demo", "Fill a database with realistic synthetic demo data");
  AddDatabaseOptions(demo, demo_opts->db);
  demo->add_option("--persons", demo_opts->persons, "How many persons (default 2000; up to millions for benchmarks)");
  demo->add_option("--seed", demo_opts->seed, "Random seed: the same seed gives the same records");
  demo->add_flag("--json", demo_opts->json, "Print the counts as JSON");
  demo->callback([demo_opts] {
    auto store = OpenStoreOrExit(demo_opts->db);
    DemoOptions options;
    options.persons = demo_opts->persons;
    options.seed = demo_opts->seed;
    if (!demo_opts->json) {
      options.progress = [&](int64_t n) {
        if (n % 50000 == 0 || n == demo_opts->persons) std::cerr << fmt::format("\r{} persons written", n) << std::flush;
      };
    }
    DemoSummary s = OrExit(GenerateDemoData(*store, options));
    if (demo_opts->json) {
      PrintJson({{"sources", s.sources}, {"persons", s.persons}, {"incidents", s.incidents}, {"acts", s.acts},
                 {"involvements", s.involvements}, {"duplicate_records", s.duplicate_records}});
    } else {
      std::cerr << "\n";
      std::cout << fmt::format("Demo data: {} sources, {} persons ({} documented twice), {} incidents, {} acts, {} involvements.\n",
                               s.sources, s.persons, s.duplicate_records, s.incidents, s.acts, s.involvements);
    }
  });

  auto key_cmd = app.add_subcommand("key", "Manage the database's keys")->require_subcommand(1);
  auto rotate_opts = std::make_shared<DatabaseOptions>();
  auto* rotate = key_cmd->add_subcommand("rotate", "Add a new data key version; new values are sealed with it");
  AddDatabaseOptions(rotate, *rotate_opts);
  rotate->callback([rotate_opts] {
    auto store = OpenStoreOrExit(*rotate_opts);
    crypto::KeySource key = OrExit(ResolveKeySource(*rotate_opts));
    const uint32_t v = OrExit(store->RotateKey(key));
    std::cout << fmt::format("Data key version {} is now in use.\n", v);
  });

  AddPersonCommands(app);
  AddIncidentCommands(app);
  AddSourceCommands(app);
}

}  // namespace dossier::cli
