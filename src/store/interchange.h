// Interchange: the versioned JSON format for the whole model, and CSV files per entity.
//
// JSON (docs/interchange.md): {"format": "dossier-interchange", "version": 1, "pseudonymised": b,
// "sources": [...], "persons": [...], "incidents": [...], "acts": [...], "involvements": [...]},
// records sorted by id, one per line, each in the codec's field order: export, import and export
// again gives identical bytes. CSV: one file per entity in a directory, one column per field,
// lists and objects as compact JSON in their cell.
//
// Exports are pseudonymised unless `full` is asked for: names become the record's pseudonym,
// birth dates are cut to the year, family links, contacts and free text are left out.
// Import is all-or-nothing: the first invalid record aborts it, naming file, record and field,
// and the database is left as it was.
#pragma once

#include <ostream>
#include <string>

#include "domain/result.h"
#include "store/store.h"

namespace dossier {

struct ExportOptions {
  bool full = false;  // identifiable export; the default is pseudonymised
};

struct ImportSummary {
  size_t sources = 0, persons = 0, incidents = 0, acts = 0, involvements = 0;
  size_t total() const { return sources + persons + incidents + acts + involvements; }
};

Status ExportJson(Store& store, std::ostream& out, const ExportOptions& options);
Result<ImportSummary> ImportJson(Store& store, const std::string& path);

// Writes sources.csv, persons.csv, incidents.csv, acts.csv, involvements.csv into `dir`.
Status ExportCsv(Store& store, const std::string& dir, const ExportOptions& options);
// Reads the files ExportCsv writes (any that are present) from `dir`.
Result<ImportSummary> ImportCsv(Store& store, const std::string& dir);

}  // namespace dossier
