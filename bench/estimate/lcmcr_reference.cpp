// LCMCR with the settings of the reference values (K = 10, burn-in 1e5, 1e4 draws thinned by 100,
// 2 chains) on the published tables, for the seeds given on the command line, printed beside the
// reference seed-to-seed ranges of /work/shared/data/mse/reference_estimates.csv. Release build:
//   lcmcr_reference DATA_DIR [TABLE] [seed...]     (TABLE: a part of the file name, e.g. diabetes)
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "estimate/estimate.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MSE_DATA_DIR [seed...]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  std::string only;
  std::vector<uint64_t> seeds;
  for (int i = 2; i < argc; ++i) {
    if (std::isdigit(static_cast<unsigned char>(argv[i][0]))) {
      seeds.push_back(std::strtoull(argv[i], nullptr, 10));
    } else {
      only = argv[i];
    }
  }
  if (seeds.empty()) seeds = {1, 2};
  struct Table {
    const char* file;
    const char* reference;  // median / 2.5% / 97.5% (mean)
  };
  const Table tables[] = {
      {"congenital_wittes1974_5lists.csv", "629-630 / 589-591 / 718-720 (636)"},
      {"hav_taiwan1995_3lists.csv", "512-513 / 363-369 / 859-867 (536-542)"},
      {"diabetes_bruno1994_4lists.csv", "2395-2407 / 2256-2259 / 3129-3153 (2511-2515)"},
  };
  for (const Table& t : tables) {
    if (std::string(t.file).find(only) == std::string::npos) continue;
    auto strata = dossier::estimate::ReadPatternCsv(dir + "/" + t.file);
    if (!strata.ok()) {
      std::fprintf(stderr, "%s\n", strata.error().message.c_str());
      return 7;
    }
    for (uint64_t seed : seeds) {
      dossier::estimate::LcmcrOptions o;
      o.classes = 10;
      o.chains = 2;
      o.burnin = 100000;
      o.samples = 10000;
      o.thin = 100;
      o.seed = seed;
      auto r = dossier::estimate::FitLcmcr((*strata)[0].table, o);
      if (!r.ok()) {
        std::fprintf(stderr, "%s\n", r.error().message.c_str());
        return 2;
      }
      std::printf("%s seed %llu: %.0f / %.0f / %.0f (%.1f)  R-hat %.3f ESS %.0f  reference %s\n", t.file,
                  static_cast<unsigned long long>(seed), r->median, r->lower, r->upper, r->mean, r->rhat, r->ess,
                  t.reference);
      std::fflush(stdout);
    }
  }
  return 0;
}
