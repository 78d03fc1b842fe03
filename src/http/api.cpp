#include "http/api.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "cases/cases.h"
#include "domain/codec.h"
#include "domain/validate.h"
#include "http/routes.h"

namespace dossier::http {

using nlohmann::json;
using nlohmann::ordered_json;

// ---------------------------------------------------------------- helpers shared by route modules

Response Json(int status, const ordered_json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  return r;
}

Response NoContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response Invalid(std::string message) { return ErrorResponse(Error::Invalid(std::move(message))); }

Response Raw(std::string body) {
  Response r;
  r.body = std::move(body);
  return r;
}

Result<std::optional<int64_t>> QueryInt(const Ctx& c, const std::string& name, int64_t min, int64_t max) {
  auto it = c.query.find(name);
  if (it == c.query.end() || it->second.empty()) return std::optional<int64_t>();
  const std::string& v = it->second;
  int64_t n = 0;
  bool ok = v.size() <= 18;
  for (char ch : v) ok = ok && ch >= '0' && ch <= '9';
  if (ok) n = std::stoll(v);
  if (!ok || n < min || n > max) {
    return Error::Invalid(fmt::format("query: field '{}': expected a whole number from {} to {}", name, min, max));
  }
  return std::optional<int64_t>(n);
}

std::string QueryText(const Ctx& c, const std::string& name) {
  auto it = c.query.find(name);
  return it == c.query.end() ? std::string() : it->second;
}

Status CheckFields(const json& body, const char* what, const std::map<std::string, json::value_t>& allowed) {
  if (!body.is_object()) return Error::Invalid(fmt::format("{}: expected a JSON object", what));
  for (const auto& [k, v] : body.items()) {
    auto it = allowed.find(k);
    if (it == allowed.end()) return Error::Invalid(fmt::format("{}: field '{}': unknown field", what, k));
    if (v.type() != it->second) {
      const char* type = it->second == json::value_t::string ? "text" : it->second == json::value_t::boolean ? "true or false" : "a value";
      return Error::Invalid(fmt::format("{}: field '{}': expected {}", what, k, type));
    }
  }
  return Ok();
}

namespace {

std::vector<std::string> SplitPath(std::string_view path);

}  // namespace

void RouteTable::Add(std::string method, std::string path, Permission permission, std::vector<std::string> query,
                     Handler handler) {
  Route r{std::move(method), std::move(path), permission, std::move(query), std::move(handler), {}};
  r.segments = SplitPath(r.path);
  routes_.push_back(std::move(r));
}

void RouteTable::AddUpload(std::string method, std::string path, Permission permission, std::vector<std::string> query,
                           Handler handler) {
  Add(std::move(method), std::move(path), permission, std::move(query), std::move(handler));
  routes_.back().streamed_upload = true;
}

namespace {

// ---------------------------------------------------------------- store connections

class StorePool {
 public:
  explicit StorePool(std::vector<std::unique_ptr<Store>> stores) : stores_(std::move(stores)) {
    for (auto& s : stores_) free_.push_back(s.get());
  }
  class Lease {
   public:
    Lease(StorePool& pool, Store* store) : pool_(pool), store_(store) {}
    Lease(const Lease&) = delete;
    ~Lease() { pool_.Release(store_); }
    Store& operator*() const { return *store_; }
    Store* operator->() const { return store_; }

   private:
    StorePool& pool_;
    Store* store_;
  };
  Lease Acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty(); });
    Store* s = free_.back();
    free_.pop_back();
    lock.unlock();
    // A request reads what is committed now, not a snapshot an earlier user of this connection
    // (start-up's scans, which hold no lease) may have left open.
    s->EndReads();
    return Lease(*this, s);
  }
  size_t size() const { return stores_.size(); }
  Store& at(size_t i) { return *stores_[i]; }

 private:
  void Release(Store* s) {
    s->EndReads();  // nor may an idle connection hold a snapshot (it would stall WAL checkpoints)
    {
      std::lock_guard lock(mu_);
      free_.push_back(s);
    }
    cv_.notify_one();
  }
  std::vector<std::unique_ptr<Store>> stores_;
  std::vector<Store*> free_;
  std::mutex mu_;
  std::condition_variable cv_;
};

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t pos = 1;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    out.emplace_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

// ---------------------------------------------------------------- records

