// Statistics on linked persons: how many people, incidents and acts (violations), by incident type,
// year, province, perpetrator, violation, sex and outcome, for a selection of incidents.
//
// Persons are counted once per cluster of linked records (Store::AllClusters), not once per
// record; a family or group record counts its reported size (a lower bound when the source said
// "more than 30"). Places are always counted at province level (gazetteer parent chain). Optional
// multiple systems estimates (log-linear, src/estimate) stand beside the documented counts by year.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/result.h"
#include "reports/redaction.h"
#include "store/store.h"

namespace dossier::reports {

// Which incidents are counted; empty fields do not filter.
struct Selection {
  std::string incident_type;
  std::string place;  // the place or anywhere under it
  std::optional<int> year_from, year_to;
  std::vector<std::string> incident_ids;  // when set, only these
  std::vector<std::string> case_ids;      // submissions: the cases described
};
// An incident is selected when it has the type, lies at or under the place, starts in the years,
// and is one of incident_ids when those are given (case_ids do not filter statistics).
bool MatchesIncident(const Selection& s, const Catalog& catalog, const Incident& i);

struct Cell {
  std::string key;  // vocabulary term, year, province code
  Count persons;
  int64_t incidents = 0;
  int64_t acts = 0;
};

struct Table {
  // incident_type, year, province, perpetrator, violation, sex, outcome; and the cross table
  // year_province_type with keys "2012|cn-ln|forced_return" (for HXL exports)
  std::string dimension;
  std::vector<Cell> cells;  // in key order (years ascending); most frequent first for terms
  Cell total;               // key "total"; a person in several cells counts once here
};

struct YearEstimate {
  int year = 0;
  int64_t documented = 0;   // unique individuals on at least one list
  bool estimated = false;
  double estimate = 0, lower = 0, upper = 0;
  std::string refused;      // why there is no estimate (in English), when !estimated
  std::vector<std::string> cautions;
};

struct Statistics {
  Selection selection;
  Count persons;               // unique individuals plus reported sizes of families and groups
  int64_t individuals = 0;     // unique individuals (clusters)
  int64_t person_records = 0;  // individual records before linkage
  int64_t group_records = 0;
  int64_t incidents = 0;
  int64_t acts = 0;
  std::vector<Table> tables;
  std::vector<YearEstimate> estimates;  // empty unless asked for
  const Table* Find(const std::string& dimension) const;
};

struct StatisticsOptions {
  bool estimates = false;  // log-linear MSE by year on the capture histories of src/analysis
};

Result<Statistics> ComputeStatistics(const Store& store, const Selection& selection, const StatisticsOptions& options);

// Everything the store holds that reports read, loaded once (one pass over each record kind).
struct Snapshot {
  std::map<std::string, Person> persons;
  std::map<std::string, Incident> incidents;
  std::vector<Act> acts;
  std::map<std::string, std::vector<std::string>> perpetrators_of_act;  // from involvements
  std::map<std::string, std::string> cluster_of;
  std::map<std::string, Source> sources;
};
Result<Snapshot> LoadSnapshot(const Store& store);
Result<Statistics> ComputeStatistics(const Snapshot& snapshot, const Store& store, const Selection& selection,
                                     const StatisticsOptions& options);

// Quasi-identifiers of every unique individual in the database (for Generalise): sex, birth year,
// province of origin, and the year of each incident they suffered (one entry per person and year).
std::vector<QuasiIdentifiers> Population(const Snapshot& snapshot, const Catalog& catalog);
QuasiIdentifiers QuasiIdentifiersOf(const Person& p, const Catalog& catalog, int year);

}  // namespace dossier::reports
