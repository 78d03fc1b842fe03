// The `dossier` command line, driven as a user drives it: real binary, real files.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../support/cli_fixture.h"

namespace dossier::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CliTest : public CliFixture {
 protected:
  // Every name, birth date and testimony text in the database, from a full export.
  std::vector<std::string> SensitiveValues() {
    auto r = Dossier("export --db " + Db() + " --full --out -");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto doc = nlohmann::json::parse(r.out);
    std::vector<std::string> values;
    for (const auto& p : doc["persons"]) {
      for (const auto& n : p["names"]) values.push_back(n["value"]);
      // A bare year ("1998") also appears as an incident year in clear; month and day precision
      // are what identify someone.
      if (p["birth_date"].is_string() && p["birth_date"].get<std::string>().size() >= 7) values.push_back(p["birth_date"]);
    }
    for (const auto& s : doc["sources"]) {
      if (!s["text"].get<std::string>().empty()) values.push_back(s["text"].get<std::string>().substr(0, 24));
    }
    return values;
  }

};

TEST_F(CliTest, DemoDatabaseHoldsNoSensitiveValueInClear) {
  auto r = Dossier("demo --db " + Db() + " --persons 150 --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto values = SensitiveValues();
  ASSERT_GT(values.size(), 300u);
  const std::string bytes = Slurp(Db()) + Slurp(Db() + "-wal");
  size_t leaked = 0;
  for (const auto& v : values) {
    if (v.size() >= 4 && bytes.find(v) != std::string::npos) {
      ++leaked;
      ADD_FAILURE() << "in clear in the database file: " << v;
      if (leaked > 5) break;
    }
  }
}

TEST_F(CliTest, WrongKeyExitsNonZeroWithAClearMessageAndWritesNothing) {
  ASSERT_EQ(Dossier("demo --db " + Db() + " --persons 20").exit_code, 0);
  const std::string before = Slurp(Db());
  ASSERT_EQ(RunCommand(std::string(DOSSIER_BIN) + " init --db " + dir_.File("o.db") + " --new-key-file " + dir_.File("other"),
                dir_.path()).exit_code, 0);
  auto r = RunCommand("env DOSSIER_KEY_FILE=" + dir_.File("other") + " " + DOSSIER_BIN + " person add --db " + Db() +
                   " --name 김철수 --source src-shenyang2012-news",
               dir_.path());
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("wrong key"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(Slurp(Db()), before);
}

TEST_F(CliTest, MissingKeyIsAClearError) {
  auto r = Dossier("person list --db " + Db(), /*with_key=*/false);
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("no key given"), std::string::npos) << r.err;
}

TEST_F(CliTest, MalformedImportExitsNonZeroNamesRecordAndFieldAndChangesNothing) {
  ASSERT_EQ(Dossier("demo --db " + Db() + " --persons 10").exit_code, 0);
  const std::string before = Slurp(Db());
  std::ofstream(dir_.File("bad.json")) << R"({"format": "dossier-interchange", "version": 1,
    "persons": [{"id": "p-x", "sex": "female", "source_ids": ["src-shenyang2012-news"]},
                {"id": "p-y", "sex": 42}]})";
  auto r = Dossier("import --db " + Db() + " " + dir_.File("bad.json"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.json: persons[1] (id 'p-y'): field 'sex': expected text"), std::string::npos) << r.err;
  EXPECT_EQ(Slurp(Db()), before);
}

TEST_F(CliTest, ExportImportExportGivesIdenticalJson) {
  ASSERT_EQ(Dossier("demo --db " + Db() + " --persons 40").exit_code, 0);
  ASSERT_EQ(Dossier("export --db " + Db() + " --full --out " + dir_.File("a.json")).exit_code, 0);
  ASSERT_EQ(Dossier("init --db " + dir_.File("b.db")).exit_code, 0);
  auto imported = Dossier("import --db " + dir_.File("b.db") + " " + dir_.File("a.json"));
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  ASSERT_EQ(Dossier("export --db " + dir_.File("b.db") + " --full --out " + dir_.File("c.json")).exit_code, 0);
  EXPECT_EQ(Slurp(dir_.File("a.json")), Slurp(dir_.File("c.json")));
}

TEST_F(CliTest, AddListAndShowRecords) {
  auto src = Dossier("source add --db " + Db() + " --kind testimony --title T-1 --language ko --text 증언");
  ASSERT_EQ(src.exit_code, 0) << src.err;
  const std::string source_id = src.out.substr(0, src.out.find('\n'));
  auto p = Dossier("person add --db " + Db() + " --name 리순희 --name 'Ri Sun-hui' --chinese-name 李顺姬 --sex female "
                   "--birth-date 1985~ --origin kp-nh-onsong --source " + source_id + " --json");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  auto person = nlohmann::json::parse(p.out);
  EXPECT_EQ(person["names"][1]["script"], "latin");
  EXPECT_EQ(person["names"][2]["script"], "chinese");
  auto shown = Dossier("person show --db " + Db() + " --name 'ri sun hui'");
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("리순희"), std::string::npos);
  EXPECT_NE(shown.out.find("Onsong"), std::string::npos);
  auto bad = Dossier("person add --db " + Db() + " --name 김 --birth-date 1985-02-30 --source " + source_id);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--birth-date"), std::string::npos) << bad.err;
  auto badterm = Dossier("incident add --db " + Db() + " --type abduction --start 2012 --source " + source_id);
  EXPECT_EQ(badterm.exit_code, 2);
  EXPECT_NE(badterm.err.find("field 'type': 'abduction' is not a term"), std::string::npos) << badterm.err;
  auto list = Dossier("person list --db " + Db() + " --json");
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(list.out)["total"], 1);
}

}  // namespace
}  // namespace dossier::testing
