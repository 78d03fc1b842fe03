// Accounts: TOTP against the RFC 4226 and RFC 6238 test vectors, base32, password hashes,
// sessions and the login throttle.
#include <gtest/gtest.h>

#include <thread>

#include "http/auth.h"

namespace dossier::http {
namespace {

TEST(Hotp, MatchesRfc4226AppendixD) {
  const std::string key = "12345678901234567890";
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t i = 0; i < 10; ++i) EXPECT_EQ(Hotp(key, i, 6), expected[i]) << "counter " << i;
}

TEST(Totp, MatchesRfc6238AppendixBForSha1) {
  const std::string key = "12345678901234567890";
  const std::pair<int64_t, const char*> vectors[] = {{59, "94287082"},         {1111111109, "07081804"},
                                                     {1111111111, "14050471"}, {1234567890, "89005924"},
                                                     {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& [t, code] : vectors) EXPECT_EQ(Totp(key, t, 8), code) << "T=" << t;
}

TEST(Totp, MatchesWithinOneStepAndNotBeyond) {
  const std::string secret = Base32Encode("12345678901234567890");
  const int64_t now = 1111111111;
  const std::string code = Totp("12345678901234567890", now, 6);
  EXPECT_EQ(MatchTotp(secret, code, now), now / 30);
  EXPECT_TRUE(MatchTotp(secret, code, now + 30).has_value());
  EXPECT_TRUE(MatchTotp(secret, code, now - 30).has_value());
  EXPECT_FALSE(MatchTotp(secret, code, now + 95).has_value());
  EXPECT_FALSE(MatchTotp(secret, "000000x", now).has_value());
  EXPECT_FALSE(MatchTotp("not base32!", code, now).has_value());
}

TEST(Totp, ReplayGuardAcceptsEachStepOnce) {
  TotpReplayGuard g;
  EXPECT_TRUE(g.Accept("a", 100));
  EXPECT_FALSE(g.Accept("a", 100));
  EXPECT_FALSE(g.Accept("a", 99));
  EXPECT_TRUE(g.Accept("a", 101));
  EXPECT_TRUE(g.Accept("b", 100));
}

TEST(Base32, MatchesRfc4648AndRoundTrips) {
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(Base32Encode("f"), "MY");
  EXPECT_EQ(*Base32Decode("MZXW6YTBOI======"), "foobar");
  EXPECT_EQ(*Base32Decode("mzxw 6ytb oi"), "foobar");
  EXPECT_FALSE(Base32Decode("MZ1").has_value());
  const std::string secret = NewTotpSecret();
  EXPECT_EQ(secret.size(), 32u);
  EXPECT_EQ(Base32Decode(secret)->size(), 20u);
  EXPECT_EQ(OtpAuthUri("Dossier", "kim", "ABC"),
            "otpauth://totp/Dossier:kim?secret=ABC&issuer=Dossier&algorithm=SHA1&digits=6&period=30");
}

TEST(Passwords, Argon2idHashVerifiesOnlyTheRightPassword) {
  auto h = HashPassword("correct horse battery", PasswordCost::Minimum());
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->starts_with("$argon2id$"));
  EXPECT_TRUE(VerifyPassword(*h, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*h, "correct horse batterY"));
  EXPECT_FALSE(VerifyPassword("", "x"));
  EXPECT_FALSE(CheckNewPassword("short").ok());
  EXPECT_TRUE(CheckNewPassword("long enough pass").ok());
  EXPECT_FALSE(CheckUserName("a b").ok());
  EXPECT_FALSE(CheckUserName("").ok());
  EXPECT_TRUE(CheckUserName("kim.sun-hui@ngo").ok());
}

TEST(Roles, MatrixOfDocsApi) {
  EXPECT_TRUE(Allows(Role::kDocumenter, Permission::kWrite));
  EXPECT_FALSE(Allows(Role::kDocumenter, Permission::kDelete));
  EXPECT_TRUE(Allows(Role::kCaseOfficer, Permission::kDelete));
  EXPECT_FALSE(Allows(Role::kAnalyst, Permission::kWrite));
  EXPECT_TRUE(Allows(Role::kAnalyst, Permission::kHistory));
  EXPECT_FALSE(Allows(Role::kViewer, Permission::kHistory));
  EXPECT_FALSE(Allows(Role::kCaseOfficer, Permission::kAdmin));
  EXPECT_TRUE(Allows(Role::kAdministrator, Permission::kAdmin));
  EXPECT_FALSE(SeesRestricted(Role::kAnalyst));
  EXPECT_TRUE(SeesRestricted(Role::kDocumenter));
  for (const char* n : {"administrator", "case_officer", "documenter", "analyst", "viewer"}) {
    EXPECT_STREQ(RoleName(*ParseRole(n)), n);
  }
  EXPECT_FALSE(ParseRole("root").has_value());
}

TEST(Sessions, ExpireWhenIdleAndCanBeRevoked) {
  SessionManager m(std::chrono::seconds(1), std::chrono::seconds(60));
  auto [token, info] = m.Create("kim", Role::kViewer);
  EXPECT_EQ(token.size(), 43u);
  EXPECT_NE(info.csrf_token, token);
  ASSERT_TRUE(m.Find(token).has_value());
  EXPECT_EQ(m.Find(token)->user, "kim");
  EXPECT_FALSE(m.Find(token + "x").has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_FALSE(m.Find(token).has_value());
  auto [t2, i2] = m.Create("lee", Role::kAnalyst);
  m.RemoveUser("lee");
  EXPECT_FALSE(m.Find(t2).has_value());
}

TEST(Sessions, AbsoluteExpiryEvenWhenBusy) {
  SessionManager m(std::chrono::seconds(60), std::chrono::seconds(1));
  auto [token, info] = m.Create("kim", Role::kViewer);
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(m.Find(token).has_value());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(m.Find(token).has_value());
}

TEST(Throttle, BacksOffExponentiallyPerUserAndPerAddress) {
  ThrottleOptions o;
  o.free_attempts = 2;
  o.base = std::chrono::seconds(10);
  LoginThrottle t(o);
  auto now = LoginThrottle::Clock::now();
  t.Failure("kim", "10.0.0.1", now);
  EXPECT_EQ(t.RetryAfter("kim", "10.0.0.2", now), 0);
  t.Failure("kim", "10.0.0.1", now);
  EXPECT_EQ(t.RetryAfter("kim", "10.0.0.2", now), 10);  // per user
  EXPECT_EQ(t.RetryAfter("lee", "10.0.0.1", now), 10);  // per address
  EXPECT_EQ(t.RetryAfter("lee", "10.0.0.2", now), 0);
  t.Failure("kim", "10.0.0.1", now);
  EXPECT_EQ(t.RetryAfter("kim", "10.0.0.9", now), 20);
  t.Failure("kim", "10.0.0.1", now);
  EXPECT_EQ(t.RetryAfter("kim", "10.0.0.9", now), 40);
  EXPECT_EQ(t.RetryAfter("kim", "10.0.0.9", now + std::chrono::seconds(41)), 0);
  t.Success("kim", "10.0.0.1");
  EXPECT_EQ(t.RetryAfter("kim", "10.0.0.9", now), 0);
  // Success for one account does not clear the address's record of failures against others.
  EXPECT_EQ(t.RetryAfter("lee", "10.0.0.1", now), 40);
}

}  // namespace
}  // namespace dossier::http
