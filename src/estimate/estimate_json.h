// The JSON form of an Estimate, shared by `dossier estimate --json` and the HTTP API: method,
// n_observed, estimate, lower, upper (null = no limit), model, diagnostics, cautions in words and
// as codes. Posterior draws are left out (a caller summarises them, e.g. with Histogram).
#pragma once

#include <nlohmann/json.hpp>

#include "estimate/estimate.h"

namespace dossier::estimate {

nlohmann::ordered_json ToJson(const Estimate& e);

}  // namespace dossier::estimate
