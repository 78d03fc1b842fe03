#include "reports/report.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "domain/catalog.h"
#include "domain/markup.h"
#include "domain/json_fields.h"
#include "reports/charts.h"

namespace dossier::reports {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// ------------------------------------------------------------------ templates

std::string TemplateDir() { return Catalog::DefaultDataDir() + "/report_templates"; }

Result<json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound(fmt::format("no report template {}", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error::Corrupt(fmt::format("{}: not a JSON object", path));
  return j;
}

Result<json> LoadTemplate(const std::string& mechanism) {
  if (mechanism.empty() || mechanism.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) {
    return Error::Invalid(fmt::format("field 'mechanism': unknown mechanism '{}'", mechanism));
  }
  const std::string path = TemplateDir() + "/" + mechanism + ".json";
  if (!std::filesystem::exists(path)) {
    return Error::Invalid(fmt::format("field 'mechanism': unknown mechanism '{}' (see `dossier report templates`)", mechanism));
  }
  return ReadJsonFile(path);
}

std::string Text(const json& j, const std::string& lang) {
  if (!j.is_object()) return "";
  if (j.contains(lang) && j[lang].is_string()) return j[lang].get<std::string>();
  return j.value("en", "");
}

std::string Fill(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [k, v] : values) {
    const std::string key = "{{" + k + "}}";
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + v.size())) text.replace(at, key.size(), v);
  }
  return text;
}

const char* StatusLabel(cases::CaseStatus s, bool ko) {
  using S = cases::CaseStatus;
  switch (s) {
    case S::kReported: return ko ? "접수" : "reported";
    case S::kVerified: return ko ? "확인됨" : "verified";
    case S::kDetainedInChina: return ko ? "중국에서 구금" : "detained in China";
    case S::kTransferredOrAtBorder: return ko ? "이송 또는 국경 대기" : "transferred or at the border";
    case S::kReturnedToDprk: return ko ? "북한으로 송환됨" : "returned to the DPRK";
    case S::kHeldInDprk: return ko ? "북한에서 구금" : "held in the DPRK";
    case S::kReleased: return ko ? "석방" : "released";
    case S::kImprisoned: return ko ? "수감" : "imprisoned";
    case S::kExecuted: return ko ? "처형" : "executed";
    case S::kEscapedAgain: return ko ? "재탈북" : "escaped again";
    case S::kResettled: return ko ? "정착" : "resettled";
    case S::kUnknown: return ko ? "알 수 없음" : "unknown";
    case S::kClosed: return ko ? "종결" : "closed";
  }
  return "";
}

// A date as published: to the month at most when redacting (a day can identify an arrest).
std::string PublishedDate(PartialDate d, bool redact) {
  if (redact && d.precision == DatePrecision::kDay) {
    d.precision = DatePrecision::kMonth;
    d.day = 0;
  }
  return d.ToString();
}

// ------------------------------------------------------------------ the document being built

struct Block {
  enum Kind { kParagraph, kSubheading, kTable, kFigure, kList, kNote } kind;
  std::string text;                              // paragraph, subheading, note, figure caption
  std::vector<std::vector<std::string>> rows;    // table (first row = header) or list items (rows[i][0])
  std::string svg;                               // figure
};

struct Section {
  std::string id, heading;
  std::vector<Block> blocks;
  bool optional = false;
  int priority = 0;
  int64_t Words() const {
    int64_t w = CountWords(heading);
    for (const auto& b : blocks) {
      w += CountWords(b.text);
      for (const auto& r : b.rows) {
        for (const auto& c : r) w += CountWords(c);
      }
    }
    return w;
  }
};

class Builder {
 public:
  Builder(const Snapshot& snapshot, const Store& store, const ReportRequest& req)
      : snap_(snapshot), store_(store), catalog_(store.catalog()), req_(req), ko_(req.lang == "ko"),
        redact_(req.policy.redact) {}

  Result<Report> Build() {
    if (req_.lang != "en" && req_.lang != "ko") return Error::Invalid(fmt::format("field 'lang': use en or ko, not '{}'", req_.lang));
    if (req_.policy.threshold < 1 || req_.policy.threshold > 100) return Error::Invalid("field 'threshold': must be 1 to 100");
    if (req_.policy.k < 1 || req_.policy.k > 100) return Error::Invalid("field 'k': must be 1 to 100");
    DOSSIER_ASSIGN_OR_RETURN(tpl_, LoadTemplate(req_.mechanism));
    DOSSIER_RETURN_IF_ERROR(LoadCases());
    if (tpl_.value("needs_cases", false) && cases_.empty()) {
      return Error::Invalid("field 'selection': this mechanism needs at least one case (case_ids, or a filter that matches cases)");
    }
    StatisticsOptions so;
    so.estimates = req_.estimates;
    Selection stats_selection = req_.selection;
    stats_selection.case_ids.clear();
    // Case submissions give context for the same kind of incident in the same years, anywhere.
    if (tpl_.value("needs_cases", false)) stats_selection.place.clear();
    DOSSIER_ASSIGN_OR_RETURN(stats_, ComputeStatistics(snap_, store_, stats_selection, so));
    population_ = Population(snap_, catalog_);

    Report r;
    r.mechanism = req_.mechanism;
    r.lang = req_.lang;
    r.redacted = redact_;
    r.title = Text(tpl_["title"], req_.lang);
    for (const auto& c : cases_) r.case_ids.push_back(c.id);
    values_ = {{"organisation", req_.organisation.empty() ? (ko_ ? "제출 기관" : "The submitting organisation") : req_.organisation},
               {"date", Today()},
               {"period", Period()},
               {"place", PlaceText()},
               {"cases", std::to_string(cases_.size())},
               {"persons", FormatCount(Suppress(stats_.persons, Threshold()), Threshold(), req_.lang)},
               {"threshold", std::to_string(Threshold())},
               {"k", std::to_string(req_.policy.k)}};

    std::vector<Section> sections;
    for (const auto& st : tpl_["sections"]) {
      Section s;
      s.id = st.value("id", "");
      s.heading = Text(st.value("heading", json::object()), req_.lang);
      s.optional = st.value("optional", false);
      s.priority = st.value("priority", 0);
      if (st.contains("text")) {
        const json& t = st["text"].contains(req_.lang) ? st["text"][req_.lang] : st["text"]["en"];
        for (const auto& p : t) s.blocks.push_back({Block::kParagraph, Fill(p.get<std::string>(), values_), {}, ""});
      }
      const std::string content = st.value("content", "");
      if (content == "cases") DOSSIER_RETURN_IF_ERROR(CasesContent(s));
      if (content == "timeline") TimelineContent(s);
      if (content == "case_map") DOSSIER_RETURN_IF_ERROR(CaseMapContent(s));
      if (content == "statistics_summary") SummaryContent(s);
      if (content == "statistics_tables") TablesContent(s);
      if (content == "statistics_charts") ChartsContent(s);
      if (content == "statistics_map") DOSSIER_RETURN_IF_ERROR(StatisticsMapContent(s));
      if (content == "sources") sources_section_ = sections.size();
      sections.push_back(std::move(s));
    }
    // Sources last: every other section has said what it cites by now.
    if (sources_section_) SourcesContent(sections[*sources_section_]);

    // Word limit.
    std::optional<int64_t> limit;
    const char* limit_field = req_.joint ? "joint_word_limit" : "word_limit";
    if (tpl_.contains(limit_field) && tpl_[limit_field].is_number_integer()) limit = tpl_[limit_field].get<int64_t>();
    std::vector<SectionWords> words;
    for (const auto& s : sections) words.push_back({s.id, s.Words(), s.optional, s.priority});
    if (limit) {
      DOSSIER_ASSIGN_OR_RETURN(r.trimmed, FitWordLimit(words, *limit, req_.trim));
      std::erase_if(sections, [&](const Section& s) {
        return std::find(r.trimmed.begin(), r.trimmed.end(), s.id) != r.trimmed.end();
      });
      r.word_limit = limit;
      if (req_.mechanism == "upr" && ko_) {
        warnings_.push_back("UPR submissions are accepted in the UN official languages; use the Korean text for review only.");
      }
    }
    for (const auto& s : sections) r.words += s.Words();
    r.warnings = warnings_;
    r.redaction = notes_;
    Render(r, sections);
    return r;
  }

