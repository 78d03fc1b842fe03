#include "korean_generator.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <random>
#include <sstream>
#include <unordered_map>

namespace dossier::linkage::bench {
namespace {

// Given-name syllables with a Hanja each (common in Korean given names).
const std::vector<std::pair<const char*, const char*>> kSyllables = {
    {"순", "順"}, {"희", "姬"}, {"영", "英"}, {"철", "哲"}, {"민", "敏"}, {"수", "秀"}, {"정", "貞"},
    {"미", "美"}, {"혜", "惠"}, {"은", "恩"}, {"지", "智"}, {"현", "賢"}, {"성", "成"}, {"호", "浩"},
    {"진", "珍"}, {"경", "京"}, {"숙", "淑"}, {"옥", "玉"}, {"광", "光"}, {"명", "明"}, {"일", "日"},
    {"금", "錦"}, {"춘", "春"}, {"향", "香"}, {"남", "男"}, {"동", "東"}, {"국", "國"}, {"혁", "赫"},
    {"석", "錫"}, {"용", "勇"}, {"학", "學"}, {"선", "善"}, {"화", "花"}, {"란", "蘭"}, {"복", "福"},
    {"길", "吉"}, {"종", "鍾"}, {"원", "元"}, {"태", "泰"}, {"군", "君"}, {"애", "愛"}, {"연", "蓮"},
    {"주", "珠"}, {"송", "松"}, {"청", "淸"}, {"봉", "鳳"}, {"련", "蓮"}, {"룡", "龍"}, {"심", "心"}, {"재", "在"}};

const char* kOrigins[] = {"kp-nh-onsong", "kp-nh-hoeryong", "kp-nh-musan", "kp-nh-chongjin", "kp-yg-hyesan",
                          "kp-yg-samjiyon", "kp-ph-hamhung", "kp-ph-tanchon", "kp-py-central", "kp-pn-sinuiju",
                          "kp-ch-kanggye", "kp-kw-wonsan", "kp-hb-sariwon", "kp-hn-haeju"};

// Jamo romanisation per system. Index: initial 0..18, vowel 0..20, final 0..27.
const char* kRRInit[] = {"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"};
const char* kMRInit[] = {"k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch'", "k'", "t'", "p'", "h"};
const char* kDPInit[] = {"k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "kh", "th", "ph", "h"};
const char* kRRVowel[] = {"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"};
const char* kMRVowel[] = {"a", "ae", "ya", "yae", "ŏ", "e", "yŏ", "ye", "o", "wa", "wae", "oe", "yo", "u", "wŏ", "we", "wi", "yu", "ŭ", "ŭi", "i"};
const char* kDPVowel[] = {"a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "u", "ui", "i"};
const char* kFinal[] = {"", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"};
// Passport habits: alternative spellings of some vowels.
const std::unordered_map<int, std::vector<const char*>> kPassportVowel = {
    {4, {"eo", "u", "o"}}, {13, {"u", "oo"}}, {18, {"eu", "u"}}, {20, {"i", "ee"}}, {19, {"ui", "ee", "i"}},
    {6, {"yeo", "yu", "yo"}}, {17, {"yu", "yoo"}}};

enum System { kRR, kMR, kDPRK, kPassport };

std::string Romanise(std::u32string_view hangul, System sys, std::mt19937_64& rng, bool word_start) {
  std::string out;
  for (char32_t c : hangul) {
    if (c < 0xAC00 || c > 0xD7A3) continue;
    unsigned s = c - 0xAC00, l = s / 588, v = (s / 28) % 21, t = s % 28;
    std::string init = sys == kRR || sys == kPassport ? kRRInit[l] : sys == kMR ? kMRInit[l] : kDPInit[l];
    if (sys == kPassport && (l == 0 || l == 12 || l == 3 || l == 7) && rng() % 3 == 0)
      init = l == 0 ? "k" : l == 12 ? "ch" : l == 3 ? "t" : "p";
    // Initial-sound law in the South: ㄹ drops before i/y (리 -> i, 룡 -> yong) and reads ㄴ before
    // the other vowels (란 -> nan, 로 -> no). (Before 2026-11-29 it dropped in both cases, writing
    // 란수 as "Ansu", a spelling no system produces.)
    bool iy = v == 2 || v == 3 || v == 6 || v == 7 || v == 12 || v == 17 || v == 20;
    if (l == 5 && word_start && sys != kDPRK) init = iy ? "" : "n";
    std::string vow = sys == kRR ? kRRVowel[v] : sys == kMR ? kMRVowel[v] : sys == kDPRK ? kDPVowel[v] : kRRVowel[v];
    if (sys == kPassport) {
      auto it = kPassportVowel.find(static_cast<int>(v));
      if (it != kPassportVowel.end()) vow = it->second[rng() % it->second.size()];
    }
    out += init + vow + kFinal[t];
    word_start = false;
  }
  return out;
}

std::string Capitalise(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 32);
  return s;
}
std::string Upper(std::string s) {
  for (char& c : s) if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return s;
}

struct Surname {
  std::u32string hangul, hanja;
  double share;
  std::vector<std::string> latin;  // seed spellings: RR, MR, DPRK, passport
};

}  // namespace

Result<std::vector<KoreanRow>> GenerateKorean(const NameTables& tables, size_t entities, uint64_t seed,
                                              const std::string& data_dir_in) {
  std::string data_dir = data_dir_in.empty() ? std::string(DOSSIER_DATA_DIR) + "/linkage" : data_dir_in;
  std::ifstream in(data_dir + "/surnames.csv");
  if (!in) return Error::Io("cannot open " + data_dir + "/surnames.csv");
  std::vector<Surname> surnames;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) { header = false; continue; }
    std::stringstream ls(line);
    std::string h, hj, p;
    std::getline(ls, h, ',');
    std::getline(ls, hj, ',');
    std::getline(ls, p, ',');
    surnames.push_back({ToU32(h), ToU32(hj), std::stod(p), {}});
  }
  std::unordered_map<char32_t, char32_t> simplified;
  for (const auto& [s, t] : tables.traditional_of) simplified.emplace(t, s);
  std::vector<double> w;
  for (const auto& s : surnames) w.push_back(s.share);
  std::mt19937_64 rng(seed);
  std::discrete_distribution<size_t> pick_surname(w.begin(), w.end());
  auto coin = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto any = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  // North Korean spelling of a South Korean surname (initial-sound law undone).
  auto north = [&](const Surname& s) -> std::u32string {
    for (const auto& [c, h] : tables.hangul_of)
      if (c == s.hanja[0] && !h.empty()) return h + s.hangul.substr(1);  // kHangul lists the ㄹ form first
    return s.hangul;
  };
  std::vector<KoreanRow> rows;
  size_t next_id = 0;
  for (size_t e = 0; e < entities; ++e) {
    const Surname& sn = surnames[pick_surname(rng)];
    auto a = kSyllables[any(kSyllables.size())], b = kSyllables[any(kSyllables.size())];
    std::u32string given = ToU32(std::string(a.first) + b.first);
    std::u32string given_hanja = ToU32(std::string(a.second) + b.second);
    std::u32string north_family = sn.hanja.size() == 1 ? north(sn) : sn.hangul;
    int year = 1950 + static_cast<int>(any(55)), month = 1 + static_cast<int>(any(12)), day = 1 + static_cast<int>(any(28));
    std::string sex = coin(0.6) ? "female" : "male";
    std::string origin = kOrigins[any(std::size(kOrigins))];
    size_t copies = 2 + any(3);
    for (size_t k = 0; k < copies; ++k) {
      KoreanRow r;
      r.id = "k" + std::to_string(next_id++);
      r.entity = "e" + std::to_string(e);
      int form = static_cast<int>(any(9));
      bool latin = form >= 4;
      switch (form) {
        case 0: r.name = ToUtf8(sn.hangul + given); r.form = "hangul_south"; break;
        case 1: r.name = ToUtf8(north_family + given); r.form = "hangul_north"; break;
        case 2: r.name = ToUtf8(sn.hanja + given_hanja); r.form = "hanja"; break;
        case 3: {
          std::u32string s = sn.hanja + given_hanja;
          for (char32_t& c : s) { auto it = simplified.find(c); if (it != simplified.end()) c = it->second; }
          r.name = ToUtf8(s);
          r.form = "chinese_simplified";
          break;
        }
        default: break;
      }
      if (latin) {
        System sys = static_cast<System>(form - 4 > 3 ? 3 : form - 4);
        r.form = sys == kRR ? "rr" : sys == kMR ? "mr" : sys == kDPRK ? "dprk" : "passport";
        std::string fam = Romanise(sys == kDPRK ? north_family : sn.hangul, sys, rng, true);
        if (sys == kPassport) {
          static const std::unordered_map<std::string, std::vector<std::string>> kCommon = {
              {"i", {"lee", "yi", "rhee"}}, {"bak", {"park", "pak"}}, {"gim", {"kim"}}, {"choe", {"choi", "choe"}},
              {"jeong", {"jung", "chung", "jeong"}}, {"im", {"lim", "im", "yim"}}, {"yu", {"yoo", "yu"}},
              {"gang", {"kang"}}, {"jo", {"cho"}}, {"yun", {"yoon"}}, {"jang", {"jang", "chang"}},
              {"o", {"oh"}}, {"an", {"ahn"}}, {"no", {"noh", "roh"}}, {"mun", {"moon"}}, {"seo", {"suh", "seo"}}};
          std::string rr = Romanise(sn.hangul, kRR, rng, true);
          auto it = kCommon.find(rr);
          fam = it != kCommon.end() ? it->second[any(it->second.size())] : rr;
        }
        std::string g1 = Romanise(given.substr(0, 1), sys, rng, true), g2 = Romanise(given.substr(1, 1), sys, rng, false);
        if (sys == kMR || sys == kDPRK) {  // second syllable: voiced initials in MR after a vowel are ignored here
        }
        std::string giv;
        int sep = static_cast<int>(any(3));
        giv = sep == 0 ? Capitalise(g1) + "-" + g2 : sep == 1 ? Capitalise(g1 + g2) : Capitalise(g1) + " " + Capitalise(g2);
        if (coin(0.15)) {  // a typo in the given name
          size_t pos = 1 + any(giv.size() - 1);
          if (giv[pos] != '-' && giv[pos] != ' ') {
            if (coin(0.5)) giv.erase(pos, 1);
            else giv[pos] = static_cast<char>('a' + any(26));
          }
        }
        std::string f = coin(0.2) ? Upper(fam) : Capitalise(fam);
        r.name = coin(0.4) ? giv + " " + f : f + " " + giv;
        if (coin(0.3)) r.form += "_given_first";
      }
      // Birth date: exact, year only, missing, or a year off.
      double u = std::uniform_real_distribution<double>(0, 1)(rng);
      char buf[16];
      if (u < 0.15) r.birth_date = "";
      else if (u < 0.25) { std::snprintf(buf, sizeof buf, "%04d", year); r.birth_date = buf; }
      else if (u < 0.35) { std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year + (coin(0.5) ? 1 : -1), month, day); r.birth_date = buf; }
      else { std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day); r.birth_date = buf; }
      r.sex = coin(0.2) ? "" : sex;
      r.origin = coin(0.3) ? "" : coin(0.2) ? origin.substr(0, 5) : origin;
      rows.push_back(std::move(r));
    }
  }
  std::shuffle(rows.begin(), rows.end(), rng);
  return rows;
}

std::string KoreanCsv(const std::vector<KoreanRow>& rows) {
  std::string out = "id,name,birth_date,sex,origin,entity,form\n";
  for (const auto& r : rows)
    out += r.id + "," + r.name + "," + r.birth_date + "," + r.sex + "," + r.origin + "," + r.entity + "," + r.form + "\n";
  return out;
}

}  // namespace dossier::linkage::bench
