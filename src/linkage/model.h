// The Fellegi-Sunter model: records, field comparisons, EM training without labels, explained scores.
//
// LinkRecord is what linkage compares: the person fields that Dossier holds (names with script and
// kind, birth date with precision, sex, origin, incident places and dates) plus optional extra
// attributes from partner files. PrepareRecords normalises them once (NormaliseName, day numbers).
// Compare maps a pair to an agreement pattern (one level per field); Model holds m and u per level
// and λ; TrainModel estimates u from random pairs and m, λ by EM over the patterns of candidate
// pairs (no labels). Score gives the match weight; Explain gives it field by field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/partial_date.h"
#include "domain/result.h"
#include "linkage/names.h"

namespace dossier::linkage {

struct LinkName {
  std::string value;   // as written: "리순희", "李顺姬", "Ri Sun-hui"
  std::string script;  // vocabulary "scripts" (hangul, hanja, latin, chinese, other); informative
  std::string kind;    // vocabulary "name_kinds" (legal, alias, ...); informative
  std::string family;  // when the source has separate fields (then `value` may be empty)
  std::string given;
};

struct LinkRecord {
  std::string source;  // data set or "db"
  std::string id;      // record id within the source (person id for the database)
  std::vector<LinkName> names;
  std::optional<PartialDate> birth_date;
  std::string sex;     // "male", "female"; "" or "unknown" = missing
  std::string origin;  // gazetteer code, e.g. "kp-nh-onsong"; compared by code prefix
  std::vector<std::string> incident_places;  // gazetteer codes
  std::vector<PartialDate> incident_dates;
  std::vector<std::string> attributes;       // extra fields, in the order of ModelOptions::attributes
};

enum class AttributeCompare { kExact, kFuzzy };
struct AttributeSpec {
  std::string name;
  AttributeCompare compare = AttributeCompare::kExact;
  bool term_frequency = false;
};

struct ModelOptions {
  NameMode name_mode = NameMode::kKorean;
  std::vector<AttributeSpec> attributes;
  bool name_term_frequency = true;
};

enum class Field : uint8_t {
  kFamilyName, kGivenName, kBirthDate, kSex, kOrigin, kIncidentPlace, kIncidentDate, kAttribute
};

// One comparison of the model: a field (or attribute index) with its ordered levels.
struct Comparison {
  Field field;
  int attribute = -1;
  std::string name;                 // "family_name", "birth_date", "attr:email"
  std::vector<std::string> levels;  // level 0 is always "null" (a side is missing: weight 0)
  bool term_frequency = false;
};

constexpr int kMaxComparisons = 16;
using Pattern = uint64_t;  // 4 bits per comparison: the level index
inline int LevelOf(Pattern p, int c) { return static_cast<int>((p >> (4 * c)) & 0xF); }

// Comparison forms of one name part, computed once per record (PrepareRecords) so that the pair
// loop compares integers: 64-bit hashes of the forms (0 = absent).
struct PartCode {
  uint64_t fuzzy = 0, key = 0, hanja = 0, pinyin = 0;
  uint32_t fuzzy_letters = 0, key_letters = 0;  // letter sets (32 bins), to skip hopeless Jaro-Winkler
  uint8_t fuzzy_at = 0, fuzzy_len = 0, key_at = 0, key_len = 0;  // in InlineReading::text, when inline
  bool present = false;       // !NamePart::empty()
  bool fuzzy_is_key = false;  // the fuzzy form is the key's letters (no second Jaro-Winkler)
};
struct NameCode {
  PartCode family, given;
};

// A record after normalisation; built once, compared many times.
//
// The comparison loop is bound by memory latency, not arithmetic: a random pair used to touch a
// dozen heap blocks per record (vectors of readings, strings). So everything Compare needs for a
// record with at most two name readings whose forms are ASCII (every Korean-mode record: the
// fuzzy form is Latin letters or the key) sits in the record itself: a 64-byte line of dates, sex
// and origin, then per reading 128 bytes of codes and the letters for Jaro-Winkler. A pair of
// one-reading records thus touches three cache lines each. Other records (more readings, longer
// or non-ASCII forms) are compared from the vectors below, with the same results.
struct alignas(64) PreparedRecord {
  static constexpr size_t kInlineReadings = 2;
  static constexpr size_t kTextBytes = 32;
  struct InlineReading {
    NameCode code;
    char text[kTextBytes] = {};  // ASCII fuzzy and key forms of both parts, see PartCode::*_at
    std::string_view Text(uint8_t at, uint8_t len) const { return {text + at, len}; }
  };
  uint8_t readings = 0;      // names.size()
  bool text_inline = false;  // the codes and Jaro-Winkler forms of every reading are in `inline_readings`
  bool has_birth = false;
  bool birth_approx = false;
  int8_t sex = 0;  // 0 missing, 1 male, 2 female, 3 other
  DatePrecision birth_precision = DatePrecision::kYear;
  int birth_year = 0, birth_month = 0, birth_day = 0;
  long birth_lo = 0, birth_hi = 0;  // day numbers of the earliest and latest day meant
  char birth_digits[8] = {};  // YYYYMMDD of a day-precision birth date
  uint64_t origin_code = 0, region_code = 0;
  alignas(64) InlineReading inline_readings[kInlineReadings];  // readings <= kInlineReadings
  // The codes of reading i, wherever they are.
  const NameCode& code(size_t i) const { return readings <= kInlineReadings ? inline_readings[i].code : codes[i]; }

