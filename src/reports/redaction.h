// Redaction for anything that leaves the organisation (submissions, statistics, HXL exports).
//
// Each rule is a pure function so it can be tested on its own:
//   PublishedLabel      a person appears under their pseudonym, never a name
//   PublishablePerson   what of a person may be published: no names, family links, notes or birth
//                       date; at most an age band at the time of the incident
//   AgeBand             birth date -> "20–29" at a given year
//   CoarsenPlace        any place -> its province
//   Suppress / SecondarySuppression
//                       counts under the threshold (5 by default) become "fewer than 5", and one
//                       more cell is hidden when a lone hidden cell could be worked out from a total
//   Generalise          k-anonymity: the published quasi-identifiers (sex, age band, origin
//                       province, year) must be shared by at least k persons in the database;
//                       otherwise widen the age band, drop fields, and at last withhold them all
//   CheckUnredaction    un-redacting needs an administrator or case officer and a reason
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/keyring.h"
#include "domain/catalog.h"
#include "domain/model.h"
#include "domain/result.h"

namespace dossier::reports {

struct RedactionPolicy {
  bool redact = true;         // false only after CheckUnredaction
  int64_t threshold = 5;      // counts 1..threshold-1 are suppressed
  int64_t k = 5;              // smallest group of persons a published description may fit
};

// A count as sources give it: exact, or a lower bound ("more than 30" -> at least 31), or about.
struct Count {
  int64_t value = 0;
  bool lower_bound = false;
  bool approximate = false;
  Count& operator+=(const Count& o);
};
Count CountOf(const ApproximateCount& c);

// "P-XXXX-XXXX" when redacting; otherwise the person's names joined by " / ".
std::string PublishedLabel(const Person& p, const crypto::Keyring& keyring, bool redact);

// The fields of a person a document may show. Never holds links, notes or a birth date.
struct PublishablePerson {
  std::string label;           // pseudonym (or names when not redacting)
  std::string unit;            // individual, family, group
  std::optional<Count> group_size;
  std::string sex;             // may be emptied by Generalise
  std::string age_band;        // "" when unknown or withheld
  std::string origin;          // province code when redacting; "" when withheld
  std::string birth_date;      // only when not redacting
};
PublishablePerson PublishablePersonOf(const Person& p, const crypto::Keyring& keyring, const Catalog& catalog,
                                      int at_year, const RedactionPolicy& policy);

// Age at `at_year` in a band of `width` years: "20–29"; "" when the birth date is unknown or the
// age would be negative.
std::string AgeBand(const std::optional<PartialDate>& birth, int at_year, int width = 10);

// The province a place lies in (the place itself for countries and provinces); "" stays "".
std::string CoarsenPlace(const Catalog& catalog, std::string_view place);

// A published number: `suppressed` when 0 < value < threshold (exact counts only matter here: a
// lower bound under the threshold is suppressed too).
struct PublishedCount {
  bool suppressed = false;
  Count count;
};
PublishedCount Suppress(const Count& c, int64_t threshold);
// "fewer than 5" / "5명 미만" (unit "persons") or "5건 미만" (other units); otherwise the number,
// "at least 31" / "31명 이상", "about 12" / "약 12".
std::string FormatCount(const PublishedCount& c, int64_t threshold, std::string_view lang,
                        std::string_view unit = "persons");

// Which cells of a table with a published total to hide: every cell 0 < v < threshold, and, when
// exactly one cell is hidden, also the smallest other non-zero cell (else the total minus the
// shown cells would give the hidden one away).
std::vector<bool> SecondarySuppression(const std::vector<int64_t>& cells, int64_t threshold);

// Quasi-identifiers of one person as a document would publish them.
struct QuasiIdentifiers {
  std::string sex;
  int birth_year = 0;  // 0 = unknown; banded at publication
  std::string origin_province;
  int year = 0;        // year of the incident described
};

struct Generalisation {
  bool publish_sex = true;
  int age_band_width = 10;     // 0 = age withheld
  bool publish_origin = true;
  bool withheld = false;       // nothing beyond the year could be published safely
  int64_t class_size = 0;      // persons in the database matching what is published
  std::vector<std::string> steps;  // what was widened or dropped, in words (English)
};

// How many persons of `population` match `person` on the fields `g` publishes.
int64_t ClassSize(const std::vector<QuasiIdentifiers>& population, const QuasiIdentifiers& person,
                  const Generalisation& g);
// The least generalisation at which at least `k` persons of `population` share what is published
// about `person`: age band 10 -> 20 years, then origin dropped, then sex and age dropped, then
// everything withheld.
Generalisation Generalise(const std::vector<QuasiIdentifiers>& population, const QuasiIdentifiers& person, int64_t k);

// Un-redacting needs role administrator or case_officer and a reason of at least 10 characters.
Status CheckUnredaction(std::string_view role, std::string_view reason);

}  // namespace dossier::reports
