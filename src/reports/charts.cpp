#include "reports/charts.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "domain/catalog.h"
#include "domain/markup.h"

namespace dossier::reports {

namespace {

constexpr const char* kPalette[] = {"#2f5d8a", "#c0504d", "#6f9a3a", "#8064a2", "#d98c1f", "#4aacc6"};
constexpr const char* kFont = "font-family=\"'Noto Sans CJK KR','Noto Sans',sans-serif\"";

double NiceTop(double max) {
  if (max <= 0) return 1;
  const double mag = std::pow(10, std::floor(std::log10(max)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * mag >= max) return m * mag;
  }
  return 10 * mag;
}

std::string Open(int w, int h, const std::string& title, const std::string& cls) {
  return fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{}\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
                     "role=\"img\" aria-label=\"{}\" {} font-size=\"11\"><title>{}</title>"
                     "<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
                     cls, w, h, w, h, EscapeMarkup(title), kFont, EscapeMarkup(title), w, h);
}

std::string Axis(int left, int top, int w, int h, double ymax) {
  std::string s;
  for (int k = 0; k <= 4; ++k) {
    const double v = ymax * k / 4;
    const double y = top + h - h * k / 4.0;
    s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#dddddd\"/>", left, left + w, y, y);
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\" fill=\"#444444\">{}</text>", left - 4, y + 4,
                     v == std::floor(v) ? fmt::format("{:.0f}", v) : fmt::format("{:.1f}", v));
  }
  s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#333333\"/>", left, left + w, top + h, top + h);
  return s;
}

}  // namespace

std::string BarChartSvg(const std::string& title, const std::vector<Bar>& bars) {
  const int left = 44, top = 16, bottom = 64, right = 10;
  const int band = bars.size() > 12 ? 26 : 48;
  const int pw = std::max<int>(200, static_cast<int>(bars.size()) * band);
  const int ph = 180;
  const int W = left + pw + right, H = top + ph + bottom;
  double max = 1;
  for (const auto& b : bars) max = std::max<double>(max, static_cast<double>(b.value));
  const double top_v = NiceTop(max);
  std::string s = Open(W, H, title, "chart chart--bar");
  s += "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
       "<rect width=\"6\" height=\"6\" fill=\"#ffffff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#999999\" stroke-width=\"2\"/></pattern></defs>";
  s += Axis(left, top, pw, ph, top_v);
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const double h = ph * static_cast<double>(b.value) / top_v;
    const double x = left + i * static_cast<double>(pw) / bars.size() + band * 0.15;
    const double w = static_cast<double>(pw) / bars.size() - band * 0.3;
    s += fmt::format("<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" stroke=\"{}\">"
                     "<title>{}: {}</title></rect>",
                     x, top + ph - h, std::max(2.0, w), std::max(1.0, h), b.suppressed ? "url(#hatch)" : kPalette[0],
                     b.suppressed ? "#999999" : kPalette[0], EscapeMarkup(b.label), EscapeMarkup(b.value_text));
    if (bars.size() <= 16) {
      s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"#222222\" font-size=\"9\">{}</text>",
                       x + w / 2, top + ph - h - 3, EscapeMarkup(b.value_text));
    }
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"end\" fill=\"#222222\" transform=\"rotate(-40 {:.1f} {})\">{}</text>",
                     x + w / 2, top + ph + 12, x + w / 2, top + ph + 12, EscapeMarkup(b.label));
  }
  return s + "</svg>";
}