  std::vector<NameForms> names;
  std::vector<NameCode> codes;  // parallel to names, only when readings > kInlineReadings
  std::string origin;
  std::vector<std::string> places;
  std::vector<long> dates;
  std::vector<std::string> attributes;
  std::vector<std::u32string> attributes_u32;
  std::vector<uint64_t> place_codes;
  std::vector<uint64_t> attribute_codes;
};

std::vector<PreparedRecord> PrepareRecords(const NameTables& tables, const std::vector<LinkRecord>& records,
                                           const ModelOptions& options, int threads = 1);

struct Model {
  std::vector<Comparison> comparisons;
  std::vector<std::vector<double>> m, u;  // [comparison][level]; level 0 unused
  double lambda = 1e-4;                   // prior probability that a candidate pair matches
  // Term frequencies: value -> share of records, per comparison with term_frequency.
  std::vector<std::unordered_map<std::string, double>> tf;
  int em_iterations = 0;
};

// The comparisons that apply to these records (fields that no record has are left out).
std::vector<Comparison> BuildComparisons(const std::vector<PreparedRecord>& records, const ModelOptions& options);

// The agreement pattern of a pair, and which name readings gave it (for the tf lookup).
struct Compared {
  Pattern pattern = 0;
  uint8_t name_a = 0, name_b = 0;
};
Compared Compare(const std::vector<Comparison>& comparisons, const PreparedRecord& a, const PreparedRecord& b);

// u from `random_pairs` pairs drawn with a fixed seed (all pairs if fewer); m and λ by EM over the
// pattern counts of candidate pairs. pattern_counts: pattern -> number of candidate pairs.
struct TrainOptions {
  size_t random_pairs = 1'000'000;
  int max_iterations = 100;
  double tolerance = 1e-6;
  uint64_t seed = 42;
  int threads = 1;  // for comparing the random pairs
};
// A training session, after Splink: the pattern counts of the pairs one blocking rule yields, with
// the comparisons that rule blocks on masked (their levels are biased by the blocking, so the
// session neither uses nor estimates them). m of a comparison is averaged over the sessions that
// leave it unmasked; λ is then fitted on all candidate pairs.
struct TrainingSession {
  std::vector<bool> masked;  // per comparison
  std::vector<std::pair<Pattern, uint64_t>> pattern_counts;
};
Model TrainModel(const std::vector<Comparison>& comparisons, const std::vector<PreparedRecord>& records,
                 const std::vector<TrainingSession>& sessions,
                 const std::vector<std::pair<Pattern, uint64_t>>& pattern_counts,  // all candidate pairs
                 const std::vector<uint32_t>& source_of,  // per record; for link-only sampling, else empty
                 const TrainOptions& options = {});

// Term frequencies of name keys and tf attributes, over the records.
void ComputeTermFrequencies(Model& model, const std::vector<PreparedRecord>& records);

// Match weight (log2 Bayes factor incl. prior) of a compared pair.
double Score(const Model& model, const PreparedRecord& a, const PreparedRecord& b, const Compared& c);
double MatchProbability(double weight);

// The model in the form the scoring loop wants: log2(m/u) per comparison and level, and per record
// and name reading the log2 term frequency of each tf comparison's value (looked up once per record,
// not per pair). ScoreFast(tables, a, b, c) == Score(model, records[a], records[b], c).
struct ScoringTables {
  double prior = 0;
  size_t comparisons = 0;
  std::vector<double> weight;   // [c * 16 + level]
  std::vector<double> log2_u;   // [c * 16 + level]
  std::vector<int8_t> tf_kind;  // per comparison: 0 none, 1 family, 2 given, 3 attribute
  std::vector<uint32_t> tf_offset;  // per record into tf_log2: readings x comparisons
  std::vector<float> tf_log2;       // log2 frequency; kNoTf when the value is not in the table
  static constexpr float kNoTf = -1e30f;
};
ScoringTables BuildScoringTables(const Model& model, const std::vector<PreparedRecord>& records);
double ScoreFast(const ScoringTables& t, uint32_t a, uint32_t b, const Compared& c);

struct FieldExplanation {
  std::string comparison;  // "family_name"
  std::string level;       // "phonetic_key"
  std::string value_a, value_b;
  double m = 0, u = 0;
  double weight = 0;       // log2(m/u)
  double tf_adjustment = 0;  // added for a rare or common value
};
struct Explanation {
  double prior_weight = 0;  // log2(λ/(1-λ))
  std::vector<FieldExplanation> fields;
  double total = 0;
  double probability = 0;
};
Explanation Explain(const Model& model, const PreparedRecord& a, const PreparedRecord& b);

}  // namespace dossier::linkage
