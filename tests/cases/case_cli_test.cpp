// `dossier case ...` driven as a user drives it: the real binary on a real database file.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "../support/cli_fixture.h"

namespace dossier::testing {
namespace {

class CaseCliTest : public CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    auto r = Dossier("demo --db " + Db() + " --persons 30 --seed 3");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
};

TEST_F(CaseCliTest, AddTransitionInterveneListShow) {
  auto add = Dossier("case add --db " + Db() +
                     " --title 'Group held in Shenyang' --person per-shenyang2012-group --risk critical"
                     " --opened 2024-03-01 --deadline 2024-03-10 --source src-shenyang2012-news");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  const std::string id = add.out.substr(0, add.out.find('\n'));
  ASSERT_TRUE(id.starts_with("case-")) << add.out;

  auto tr = Dossier("case transition --db " + Db() + " " + id + " --to verified --date 2024-03-02 --source src-shenyang2012-news");
  EXPECT_EQ(tr.exit_code, 0) << tr.err;
  // Refusals: exit 2, one line naming the field, nothing written.
  auto bad = Dossier("case transition --db " + Db() + " " + id + " --to executed --date 2024-03-03 --source src-shenyang2012-news");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("field 'to'"), std::string::npos) << bad.err;
  bad = Dossier("case transition --db " + Db() + " " + id + " --to detained_in_china --date 2024-03-03");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("field 'source_ids'"), std::string::npos) << bad.err;
  bad = Dossier("case intervene --db " + Db() + " " + id +
                " --actor acme --target unhcr --track legal --kind letter --date 2024-03-04");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("field 'actor'"), std::string::npos) << bad.err;
  auto nf = Dossier("case show --db " + Db() + " case-404");
  EXPECT_EQ(nf.exit_code, 3);

  auto iv = Dossier("case intervene --db " + Db() + " " + id +
                    " --actor ngo_self --target unhcr --track un_mechanism --kind urgent_appeal --date 2024-03-04"
                    " --follow-up 2024-03-08 --source src-shenyang2012-unhcr");
  EXPECT_EQ(iv.exit_code, 0) << iv.err;

  auto show = Dossier("case show --db " + Db() + " " + id + " --json");
  ASSERT_EQ(show.exit_code, 0) << show.err;
  auto j = nlohmann::json::parse(show.out);
  EXPECT_EQ(j["case"]["status"], "verified");
  ASSERT_EQ(j["timeline"].size(), 2u);
  EXPECT_EQ(j["timeline"][0]["type"], "transition");
  EXPECT_EQ(j["timeline"][1]["type"], "intervention");
  EXPECT_EQ(j["overdue"].size(), 2u);

  auto list = Dossier("case list --db " + Db() + " --overdue --json");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::set<std::string> ids;
  const auto listed = nlohmann::json::parse(list.out);
  for (const auto& c : listed["items"]) ids.insert(c["id"]);
  EXPECT_EQ(ids, (std::set<std::string>{id, "case-demo-1", "case-demo-3"}));
  auto text = Dossier("case list --db " + Db() + " --status returned_to_dprk");
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("case-shenyang2012"), std::string::npos) << text.out;
  EXPECT_EQ(Dossier("verify --db " + Db()).exit_code, 0);
}

TEST_F(CaseCliTest, AnAlertIsComposedApprovedByAnotherOfficerAndQueuedForEachSubscriber) {
  for (const char* user : {"ana --role case_officer", "ben --role administrator"}) {
    auto r = RunCommand("env -u DOSSIER_PASSPHRASE DOSSIER_KEY_FILE=" + dir_.File("key") +
                            " DOSSIER_NEW_PASSWORD='correct horse battery' " + DOSSIER_BIN + " user add " + user +
                            " --db " + Db(),
                        dir_.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  auto sub = Dossier("subscriber add --db " + Db() + " --name Partner --email alerts@partner.example --language both");
  ASSERT_EQ(sub.exit_code, 0) << sub.err;
  const std::string subscriber = sub.out.substr(0, sub.out.find('\n'));
  auto draft = Dossier("case alert compose --db " + Db() +
                       " --as ana case-shenyang2012 --action urge_no_return --contact prc_mfa --respond-by 2030-01-01");
  ASSERT_EQ(draft.exit_code, 0) << draft.err;
  const std::string alert = draft.out.substr(0, draft.out.find('\n'));

  // Four eyes: the composer may not approve; an administrator may.
  auto own = Dossier("case alert approve --db " + Db() + " --as ana " + alert);
  EXPECT_NE(own.exit_code, 0);
  EXPECT_NE(own.err.find("another case officer or administrator must approve"), std::string::npos) << own.err;
  ASSERT_EQ(Dossier("case alert approve --db " + Db() + " --as ben " + alert).exit_code, 0);

  auto shown = Dossier("case alert show --db " + Db() + " " + alert + " --json");
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  auto j = nlohmann::json::parse(shown.out);
  EXPECT_EQ(j["status"], "approved");
  EXPECT_EQ(j["approved_by"], "ben");
  // Pseudonyms by default: the group's record is named by its pseudonym in both languages.
  EXPECT_NE(j["texts"]["en"]["body"].get<std::string>().find("P-"), std::string::npos);
  ASSERT_EQ(j["deliveries"].size(), 1u);
  EXPECT_EQ(j["deliveries"][0]["channel"], "email");
  EXPECT_EQ(j["deliveries"][0]["status"], "pending");

  // Without a relay, e-mail waits; nothing is lost or marked failed.
  auto pass = Dossier("deliver --db " + Db() + " --once");
  ASSERT_EQ(pass.exit_code, 0) << pass.err;
  EXPECT_NE((pass.out + pass.err).find("0 delivered, 0 failed"), std::string::npos) << pass.out << pass.err;
  // A subscriber removed before delivery gets nothing: its pending delivery is cancelled.
  ASSERT_EQ(Dossier("subscriber remove --db " + Db() + " " + subscriber).exit_code, 0);
  j = nlohmann::json::parse(Dossier("case alert show --db " + Db() + " " + alert + " --json").out);
  EXPECT_EQ(j["deliveries"][0]["status"], "cancelled");
  EXPECT_EQ(Dossier("verify --db " + Db()).exit_code, 0);
}

}  // namespace
}  // namespace dossier::testing