std::string LineChartSvg(const std::string& title, const std::vector<LinePoint>& points,
                         const std::string& documented_label, const std::string& estimate_label) {
  const int left = 48, top = 16, bottom = 56, right = 12;
  const int pw = std::max<int>(320, static_cast<int>(points.size()) * 28), ph = 200;
  const int W = left + pw + right, H = top + ph + bottom;
  double max = 1;
  for (const auto& p : points) {
    max = std::max(max, p.documented);
    if (p.estimate) max = std::max(max, *p.estimate);
    if (p.upper && std::isfinite(*p.upper)) max = std::max(max, *p.upper);
  }
  const double top_v = NiceTop(max);
  auto X = [&](size_t i) { return left + (points.size() <= 1 ? pw / 2.0 : i * static_cast<double>(pw) / (points.size() - 1)); };
  auto Y = [&](double v) { return top + ph - ph * std::min(v, top_v) / top_v; };
  std::string s = Open(W, H, title, "chart chart--line");
  s += Axis(left, top, pw, ph, top_v);
  // The interval band, drawn segment by segment between points that have one.
  for (size_t i = 0; i + 1 < points.size(); ++i) {
    const auto& a = points[i];
    const auto& b = points[i + 1];
    if (!a.lower || !b.lower || !a.upper || !b.upper) continue;
    s += fmt::format("<polygon class=\"interval\" fill=\"#c0504d\" fill-opacity=\"0.18\" stroke=\"none\" points=\"{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}\"/>",
                     X(i), Y(*a.upper), X(i + 1), Y(*b.upper), X(i + 1), Y(*b.lower), X(i), Y(*a.lower));
  }
  for (size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    if (p.lower && p.upper) {
      s += fmt::format("<line class=\"interval\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" stroke=\"#c0504d\" stroke-width=\"1\"{3}/>",
                       X(i), Y(*p.lower), Y(*p.upper), std::isfinite(*p.upper) ? "" : " stroke-dasharray=\"2 2\"");
    }
  }
  std::string doc, est;
  for (size_t i = 0; i < points.size(); ++i) {
    doc += fmt::format("{}{:.1f},{:.1f}", doc.empty() ? "" : " ", X(i), Y(points[i].documented));
    if (points[i].estimate) est += fmt::format("{}{:.1f},{:.1f}", est.empty() ? "" : " ", X(i), Y(*points[i].estimate));
  }
  s += fmt::format("<polyline class=\"documented\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>", kPalette[0], doc);
  if (!est.empty()) {
    s += fmt::format("<polyline class=\"estimate\" fill=\"none\" stroke=\"#c0504d\" stroke-width=\"2\" stroke-dasharray=\"5 3\" points=\"{}\"/>", est);
  }
  const size_t every = std::max<size_t>(1, points.size() / 14 + 1);
  for (size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"><title>{}: {}</title></circle>", X(i),
                     Y(p.documented), p.suppressed ? "#ffffff" : kPalette[0], EscapeMarkup(p.label),
                     p.suppressed ? "suppressed" : fmt::format("{:.0f}", p.documented));
    if (i % every == 0) {
      s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" fill=\"#222222\">{}</text>", X(i), top + ph + 14,
                       EscapeMarkup(p.label));
    }
  }
  const int ly = H - 18;
  s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\"/><text x=\"{}\" y=\"{}\">{}</text>",
                   left, left + 20, ly, ly, kPalette[0], left + 24, ly + 4, EscapeMarkup(documented_label));
  if (!est.empty()) {
    s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#c0504d\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"
                     "<rect x=\"{}\" y=\"{}\" width=\"20\" height=\"8\" fill=\"#c0504d\" fill-opacity=\"0.18\"/><text x=\"{}\" y=\"{}\">{}</text>",
                     left + 200, left + 220, ly, ly, left + 200, ly + 6, left + 224, ly + 4, EscapeMarkup(estimate_label));
  }
  return s + "</svg>";
}

std::string TimelineSvg(const std::string& title, const std::vector<TimelineEvent>& events) {
  const int W = 680, row = 22, top = 24;
  const int H = top + static_cast<int>(events.size()) * row + 30;
  std::string s = Open(W, H, title, "chart chart--timeline");
  if (events.empty()) return s + "</svg>";
  long first = events.front().date.EarliestDay(), last = first;
  for (const auto& e : events) {
    first = std::min(first, e.date.EarliestDay());
    last = std::max(last, e.date.LatestDay());
  }
  if (last <= first) last = first + 1;
  const int left = 90, width = 200;
  auto X = [&](long d) { return left + width * static_cast<double>(d - first) / static_cast<double>(last - first); };
  s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#333333\"/>", left, left + width, top - 8, top - 8);
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    const double y = top + i * row + row / 2.0;
    const char* colour = e.kind == "incident" ? kPalette[1] : e.kind == "transition" ? kPalette[0] : kPalette[2];
    const double x0 = X(e.date.EarliestDay()), x1 = X(e.date.LatestDay());
    s += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2:.1f}\" stroke=\"#cccccc\"/>", x0, top - 8, y);
    s += fmt::format("<rect class=\"event\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"10\" rx=\"3\" fill=\"{}\"/>", x0,
                     y - 5, std::max(6.0, x1 - x0), colour);
    s += fmt::format("<text x=\"4\" y=\"{:.1f}\" fill=\"#222222\">{}</text>", y + 4, EscapeMarkup(e.date.ToString()));
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" fill=\"#222222\">{}</text>", left + width + 10, y + 4, EscapeMarkup(e.label));
  }
  return s + "</svg>";
}

