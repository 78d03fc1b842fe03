#include "store/demo.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace dossier {

namespace {

// A Korean surname in the forms sources write it. `weight`: share of the population in percent
// (South Korean census 2015, rounded), so common names are as common as in real lists.
struct Surname {
  const char* hangul;      // South Korean spelling
  const char* hangul_dprk; // North Korean spelling (no initial-sound law)
  const char* hanja;       // traditional
  const char* simplified;  // PRC simplified
  const char* rr;          // Revised Romanization as commonly printed
  const char* mr;          // McCune-Reischauer
  const char* dprk;        // DPRK romanisation
  const char* passport;    // the usual ROK passport spelling
  const char* pinyin;      // Mandarin reading used in PRC documents
  double weight;
};

constexpr Surname kSurnames[] = {
    {"김", "김", "金", "金", "Gim", "Kim", "Kim", "Kim", "Jin", 21.6},
    {"이", "리", "李", "李", "Yi", "Yi", "Ri", "Lee", "Li", 14.8},
    {"박", "박", "朴", "朴", "Bak", "Pak", "Pak", "Park", "Piao", 8.5},
    {"최", "최", "崔", "崔", "Choe", "Ch'oe", "Choe", "Choi", "Cui", 4.7},
    {"정", "정", "鄭", "郑", "Jeong", "Chŏng", "Jong", "Jung", "Zheng", 4.4},
    {"강", "강", "姜", "姜", "Gang", "Kang", "Kang", "Kang", "Jiang", 2.4},
    {"조", "조", "趙", "赵", "Jo", "Cho", "Jo", "Cho", "Zhao", 2.1},
    {"윤", "윤", "尹", "尹", "Yun", "Yun", "Yun", "Yoon", "Yin", 2.1},
    {"장", "장", "張", "张", "Jang", "Chang", "Jang", "Jang", "Zhang", 2.0},
    {"임", "림", "林", "林", "Im", "Im", "Rim", "Lim", "Lin", 1.7},
    {"한", "한", "韓", "韩", "Han", "Han", "Han", "Han", "Han", 1.5},
    {"오", "오", "吳", "吴", "O", "O", "O", "Oh", "Wu", 1.5},
    {"서", "서", "徐", "徐", "Seo", "Sŏ", "So", "Seo", "Xu", 1.4},
    {"신", "신", "申", "申", "Sin", "Sin", "Sin", "Shin", "Shen", 1.4},
    {"권", "권", "權", "权", "Gwon", "Kwŏn", "Kwon", "Kwon", "Quan", 1.3},
    {"황", "황", "黃", "黄", "Hwang", "Hwang", "Hwang", "Hwang", "Huang", 1.3},
    {"안", "안", "安", "安", "An", "An", "An", "Ahn", "An", 1.3},
    {"송", "송", "宋", "宋", "Song", "Song", "Song", "Song", "Song", 1.2},
    {"류", "류", "柳", "柳", "Ryu", "Ryu", "Ryu", "Yoo", "Liu", 1.1},
    {"전", "전", "全", "全", "Jeon", "Chŏn", "Jon", "Jeon", "Quan", 1.1},
    {"홍", "홍", "洪", "洪", "Hong", "Hong", "Hong", "Hong", "Hong", 1.0},
    {"고", "고", "高", "高", "Go", "Ko", "Ko", "Ko", "Gao", 0.9},
    {"문", "문", "文", "文", "Mun", "Mun", "Mun", "Moon", "Wen", 0.9},
    {"양", "량", "梁", "梁", "Yang", "Yang", "Ryang", "Yang", "Liang", 0.9},
    {"손", "손", "孫", "孙", "Son", "Son", "Son", "Sohn", "Sun", 0.9},
    {"배", "배", "裵", "裴", "Bae", "Pae", "Pae", "Bae", "Pei", 0.8},
    {"백", "백", "白", "白", "Baek", "Paek", "Paek", "Paik", "Bai", 0.8},
    {"허", "허", "許", "许", "Heo", "Hŏ", "Ho", "Huh", "Xu", 0.7},
    {"남", "남", "南", "南", "Nam", "Nam", "Nam", "Nam", "Nan", 0.5},
    {"노", "로", "盧", "卢", "No", "No", "Ro", "Roh", "Lu", 0.4},
};

// A syllable of a given name. `dprk_initial`: its North Korean spelling when it starts the name
// and differs (룡 for 용); the South applies the initial-sound law, the North does not.
struct Syllable {
  const char* hangul;
  const char* dprk_initial;
  const char* hanja;
  const char* simplified;
  const char* rr;
  const char* mr;        // ASCII McCune-Reischauer, as most sources print it
  const char* passport;
  const char* pinyin;
};

constexpr Syllable kSyllables[] = {
    {"영", "", "英", "英", "yeong", "yong", "young", "ying"},
    {"철", "", "哲", "哲", "cheol", "chol", "chul", "zhe"},
    {"수", "", "秀", "秀", "su", "su", "soo", "xiu"},
    {"민", "", "敏", "敏", "min", "min", "min", "min"},
    {"순", "", "順", "顺", "sun", "sun", "soon", "shun"},
    {"희", "", "姬", "姬", "hui", "hui", "hee", "ji"},
    {"옥", "", "玉", "玉", "ok", "ok", "ok", "yu"},
    {"미", "", "美", "美", "mi", "mi", "mi", "mei"},
    {"성", "", "成", "成", "seong", "song", "sung", "cheng"},
    {"호", "", "浩", "浩", "ho", "ho", "ho", "hao"},
    {"진", "", "珍", "珍", "jin", "chin", "jin", "zhen"},
    {"혜", "", "惠", "惠", "hye", "hye", "hye", "hui"},
    {"정", "", "貞", "贞", "jeong", "chong", "jung", "zhen"},
    {"숙", "", "淑", "淑", "suk", "suk", "sook", "shu"},
    {"경", "", "京", "京", "gyeong", "kyong", "kyung", "jing"},
    {"남", "", "男", "男", "nam", "nam", "nam", "nan"},
    {"일", "", "日", "日", "il", "il", "il", "ri"},
    {"광", "", "光", "光", "gwang", "kwang", "kwang", "guang"},
    {"명", "", "明", "明", "myeong", "myong", "myung", "ming"},
    {"춘", "", "春", "春", "chun", "chun", "choon", "chun"},
    {"금", "", "錦", "锦", "geum", "kum", "keum", "jin"},
    {"용", "룡", "龍", "龙", "yong", "ryong", "yong", "long"},
    {"연", "련", "蓮", "莲", "yeon", "ryon", "yeon", "lian"},
    {"혁", "", "赫", "赫", "hyeok", "hyok", "hyuk", "he"},
    {"국", "", "國", "国", "guk", "kuk", "kook", "guo"},
    {"향", "", "香", "香", "hyang", "hyang", "hyang", "xiang"},
    {"화", "", "花", "花", "hwa", "hwa", "hwa", "hua"},
    {"복", "", "福", "福", "bok", "pok", "bok", "fu"},
    {"은", "", "銀", "银", "eun", "un", "eun", "yin"},
    {"주", "", "珠", "珠", "ju", "chu", "joo", "zhu"},
};

struct Name {
  const Surname* surname;
  const Syllable* given[2];
};

std::string Capitalise(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

enum class LatinStyle { kPassport, kRevised, kMcCune, kDprk, kPinyin, kPassportWestern };

std::string Hangul(const Name& n, bool north) {
  std::string s = north ? n.surname->hangul_dprk : n.surname->hangul;
  s += north && *n.given[0]->dprk_initial ? n.given[0]->dprk_initial : n.given[0]->hangul;
  s += n.given[1]->hangul;
  return s;
}

std::string Hanja(const Name& n, bool simplified) {
  return std::string(simplified ? n.surname->simplified : n.surname->hanja) +
         (simplified ? n.given[0]->simplified : n.given[0]->hanja) +
         (simplified ? n.given[1]->simplified : n.given[1]->hanja);
}

std::string Latin(const Name& n, LatinStyle style) {
  const Syllable& a = *n.given[0];
  const Syllable& b = *n.given[1];
  switch (style) {
    case LatinStyle::kPassport: return fmt::format("{} {}-{}", n.surname->passport, Capitalise(a.passport), b.passport);
    case LatinStyle::kPassportWestern:
      return fmt::format("{}-{} {}", Capitalise(a.passport), b.passport, n.surname->passport);
    case LatinStyle::kRevised: return fmt::format("{} {}{}", n.surname->rr, Capitalise(a.rr), b.rr);
    case LatinStyle::kMcCune: return fmt::format("{} {}-{}", n.surname->mr, Capitalise(a.mr), b.mr);
    case LatinStyle::kDprk:
      return fmt::format("{} {} {}", n.surname->dprk, Capitalise(*a.dprk_initial ? a.mr : a.mr), Capitalise(b.mr));
    case LatinStyle::kPinyin: return fmt::format("{} {}{}", n.surname->pinyin, Capitalise(a.pinyin), b.pinyin);
  }
  return "";
}

struct PlaceWeight {
  const char* code;
  const char* ko;
  double weight;
};

constexpr PlaceWeight kArrestPlaces[] = {
    {"cn-jl-yanji", "옌지", 14}, {"cn-jl-tumen", "투먼", 10}, {"cn-jl-helong", "허룽", 6},
    {"cn-jl-longjing", "룽징", 6}, {"cn-jl-hunchun", "훈춘", 5}, {"cn-jl-changbai", "창바이", 6},
    {"cn-jl-changchun", "창춘", 4}, {"cn-jl-baishan", "바이산", 3}, {"cn-ln-shenyang", "선양", 9},
    {"cn-ln-dandong", "단둥", 8}, {"cn-ln-dalian", "다롄", 3}, {"cn-hl-harbin", "하얼빈", 4},
    {"cn-hl-mudanjiang", "무단장", 3}, {"cn-bj", "베이징", 3}, {"cn-sd-qingdao", "칭다오", 3},
    {"cn-sd-yantai", "옌타이", 2}, {"cn-yn-kunming", "쿤밍", 6}, {"cn-nm-erenhot", "얼롄하오터", 3},
};
constexpr PlaceWeight kReturnPlaces[] = {
    {"cn-jl-tumen", "투먼", 45}, {"cn-ln-dandong", "단둥", 30}, {"cn-jl-changbai", "창바이", 10},
    {"cn-jl-hunchun", "훈춘", 10}, {"cn-jl-helong", "허룽", 5},
};
constexpr PlaceWeight kOrigins[] = {
    {"kp-nh-onsong", "온성", 8}, {"kp-nh-hoeryong", "회령", 10}, {"kp-nh-musan", "무산", 9},
    {"kp-nh-chongjin", "청진", 12}, {"kp-nh-saebyol", "새별", 3}, {"kp-nh-kilju", "길주", 3},
    {"kp-rg-hyesan", "혜산", 14}, {"kp-rg-samjiyon", "삼지연", 2}, {"kp-rg-kimjongsuk", "김정숙", 2},
    {"kp-rg-pochon", "보천", 2}, {"kp-cg-kanggye", "강계", 3}, {"kp-cg-manpo", "만포", 2},
    {"kp-np-sinuiju", "신의주", 6}, {"kp-sh-hamhung", "함흥", 7}, {"kp-sp-pyongsong", "평성", 4},
    {"kp-py", "평양", 3}, {"kp-ka-wonsan", "원산", 3}, {"kp-nw-sariwon", "사리원", 2}, {"kp-sw-haeju", "해주", 2},
    {"kp-rs", "라선", 3},
};
constexpr PlaceWeight kDetentionPlaces[] = {
    {"kp-nh-onsong", "온성", 15}, {"kp-nh-hoeryong", "회령", 15}, {"kp-nh-chongjin", "청진", 20},
    {"kp-rg-hyesan", "혜산", 20}, {"kp-np-sinuiju", "신의주", 15}, {"kp-sh-yodok", "요덕", 8},
    {"kp-sp-kaechon", "개천", 7},
};

template <typename T, size_t N>
const T& Weighted(const T (&items)[N], std::mt19937_64& rng) {
  double total = 0;
  for (const auto& i : items) total += i.weight;
  double x = std::uniform_real_distribution<double>(0, total)(rng);
  for (const auto& i : items) {
    if ((x -= i.weight) <= 0) return i;
  }
  return items[N - 1];
}

RecordKind KindOf(const Person&) { return RecordKind::kPerson; }
RecordKind KindOf(const Incident&) { return RecordKind::kIncident; }
RecordKind KindOf(const Act&) { return RecordKind::kAct; }
RecordKind KindOf(const Involvement&) { return RecordKind::kInvolvement; }
RecordKind KindOf(const Source&) { return RecordKind::kSource; }

class DemoWriter {
 public:
  DemoWriter(Store& store, const DemoOptions& options) : store_(store), options_(options), rng_(options.seed) {}

  Result<DemoSummary> Run() {
    DOSSIER_RETURN_IF_ERROR(WriteShenyang2012());
    DOSSIER_RETURN_IF_ERROR(WriteReports());
    // Persons are written in batches, one transaction each, so a 1M-person run commits steadily.
    int64_t written = 0;
    while (written < options_.persons) {
      const int64_t batch_end = std::min<int64_t>(options_.persons, written + 2000);
      DOSSIER_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
        while (written < batch_end) {
          DOSSIER_ASSIGN_OR_RETURN(int64_t n, WriteGroup(batch_end - written));
          written += n;
        }
        return Ok();
      }));
      if (options_.progress) options_.progress(written);
    }
    DOSSIER_RETURN_IF_ERROR(WriteShenyang2012Case());
    DOSSIER_RETURN_IF_ERROR(WriteShenyang2012Alert());
    DOSSIER_RETURN_IF_ERROR(WriteSyntheticCases());
    return summary_;
  }

 private:
  // Ids come from counters, not the store's random ids, so the same seed gives the same records.
  template <typename T>
  std::string NextId(const T& record) {
    static constexpr const char* kPrefix[] = {"per", "inc", "act", "inv", "src"};
    return fmt::format("{}-d{:07d}", kPrefix[static_cast<int>(KindOf(record))], ++next_id_[static_cast<int>(KindOf(record))]);
  }

  template <typename T>
  Result<std::string> Add(T record, int64_t DemoSummary::*counter) {
    if (record.id.empty()) record.id = NextId(record);
    auto r = store_.Create(record);
    if (r.ok()) ++(summary_.*counter);
    return r;
  }

  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  Name RandomName() {
    double total = 0;
    for (const auto& s : kSurnames) total += s.weight;
    double x = Uniform() * total;
    const Surname* surname = &kSurnames[0];
    for (const auto& s : kSurnames) {
      if ((x -= s.weight) <= 0) {
        surname = &s;
        break;
      }
    }
    const size_t n = std::size(kSyllables);
    const Syllable* a = &kSyllables[Int(0, static_cast<int>(n) - 1)];
    const Syllable* b = &kSyllables[Int(0, static_cast<int>(n) - 1)];
    while (b == a) b = &kSyllables[Int(0, static_cast<int>(n) - 1)];
    return {surname, {a, b}};
  }

  PersonName LatinName(const Name& n) {
    static constexpr LatinStyle kStyles[] = {LatinStyle::kPassport, LatinStyle::kRevised, LatinStyle::kMcCune,
                                             LatinStyle::kDprk, LatinStyle::kPinyin, LatinStyle::kPassportWestern};
    LatinStyle style = kStyles[Int(0, 5)];
    return {Latin(n, style), "latin", style == LatinStyle::kPinyin ? "transliteration" : "legal"};
  }

  PartialDate RandomBirthDate() {
    const int year = Int(1950, 2008);
    const double p = Uniform();
    if (p < 0.5) return PartialDate::Day(year, Int(1, 12), Int(1, 28));
    if (p < 0.7) return PartialDate::Month(year, Int(1, 12));
    PartialDate d = PartialDate::Year(year);
    d.approximate = p > 0.9;
    return d;
  }

  Status WriteReports() {
    // A pool of NGO reports, news articles and official statements that persons also cite.
    const int64_t n = std::max<int64_t>(3, options_.persons / 150);
    for (int64_t i = 0; i < n; ++i) {
      Source s;
      const int year = Int(1999, 2024);
      s.date = PartialDate::Month(year, Int(1, 12));
      const int kind = Int(0, 2);
      if (kind == 0) {
        s.kind = "ngo_report";
        s.title = fmt::format("Monitoring report on forced returns from China, {} (demo)", year);
        s.publisher = "Demo NGO Network";
        s.language = "en";
        s.reliability = "medium";
      } else if (kind == 1) {
        s.kind = "news_article";
        s.title = fmt::format("탈북민 강제북송 관련 보도 {}-{} (데모)", year, i);
        s.publisher = "데모 통신";
        s.language = "ko";
        s.reliability = "low";
      } else {
        s.kind = "official_statement";
        s.title = fmt::format("Statement on the return of North Koreans, {} (demo)", year);
        s.publisher = "Demo Ministry";
        s.language = "en";
        s.reliability = "medium";
      }
      s.sensitivity = Sensitivity::kPublic;
      DOSSIER_ASSIGN_OR_RETURN(std::string id, Add(s, &DemoSummary::sources));
      reports_.push_back(id);
    }
    return Ok();
  }

  // One group of people arrested together (1 to 5), documented by one testimony; their later fate
  // in incidents of their own; sometimes a second record of one of them from another source.
  Result<int64_t> WriteGroup(int64_t room) {
    const int size = static_cast<int>(std::min<int64_t>(room, Uniform() < 0.6 ? 1 : Int(2, 5)));
    const int year = Int(1998, 2024);
    const int month = Int(1, 12);
    const PlaceWeight& arrest_place = Weighted(kArrestPlaces, rng_);
    const bool family = size >= 2 && Uniform() < 0.5;

    // The testimony: sensitive free text naming the people, in Korean.
    std::vector<Name> names;
    std::vector<bool> north;
    for (int i = 0; i < size; ++i) {
      names.push_back(RandomName());
      north.push_back(Uniform() < 0.5);
      if (family && i > 0) names.back().surname = names[0].surname;
    }
    Source testimony;
    testimony.kind = "testimony";
    testimony.title = fmt::format("Testimony {:06d} (demo)", ++testimony_counter_);
    testimony.date = PartialDate::Month(std::min(year + Int(0, 2), 2024), Int(1, 12));
    testimony.language = "ko";
    testimony.reliability = Uniform() < 0.6 ? "high" : "medium";
    testimony.publisher = "Demo NGO";
    std::string text = fmt::format("{}년 {}월 {}에서 ", year, month, arrest_place.ko);
    for (int i = 0; i < size; ++i) text += (i ? ", " : "") + Hangul(names[i], north[i]);
    text += "이(가) 중국 공안에 체포되었다. 증언자는 이후 북송 과정과 구금 시설에서의 대우에 대해 진술하였다.";
    testimony.text = text;
    testimony.contact = fmt::format("Demo contact {:06d}, reachable through the field office", testimony_counter_);
    testimony.sensitivity = Sensitivity::kRestricted;
    DOSSIER_ASSIGN_OR_RETURN(std::string testimony_id, Add(testimony, &DemoSummary::sources));
    const std::string& report_id = reports_[Int(0, static_cast<int>(reports_.size()) - 1)];

    // The persons: drawn first, then written (below) with their family links.
    std::vector<std::string> person_ids;
    std::vector<Person> persons;
    for (int i = 0; i < size; ++i) {
      Person p;
      p.names.push_back({Hangul(names[i], north[i]), "hangul", "legal"});
      const double extra = Uniform();
      if (extra < 0.35) p.names.push_back(LatinName(names[i]));
      if (extra > 0.8) p.names.push_back({Hanja(names[i], false), "hanja", "legal"});
      p.sex = Uniform() < 0.7 ? "female" : "male";  // most escapees documented in China are women
      p.birth_date = RandomBirthDate();
      if (p.birth_date->year > year - 1) p.birth_date = PartialDate::Year(year - Int(1, 30));
      p.origin = Weighted(kOrigins, rng_).code;
      const double s = Uniform();
      p.sensitivity = s < 0.05 ? Sensitivity::kPublic : s < 0.75 ? Sensitivity::kInternal : Sensitivity::kRestricted;
      p.source_ids = {testimony_id};
      // Many people are on more than one organisation's list, which is what estimation needs.
      if (Uniform() < 0.35) p.source_ids.push_back(reports_[Int(0, static_cast<int>(reports_.size()) - 1)]);
      p.id = NextId(p);
      person_ids.push_back(p.id);
      persons.push_back(std::move(p));
    }
    if (family) {
      // First person is the parent or spouse of the others; links both ways.
      for (int i = 1; i < size; ++i) {
        const bool spouse = i == 1 && Uniform() < 0.5;
        persons[0].links.push_back({spouse ? "spouse" : "parent", person_ids[i]});
        persons[i].links.push_back({spouse ? "spouse" : "child", person_ids[0]});
      }
    }
    // A link must name a person that exists: the first person is written without links, the
    // others with their link to the first, then the first gets its links in one update.
    for (int i = 0; i < size; ++i) {
      Person p = persons[i];
      if (i == 0) p.links.clear();
      DOSSIER_RETURN_IF_ERROR(StatusOf(Add(std::move(p), &DemoSummary::persons)));
    }
    if (family) DOSSIER_RETURN_IF_ERROR(store_.Update(persons[0]));

    // The arrest, as one incident for the group.
    Incident arrest;
    arrest.type = "arrest";
    arrest.title = fmt::format("{} {}년 {}월 체포", arrest_place.ko, year, month);
    arrest.start = PartialDate::Month(year, month);
    arrest.place = arrest_place.code;
    arrest.perpetrator_orgs = {Uniform() < 0.8 ? "prc_mps" : "prc_border_police"};
    if (size > 1) arrest.victim_count = ApproximateCount{size, "exact"};
    arrest.source_ids = {testimony_id};
    DOSSIER_ASSIGN_OR_RETURN(std::string arrest_id, Add(arrest, &DemoSummary::incidents));
    for (const auto& pid : person_ids) {
      DOSSIER_RETURN_IF_ERROR(AddAct(arrest_id, pid, {"arbitrary_detention", "denial_of_asylum"},
                                     {"iccpr_9", "rc_31"}, testimony_id, arrest.perpetrator_orgs[0]));
    }

    // Most are sent back: a forced return through a border city, then detention in the DPRK.
    const bool returned = Uniform() < 0.75;
    if (returned) {
      const PlaceWeight& via = Weighted(kReturnPlaces, rng_);
      int ry = year, rm = month + Int(1, 3);
      if (rm > 12) rm -= 12, ++ry;
      if (ry > 2024) ry = 2024, rm = 12;
      Incident ret;
      ret.type = "forced_return";
      ret.title = fmt::format("{} 경유 강제북송", via.ko);
      ret.start = PartialDate::Month(ry, rm);
      ret.start.approximate = Uniform() < 0.3;
      ret.place = via.code;
      ret.perpetrator_orgs = {"prc_mps"};
      if (size > 1) ret.victim_count = ApproximateCount{size, "exact"};
      ret.source_ids = {testimony_id, report_id};
      DOSSIER_ASSIGN_OR_RETURN(std::string ret_id, Add(ret, &DemoSummary::incidents));
      for (const auto& pid : person_ids) {
        DOSSIER_RETURN_IF_ERROR(AddAct(ret_id, pid, {"refoulement"}, {"rc_33", "cat_3"}, testimony_id, "prc_mps"));
      }
      for (size_t i = 0; i < person_ids.size(); ++i) {
        const double fate = Uniform();
        const PlaceWeight& where = Weighted(kDetentionPlaces, rng_);
        Incident after;
        after.start = ret.start;
        after.start.approximate = true;
        after.place = where.code;
        after.perpetrator_orgs = {"dprk_mss"};
        after.source_ids = {testimony_id};
        std::vector<std::string> violations, provisions;
        if (fate < 0.55) {
          after.type = "interrogation";
          violations = {"torture", "arbitrary_detention"};
          provisions = {"cat_1", "iccpr_7", "iccpr_9"};
        } else if (fate < 0.85) {
          after.type = "imprisonment";
          violations = {"arbitrary_detention", "forced_labour", "unfair_trial"};
          provisions = {"iccpr_9", "iccpr_14"};
        } else if (fate < 0.97) {
          after.type = "enforced_disappearance";
          violations = {"enforced_disappearance"};
          provisions = {"ced_16", "iccpr_9"};
        } else {
          after.type = "execution";
          violations = {"extrajudicial_execution"};
          provisions = {"iccpr_6"};
        }
        after.title = fmt::format("{} {}", where.ko, store_.catalog().Label("incident_types", after.type, "ko"));
        DOSSIER_ASSIGN_OR_RETURN(std::string after_id, Add(after, &DemoSummary::incidents));
        DOSSIER_RETURN_IF_ERROR(AddAct(after_id, person_ids[i], violations, provisions, testimony_id, "dprk_mss"));
      }
    }

    // About one person in twenty is documented again by another source under another spelling.
    for (int i = 0; i < size; ++i) {
      if (Uniform() >= 0.05) continue;
      Person dup;
      const double form = Uniform();
      if (form < 0.5) {
        dup.names.push_back(LatinName(names[i]));
      } else if (form < 0.75) {
        dup.names.push_back({Hanja(names[i], true), "chinese", "legal"});
        dup.names.push_back({Latin(names[i], LatinStyle::kPinyin), "latin", "transliteration"});
      } else {
        dup.names.push_back({Hangul(names[i], !north[i]), "hangul", "legal"});
      }
      dup.sex = persons[i].sex;
      if (Uniform() < 0.8) {
        PartialDate b = PartialDate::Year(persons[i].birth_date->year + (Uniform() < 0.3 ? Int(-1, 1) : 0));
        dup.birth_date = b;
      }
      if (Uniform() < 0.7) dup.origin = persons[i].origin;
      dup.sensitivity = persons[i].sensitivity;
      dup.source_ids = {report_id};
      DOSSIER_ASSIGN_OR_RETURN(std::string dup_id, Add(dup, &DemoSummary::persons));
      ++summary_.duplicate_records;
      DOSSIER_RETURN_IF_ERROR(AddAct(arrest_id, dup_id, {"arbitrary_detention"}, {"iccpr_9"}, report_id,
                                     arrest.perpetrator_orgs[0]));
    }
    return size;
  }

  Status AddAct(const std::string& incident_id, const std::string& victim_id, std::vector<std::string> violations,
                std::vector<std::string> provisions, const std::string& source_id, const std::string& perpetrator) {
    Act a;
    a.incident_id = incident_id;
    a.victim_id = victim_id;
    a.violations = std::move(violations);
    a.provisions = std::move(provisions);
    a.source_ids = {source_id};
    DOSSIER_ASSIGN_OR_RETURN(std::string act_id, Add(a, &DemoSummary::acts));
    Involvement v;
    v.act_id = act_id;
    v.perpetrator_org = perpetrator;
    v.degree = "carried_out";
    v.source_ids = {source_id};
    DOSSIER_RETURN_IF_ERROR(Add(v, &DemoSummary::involvements));
    return Ok();
  }

  // The February 2012 Shenyang arrests, from public reporting only: no names are invented.
  Status WriteShenyang2012() {
    return store_.Transaction([&]() -> Status {
      auto source = [&](const char* id, const char* kind, const char* title, PartialDate date, const char* lang,
                        const char* publisher) -> Status {
        Source s;
        s.id = id;
        s.kind = kind;
        s.title = title;
        s.date = date;
        s.language = lang;
        s.publisher = publisher;
        s.reliability = "high";
        s.sensitivity = Sensitivity::kPublic;
        return Add(s, &DemoSummary::sources).ok() ? Ok() : Status(Error::Internal("demo source"));
      };
      DOSSIER_RETURN_IF_ERROR(source("src-shenyang2012-news", "news_article",
          "News reports of more than 30 North Koreans detained in Shenyang and elsewhere in China",
          PartialDate::Month(2012, 2), "ko", "South Korean press"));
      DOSSIER_RETURN_IF_ERROR(source("src-shenyang2012-unhcr", "official_statement",
          "UNHCR appeal to China concerning North Koreans detained in February 2012",
          PartialDate::Month(2012, 2), "en", "UNHCR"));
      DOSSIER_RETURN_IF_ERROR(source("src-shenyang2012-amnesty", "ngo_report",
          "Amnesty International appeal: China must not forcibly return detained North Koreans",
          PartialDate::Month(2012, 2), "en", "Amnesty International"));
      DOSSIER_RETURN_IF_ERROR(source("src-shenyang2012-hrc", "un_document",
          "Republic of Korea raises forced repatriation of North Koreans at the 19th session of the UN Human Rights Council",
          PartialDate::Month(2012, 2), "en", "UN Human Rights Council"));
      DOSSIER_RETURN_IF_ERROR(source("src-shenyang2012-protests", "news_article",
          "Protests outside the Chinese embassy in Seoul against the forced repatriation of North Koreans",
          PartialDate::Month(2012, 2), "ko", "South Korean press"));

      Person group;
      group.id = "per-shenyang2012-group";
      group.unit = "group";
      group.group_size = ApproximateCount{30, "more_than"};
      group.sensitivity = Sensitivity::kPublic;
      group.notes = "North Koreans detained in Shenyang and elsewhere in February 2012 as publicly reported. "
                    "Names are not recorded here.";
      group.source_ids = {"src-shenyang2012-news", "src-shenyang2012-unhcr", "src-shenyang2012-amnesty"};
      DOSSIER_RETURN_IF_ERROR(Add(group, &DemoSummary::persons));

      Incident arrest;
      arrest.id = "inc-shenyang2012-arrest";
      arrest.type = "arrest";
      arrest.title = "Arrest of more than 30 North Korean escapees in Shenyang";
      arrest.start = PartialDate::Month(2012, 2);
      arrest.place = "cn-ln-shenyang";
      arrest.description =
          "More than 30 North Koreans were reported detained by Chinese public security in Shenyang and other places "
          "in February 2012, raising fears of their forced return. UNHCR and Amnesty International appealed to China "
          "not to return them, and the Republic of Korea raised the case at the UN Human Rights Council and "
          "bilaterally.";
      arrest.perpetrator_orgs = {"prc_mps"};
      arrest.victim_count = ApproximateCount{30, "more_than"};
      arrest.sensitivity = Sensitivity::kPublic;
      arrest.source_ids = {"src-shenyang2012-news", "src-shenyang2012-unhcr", "src-shenyang2012-amnesty",
                           "src-shenyang2012-hrc"};
      DOSSIER_RETURN_IF_ERROR(Add(arrest, &DemoSummary::incidents));

      Incident ret;
      ret.id = "inc-shenyang2012-return";
      ret.type = "forced_return";
      ret.title = "Reported forced return of the people detained in Shenyang";
      ret.start = PartialDate::Month(2012, 3);
      ret.start.approximate = true;
      ret.place = "cn-ln";
      ret.description = "News reports said that detainees were returned to the DPRK; China did not confirm.";
      ret.perpetrator_orgs = {"prc_mps"};
      ret.victim_count = ApproximateCount{30, "more_than"};
      ret.sensitivity = Sensitivity::kPublic;
      ret.source_ids = {"src-shenyang2012-news", "src-shenyang2012-protests"};
      DOSSIER_RETURN_IF_ERROR(Add(ret, &DemoSummary::incidents));

      DOSSIER_RETURN_IF_ERROR(AddAct("inc-shenyang2012-arrest", "per-shenyang2012-group",
                                     {"arbitrary_detention", "denial_of_asylum"}, {"iccpr_9", "rc_31", "udhr_14"},
                                     "src-shenyang2012-amnesty", "prc_mps"));
      return AddAct("inc-shenyang2012-return", "per-shenyang2012-group", {"refoulement"}, {"rc_33", "cat_3"},
                    "src-shenyang2012-news", "prc_mps");
    });
  }

  // The Shenyang 2012 case with the public interventions on it, dated to the month as reported.
  // No response text or outcome is recorded: none was published, and none is invented.
  Status WriteShenyang2012Case() {
    return store_.Transaction([&]() -> Status {
      cases::Case c;
      c.id = "case-shenyang2012";
      c.title = "Shenyang, February 2012: more than 30 North Koreans detained";
      c.person_ids = {"per-shenyang2012-group"};
      c.risk = cases::RiskLevel::kCritical;
      c.opened = PartialDate::Month(2012, 2);
      c.incident_ids = {"inc-shenyang2012-arrest", "inc-shenyang2012-return"};
      c.source_ids = {"src-shenyang2012-news", "src-shenyang2012-unhcr", "src-shenyang2012-amnesty",
                      "src-shenyang2012-hrc", "src-shenyang2012-protests"};
      DOSSIER_RETURN_IF_ERROR(store_.CreateCase(c));
      auto step = [&](cases::CaseStatus to, PartialDate date, std::vector<std::string> sources) -> Status {
        cases::Transition t;
        t.case_id = c.id;
        t.to = to;
        t.date = date;
        t.source_ids = std::move(sources);
        return StatusOf(store_.AddTransition(t));
      };
      DOSSIER_RETURN_IF_ERROR(step(cases::CaseStatus::kVerified, PartialDate::Month(2012, 2), {"src-shenyang2012-news"}));
      DOSSIER_RETURN_IF_ERROR(step(cases::CaseStatus::kDetainedInChina, PartialDate::Month(2012, 2),
                                   {"src-shenyang2012-news", "src-shenyang2012-amnesty"}));
      PartialDate returned = PartialDate::Month(2012, 3);
      returned.approximate = true;
      DOSSIER_RETURN_IF_ERROR(step(cases::CaseStatus::kReturnedToDprk, returned, {"src-shenyang2012-news"}));
      auto intervention = [&](const char* id, const char* actor, const char* target, const char* track,
                              const char* kind, PartialDate date, const char* source) -> Status {
        cases::Intervention i;
        i.id = id;
        i.case_id = c.id;
        i.actor = actor;
        i.target = target;
        i.track = track;
        i.kind = kind;
        i.date = date;
        i.source_ids = {source};
        return StatusOf(store_.AddIntervention(i));
      };
      DOSSIER_RETURN_IF_ERROR(intervention("civ-shenyang2012-unhcr", "unhcr", "prc_mfa", "un_mechanism", "statement",
                                           PartialDate::Month(2012, 2), "src-shenyang2012-unhcr"));
      DOSSIER_RETURN_IF_ERROR(intervention("civ-shenyang2012-amnesty", "amnesty", "prc_mfa", "public_campaign",
                                           "urgent_appeal", PartialDate::Month(2012, 2), "src-shenyang2012-amnesty"));
      // The 19th session of the Human Rights Council ran from late February to March 2012.
      DOSSIER_RETURN_IF_ERROR(intervention("civ-shenyang2012-hrc", "rok_mofa", "un_hrc", "un_mechanism", "statement",
                                           PartialDate::Month(2012, 2), "src-shenyang2012-hrc"));
      return intervention("civ-shenyang2012-protests", "other", "prc_mfa", "public_campaign", "protest",
                          PartialDate::Month(2012, 2), "src-shenyang2012-protests");
    });
  }

  // An approved urgent-action alert on the Shenyang 2012 case (the group by its pseudonym: it has
  // no names) asking partners to press UN mechanisms for the group's whereabouts, and one demo
  // subscriber that reads the Atom feed. Composed and approved under two demo names, so the
  // four-eyes rule holds; the deadline is a fixed date like the synthetic cases' deadlines.
  Status WriteShenyang2012Alert() {
    DOSSIER_ASSIGN_OR_RETURN(cases::Case c, store_.GetCase("case-shenyang2012"));
    DOSSIER_ASSIGN_OR_RETURN(auto transitions, store_.ListTransitions(c.id));
    std::vector<cases::AlertPerson> persons;
    for (const auto& pid : c.person_ids) {
      DOSSIER_ASSIGN_OR_RETURN(Person p, store_.GetPerson(pid));
      persons.push_back({pid, store_.keyring().Pseudonym("person", pid), cases::PersonDisplayName(p, "en"),
                         cases::PersonDisplayName(p, "ko"), p.unit, p.group_size});
    }
    std::optional<cases::Transition> latest;
    if (!transitions.empty()) latest = transitions.back();
    const cases::AlertContext ctx{c, persons, latest, store_.catalog()};
    cases::AlertDraft d;
    d.case_id = c.id;
    d.actions = {"request_whereabouts", "urge_fair_treatment"};
    d.contacts = {"un_sr_dprk", "un_wgad"};
    d.respond_by = PartialDate::Day(2030, 6, 30);
    const std::string now = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)));
    DOSSIER_ASSIGN_OR_RETURN(cases::Alert a, cases::Compose(d, ctx, "demo", now, DaysFromCivil(2025, 1, 10)));
    a.id = "alert-shenyang2012";
    return store_.Transaction([&]() -> Status {
      DOSSIER_RETURN_IF_ERROR(StatusOf(store_.CreateAlert(a)));
      DOSSIER_RETURN_IF_ERROR(cases::Approve(a, "demo-reviewer", now));
      DOSSIER_RETURN_IF_ERROR(store_.SaveAlert(a, cases::AlertStatus::kDraft, "approve", {}));
      cases::Subscriber s;
      s.name = "Demo partner (Atom feed only)";
      s.language = "both";
      return StatusOf(store_.PutSubscriber(s));
    });
  }

  // A few synthetic open cases on synthetic persons, with fixed dates (same seed, same records):
  // two are overdue (a passed deadline; an unanswered follow-up), one closed case has a passed
  // deadline and is not overdue.
  Status WriteSyntheticCases() {
    ListQuery q;
    q.limit = 20;
    DOSSIER_ASSIGN_OR_RETURN(auto page, store_.ListPersons(q));
    std::vector<std::string> persons;
    for (const auto& p : page.items) {
      if (p.id.starts_with("per-d")) persons.push_back(p.id);
    }
    if (persons.size() < 5 || reports_.empty()) return Ok();
    const std::string& source = reports_.front();
    using S = cases::CaseStatus;
    struct Spec {
      const char* id;
      const char* title;
      cases::RiskLevel risk;
      std::vector<S> path;
      std::optional<PartialDate> deadline;
      bool intervention;
      std::optional<PartialDate> follow_up;
    };
    const Spec specs[] = {
        {"case-demo-1", "Synthetic case: woman detained at a border post", cases::RiskLevel::kCritical,
         {S::kVerified, S::kDetainedInChina}, PartialDate::Day(2025, 2, 1), true, PartialDate::Day(2025, 1, 27)},
        {"case-demo-2", "Synthetic case: family reported missing after a raid", cases::RiskLevel::kHigh,
         {S::kVerified}, PartialDate::Day(2030, 6, 30), true, PartialDate::Day(2030, 5, 1)},
        {"case-demo-3", "Synthetic case: man transferred to a border detention centre", cases::RiskLevel::kHigh,
         {S::kVerified, S::kDetainedInChina, S::kTransferredOrAtBorder}, std::nullopt, true, PartialDate::Day(2025, 2, 24)},
        {"case-demo-4", "Synthetic case: new report, not yet verified", cases::RiskLevel::kMedium, {},
         PartialDate::Day(2030, 1, 15), false, std::nullopt},
        {"case-demo-5", "Synthetic case: resettled and closed", cases::RiskLevel::kLow,
         {S::kVerified, S::kDetainedInChina, S::kReleased, S::kResettled, S::kClosed}, PartialDate::Day(2025, 1, 1), false,
         std::nullopt},
    };
    return store_.Transaction([&]() -> Status {
      for (size_t n = 0; n < std::size(specs); ++n) {
        const Spec& spec = specs[n];
        cases::Case c;
        c.id = spec.id;
        c.title = spec.title;
        c.person_ids = {persons[n]};
        c.risk = spec.risk;
        c.opened = PartialDate::Day(2025, 1, 10);
        c.next_deadline = spec.deadline;
        c.source_ids = {source};
        DOSSIER_RETURN_IF_ERROR(store_.CreateCase(c));
        int day = 11;
        for (S to : spec.path) {
          cases::Transition t;
          t.case_id = c.id;
          t.to = to;
          t.date = PartialDate::Day(2025, 1, day++);
          t.source_ids = {source};
          DOSSIER_RETURN_IF_ERROR(store_.AddTransition(t));
        }
        if (spec.intervention) {
          cases::Intervention i;
          i.id = fmt::format("civ-demo-{}", n + 1);
          i.case_id = c.id;
          i.actor = n == 2 ? "rok_mofa" : "ngo_self";
          i.target = n == 2 ? "prc_mfa" : "unhcr";
          i.track = n == 2 ? "bilateral" : "un_mechanism";
          i.kind = n == 2 ? "meeting" : "urgent_appeal";
          i.date = PartialDate::Day(2025, 1, 20);
          i.follow_up = spec.follow_up;
          i.source_ids = {source};
          DOSSIER_RETURN_IF_ERROR(store_.AddIntervention(i));
        }
      }
      return Ok();
    });
  }

  Store& store_;
  const DemoOptions& options_;
  std::mt19937_64 rng_;
  DemoSummary summary_;
  std::vector<std::string> reports_;
  int64_t testimony_counter_ = 0;
  int64_t next_id_[5] = {};
};

}  // namespace

Result<DemoSummary> GenerateDemoData(Store& store, const DemoOptions& options) {
  if (options.persons < 0) return Error::Invalid("--persons must not be negative");
  store.SetActor("demo");
  DemoWriter writer(store, options);
  return writer.Run();
}

}  // namespace dossier
