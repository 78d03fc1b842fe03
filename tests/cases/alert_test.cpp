// Urgent-action alerts, the pure parts: templates in English and Korean with pseudonyms or released
// names (and the consent recorded), the approval rules, webhook signatures, retry backoff, the
// MIME message and the Atom feed.
#include <gtest/gtest.h>

#include <sodium.h>

#include "cases/alerts.h"
#include "cases/delivery.h"
#include "domain/validate.h"

namespace dossier::cases {
namespace {

std::string Base64Decode(std::string_view b64) {
  std::string out(b64.size(), '\0');
  size_t n = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), b64.data(), b64.size(), "\r\n", &n,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return "(not base64)";
  }
  out.resize(n);
  return out;
}

class AlertTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = Catalog::Load(DOSSIER_SOURCE_DIR "/data");
    ASSERT_TRUE(c.ok());
    catalog_ = std::move(*c);
    case_.id = "case-1";
    case_.title = "SECRET title";
    case_.person_ids = {"per-1", "per-2"};
    case_.status = CaseStatus::kDetainedInChina;
    case_.opened = PartialDate::Day(2025, 3, 1);
    case_.next_deadline = PartialDate::Day(2099, 3, 15);
    persons_ = {{"per-1", "P-AAAA", "Ri Sun-hui", "리순희", "individual", std::nullopt},
                {"per-2", "P-BBBB", "Kim family", "김씨 가족", "family", ApproximateCount{4, "about"}}};
    Transition t;
    t.to = CaseStatus::kDetainedInChina;
    t.date = PartialDate::Day(2025, 3, 3);
    latest_ = t;
    draft_.case_id = "case-1";
    draft_.actions = {"urge_no_return", "request_unhcr_access"};
    draft_.contacts = {"prc_mfa", "unhcr"};
    draft_.respond_by = PartialDate::Day(2099, 3, 10);
  }
  AlertContext Ctx() const { return AlertContext{case_, persons_, latest_, catalog_}; }
  Alert Composed() {
    auto a = Compose(draft_, Ctx(), "officer", "2099-01-01T00:00:00.000Z", TodayDays());
    EXPECT_TRUE(a.ok()) << a.error().message;
    Alert out = a.ok() ? *a : Alert{};
    out.id = "alert-1";
    return out;
  }
  NameRelease Release() const {
    NameRelease r;
    r.person_ids = {"per-1"};
    r.consent_by = "her brother in Seoul";
    r.basis = "family_consent";
    r.consented_on = PartialDate::Day(2025, 3, 4);
    r.released_by = "officer";
    r.released_at = "2025-03-04T10:00:00Z";
    return r;
  }

  Catalog catalog_;
  Case case_;
  std::vector<AlertPerson> persons_;
  std::optional<Transition> latest_;
  AlertDraft draft_;
};

TEST_F(AlertTest, ComposedTextsSayWhatHappenedWhoWhatToDoWhomToContactAndByWhenInBothLanguages) {
  Alert a = Composed();
  EXPECT_EQ(a.status, AlertStatus::kDraft);
  EXPECT_EQ(a.en.subject, "Urgent action: 5 people at risk of forced return to North Korea (act by 10 March 2099)");
  EXPECT_NE(a.en.body.find("detained by the Chinese authorities on 3 March 2025"), std::string::npos) << a.en.body;
  EXPECT_NE(a.en.body.find("Who is at risk\n- P-AAAA\n- P-BBBB (a family of about 4)\n"), std::string::npos) << a.en.body;
  EXPECT_NE(a.en.body.find("- Urge the Chinese authorities not to return them"), std::string::npos);
  EXPECT_NE(a.en.body.find("Whom to contact\n- PRC Ministry of Foreign Affairs\n"), std::string::npos) << a.en.body;
  EXPECT_NE(a.en.body.find("Please act before 10 March 2099."), std::string::npos);
  EXPECT_EQ(a.ko.subject, "긴급 행동: 5명 북한 강제송환 위험 (2099년 3월 10일까지)");
  EXPECT_NE(a.ko.body.find("2025년 3월 3일 중국 당국에 구금"), std::string::npos) << a.ko.body;
  EXPECT_NE(a.ko.body.find("위험에 처한 사람\n- P-AAAA\n- P-BBBB (가족, 약 4명)\n"), std::string::npos) << a.ko.body;
  EXPECT_NE(a.ko.body.find("중국 외교부"), std::string::npos);
  EXPECT_NE(a.ko.body.find("2099년 3월 10일까지 행동해 주십시오."), std::string::npos);
  // Without released names, delivered and pseudonymised texts are the same, and no name appears.
  EXPECT_EQ(a.en, a.public_en);
  EXPECT_EQ(a.ko, a.public_ko);
  EXPECT_EQ(a.en.body.find("Ri Sun-hui"), std::string::npos);
  EXPECT_EQ(a.ko.body.find("리순희"), std::string::npos);
  EXPECT_EQ(a.en.body.find("SECRET"), std::string::npos) << "the case title is not part of an alert";
}

