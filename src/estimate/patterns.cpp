// Pattern tables: reading pattern-count CSV files and tabulating linked capture histories.
#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "domain/csv.h"
#include "estimate/estimate.h"

namespace dossier::estimate {

namespace {

constexpr size_t kMaxLists = 16;

std::string StratumLabel(const std::vector<std::pair<std::string, std::string>>& key) {
  if (key.empty()) return "all";
  std::string out;
  for (const auto& [k, v] : key) {
    if (!out.empty()) out += ",";
    out += k + "=" + v;
  }
  return out;
}

// Builds a sorted table from dense counts.
PatternTable FromDense(std::vector<std::string> lists, const std::vector<int64_t>& dense,
                       const std::vector<bool>& present) {
  PatternTable t;
  t.lists = std::move(lists);
  for (uint32_t p = 1; p < dense.size(); ++p) {
    if (!present[p]) continue;
    t.patterns.push_back(p);
    t.counts.push_back(dense[p]);
  }
  return t;
}

// A stratum's table without the lists nobody in the stratum is on: such a list says nothing about
// the stratum, and left in, it makes every log-linear model with its terms sit on a boundary (and
// a year with ten publishers' columns, most of them empty, exceed what the models take).
PatternTable WithoutEmptyLists(const PatternTable& t) {
  uint32_t used = 0;
  for (size_t i = 0; i < t.patterns.size(); ++i) {
    if (t.counts[i] > 0) used |= t.patterns[i];
  }
  const uint32_t all = (uint32_t{1} << t.lists.size()) - 1;
  if (used == all) return t;
  PatternTable out;
  std::vector<int> new_bit(t.lists.size(), -1);
  for (size_t j = 0; j < t.lists.size(); ++j) {
    if (used & (uint32_t{1} << j)) {
      new_bit[j] = static_cast<int>(out.lists.size());
      out.lists.push_back(t.lists[j]);
    }
  }
  for (size_t i = 0; i < t.patterns.size(); ++i) {
    if (t.patterns[i] & ~used) continue;  // on an empty list, so a cell of zero
    uint32_t p = 0;
    for (size_t j = 0; j < t.lists.size(); ++j) {
      if (t.patterns[i] & (uint32_t{1} << j)) p |= uint32_t{1} << new_bit[j];
    }
    out.patterns.push_back(p);
    out.counts.push_back(t.counts[i]);
  }
  return out;
}

}  // namespace

int64_t PatternTable::Observed() const {
  int64_t n = 0;
  for (int64_t c : counts) n += c;
  return n;
}

std::vector<int64_t> PatternTable::Dense() const {
  std::vector<int64_t> dense(size_t{1} << lists.size(), 0);
  for (size_t i = 0; i < patterns.size(); ++i) dense[patterns[i]] += counts[i];
  dense[0] = 0;
  return dense;
}

Result<std::vector<StratumTable>> ParsePatternCsv(std::string_view text, const std::string& name,
                                                  const std::vector<std::string>& strata_columns) {
  DOSSIER_ASSIGN_OR_RETURN(CsvTable csv, ParseCsv(text, name, CsvOptions{.trim = true}));
  if (csv.header.empty() || (csv.header.size() == 1 && csv.header[0].empty())) {
    return Error::Invalid(fmt::format("{}: line 1: empty file; expected a header with one 0/1 "
                                      "column per list and a `count` column",
                                      name));
  }
  int count_col = csv.Column("count");
  if (count_col < 0) {
    return Error::Invalid(fmt::format("{}: line 1: no `count` column in the header", name));
  }
  std::vector<int> strata_cols;
  for (const std::string& s : strata_columns) {
    int c = csv.Column(s);
    if (c < 0) return Error::Invalid(fmt::format("{}: line 1: no stratum column `{}` in the header", name, s));
    strata_cols.push_back(c);
  }
  std::vector<int> list_cols;
  std::vector<std::string> lists;
  std::set<std::string> seen;
  for (size_t c = 0; c < csv.header.size(); ++c) {
    const std::string& h = csv.header[c];
    if (!seen.insert(h).second) {
      return Error::Invalid(fmt::format("{}: line 1, column {}: duplicate column name `{}`", name, c + 1, h));
    }
    if (static_cast<int>(c) == count_col) continue;
    if (std::find(strata_cols.begin(), strata_cols.end(), static_cast<int>(c)) != strata_cols.end()) continue;
    if (h.empty()) return Error::Invalid(fmt::format("{}: line 1, column {}: empty column name", name, c + 1));
    list_cols.push_back(static_cast<int>(c));
    lists.push_back(h);
  }
  if (lists.size() < 2) {
    return Error::Invalid(fmt::format("{}: line 1: found {} list column(s); estimation needs at least 2", name,
                                      lists.size()));
  }
  if (lists.size() > kMaxLists) {
    return Error::Invalid(fmt::format("{}: line 1: {} list columns; at most {} are supported", name,
                                      lists.size(), kMaxLists));
  }

  struct Acc {
    std::vector<int64_t> dense;
    std::vector<bool> present;
    std::vector<size_t> first_line;
  };
  std::map<std::vector<std::string>, Acc> by_stratum;
  const size_t cells = size_t{1} << lists.size();
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    const auto& row = csv.rows[r];
    const size_t line = csv.row_lines[r];
    if (row.size() == 1 && row[0].empty()) continue;  // blank line
    auto where = [&](size_t col) {
      return fmt::format("{}: line {}, column {} ({})", name, line, col + 1, csv.header[col]);
    };
    uint32_t pattern = 0;
    for (size_t j = 0; j < list_cols.size(); ++j) {
      const std::string& v = row[list_cols[j]];
      if (v == "1") {
        pattern |= uint32_t{1} << j;
      } else if (v != "0") {
        return Error::Invalid(fmt::format("{}: expected 0 or 1 for list membership, found `{}`{}",
                                          where(list_cols[j]), v,
                                          strata_columns.empty() ? " (name stratum columns with --strata)" : ""));
      }
    }
    const std::string& cv = row[count_col];
    int64_t count = -1;
    auto [ptr, ec] = std::from_chars(cv.data(), cv.data() + cv.size(), count);
    if (ec != std::errc() || ptr != cv.data() + cv.size() || count < 0) {
      return Error::Invalid(fmt::format("{}: expected a whole number >= 0, found `{}`", where(count_col), cv));
    }
    if (pattern == 0) {
      if (count != 0) {
        return Error::Invalid(fmt::format("{}: the all-zero pattern (on no list) cannot have been observed, "
                                          "but its count is {}",
                                          where(count_col), count));
      }
      continue;
    }
    std::vector<std::string> key;
    for (int c : strata_cols) key.push_back(row[c]);
    Acc& acc = by_stratum[key];
    if (acc.dense.empty()) {
      acc.dense.assign(cells, 0);
      acc.present.assign(cells, false);
      acc.first_line.assign(cells, 0);
    }
    if (acc.present[pattern]) {
      return Error::Invalid(fmt::format("{}: line {}: this capture pattern already appeared on line {}", name,
                                        line, acc.first_line[pattern]));
    }
    acc.present[pattern] = true;
    acc.first_line[pattern] = line;
    acc.dense[pattern] = count;
  }
  if (by_stratum.empty()) return Error::Invalid(fmt::format("{}: no pattern rows after the header", name));
  std::vector<StratumTable> out;
  for (auto& [key, acc] : by_stratum) {
    StratumTable st;
    for (size_t i = 0; i < key.size(); ++i) st.key.emplace_back(strata_columns[i], key[i]);
    st.label = StratumLabel(st.key);
    st.table = FromDense(lists, acc.dense, acc.present);
    if (!st.key.empty()) st.table = WithoutEmptyLists(st.table);
    out.push_back(std::move(st));
  }
  return out;
}