 private:
  int64_t Threshold() const { return redact_ ? req_.policy.threshold : 1; }
  std::string Label(const char* vocabulary, const std::string& code) const { return catalog_.Label(vocabulary, code, req_.lang); }
  std::string PlaceName(const std::string& code) const {
    if (code.empty()) return ko_ ? "알 수 없는 곳" : "an unknown place";
    return catalog_.PlaceLabel(redact_ ? CoarsenPlace(catalog_, code) : code, req_.lang);
  }
  std::string PlaceText() const {
    if (!req_.selection.place.empty()) return PlaceName(req_.selection.place);
    std::set<std::string> places;
    for (const auto& c : cases_) {
      for (const auto& id : c.incident_ids) {
        if (auto i = snap_.incidents.find(id); i != snap_.incidents.end() && i->second.type != "forced_return") {
          places.insert(PlaceName(i->second.place));
        }
      }
    }
    std::string out;
    for (const auto& p : places) out += (out.empty() ? "" : ", ") + p;
    return out.empty() ? (ko_ ? "중국" : "China") : out;
  }
  static std::string Today() {
    const std::chrono::year_month_day d{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
    return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  }
  std::string Period() const {
    int lo = req_.selection.year_from.value_or(0), hi = req_.selection.year_to.value_or(0);
    if (!lo || !hi) {
      const Table* years = stats_.Find("year");
      if (years && !years->cells.empty()) {
        if (!lo) lo = std::atoi(years->cells.front().key.c_str());
        if (!hi) hi = std::atoi(years->cells.back().key.c_str());
      }
    }
    if (!lo && !hi) return ko_ ? "전 기간" : "the whole period";
    if (lo == hi) return ko_ ? fmt::format("{}년", lo) : std::to_string(lo);
    return ko_ ? fmt::format("{}–{}년", lo, hi) : fmt::format("{}–{}", lo, hi);
  }

  Status LoadCases() {
    std::set<std::string> ids(req_.selection.case_ids.begin(), req_.selection.case_ids.end());
    for (const auto& id : ids) {
      auto c = store_.GetCase(id);
      if (!c.ok()) {
        if (c.error().code == ErrorCode::kNotFound) return Error::Invalid(fmt::format("field 'case_ids': no case '{}'", id));
        return c.error();
      }
      cases_.push_back(*c);
    }
    const Selection& s = req_.selection;
    const bool filtered = !s.incident_type.empty() || !s.place.empty() || s.year_from || s.year_to;
    if (ids.empty() && filtered && tpl_.value("needs_cases", false)) {
      DOSSIER_ASSIGN_OR_RETURN(cases_, MatchingCases(snap_, store_, s));
    }
    return Ok();
  }

  void Cite(const std::vector<std::string>& ids) {
    for (const auto& id : ids) cited_.insert(id);
  }

  // One paragraph per person of a case: pseudonym and what may be published, generalised until at
  // least k persons in the database share it.
  std::string DescribePerson(const Person& p, int year) {
    PublishablePerson pp = PublishablePersonOf(p, store_.keyring(), catalog_, year, req_.policy);
    if (p.unit != "individual") {
      const std::string size = pp.group_size ? FormatCount({false, *pp.group_size}, Threshold(), req_.lang) : (ko_ ? "여러" : "several");
      if (ko_) return fmt::format("{}: {} {}명 (이름은 기록되어 있지 않거나 공개하지 않음)", pp.label, p.unit == "family" ? "가족" : "집단", size);
      return fmt::format("{}: a {} of {} persons (names not recorded or not published)", pp.label, p.unit, size);
    }
    if (redact_) {
      Generalisation g = Generalise(population_, QuasiIdentifiersOf(p, catalog_, year), req_.policy.k);
      if (!g.publish_sex) pp.sex.clear();
      if (g.age_band_width == 0) {
        pp.age_band.clear();
      } else {
        pp.age_band = AgeBand(p.birth_date, year, g.age_band_width);
      }
      if (!g.publish_origin) pp.origin.clear();
      if (g.withheld) pp.sex.clear(), pp.age_band.clear(), pp.origin.clear();
      for (const auto& step : g.steps) notes_.push_back(fmt::format("{}: {} (k = {}: {} persons share what is published)", pp.label, step, req_.policy.k, g.class_size));
    }
    std::vector<std::string> parts;
    if (!pp.sex.empty()) parts.push_back(Label("sexes", pp.sex));
    if (!pp.age_band.empty()) parts.push_back(ko_ ? fmt::format("{}년 당시 {}세", year, pp.age_band) : fmt::format("aged {} in {}", pp.age_band, year));
    if (!pp.birth_date.empty()) parts.push_back(ko_ ? fmt::format("생년월일 {}", pp.birth_date) : fmt::format("born {}", pp.birth_date));
    if (!pp.origin.empty()) parts.push_back(ko_ ? fmt::format("출신 {}", catalog_.PlaceLabel(pp.origin, "ko")) : fmt::format("from {}", catalog_.PlaceLabel(pp.origin, "en")));
    std::string out = pp.label;
    if (!parts.empty()) {
      out += ": ";
      for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
    } else if (redact_) {
      out += ko_ ? ": 신원을 드러낼 수 있어 개인 정보는 싣지 않음" : ": personal details withheld (they would single the person out)";
    }
    return out;
  }

  Status CasesContent(Section& s) {
    if (cases_.empty()) {
      s.blocks.push_back({Block::kParagraph, ko_ ? "선택된 사례가 없습니다." : "No cases were selected.", {}, ""});
      return Ok();
    }
    int n = 0;
    for (const auto& c : cases_) {
      ++n;
      std::vector<const Incident*> incidents;
      for (const auto& id : c.incident_ids) {
        if (auto i = snap_.incidents.find(id); i != snap_.incidents.end()) incidents.push_back(&i->second);
      }
      std::sort(incidents.begin(), incidents.end(), [](const Incident* a, const Incident* b) { return a->start < b->start; });
      const int year = incidents.empty() ? c.opened.year : incidents.front()->start.year;
      std::vector<std::string> labels;
      std::vector<std::vector<std::string>> people;
      for (const auto& pid : c.person_ids) {
        auto p = snap_.persons.find(pid);
        if (p == snap_.persons.end()) continue;
        labels.push_back(PublishedLabel(p->second, store_.keyring(), redact_));
        people.push_back({DescribePerson(p->second, year)});
        Cite(p->second.source_ids);
      }
      std::string who;
      for (const auto& l : labels) who += (who.empty() ? "" : ", ") + l;
      s.blocks.push_back({Block::kSubheading, ko_ ? fmt::format("사례 {}: {}", n, who) : fmt::format("Case {}: {}", n, who), {}, ""});
      if (!redact_ && !c.title.empty()) s.blocks.push_back({Block::kParagraph, c.title, {}, ""});
      s.blocks.push_back({Block::kList, "", people, ""});
      s.blocks.push_back({Block::kParagraph,
                          ko_ ? fmt::format("현재 상태: {}.", StatusLabel(c.status, true))
                              : fmt::format("Current status: {}.", StatusLabel(c.status, false)),
                          {}, ""});
      // What happened, when and where.
      std::vector<std::vector<std::string>> rows = {{ko_ ? "날짜" : "Date", ko_ ? "사건" : "Event", ko_ ? "장소" : "Place",
                                                      ko_ ? "가해 기관" : "Perpetrator"}};
      std::set<std::string> violations, provisions;
      for (const Incident* i : incidents) {
        std::string orgs;
        for (const auto& o : i->perpetrator_orgs) orgs += (orgs.empty() ? "" : ", ") + Label("organisations", o);
        rows.push_back({PublishedDate(i->start, redact_), Label("incident_types", i->type), PlaceName(i->place), orgs});
        Cite(i->source_ids);
        for (const auto& a : snap_.acts) {
          if (a.incident_id != i->id) continue;
          if (std::find(c.person_ids.begin(), c.person_ids.end(), a.victim_id) == c.person_ids.end()) continue;
          violations.insert(a.violations.begin(), a.violations.end());
          provisions.insert(a.provisions.begin(), a.provisions.end());
          Cite(a.source_ids);
        }
        if (!redact_ && !i->description.empty()) s.blocks.push_back({Block::kNote, i->description, {}, ""});
      }
      if (rows.size() > 1) s.blocks.push_back({Block::kTable, "", rows, ""});
      if (!violations.empty()) {
        std::string v, p;
        for (const auto& x : violations) v += (v.empty() ? "" : "; ") + Label("violations", x);
        for (const auto& x : provisions) p += (p.empty() ? "" : "; ") + Label("legal_provisions", x);
        s.blocks.push_back({Block::kParagraph, ko_ ? fmt::format("침해: {}. 관련 조항: {}.", v, p) : fmt::format("Violations: {}. Provisions engaged: {}.", v, p), {}, ""});
      }
      DOSSIER_ASSIGN_OR_RETURN(auto interventions, store_.ListInterventions(c.id));
      if (!interventions.empty()) {
        std::vector<std::vector<std::string>> items;
        for (const auto& iv : interventions) {
          items.push_back({fmt::format("{} — {} → {} ({}, {})", PublishedDate(iv.date, redact_), Label("organisations", iv.actor),
                                       Label("organisations", iv.target), Label("intervention_kinds", iv.kind),
                                       Label("intervention_tracks", iv.track))});
          Cite(iv.source_ids);
        }
        s.blocks.push_back({Block::kParagraph, ko_ ? "이미 취해진 조치:" : "Interventions already made:", {}, ""});
        s.blocks.push_back({Block::kList, "", items, ""});
      }
      DOSSIER_ASSIGN_OR_RETURN(auto transitions, store_.ListTransitions(c.id));
      for (const auto& t : transitions) Cite(t.source_ids);
      Cite(c.source_ids);
    }
    return Ok();
  }

  void TimelineContent(Section& s) {
    std::vector<TimelineEvent> events;
    for (const auto& c : cases_) {
      for (const auto& id : c.incident_ids) {
        if (auto i = snap_.incidents.find(id); i != snap_.incidents.end()) {
          events.push_back({i->second.start, fmt::format("{} ({})", Label("incident_types", i->second.type), PlaceName(i->second.place)), "incident"});
        }
      }
      if (auto ts = store_.ListTransitions(c.id); ts.ok()) {
        for (const auto& t : *ts) events.push_back({t.date, StatusLabel(t.to, ko_), "transition"});
      }
      if (auto is = store_.ListInterventions(c.id); is.ok()) {
        for (const auto& i : *is) {
          events.push_back({i.date, fmt::format("{} → {}: {}", Label("organisations", i.actor), Label("organisations", i.target),
                                                Label("intervention_kinds", i.kind)), "intervention"});
        }
      }
    }
    if (redact_) {
      for (auto& e : events) {
        if (e.date.precision == DatePrecision::kDay) e.date = PartialDate::Month(e.date.year, e.date.month);
      }
    }
    std::stable_sort(events.begin(), events.end(), [](const TimelineEvent& a, const TimelineEvent& b) { return a.date < b.date; });
    if (events.empty()) return;
    s.blocks.push_back({Block::kFigure, ko_ ? "사건, 상태 변화, 조치의 경과" : "Incidents, changes of status and interventions, in date order", {},
                        TimelineSvg(ko_ ? "경과" : "Chronology", events)});
  }

  Status CaseMapContent(Section& s) {
    std::map<std::string, std::vector<std::string>> at;  // place -> event labels
    for (const auto& c : cases_) {
      for (const auto& id : c.incident_ids) {
        if (auto i = snap_.incidents.find(id); i != snap_.incidents.end()) {
          at[redact_ ? CoarsenPlace(catalog_, i->second.place) : i->second.place].push_back(
              fmt::format("{} {}", Label("incident_types", i->second.type), PublishedDate(i->second.start, redact_)));
        }
      }
    }
    std::vector<MapPoint> points;
    for (const auto& [code, labels] : at) {
      const Place* p = catalog_.FindPlace(code);
      if (!p) continue;
      std::string text;
      for (const auto& l : labels) text += (text.empty() ? "" : "; ") + l;
      points.push_back({p->latitude, p->longitude, catalog_.PlaceLabel(code, req_.lang), 1, false, text});
    }
    return AddMap(s, points, ko_ ? "선택한 사례의 사건 발생 지역" : "Where the incidents of the selected cases took place");
  }

  Status AddMap(Section& s, const std::vector<MapPoint>& points, const std::string& caption) {
    DOSSIER_ASSIGN_OR_RETURN(std::string basemap, LoadBasemap());
    DOSSIER_ASSIGN_OR_RETURN(std::string svg, MapSvg(basemap, ko_ ? "사건 지도" : "Map of incidents", points,
                                                     ko_ ? "지도 밖" : "Outside the map", req_.lang));
    s.blocks.push_back({Block::kFigure,
                        caption + (ko_ ? " (개략도: 경계는 단순화한 것임)" : " (schematic base map: borders simplified)"), {}, svg});
    return Ok();
  }

  std::string CountText(const Count& c, bool suppressed, const char* unit = "persons") const {
    return FormatCount({suppressed, c}, Threshold(), req_.lang, unit);
  }

  void SummaryContent(Section& s) {
    const auto persons = Suppress(stats_.persons, Threshold());
    const auto incidents = Suppress(Count{stats_.incidents}, Threshold());
    const auto acts = Suppress(Count{stats_.acts}, Threshold());
    const std::string type = req_.selection.incident_type.empty() ? (ko_ ? "모든 유형의 사건" : "incidents of every type")
                                                                 : Label("incident_types", req_.selection.incident_type);
    if (ko_) {
      s.blocks.push_back({Block::kParagraph,
                          fmt::format("{} 동안 {}의 기록에는 {}에 관련된 사람이 {}, 사건이 {}, 침해 행위가 {} 있습니다. 여러 출처에 나오는 같은 사람은 한 번만 계산하였습니다.",
                                      Period(), values_["organisation"], type, FormatCount(persons, Threshold(), "ko"),
                                      FormatCount(incidents, Threshold(), "ko", "incidents"), FormatCount(acts, Threshold(), "ko", "acts")),
                          {}, ""});
    } else {
      s.blocks.push_back({Block::kParagraph,
                          fmt::format("For {}, the records of {} hold {} persons affected by {} ({}), in {} incidents, with {} acts of violation documented. A person described by several sources is counted once.",
                                      Period(), values_["organisation"], FormatCount(persons, Threshold(), "en"), type,
                                      req_.selection.place.empty() ? "all places" : PlaceName(req_.selection.place),
                                      FormatCount(incidents, Threshold(), "en", "incidents"), FormatCount(acts, Threshold(), "en", "acts")),
                          {}, ""});
    }
    if (const Table* t = stats_.Find("province"); t && !t->cells.empty()) {
      std::string list;
      auto hidden = Hidden(*t);
      for (size_t i = 0; i < t->cells.size() && i < 5; ++i) {
        list += (list.empty() ? "" : ", ") + fmt::format("{} ({})", catalog_.PlaceLabel(t->cells[i].key, req_.lang), CountText(t->cells[i].persons, hidden[i]));
      }
      s.blocks.push_back({Block::kParagraph, ko_ ? fmt::format("지역별(도 단위): {}.", list) : fmt::format("By province: {}.", list), {}, ""});
    }
    EstimateParagraph(s);
    for (const auto& [id, inc] : snap_.incidents) {
      if (MatchesIncident(stats_.selection, catalog_, inc)) Cite(inc.source_ids);
    }
  }

  void EstimateParagraph(Section& s) {
    int shown = 0;
    std::string list;
    std::set<std::string> cautions;
    for (const auto& e : stats_.estimates) {
      if (!e.estimated || e.documented < Threshold()) continue;
      ++shown;
      list += (list.empty() ? "" : "; ") +
              (ko_ ? fmt::format("{}년 기록 {}명, 추정 {:.0f}명 (95% 구간 {:.0f}–{})", e.year, e.documented, e.estimate, e.lower,
                                 std::isfinite(e.upper) ? fmt::format("{:.0f}", e.upper) : "상한 없음")
                   : fmt::format("{}: {} documented, estimated {:.0f} (95% interval {:.0f}–{})", e.year, e.documented, e.estimate,
                                 e.lower, std::isfinite(e.upper) ? fmt::format("{:.0f}", e.upper) : "no upper limit"));
      for (const auto& c : e.cautions) cautions.insert(c);
    }
    if (!shown) return;
    s.blocks.push_back({Block::kParagraph,
                        ko_ ? fmt::format("다중체계추정에 따른 추정치(기록된 사람 포함): {}.", list)
                            : fmt::format("Multiple systems estimates of the total, documented and undocumented: {}.", list),
                        {}, ""});
    if (!cautions.empty()) {
      // A caution per year and model quickly runs to pages: the first few, then how many more.
      constexpr size_t kShown = 4;
      std::vector<std::vector<std::string>> items;
      for (const auto& c : cautions) {
        if (items.size() == kShown) break;
        items.push_back({c});
      }
      if (cautions.size() > kShown) {
        items.push_back({ko_ ? fmt::format("그 밖의 주의 사항 {}건 (연도별 추정은 `dossier estimate`로 확인)", cautions.size() - kShown)
                             : fmt::format("and {} further cautions on single years (see `dossier estimate` for each year)", cautions.size() - kShown)});
      }
      s.blocks.push_back({Block::kNote, ko_ ? "추정에 관한 주의 사항 (영문):" : "Cautions on the estimates:", {}, ""});
      s.blocks.push_back({Block::kList, "", items, ""});
    }
  }

  std::vector<bool> Hidden(const Table& t) const {
    std::vector<int64_t> values;
    for (const auto& c : t.cells) values.push_back(c.persons.value);
    return redact_ ? SecondarySuppression(values, Threshold()) : std::vector<bool>(values.size(), false);
  }

  std::string KeyLabel(const std::string& dimension, const std::string& key) const {
    if (key == "unknown") return ko_ ? "알 수 없음" : "unknown";
    if (dimension == "incident_type" || dimension == "outcome") return Label("incident_types", key);
    if (dimension == "province") return catalog_.PlaceLabel(key, req_.lang);
    if (dimension == "perpetrator") return Label("organisations", key);
    if (dimension == "violation") return Label("violations", key);
    if (dimension == "sex") return Label("sexes", key);
    return key;
  }

  void TablesContent(Section& s) {
    static const std::map<std::string, std::pair<const char*, const char*>> kTitles = {
        {"year", {"By year", "연도별"}},
        {"province", {"By province", "도(성)별"}},
        {"incident_type", {"By type of incident", "사건 유형별"}},
        {"perpetrator", {"By perpetrator", "가해 기관별"}},
        {"violation", {"By violation", "침해 유형별"}},
        {"sex", {"By sex", "성별"}},
        {"outcome", {"By last documented event", "마지막으로 기록된 사건별"}}};
    for (const char* dim : {"year", "province", "incident_type", "perpetrator", "violation", "sex", "outcome"}) {
      const Table* t = stats_.Find(dim);
      if (!t || t->cells.empty()) continue;
      const auto& title = kTitles.at(dim);
      std::vector<std::vector<std::string>> rows = {
          {ko_ ? title.second : title.first, ko_ ? "사람" : "Persons", ko_ ? "사건" : "Incidents", ko_ ? "침해 행위" : "Acts"}};
      auto hidden = Hidden(*t);
      std::vector<int64_t> inc, act;
      for (const auto& c : t->cells) inc.push_back(c.incidents), act.push_back(c.acts);
      auto hidden_inc = redact_ ? SecondarySuppression(inc, Threshold()) : std::vector<bool>(inc.size(), false);
      auto hidden_act = redact_ ? SecondarySuppression(act, Threshold()) : std::vector<bool>(act.size(), false);
      for (size_t i = 0; i < t->cells.size(); ++i) {
        const Cell& c = t->cells[i];
        rows.push_back({KeyLabel(dim, c.key), CountText(c.persons, hidden[i]), CountText(Count{c.incidents}, hidden_inc[i], "incidents"),
                        CountText(Count{c.acts}, hidden_act[i], "acts")});
      }
      rows.push_back({ko_ ? "합계 (중복 제외)" : "Total (each counted once)", CountText(t->total.persons, Suppress(t->total.persons, Threshold()).suppressed),
                      CountText(Count{t->total.incidents}, Suppress(Count{t->total.incidents}, Threshold()).suppressed, "incidents"),
                      CountText(Count{t->total.acts}, Suppress(Count{t->total.acts}, Threshold()).suppressed, "acts")});
      s.blocks.push_back({Block::kTable, "", rows, ""});
    }
    if (redact_) {
      s.blocks.push_back({Block::kNote,
                          ko_ ? fmt::format("{0} 미만의 수는 \"{0}명 미만\"(또는 \"{0}건 미만\")으로 표시하였고, 합계에서 역산할 수 있는 경우 다른 칸 하나를 더 가렸습니다. 한 사람이 여러 칸에 나올 수 있으므로 칸의 합은 합계보다 클 수 있습니다.", Threshold())
                              : fmt::format("Counts under {0} are shown as \"fewer than {0}\"; where a single hidden count could be worked out from the total, one more cell is hidden. A person may appear in several rows, so rows can add up to more than the total.", Threshold()),
                          {}, ""});
    }
  }

  void ChartsContent(Section& s) {
    const Table* years = stats_.Find("year");
    if (!years || years->cells.empty()) return;
    auto hidden = Hidden(*years);
    std::vector<Bar> bars;
    std::vector<LinePoint> points;
    std::map<int, const YearEstimate*> est;
    for (const auto& e : stats_.estimates) est[e.year] = &e;
    for (size_t i = 0; i < years->cells.size(); ++i) {
      const Cell& c = years->cells[i];
      const int64_t shown = hidden[i] ? Threshold() : c.persons.value;
      bars.push_back({c.key, shown, hidden[i], CountText(c.persons, hidden[i])});
      LinePoint p{c.key, static_cast<double>(shown), hidden[i], {}, {}, {}};
      auto e = est.find(std::atoi(c.key.c_str()));
      if (e != est.end() && e->second->estimated && !hidden[i] && e->second->documented >= Threshold()) {
        p.estimate = e->second->estimate;
        p.lower = e->second->lower;
        p.upper = e->second->upper;
      }
      points.push_back(p);
    }
    s.blocks.push_back({Block::kFigure, ko_ ? "연도별 관련된 사람 수 (빗금: 공개 기준 미만)" : "Persons affected by year (hatched: under the publication threshold)",
                        {}, BarChartSvg(ko_ ? "연도별 사람 수" : "Persons by year", bars)});
    if (!stats_.estimates.empty()) {
      s.blocks.push_back({Block::kFigure,
                          ko_ ? "연도별 기록된 사람과 다중체계추정치 (음영: 95% 구간)" : "Documented persons and multiple systems estimates by year (shaded: 95% interval)",
                          {}, LineChartSvg(ko_ ? "기록과 추정" : "Documented and estimated", points, ko_ ? "기록됨" : "documented",
                                           ko_ ? "추정 (95% 구간)" : "estimated (95% interval)")});
    }
  }

  Status StatisticsMapContent(Section& s) {
    const Table* t = stats_.Find("province");
    if (!t) return Ok();
    auto hidden = Hidden(*t);
    std::vector<MapPoint> points;
    for (size_t i = 0; i < t->cells.size(); ++i) {
      const Place* p = catalog_.FindPlace(t->cells[i].key);
      if (!p) continue;
      points.push_back({p->latitude, p->longitude, catalog_.PlaceLabel(p->code, req_.lang),
                        hidden[i] ? Threshold() : t->cells[i].persons.value, hidden[i], CountText(t->cells[i].persons, hidden[i])});
    }
    return AddMap(s, points, ko_ ? "도(성)별 관련된 사람 수" : "Persons affected by province");
  }

  void SourcesContent(Section& s) {
    std::vector<const Source*> list;
    std::map<std::string, int64_t> confidential;  // kind -> how many
    for (const auto& id : cited_) {
      auto it = snap_.sources.find(id);
      if (it == snap_.sources.end()) continue;
      if (redact_ && it->second.sensitivity == Sensitivity::kRestricted) {
        ++confidential[it->second.kind];
        continue;
      }
      list.push_back(&it->second);
    }
    std::sort(list.begin(), list.end(), [](const Source* a, const Source* b) {
      if (a->sensitivity != b->sensitivity) return a->sensitivity < b->sensitivity;  // public first
      return a->title < b->title;
    });
    constexpr size_t kMaxListed = 40;
    std::vector<std::vector<std::string>> items;
    for (size_t i = 0; i < list.size() && i < kMaxListed; ++i) {
      const Source& src = *list[i];
      std::string line = src.title;
      if (!src.publisher.empty()) line += ". " + src.publisher;
      if (src.date) line += ", " + src.date->ToString();
      line += ".";
      if (!src.url.empty() && src.sensitivity == Sensitivity::kPublic) line += " " + src.url;
      items.push_back({line});
    }
    if (list.size() > kMaxListed) {
      items.push_back({ko_ ? fmt::format("그 밖의 출처 {}건 (요청 시 제공)", list.size() - kMaxListed)
                           : fmt::format("and {} further sources, available on request", list.size() - kMaxListed)});
    }
    for (const auto& [kind, n] : confidential) {
      const PublishedCount c = Suppress(Count{n}, Threshold());
      items.push_back({ko_ ? fmt::format("비공개 {}: {} (제출 기관 보관)", Label("source_kinds", kind), FormatCount(c, Threshold(), "ko", "sources"))
                           : fmt::format("Confidential {}: {}, held by the submitting organisation", Label("source_kinds", kind),
                                         FormatCount(c, Threshold(), "en", "sources"))});
    }
    if (items.empty()) items.push_back({ko_ ? "인용한 출처가 없습니다." : "No sources are cited."});
    s.blocks.push_back({Block::kList, "", items, ""});
  }

  void Render(Report& r, const std::vector<Section>& sections) {
    std::string a = fmt::format("<article class=\"report report--{}\" lang=\"{}\">", EscapeMarkup(req_.mechanism), req_.lang);
    a += "<header class=\"report__header\">";
    if (!redact_) {
      a += fmt::format("<p class=\"report__banner report__banner--unredacted\">{}</p>",
                       ko_ ? "가리지 않은 문서: 신원을 드러내는 정보가 들어 있습니다. 안전하게 다루십시오."
                           : "NOT REDACTED: this document identifies people. Handle it as confidential.");
    }
    const std::string addressee = Text(tpl_["addressee"], req_.lang);
    if (!addressee.empty()) a += fmt::format("<p class=\"report__to\">{}</p>", EscapeMarkup(addressee));
    a += fmt::format("<h1>{}</h1>", EscapeMarkup(r.title));
    a += fmt::format("<p class=\"report__meta\">{} · {}{}</p>", EscapeMarkup(values_["organisation"]), EscapeMarkup(values_["date"]),
                     redact_ ? (ko_ ? " · 가명 처리됨" : " · redacted: pseudonyms, places by province") : "");
    a += "</header>";
    for (const auto& s : sections) {
      a += fmt::format("<section class=\"report__section\" id=\"s-{}\"><h2>{}</h2>", EscapeMarkup(s.id), EscapeMarkup(s.heading));
      for (const auto& b : s.blocks) {
        switch (b.kind) {
          case Block::kParagraph: a += fmt::format("<p>{}</p>", EscapeMarkup(b.text)); break;
          case Block::kNote: a += fmt::format("<p class=\"note\">{}</p>", EscapeMarkup(b.text)); break;
          case Block::kSubheading: a += fmt::format("<h3>{}</h3>", EscapeMarkup(b.text)); break;
          case Block::kList: {
            a += s.id == "sources" ? "<ol class=\"sources\">" : "<ul>";
            for (const auto& row : b.rows) a += fmt::format("<li>{}</li>", EscapeMarkup(row.empty() ? "" : row[0]));
            a += s.id == "sources" ? "</ol>" : "</ul>";
            break;
          }
          case Block::kTable: {
            a += "<table><thead><tr>";
            for (const auto& h : b.rows[0]) a += fmt::format("<th scope=\"col\">{}</th>", EscapeMarkup(h));
            a += "</tr></thead><tbody>";
            for (size_t i = 1; i < b.rows.size(); ++i) {
              a += "<tr>";
              for (size_t k = 0; k < b.rows[i].size(); ++k) {
                a += k == 0 ? fmt::format("<th scope=\"row\">{}</th>", EscapeMarkup(b.rows[i][k]))
                            : fmt::format("<td>{}</td>", EscapeMarkup(b.rows[i][k]));
              }
              a += "</tr>";
            }
            a += "</tbody></table>";
            break;
          }
          case Block::kFigure:
            a += fmt::format("<figure>{}<figcaption>{}</figcaption></figure>", b.svg, EscapeMarkup(b.text));
            break;
        }
      }
      a += "</section>";
    }
    a += "<footer class=\"report__footer\">";
    if (redact_ && !notes_.empty()) {
      a += fmt::format("<p>{}</p><ul>", ko_ ? "신원 보호를 위한 일반화:" : "Generalised to protect identities:");
      for (const auto& n : notes_) a += fmt::format("<li>{}</li>", EscapeMarkup(n));
      a += "</ul>";
    }
    a += fmt::format("<p>{}</p>", ko_ ? fmt::format("Dossier로 작성 · 단어 수 {}", r.words) : fmt::format("Prepared with Dossier · {} words", r.words));
    a += "</footer></article>";
    r.article = a;
    r.html = fmt::format("<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{}</style></head><body>{}</body></html>",
                         req_.lang, EscapeMarkup(r.title), kCss, a);
  }

  static constexpr const char* kCss =
      "@page{size:A4;margin:18mm 16mm 20mm}"
      "body{font-family:'Noto Serif CJK KR','Noto Serif','DejaVu Serif',serif;font-size:11pt;line-height:1.45;color:#111;margin:0 auto;max-width:50em;padding:1em}"
      "h1{font-size:18pt;margin:.4em 0}h2{font-size:13pt;margin:1.2em 0 .4em;border-bottom:1px solid #999;break-after:avoid}"
      "h3{font-size:11.5pt;margin:1em 0 .3em;break-after:avoid}"
      ".report__to{font-style:italic}.report__meta{color:#444}.note{font-size:9.5pt;color:#333}"
      ".report__banner{border:2px solid #a00;color:#a00;padding:.4em;font-weight:bold}"
      "table{border-collapse:collapse;margin:.5em 0;font-size:10pt;break-inside:avoid}"
      "th,td{border:1px solid #bbb;padding:2px 6px;text-align:left}td{text-align:right}thead th{background:#eee}"
      "figure{margin:.8em 0;break-inside:avoid}figcaption{font-size:9.5pt;color:#333}svg{max-width:100%;height:auto}"
      ".sources{font-size:9.5pt}.report__footer{margin-top:2em;border-top:1px solid #999;font-size:9pt;color:#444}"
      "@media print{body{padding:0;max-width:none}a{color:inherit}}";

  const Snapshot& snap_;
  const Store& store_;
  const Catalog& catalog_;
  const ReportRequest& req_;
  const bool ko_;
  const bool redact_;
  json tpl_;
  std::vector<cases::Case> cases_;
  Statistics stats_;
  std::vector<QuasiIdentifiers> population_;
  std::map<std::string, std::string> values_;
  std::set<std::string> cited_;
  std::optional<size_t> sources_section_;
  std::vector<std::string> warnings_, notes_;
};

Result<std::optional<int>> OptionalYear(JsonFields& f, const char* field) {
  const json& v = f.Raw(field);
  if (v.is_null()) return std::optional<int>();
  if (!v.is_number_integer() || v.get<int64_t>() < 1900 || v.get<int64_t>() > 2200) {
    return f.Bad(field, "expected a year such as 2012");
  }
  return std::optional<int>(v.get<int>());
}

}  // namespace