TEST_F(AlertTest, TheSubjectOfAnAlertAboutPeopleAlreadyReturnedDoesNotCallThemAtRiskOfReturn) {
  case_.status = CaseStatus::kReturnedToDprk;
  latest_->to = CaseStatus::kReturnedToDprk;
  Alert a = Composed();
  EXPECT_EQ(a.en.subject,
            "Urgent action: 5 people forcibly returned to North Korea, at risk of torture (act by 10 March 2099)");
  EXPECT_EQ(a.ko.subject, "긴급 행동: 5명 북한 강제송환, 고문 위험 (2099년 3월 10일까지)");
  EXPECT_NE(a.en.body.find("were forcibly returned to North Korea on 3 March 2025"), std::string::npos) << a.en.body;
}

TEST_F(AlertTest, RespondByDefaultsToTheCaseDeadlineAndMustNotHavePassed) {
  draft_.respond_by.reset();
  EXPECT_EQ(Composed().respond_by, PartialDate::Day(2099, 3, 15));
  draft_.respond_by = PartialDate::Day(2001, 1, 1);
  auto r = Compose(draft_, Ctx(), "officer", "now", TodayDays());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("field 'respond_by'"), std::string::npos);
}

TEST_F(AlertTest, UnknownActionsAndContactsAreRefusedNamingTheField) {
  draft_.actions = {"storm_the_embassy"};
  auto r = Compose(draft_, Ctx(), "officer", "now", TodayDays());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("field 'actions'"), std::string::npos);
  draft_.actions = {"urge_release"};
  draft_.contacts = {"nobody"};
  r = Compose(draft_, Ctx(), "officer", "now", TodayDays());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("field 'contacts'"), std::string::npos);
}

TEST_F(AlertTest, ReleasedNamesAppearOnlyForThoseReleasedWithTheConsentRecorded) {
  Alert a = Composed();
  ASSERT_TRUE(ReleaseNames(a, Release(), Ctx(), TodayDays()).ok());
  ASSERT_TRUE(a.release.has_value());
  EXPECT_EQ(a.release->consent_by, "her brother in Seoul");
  EXPECT_EQ(a.release->basis, "family_consent");
  EXPECT_EQ(a.release->released_by, "officer");
  EXPECT_NE(a.en.body.find("- Ri Sun-hui\n- P-BBBB (a family of about 4)"), std::string::npos) << a.en.body;
  EXPECT_NE(a.ko.body.find("- 리순희\n- P-BBBB (가족, 약 4명)"), std::string::npos) << a.ko.body;
  // The pseudonymised rendering stays beside it for readers who may not see names.
  EXPECT_EQ(a.public_en.body.find("Ri Sun-hui"), std::string::npos);
  EXPECT_NE(a.public_en.body.find("P-AAAA"), std::string::npos);
  // The API form for such readers carries neither the names nor the release.
  const auto pseud = ToJson(a, /*pseudonymised=*/true);
  EXPECT_EQ(pseud.dump().find("Ri Sun-hui"), std::string::npos);
  EXPECT_TRUE(pseud["release"].is_null());
  // Stored form round-trips everything.
  auto back = AlertFromStored(nlohmann::json::parse(ToStored(a).dump()));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, a);
}

