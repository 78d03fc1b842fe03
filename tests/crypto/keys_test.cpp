#include "crypto/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "../support/temp_dir.h"

namespace dossier::crypto {
namespace {

KeySource FileKey(const std::string& path) { return {KeySource::Kind::kKeyFile, path, ""}; }
KeySource Passphrase(const std::string& p) { return {KeySource::Kind::kPassphrase, "", p}; }
// The cheapest Argon2id cost libsodium allows, so tests stay fast; production uses Interactive().
Argon2Cost Cheap() { return {1, 8192}; }

TEST(KeyFile, IsCreatedPrivateAndNeverOverwritten) {
  testing::TempDir dir;
  const std::string path = dir.File("k");
  ASSERT_TRUE(CreateKeyFile(path).ok());
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto again = CreateKeyFile(path);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_TRUE(ReadKeyFile(path).ok());
}

TEST(KeyFile, MalformedOrMissingFileIsAClearError) {
  testing::TempDir dir;
  std::ofstream(dir.File("short")) << "abcd\n";
  auto r = ReadKeyFile(dir.File("short"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("64 hexadecimal"), std::string::npos);
  EXPECT_EQ(ReadKeyFile(dir.File("absent")).error().code, ErrorCode::kUnauthenticated);
}

TEST(WrappedKey, UnwrapsOnlyWithTheKeyFileThatWrappedIt) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateKeyFile(dir.File("right")).ok());
  ASSERT_TRUE(CreateKeyFile(dir.File("wrong")).ok());
  SecretBytes data = SecretBytes::Random(32);
  auto w = WrapDataKey(data, 1, FileKey(dir.File("right")));
  ASSERT_TRUE(w.ok());
  auto back = UnwrapDataKey(*w, FileKey(dir.File("right")));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(Bytes(back->data(), back->data() + 32), Bytes(data.data(), data.data() + 32));
  auto wrong = UnwrapDataKey(*w, FileKey(dir.File("wrong")));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(wrong.error().message.find("wrong key"), std::string::npos);
}

TEST(WrappedKey, UnwrapsOnlyWithThePassphraseThatWrappedIt) {
  SecretBytes data = SecretBytes::Random(32);
  auto w = WrapDataKey(data, 1, Passphrase("correct horse battery staple"), Cheap());
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->method, "passphrase");
  EXPECT_TRUE(UnwrapDataKey(*w, Passphrase("correct horse battery staple")).ok());
  auto wrong = UnwrapDataKey(*w, Passphrase("correct horse battery stapler"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("wrong passphrase"), std::string::npos);
}

TEST(WrappedKey, TamperedCiphertextIsRejected) {
  SecretBytes data = SecretBytes::Random(32);
  auto w = WrapDataKey(data, 1, Passphrase("pass phrase 123"), Cheap());
  ASSERT_TRUE(w.ok());
  w->ciphertext[3] ^= 1;
  EXPECT_FALSE(UnwrapDataKey(*w, Passphrase("pass phrase 123")).ok());
}

}  // namespace
}  // namespace dossier::crypto