int64_t CountWords(std::string_view text) {
  int64_t words = 0;
  bool in_word = false, has_letter = false;
  auto end_word = [&] {
    if (in_word && has_letter) ++words;
    in_word = has_letter = false;
  };
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      end_word();
      ++i;
      continue;
    }
    in_word = true;
    if (c < 0x80) {
      if (std::isalnum(c)) has_letter = true;
      ++i;
      continue;
    }
    // A multi-byte character: a letter unless it is general or CJK punctuation (dashes, quotes,
    // ideographic full stops) or Latin-1 punctuation.
    const size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    uint32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
    for (size_t k = 1; k < len && i + k < text.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    const bool punctuation = (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xA0 && cp <= 0xBF);
    if (!punctuation) has_letter = true;
    i += len;
  }
  end_word();
  return words;
}

Result<std::vector<std::string>> FitWordLimit(const std::vector<SectionWords>& sections, int64_t limit, bool trim) {
  int64_t total = 0;
  for (const auto& s : sections) total += s.words;
  if (total <= limit) return std::vector<std::string>{};
  if (!trim) return Error::Invalid(fmt::format("the text has {} words, over the limit of {}", total, limit));
  std::vector<const SectionWords*> optional;
  for (const auto& s : sections) {
    if (s.optional) optional.push_back(&s);
  }
  std::stable_sort(optional.begin(), optional.end(), [](const SectionWords* a, const SectionWords* b) { return a->priority < b->priority; });
  std::vector<std::string> dropped;
  for (const auto* s : optional) {
    if (total <= limit) break;
    total -= s->words;
    dropped.push_back(s->id);
  }
  if (total > limit) {
    return Error::Invalid(fmt::format("the required sections alone have {} words, over the limit of {}: narrow the selection", total, limit));
  }
  return dropped;
}

