#include "linkage/model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <array>
#include <random>
#include <thread>
#include <type_traits>

namespace dossier::linkage {

// One reading's codes and letters fill two cache lines exactly (see PreparedRecord).
static_assert(sizeof(PreparedRecord::InlineReading) == 128);

namespace {

const std::vector<std::string> kNameLevels = {"null", "exact", "hanja_or_pinyin", "phonetic_key",
                                              "jaro_winkler_0.92", "jaro_winkler_0.80", "different"};
const std::vector<std::string> kDateLevels = {"null", "exact", "compatible", "within_month_or_typo",
                                              "year_off_by_one", "different"};

uint64_t Hash(std::string_view bytes) {  // FNV-1a, 0 reserved for "absent"
  if (bytes.empty()) return 0;
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bytes) { h ^= c; h *= 1099511628211ULL; }
  return h | 1;
}
template <typename C>
uint64_t HashOf(const std::basic_string<C>& s) {
  return Hash(std::string_view(reinterpret_cast<const char*>(s.data()), s.size() * sizeof(C)));
}

inline uint32_t LetterBit(char32_t c) {
  return c < 128 ? uint32_t{1} << (c & 31) : uint32_t{1} << ((static_cast<uint32_t>(c) * 2654435761u) >> 27);
}
template <typename S>
uint32_t LettersOf(const S& s) {
  uint32_t m = 0;
  for (auto c : s) m |= LetterBit(static_cast<char32_t>(static_cast<std::make_unsigned_t<typename S::value_type>>(c)));
  return m;
}

// An upper bound of JaroWinkler(a, b): at most as many matches as characters of one string whose
// letter occurs in the other, no transpositions, the actual common prefix. Below `level`, the
// similarity need not be computed.
template <typename S>
bool JwCouldReach(const S& a, const S& b, uint32_t letters_a, uint32_t letters_b, double level) {
  using U = std::make_unsigned_t<typename S::value_type>;
  const size_t la = std::min<size_t>(a.size(), 64), lb = std::min<size_t>(b.size(), 64);  // as JaroWinkler
  if (la == 0 || lb == 0) return false;
  size_t ma = 0, mb = 0;
  for (size_t i = 0; i < la; ++i) ma += (LetterBit(static_cast<U>(a[i])) & letters_b) != 0;
  for (size_t j = 0; j < lb; ++j) mb += (LetterBit(static_cast<U>(b[j])) & letters_a) != 0;
  double m = static_cast<double>(std::min(ma, mb));
  if (m == 0) return false;
  double jaro = (m / la + m / lb + 1.0) / 3.0;
  size_t prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix]) ++prefix;
  return jaro + prefix * 0.1 * (1.0 - jaro) >= level;
}

PartCode CodeOf(const NamePart& p) {
  PartCode c;
  c.present = !p.empty();
  c.fuzzy = HashOf(p.fuzzy);
  c.key = HashOf(p.key);
  c.hanja = HashOf(p.hanja);
  c.pinyin = HashOf(p.pinyin);
  c.fuzzy_letters = LettersOf(p.fuzzy);
  c.key_letters = LettersOf(p.key);
  c.fuzzy_is_key = p.fuzzy.size() == p.key.size() &&
                   std::equal(p.fuzzy.begin(), p.fuzzy.end(), p.key.begin(),
                              [](char32_t x, char y) { return x == static_cast<unsigned char>(y); });
  return c;
}

// The level of one name part. F is the type of the Jaro-Winkler forms: bytes from the record's
// inline text, or the u32 strings of NameForms (same letters, same result).
template <typename F>
int NamePartLevel(const PartCode& ca, const PartCode& cb, F fa, F fb, std::string_view ka, std::string_view kb) {
  if (!ca.present || !cb.present) return 0;
  bool hanja_both = ca.hanja && cb.hanja;
  if (ca.fuzzy == cb.fuzzy && (!hanja_both || ca.hanja == cb.hanja)) return 1;
  if ((hanja_both && ca.hanja == cb.hanja) || (ca.pinyin && ca.pinyin == cb.pinyin)) return 2;
  if (ca.key && ca.key == cb.key) return 3;
  double jw = 0;
  if (JwCouldReach(fa, fb, ca.fuzzy_letters, cb.fuzzy_letters, 0.80)) jw = JaroWinkler(fa, fb);
  if (jw < 0.92 && !(ca.fuzzy_is_key && cb.fuzzy_is_key) &&
      JwCouldReach(ka, kb, ca.key_letters, cb.key_letters, 0.80))
    jw = std::max(jw, JaroWinkler(ka, kb));
  if (jw >= 0.92) return 4;
  if (jw >= 0.80) return 5;
  return 6;
}