template <typename T> struct Rec;
template <> struct Rec<Source> {
  static constexpr RecordKind kKind = RecordKind::kSource;
  static constexpr const char* kName = "source";
  static Result<Source> Decode(const json& j) { return SourceFromJson(j, "source"); }
  static Result<Source> Get(Store& s, const std::string& id) { return s.GetSource(id); }
  static Result<Page<Source>> List(Store& s, const ListQuery& q) { return s.ListSources(q); }
};
template <> struct Rec<Person> {
  static constexpr RecordKind kKind = RecordKind::kPerson;
  static constexpr const char* kName = "person";
  static Result<Person> Decode(const json& j) { return PersonFromJson(j, "person"); }
  static Result<Person> Get(Store& s, const std::string& id) { return s.GetPerson(id); }
  static Result<Page<Person>> List(Store& s, const ListQuery& q) { return s.ListPersons(q); }
};
template <> struct Rec<Incident> {
  static constexpr RecordKind kKind = RecordKind::kIncident;
  static constexpr const char* kName = "incident";
  static Result<Incident> Decode(const json& j) { return IncidentFromJson(j, "incident"); }
  static Result<Incident> Get(Store& s, const std::string& id) { return s.GetIncident(id); }
  static Result<Page<Incident>> List(Store& s, const ListQuery& q) { return s.ListIncidents(q); }
};
template <> struct Rec<Act> {
  static constexpr RecordKind kKind = RecordKind::kAct;
  static constexpr const char* kName = "act";
  static Result<Act> Decode(const json& j) { return ActFromJson(j, "act"); }
  static Result<Act> Get(Store& s, const std::string& id) { return s.GetAct(id); }
  static Result<Page<Act>> List(Store& s, const ListQuery& q) { return s.ListActs(q); }
};
template <> struct Rec<Involvement> {
  static constexpr RecordKind kKind = RecordKind::kInvolvement;
  static constexpr const char* kName = "involvement";
  static Result<Involvement> Decode(const json& j) { return InvolvementFromJson(j, "involvement"); }
  static Result<Involvement> Get(Store& s, const std::string& id) { return s.GetInvolvement(id); }
  static Result<Page<Involvement>> List(Store& s, const ListQuery& q) { return s.ListInvolvements(q); }
};

int YearOf(const Incident& i) { return i.start.year; }

}  // namespace

// ---------------------------------------------------------------- the application

struct App::Impl {
  AppOptions options;
  StorePool pool;
  NameIndex names;
  SessionManager sessions;
  LoginThrottle throttle;
  TotpReplayGuard totp_replay;
  RouteTable table;
  ApiServices services;
  std::string dummy_hash;  // verified against for unknown users, so timing does not tell them apart
  std::string vocabularies_json, gazetteer_json;
  // Writes go one at a time, so the in-memory indexes follow the database in commit order.
  std::mutex write_mu;
  // Dashboard: how many incidents of each (type, start year), kept like the name index.
  std::mutex incidents_mu;
  std::map<std::pair<std::string, int>, int64_t> incidents_by_type_year;

  Impl(AppOptions o, std::vector<std::unique_ptr<Store>> stores, std::shared_ptr<const linkage::NameTables> tables)
      : options(std::move(o)),
        pool(std::move(stores)),
        names(tables),
        sessions(options.session_idle, options.session_absolute),
        throttle(options.throttle),
        services{options, write_mu, [this](const Person& p, const Ctx& c) { return Out(p, c, *c.store); }, tables} {}

  // ------------------------------------------------------------ output shaping

  ordered_json Out(const Person& p, const Ctx& c, Store& s) const {
    ordered_json j = ToJson(p);
    const std::string pseudonym = s.keyring().Pseudonym("person", p.id);
    const bool redact = !c.sees_restricted() && p.sensitivity == Sensitivity::kRestricted;
    if (redact) {
      j["names"] = ordered_json::array({{{"value", pseudonym}, {"script", "latin"}, {"kind", "alias"}}});
      j["birth_date"] = nullptr;
      j["links"] = ordered_json::array();
      j["notes"] = "";
    } else if (!c.sees_restricted()) {
      // A link to a restricted person is a family link of that person: not for this role.
      ordered_json kept = ordered_json::array();
      for (const auto& l : j["links"]) {
        if (!names.IsRestricted(l["person_id"].get<std::string>())) kept.push_back(l);
      }
      j["links"] = kept;
    }
    j["pseudonym"] = pseudonym;
    j["redacted"] = redact;
    return j;
  }
  // A search hit: the summary fields of Store::GetPersonSummaries, shaped like Out(Person).
  ordered_json SummaryOut(const Person& p, const Ctx& c, Store& s) const {
    ordered_json full = Out(p, c, s);
    ordered_json j;
    for (const char* field : {"id", "names", "sex", "birth_date", "origin", "sensitivity", "pseudonym", "redacted"}) {
      j[field] = std::move(full[field]);
    }
    return j;
  }
  ordered_json Out(const Source& src, const Ctx& c, Store&) const {
    ordered_json j = ToJson(src);
    const bool redact = !c.sees_restricted() && src.sensitivity == Sensitivity::kRestricted;
    if (redact) {
      j["text"] = "";
      j["contact"] = "";
    }
    j["redacted"] = redact;
    return j;
  }
  template <typename T>
  ordered_json Out(const T& r, const Ctx&, Store&) const {
    return ToJson(r);
  }

  // ------------------------------------------------------------ index upkeep

  void Indexed(const Person* before, const Person* after) {
    if (before && after) {
      names.Replace(*before, *after);
    } else if (after) {
      names.Add(*after);
    } else if (before) {
      names.Remove(*before);
    }
  }
  void Indexed(const Incident* before, const Incident* after) {
    std::lock_guard lock(incidents_mu);
    if (before) {
      auto it = incidents_by_type_year.find({before->type, YearOf(*before)});
      if (it != incidents_by_type_year.end() && --it->second <= 0) incidents_by_type_year.erase(it);
    }
    if (after) ++incidents_by_type_year[{after->type, YearOf(*after)}];
  }
  template <typename T>
  void Indexed(const T*, const T*) {}

  // ------------------------------------------------------------ record handlers

