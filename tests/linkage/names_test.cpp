// Specification of name normalisation: each rule, and the seed table checked against it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "linkage/names.h"

namespace dossier::linkage {
namespace {

const NameTables& Tables() {
  static auto t = LoadNameTables();
  if (!t.ok()) ADD_FAILURE() << t.error().message;
  return **t;
}

std::string Key(const std::string& full) {
  auto f = NormaliseName(Tables(), {full, "", ""});
  return f.empty() ? "" : f[0].family.key + "|" + f[0].given.key;
}

TEST(Names, SouthAndNorthHangulSpellingsMeet) {
  EXPECT_EQ(Key("리순희"), Key("이순희"));   // 리/이
  EXPECT_EQ(PhoneticKey(Tables(), "로", true), PhoneticKey(Tables(), "노", true));  // 로/노
  EXPECT_EQ(PhoneticKey(Tables(), "녀", true), PhoneticKey(Tables(), "여", true));  // 녀/여 at a name's start
  EXPECT_EQ(Key("류경희"), Key("유경희"));
}

TEST(Names, HanjaReadInKoreanAndSimplifiedToTraditional) {
  EXPECT_EQ(Key("李顺姬"), Key("리순희"));
  EXPECT_EQ(Key("李順姬"), Key("이순희"));
  auto f = NormaliseName(Tables(), {"李顺姬", "", ""});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(ToUtf8(f[0].given.hanja), "順姬");  // 顺 -> 順
  EXPECT_EQ(f[0].family.pinyin, "li");
  EXPECT_EQ(f[0].given.pinyin, "shunji");
}

TEST(Names, SurnamePinyinOverride) {
  auto f = NormaliseName(Tables(), {"朴英浩", "", ""});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].family.pinyin, "piao");  // not Unihan's first reading pǔ
  EXPECT_EQ(f[0].family.key, PhoneticKey(Tables(), "박", true));
}

TEST(Names, RomanisationSystemsMeet) {
  const std::string k = Key("리순희");
  EXPECT_EQ(Key("Ri Sun-hui"), k);
  EXPECT_EQ(Key("Lee Soon-hee"), k);
  EXPECT_EQ(Key("Yi Sunhui"), k);
  EXPECT_EQ(Key("RHEE Sun Hui"), k);
  for (const char* s : {"Lee", "Yi", "Ri", "Rhee", "I"}) EXPECT_EQ(PhoneticKey(Tables(), s, true), "I") << s;
  for (const char* s : {"Park", "Pak", "Bak"}) EXPECT_EQ(PhoneticKey(Tables(), s, true), PhoneticKey(Tables(), "박", true)) << s;
  for (const char* s : {"Choi", "Choe", "Ch'oe"}) EXPECT_EQ(PhoneticKey(Tables(), s, true), PhoneticKey(Tables(), "최", true)) << s;
  for (const char* s : {"Jung", "Jeong", "Chung", "Jong", "Chŏng"})
    EXPECT_EQ(PhoneticKey(Tables(), s, true), PhoneticKey(Tables(), "정", true)) << s;
  EXPECT_EQ(PhoneticKey(Tables(), "Kim Chŏng-ŭn", false), PhoneticKey(Tables(), "김정은", false));
}

TEST(Names, FamilyNameFirstOrLast) {
  const std::string k = Key("리순희");
  auto f = NormaliseName(Tables(), {"Sun-hui Ri", "", ""});  // hyphenated token is the given name
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f[0].family.key + "|" + f[0].given.key, k);
  auto g = NormaliseName(Tables(), {"Soon Hee LEE", "", ""});  // capitals mark the family name
  ASSERT_FALSE(g.empty());
  EXPECT_EQ(g[0].family.key + "|" + g[0].given.key, k);
  auto h = NormaliseName(Tables(), {"Kim, Sun-hui", "", ""});  // comma: family first
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].family.key, "KIM");
}

TEST(Names, DoubleSurnames) {
  auto f = NormaliseName(Tables(), {"남궁민수", "", ""});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].family.key, PhoneticKey(Tables(), "Namgoong", true));
}

TEST(Names, LanguageBlindKeepsTheTextAsWritten) {
  auto f = NormaliseName(Tables(), {"Lee Soon-hee", "", ""}, NameMode::kLanguageBlind);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].family.key, "lee");
  EXPECT_EQ(f[0].given.key, "soonhee");
}

TEST(Names, JaroWinkler) {
  EXPECT_DOUBLE_EQ(JaroWinkler(std::string_view("martha"), std::string_view("martha")), 1.0);
  EXPECT_NEAR(JaroWinkler(std::string_view("martha"), std::string_view("marhta")), 0.961, 0.001);
  EXPECT_NEAR(JaroWinkler(std::string_view("dixon"), std::string_view("dicksonx")), 0.813, 0.001);
  EXPECT_DOUBLE_EQ(JaroWinkler(std::string_view(""), std::string_view("a")), 0.0);
}

// The seed table (hand-compiled) checked against Unihan and the rules: every spelling of a row must
// give the key of its Hangul, and Unihan's kHangul reading of its Hanja must too. Rows that fail
// are listed (and fail the test), so that a wrong seed entry does not pass silently.
TEST(Names, SeedTableAgreesWithUnihanAndTheRules) {
  std::string path = std::string(DOSSIER_SHARED_DATA_DIR) + "/linkage/korean_names/surname_variants_seed.csv";
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << "seed table not found at " << path;
  std::string line;
  std::getline(in, line);
  int rows = 0;
  std::vector<std::string> failures;
  while (std::getline(in, line)) {
    // Split respecting quotes.
    std::vector<std::string> f;
    std::string cur;
    bool q = false;
    for (char c : line) {
      if (c == '"') q = !q;
      else if (c == ',' && !q) { f.push_back(cur); cur.clear(); }
      else cur.push_back(c);
    }
    f.push_back(cur);
    if (f.size() < 7) continue;
    ++rows;
    std::string want = PhoneticKey(Tables(), f[0], true);
    auto check = [&](const std::string& s, const char* what) {
      if (s.empty()) return;
      std::string k = PhoneticKey(Tables(), s, true);
      if (k != want) failures.push_back(f[0] + " " + what + " '" + s + "' -> " + k + " (want " + want + ")");
    };
    check(f[1], "hanja");
    check(f[2], "simplified");
    check(f[3], "rr");
    check(f[4], "mr");
    check(f[5].substr(0, f[5].find(" (")), "dprk");
    std::stringstream ss(f[6]);
    std::string sp;
    while (std::getline(ss, sp, ';')) {
      while (!sp.empty() && sp[0] == ' ') sp.erase(0, 1);
      check(sp, "passport");
    }
  }
  EXPECT_EQ(rows, 76);
  for (const auto& fl : failures) ADD_FAILURE() << fl;
}

}  // namespace
}  // namespace dossier::linkage