Result<std::string> MapSvg(std::string_view basemap, const std::string& title, const std::vector<MapPoint>& points,
                           const std::string& outside_label, std::string_view lang) {
  nlohmann::json gj = nlohmann::json::parse(basemap, nullptr, false);
  if (gj.is_discarded() || !gj.contains("features") || !gj.contains("bbox")) {
    return Error::Corrupt("the base map is not the expected GeoJSON (features and bbox)");
  }
  const double lon0 = gj["bbox"][0], lat0 = gj["bbox"][1], lon1 = gj["bbox"][2], lat1 = gj["bbox"][3];
  const double kx = std::cos((lat0 + lat1) / 2 * M_PI / 180);
  const int W = 520;
  const double scale = W / ((lon1 - lon0) * kx);
  const int H = static_cast<int>((lat1 - lat0) * scale);
  auto X = [&](double lon) { return (lon - lon0) * kx * scale; };
  auto Y = [&](double lat) { return (lat1 - lat) * scale; };
  std::string s = Open(W, H, title, "chart chart--map");
  s += fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"#dde9f3\"/>", W, H);
  for (const auto& f : gj["features"]) {
    const std::string code = f["properties"].value("code", "");
    const std::string name = f["properties"].value(std::string(lang) == "ko" ? "ko" : "en", code);
    const char* fill = code.starts_with("cn") ? "#f1ede4" : code == "kp" ? "#ece6f2" : "#f4f4f4";
    for (const auto& ring : f["geometry"]["coordinates"]) {
      std::string pts;
      double cx = 0, cy = 0;
      for (const auto& p : ring) {
        pts += fmt::format("{}{:.1f},{:.1f}", pts.empty() ? "" : " ", X(p[0]), Y(p[1]));
        cx += X(p[0]);
        cy += Y(p[1]);
      }
      s += fmt::format("<polygon class=\"land\" points=\"{}\" fill=\"{}\" stroke=\"#8a8a8a\" stroke-width=\"0.8\"><title>{}</title></polygon>",
                       pts, fill, EscapeMarkup(name));
      cx /= std::max<size_t>(1, ring.size());
      cy /= std::max<size_t>(1, ring.size());
      s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"#777777\" font-size=\"10\">{}</text>",
                       std::clamp(cx, 30.0, W - 30.0), std::clamp(cy, 12.0, H - 4.0), EscapeMarkup(name));
    }
  }
  std::vector<const MapPoint*> outside;
  int64_t max = 1;
  for (const auto& p : points) max = std::max(max, p.value);
  for (const auto& p : points) {
    if (p.lon < lon0 || p.lon > lon1 || p.lat < lat0 || p.lat > lat1) {
      outside.push_back(&p);
      continue;
    }
    const double r = 4 + 18 * std::sqrt(static_cast<double>(std::max<int64_t>(1, p.value)) / static_cast<double>(max));
    s += fmt::format("<circle class=\"incident-marker\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"#c0504d\" fill-opacity=\"{}\" "
                     "stroke=\"#7a1f1d\" stroke-width=\"1\"><title>{}: {}</title></circle>",
                     X(p.lon), Y(p.lat), r, p.suppressed ? "0.25" : "0.6", EscapeMarkup(p.label), EscapeMarkup(p.value_text));
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"#222222\" font-size=\"10\">{} ({})</text>", X(p.lon) + r + 2,
                     Y(p.lat) + 4, EscapeMarkup(p.label), EscapeMarkup(p.value_text));
  }
  if (!outside.empty()) {
    std::string list;
    for (const auto* p : outside) list += (list.empty() ? "" : "; ") + p->label + " (" + p->value_text + ")";
    s += fmt::format("<rect x=\"0\" y=\"{}\" width=\"{}\" height=\"20\" fill=\"#ffffff\" fill-opacity=\"0.85\"/>"
                     "<text x=\"6\" y=\"{}\" fill=\"#222222\">{}: {}</text>",
                     H - 20, W, H - 6, EscapeMarkup(outside_label), EscapeMarkup(list));
  }
  return s + "</svg>";
}

Result<std::string> LoadBasemap() {
  const std::string path = Catalog::DefaultDataDir() + "/basemap.geojson";
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Io(fmt::format("cannot read the base map {}", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace dossier::reports