TEST_F(AlertTest, ANameReleaseNeedsConsentABasisAndPersonsOfTheCase) {
  Alert a = Composed();
  NameRelease r = Release();
  r.consent_by = "";
  EXPECT_NE(ReleaseNames(a, r, Ctx(), TodayDays()).error().message.find("field 'consent_by'"), std::string::npos);
  r = Release();
  r.basis = "because";
  EXPECT_NE(ReleaseNames(a, r, Ctx(), TodayDays()).error().message.find("field 'basis'"), std::string::npos);
  r = Release();
  r.person_ids = {"per-other"};
  EXPECT_NE(ReleaseNames(a, r, Ctx(), TodayDays()).error().message.find("field 'person_ids'"), std::string::npos);
  r = Release();
  r.consented_on = PartialDate::Day(2999, 1, 1);
  EXPECT_NE(ReleaseNames(a, r, Ctx(), TodayDays()).error().message.find("field 'consented_on'"), std::string::npos);
  EXPECT_FALSE(a.release.has_value()) << "a refused release changes nothing";
  EXPECT_EQ(a.en, a.public_en);
}

TEST_F(AlertTest, TheComposerCannotApproveTheirOwnAlertNorCanWhoeverReleasedTheNames) {
  Alert a = Composed();
  Status own = Approve(a, "officer", "t");
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(own.error().code, ErrorCode::kPermissionDenied);
  NameRelease r = Release();
  r.released_by = "second";
  ASSERT_TRUE(ReleaseNames(a, r, Ctx(), TodayDays()).ok());
  EXPECT_EQ(Approve(a, "second", "t").error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(a.status, AlertStatus::kDraft);
  ASSERT_TRUE(Approve(a, "admin", "2099-01-02T00:00:00Z").ok());
  EXPECT_EQ(a.status, AlertStatus::kApproved);
  EXPECT_EQ(a.approved_by, "admin");
}

TEST_F(AlertTest, OnlyADraftIsApprovedEditedOrGivenNamesAndWithdrawalIsFinal) {
  Alert a = Composed();
  ASSERT_TRUE(Approve(a, "admin", "t").ok());
  EXPECT_EQ(Approve(a, "other", "t").error().code, ErrorCode::kConflict);
  EXPECT_EQ(Revise(a, draft_, Ctx(), TodayDays()).error().code, ErrorCode::kConflict);
  EXPECT_EQ(ReleaseNames(a, Release(), Ctx(), TodayDays()).error().code, ErrorCode::kConflict);
  EXPECT_EQ(Withdraw(a, "admin", "", "t").error().code, ErrorCode::kInvalidArgument) << "a reason is required";
  ASSERT_TRUE(Withdraw(a, "admin", "the family asked us to stop", "t").ok());
  EXPECT_EQ(a.status, AlertStatus::kWithdrawn);
  EXPECT_EQ(Withdraw(a, "admin", "again", "t").error().code, ErrorCode::kConflict);
}

TEST_F(AlertTest, ApprovalQueuesOneRowPerActiveSubscriberAndChannelInTheSubscribersLanguage) {
  Alert a = Composed();
  ASSERT_TRUE(Approve(a, "admin", "2099-01-02T00:00:00Z").ok());
  Subscriber both{"sub-1", "Partner", "both", "http://127.0.0.1:9/hook", "0123456789abcdef", "x@example.org", "t", true, ""};
  Subscriber ko{"sub-2", "Korean partner", "ko", "", "", "k@example.org", "t", true, ""};
  Subscriber off{"sub-3", "Gone", "en", "http://127.0.0.1:9/", "0123456789abcdef", "", "t", false, ""};
  auto rows = AlertDeliveries(a, {both, ko, off}, 1000);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].channel, "webhook");
  EXPECT_EQ(rows[0].key, "alert/alert-1/sub-1/webhook");
  auto hook = nlohmann::json::parse(rows[0].payload);
  EXPECT_TRUE(hook["alert"]["texts"].contains("en"));
  EXPECT_TRUE(hook["alert"]["texts"].contains("ko"));
  auto mail_ko = nlohmann::json::parse(rows[2].payload);
  EXPECT_EQ(mail_ko["subject"], a.ko.subject);
  EXPECT_EQ(rows[2].recipient, "k@example.org");
}

TEST(WebhookSignature, IsHmacSha256OverTimestampDotBodyAndVerifiesOnlyWithTheSecret) {
  ASSERT_GE(sodium_init(), 0);
  const std::string body = R"({"type":"urgent_action"})";
  const std::string sig = WebhookSignature("shared-secret-123456", 1700000000, body);
  EXPECT_TRUE(sig.starts_with("t=1700000000,v1="));
  EXPECT_EQ(sig.size(), std::string("t=1700000000,v1=").size() + 64);
  EXPECT_TRUE(VerifyWebhookSignature("shared-secret-123456", sig, body));
  EXPECT_FALSE(VerifyWebhookSignature("another-secret-12345", sig, body));
  EXPECT_FALSE(VerifyWebhookSignature("shared-secret-123456", sig, body + " "));
  // Independently: HMAC-SHA256 of "1700000000." + body.
  const std::string text = "1700000000." + body;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  const std::string key = "shared-secret-123456";
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  EXPECT_EQ(sig.substr(sig.find("v1=") + 3), hex);
}

