#include "domain/csv.h"

#include <gtest/gtest.h>

namespace dossier {
namespace {

TEST(Csv, ParsesQuotedCellsWithCommasQuotesAndNewlines) {
  auto t = ParseCsv("a,b,c\n1,\"x, \"\"y\"\"\",\"line\nbreak\"\r\n2,,z\n", "t.csv");
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0][1], "x, \"y\"");
  EXPECT_EQ(t->rows[0][2], "line\nbreak");
  EXPECT_EQ(t->rows[1][1], "");
  EXPECT_EQ(t->row_lines[1], 4u);
  EXPECT_EQ(t->Column("c"), 2);
}

TEST(Csv, WritingThenReadingGivesTheSameCells) {
  std::vector<std::string> cells = {"리순희", "a,b", "say \"hi\"", "two\nlines", ""};
  auto t = ParseCsv(CsvLine({"1", "2", "3", "4", "5"}) + CsvLine(cells), "t.csv");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->rows[0], cells);
}

TEST(Csv, TrimsPaddedCellsWhenAsked) {
  auto t = ParseCsv("rec_id, given_name\nrec-1, michaela\n", "f.csv", {.trim = true});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->header[1], "given_name");
  EXPECT_EQ(t->rows[0][1], "michaela");
}

TEST(Csv, MalformedFilesAreErrorsNamingFileAndLine) {
  struct Case { const char* text; const char* expect; };
  for (const Case& c : {Case{"a,b\n1\n", "t.csv: line 2: 1 cells where the header has 2"},
                        Case{"a\n\"open\n", "t.csv: line 2: a quoted cell is never closed"},
                        Case{"", "t.csv: the file is empty"},
                        Case{"a,b\nx\"y,2\n", "t.csv: line 2, column 2: a quote inside an unquoted cell"},
                        Case{"a\n\xff\xfe\n", "t.csv: not valid UTF-8"}}) {
    auto t = ParseCsv(c.text, "t.csv");
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_NE(t.error().message.find(c.expect), std::string::npos) << t.error().message;
  }
}

}  // namespace
}  // namespace dossier
