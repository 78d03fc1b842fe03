// Multiple systems estimation over HTTP (docs/estimation.md): how many people were on none of the
// lists, from the database's linked records or from a posted table of pattern counts.
//
// An LCMCR run can take minutes, so an estimate is a job: POST starts it on one worker thread and
// answers 202 at once; the client polls GET /estimates/{id} for progress and the result, and may
// stop it with DELETE. One job runs at a time (a second POST gets 429 with the reason), so an
// estimate never takes a server thread or more than one core from everyone else. The last few
// jobs are kept in memory only; each is visible to the user who started it and to administrators.
//
// Results are counts of people per pattern of lists and estimates: no names, no record ids.
// Nothing is suppressed, but cells with fewer than kSmallCell people are counted and flagged, since
// a small count in a narrow stratum can point to an individual.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <thread>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "analysis/analysis.h"
#include "estimate/estimate.h"
#include "estimate/estimate_json.h"
#include "http/openapi.h"
#include "http/routes.h"

namespace dossier::http {

namespace {

constexpr int64_t kSmallCell = 5;
constexpr size_t kJobsKept = 20;
constexpr int kHistogramBins = 40;
constexpr size_t kMaxStrata = 200;
constexpr int64_t kMaxSweeps = 20'000'000;  // LCMCR sweeps over all chains and strata of one job
constexpr size_t kMaxCsv = 1 << 20;

bool MayEstimate(Role role) {
  return role == Role::kAdministrator || role == Role::kCaseOfficer || role == Role::kAnalyst;
}

// What one job computes; read from the request body, checked before the job starts.
struct EstimateRequest {
  bool from_database = true;
  std::string patterns_csv;
  analysis::HistoryOptions history;
  std::vector<std::string> strata;  // of the CSV, when from patterns
  estimate::EstimateOptions options;
  ordered_json settings;            // the request as understood, echoed with the job
};

class BodyReader {
 public:
  explicit BodyReader(const json& body) : body_(body) {}