  // Checks the body is an object and drops the server-computed fields a client may echo back.
  static Result<json> RecordBody(const Ctx& c, const char* kind) {
    if (!c.body.is_object()) return Error::Invalid(fmt::format("{}: expected a JSON object", kind));
    json j = c.body;
    j.erase("pseudonym");
    j.erase("redacted");
    return j;
  }

  template <typename T>
  Response Create(Ctx& c) {
    Result<json> body = RecordBody(c, Rec<T>::kName);
    if (!body.ok()) return ErrorResponse(body.error());
    auto record = Rec<T>::Decode(*body);
    if (!record.ok()) return ErrorResponse(record.error());
    Store& s = *c.store;
    std::lock_guard lock(write_mu);
    std::string id;
    Status st = s.Transaction([&]() -> Status {
      DOSSIER_ASSIGN_OR_RETURN(id, s.Create(*record));
      return Ok();
    });
    if (!st.ok()) return ErrorResponse(st.error());
    auto stored = Rec<T>::Get(s, id);
    if (!stored.ok()) return ErrorResponse(stored.error());
    Indexed(static_cast<const T*>(nullptr), &*stored);
    return Json(201, Out(*stored, c, s));
  }

  template <typename T>
  Response Update(Ctx& c) {
    const std::string& id = c.params[0];
    Result<json> body = RecordBody(c, Rec<T>::kName);
    if (!body.ok()) return ErrorResponse(body.error());
    if (body->contains("id")) {
      if (!(*body)["id"].is_string() || (*body)["id"].get<std::string>() != id) {
        return Invalid(fmt::format("{} '{}': field 'id': must be the id in the path", Rec<T>::kName, id));
      }
    } else {
      (*body)["id"] = id;
    }
    auto record = Rec<T>::Decode(*body);
    if (!record.ok()) return ErrorResponse(record.error());
    Store& s = *c.store;
    std::lock_guard lock(write_mu);
    auto before = Rec<T>::Get(s, id);
    if (!before.ok()) return ErrorResponse(before.error());
    Status st = s.Transaction([&]() -> Status { return s.Update(*record); });
    if (!st.ok()) return ErrorResponse(st.error());
    auto stored = Rec<T>::Get(s, id);
    if (!stored.ok()) return ErrorResponse(stored.error());
    Indexed(&*before, &*stored);
    return Json(200, Out(*stored, c, s));
  }

  template <typename T>
  Response Delete(Ctx& c) {
    const std::string& id = c.params[0];
    Store& s = *c.store;
    std::lock_guard lock(write_mu);
    auto before = Rec<T>::Get(s, id);
    if (!before.ok()) return ErrorResponse(before.error());
    Status st = s.Transaction([&]() -> Status { return s.Delete(Rec<T>::kKind, id); });
    if (!st.ok()) return ErrorResponse(st.error());
    Indexed(&*before, static_cast<const T*>(nullptr));
    return NoContent();
  }

  template <typename T>
  Response Read(Ctx& c) {
    auto r = Rec<T>::Get(*c.store, c.params[0]);
    if (!r.ok()) return ErrorResponse(r.error());
    return Json(200, Out(*r, c, *c.store));
  }

  template <typename T>
  Response List(Ctx& c) {
    ListQuery q;
    auto limit = QueryInt(c, "limit", 1, kMaxListLimit);
    if (!limit.ok()) return ErrorResponse(limit.error());
    auto offset = QueryInt(c, "offset", 0, int64_t{1} << 40);
    if (!offset.ok()) return ErrorResponse(offset.error());
    auto from = QueryInt(c, "year_from", 0, 9999);
    if (!from.ok()) return ErrorResponse(from.error());
    auto to = QueryInt(c, "year_to", 0, 9999);
    if (!to.ok()) return ErrorResponse(to.error());
    q.limit = static_cast<size_t>(limit->value_or(50));
    q.offset = static_cast<size_t>(offset->value_or(0));
    if (*from) q.year_from = static_cast<int>(**from);
    if (*to) q.year_to = static_cast<int>(**to);
    q.type = QueryText(c, "type");
    q.place = QueryText(c, "place");
    q.source_id = QueryText(c, "source_id");
    q.incident_id = QueryText(c, "incident_id");
    q.person_id = QueryText(c, "person_id");
    q.act_id = QueryText(c, "act_id");
    auto page = Rec<T>::List(*c.store, q);
    if (!page.ok()) return ErrorResponse(page.error());
    ordered_json items = ordered_json::array();
    for (const auto& r : page->items) items.push_back(Out(r, c, *c.store));
    return Json(200, {{"items", std::move(items)}, {"total", page->total}, {"limit", q.limit}, {"offset", q.offset}});
  }