// Places a part's fuzzy and key forms in a reading's inline text; false when they do not fit or
// are not ASCII.
bool PackText(const NamePart& part, PartCode& code, char* text, size_t& used) {
  auto put = [&](auto begin, auto end, uint8_t& at, uint8_t& len) {
    size_t n = static_cast<size_t>(end - begin);
    if (used + n > PreparedRecord::kTextBytes) return false;
    at = static_cast<uint8_t>(used);
    len = static_cast<uint8_t>(n);
    for (auto it = begin; it != end; ++it) {
      auto c = static_cast<uint32_t>(*it);
      if (c >= 128) return false;
      text[used++] = static_cast<char>(c);
    }
    return true;
  };
  if (!put(part.fuzzy.begin(), part.fuzzy.end(), code.fuzzy_at, code.fuzzy_len)) return false;
  if (code.fuzzy_is_key) {  // same letters: share them
    code.key_at = code.fuzzy_at;
    code.key_len = code.fuzzy_len;
    return true;
  }
  return put(part.key.begin(), part.key.end(), code.key_at, code.key_len);
}

int DateLevel(const PreparedRecord& a, const PreparedRecord& b) {
  if (!a.has_birth || !b.has_birth) return 0;
  bool both_day = a.birth_precision == DatePrecision::kDay && b.birth_precision == DatePrecision::kDay;
  if (both_day && !a.birth_approx && !b.birth_approx && a.birth_lo == b.birth_lo) return 1;
  if (!both_day || a.birth_approx || b.birth_approx) {
    if (a.birth_lo <= b.birth_hi && b.birth_lo <= a.birth_hi) return 2;
  }
  if (both_day) {
    if (std::labs(a.birth_lo - b.birth_lo) <= 31) return 3;
    if (a.birth_year == b.birth_year && a.birth_month == b.birth_day && a.birth_day == b.birth_month) return 3;
    int diff = 0;
    for (int i = 0; i < 8; ++i) diff += a.birth_digits[i] != b.birth_digits[i];
    if (diff == 1) return 3;
  }
  int dy = std::abs(a.birth_year - b.birth_year);
  if (dy == 1) {
    bool md_known = a.birth_precision != DatePrecision::kYear && b.birth_precision != DatePrecision::kYear;
    if (!md_known || (a.birth_month == b.birth_month &&
                      (a.birth_precision != DatePrecision::kDay || b.birth_precision != DatePrecision::kDay ||
                       a.birth_day == b.birth_day)))
      return 4;
  }
  return 5;
}

std::string_view Region(std::string_view code) {  // "kp-nh-onsong" -> "kp-nh"
  size_t first = code.find('-');
  if (first == std::string_view::npos) return code;
  size_t second = code.find('-', first + 1);
  return second == std::string_view::npos ? code : code.substr(0, second);
}

double Log2(double x) { return std::log2(std::max(x, 1e-300)); }

}  // namespace