  Status Check(const std::vector<std::string>& known) const {
    if (!body_.is_object()) return Error::Invalid("estimate: expected a JSON object");
    for (const auto& [k, v] : body_.items()) {
      if (std::find(known.begin(), known.end(), k) == known.end()) {
        return Error::Invalid(fmt::format("estimate: field '{}': unknown field", k));
      }
    }
    return Ok();
  }
  Result<std::string> Text(const char* field, std::string fallback, const std::vector<std::string>& choices = {}) const {
    if (!body_.contains(field) || body_[field].is_null()) return fallback;
    if (!body_[field].is_string()) return Error::Invalid(fmt::format("estimate: field '{}': expected text", field));
    std::string v = body_[field].get<std::string>();
    if (!choices.empty() && std::find(choices.begin(), choices.end(), v) == choices.end()) {
      std::string list;
      for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
      return Error::Invalid(fmt::format("estimate: field '{}': must be one of {}", field, list));
    }
    return v;
  }
  Result<int64_t> Int(const char* field, int64_t fallback, int64_t min, int64_t max) const {
    if (!body_.contains(field) || body_[field].is_null()) return fallback;
    const json& v = body_[field];
    if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(max)) ||
        v.get<int64_t>() < min || v.get<int64_t>() > max) {
      return Error::Invalid(fmt::format("estimate: field '{}': expected a whole number from {} to {}", field, min, max));
    }
    return v.get<int64_t>();
  }
  Result<std::vector<std::string>> Texts(const char* field, size_t max) const {
    std::vector<std::string> out;
    if (!body_.contains(field) || body_[field].is_null()) return out;
    const json& v = body_[field];
    if (!v.is_array() || v.size() > max) {
      return Error::Invalid(fmt::format("estimate: field '{}': expected a list of at most {} names", field, max));
    }
    for (const auto& item : v) {
      if (!item.is_string() || item.get<std::string>().empty()) {
        return Error::Invalid(fmt::format("estimate: field '{}': expected non-empty text in the list", field));
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

 private:
  const json& body_;
};

Result<EstimateRequest> ParseRequest(const json& body) {
  BodyReader b(body);
  DOSSIER_RETURN_IF_ERROR(b.Check({"from", "patterns_csv", "list_by", "incident_type", "strata", "method", "select",
                                   "max_order", "seed", "classes", "chains", "burnin", "samples", "thin"}));
  EstimateRequest r;
  DOSSIER_ASSIGN_OR_RETURN(std::string from, b.Text("from", "database", {"database", "patterns"}));
  DOSSIER_ASSIGN_OR_RETURN(std::string method, b.Text("method", "loglinear", {"loglinear", "lcmcr"}));
  DOSSIER_ASSIGN_OR_RETURN(std::string select, b.Text("select", "bic", {"bic", "aic"}));
  DOSSIER_ASSIGN_OR_RETURN(std::string list_by, b.Text("list_by", "publisher", {"publisher", "source"}));
  DOSSIER_ASSIGN_OR_RETURN(std::string incident_type, b.Text("incident_type", ""));
  DOSSIER_ASSIGN_OR_RETURN(std::string csv, b.Text("patterns_csv", ""));
  DOSSIER_ASSIGN_OR_RETURN(std::vector<std::string> strata, b.Texts("strata", 3));
  DOSSIER_ASSIGN_OR_RETURN(int64_t max_order, b.Int("max_order", 0, 0, 5));
  DOSSIER_ASSIGN_OR_RETURN(int64_t seed, b.Int("seed", 1, 0, int64_t{1} << 53));
  DOSSIER_ASSIGN_OR_RETURN(int64_t classes, b.Int("classes", 10, 1, 50));
  DOSSIER_ASSIGN_OR_RETURN(int64_t chains, b.Int("chains", 4, 1, 8));
  DOSSIER_ASSIGN_OR_RETURN(int64_t burnin, b.Int("burnin", 20000, 0, 1'000'000));
  DOSSIER_ASSIGN_OR_RETURN(int64_t samples, b.Int("samples", 2500, 10, 20'000));
  DOSSIER_ASSIGN_OR_RETURN(int64_t thin, b.Int("thin", 20, 1, 1000));
  r.from_database = from == "database";
  if (r.from_database && !csv.empty()) {
    return Error::Invalid("estimate: field 'patterns_csv': only with \"from\": \"patterns\"");
  }
  if (!r.from_database) {
    if (csv.empty()) return Error::Invalid("estimate: field 'patterns_csv': is required with \"from\": \"patterns\"");
    if (csv.size() > kMaxCsv) return Error::Invalid("estimate: field 'patterns_csv': at most 1 MiB");
    if (body.contains("list_by") || !incident_type.empty()) {
      return Error::Invalid("estimate: field 'list_by': only with \"from\": \"database\" (a posted table names its lists)");
    }
  }
  r.patterns_csv = std::move(csv);
  r.history.list_by = list_by == "source" ? analysis::ListBy::kSource : analysis::ListBy::kPublisher;
  r.history.incident_type = incident_type;
  r.history.strata = strata;
  r.strata = strata;
  r.options.method = method == "lcmcr" ? estimate::Method::kLcmcr : estimate::Method::kLogLinear;
  r.options.loglinear.select = select == "aic" ? estimate::Criterion::kAic : estimate::Criterion::kBic;
  r.options.loglinear.max_order = static_cast<int>(max_order);
  estimate::LcmcrOptions& l = r.options.lcmcr;
  l.seed = static_cast<uint64_t>(seed);
  l.classes = static_cast<int>(classes);
  l.chains = static_cast<int>(chains);
  l.burnin = burnin;
  l.samples = samples;
  l.thin = thin;
  r.settings = {{"from", from}, {"method", method}, {"strata", strata}};
  if (r.from_database) {
    r.settings["list_by"] = list_by;
    r.settings["incident_type"] = incident_type;
  }
  if (method == "loglinear") {
    r.settings["select"] = select;
    r.settings["max_order"] = max_order;
  } else {
    r.settings.update({{"seed", seed}, {"classes", classes}, {"chains", chains}, {"burnin", burnin},
                       {"samples", samples}, {"thin", thin}});
  }
  return r;
}

// The strata's pattern tables: tabulated from the stored, linked records or read from the CSV.
Result<std::vector<estimate::StratumTable>> Tables(const EstimateRequest& r, const Store& store) {
  if (!r.from_database) return estimate::ParsePatternCsv(r.patterns_csv, "patterns_csv", r.strata);
  DOSSIER_ASSIGN_OR_RETURN(auto histories, analysis::CaptureHistories(store, r.history));
  if (histories.empty()) {
    return Error::Invalid(r.history.incident_type.empty()
                              ? "no person in the database is on any source list yet"
                              : fmt::format("no person is a victim of an incident of type '{}'", r.history.incident_type));
  }
  return estimate::TabulateHistories(histories, {}, r.strata);
}

ordered_json StratumJson(const estimate::StratumTable& t, const estimate::Estimate& e) {
  ordered_json j = estimate::ToJson(e);
  j["list_names"] = t.table.lists;
  ordered_json cells = ordered_json::array();
  int64_t small = 0;
  for (size_t i = 0; i < t.table.patterns.size(); ++i) {
    const int64_t n = t.table.counts[i];
    if (n <= 0) continue;
    std::vector<std::string> on;
    for (size_t l = 0; l < t.table.lists.size(); ++l) {
      if ((t.table.patterns[i] >> l) & 1u) on.push_back(t.table.lists[l]);
    }
    cells.push_back({{"lists", on}, {"count", n}});
    small += n < kSmallCell;
  }
  j["cells"] = cells;
  j["small_cells"] = small;
  if (!e.draws.empty()) {
    ordered_json bins = ordered_json::array();
    for (const auto& b : estimate::Histogram(e.draws, kHistogramBins)) {
      bins.push_back({{"lo", b.lo}, {"hi", b.hi}, {"count", b.count}});
    }
    j["histogram"] = bins;
  }
  return j;
}

std::string Now() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

struct Job {
  std::string id;
  std::string user;
  std::string started;
  ordered_json settings;
  std::atomic<double> progress{0};
  std::atomic<bool> stop{false};
  // Guarded by EstimateRoutes::mu_.
  std::string status = "running";  // running, done, failed, stopped
  std::string finished;
  ordered_json result;
  std::optional<Error> error;
};

class EstimateRoutes {
 public:
  EstimateRoutes() = default;
  EstimateRoutes(const EstimateRoutes&) = delete;
  ~EstimateRoutes() {
    std::shared_ptr<Job> running;
    {
      std::lock_guard lock(mu_);
      if (busy_) running = jobs_.back();
    }
    if (running) running->stop = true;
    if (worker_.joinable()) worker_.join();
  }

  static void Register(RouteTable& table, const std::shared_ptr<EstimateRoutes>& self) {
    const std::string base = std::string(kApiPrefix) + "/estimates";
    // Every signed-in user passes the route check; the handlers admit administrators, case
    // officers and analysts (MayEstimate), a set no other route needs.
    table.Add("GET", base, Permission::kRead, {}, [self](Ctx& c) { return self->List(c); });
    table.Add("POST", base, Permission::kRead, {}, [self](Ctx& c) { return self->Start(c); });
    table.Add("GET", base + "/{id}", Permission::kRead, {}, [self](Ctx& c) { return self->Read(c); });
    table.Add("DELETE", base + "/{id}", Permission::kRead, {}, [self](Ctx& c) { return self->Stop(c); });
  }

 private:
  static std::optional<Response> Refuse(const Ctx& c) {
    if (MayEstimate(c.session->role)) return std::nullopt;
    return ErrorResponse(403, "permission_denied",
                         fmt::format("the role {} may not run estimates (administrators, case officers and analysts may)",
                                     RoleName(c.session->role)),
                         "");
  }

  // Caller holds mu_.
  ordered_json JobJson(const Job& j) const {
    ordered_json out = {{"id", j.id},           {"status", j.status}, {"progress", j.progress.load()},
                        {"started_by", j.user}, {"started", j.started}, {"settings", j.settings}};
    if (!j.finished.empty()) out["finished"] = j.finished;
    if (j.status == "done") out["result"] = j.result;
    if (j.error) {
      out["error"] = {{"code", ErrorCodeName(j.error->code)}, {"message", j.error->message}};
    }
    return out;
  }

  // Caller holds mu_. The job, if the caller may see it.
  std::shared_ptr<Job> Find(const Ctx& c) const {
    for (const auto& j : jobs_) {
      if (j->id == c.params[0] && (j->user == c.session->user || c.session->role == Role::kAdministrator)) return j;
    }
    return nullptr;
  }

  Response List(Ctx& c) {
    if (auto r = Refuse(c)) return *r;
    std::lock_guard lock(mu_);
    ordered_json items = ordered_json::array();
    for (auto it = jobs_.rbegin(); it != jobs_.rend(); ++it) {
      const Job& j = **it;
      if (j.user != c.session->user && c.session->role != Role::kAdministrator) continue;
      ordered_json s = {{"id", j.id}, {"status", j.status}, {"progress", j.progress.load()}, {"started", j.started},
                        {"settings", j.settings}};
      items.push_back(std::move(s));
    }
    return Json(200, {{"items", std::move(items)}, {"busy", busy_}});
  }

  Response Read(Ctx& c) {
    if (auto r = Refuse(c)) return *r;
    std::lock_guard lock(mu_);
    auto job = Find(c);
    if (!job) return ErrorResponse(404, "not_found", "no such estimate (estimates are kept in memory, the last 20 only)");
    return Json(200, JobJson(*job));
  }

  Response Stop(Ctx& c) {
    if (auto r = Refuse(c)) return *r;
    std::lock_guard lock(mu_);
    auto job = Find(c);
    if (!job) return ErrorResponse(404, "not_found", "no such estimate (estimates are kept in memory, the last 20 only)");
    if (job->status == "running") job->stop = true;
    return Json(202, JobJson(*job));
  }

  Response Start(Ctx& c) {
    if (auto r = Refuse(c)) return *r;
    auto request = ParseRequest(c.body);
    if (!request.ok()) return ErrorResponse(request.error());
    {
      std::lock_guard lock(mu_);
      if (busy_) return Busy();
    }
    // Read the store here, on the request's connection; the worker gets plain tables.
    auto tables = Tables(*request, *c.store);
    if (!tables.ok()) return ErrorResponse(tables.error());
    if (tables->size() > kMaxStrata) {
      return Invalid(fmt::format("estimate: field 'strata': {} strata; at most {} are estimated at once",
                                 tables->size(), kMaxStrata));
    }
    if (request->options.method == estimate::Method::kLcmcr) {
      const auto& l = request->options.lcmcr;
      const double sweeps = static_cast<double>(tables->size()) * l.chains * static_cast<double>(l.burnin + l.samples * l.thin);
      if (sweeps > static_cast<double>(kMaxSweeps)) {
        return Invalid(fmt::format(
            "estimate: field 'samples': {:.0f} sampler iterations (strata x chains x (burnin + samples x thin)); at most {} "
            "in one request",
            sweeps, kMaxSweeps));
      }
    }
    auto job = std::make_shared<Job>();
    job->user = c.session->user;
    job->started = Now();
    job->settings = request->settings;
    std::lock_guard lock(mu_);
    if (busy_) return Busy();  // another request started one while we read the store
    if (worker_.joinable()) worker_.join();  // the previous job has finished (busy_ is false)
    job->id = fmt::format("est-{}", ++counter_);
    jobs_.push_back(job);
    while (jobs_.size() > kJobsKept) jobs_.pop_front();
    busy_ = true;
    worker_ = std::thread([this, job, opts = request->options, tables = std::move(*tables)]() mutable {
      Run(job, std::move(opts), tables);
    });
    return Json(202, JobJson(*job));
  }

  Response Busy() const {
    const Job& running = *jobs_.back();
    Response r = ErrorResponse(
        429, "busy",
        fmt::format("another estimate is running (started {} by {}, {:.0f}% done); one runs at a time, try again when it "
                    "has finished",
                    running.started, running.user, 100 * running.progress.load()),
        "");
    r.headers.emplace_back("Retry-After", "5");
    return r;
  }

  void Run(const std::shared_ptr<Job>& job, estimate::EstimateOptions options,
           const std::vector<estimate::StratumTable>& tables) {
    // One core for the job, the rest for requests: the command line, with no one waiting on it,
    // runs chains on every core.
    options.lcmcr.threads = 1;
    options.lcmcr.progress = [job](double f) {
      job->progress = f;
      return !job->stop.load();
    };
    auto results = estimate::EstimateStrata(tables, options);
    ordered_json out;
    if (results.ok()) {
      ordered_json strata = ordered_json::array();
      for (size_t i = 0; i < results->size(); ++i) strata.push_back(StratumJson(tables[i], (*results)[i]));
      out = {{"method", options.method == estimate::Method::kLcmcr ? "lcmcr" : "loglinear"},
             {"small_cell_threshold", kSmallCell},
             {"strata", std::move(strata)}};
    }
    std::lock_guard lock(mu_);
    job->finished = Now();
    if (job->stop) {
      job->status = "stopped";
    } else if (results.ok()) {
      job->status = "done";
      job->progress = 1.0;
      job->result = std::move(out);
    } else {
      job->status = "failed";
      job->error = results.error();
    }
    busy_ = false;
  }

  std::mutex mu_;
  std::deque<std::shared_ptr<Job>> jobs_;
  bool busy_ = false;  // a job is running (it is jobs_.back())
  int64_t counter_ = 0;
  std::thread worker_;
};

}  // namespace

void AddEstimateRoutes(RouteTable& table, ApiServices& services) {
  (void)services;
  // The table's handlers keep the routes object, and so the worker thread's owner, alive.
  auto routes = std::make_shared<EstimateRoutes>();
  EstimateRoutes::Register(table, routes);
}

void DescribeEstimateRoutes(OpenApi& api) {
  using namespace openapi;
  const ordered_json str = {{"type", "string"}};
  const ordered_json integer = {{"type", "integer"}};
  const ordered_json number = {{"type", "number"}, {"nullable", true}};
  const ordered_json strings = {{"type", "array"}, {"items", str}};
  const ordered_json id = ordered_json::array({Param("id", "path", "string", true)});
  api.paths["/api/v1/estimates"]["get"] =
      Operation("Your recent estimates, and whether one is running (administrator, case officer, analyst)",
                {{"200", Reply("jobs, newest first", {{"type", "object"},
                                                      {"properties", {{"items", {{"type", "array"}}},
                                                                      {"busy", {{"type", "boolean"}}}}}})}});
  api.paths["/api/v1/estimates"]["post"] = Operation(
      "Start an estimate of how many people were on no list; poll the returned job (429 while another runs)",
      {{"202", Reply("the job, running", Ref("EstimateJob"))}}, ordered_json::array(), Ref("EstimateRequest"));
  api.paths["/api/v1/estimates/{id}"]["get"] =
      Operation("Progress and, when done, the result of an estimate", {{"200", Reply("the job", Ref("EstimateJob"))}}, id);
  api.paths["/api/v1/estimates/{id}"]["delete"] =
      Operation("Stop a running estimate", {{"202", Reply("the job, stopping", Ref("EstimateJob"))}}, id);
  api.schemas["EstimateRequest"] = Object({{"from", {{"type", "string"}, {"enum", {"database", "patterns"}}}},
                                           {"patterns_csv", str},
                                           {"list_by", {{"type", "string"}, {"enum", {"publisher", "source"}}}},
                                           {"incident_type", str},
                                           {"strata", strings},
                                           {"method", {{"type", "string"}, {"enum", {"loglinear", "lcmcr"}}}},
                                           {"select", {{"type", "string"}, {"enum", {"bic", "aic"}}}},
                                           {"max_order", integer},
                                           {"seed", integer},
                                           {"classes", integer},
                                           {"chains", integer},
                                           {"burnin", integer},
                                           {"samples", integer},
                                           {"thin", integer}});
  const ordered_json bin = Object({{"lo", integer}, {"hi", integer}, {"count", integer}});
  const ordered_json cell = Object({{"lists", strings}, {"count", integer}});
  api.schemas["StratumEstimate"] = Object({{"stratum", str},
                                           {"method", str},
                                           {"lists", integer},
                                           {"list_names", strings},
                                           {"n_observed", integer},
                                           {"estimate", number},
                                           {"lower", number},
                                           {"upper", number},
                                           {"model", str},
                                           {"diagnostics", {{"type", "object"}}},
                                           {"cautions", strings},
                                           {"caution_codes", {{"type", "array"}}},
                                           {"cells", {{"type", "array"}, {"items", cell}}},
                                           {"small_cells", integer},
                                           {"histogram", {{"type", "array"}, {"items", bin}}}});
  api.schemas["EstimateJob"] =
      Object({{"id", str},
              {"status", {{"type", "string"}, {"enum", {"running", "done", "failed", "stopped"}}}},
              {"progress", {{"type", "number"}}},
              {"started_by", str},
              {"started", str},
              {"finished", str},
              {"settings", {{"type", "object"}}},
              {"result", Object({{"method", str},
                                 {"small_cell_threshold", integer},
                                 {"strata", {{"type", "array"}, {"items", Ref("StratumEstimate")}}}})},
              {"error", {{"type", "object"}}}});
}

}  // namespace dossier::http