Result<Selection> SelectionFromJson(const json& j, const std::string& where) {
  Selection s;
  if (j.is_null()) return s;
  JsonFields f(j, where);
  DOSSIER_RETURN_IF_ERROR(f.CheckObject());
  DOSSIER_ASSIGN_OR_RETURN(s.incident_type, f.Text("incident_type"));
  DOSSIER_ASSIGN_OR_RETURN(s.place, f.Text("place"));
  DOSSIER_ASSIGN_OR_RETURN(s.year_from, OptionalYear(f, "year_from"));
  DOSSIER_ASSIGN_OR_RETURN(s.year_to, OptionalYear(f, "year_to"));
  DOSSIER_ASSIGN_OR_RETURN(s.incident_ids, f.TextList("incident_ids"));
  DOSSIER_ASSIGN_OR_RETURN(s.case_ids, f.TextList("case_ids"));
  DOSSIER_RETURN_IF_ERROR(f.NoUnknownFields());
  if (s.year_from && s.year_to && *s.year_from > *s.year_to) return f.Bad("year_to", "must not be before year_from");
  return s;
}

ordered_json ToJson(const Selection& s) {
  ordered_json j = {{"incident_type", s.incident_type}, {"place", s.place}};
  j["year_from"] = s.year_from ? ordered_json(*s.year_from) : ordered_json(nullptr);
  j["year_to"] = s.year_to ? ordered_json(*s.year_to) : ordered_json(nullptr);
  j["incident_ids"] = s.incident_ids;
  j["case_ids"] = s.case_ids;
  return j;
}

