// Record-linkage review over HTTP (docs/linkage.md): the queue of candidate pairs with their
// field-by-field explanations, decisions, a person's cluster, merge, split and undo, and running
// the linkage on the database.
//
// A candidate pair ties two records together, so for roles that may not see restricted persons a
// pair with a restricted side is listed without persons or explanation ("withheld"): showing the
// other side would tell them the restricted person's name. For the same reason their view of a
// cluster lists only the records on the requested record's side of the restriction.
#include <atomic>
#include <chrono>
#include <memory>

#include <fmt/format.h>

#include "analysis/analysis.h"
#include "http/openapi.h"
#include "http/routes.h"

namespace dossier::http {

namespace {

bool IsRestricted(const Result<Person>& p) { return p.ok() && p->sensitivity == Sensitivity::kRestricted; }

class ReviewRoutes {
 public:
  explicit ReviewRoutes(ApiServices& s) : services(s) {}

  // ------------------------------------------------------------ candidate pairs

  ordered_json CandidateOut(const LinkCandidate& k, const Ctx& c) const {
    ordered_json j = {{"id", k.id}, {"probability", k.probability}, {"status", k.status},
                      {"decided_by", k.decided_by}, {"decided_at", k.decided_at}};
    auto a = c.store->GetPerson(k.person_a);
    auto b = c.store->GetPerson(k.person_b);
    if (!c.sees_restricted() && (IsRestricted(a) || IsRestricted(b))) {
      j["withheld"] = true;
      j["person_a"] = nullptr;
      j["person_b"] = nullptr;
      j["explanation"] = nullptr;
      return j;
    }
    j["withheld"] = false;
    // A record deleted since the pair was queued shows as its id only.
    j["person_a"] = a.ok() ? services.person_json(*a, c) : ordered_json{{"id", k.person_a}, {"deleted", true}};
    j["person_b"] = b.ok() ? services.person_json(*b, c) : ordered_json{{"id", k.person_b}, {"deleted", true}};
    json e = json::parse(k.explanation, nullptr, false);
    j["explanation"] = e.is_discarded() ? ordered_json(nullptr) : ordered_json(e);
    return j;
  }

  Response ListCandidates(Ctx& c) {
    auto limit = QueryInt(c, "limit", 1, kMaxListLimit);
    if (!limit.ok()) return ErrorResponse(limit.error());
    auto offset = QueryInt(c, "offset", 0, int64_t{1} << 40);
    if (!offset.ok()) return ErrorResponse(offset.error());
    std::string status = QueryText(c, "status");
    if (status.empty()) status = "pending";
    if (status != "pending" && status != "confirmed" && status != "rejected") {
      return Invalid(fmt::format("query: field 'status': expected pending, confirmed or rejected, not '{}'", status));
    }
    const size_t l = static_cast<size_t>(limit->value_or(20)), o = static_cast<size_t>(offset->value_or(0));
    auto page = c.store->ListLinkCandidates(status, l, o);
    if (!page.ok()) return ErrorResponse(page.error());
    ordered_json items = ordered_json::array();
    for (const auto& k : page->items) items.push_back(CandidateOut(k, c));
    return Json(200, {{"items", std::move(items)}, {"total", page->total}, {"limit", l}, {"offset", o},
                      {"status", status}});
  }

  // Runs a cluster change and returns the audit entry it wrote ({seq, action}), or null when it
  // changed nothing. The write transaction makes the entry after ours ours.
  static Result<ordered_json> Recorded(Store& s, const std::function<Status()>& change) {
    ordered_json out = nullptr;
    Status st = s.Transaction([&]() -> Status {
      DOSSIER_ASSIGN_OR_RETURN(auto before, s.RecentAudit(1));
      DOSSIER_RETURN_IF_ERROR(change());
      DOSSIER_ASSIGN_OR_RETURN(auto after, s.RecentAudit(1));
      const bool wrote = !after.empty() && (before.empty() || after[0].seq != before[0].seq);
      const bool cluster_change = wrote && (after[0].action == "merge" || after[0].action == "split" ||
                                            after[0].action == "undo");
      if (cluster_change) out = {{"seq", after[0].seq}, {"action", after[0].action}};
      return Ok();
    });
    if (!st.ok()) return st.error();
    return out;
  }

