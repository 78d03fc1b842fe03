#include "store/demo.h"

#include <sstream>

#include "store/interchange.h"
#include "store_fixture.h"

namespace dossier::testing {
namespace {

TEST_F(StoreTest, DemoDataIsValidDeterministicAndHoldsTheShenyangCase) {
  DemoOptions options;
  options.persons = 120;
  options.seed = 7;
  auto summary = GenerateDemoData(*store_, options);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_GE(summary->persons, 121);  // 120 plus the Shenyang group, plus duplicates
  EXPECT_GT(summary->incidents, 100);
  EXPECT_TRUE(store_->Verify()->ok());

  auto group = store_->GetPerson("per-shenyang2012-group");
  ASSERT_TRUE(group.ok());
  EXPECT_TRUE(group->names.empty()) << "no names may be invented for the Shenyang detainees";
  EXPECT_EQ(group->group_size->qualifier, "more_than");
  EXPECT_EQ(group->group_size->value, 30);
  auto arrest = store_->GetIncident("inc-shenyang2012-arrest");
  ASSERT_TRUE(arrest.ok());
  EXPECT_EQ(arrest->place, "cn-ln-shenyang");
  EXPECT_EQ(arrest->start.ToString(), "2012-02");
  for (const char* s : {"src-shenyang2012-unhcr", "src-shenyang2012-amnesty", "src-shenyang2012-hrc"}) {
    EXPECT_TRUE(store_->Exists(RecordKind::kSource, s)) << s;
  }

  // Every source kind of the pool appears, and some people carry names in several scripts.
  ListQuery all;
  all.limit = 100000;
  std::set<std::string> kinds, scripts;
  auto sources = store_->ListSources(all);
  auto persons = store_->ListPersons(all);
  ASSERT_TRUE(sources.ok() && persons.ok());
  for (const auto& s : sources->items) kinds.insert(s.kind);
  for (const auto& p : persons->items) for (const auto& n : p.names) scripts.insert(n.script);
  EXPECT_TRUE(kinds.count("testimony") && kinds.count("news_article") && kinds.count("ngo_report"));
  EXPECT_TRUE(scripts.count("hangul") && scripts.count("latin"));

  // Same seed, same records.
  std::ostringstream a, b;
  ASSERT_TRUE(ExportJson(*store_, a, {true}).ok());
  const std::string other = dir_.File("other.db");
  ASSERT_TRUE(InitSqliteDatabase(other, Key()).ok());
  auto second = OpenSqliteStore(other, Key(), catalog_);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(GenerateDemoData(**second, options).ok());
  ASSERT_TRUE(ExportJson(**second, b, {true}).ok());
  EXPECT_EQ(a.str(), b.str());
}

}  // namespace
}  // namespace dossier::testing