Result<ReportRequest> ReportRequestFromJson(const json& j) {
  ReportRequest r;
  JsonFields f(j, "report");
  DOSSIER_RETURN_IF_ERROR(f.CheckObject());
  DOSSIER_ASSIGN_OR_RETURN(r.mechanism, f.Text("mechanism", true));
  DOSSIER_ASSIGN_OR_RETURN(std::string lang, f.Text("lang"));
  if (!lang.empty()) r.lang = lang;
  DOSSIER_ASSIGN_OR_RETURN(r.organisation, f.Text("organisation"));
  DOSSIER_ASSIGN_OR_RETURN(r.unredact_reason, f.Text("unredact_reason"));
  for (auto [field, target] : {std::pair{"joint", &r.joint}, std::pair{"trim", &r.trim}, std::pair{"estimates", &r.estimates},
                               std::pair{"redact", &r.policy.redact}}) {
    const json& v = f.Raw(field);
    if (v.is_null()) continue;
    if (!v.is_boolean()) return f.Bad(field, "expected true or false");
    *target = v.get<bool>();
  }
  for (auto [field, target] : {std::pair{"threshold", &r.policy.threshold}, std::pair{"k", &r.policy.k}}) {
    const json& v = f.Raw(field);
    if (v.is_null()) continue;
    if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 100) return f.Bad(field, "expected a whole number from 1 to 100");
    *target = v.get<int64_t>();
  }
  DOSSIER_ASSIGN_OR_RETURN(r.selection, SelectionFromJson(f.Raw("selection"), "report.selection"));
  DOSSIER_RETURN_IF_ERROR(f.NoUnknownFields());
  if (r.lang != "en" && r.lang != "ko") return f.Bad("lang", "use en or ko");
  return r;
}