  template <typename T>
  Response History(Ctx& c) {
    const std::string& id = c.params[0];
    Store& s = *c.store;
    auto entries = s.History(Rec<T>::kKind, id);
    if (!entries.ok()) return ErrorResponse(entries.error());
    auto current = Rec<T>::Get(s, id);
    if (entries->empty() && !current.ok()) return ErrorResponse(current.error());
    std::vector<json> changes;
    bool restricted = false;
    if constexpr (std::is_same_v<T, Person> || std::is_same_v<T, Source>) {
      if (current.ok() && current->sensitivity == Sensitivity::kRestricted) restricted = true;
    }
    for (const auto& e : *entries) {
      json ch = json::parse(e.changes, nullptr, false);
      if (ch.is_discarded()) ch = json::object();
      if (ch.contains("sensitivity")) {
        for (const char* side : {"before", "after"}) {
          if (ch["sensitivity"].value(side, json()) == "restricted") restricted = true;
        }
      }
      changes.push_back(std::move(ch));
    }
    const bool hide = restricted && !c.sees_restricted() &&
                      (std::is_same_v<T, Person> || std::is_same_v<T, Source>);
    ordered_json out = ordered_json::array();
    for (size_t i = 0; i < entries->size(); ++i) {
      const auto& e = (*entries)[i];
      ordered_json fields = ordered_json::array();
      std::stringstream ss(e.fields);
      for (std::string f; std::getline(ss, f, ',');) {
        if (!f.empty()) fields.push_back(f);
      }
      ordered_json entry = {{"seq", e.seq}, {"at", e.at}, {"actor", e.actor}, {"action", e.action}, {"fields", fields}};
      if (!hide) entry["changes"] = changes[i];
      out.push_back(std::move(entry));
    }
    return Json(200, {{"entries", std::move(out)}});
  }

  template <typename T>
  void AddCollection(const std::string& collection) {
    const std::string base = std::string(kApiPrefix) + "/" + collection;
    const std::vector<std::string> filters = {"limit", "offset", "type", "place", "year_from", "year_to",
                                              "source_id", "incident_id", "person_id", "act_id"};
    Add("GET", base, Permission::kRead, filters, [this](Ctx& c) { return List<T>(c); });
    Add("POST", base, Permission::kWrite, {}, [this](Ctx& c) { return Create<T>(c); });
    Add("GET", base + "/{id}", Permission::kRead, {}, [this](Ctx& c) { return Read<T>(c); });
    Add("PUT", base + "/{id}", Permission::kWrite, {}, [this](Ctx& c) { return Update<T>(c); });
    Add("DELETE", base + "/{id}", Permission::kDelete, {}, [this](Ctx& c) { return Delete<T>(c); });
    Add("GET", base + "/{id}/history", Permission::kHistory, {}, [this](Ctx& c) { return History<T>(c); });
  }

  void Add(std::string method, std::string path, Permission p, std::vector<std::string> query, Handler h) {
    table.Add(std::move(method), std::move(path), p, std::move(query), std::move(h));
  }

  // ------------------------------------------------------------ sessions

  static json UserJson(const UserAccount& u) {
    return {{"name", u.name}, {"role", u.role}, {"disabled", u.disabled}, {"totp", !u.totp_secret.empty()}};
  }

  Response SessionBody(const SessionInfo& s) {
    return Json(200, {{"user", {{"name", s.user}, {"role", RoleName(s.role)}}}, {"csrf_token", s.csrf_token}});
  }

  std::string Cookie(const std::string& value, bool secure, bool expire) const {
    std::string c = fmt::format("dossier_session={}; Path=/; HttpOnly; SameSite=Strict", value);
    if (expire) c += "; Max-Age=0";
    if (secure) c += "; Secure";
    return c;
  }

  Response SignIn(Ctx& c) {
    using V = json::value_t;
    if (Status s = CheckFields(c.body, "session", {{"username", V::string}, {"password", V::string}, {"totp", V::string}});
        !s.ok()) {
      return ErrorResponse(s.error());
    }
    const std::string user = c.body.value("username", "");
    const std::string password = c.body.value("password", "");
    const std::string code = c.body.value("totp", "");
    if (user.empty()) return Invalid("session: field 'username': is required");
    if (user.size() > 64 || password.size() > 1024) return Invalid("session: field 'username': too long");
    const auto now = LoginThrottle::Clock::now();
    if (int64_t wait = throttle.RetryAfter(user, c.client_address, now); wait > 0) {
      Response r = ErrorResponse(429, "too_many_requests",
                                 fmt::format("too many failed sign-ins; try again in {} seconds", wait));
      r.headers.emplace_back("Retry-After", std::to_string(wait));
      return r;
    }
    auto account = c.store->GetUser(user);
    auto fail = [&](std::string message, std::optional<std::string> field = std::nullopt) {
      throttle.Failure(user, c.client_address, now);
      return ErrorResponse(401, "unauthenticated", message, field ? field : std::optional<std::string>(""));
    };
    if (!account.ok()) {
      if (account.error().code != ErrorCode::kNotFound) spdlog::error("sign-in: account unreadable ({})", ErrorCodeName(account.error().code));
      (void)VerifyPassword(dummy_hash, password);
      return fail("wrong user name or password");
    }
    if (!VerifyPassword(account->password_hash, password) || account->disabled) {
      return fail("wrong user name or password");
    }
    if (!account->totp_secret.empty()) {
      if (code.empty()) {
        return ErrorResponse(401, "unauthenticated", "a one-time code from the authenticator app is required", "totp");
      }
      auto step = MatchTotp(account->totp_secret, code, std::chrono::duration_cast<std::chrono::seconds>(
                                                             std::chrono::system_clock::now().time_since_epoch())
                                                             .count());
      if (!step || !totp_replay.Accept(account->name, *step)) return fail("wrong or already used one-time code", "totp");
    }
    auto role = ParseRole(account->role);
    if (!role) return ErrorResponse(Error::Internal("account has an unknown role"));
    throttle.Success(user, c.client_address);
    auto [token, info] = sessions.Create(account->name, *role);
    Response r = SessionBody(info);
    r.headers.emplace_back("Set-Cookie", Cookie(token, c.secure, false));
    r.user = info.user;
    return r;
  }

