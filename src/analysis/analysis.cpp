#include "analysis/analysis.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "store/paging.h"

namespace dossier::analysis {

namespace {

struct IncidentFacts {
  std::string type, place;
  PartialDate start;
};

// For each victim: the incidents they suffered, oldest first.
Result<std::unordered_map<std::string, std::vector<IncidentFacts>>> IncidentsByVictim(const Store& store) {
  std::unordered_map<std::string, IncidentFacts> incidents;
  DOSSIER_RETURN_IF_ERROR((ForEachRecord<Incident>([&](const ListQuery& q) { return store.ListIncidents(q); },
                                             [&](Incident& i) { incidents[i.id] = {i.type, i.place, i.start}; })));
  std::unordered_map<std::string, std::vector<IncidentFacts>> by_victim;
  DOSSIER_RETURN_IF_ERROR((ForEachRecord<Act>([&](const ListQuery& q) { return store.ListActs(q); }, [&](Act& a) {
    auto it = incidents.find(a.incident_id);
    if (it != incidents.end()) by_victim[a.victim_id].push_back(it->second);
  })));
  for (auto& [victim, list] : by_victim) {
    std::sort(list.begin(), list.end(), [](const IncidentFacts& x, const IncidentFacts& y) { return x.start < y.start; });
  }
  return by_victim;
}

nlohmann::ordered_json ExplanationJson(const linkage::Explanation& e) {
  nlohmann::ordered_json fields = nlohmann::ordered_json::array();
  for (const auto& f : e.fields) {
    fields.push_back({{"comparison", f.comparison}, {"level", f.level}, {"value_a", f.value_a}, {"value_b", f.value_b},
                      {"m", f.m}, {"u", f.u}, {"weight", f.weight}, {"tf_adjustment", f.tf_adjustment}});
  }
  return {{"prior_weight", e.prior_weight}, {"total", e.total}, {"probability", e.probability}, {"fields", fields}};
}

}  // namespace

Result<std::vector<linkage::LinkRecord>> LinkRecordsFromStore(const Store& store) {
  DOSSIER_ASSIGN_OR_RETURN(auto incidents, IncidentsByVictim(store));
  std::vector<linkage::LinkRecord> records;
  DOSSIER_RETURN_IF_ERROR((ForEachRecord<Person>([&](const ListQuery& q) { return store.ListPersons(q); }, [&](Person& p) {
    if (p.unit != "individual" || p.names.empty()) return;
    linkage::LinkRecord r;
    r.source = "db";
    r.id = p.id;
    for (const auto& n : p.names) r.names.push_back({n.value, n.script, n.kind, "", ""});
    r.birth_date = p.birth_date;
    r.sex = p.sex == "unknown" ? "" : p.sex;
    r.origin = p.origin;
    if (auto it = incidents.find(p.id); it != incidents.end()) {
      for (const auto& i : it->second) {
        r.incident_places.push_back(i.place);
        r.incident_dates.push_back(i.start);
      }
    }
    records.push_back(std::move(r));
  })));
  return records;
}

Result<FoundCandidates> FindLinkCandidates(const Store& store, const linkage::NameTables& tables,
                                           const DatabaseLinkOptions& options) {
  if (options.review_probability <= 0 || options.review_probability >= 1) {
    return Error::Invalid("the review threshold must be a probability between 0 and 1");
  }
  DOSSIER_ASSIGN_OR_RETURN(auto records, LinkRecordsFromStore(store));
  FoundCandidates found;
  DatabaseLinkSummary& summary = found.summary;
  summary.records = static_cast<int64_t>(records.size());
  if (records.size() < 2) return found;
  linkage::LinkOptions lo;
  lo.review_probability = options.review_probability;
  lo.threads = options.threads;
  DOSSIER_ASSIGN_OR_RETURN(linkage::LinkResult result, linkage::Link(tables, records, lo));
  summary.stats = result.stats;
  summary.candidate_pairs = static_cast<int64_t>(result.stats.candidate_pairs);
  DOSSIER_ASSIGN_OR_RETURN(auto clusters, store.AllClusters());
  std::unordered_map<std::string, std::string> cluster_of(clusters.begin(), clusters.end());
  for (const auto& pair : result.pairs) {
    // The queue stores a pair with the smaller id first; explain it in that order, so that value_a
    // of the explanation is person_a's.
    uint32_t ia = pair.a, ib = pair.b;
    if (records[ib].id < records[ia].id) std::swap(ia, ib);
    const auto& a = records[ia].id;
    const auto& b = records[ib].id;
    if (cluster_of[a] == cluster_of[b]) {
      ++summary.already_together;
      continue;
    }
    linkage::Explanation e = linkage::Explain(result.model, result.prepared[ia], result.prepared[ib]);
    if (e.probability < options.review_probability) continue;
    LinkCandidate c;
    c.person_a = a;
    c.person_b = b;
    c.probability = e.probability;
    c.explanation = ExplanationJson(e).dump();
    found.candidates.push_back(std::move(c));
  }
  return found;
}

Result<DatabaseLinkSummary> QueueFound(Store& store, FoundCandidates found) {
  DOSSIER_ASSIGN_OR_RETURN(found.summary.queued, store.QueueLinkCandidates(found.candidates));
  return found.summary;
}

Result<DatabaseLinkSummary> QueueLinkCandidates(Store& store, const linkage::NameTables& tables,
                                                const DatabaseLinkOptions& options) {
  DOSSIER_ASSIGN_OR_RETURN(FoundCandidates found, FindLinkCandidates(store, tables, options));
  return QueueFound(store, std::move(found));
}

Result<std::vector<estimate::CaptureHistory>> CaptureHistories(const Store& store, const HistoryOptions& options) {
  static const std::set<std::string> kStrata = {"year", "province", "incident_type", "sex", "origin_province"};
  for (const auto& s : options.strata) {
    if (!kStrata.count(s)) {
      return Error::Invalid(fmt::format("unknown stratum '{}': use year, province, incident_type, sex or origin_province", s));
    }
  }
  std::unordered_map<std::string, std::string> list_of_source;
  DOSSIER_RETURN_IF_ERROR((ForEachRecord<Source>([&](const ListQuery& q) { return store.ListSources(q); }, [&](Source& s) {
    list_of_source[s.id] = options.list_by == ListBy::kSource || s.publisher.empty() ? s.id : s.publisher;
  })));
  DOSSIER_ASSIGN_OR_RETURN(auto incidents, IncidentsByVictim(store));
  DOSSIER_ASSIGN_OR_RETURN(auto clusters, store.AllClusters());
  std::unordered_map<std::string, std::string> cluster_of(clusters.begin(), clusters.end());
  const Catalog& catalog = store.catalog();

  struct Unique {
    std::set<std::string> lists;
    std::map<std::string, std::string> strata;
    bool selected = false;
    PartialDate first_start = PartialDate::Year(9999);
  };
  std::map<std::string, Unique> people;
  DOSSIER_RETURN_IF_ERROR((ForEachRecord<Person>([&](const ListQuery& q) { return store.ListPersons(q); }, [&](Person& p) {
    if (p.unit != "individual") return;
    Unique& u = people[cluster_of.count(p.id) ? cluster_of[p.id] : p.id];
    for (const auto& sid : p.source_ids) u.lists.insert(list_of_source.count(sid) ? list_of_source[sid] : sid);
    auto it = incidents.find(p.id);
    const std::vector<IncidentFacts> none;
    const auto& mine = it == incidents.end() ? none : it->second;
    if (options.incident_type.empty()) u.selected = true;
    for (const auto& i : mine) {
      if (!options.incident_type.empty() && i.type == options.incident_type) u.selected = true;
    }
    // Strata come from the earliest relevant incident across the cluster's records.
    for (const auto& i : mine) {
      if (!options.incident_type.empty() && i.type != options.incident_type) continue;
      if (i.start < u.first_start) {
        u.first_start = i.start;
        u.strata["year"] = std::to_string(i.start.year);
        u.strata["province"] = catalog.ProvinceOf(i.place);
        u.strata["incident_type"] = i.type;
      }
    }
    if (!u.strata.count("sex") || u.strata["sex"] == "unknown") u.strata["sex"] = p.sex;
    if (!p.origin.empty()) u.strata["origin_province"] = catalog.ProvinceOf(p.origin);
  })));
  std::vector<estimate::CaptureHistory> out;
  for (auto& [cluster, u] : people) {
    if (!u.selected || u.lists.empty()) continue;
    estimate::CaptureHistory h;
    h.lists.assign(u.lists.begin(), u.lists.end());
    for (const auto& s : options.strata) h.strata[s] = u.strata.count(s) && !u.strata[s].empty() ? u.strata[s] : "unknown";
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace dossier::analysis
