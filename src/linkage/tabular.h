// File mode: the JSON config that maps CSV columns to LinkRecord fields, and reading the CSV files.
//
// Config (one per data set; examples in bench/linkage/*.json):
//   {"id": "rec_id",
//    "names": [{"family": "surname", "given": "given_name"}] or [{"full": "name"}],
//    "birth_date": {"column": "dob", "format": "iso" | "yyyymmdd" | "edtf", "invalid": "error" | "missing"},
//    "sex": "sex", "origin": "origin",
//    "attributes": [{"column": "email", "compare": "exact" | "fuzzy", "term_frequency": true}],
//    "blocking": [["name_key"], ["family_key", "birth_year"]],
//    "mode": "dedupe" | "link_only" | "link_and_dedupe", "name_mode": "korean" | "language_blind",
//    "match_probability": 0.9, "min_link_fraction": 0.5,
//    "review_probability": pairs kept in LinkResult::pairs (default: match_probability, links only),
//    "truth": {"column": "cluster", "pattern": "regex with one group"}}   (evaluation only)
// Errors name the file, line and column at fault.
#pragma once

#include <string>
#include <vector>

#include "domain/result.h"
#include "linkage/link.h"

namespace dossier::linkage {

struct FileConfig {
  std::string id_column;
  struct NameColumns { std::string full, family, given; };
  std::vector<NameColumns> names;
  std::string birth_column, birth_format = "iso";
  bool invalid_birth_is_missing = false;
  std::string sex_column, origin_column;
  std::vector<std::string> attribute_columns;  // parallel to options.model.attributes
  std::string truth_column, truth_pattern;
  LinkOptions options;
};

Result<FileConfig> LoadFileConfig(const std::string& path);

struct FileRecords {
  std::vector<LinkRecord> records;
  std::vector<std::string> truth;  // per record, when the config names a truth column
};

// Reads one CSV file (header row, RFC 4180 quoting, fields trimmed). `source` names the file in
// the output; every record gets it.
Result<FileRecords> ReadRecordsCsv(const std::string& path, const std::string& source, const FileConfig& config);

// Writes "source,record_id,cluster_id" lines to `path` atomically (temporary file, then rename).
Status WriteClustersCsv(const std::string& path, const std::vector<LinkRecord>& records,
                        const std::vector<uint32_t>& cluster_of);

}  // namespace dossier::linkage