  Response SignOut(Ctx& c) {
    sessions.Remove(CookieValue(c.req.cookie, "dossier_session"));
    Response r = NoContent();
    r.headers.emplace_back("Set-Cookie", Cookie("", c.secure, true));
    return r;
  }

  // ------------------------------------------------------------ users

  Result<Role> CheckedRole(const json& v) {
    auto role = ParseRole(v.get<std::string>());
    if (!role) {
      return Error::Invalid("user: field 'role': expected administrator, case_officer, documenter, analyst or viewer");
    }
    return *role;
  }

  // Refuses a change that would leave no enabled administrator.
  Status KeepsAnAdministrator(Store& s, const UserAccount& changed) {
    DOSSIER_ASSIGN_OR_RETURN(auto users, s.ListUsers());
    for (const auto& u : users) {
      const UserAccount& v = u.name == changed.name ? changed : u;
      if (v.role == "administrator" && !v.disabled) return Ok();
    }
    return Error::Conflict("user: this change would leave no enabled administrator");
  }

  Response ListUsers(Ctx& c) {
    auto users = c.store->ListUsers();
    if (!users.ok()) return ErrorResponse(users.error());
    json items = json::array();
    for (const auto& u : *users) items.push_back(UserJson(u));
    return Json(200, {{"items", items}});
  }

  Response CreateUser(Ctx& c) {
    using V = json::value_t;
    if (Status s = CheckFields(c.body, "user", {{"name", V::string}, {"role", V::string}, {"password", V::string}}); !s.ok()) {
      return ErrorResponse(s.error());
    }
    for (const char* f : {"name", "role", "password"}) {
      if (!c.body.contains(f)) return Invalid(fmt::format("user: field '{}': is required", f));
    }
    UserAccount u;
    u.name = c.body["name"].get<std::string>();
    if (Status s = CheckUserName(u.name); !s.ok()) return ErrorResponse(s.error());
    auto role = CheckedRole(c.body["role"]);
    if (!role.ok()) return ErrorResponse(role.error());
    u.role = RoleName(*role);
    const std::string password = c.body["password"].get<std::string>();
    if (Status s = CheckNewPassword(password); !s.ok()) return ErrorResponse(s.error());
    auto hash = HashPassword(password, options.password_cost);
    if (!hash.ok()) return ErrorResponse(hash.error());
    u.password_hash = *hash;
    std::lock_guard lock(write_mu);
    if (c.store->GetUser(u.name).ok()) return ErrorResponse(Error::Conflict(fmt::format("user '{}' already exists", u.name)));
    if (Status s = c.store->PutUser(u); !s.ok()) return ErrorResponse(s.error());
    return Json(201, UserJson(u));
  }

  Response UpdateUser(Ctx& c) {
    using V = json::value_t;
    if (Status s = CheckFields(c.body, "user", {{"role", V::string}, {"password", V::string}, {"disabled", V::boolean}}); !s.ok()) {
      return ErrorResponse(s.error());
    }
    std::lock_guard lock(write_mu);
    auto current = c.store->GetUser(c.params[0]);
    if (!current.ok()) return ErrorResponse(current.error());
    UserAccount u = *current;
    if (c.body.contains("role")) {
      auto role = CheckedRole(c.body["role"]);
      if (!role.ok()) return ErrorResponse(role.error());
      u.role = RoleName(*role);
    }
    if (c.body.contains("disabled")) u.disabled = c.body["disabled"].get<bool>();
    if (c.body.contains("password")) {
      const std::string password = c.body["password"].get<std::string>();
      if (Status s = CheckNewPassword(password); !s.ok()) return ErrorResponse(s.error());
      auto hash = HashPassword(password, options.password_cost);
      if (!hash.ok()) return ErrorResponse(hash.error());
      u.password_hash = *hash;
    }
    if (Status s = KeepsAnAdministrator(*c.store, u); !s.ok()) return ErrorResponse(s.error());
    if (Status s = c.store->PutUser(u); !s.ok()) return ErrorResponse(s.error());
    // A changed role, password or state ends the account's sessions.
    if (!(u == *current)) sessions.RemoveUser(u.name);
    return Json(200, UserJson(u));
  }

  // ------------------------------------------------------------ the rest

  Response Search(Ctx& c) {
    const std::string q = QueryText(c, "q");
    if (q.empty()) return Invalid("search: field 'q': is required");
    if (q.size() > 200) return Invalid("search: field 'q': at most 200 bytes");
    auto limit = QueryInt(c, "limit", 1, 100);
    if (!limit.ok()) return ErrorResponse(limit.error());
    // Roles that may not see restricted persons do not find them by name either: a hit would
    // tie the pseudonym to the name searched for.
    auto hits = names.Search(q, static_cast<size_t>(limit->value_or(20)), c.sees_restricted());
    const std::string folded_q = NormaliseNameForIndex(q);
    std::vector<std::string> ids;
    for (const auto& h : hits) ids.push_back(h.person_id);
    auto persons = c.store->GetPersonSummaries(ids);
    if (!persons.ok()) return ErrorResponse(persons.error());
    std::unordered_map<std::string, const Person*> by_id;
    for (const auto& p : *persons) by_id.emplace(p.id, &p);
    std::vector<std::pair<double, ordered_json>> items;
    for (const auto& h : hits) {
      auto it = by_id.find(h.person_id);
      if (it == by_id.end()) continue;  // deleted since the lookup
      const Person& p = *it->second;
      if (h.name_index >= p.names.size()) continue;
      if (p.sensitivity == Sensitivity::kRestricted && !c.sees_restricted()) continue;
      const std::string& matched = p.names[h.name_index].value;
      const double score = (h.full ? 1.0 : 0.7) * (NormaliseNameForIndex(matched) == folded_q ? 1.0 : 0.9);
      items.emplace_back(score, ordered_json{{"person", SummaryOut(p, c, *c.store)}, {"matched", matched}, {"score", score}});
    }
    std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    ordered_json out = ordered_json::array();
    for (auto& [score, item] : items) out.push_back(std::move(item));
    return Json(200, {{"items", std::move(out)}});
  }