  Response Decide(Ctx& c) {
    using V = json::value_t;
    if (Status s = CheckFields(c.body, "decision", {{"decision", V::string}}); !s.ok()) return ErrorResponse(s.error());
    const std::string decision = c.body.value("decision", "");
    if (decision != "confirm" && decision != "reject") {
      return Invalid("decision: field 'decision': expected confirm or reject");
    }
    int64_t id = 0;
    const std::string& text = c.params[0];
    bool digits = !text.empty() && text.size() <= 18;
    for (char ch : text) digits = digits && ch >= '0' && ch <= '9';
    if (!digits) return ErrorResponse(Error::NotFound(fmt::format("link candidate '{}' does not exist", text)));
    id = std::stoll(text);
    std::lock_guard lock(services.write_mu);
    auto change = Recorded(*c.store, [&] { return c.store->DecideLinkCandidate(id, decision == "confirm"); });
    if (!change.ok()) return ErrorResponse(change.error());
    return Json(200, {{"id", id}, {"status", decision == "confirm" ? "confirmed" : "rejected"}, {"change", *change}});
  }

  // ------------------------------------------------------------ clusters

  Response Cluster(Ctx& c) {
    const std::string& id = c.params[0];
    auto self = c.store->GetPerson(id);
    if (!self.ok()) return ErrorResponse(self.error());
    auto cluster = c.store->ClusterOf(id);
    if (!cluster.ok()) return ErrorResponse(cluster.error());
    auto members = c.store->ClusterMembers(*cluster);
    if (!members.ok()) return ErrorResponse(members.error());
    const bool self_restricted = IsRestricted(self);
    ordered_json out = ordered_json::array();
    bool left_out = false;
    for (const auto& m : *members) {
      auto p = c.store->GetPerson(m);
      if (!p.ok()) return ErrorResponse(p.error());
      if (!c.sees_restricted() && IsRestricted(p) != self_restricted) {
        left_out = true;
        continue;
      }
      out.push_back(services.person_json(*p, c));
    }
    // The cluster is named by one of its records' ids, which may be one left out.
    ordered_json cluster_id = left_out ? ordered_json(nullptr) : ordered_json(*cluster);
    return Json(200, {{"person_id", id}, {"cluster_id", cluster_id}, {"members", std::move(out)}});
  }

  static Result<std::string> PersonField(const json& body, const char* what, const char* field) {
    if (!body.contains(field) || body[field].get<std::string>().empty()) {
      return Error::Invalid(fmt::format("{}: field '{}': is required", what, field));
    }
    return body[field].get<std::string>();
  }

  Response Merge(Ctx& c) {
    using V = json::value_t;
    if (Status s = CheckFields(c.body, "merge", {{"person_a", V::string}, {"person_b", V::string}}); !s.ok()) {
      return ErrorResponse(s.error());
    }
    auto a = PersonField(c.body, "merge", "person_a");
    if (!a.ok()) return ErrorResponse(a.error());
    auto b = PersonField(c.body, "merge", "person_b");
    if (!b.ok()) return ErrorResponse(b.error());
    if (*a == *b) return Invalid("merge: field 'person_b': must be another record than person_a");
    std::lock_guard lock(services.write_mu);
    auto change = Recorded(*c.store, [&] { return c.store->MergeClusters(*a, *b); });
    if (!change.ok()) return ErrorResponse(change.error());
    auto cluster = c.store->ClusterOf(*a);
    if (!cluster.ok()) return ErrorResponse(cluster.error());
    return Json(200, {{"cluster_id", *cluster}, {"change", *change}});
  }

  Response Split(Ctx& c) {
    using V = json::value_t;
    if (Status s = CheckFields(c.body, "split", {{"person_id", V::string}}); !s.ok()) return ErrorResponse(s.error());
    auto person = PersonField(c.body, "split", "person_id");
    if (!person.ok()) return ErrorResponse(person.error());
    std::lock_guard lock(services.write_mu);
    auto change = Recorded(*c.store, [&] { return c.store->SplitFromCluster(*person); });
    if (!change.ok()) return ErrorResponse(change.error());
    return Json(200, {{"person_id", *person}, {"change", *change}});
  }

