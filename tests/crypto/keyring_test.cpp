#include "crypto/keyring.h"

#include <gtest/gtest.h>

namespace dossier::crypto {
namespace {

Keyring MakeKeyring(int versions = 1) {
  std::map<uint32_t, SecretBytes> keys;
  for (int v = 1; v <= versions; ++v) keys.emplace(v, SecretBytes::Random(32));
  return Keyring(std::move(keys));
}

TEST(Keyring, SealedValueOpensOnlyWhereItWasSealed) {
  Keyring k = MakeKeyring();
  Bytes sealed = k.Seal("리순희", {"persons", "names", "p-1"});
  auto open = k.Open(sealed, {"persons", "names", "p-1"});
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(*open, "리순희");
  // Moved to another row, column or table: rejected.
  EXPECT_EQ(k.Open(sealed, {"persons", "names", "p-2"}).error().code, ErrorCode::kCorrupt);
  EXPECT_FALSE(k.Open(sealed, {"persons", "notes", "p-1"}).ok());
  EXPECT_FALSE(k.Open(sealed, {"sources", "names", "p-1"}).ok());
}

TEST(Keyring, AnyFlippedByteIsRejected) {
  Keyring k = MakeKeyring();
  Bytes sealed = k.Seal("testimony text", {"sources", "text", "s-1"});
  for (size_t i = 0; i < sealed.size(); ++i) {
    Bytes tampered = sealed;
    tampered[i] ^= 0x20;
    EXPECT_FALSE(k.Open(tampered, {"sources", "text", "s-1"}).ok()) << "byte " << i;
  }
}

TEST(Keyring, CiphertextDoesNotContainThePlaintextAndUsesFreshNonces) {
  Keyring k = MakeKeyring();
  Bytes a = k.Seal("Ri Sun-hui", {"persons", "names", "p-1"});
  Bytes b = k.Seal("Ri Sun-hui", {"persons", "names", "p-1"});
  EXPECT_NE(a, b);
  std::string as(a.begin(), a.end());
  EXPECT_EQ(as.find("Ri Sun-hui"), std::string::npos);
}

TEST(Keyring, RotationKeepsOldValuesReadableAndBlindIndexesStable) {
  std::map<uint32_t, SecretBytes> v1;
  v1.emplace(1, SecretBytes::Random(32));
  SecretBytes copy = SecretBytes::Copy(v1.at(1).span());
  Keyring before(std::move(v1));
  Bytes old_value = before.Seal("old", {"t", "c", "r"});
  std::map<uint32_t, SecretBytes> v2;
  v2.emplace(1, std::move(copy));
  v2.emplace(2, SecretBytes::Random(32));
  Keyring after(std::move(v2));
  EXPECT_EQ(after.current_version(), 2u);
  EXPECT_EQ(*after.Open(old_value, {"t", "c", "r"}), "old");
  Bytes fresh = after.Seal("new", {"t", "c", "r"});
  EXPECT_EQ(fresh[1], 2);  // key version in the header
  EXPECT_FALSE(before.Open(fresh, {"t", "c", "r"}).ok());
  EXPECT_EQ(before.BlindIndex("name", "risunhui"), after.BlindIndex("name", "risunhui"));
  EXPECT_EQ(before.Pseudonym("person", "p-1"), after.Pseudonym("person", "p-1"));
}

TEST(Keyring, BlindIndexAndPseudonymAreKeyedAndSeparated) {
  Keyring a = MakeKeyring(), b = MakeKeyring();
  EXPECT_NE(a.BlindIndex("name", "risunhui"), b.BlindIndex("name", "risunhui"));
  EXPECT_NE(a.BlindIndex("name", "x"), a.BlindIndex("link", "x"));
  const std::string p = a.Pseudonym("person", "p-1");
  EXPECT_EQ(p.size(), 11u);
  EXPECT_EQ(p.substr(0, 2), "P-");
  EXPECT_EQ(p, a.Pseudonym("person", "p-1"));
  EXPECT_NE(p, a.Pseudonym("person", "p-2"));
}

}  // namespace
}  // namespace dossier::crypto
