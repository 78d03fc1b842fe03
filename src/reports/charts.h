// Charts for reports as self-contained SVG (presentation attributes only, no CSS or script, so
// they look the same in a browser, a print preview and a PDF): bars, a line with intervals, a
// timeline and a map of incidents on the packaged base map (data/basemap.geojson).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/partial_date.h"
#include "domain/result.h"

namespace dossier::reports {

struct Bar {
  std::string label;
  int64_t value = 0;       // drawn height; a suppressed bar is drawn hatched at the threshold
  bool suppressed = false;
  std::string value_text;  // printed above the bar ("fewer than 5", "31")
};
std::string BarChartSvg(const std::string& title, const std::vector<Bar>& bars);

struct LinePoint {
  std::string label;  // x axis (years)
  double documented = 0;
  bool suppressed = false;
  std::optional<double> estimate, lower, upper;  // upper may be +inf: drawn to the top, open
};
// Documented counts as a solid line; estimates as a dashed line with a shaded 95% band.
std::string LineChartSvg(const std::string& title, const std::vector<LinePoint>& points,
                         const std::string& documented_label, const std::string& estimate_label);

struct TimelineEvent {
  PartialDate date;
  std::string label;
  std::string kind;  // "incident", "transition", "intervention": colour
};
std::string TimelineSvg(const std::string& title, const std::vector<TimelineEvent>& events);

struct MapPoint {
  double lat = 0, lon = 0;
  std::string label;
  int64_t value = 0;
  bool suppressed = false;
  std::string value_text;
};
// Draws the base map's outlines and one circle per point (area ~ value). Points outside the map
// are listed under it. `basemap` is the GeoJSON text.
Result<std::string> MapSvg(std::string_view basemap, const std::string& title, const std::vector<MapPoint>& points,
                           const std::string& outside_label, std::string_view lang);

// The packaged base map: $DOSSIER_DATA_DIR/basemap.geojson (the data directory of the catalog).
Result<std::string> LoadBasemap();

}  // namespace dossier::reports