std::vector<PreparedRecord> PrepareRecords(const NameTables& tables, const std::vector<LinkRecord>& records,
                                           const ModelOptions& options, int threads) {
  std::vector<PreparedRecord> out(records.size());
  auto work = [&](size_t begin, size_t end) {
    // NormaliseName is pure and names repeat (at 1M generated records, 602k distinct): each
    // distinct name is normalised once per thread.
    std::unordered_map<std::string, std::vector<NameForms>> normalised;
    std::string key;
    for (size_t i = begin; i < end; ++i) {
      const LinkRecord& r = records[i];
      PreparedRecord& p = out[i];
      for (const LinkName& n : r.names) {
        key.assign(n.value).append(1, '\0').append(n.family).append(1, '\0').append(n.given);
        auto it = normalised.find(key);
        if (it == normalised.end())
          it = normalised.emplace(key, NormaliseName(tables, {n.value, n.family, n.given}, options.name_mode)).first;
        for (const auto& f : it->second) {
          if (p.names.size() < 8) p.names.push_back(f);
        }
      }
      p.readings = static_cast<uint8_t>(p.names.size());
      const bool fits = p.names.size() <= PreparedRecord::kInlineReadings;
      if (!fits) {
        for (const auto& f : p.names) p.codes.push_back({CodeOf(f.family), CodeOf(f.given)});
      } else {
        p.text_inline = true;
        for (size_t k = 0; k < p.names.size(); ++k) {
          auto& in = p.inline_readings[k];
          in.code = {CodeOf(p.names[k].family), CodeOf(p.names[k].given)};
          size_t used = 0;
          p.text_inline = p.text_inline && PackText(p.names[k].family, in.code.family, in.text, used) &&
                          PackText(p.names[k].given, in.code.given, in.text, used);
        }
      }
      if (r.birth_date) {
        const PartialDate& d = *r.birth_date;
        p.has_birth = true;
        p.birth_lo = d.EarliestDay();
        p.birth_hi = d.LatestDay();
        if (d.approximate) { p.birth_lo -= 365; p.birth_hi += 365; }
        p.birth_year = d.year;
        p.birth_month = d.month;
        p.birth_day = d.day;
        p.birth_precision = d.precision;
        p.birth_approx = d.approximate;
        if (d.precision == DatePrecision::kDay) {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%04d%02d%02d", d.year % 10000, d.month % 100, d.day % 100);
          std::memcpy(p.birth_digits, buf, 8);
        }
      }
      std::string_view s = r.sex;
      p.sex = s == "male" || s == "m" || s == "M" ? 1 : s == "female" || s == "f" || s == "F" ? 2
              : (s.empty() || s == "unknown") ? 0 : 3;
      p.origin = r.origin;
      p.origin_code = Hash(p.origin);
      p.region_code = Hash(Region(p.origin));
      p.places = r.incident_places;
      for (const auto& x : p.places) p.place_codes.push_back(Hash(x));
      for (const auto& d : r.incident_dates) p.dates.push_back((d.EarliestDay() + d.LatestDay()) / 2);
      p.attributes = r.attributes;
      p.attributes.resize(options.attributes.size());
      for (const auto& x : p.attributes) p.attribute_codes.push_back(Hash(x));
      for (size_t k = 0; k < options.attributes.size(); ++k)
        if (options.attributes[k].compare == AttributeCompare::kFuzzy) {
          p.attributes_u32.resize(options.attributes.size());
          p.attributes_u32[k] = ToU32(p.attributes[k]);
        }
    }
  };
  threads = std::max(1, threads);
  std::vector<std::thread> pool;
  size_t chunk = (records.size() + threads - 1) / threads;
  for (int t = 0; t < threads; ++t) {
    size_t b = std::min(records.size(), t * chunk), e = std::min(records.size(), b + chunk);
    pool.emplace_back(work, b, e);
  }
  for (auto& th : pool) th.join();
  return out;
}