Result<std::vector<TemplateInfo>> ListTemplates() {
  std::vector<TemplateInfo> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(TemplateDir(), ec)) {
    if (e.path().extension() != ".json") continue;
    DOSSIER_ASSIGN_OR_RETURN(json j, ReadJsonFile(e.path().string()));
    TemplateInfo t;
    t.mechanism = j.value("mechanism", e.path().stem().string());
    t.name_en = Text(j.value("name", json::object()), "en");
    t.name_ko = Text(j.value("name", json::object()), "ko");
    if (j.contains("word_limit") && j["word_limit"].is_number_integer()) t.word_limit = j["word_limit"].get<int64_t>();
    if (j.contains("joint_word_limit") && j["joint_word_limit"].is_number_integer()) t.joint_word_limit = j["joint_word_limit"].get<int64_t>();
    t.needs_cases = j.value("needs_cases", false);
    out.push_back(std::move(t));
  }
  if (ec) return Error::Io(fmt::format("cannot list report templates in {}", TemplateDir()));
  // The order a user meets them in: urgent work first.
  static const std::vector<std::string> kOrder = {"sr_dprk", "wgad", "upr", "statistical"};
  std::sort(out.begin(), out.end(), [](const TemplateInfo& a, const TemplateInfo& b) {
    auto ia = std::find(kOrder.begin(), kOrder.end(), a.mechanism) - kOrder.begin();
    auto ib = std::find(kOrder.begin(), kOrder.end(), b.mechanism) - kOrder.begin();
    return ia != ib ? ia < ib : a.mechanism < b.mechanism;
  });
  return out;
}