Result<std::vector<StratumTable>> ReadPatternCsv(const std::string& path,
                                                 const std::vector<std::string>& strata_columns) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Io(fmt::format("{}: cannot open file", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Error::Io(fmt::format("{}: read error", path));
  return ParsePatternCsv(ss.str(), path, strata_columns);
}

Result<std::vector<StratumTable>> TabulateHistories(const std::vector<CaptureHistory>& people,
                                                    const std::vector<std::string>& lists_in,
                                                    const std::vector<std::string>& strata) {
  std::vector<std::string> lists = lists_in;
  if (lists.empty()) {
    std::set<std::string> all;
    for (const auto& p : people) all.insert(p.lists.begin(), p.lists.end());
    lists.assign(all.begin(), all.end());
  }
  if (lists.size() < 2) {
    return Error::Invalid(fmt::format("capture histories name {} list(s); estimation needs at least 2",
                                      lists.size()));
  }
  if (lists.size() > kMaxLists) {
    return Error::Invalid(fmt::format("{} lists; at most {} are supported", lists.size(), kMaxLists));
  }
  std::map<std::string, uint32_t> bit;
  for (size_t j = 0; j < lists.size(); ++j) {
    if (!bit.emplace(lists[j], uint32_t{1} << j).second) {
      return Error::Invalid(fmt::format("list `{}` is named twice", lists[j]));
    }
  }
  const size_t cells = size_t{1} << lists.size();
  std::map<std::vector<std::string>, std::vector<int64_t>> by_stratum;
  for (size_t i = 0; i < people.size(); ++i) {
    uint32_t pattern = 0;
    for (const std::string& l : people[i].lists) {
      auto it = bit.find(l);
      if (it == bit.end()) return Error::Invalid(fmt::format("person {}: unknown list `{}`", i + 1, l));
      pattern |= it->second;
    }
    if (pattern == 0) return Error::Invalid(fmt::format("person {}: on no list, so cannot have been observed", i + 1));
    std::vector<std::string> key;
    for (const std::string& s : strata) {
      auto it = people[i].strata.find(s);
      if (it == people[i].strata.end() || it->second.empty()) {
        return Error::Invalid(fmt::format("person {}: no value for stratum `{}`", i + 1, s));
      }
      key.push_back(it->second);
    }
    auto& dense = by_stratum[key];
    if (dense.empty()) dense.assign(cells, 0);
    ++dense[pattern];
  }
  if (by_stratum.empty()) return Error::Invalid("no capture histories");
  std::vector<StratumTable> out;
  std::vector<bool> present(cells, true);
  for (auto& [key, dense] : by_stratum) {
    StratumTable st;
    for (size_t i = 0; i < key.size(); ++i) st.key.emplace_back(strata[i], key[i]);
    st.label = StratumLabel(st.key);
    st.table = FromDense(lists, dense, present);
    if (!st.key.empty()) st.table = WithoutEmptyLists(st.table);
    out.push_back(std::move(st));
  }
  return out;
}

}  // namespace dossier::estimate