std::vector<Comparison> BuildComparisons(const std::vector<PreparedRecord>& records, const ModelOptions& options) {
  bool fam = false, giv = false, birth = false, sex = false, origin = false, place = false, date = false;
  std::vector<bool> attr(options.attributes.size(), false);
  for (const auto& r : records) {
    for (const auto& n : r.names) { fam |= !n.family.empty(); giv |= !n.given.empty(); }
    birth |= r.has_birth;
    sex |= r.sex != 0;
    origin |= !r.origin.empty();
    place |= !r.places.empty();
    date |= !r.dates.empty();
    for (size_t k = 0; k < attr.size(); ++k) attr[k] = attr[k] || !r.attributes[k].empty();
  }
  std::vector<Comparison> out;
  if (fam) out.push_back({Field::kFamilyName, -1, "family_name", kNameLevels, options.name_term_frequency});
  if (giv) out.push_back({Field::kGivenName, -1, "given_name", kNameLevels, options.name_term_frequency});
  if (birth) out.push_back({Field::kBirthDate, -1, "birth_date", kDateLevels, false});
  if (sex) out.push_back({Field::kSex, -1, "sex", {"null", "equal", "different"}, false});
  if (origin) out.push_back({Field::kOrigin, -1, "origin", {"null", "exact", "same_region", "different"}, false});
  if (place) out.push_back({Field::kIncidentPlace, -1, "incident_place", {"null", "shared", "none_shared"}, false});
  if (date)
    out.push_back({Field::kIncidentDate, -1, "incident_date", {"null", "within_30_days", "within_1_year", "different"}, false});
  for (size_t k = 0; k < attr.size() && out.size() < kMaxComparisons; ++k) {
    if (!attr[k]) continue;
    const auto& spec = options.attributes[k];
    std::vector<std::string> levels = spec.compare == AttributeCompare::kExact
                                          ? std::vector<std::string>{"null", "exact", "different"}
                                          : std::vector<std::string>{"null", "exact", "jaro_winkler_0.92",
                                                                     "jaro_winkler_0.80", "different"};
    out.push_back({Field::kAttribute, static_cast<int>(k), "attr:" + spec.name, levels, spec.term_frequency});
  }
  if (out.size() > kMaxComparisons) out.resize(kMaxComparisons);
  return out;
}

Compared Compare(const std::vector<Comparison>& comparisons, const PreparedRecord& a, const PreparedRecord& b) {
  Compared out;
  // Names: the pair of readings with the best family + given levels (handles swapped order, aliases).
  int best_fam = 0, best_giv = 0, best_cost = 1 << 30;
  const bool inline_text = a.text_inline && b.text_inline;
  for (size_t i = 0; i < a.readings; ++i) {
    const NameCode& ci = a.code(i);
    for (size_t j = 0; j < b.readings; ++j) {
      const NameCode& cj = b.code(j);
      int f, g;
      if (inline_text) {
        const auto& ra = a.inline_readings[i];
        const auto& rb = b.inline_readings[j];
        f = NamePartLevel<std::string_view>(ci.family, cj.family, ra.Text(ci.family.fuzzy_at, ci.family.fuzzy_len),
                                            rb.Text(cj.family.fuzzy_at, cj.family.fuzzy_len),
                                            ra.Text(ci.family.key_at, ci.family.key_len),
                                            rb.Text(cj.family.key_at, cj.family.key_len));
        g = NamePartLevel<std::string_view>(ci.given, cj.given, ra.Text(ci.given.fuzzy_at, ci.given.fuzzy_len),
                                            rb.Text(cj.given.fuzzy_at, cj.given.fuzzy_len),
                                            ra.Text(ci.given.key_at, ci.given.key_len),
                                            rb.Text(cj.given.key_at, cj.given.key_len));
      } else {
        const NameForms& na = a.names[i];
        const NameForms& nb = b.names[j];
        f = NamePartLevel<std::u32string_view>(ci.family, cj.family, na.family.fuzzy, nb.family.fuzzy, na.family.key,
                                               nb.family.key);
        g = NamePartLevel<std::u32string_view>(ci.given, cj.given, na.given.fuzzy, nb.given.fuzzy, na.given.key,
                                               nb.given.key);
      }
      int cost = (f == 0 ? 4 : f) + (g == 0 ? 4 : g);
      if (cost < best_cost) {
        best_cost = cost; best_fam = f; best_giv = g;
        out.name_a = static_cast<uint8_t>(i); out.name_b = static_cast<uint8_t>(j);
      }
    }
  }
  Pattern p = 0;
  for (size_t c = 0; c < comparisons.size(); ++c) {
    const Comparison& cmp = comparisons[c];
    int level = 0;
    switch (cmp.field) {
      case Field::kFamilyName: level = best_fam; break;
      case Field::kGivenName: level = best_giv; break;
      case Field::kBirthDate: level = DateLevel(a, b); break;
      case Field::kSex: level = (a.sex == 0 || b.sex == 0) ? 0 : a.sex == b.sex ? 1 : 2; break;
      case Field::kOrigin:
        level = (!a.origin_code || !b.origin_code) ? 0 : a.origin_code == b.origin_code ? 1
                : a.region_code == b.region_code ? 2 : 3;
        break;
      case Field::kIncidentPlace: {
        if (a.place_codes.empty() || b.place_codes.empty()) break;
        level = 2;
        for (uint64_t x : a.place_codes)
          for (uint64_t y : b.place_codes) if (x == y) level = 1;
        break;
      }
      case Field::kIncidentDate: {
        if (a.dates.empty() || b.dates.empty()) break;
        long best = 1L << 40;
        for (long x : a.dates) for (long y : b.dates) best = std::min(best, std::labs(x - y));
        level = best <= 30 ? 1 : best <= 365 ? 2 : 3;
        break;
      }
      case Field::kAttribute: {
        uint64_t x = a.attribute_codes[cmp.attribute], y = b.attribute_codes[cmp.attribute];
        if (!x || !y) break;
        if (x == y) { level = 1; break; }
        if (cmp.levels.size() == 3) { level = 2; break; }
        const auto& ua = a.attributes_u32[cmp.attribute];
        const auto& ub = b.attributes_u32[cmp.attribute];
        double jw = JwCouldReach(ua, ub, ~0u, ~0u, 0.80) ? JaroWinkler(ua, ub) : 0.0;
        level = jw >= 0.92 ? 2 : jw >= 0.80 ? 3 : 4;
        break;
      }
    }
    p |= static_cast<Pattern>(level) << (4 * c);
  }
  out.pattern = p;
  return out;
}