  Response Dashboard(Ctx& c) {
    std::map<std::pair<std::string, int>, int64_t> by_type_year;
    {
      std::lock_guard lock(incidents_mu);
      by_type_year = incidents_by_type_year;
    }
    ordered_json rows = ordered_json::array();
    for (const auto& [k, n] : by_type_year) rows.push_back({{"type", k.first}, {"year", k.second}, {"count", n}});
    ordered_json counts = ordered_json::object();
    for (auto [name, kind] : {std::pair{"persons", RecordKind::kPerson}, std::pair{"incidents", RecordKind::kIncident},
                              std::pair{"sources", RecordKind::kSource}}) {
      auto n = c.store->Count(kind);
      if (!n.ok()) return ErrorResponse(n.error());
      counts[name] = *n;
    }
    auto recent = c.store->RecentAudit(20);
    if (!recent.ok()) return ErrorResponse(recent.error());
    ordered_json changes = ordered_json::array();
    for (const auto& e : *recent) {
      changes.push_back({{"seq", e.seq}, {"at", e.at}, {"actor", e.actor}, {"action", e.action}, {"kind", e.kind},
                         {"record_id", e.record_id}});
    }
    return Json(200, {{"incidents_by_type_year", rows}, {"counts", counts}, {"recent_changes", changes}});
  }

  Response Verify(Ctx& c) {
    auto report = c.store->Verify();
    if (!report.ok()) return ErrorResponse(report.error());
    return Json(200, {{"ok", report->ok()}, {"entries", report->entries}, {"records", report->records},
                      {"problems", report->problems}});
  }

  void BuildReferenceData(const Catalog& catalog) {
    ordered_json v = ordered_json::object();
    for (const auto& name : catalog.VocabularyNames()) {
      ordered_json terms = ordered_json::array();
      for (const auto& t : catalog.Terms(name)) {
        ordered_json labels = ordered_json::object();
        for (const auto& [lang, label] : t.labels) labels[lang] = label;
        terms.push_back({{"code", t.code}, {"labels", labels}});
      }
      v[name] = terms;
    }
    vocabularies_json = v.dump();
    ordered_json places = ordered_json::array();
    for (const auto& p : catalog.Places()) {
      ordered_json labels = ordered_json::object();
      for (const auto& [lang, label] : p.labels) labels[lang] = label;
      places.push_back({{"code", p.code}, {"parent", p.parent}, {"level", p.level}, {"labels", labels},
                        {"lat", p.latitude}, {"lon", p.longitude}});
    }
    gazetteer_json = ordered_json{{"places", places}}.dump();
  }

  void BuildRoutes() {
    const std::string v1(kApiPrefix);
    Add("GET", v1 + "/health", Permission::kPublic, {}, [](Ctx&) { return Json(200, {{"status", "ok"}}); });
    Add("GET", v1 + "/openapi.json", Permission::kPublic, {}, [](Ctx&) { return Raw(OpenApiDocument()); });
    Add("POST", v1 + "/session", Permission::kPublic, {}, [this](Ctx& c) { return SignIn(c); });
    Add("GET", v1 + "/session", Permission::kRead, {}, [this](Ctx& c) { return SessionBody(*c.session); });
    Add("DELETE", v1 + "/session", Permission::kRead, {}, [this](Ctx& c) { return SignOut(c); });
    AddIngestRoutes(table, services);  // before the sources collection: /sources/search is not a source id
    AddCollection<Source>("sources");
    AddCollection<Person>("persons");
    AddCollection<Incident>("incidents");
    AddCollection<Act>("acts");
    AddCollection<Involvement>("involvements");
    AddCaseRoutes(table, services);
    AddReviewRoutes(table, services);
    AddEvidenceRoutes(table, services);
    AddEstimateRoutes(table, services);
    AddReportRoutes(table, services);
    AddAlertRoutes(table, services);
    Add("GET", v1 + "/search", Permission::kRead, {"q", "limit"}, [this](Ctx& c) { return Search(c); });
    Add("GET", v1 + "/vocabularies", Permission::kRead, {}, [this](Ctx&) { return Raw(vocabularies_json); });
    Add("GET", v1 + "/gazetteer", Permission::kRead, {}, [this](Ctx&) { return Raw(gazetteer_json); });
    Add("GET", v1 + "/dashboard", Permission::kRead, {}, [this](Ctx& c) { return Dashboard(c); });
    Add("GET", v1 + "/users", Permission::kAdmin, {}, [this](Ctx& c) { return ListUsers(c); });
    Add("POST", v1 + "/users", Permission::kAdmin, {}, [this](Ctx& c) { return CreateUser(c); });
    Add("PUT", v1 + "/users/{name}", Permission::kAdmin, {}, [this](Ctx& c) { return UpdateUser(c); });
    Add("GET", v1 + "/verify", Permission::kAdmin, {}, [this](Ctx& c) { return Verify(c); });
  }