  Response Undo(Ctx& c) {
    using V = json::value_t;
    if (Status s = CheckFields(c.body, "undo", {{"seq", V::number_unsigned}}); !s.ok()) {
      // A negative or fractional number has another JSON type: name the field either way.
      if (c.body.is_object() && c.body.contains("seq") && c.body.size() == 1) {
        return Invalid("undo: field 'seq': expected the audit entry number of a merge or split");
      }
      return ErrorResponse(s.error());
    }
    if (!c.body.contains("seq")) return Invalid("undo: field 'seq': is required");
    const int64_t seq = static_cast<int64_t>(c.body["seq"].get<uint64_t>());
    std::lock_guard lock(services.write_mu);
    auto change = Recorded(*c.store, [&] { return c.store->UndoClusterChange(seq); });
    if (!change.ok()) return ErrorResponse(change.error());
    return Json(200, {{"undone", seq}, {"change", *change}});
  }

  // ------------------------------------------------------------ running the linkage

  Response Run(Ctx& c) {
    using V = json::value_t;
    if (Status s = CheckFields(c.body, "link", {{"review_threshold", V::number_float}}); !s.ok()) {
      return ErrorResponse(s.error());
    }
    analysis::DatabaseLinkOptions options;
    if (c.body.contains("review_threshold")) options.review_probability = c.body["review_threshold"].get<double>();
    if (options.review_probability <= 0 || options.review_probability >= 1) {
      return Invalid("link: field 'review_threshold': expected a probability between 0 and 1");
    }
    if (!services.name_tables) return ErrorResponse(Error::Internal("the server has no name tables"));
    // One run at a time: a second would only replace the first one's queue.
    bool idle = false;
    if (!running.compare_exchange_strong(idle, true)) {
      return ErrorResponse(Error::Conflict("a linkage run is already in progress"));
    }
    struct Done {
      std::atomic<bool>& flag;
      ~Done() { flag = false; }
    } done{running};
    const auto t0 = std::chrono::steady_clock::now();
    // Linking only reads; the write lock is held only while the queue is replaced.
    auto found = analysis::FindLinkCandidates(*c.store, *services.name_tables, options);
    if (!found.ok()) return ErrorResponse(found.error());
    c.store->EndReads();
    std::lock_guard lock(services.write_mu);
    auto summary = analysis::QueueFound(*c.store, std::move(*found));
    if (!summary.ok()) return ErrorResponse(summary.error());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return Json(200, {{"records", summary->records}, {"candidate_pairs", summary->candidate_pairs},
                      {"queued", summary->queued}, {"already_together", summary->already_together},
                      {"seconds", seconds}});
  }

  static void Register(RouteTable& table, const std::shared_ptr<ReviewRoutes>& self) {
    // Deciding, merging, splitting and undoing change who is counted as one person: the roles
    // that write records (administrator, case officer, documenter). Running the linkage only
    // refills the queue: also analysts (the roles that read history), not viewers.
    constexpr Permission kReview = Permission::kWrite;
    constexpr Permission kRun = Permission::kHistory;
    const std::string v1(kApiPrefix);
    table.Add("GET", v1 + "/link-candidates", Permission::kRead, {"status", "limit", "offset"},
              [self](Ctx& c) { return self->ListCandidates(c); });
    table.Add("POST", v1 + "/link-candidates/run", kRun, {}, [self](Ctx& c) { return self->Run(c); });
    table.Add("POST", v1 + "/link-candidates/{id}/decision", kReview, {}, [self](Ctx& c) { return self->Decide(c); });
    table.Add("GET", v1 + "/persons/{id}/cluster", Permission::kRead, {}, [self](Ctx& c) { return self->Cluster(c); });
    table.Add("POST", v1 + "/clusters/merge", kReview, {}, [self](Ctx& c) { return self->Merge(c); });
    table.Add("POST", v1 + "/clusters/split", kReview, {}, [self](Ctx& c) { return self->Split(c); });
    table.Add("POST", v1 + "/clusters/undo", kReview, {}, [self](Ctx& c) { return self->Undo(c); });
  }