Model TrainModel(const std::vector<Comparison>& comparisons, const std::vector<PreparedRecord>& records,
                 const std::vector<TrainingSession>& sessions,
                 const std::vector<std::pair<Pattern, uint64_t>>& pattern_counts,
                 const std::vector<uint32_t>& source_of, const TrainOptions& options) {
  Model model;
  model.comparisons = comparisons;
  const size_t nc = comparisons.size();
  model.m.resize(nc);
  model.u.resize(nc);
  model.tf.resize(nc);
  // u: level frequencies among random pairs, nearly all of which are non-matches.
  std::vector<std::vector<double>> ucount(nc);
  for (size_t c = 0; c < nc; ++c) ucount[c].assign(comparisons[c].levels.size(), 0.0);
  const size_t n = records.size();
  std::mt19937_64 rng(options.seed);
  // The pairs are drawn first (one generator, so the sample does not depend on the thread count),
  // then compared in parallel.
  std::vector<std::pair<uint32_t, uint32_t>> sample;
  if (n >= 2) {
    double all = static_cast<double>(n) * (n - 1) / 2;
    if (all <= static_cast<double>(options.random_pairs)) {
      for (size_t i = 0; i < n; ++i)
        for (size_t j = i + 1; j < n; ++j)
          if (source_of.empty() || source_of[i] != source_of[j])
            sample.emplace_back(static_cast<uint32_t>(i), static_cast<uint32_t>(j));
    } else {
      std::uniform_int_distribution<size_t> pick(0, n - 1);
      size_t done = 0, tries = 0;
      sample.reserve(options.random_pairs);
      while (done < options.random_pairs && tries < options.random_pairs * 20) {
        ++tries;
        size_t i = pick(rng), j = pick(rng);
        if (i == j || (!source_of.empty() && source_of[i] == source_of[j])) continue;
        sample.emplace_back(static_cast<uint32_t>(i), static_cast<uint32_t>(j));
        ++done;
      }
    }
  }
  {
    const int threads = std::max(1, options.threads);
    std::vector<std::vector<std::array<uint64_t, 16>>> local(threads, std::vector<std::array<uint64_t, 16>>(nc));
    auto work = [&](int t) {
      size_t chunk = (sample.size() + threads - 1) / threads;
      size_t b = std::min(sample.size(), t * chunk), e = std::min(sample.size(), b + chunk);
      for (size_t k = b; k < e; ++k) {
        Pattern p = Compare(comparisons, records[sample[k].first], records[sample[k].second]).pattern;
        for (size_t c = 0; c < nc; ++c) ++local[t][c][LevelOf(p, static_cast<int>(c))];
      }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(work, t);
    for (auto& th : pool) th.join();
    for (int t = 0; t < threads; ++t)
      for (size_t c = 0; c < nc; ++c)
        for (size_t l = 0; l < ucount[c].size(); ++l) ucount[c][l] += static_cast<double>(local[t][c][l]);
  }
  for (size_t c = 0; c < nc; ++c) {
    size_t L = comparisons[c].levels.size();
    double nonnull = 0;
    for (size_t l = 1; l < L; ++l) nonnull += ucount[c][l];
    model.u[c].assign(L, 0.0);
    for (size_t l = 1; l < L; ++l) model.u[c][l] = (ucount[c][l] + 0.1) / (nonnull + 0.1 * (L - 1));
    // m starts high at the agreeing levels and low at disagreement.
    model.m[c].assign(L, 0.0);
    double sum = 0;
    for (size_t l = 1; l < L; ++l) { model.m[c][l] = std::pow(0.35, static_cast<double>(l - 1)); sum += model.m[c][l]; }
    for (size_t l = 1; l < L; ++l) model.m[c][l] /= sum;
  }
  double total = 0;
  for (const auto& [p, k] : pattern_counts) total += static_cast<double>(k);
  model.lambda = 0.1;
  if (total == 0) return model;
  // EM over distinct patterns with u fixed; `masked` comparisons are ignored; m updated if asked.
  auto em = [&](const std::vector<std::pair<Pattern, uint64_t>>& counts, const std::vector<bool>& masked,
                std::vector<std::vector<double>>& m, double& lambda, bool update_m) {
    double n_pairs = 0;
    for (const auto& [p, k] : counts) n_pairs += static_cast<double>(k);
    if (n_pairs == 0) return 0;
    std::vector<std::vector<double>> acc(nc);
    int it = 0;
    for (; it < options.max_iterations; ++it) {
      for (size_t c = 0; c < nc; ++c) acc[c].assign(comparisons[c].levels.size(), 0.0);
      double match_mass = 0;
      for (const auto& [p, k] : counts) {
        double lm = std::log(lambda), lu = std::log(1 - lambda);
        for (size_t c = 0; c < nc; ++c) {
          int l = LevelOf(p, static_cast<int>(c));
          if (l == 0 || masked[c]) continue;
          lm += std::log(std::max(m[c][l], 1e-12));
          lu += std::log(std::max(model.u[c][l], 1e-12));
        }
        double w = 1.0 / (1.0 + std::exp(std::clamp(lu - lm, -700.0, 700.0)));
        double mass = w * static_cast<double>(k);
        match_mass += mass;
        for (size_t c = 0; c < nc; ++c) acc[c][LevelOf(p, static_cast<int>(c))] += mass;
      }
      double change = 0;
      if (update_m) {
        for (size_t c = 0; c < nc; ++c) {
          if (masked[c]) continue;
          size_t L = comparisons[c].levels.size();
          double s = 0;
          for (size_t l = 1; l < L; ++l) s += acc[c][l];
          if (s <= 0) continue;
          for (size_t l = 1; l < L; ++l) {
            double v = std::max((acc[c][l] + 1e-3) / (s + 1e-3 * (L - 1)), 1e-6);
            change = std::max(change, std::fabs(v - m[c][l]));
            m[c][l] = v;
          }
        }
      }
      double nl = std::clamp(match_mass / n_pairs, 1e-9, 1 - 1e-6);
      change = std::max(change, std::fabs(nl - lambda));
      lambda = nl;
      if (change < options.tolerance) break;
    }
    return it + 1;
  };
  std::vector<std::vector<double>> msum(nc);
  std::vector<int> sessions_of(nc, 0);
  for (size_t c = 0; c < nc; ++c) msum[c].assign(comparisons[c].levels.size(), 0.0);
  for (const auto& s : sessions) {
    auto m = model.m;
    double lambda = 0.1;
    model.em_iterations += em(s.pattern_counts, s.masked, m, lambda, true);
    for (size_t c = 0; c < nc; ++c) {
      if (s.masked[c]) continue;
      ++sessions_of[c];
      for (size_t l = 1; l < msum[c].size(); ++l) msum[c][l] += m[c][l];
    }
  }
  std::vector<bool> none(nc, false);
  auto pooled = model.m;
  double pooled_lambda = 0.1;
  bool need_pooled = std::any_of(sessions_of.begin(), sessions_of.end(), [](int k) { return k == 0; });
  if (need_pooled) model.em_iterations += em(pattern_counts, none, pooled, pooled_lambda, true);
  for (size_t c = 0; c < nc; ++c)
    for (size_t l = 1; l < msum[c].size(); ++l)
      model.m[c][l] = sessions_of[c] ? msum[c][l] / sessions_of[c] : pooled[c][l];
  model.lambda = 0.01;
  model.em_iterations += em(pattern_counts, none, model.m, model.lambda, false);
  return model;
}

namespace {
const std::string* TfValue(const Comparison& cmp, const PreparedRecord& r, uint8_t name) {
  if (cmp.field == Field::kFamilyName && name < r.names.size()) return &r.names[name].family.key;
  if (cmp.field == Field::kGivenName && name < r.names.size()) return &r.names[name].given.key;
  if (cmp.field == Field::kAttribute) return &r.attributes[cmp.attribute];
  return nullptr;
}
bool TfLevel(const Comparison& cmp, int level) {
  return cmp.field == Field::kAttribute ? level == 1 : (level >= 1 && level <= 3);
}
double TfAdjustment(const Model& model, size_t c, int level, const PreparedRecord& a, const PreparedRecord& b,
                    const Compared& cd) {
  const Comparison& cmp = model.comparisons[c];
  if (!cmp.term_frequency || !TfLevel(cmp, level)) return 0;
  const auto& table = model.tf[c];
  const std::string* va = TfValue(cmp, a, cd.name_a);
  const std::string* vb = TfValue(cmp, b, cd.name_b);
  double f = 0;
  for (const std::string* v : {va, vb}) {
    if (!v) continue;
    auto it = table.find(*v);
    if (it != table.end()) f = std::max(f, it->second);
  }
  if (f <= 0) return 0;
  return std::clamp(Log2(model.u[c][level] / f), -10.0, 10.0);
}
}  // namespace

void ComputeTermFrequencies(Model& model, const std::vector<PreparedRecord>& records) {
  for (size_t c = 0; c < model.comparisons.size(); ++c) {
    const Comparison& cmp = model.comparisons[c];
    model.tf[c].clear();
    if (!cmp.term_frequency) continue;
    double total = 0;
    for (const auto& r : records) {
      const std::string* v = TfValue(cmp, r, 0);
      if (!v || v->empty()) continue;
      model.tf[c][*v] += 1;
      total += 1;
    }
    for (auto& [k, v] : model.tf[c]) v /= total;
  }
}

double Score(const Model& model, const PreparedRecord& a, const PreparedRecord& b, const Compared& cd) {
  double w = Log2(model.lambda / (1 - model.lambda));
  for (size_t c = 0; c < model.comparisons.size(); ++c) {
    int l = LevelOf(cd.pattern, static_cast<int>(c));
    if (l == 0) continue;
    w += Log2(model.m[c][l] / model.u[c][l]);
    w += TfAdjustment(model, c, l, a, b, cd);
  }
  return w;
}

ScoringTables BuildScoringTables(const Model& model, const std::vector<PreparedRecord>& records) {
  ScoringTables t;
  const size_t nc = model.comparisons.size();
  t.comparisons = nc;
  t.prior = Log2(model.lambda / (1 - model.lambda));
  t.weight.assign(nc * 16, 0.0);
  t.log2_u.assign(nc * 16, 0.0);
  t.tf_kind.assign(nc, 0);
  for (size_t c = 0; c < nc; ++c) {
    const Comparison& cmp = model.comparisons[c];
    for (size_t l = 1; l < cmp.levels.size() && l < 16; ++l) {
      t.weight[c * 16 + l] = Log2(model.m[c][l] / model.u[c][l]);
      t.log2_u[c * 16 + l] = Log2(model.u[c][l]);
    }
    if (cmp.term_frequency)
      t.tf_kind[c] = cmp.field == Field::kFamilyName ? 1 : cmp.field == Field::kGivenName ? 2
                     : cmp.field == Field::kAttribute ? 3 : 0;
  }
  t.tf_offset.resize(records.size() + 1);
  for (size_t i = 0; i < records.size(); ++i) {
    t.tf_offset[i] = static_cast<uint32_t>(t.tf_log2.size());
    const PreparedRecord& r = records[i];
    size_t readings = std::max<size_t>(1, r.names.size());
    for (size_t k = 0; k < readings; ++k)
      for (size_t c = 0; c < nc; ++c) {
        float v = ScoringTables::kNoTf;
        if (t.tf_kind[c]) {
          const std::string* s = TfValue(model.comparisons[c], r, static_cast<uint8_t>(k));
          if (s) {
            auto it = model.tf[c].find(*s);
            if (it != model.tf[c].end() && it->second > 0) v = static_cast<float>(Log2(it->second));
          }
        }
        t.tf_log2.push_back(v);
      }
  }
  t.tf_offset[records.size()] = static_cast<uint32_t>(t.tf_log2.size());
  return t;
}

double ScoreFast(const ScoringTables& t, uint32_t a, uint32_t b, const Compared& cd) {
  double w = t.prior;
  const size_t nc = t.comparisons;
  for (size_t c = 0; c < nc; ++c) {
    int l = LevelOf(cd.pattern, static_cast<int>(c));
    if (l == 0) continue;
    w += t.weight[c * 16 + l];
    int kind = t.tf_kind[c];
    if (kind == 0 || (kind == 3 ? l != 1 : l > 3)) continue;
    size_t ra = kind == 3 ? 0 : cd.name_a, rb = kind == 3 ? 0 : cd.name_b;
    size_t oa = t.tf_offset[a] + ra * nc + c, ob = t.tf_offset[b] + rb * nc + c;
    float fa = oa < t.tf_offset[a + 1] ? t.tf_log2[oa] : ScoringTables::kNoTf;
    float fb = ob < t.tf_offset[b + 1] ? t.tf_log2[ob] : ScoringTables::kNoTf;
    float f = std::max(fa, fb);
    if (f == ScoringTables::kNoTf) continue;
    w += std::clamp(t.log2_u[c * 16 + l] - static_cast<double>(f), -10.0, 10.0);
  }
  return w;
}

double MatchProbability(double weight) { return 1.0 / (1.0 + std::exp2(-weight)); }

Explanation Explain(const Model& model, const PreparedRecord& a, const PreparedRecord& b) {
  Explanation e;
  Compared cd = Compare(model.comparisons, a, b);
  e.prior_weight = Log2(model.lambda / (1 - model.lambda));
  e.total = e.prior_weight;
  auto name_value = [](const PreparedRecord& r, uint8_t i, bool family) -> std::string {
    if (i >= r.names.size()) return "";
    const NamePart& p = family ? r.names[i].family : r.names[i].given;
    return ToUtf8(p.fuzzy) + " [" + p.key + "]";
  };
  for (size_t c = 0; c < model.comparisons.size(); ++c) {
    const Comparison& cmp = model.comparisons[c];
    int l = LevelOf(cd.pattern, static_cast<int>(c));
    FieldExplanation f;
    f.comparison = cmp.name;
    f.level = cmp.levels[l];
    switch (cmp.field) {
      case Field::kFamilyName: f.value_a = name_value(a, cd.name_a, true); f.value_b = name_value(b, cd.name_b, true); break;
      case Field::kGivenName: f.value_a = name_value(a, cd.name_a, false); f.value_b = name_value(b, cd.name_b, false); break;
      case Field::kBirthDate: f.value_a = a.has_birth ? std::to_string(a.birth_year) : ""; f.value_b = b.has_birth ? std::to_string(b.birth_year) : ""; break;
      case Field::kOrigin: f.value_a = a.origin; f.value_b = b.origin; break;
      case Field::kAttribute: f.value_a = a.attributes[cmp.attribute]; f.value_b = b.attributes[cmp.attribute]; break;
      default: break;
    }
    if (l != 0) {
      f.m = model.m[c][l];
      f.u = model.u[c][l];
      f.weight = Log2(f.m / f.u);
      f.tf_adjustment = TfAdjustment(model, c, l, a, b, cd);
    }
    e.total += f.weight + f.tf_adjustment;
    e.fields.push_back(std::move(f));
  }
  e.probability = MatchProbability(e.total);
  return e;
}

}  // namespace dossier::linkage
