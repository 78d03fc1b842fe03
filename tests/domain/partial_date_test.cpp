#include "domain/partial_date.h"

#include <gtest/gtest.h>

namespace dossier {
namespace {

TEST(PartialDate, ParsesEachPrecisionAndPrintsItBack) {
  for (const char* text : {"2012", "2012-02", "2012-02-08", "1985~", "1985-03~", "2000-02-29"}) {
    auto d = PartialDate::Parse(text);
    ASSERT_TRUE(d.ok()) << text << ": " << d.error().message;
    EXPECT_EQ(d->ToString(), text);
  }
  EXPECT_EQ(PartialDate::Parse("2012-02")->precision, DatePrecision::kMonth);
  EXPECT_TRUE(PartialDate::Parse("1985~")->approximate);
}

TEST(PartialDate, RejectsImpossibleDatesWithTheTextInTheMessage) {
  for (const char* text : {"2011-02-29", "2012-13", "2012-00", "2012-04-31", "12-02-01", "2012/02", "", "~",
                           "2012-2-1", "abcd", "2012-02-08x", "1900-02-29"}) {
    auto d = PartialDate::Parse(text);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(d.error().message.find(std::string("'") + text + "'"), std::string::npos) << d.error().message;
  }
}

TEST(PartialDate, SpansTheWholePeriodItMayMean) {
  auto month = PartialDate::Month(2012, 2);
  EXPECT_EQ(month.EarliestDay(), DaysFromCivil(2012, 2, 1));
  EXPECT_EQ(month.LatestDay(), DaysFromCivil(2012, 2, 29));
  auto year = PartialDate::Year(2011);
  EXPECT_EQ(year.LatestDay() - year.EarliestDay(), 364);
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
}

TEST(PartialDate, OrdersByEarliestDayThenByExtent) {
  EXPECT_LT(PartialDate::Year(2012), PartialDate::Month(2012, 2));
  EXPECT_LT(PartialDate::Day(2012, 1, 1), PartialDate::Year(2012));
  EXPECT_LT(PartialDate::Month(2011, 12), PartialDate::Year(2012));
}

}  // namespace
}  // namespace dossier
