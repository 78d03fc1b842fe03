#include "reports/statistics.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "analysis/analysis.h"
#include "estimate/estimate.h"
#include "store/paging.h"

namespace dossier::reports {

namespace {

bool Under(const Catalog& catalog, std::string_view place, std::string_view ancestor) {
  if (ancestor.empty()) return true;
  for (const Place* p : catalog.PlacePath(place)) {
    if (p->code == ancestor) return true;
  }
  return place == ancestor;
}

// Per cell: the unique persons (cluster ids and group records) and the incidents and acts.
struct Accumulator {
  std::set<std::string> clusters;
  std::map<std::string, Count> groups;  // group record id -> reported size
  std::set<std::string> incidents;
  int64_t acts = 0;
  Count Persons() const {
    Count c{static_cast<int64_t>(clusters.size())};
    for (const auto& [id, size] : groups) c += size;
    return c;
  }
};

Table MakeTable(const std::string& dimension, std::map<std::string, Accumulator>& cells, const Accumulator& total,
                bool by_key) {
  Table t;
  t.dimension = dimension;
  for (auto& [key, a] : cells) {
    t.cells.push_back({key, a.Persons(), static_cast<int64_t>(a.incidents.size()), a.acts});
  }
  if (!by_key) {
    std::stable_sort(t.cells.begin(), t.cells.end(), [](const Cell& x, const Cell& y) {
      const int64_t a = std::max(x.persons.value, x.acts), b = std::max(y.persons.value, y.acts);
      return a > b;
    });
  }
  t.total = {"total", total.Persons(), static_cast<int64_t>(total.incidents.size()), total.acts};
  return t;
}

}  // namespace

const Table* Statistics::Find(const std::string& dimension) const {
  for (const auto& t : tables) {
    if (t.dimension == dimension) return &t;
  }
  return nullptr;
}

bool MatchesIncident(const Selection& s, const Catalog& catalog, const Incident& i) {
  if (!s.incident_type.empty() && i.type != s.incident_type) return false;
  if (s.year_from && i.start.year < *s.year_from) return false;
  if (s.year_to && i.start.year > *s.year_to) return false;
  if (!s.place.empty() && !Under(catalog, i.place, s.place)) return false;
  if (!s.incident_ids.empty() && std::find(s.incident_ids.begin(), s.incident_ids.end(), i.id) == s.incident_ids.end()) {
    return false;
  }
  return true;
}

Result<Snapshot> LoadSnapshot(const Store& store) {
  Snapshot s;
  DOSSIER_RETURN_IF_ERROR((ForEachRecord<Person>([&](const ListQuery& q) { return store.ListPersons(q); },
                                           [&](Person& p) { s.persons.emplace(p.id, std::move(p)); })));
  DOSSIER_RETURN_IF_ERROR((ForEachRecord<Incident>([&](const ListQuery& q) { return store.ListIncidents(q); },
                                             [&](Incident& i) { s.incidents.emplace(i.id, std::move(i)); })));
  DOSSIER_RETURN_IF_ERROR((ForEachRecord<Act>([&](const ListQuery& q) { return store.ListActs(q); },
                                        [&](Act& a) { s.acts.push_back(std::move(a)); })));
  DOSSIER_RETURN_IF_ERROR((ForEachRecord<Involvement>([&](const ListQuery& q) { return store.ListInvolvements(q); },
                                                [&](Involvement& v) {
                                                  if (!v.perpetrator_org.empty()) s.perpetrators_of_act[v.act_id].push_back(v.perpetrator_org);
                                                })));
  DOSSIER_RETURN_IF_ERROR((ForEachRecord<Source>([&](const ListQuery& q) { return store.ListSources(q); },
                                           [&](Source& src) { s.sources.emplace(src.id, std::move(src)); })));
  DOSSIER_ASSIGN_OR_RETURN(auto clusters, store.AllClusters());
  for (auto& [record, cluster] : clusters) s.cluster_of[record] = cluster;
  return s;
}

Result<Statistics> ComputeStatistics(const Store& store, const Selection& selection, const StatisticsOptions& options) {
  DOSSIER_ASSIGN_OR_RETURN(Snapshot snapshot, LoadSnapshot(store));
  return ComputeStatistics(snapshot, store, selection, options);
}

QuasiIdentifiers QuasiIdentifiersOf(const Person& p, const Catalog& catalog, int year) {
  QuasiIdentifiers q;
  q.sex = p.sex;
  q.birth_year = p.birth_date ? p.birth_date->year : 0;
  q.origin_province = CoarsenPlace(catalog, p.origin);
  q.year = year;
  return q;
}

std::vector<QuasiIdentifiers> Population(const Snapshot& snapshot, const Catalog& catalog) {
  // One entry per unique individual and incident year; the first record of a cluster speaks for it.
  std::map<std::string, const Person*> representative;
  for (const auto& [id, p] : snapshot.persons) {
    if (p.unit != "individual") continue;
    auto c = snapshot.cluster_of.find(id);
    representative.emplace(c == snapshot.cluster_of.end() ? id : c->second, &p);
  }
  std::set<std::pair<std::string, int>> seen;
  std::vector<QuasiIdentifiers> out;
  for (const auto& a : snapshot.acts) {
    auto p = snapshot.persons.find(a.victim_id);
    auto i = snapshot.incidents.find(a.incident_id);
    if (p == snapshot.persons.end() || i == snapshot.incidents.end() || p->second.unit != "individual") continue;
    auto c = snapshot.cluster_of.find(p->first);
    const std::string cluster = c == snapshot.cluster_of.end() ? p->first : c->second;
    if (!seen.insert({cluster, i->second.start.year}).second) continue;
    out.push_back(QuasiIdentifiersOf(*representative[cluster], catalog, i->second.start.year));
  }
  return out;
}

Result<Statistics> ComputeStatistics(const Snapshot& snapshot, const Store& store, const Selection& selection,
                                     const StatisticsOptions& options) {
  const Catalog& catalog = store.catalog();
  Statistics stats;
  stats.selection = selection;

  // The latest incident each unique person suffered, across all their records: their outcome as
  // far as the documentation goes.
  std::map<std::string, std::pair<PartialDate, std::string>> last_event;
  auto cluster_of = [&](const std::string& person_id) {
    auto c = snapshot.cluster_of.find(person_id);
    return c == snapshot.cluster_of.end() ? person_id : c->second;
  };
  for (const auto& a : snapshot.acts) {
    auto i = snapshot.incidents.find(a.incident_id);
    if (i == snapshot.incidents.end()) continue;
    const std::string key = cluster_of(a.victim_id);
    auto [it, fresh] = last_event.emplace(key, std::make_pair(i->second.start, i->second.type));
    if (!fresh && it->second.first < i->second.start) it->second = {i->second.start, i->second.type};
  }

  std::map<std::string, std::map<std::string, Accumulator>> cells;
  Accumulator total;
  std::set<std::string> records, group_records;
  auto add = [&](const std::string& dim, const std::string& key, const Person& p, const std::string& incident_id,
                 bool act) {
    Accumulator& a = cells[dim][key.empty() ? "unknown" : key];
    if (p.unit == "individual") {
      a.clusters.insert(cluster_of(p.id));
    } else {
      a.groups[p.id] = p.group_size ? CountOf(*p.group_size) : Count{1, true, false};
    }
    a.incidents.insert(incident_id);
    a.acts += act ? 1 : 0;
  };

  std::set<std::string> selected_incidents;
  for (const auto& [id, i] : snapshot.incidents) {
    if (MatchesIncident(selection, catalog, i)) selected_incidents.insert(id);
  }
  for (const auto& a : snapshot.acts) {
    if (!selected_incidents.count(a.incident_id)) continue;
    auto pi = snapshot.persons.find(a.victim_id);
    if (pi == snapshot.persons.end()) continue;
    const Person& p = pi->second;
    const Incident& i = snapshot.incidents.at(a.incident_id);
    add("incident_type", i.type, p, i.id, true);
    add("year", std::to_string(i.start.year), p, i.id, true);
    add("province", CoarsenPlace(catalog, i.place), p, i.id, true);
    add("year_province_type", fmt::format("{}|{}|{}", i.start.year, CoarsenPlace(catalog, i.place), i.type), p, i.id, true);
    std::set<std::string> orgs(i.perpetrator_orgs.begin(), i.perpetrator_orgs.end());
    if (auto v = snapshot.perpetrators_of_act.find(a.id); v != snapshot.perpetrators_of_act.end()) {
      orgs.insert(v->second.begin(), v->second.end());
    }
    for (const auto& o : orgs) add("perpetrator", o, p, i.id, true);
    for (const auto& v : a.violations) add("violation", v, p, i.id, true);
    if (p.unit == "individual") {
      add("sex", p.sex, p, i.id, true);
      add("outcome", last_event[cluster_of(p.id)].second, p, i.id, true);
      records.insert(p.id);
    } else {
      add("outcome", last_event[p.id].second, p, i.id, true);
      group_records.insert(p.id);
    }
    if (p.unit == "individual") {
      total.clusters.insert(cluster_of(p.id));
    } else {
      total.groups[p.id] = p.group_size ? CountOf(*p.group_size) : Count{1, true, false};
    }
    total.incidents.insert(i.id);
    ++total.acts;
  }
  // Incidents with counted victims but no act per victim still count as incidents.
  for (const auto& id : selected_incidents) {
    const Incident& i = snapshot.incidents.at(id);
    if (total.incidents.count(id)) continue;
    total.incidents.insert(id);
    for (const char* dim : {"incident_type", "year", "province"}) {
      const std::string key = std::string(dim) == "incident_type" ? i.type
                              : std::string(dim) == "year"        ? std::to_string(i.start.year)
                                                                  : CoarsenPlace(catalog, i.place);
      cells[dim][key].incidents.insert(id);
    }
  }
  for (const char* dim : {"incident_type", "year", "province", "perpetrator", "violation", "sex", "outcome", "year_province_type"}) {
    stats.tables.push_back(MakeTable(dim, cells[dim], total, std::string(dim) == "year" || std::string(dim) == "year_province_type"));
  }
  stats.persons = total.Persons();
  stats.individuals = static_cast<int64_t>(total.clusters.size());
  stats.person_records = static_cast<int64_t>(records.size());
  stats.group_records = static_cast<int64_t>(group_records.size());
  stats.incidents = static_cast<int64_t>(total.incidents.size());
  stats.acts = total.acts;

  if (options.estimates) {
    analysis::HistoryOptions ho;
    ho.strata = {"year"};
    ho.incident_type = selection.incident_type;
    DOSSIER_ASSIGN_OR_RETURN(auto histories, analysis::CaptureHistories(store, ho));
    std::vector<estimate::CaptureHistory> kept;
    for (auto& h : histories) {
      const int year = std::atoi(h.strata["year"].c_str());
      if (selection.year_from && year < *selection.year_from) continue;
      if (selection.year_to && year > *selection.year_to) continue;
      kept.push_back(std::move(h));
    }
    if (!kept.empty()) {
      DOSSIER_ASSIGN_OR_RETURN(auto strata, estimate::TabulateHistories(kept, {}, {"year"}));
      estimate::EstimateOptions eo;
      eo.loglinear.max_order = 2;
      for (const auto& s : strata) {
        YearEstimate y;
        y.year = std::atoi(s.key.empty() ? "0" : s.key[0].second.c_str());
        y.documented = s.table.Observed();
        if (s.table.lists.size() > 6) {
          y.refused = "more than six lists";
        } else if (auto e = estimate::EstimateTable(s.table, eo); e.ok()) {
          y.estimated = true;
          y.estimate = e->estimate;
          y.lower = e->lower;
          y.upper = e->upper;
          y.cautions = e->cautions;
        } else {
          y.refused = e.error().message;
        }
        stats.estimates.push_back(std::move(y));
      }
      std::sort(stats.estimates.begin(), stats.estimates.end(),
                [](const YearEstimate& a, const YearEstimate& b) { return a.year < b.year; });
    }
  }
  return stats;
}

}  // namespace dossier::reports
