// dossier report templates|stats|submission|hxl: statistics, UN submissions and HXL exports
// (docs/reports.md). Everything that leaves this command is redacted unless --unredact-reason is
// given; every document and export written is recorded in the audit trail.
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/database_options.h"
#include "reports/hxl.h"
#include "reports/pdf.h"
#include "reports/report.h"

namespace dossier::cli {

namespace {

struct SelectionArgs {
  std::string type, place;
  int year_from = 0, year_to = 0;
  std::vector<std::string> cases, incidents;
};

void AddSelectionOptions(CLI::App* cmd, SelectionArgs& s) {
  cmd->add_option("--type", s.type, "Incident type, e.g. forced_return");
  cmd->add_option("--place", s.place, "Place code; incidents there or anywhere under it");
  cmd->add_option("--from", s.year_from, "First year");
  cmd->add_option("--to", s.year_to, "Last year");
  cmd->add_option("--case", s.cases, "Case id (repeatable)");
  cmd->add_option("--incident", s.incidents, "Only these incidents (repeatable)");
}

reports::Selection ToSelection(const SelectionArgs& a) {
  reports::Selection s;
  s.incident_type = a.type;
  s.place = a.place;
  if (a.year_from) s.year_from = a.year_from;
  if (a.year_to) s.year_to = a.year_to;
  s.case_ids = a.cases;
  s.incident_ids = a.incidents;
  if (!s.incident_type.empty() && !LoadedCatalog().HasTerm("incident_types", s.incident_type)) {
    Exit(Error::Invalid(fmt::format("option '--type': unknown incident type '{}'", s.incident_type)));
  }
  if (!s.place.empty() && !LoadedCatalog().FindPlace(s.place)) {
    Exit(Error::Invalid(fmt::format("option '--place': unknown place '{}'", s.place)));
  }
  return s;
}

void WriteOut(const std::string& path, const std::string& bytes) {
  if (path.empty() || path == "-") {
    std::cout << bytes;
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) Exit(Error::Io(fmt::format("cannot write {}", path)));
}

}  // namespace

void AddReportCommands(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "Statistics, UN submissions (HTML or PDF) and HXL exports, redacted by default")
                  ->require_subcommand(1);

  auto* templates = cmd->add_subcommand("templates", "List the mechanisms a submission can be written for");
  templates->callback([] {
    for (const auto& t : OrExit(reports::ListTemplates())) {
      std::string limit = t.word_limit ? fmt::format("; word limit {} ({} joint)", *t.word_limit, t.joint_word_limit.value_or(*t.word_limit)) : "";
      std::cout << fmt::format("{:<12} {}{}{}\n", t.mechanism, t.name_en, t.needs_cases ? " (needs cases)" : "", limit);
    }
  });

