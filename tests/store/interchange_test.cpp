#include "store/interchange.h"

#include <fstream>
#include <sstream>

#include "store/demo.h"
#include "store_fixture.h"

namespace dossier::testing {
namespace {

class InterchangeTest : public StoreTest {
 protected:
  std::string Export(Store& store, bool full) {
    std::ostringstream out;
    EXPECT_TRUE(ExportJson(store, out, {full}).ok());
    return out.str();
  }
  std::unique_ptr<Store> NewDatabase(const std::string& name) {
    const std::string path = dir_.File(name);
    EXPECT_TRUE(InitSqliteDatabase(path, Key()).ok());
    auto s = OpenSqliteStore(path, Key(), catalog_);
    EXPECT_TRUE(s.ok());
    return std::move(*s);
  }
  void Write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }
};

TEST_F(InterchangeTest, ExportImportExportIsByteIdentical) {
  DemoOptions demo;
  demo.persons = 60;
  ASSERT_TRUE(GenerateDemoData(*store_, demo).ok());
  const std::string first = Export(*store_, /*full=*/true);
  Write(dir_.File("export.json"), first);
  auto other = NewDatabase("other.db");
  auto summary = ImportJson(*other, dir_.File("export.json"));
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(static_cast<int64_t>(summary->persons), *store_->Count(RecordKind::kPerson));
  EXPECT_EQ(Export(*other, true), first);
  EXPECT_TRUE(other->Verify()->ok());
}

TEST_F(InterchangeTest, CsvExportImportsBackToTheSameRecords) {
  DemoOptions demo;
  demo.persons = 30;
  ASSERT_TRUE(GenerateDemoData(*store_, demo).ok());
  ASSERT_TRUE(ExportCsv(*store_, dir_.File("csv"), {true}).ok());
  auto other = NewDatabase("other.db");
  auto summary = ImportCsv(*other, dir_.File("csv"));
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(Export(*other, true), Export(*store_, true));
}

TEST_F(InterchangeTest, DefaultExportIsPseudonymised) {
  ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
  Person p = MakePerson("p-1", "리순희", "s-1");
  p.notes = "lives with her aunt";
  ASSERT_TRUE(store_->Create(p).ok());
  const std::string out = Export(*store_, /*full=*/false);
  for (const char* secret : {"리순희", "1984-07-19", "lives with her aunt", "Signal +82", "나는 2011년"}) {
    EXPECT_EQ(out.find(secret), std::string::npos) << secret;
  }
  EXPECT_NE(out.find(store_->keyring().Pseudonym("person", "p-1")), std::string::npos);
  EXPECT_NE(out.find("\"1984~\""), std::string::npos);
  EXPECT_NE(out.find("\"pseudonymised\": true"), std::string::npos);
}

TEST_F(InterchangeTest, InvalidImportChangesNothingAndNamesFileRecordAndField) {
  ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
  store_.reset();
  const std::string before = ReadFileBytes(DbPath());
  store_ = Reopen();
  const std::string bad = dir_.File("bad.json");
  Write(bad, R"({"format": "dossier-interchange", "version": 1,
    "sources": [{"id": "s-2", "kind": "testimony", "title": "T"}],
    "persons": [{"id": "p-1", "names": [{"value": "김철수", "script": "hangul"}], "source_ids": ["s-2"]},
                {"id": "p-2", "sex": "unknown", "birth_date": "1990-02-30", "source_ids": ["s-2"]}]})");
  auto r = ImportJson(*store_, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("bad.json: persons[1] (id 'p-2'): field 'birth_date'"), std::string::npos)
      << r.error().message;
  EXPECT_FALSE(store_->Exists(RecordKind::kSource, "s-2"));
  store_.reset();
  EXPECT_EQ(ReadFileBytes(DbPath()), before);
}

TEST_F(InterchangeTest, ImportFailingValidationHalfwayRollsBackEverything) {
  ASSERT_TRUE(store_->Create(MakeSource("s-1")).ok());
  const std::string bad = dir_.File("bad.json");
  Write(bad, R"({"format": "dossier-interchange", "version": 1,
    "persons": [{"id": "p-1", "names": [{"value": "김철수", "script": "hangul"}], "source_ids": ["s-1"]}],
    "incidents": [{"id": "i-1", "type": "teleportation", "start": "2012", "source_ids": ["s-1"]}]})");
  auto r = ImportJson(*store_, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("incidents[0]: incident 'i-1': field 'type'"), std::string::npos) << r.error().message;
  EXPECT_FALSE(store_->Exists(RecordKind::kPerson, "p-1"));
  EXPECT_TRUE(store_->Verify()->ok());
}

TEST_F(InterchangeTest, MalformedFilesAreRejectedWithTheirName) {
  struct Case { const char* text; const char* expect; };
  for (const Case& c : {Case{"{not json", "not valid JSON"},
                        Case{R"({"format": "other"})", "not a Dossier interchange file"},
                        Case{R"({"format": "dossier-interchange", "version": 7})", "field 'version'"},
                        Case{R"({"format": "dossier-interchange", "version": 1, "people": []})", "unknown field 'people'"},
                        Case{R"({"format": "dossier-interchange", "version": 1, "persons": {}})", "'persons' must be a list"},
                        Case{"", "not valid JSON"}}) {
    const std::string path = dir_.File("m.json");
    Write(path, c.text);
    auto r = ImportJson(*store_, path);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_NE(r.error().message.find("m.json"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos) << r.error().message;
  }
  EXPECT_EQ(*store_->Count(RecordKind::kSource), 0);
}

}  // namespace
}  // namespace dossier::testing
