#include "domain/csv.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <unicode/utf8.h>

namespace dossier {

int CsvTable::Column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

namespace {

bool ValidUtf8(std::string_view s) {
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    if (c < 0) return false;
  }
  return true;
}

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

}  // namespace

Result<CsvTable> ParseCsv(std::string_view text, const std::string& name, CsvOptions options) {
  if (!ValidUtf8(text)) return Error::Invalid(fmt::format("{}: not valid UTF-8 text", name));
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // byte-order mark
  CsvTable table;
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> lines;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, in_quotes = false, row_started = false;
  size_t line = 1, col = 1, row_line = 1;
  auto end_cell = [&] {
    row.push_back(options.trim && !quoted ? Trim(std::move(cell)) : std::move(cell));
    cell.clear();
    quoted = false;
  };
  auto end_row = [&] {
    end_cell();
    rows.push_back(std::move(row));
    lines.push_back(row_line);
    row.clear();
    row_started = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!row_started) {
      row_started = true;
      row_line = line;
    }
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line, col = 0;
        cell += c;
      }
    } else if (c == '"') {
      if (!cell.empty() && !(options.trim && Trim(cell).empty())) {
        return Error::Invalid(fmt::format("{}: line {}, column {}: a quote inside an unquoted cell", name, line, col));
      }
      cell.clear();
      in_quotes = quoted = true;
    } else if (c == ',') {
      end_cell();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (c == '\n') {
      end_row();
      ++line;
      col = 0;
    } else {
      if (quoted && c != ' ' && c != '\t') {
        return Error::Invalid(fmt::format("{}: line {}, column {}: text after a closing quote", name, line, col));
      }
      if (!quoted) cell += c;
    }
    ++col;
  }
  if (in_quotes) return Error::Invalid(fmt::format("{}: line {}: a quoted cell is never closed", name, row_line));
  if (row_started) end_row();
  // Drop blank lines (a single empty cell).
  std::vector<std::vector<std::string>> kept;
  std::vector<size_t> kept_lines;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].size() == 1 && rows[i][0].empty()) continue;
    kept.push_back(std::move(rows[i]));
    kept_lines.push_back(lines[i]);
  }
  if (kept.empty()) return Error::Invalid(fmt::format("{}: the file is empty (a header line is required)", name));
  table.header = std::move(kept[0]);
  for (size_t i = 1; i < kept.size(); ++i) {
    if (kept[i].size() != table.header.size()) {
      return Error::Invalid(fmt::format("{}: line {}: {} cells where the header has {}", name, kept_lines[i],
                                        kept[i].size(), table.header.size()));
    }
    table.rows.push_back(std::move(kept[i]));
    table.row_lines.push_back(kept_lines[i]);
  }
  return table;
}

Result<CsvTable> ReadCsvFile(const std::string& path, CsvOptions options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Io(fmt::format("{}: cannot open", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ParseCsv(ss.str(), path, options);
}

std::string CsvEscape(std::string_view cell) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(cell);
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string CsvLine(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    out += CsvEscape(cells[i]);
  }
  out += '\n';
  return out;
}

}  // namespace dossier