Result<std::vector<cases::Case>> MatchingCases(const Snapshot& snapshot, const Store& store, const Selection& s) {
  std::vector<cases::Case> out;
  const Catalog& catalog = store.catalog();
  for (size_t offset = 0;; offset += 500) {
    DOSSIER_ASSIGN_OR_RETURN(auto page, store.ListCases(500, offset, ""));
    for (auto& c : page.items) {
      bool type = s.incident_type.empty(), place = s.place.empty(), years = !s.year_from && !s.year_to;
      for (const auto& id : c.incident_ids) {
        auto it = snapshot.incidents.find(id);
        if (it == snapshot.incidents.end()) continue;
        const Incident& i = it->second;
        type = type || i.type == s.incident_type;
        place = place || MatchesIncident(Selection{"", s.place, {}, {}, {}, {}}, catalog, i);
        years = years || MatchesIncident(Selection{"", "", s.year_from, s.year_to, {}, {}}, catalog, i);
      }
      if (type && place && years && !c.incident_ids.empty()) out.push_back(std::move(c));
    }
    if (page.items.size() < 500) break;
  }
  return out;
}

Result<Report> GenerateReport(const Snapshot& snapshot, const Store& store, const ReportRequest& request) {
  if (!request.policy.redact && request.unredact_reason.empty()) {
    return Error::Invalid("field 'unredact_reason': an un-redacted report needs a recorded reason");
  }
  Builder b(snapshot, store, request);
  return b.Build();
}

