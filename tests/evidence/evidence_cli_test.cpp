// `dossier evidence ...` and `dossier verify-package` driven as a user drives them: the real binary
// on a real database file and vault.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "../support/cli_fixture.h"

namespace dossier::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class EvidenceCliTest : public CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    auto r = Dossier("source add --db " + Db() + " --kind testimony --title 'Interview 14' --language ko");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    source_ = r.out.substr(0, r.out.find('\n'));
    std::ofstream(dir_.File("photo.jpg"), std::ios::binary) << std::string(200000, 'p') << "gate of the detention centre";
  }
  std::string AddPhoto() {
    auto r = Dossier("evidence add --db " + Db() + " --source " + source_ + " " + dir_.File("photo.jpg") +
                     " --method photograph --acquired-at 2012-02-20 --acquired-by 'Field worker Park' --from 'Yanji'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out.substr(0, r.out.find('\n'));
  }
  std::string source_;
};

TEST_F(EvidenceCliTest, AddListGetReturnTheOriginalBytesAndLogTheAccess) {
  const std::string sha = AddPhoto();
  ASSERT_EQ(sha.size(), 64u);
  auto list = Dossier("evidence list --db " + Db() + " --json");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto items = nlohmann::json::parse(list.out);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["sha256"], sha);
  EXPECT_EQ(items[0]["media_type"], "image/jpeg");
  EXPECT_EQ(items[0]["filename"], "photo.jpg");
  EXPECT_EQ(items[0]["acquired_by"], "Field worker Park");
  auto get = Dossier("evidence get --db " + Db() + " " + sha + " --out " + dir_.File("copy.jpg"));
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(ReadAll(dir_.File("copy.jpg")), ReadAll(dir_.File("photo.jpg")));
  auto again = Dossier("evidence get --db " + Db() + " " + sha + " --out " + dir_.File("copy.jpg"));
  EXPECT_EQ(again.exit_code, 4);
  auto custody = Dossier("evidence custody --db " + Db() + " " + sha);
  ASSERT_EQ(custody.exit_code, 0) << custody.err;
  EXPECT_NE(custody.out.find("acquire"), std::string::npos);
  EXPECT_NE(custody.out.find("evidence_access"), std::string::npos);
  auto verify = Dossier("verify --db " + Db());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(EvidenceCliTest, VerifyFindsAFlippedByteAndExitsNonZero) {
  const std::string sha = AddPhoto();
  auto ok = Dossier("evidence verify --db " + Db());
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("intact: 1 files"), std::string::npos) << ok.out;
  const std::string path = Db() + ".vault/" + sha.substr(0, 2) + "/" + sha.substr(2);
  std::string bytes = ReadAll(path);
  bytes[bytes.size() / 2] ^= 0x40;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  auto bad = Dossier("evidence verify --db " + Db());
  EXPECT_EQ(bad.exit_code, 6);
  EXPECT_NE(bad.out.find(sha), std::string::npos) << bad.out;
  EXPECT_NE(bad.err.find("failed verification"), std::string::npos) << bad.err;
}

TEST_F(EvidenceCliTest, APackageVerifiesAnywhereAndFailsOnceTampered) {
  const std::string sha = AddPhoto();
  auto pkg = Dossier("evidence package --db " + Db() + " --out " + dir_.File("p.tar") + " --source " + source_ +
                     " --note 'for the court'");
  ASSERT_EQ(pkg.exit_code, 0) << pkg.err;
  EXPECT_NE(pkg.out.find("NOT encrypted"), std::string::npos);
  auto ok = Dossier("verify-package " + dir_.File("p.tar"), /*with_key=*/false);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("intact"), std::string::npos);
  // Any tar program can list it.
  auto tar = RunCommand("tar -tf " + dir_.File("p.tar"), dir_.path());
  EXPECT_EQ(tar.exit_code, 0) << tar.err;
  EXPECT_NE(tar.out.find("files/" + sha), std::string::npos);
  std::string bytes = ReadAll(dir_.File("p.tar"));
  bytes[bytes.find("gate of the detention")] = 'G';
  std::ofstream(dir_.File("p.tar"), std::ios::binary | std::ios::trunc) << bytes;
  auto bad = Dossier("verify-package " + dir_.File("p.tar"), /*with_key=*/false);
  EXPECT_EQ(bad.exit_code, 6);
  EXPECT_NE(bad.out.find("altered"), std::string::npos) << bad.out;
  auto custody = Dossier("evidence custody --db " + Db() + " " + sha);
  EXPECT_NE(custody.out.find("evidence_export"), std::string::npos) << custody.out;
}

TEST_F(EvidenceCliTest, BadInputIsOneClearLineAndChangesNothing) {
  std::ofstream(dir_.File("empty.bin")).close();
  auto empty = Dossier("evidence add --db " + Db() + " --source " + source_ + " " + dir_.File("empty.bin"));
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("empty"), std::string::npos) << empty.err;
  auto source = Dossier("evidence add --db " + Db() + " --source src-nowhere " + dir_.File("photo.jpg"));
  EXPECT_EQ(source.exit_code, 3);
  EXPECT_NE(source.err.find("source_id"), std::string::npos) << source.err;
  auto missing = Dossier("evidence add --db " + Db() + " --source " + source_ + " " + dir_.File("absent.jpg"));
  EXPECT_EQ(missing.exit_code, 7);
  auto list = Dossier("evidence list --db " + Db() + " --json");
  EXPECT_EQ(nlohmann::json::parse(list.out).size(), 0u);
  auto none = Dossier("evidence package --db " + Db() + " --out " + dir_.File("p.tar"));
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("p.tar")));
}

}  // namespace
}  // namespace dossier::testing