  // ------------------------------------------------------------ dispatch

  bool Trusted(const std::string& address) const {
    return std::find(options.trusted_proxies.begin(), options.trusted_proxies.end(), address) !=
           options.trusted_proxies.end();
  }

  Response Api(const Request& req) {
    auto query = ParseQuery(req.query);
    if (!query.ok()) return ErrorResponse(query.error());
    std::vector<std::string> segs = SplitPath(req.path);
    const Route* route = nullptr;
    std::vector<std::string> params;
    bool path_known = false;
    for (const auto& r : table.routes()) {
      if (r.segments.size() != segs.size()) continue;
      std::vector<std::string> ps;
      bool match = true;
      for (size_t i = 0; i < segs.size() && match; ++i) {
        if (r.segments[i].starts_with('{')) {
          auto decoded = PercentDecode(segs[i], false);
          match = decoded && !decoded->empty();
          if (match) ps.push_back(*decoded);
        } else {
          match = r.segments[i] == segs[i];
        }
      }
      if (!match) continue;
      path_known = true;
      if (r.method == req.method || (req.method == "HEAD" && r.method == "GET")) {
        route = &r;
        params = std::move(ps);
        break;
      }
    }
    if (!route) {
      Response r = ErrorResponse(404, "not_found", path_known ? "this method is not allowed here" : "no such route");
      r.route = path_known ? "(method not allowed)" : "(no route)";
      return r;
    }
    Ctx c{req, std::move(params), std::move(*query), std::nullopt, json(), nullptr, false, req.remote_address};
    const bool from_proxy = Trusted(req.remote_address);
    c.secure = options.behind_tls || (from_proxy && req.forwarded_proto == "https");
    if (from_proxy && !req.forwarded_for.empty()) {
      std::string last = req.forwarded_for.substr(req.forwarded_for.rfind(',') + 1);
      last.erase(0, last.find_first_not_of(' '));
      if (!last.empty()) c.client_address = last;
    }
    Response r = Dispatch(*route, c);
    r.route = route->path;
    if (c.session && r.user.empty()) r.user = c.session->user;
    return r;
  }

  Response Dispatch(const Route& route, Ctx& c) {
    for (const auto& [k, v] : c.query) {
      if (std::find(route.query_params.begin(), route.query_params.end(), k) == route.query_params.end()) {
        return Invalid(fmt::format("query: field '{}': unknown parameter", k));
      }
    }
    if (route.permission != Permission::kPublic) {
      c.session = sessions.Find(CookieValue(c.req.cookie, "dossier_session"));
      if (!c.session) return ErrorResponse(401, "unauthenticated", "sign in first (no session, or it expired)", "");
      const bool changes_state = c.req.method != "GET" && c.req.method != "HEAD";
      if (changes_state && (c.req.csrf_token.size() != c.session->csrf_token.size() ||
                            c.req.csrf_token.empty() ||
                            !std::equal(c.req.csrf_token.begin(), c.req.csrf_token.end(), c.session->csrf_token.begin()))) {
        return ErrorResponse(403, "permission_denied", "missing or wrong X-CSRF-Token header", "X-CSRF-Token");
      }
      if (!Allows(c.session->role, route.permission)) {
        return ErrorResponse(403, "permission_denied",
                             fmt::format("the role {} may not do this", RoleName(c.session->role)), "");
      }
    }
    if (route.streamed_upload) {
      if (!c.req.body_pending && !c.req.upload) {
        return ErrorResponse(415, "unsupported_media_type",
                             "the body must be the file itself (Content-Type: application/octet-stream)", "");
      }
    } else if (c.req.method == "POST" || c.req.method == "PUT" || c.req.method == "PATCH") {
      std::string_view ct = c.req.content_type;
      if (!(ct == "application/json" || ct.starts_with("application/json;"))) {
        return ErrorResponse(415, "unsupported_media_type", "the body must be JSON (Content-Type: application/json)", "");
      }
      c.body = json::parse(c.req.body, nullptr, false);
      if (c.body.is_discarded()) return ErrorResponse(400, "invalid_argument", "the body is not well-formed JSON", "");
    }
    auto lease = pool.Acquire();
    c.store = &*lease;
    c.store->SetActor(c.session ? c.session->user : "anonymous");
    return route.handler(c);
  }

  // ------------------------------------------------------------ static files