  struct StatsArgs {
    DatabaseOptions db;
    SelectionArgs sel;
    bool estimates = false, json = false;
    int64_t threshold = 5;
    std::string lang = "en";
  };
  auto sa = std::make_shared<StatsArgs>();
  auto* stats = cmd->add_subcommand("stats", "Persons (linked, each once), incidents and acts by type, year, province, perpetrator, violation, sex and outcome");
  AddDatabaseOptions(stats, sa->db);
  AddSelectionOptions(stats, sa->sel);
  stats->add_flag("--estimates", sa->estimates, "Add multiple systems estimates by year (log-linear)");
  stats->add_option("--threshold", sa->threshold, "Counts under this are shown as 'fewer than N' (default 5; 1 shows all)");
  stats->add_option("--lang", sa->lang, "Labels in en or ko");
  stats->add_flag("--json", sa->json, "Machine-readable output");
  stats->callback([sa] {
    if (sa->threshold < 1) Exit(Error::Invalid("option '--threshold': must be at least 1"));
    auto store = OpenStoreOrExit(sa->db);
    reports::StatisticsOptions o;
    o.estimates = sa->estimates;
    auto st = OrExit(reports::ComputeStatistics(*store, ToSelection(sa->sel), o));
    auto j = reports::StatisticsToJson(st, store->catalog(), sa->lang, sa->threshold);
    if (sa->json) {
      std::cout << j.dump(2) << "\n";
      return;
    }
    std::cout << fmt::format("Persons: {} ({} unique individuals from {} records; {} family or group records)\n",
                             j["persons"]["text"].get<std::string>(), st.individuals, st.person_records, st.group_records);
    std::cout << fmt::format("Incidents: {}; acts: {}\n", j["incidents"]["text"].get<std::string>(), j["acts"]["text"].get<std::string>());
    for (const auto& t : j["tables"]) {
      if (t["dimension"] == "year_province_type") continue;
      std::cout << "\nBy " << t["dimension"].get<std::string>() << ":\n";
      for (const auto& c : t["cells"]) {
        std::cout << fmt::format("  {:<40} persons {:>14}  incidents {:>14}  acts {:>14}\n", c["label"].get<std::string>(),
                                 c["persons"]["text"].get<std::string>(), c["incidents"]["text"].get<std::string>(),
                                 c["acts"]["text"].get<std::string>());
      }
    }
    if (!j["estimates"].empty()) std::cout << "\nEstimates by year:\n";
    for (const auto& e : j["estimates"]) {
      if (e["estimated"].get<bool>()) {
        std::cout << fmt::format("  {}: documented {}, estimated {:.0f} (95% interval {:.0f} to {})\n", e["year"].get<int>(),
                                 e["documented"]["text"].get<std::string>(), e["estimate"].get<double>(), e["lower"].get<double>(),
                                 e["upper"].is_null() ? "no upper limit" : fmt::format("{:.0f}", e["upper"].get<double>()));
      } else {
        std::cout << fmt::format("  {}: documented {}, no estimate{}\n", e["year"].get<int>(), e["documented"]["text"].get<std::string>(),
                                 e.contains("refused") ? ": " + e["refused"].get<std::string>() : "");
      }
    }
  });