ordered_json StatisticsToJson(const Statistics& stats, const Catalog& catalog, const std::string& lang, int64_t threshold) {
  auto count = [&](const Count& c, bool hidden, const char* unit) {
    PublishedCount pc{hidden, c};
    ordered_json j = {{"text", FormatCount(pc, threshold, lang, unit)}, {"suppressed", hidden}};
    if (!hidden) j["value"] = c.value;
    return j;
  };
  auto label = [&](const std::string& dim, const std::string& key) -> std::string {
    if (dim == "incident_type" || dim == "outcome") return catalog.Label("incident_types", key, lang);
    if (dim == "province") return catalog.PlaceLabel(key, lang);
    if (dim == "perpetrator") return catalog.Label("organisations", key, lang);
    if (dim == "violation") return catalog.Label("violations", key, lang);
    if (dim == "sex") return catalog.Label("sexes", key, lang);
    return key;
  };
  ordered_json tables = ordered_json::array();
  for (const auto& t : stats.tables) {
    std::vector<int64_t> p, i, a;
    for (const auto& c : t.cells) p.push_back(c.persons.value), i.push_back(c.incidents), a.push_back(c.acts);
    const auto hp = SecondarySuppression(p, threshold), hi = SecondarySuppression(i, threshold), ha = SecondarySuppression(a, threshold);
    ordered_json cells = ordered_json::array();
    for (size_t k = 0; k < t.cells.size(); ++k) {
      const Cell& c = t.cells[k];
      cells.push_back({{"key", c.key}, {"label", t.dimension == "year_province_type" ? c.key : label(t.dimension, c.key)},
                       {"persons", count(c.persons, hp[k], "persons")}, {"incidents", count(Count{c.incidents}, hi[k], "incidents")},
                       {"acts", count(Count{c.acts}, ha[k], "acts")}});
    }
    tables.push_back({{"dimension", t.dimension}, {"cells", std::move(cells)},
                      {"total", {{"persons", count(t.total.persons, Suppress(t.total.persons, threshold).suppressed, "persons")},
                                 {"incidents", count(Count{t.total.incidents}, Suppress(Count{t.total.incidents}, threshold).suppressed, "incidents")},
                                 {"acts", count(Count{t.total.acts}, Suppress(Count{t.total.acts}, threshold).suppressed, "acts")}}}});
  }
  ordered_json estimates = ordered_json::array();
  for (const auto& e : stats.estimates) {
    if (e.documented < threshold) {
      estimates.push_back({{"year", e.year}, {"documented", count(Count{e.documented}, true, "persons")}, {"estimated", false}});
      continue;
    }
    ordered_json j = {{"year", e.year}, {"documented", count(Count{e.documented}, false, "persons")}, {"estimated", e.estimated}};
    if (e.estimated) {
      j["estimate"] = e.estimate;
      j["lower"] = e.lower;
      j["upper"] = std::isfinite(e.upper) ? ordered_json(e.upper) : ordered_json(nullptr);
      j["cautions"] = e.cautions;
    } else {
      j["refused"] = e.refused;
    }
    estimates.push_back(std::move(j));
  }
  return {{"selection", ToJson(stats.selection)},
          {"persons", count(stats.persons, Suppress(stats.persons, threshold).suppressed, "persons")},
          {"incidents", count(Count{stats.incidents}, Suppress(Count{stats.incidents}, threshold).suppressed, "incidents")},
          {"acts", count(Count{stats.acts}, Suppress(Count{stats.acts}, threshold).suppressed, "acts")},
          {"threshold", threshold},
          {"tables", std::move(tables)},
          {"estimates", std::move(estimates)}};
}

Result<Report> GenerateReport(const Store& store, const ReportRequest& request) {
  DOSSIER_ASSIGN_OR_RETURN(Snapshot snapshot, LoadSnapshot(store));
  return GenerateReport(snapshot, store, request);
}

}  // namespace dossier::reports
