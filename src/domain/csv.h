// CSV (RFC 4180) reading and writing: the one CSV codec of the project.
//
// Reading is strict: a malformed file (unterminated quote, ragged row, invalid UTF-8) is an error
// naming the file, line and column. Leading/trailing spaces around unquoted cells are trimmed when
// asked (some published data sets pad cells after commas).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace dossier {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> row_lines;  // 1-based line number where each row starts, for error messages

  // Index of a header column, or -1.
  int Column(std::string_view name) const;
};

struct CsvOptions {
  bool trim = false;  // trim spaces around unquoted cells
};

// `name` is used in error messages (usually the file path).
Result<CsvTable> ParseCsv(std::string_view text, const std::string& name, CsvOptions options = {});
Result<CsvTable> ReadCsvFile(const std::string& path, CsvOptions options = {});

// Quotes a cell when it contains a comma, quote, CR or LF.
std::string CsvEscape(std::string_view cell);
std::string CsvLine(const std::vector<std::string>& cells);  // with trailing "\n"

}  // namespace dossier