  struct SubmissionArgs {
    DatabaseOptions db;
    SelectionArgs sel;
    std::string mechanism, lang = "en", organisation, format = "html", out, unredact_reason;
    bool joint = false, no_trim = false, no_estimates = false;
    int64_t threshold = 5, k = 5;
  };
  auto ua = std::make_shared<SubmissionArgs>();
  auto* sub = cmd->add_subcommand("submission", "Write a submission for a mechanism (sr_dprk, wgad, upr, statistical) as HTML or PDF");
  AddDatabaseOptions(sub, ua->db);
  AddSelectionOptions(sub, ua->sel);
  sub->add_option("--mechanism", ua->mechanism, "sr_dprk, wgad, upr or statistical (see `dossier report templates`)")->required();
  sub->add_option("--lang", ua->lang, "en or ko");
  sub->add_option("--organisation", ua->organisation, "Name of the submitting organisation");
  sub->add_option("--format", ua->format, "html or pdf");
  sub->add_option("--out", ua->out, "File to write (default: standard output)");
  sub->add_flag("--joint", ua->joint, "UPR: a joint submission (5,630 words instead of 2,815)");
  sub->add_flag("--no-trim", ua->no_trim, "Refuse instead of dropping optional sections when over the word limit");
  sub->add_flag("--no-estimates", ua->no_estimates, "Leave out multiple systems estimates");
  sub->add_option("--threshold", ua->threshold, "Counts under this are shown as 'fewer than N' (default 5)");
  sub->add_option("--k", ua->k, "Published personal details must fit at least k persons (default 5)");
  sub->add_option("--unredact-reason", ua->unredact_reason, "Write names and exact places; the reason is recorded in the audit trail");
  sub->callback([ua] {
    if (ua->format != "html" && ua->format != "pdf") Exit(Error::Invalid("option '--format': use html or pdf"));
    if (ua->format == "pdf" && (ua->out.empty() || ua->out == "-")) Exit(Error::Invalid("option '--out': a PDF needs a file name"));
    reports::ReportRequest r;
    r.mechanism = ua->mechanism;
    r.lang = ua->lang;
    r.selection = ToSelection(ua->sel);
    r.organisation = ua->organisation;
    r.joint = ua->joint;
    r.trim = !ua->no_trim;
    r.estimates = !ua->no_estimates;
    r.policy.threshold = ua->threshold;
    r.policy.k = ua->k;
    if (!ua->unredact_reason.empty()) {
      // Whoever holds the database key at the command line has an administrator's access.
      OrExit(reports::CheckUnredaction("administrator", ua->unredact_reason));
      r.policy.redact = false;
      r.unredact_reason = ua->unredact_reason;
    }
    auto store = OpenStoreOrExit(ua->db);
    auto report = OrExit(reports::GenerateReport(*store, r));
    std::string bytes = ua->format == "pdf" ? OrExit(reports::RenderPdf(report.html)) : report.html;
    nlohmann::ordered_json audit = {{"mechanism", r.mechanism}, {"lang", r.lang}, {"format", ua->format},
                                    {"redacted", report.redacted}, {"selection", reports::ToJson(r.selection)},
                                    {"cases", report.case_ids}, {"words", report.words}};
    if (!report.redacted) audit["reason"] = r.unredact_reason;
    OrExit(store->RecordEvent(report.redacted ? "report" : "report_unredacted", audit.dump()));
    WriteOut(ua->out, bytes);
    std::cerr << fmt::format("{}: {} words{}{}; {} case(s){}\n", report.title, report.words,
                             report.word_limit ? fmt::format(" (limit {})", *report.word_limit) : "",
                             report.trimmed.empty() ? "" : fmt::format(", {} optional section(s) left out", report.trimmed.size()),
                             report.case_ids.size(), report.redacted ? "; redacted" : "; NOT REDACTED");
    for (const auto& w : report.warnings) std::cerr << "warning: " << w << "\n";
    for (const auto& n : report.redaction) std::cerr << "redaction: " << n << "\n";
  });

  struct HxlArgs {
    DatabaseOptions db;
    SelectionArgs sel;
    std::string format = "csv", out, organisation;
    int64_t threshold = 5;
  };
  auto ha = std::make_shared<HxlArgs>();
  auto* hxl = cmd->add_subcommand("hxl", "Aggregates by year, province and incident type with HXL hashtags, for partners");
  AddDatabaseOptions(hxl, ha->db);
  AddSelectionOptions(hxl, ha->sel);
  hxl->add_option("--format", ha->format, "csv or json");
  hxl->add_option("--out", ha->out, "File to write (default: standard output)");
  hxl->add_option("--organisation", ha->organisation, "Reporting organisation (#org+reporting)");
  hxl->add_option("--threshold", ha->threshold, "Counts under this are left empty and flagged (default 5)");
  hxl->callback([ha] {
    if (ha->format != "csv" && ha->format != "json") Exit(Error::Invalid("option '--format': use csv or json"));
    if (ha->threshold < 2) Exit(Error::Invalid("option '--threshold': an HXL export suppresses counts under at least 2"));
    auto store = OpenStoreOrExit(ha->db);
    const reports::Selection sel = ToSelection(ha->sel);
    auto st = OrExit(reports::ComputeStatistics(*store, sel, {}));
    auto table = reports::BuildHxl(st, store->catalog(), {ha->organisation, ha->threshold});
    const std::string bytes = ha->format == "csv" ? reports::HxlCsv(table) : reports::HxlJson(table).dump(1) + "\n";
    OrExit(store->RecordEvent("export_hxl", nlohmann::ordered_json{{"format", ha->format}, {"selection", reports::ToJson(sel)},
                                                                   {"rows", table.rows.size()}}.dump()));
    WriteOut(ha->out, bytes);
  });
}

}  // namespace dossier::cli
