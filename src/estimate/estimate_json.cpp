#include "estimate/estimate_json.h"

#include <cmath>

namespace dossier::estimate {

namespace {

nlohmann::ordered_json Number(double v) {
  if (std::isfinite(v)) return v;
  return nullptr;  // JSON has no infinity; null means "no limit"
}

}  // namespace

nlohmann::ordered_json ToJson(const Estimate& e) {
  nlohmann::ordered_json j;
  j["stratum"] = e.stratum;
  j["method"] = e.method;
  j["lists"] = e.lists;
  j["n_observed"] = e.n_observed;
  j["estimate"] = Number(e.estimate);
  j["lower"] = Number(e.lower);
  j["upper"] = Number(e.upper);
  if (!e.not_estimated.empty()) j["not_estimated"] = e.not_estimated;
  if (!e.model.empty()) j["model"] = e.model;
  nlohmann::ordered_json d = nlohmann::ordered_json::object();
  for (const auto& [k, v] : e.diagnostics) d[k] = Number(v);
  j["diagnostics"] = d;
  j["cautions"] = e.cautions;
  nlohmann::ordered_json codes = nlohmann::ordered_json::array();
  for (const auto& c : e.caution_codes) {
    nlohmann::ordered_json values = nlohmann::ordered_json::object();
    for (const auto& [k, v] : c.values) values[k] = v;
    codes.push_back({{"code", c.code}, {"values", values}});
  }
  j["caution_codes"] = codes;
  return j;
}

}  // namespace dossier::estimate