TEST(Backoff, DoublesFromTheBaseUpToTheCapWithinTheJitter) {
  RetryPolicy p;
  p.base = std::chrono::milliseconds(100);
  p.cap = std::chrono::milliseconds(1000);
  p.jitter = 0.2;
  EXPECT_EQ(Backoff(p, 1, 0.5).count(), 100);
  EXPECT_EQ(Backoff(p, 2, 0.5).count(), 200);
  EXPECT_EQ(Backoff(p, 3, 0.5).count(), 400);
  EXPECT_EQ(Backoff(p, 10, 0.5).count(), 1000);
  EXPECT_EQ(Backoff(p, 1, 0.0).count(), 80);
  EXPECT_EQ(Backoff(p, 1, 0.999999).count(), 119);
}

TEST(MimeMessage, EncodesAKoreanSubjectAsEncodedWordsAndTheBodyAsBase64Lines) {
  ASSERT_GE(sodium_init(), 0);
  const std::string subject = "긴급 행동: 5명 북한 강제송환 위험 (2099년 3월 10일까지) / Urgent action";
  const std::string body = "무슨 일이 있었나\n아래 사람들은 구금되었습니다.\n" + std::string(300, 'x') + "\n";
  const std::string m = MimeMessage("alerts@ngo.example", "partner@example.org", subject, body, "dlv-1", 1700000000);
  const size_t split = m.find("\r\n\r\n");
  ASSERT_NE(split, std::string::npos);
  const std::string head = m.substr(0, split + 2), tail = m.substr(split + 4);
  EXPECT_NE(head.find("From: <alerts@ngo.example>\r\n"), std::string::npos);
  EXPECT_NE(head.find("To: <partner@example.org>\r\n"), std::string::npos);
  EXPECT_NE(head.find("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Message-ID: <dlv-1@ngo.example>\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Transfer-Encoding: base64\r\n"), std::string::npos);
  // The subject: encoded words of at most 75 characters, each decoding to whole UTF-8 characters.
  const size_t s0 = head.find("Subject: ") + 9;
  const std::string folded = head.substr(s0, head.find("\r\nDate:") - s0);
  std::string decoded;
  size_t at = 0;
  while ((at = folded.find("=?UTF-8?B?", at)) != std::string::npos) {
    const size_t end = folded.find("?=", at + 10);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end + 2 - at, 75u);
    decoded += Base64Decode(folded.substr(at + 10, end - at - 10));
    at = end + 2;
  }
  EXPECT_EQ(decoded, subject);
  for (size_t line = 0; line < tail.size();) {
    const size_t eol = tail.find("\r\n", line);
    ASSERT_NE(eol, std::string::npos);
    EXPECT_LE(eol - line, 76u);
    line = eol + 2;
  }
  std::string crlf_body;
  for (char c : body) crlf_body += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(Base64Decode(tail), crlf_body);
}

TEST(Reminders, ListOverdueAndUpcomingDatesWithTheDaysLeftAndNothingForClosedCases) {
  Case c;
  c.id = "case-1";
  c.next_deadline = PartialDate::Day(2025, 3, 20);
  Intervention answered, open, later;
  answered.id = "civ-1", answered.follow_up = PartialDate::Day(2025, 3, 1), answered.outcome = "done";
  open.id = "civ-2", open.follow_up = PartialDate::Day(2025, 3, 5);
  later.id = "civ-3", later.follow_up = PartialDate::Day(2025, 6, 1);
  const long today = DaysFromCivil(2025, 3, 10);
  auto r = Reminders(c, {answered, open, later}, today, 14);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].what, "deadline");
  EXPECT_EQ(r[0].days_left, 10);
  EXPECT_EQ(r[1].record_id, "civ-2");
  EXPECT_EQ(r[1].days_left, -5);
  c.status = CaseStatus::kClosed;
  EXPECT_TRUE(Reminders(c, {open}, today, 14).empty());
}

}  // namespace
}  // namespace dossier::cases