  static const char* ContentType(const std::string& ext) {
    static const std::map<std::string, const char*> kTypes = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".json", "application/json"}, {".webmanifest", "application/manifest+json"},
        {".svg", "image/svg+xml"}, {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"},
        {".ico", "image/x-icon"}, {".woff2", "font/woff2"}, {".woff", "font/woff"}, {".txt", "text/plain; charset=utf-8"},
        {".map", "application/json"}};
    auto it = kTypes.find(ext);
    return it == kTypes.end() ? "application/octet-stream" : it->second;
  }

  Response Static(const Request& req) {
    Response r;
    r.route = "(static)";
    if (req.method != "GET" && req.method != "HEAD") return ErrorResponse(404, "not_found", "no such route");
    namespace fs = std::filesystem;
    auto decoded = PercentDecode(req.path, false);
    if (!decoded || decoded->find('\0') != std::string::npos || options.web_root.empty()) {
      return ErrorResponse(404, "not_found", "no such file");
    }
    std::string rel = decoded->substr(1);
    bool traversal = false;
    for (const auto& part : fs::path(rel)) traversal = traversal || part == "..";
    fs::path root(options.web_root);
    fs::path file = root / rel;
    std::error_code ec;
    if (traversal || rel.empty() || !fs::is_regular_file(file, ec)) file = root / "index.html";  // SPA fallback
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      Response nf;
      nf.status = 404;
      nf.content_type = "text/plain; charset=utf-8";
      nf.body = "The web application is not built (no index.html under the web root).\n";
      nf.route = "(static)";
      return nf;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    r.body = ss.str();
    r.content_type = ContentType(file.extension().string());
    r.headers.emplace_back("Cache-Control", "no-cache");
    return r;
  }

  // ------------------------------------------------------------ start

  Status Load() {
    crypto::EnsureSodium();
    DOSSIER_ASSIGN_OR_RETURN(dummy_hash, HashPassword("not a password of anyone", options.password_cost));
    BuildReferenceData(pool.at(0).catalog());
    BuildRoutes();
    // Every person's names, decrypted once: one connection scans the table in id order (keyset
    // pages, so the millionth row costs what the first did) while the other threads normalise
    // the names of the pages already read.
    constexpr size_t page = 4096;
    std::mutex queue_mu;
    std::condition_variable queue_cv;
    std::deque<std::vector<Person>> queue;
    bool done = false;
    Status scan_status = Ok();
    auto drain = [&] {
      while (true) {
        std::vector<Person> batch;
        {
          std::unique_lock lock(queue_mu);
          queue_cv.wait(lock, [&] { return !queue.empty() || done; });
          if (queue.empty()) return;
          batch = std::move(queue.front());
          queue.pop_front();
        }
        queue_cv.notify_all();
        names.AddAll(batch);
      }
    };
    std::vector<std::thread> threads;
    const size_t indexers = std::max<size_t>(1, std::thread::hardware_concurrency());
    for (size_t i = 0; i < indexers; ++i) threads.emplace_back(drain);
    {
      std::string after;
      while (true) {
        auto batch = pool.at(0).ScanPersonSummaries(after, page);
        if (!batch.ok()) {
          scan_status = batch.error();
          break;
        }
        if (batch->empty()) break;
        after = batch->back().id;
        const bool last = batch->size() < page;
        std::unique_lock lock(queue_mu);
        // At most a few pages wait in memory.
        queue_cv.wait(lock, [&] { return queue.size() < 2 * indexers; });
        queue.push_back(std::move(*batch));
        lock.unlock();
        queue_cv.notify_all();
        if (last) break;
      }
      std::lock_guard lock(queue_mu);
      done = true;
    }
    queue_cv.notify_all();
    for (auto& t : threads) t.join();
    DOSSIER_RETURN_IF_ERROR(scan_status);
    DOSSIER_ASSIGN_OR_RETURN(auto tallies, pool.at(0).CountIncidentsByTypeAndYear());
    for (const auto& t : tallies) incidents_by_type_year[{t.type, t.year}] = t.count;
    return Ok();
  }
};

std::string DefaultWebRoot() { return DOSSIER_WEB_DIR; }

void AddSecurityHeaders(Response& r, bool api) {
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                         "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  if (api) r.headers.emplace_back("Cache-Control", "no-store");
}

App::App(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
App::~App() = default;

Result<std::unique_ptr<App>> App::Create(AppOptions options, std::vector<std::unique_ptr<Store>> stores,
                                         std::shared_ptr<const linkage::NameTables> tables) {
  if (stores.empty()) return Error::Invalid("the server needs at least one store connection");
  if (!tables) return Error::Invalid("the server needs the name tables for search");
  auto impl = std::make_unique<Impl>(std::move(options), std::move(stores), std::move(tables));
  DOSSIER_RETURN_IF_ERROR(impl->Load());
  return std::unique_ptr<App>(new App(std::move(impl)));
}

Response App::Handle(const Request& request) {
  const bool api = request.path == kApiPrefix || request.path.starts_with(std::string(kApiPrefix) + "/") ||
                   request.path.starts_with("/api/") || request.path == "/api";
  Response r;
  try {
    r = api ? impl_->Api(request) : impl_->Static(request);
  } catch (const std::exception& e) {
    // A bug; the exception text may quote data, so only its type of failure is logged.
    spdlog::error("internal error while handling a request");
    r = ErrorResponse(Error::Internal("exception"));
    r.route = "(error)";
  }
  if (request.method == "HEAD") r.body.clear();
  AddSecurityHeaders(r, api);
  return r;
}

std::vector<App::RouteInfo> App::Routes() const {
  std::vector<RouteInfo> out;
  for (const auto& r : impl_->table.routes()) out.push_back({r.method, r.path});
  return out;
}

const NameIndex& App::name_index() const { return impl_->names; }

}  // namespace dossier::http