 private:
  ApiServices& services;
  std::atomic<bool> running{false};
};

}  // namespace

void AddReviewRoutes(RouteTable& table, ApiServices& services) {
  auto routes = std::make_shared<ReviewRoutes>(services);
  routes->Register(table, routes);
}

void DescribeReviewRoutes(OpenApi& api) {
  using namespace openapi;
  const ordered_json str = {{"type", "string"}};
  const ordered_json integer = {{"type", "integer"}};
  const ordered_json person = {{"type", "object"}, {"nullable", true}};
  const ordered_json change = {{"type", "object"},
                               {"nullable", true},
                               {"description", "the audit entry of the cluster change (null when nothing changed)"},
                               {"properties", {{"seq", integer}, {"action", str}}}};
  api.schemas["LinkCandidate"] = Object(
      {{"id", integer}, {"probability", {{"type", "number"}}}, {"status", str}, {"decided_by", str},
       {"decided_at", str}, {"withheld", {{"type", "boolean"}}}, {"person_a", person}, {"person_b", person},
       {"explanation", {{"type", "object"}, {"nullable", true},
                        {"description", "prior_weight, total, probability and fields: comparison, level, value_a, "
                                        "value_b, m, u, weight, tf_adjustment"}}}});
  const ordered_json page = {{"type", "object"},
                             {"properties",
                              {{"items", {{"type", "array"}, {"items", Ref("LinkCandidate")}}},
                               {"total", integer}, {"limit", integer}, {"offset", integer}, {"status", str}}}};
  api.paths["/api/v1/link-candidates"]["get"] =
      Operation("Candidate pairs of the review queue, most probable first (withheld for analysts and viewers "
                "when a side is restricted)",
                {{"200", Reply("a page", page)}},
                ordered_json::array({Param("status", "query", "string"), Param("limit", "query", "integer"),
                                     Param("offset", "query", "integer")}));
  api.paths["/api/v1/link-candidates/run"]["post"] = Operation(
      "Link the stored persons and replace the pending pairs (administrator, case officer, documenter, analyst)",
      {{"200", Reply("what was found", Object({{"records", integer}, {"candidate_pairs", integer},
                                                {"queued", integer}, {"already_together", integer},
                                                {"seconds", {{"type", "number"}}}}))}},
      ordered_json::array(), Object({{"review_threshold", {{"type", "number"}}}}));
  api.paths["/api/v1/link-candidates/{id}/decision"]["post"] = Operation(
      "Confirm (merge the two records' clusters) or reject a pair (administrator, case officer, documenter)",
      {{"200", Reply("decided", Object({{"id", integer}, {"status", str}, {"change", change}}))}},
      ordered_json::array({Param("id", "path", "integer", true)}), Object({{"decision", str}}, {"decision"}));
  api.paths["/api/v1/persons/{id}/cluster"]["get"] = Operation(
      "The records that make up this record's person",
      {{"200", Reply("the cluster", Object({{"person_id", str}, {"cluster_id", {{"type", "string"}, {"nullable", true}}},
                                            {"members", {{"type", "array"}, {"items", {{"type", "object"}}}}}}))}},
      ordered_json::array({Param("id", "path", "string", true)}));
  api.paths["/api/v1/clusters/merge"]["post"] = Operation(
      "Merge two records' clusters into one person (administrator, case officer, documenter)",
      {{"200", Reply("merged", Object({{"cluster_id", str}, {"change", change}}))}}, ordered_json::array(),
      Object({{"person_a", str}, {"person_b", str}}, {"person_a", "person_b"}));
  api.paths["/api/v1/clusters/split"]["post"] = Operation(
      "Take a record out of its cluster (administrator, case officer, documenter)",
      {{"200", Reply("split", Object({{"person_id", str}, {"change", change}}))}}, ordered_json::array(),
      Object({{"person_id", str}}, {"person_id"}));
  api.paths["/api/v1/clusters/undo"]["post"] = Operation(
      "Undo a merge or split by its audit entry number (administrator, case officer, documenter)",
      {{"200", Reply("undone", Object({{"undone", integer}, {"change", change}}))}}, ordered_json::array(),
      Object({{"seq", integer}}, {"seq"}));
}

}  // namespace dossier::http
