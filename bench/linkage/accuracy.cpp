// Prints the accuracy table of one data set: linkage_accuracy CONFIG.json INPUT.csv [INPUT.csv ...]
// [--language-blind]. Ground truth comes from the config's "truth" column.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "linkage/evaluate.h"
#include "linkage/link.h"
#include "linkage/tabular.h"

using namespace dossier::linkage;

int main(int argc, char** argv) {
  if (argc < 3) { std::fprintf(stderr, "usage: %s CONFIG.json INPUT.csv... [--language-blind]\n", argv[0]); return 2; }
  auto config = LoadFileConfig(argv[1]);
  if (!config.ok()) { std::fprintf(stderr, "%s\n", config.error().message.c_str()); return 2; }
  std::vector<LinkRecord> records;
  std::vector<std::string> truth;
  bool blind = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--language-blind") { blind = true; continue; }
    auto f = ReadRecordsCsv(a, std::filesystem::path(a).filename().string(), *config);
    if (!f.ok()) { std::fprintf(stderr, "%s\n", f.error().message.c_str()); return 2; }
    records.insert(records.end(), f->records.begin(), f->records.end());
    truth.insert(truth.end(), f->truth.begin(), f->truth.end());
  }
  if (blind) config->options.model.name_mode = NameMode::kLanguageBlind;
  auto tables = LoadNameTables();
  if (!tables.ok()) { std::fprintf(stderr, "%s\n", tables.error().message.c_str()); return 2; }
  auto wall0 = std::chrono::steady_clock::now();
  auto r = Link(**tables, records, config->options);
  double link_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  if (!r.ok()) { std::fprintf(stderr, "%s\n", r.error().message.c_str()); return 2; }
  if (truth.size() != records.size()) { std::fprintf(stderr, "config has no truth column\n"); return 2; }
  Accuracy a = Evaluate(truth, r->cluster_of);
  std::printf("records %zu  candidate_pairs %llu  names %s\n", records.size(),
              static_cast<unsigned long long>(r->stats.candidate_pairs), blind ? "language-blind" : "as configured");
  std::printf("pairwise  precision %.4f  recall %.4f  F1 %.4f  (true %llu, predicted %llu, correct %llu)\n",
              a.precision, a.recall, a.f1, (unsigned long long)a.true_pairs, (unsigned long long)a.predicted_pairs,
              (unsigned long long)a.correct_pairs);
  std::printf("B-cubed   precision %.4f  recall %.4f  F1 %.4f\n", a.bcubed_precision, a.bcubed_recall, a.bcubed_f1);
  std::printf("clusters  true %llu  predicted %llu  exact share %.4f\n", (unsigned long long)a.true_clusters,
              (unsigned long long)a.predicted_clusters, a.exact_cluster_share);
  std::printf("model     lambda %.5f  EM iterations %d\n", r->model.lambda, r->model.em_iterations);
  for (size_t c = 0; c < r->model.comparisons.size(); ++c) {
    const auto& cmp = r->model.comparisons[c];
    std::printf("  %-18s", cmp.name.c_str());
    for (size_t l = 1; l < cmp.levels.size(); ++l)
      std::printf(" %s m=%.3f u=%.4f;", cmp.levels[l].c_str(), r->model.m[c][l], r->model.u[c][l]);
    std::printf("\n");
  }
  std::printf("time      prepare %.2fs train %.2fs score %.2fs cluster %.2fs\n", r->stats.seconds_prepare,
              r->stats.seconds_train, r->stats.seconds_score, r->stats.seconds_cluster);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  std::printf("run       Link wall %.2fs  process CPU %.2fs (incl. reading files and tables)  threads %d  peak RSS %.0f MB\n",
              link_wall, cpu, config->options.threads, ru.ru_maxrss / 1024.0);
  std::printf("          comparisons %llu (both passes, training rules, random pairs)  skipped blocks %llu (%llu pairs)\n",
              static_cast<unsigned long long>(r->stats.comparisons), static_cast<unsigned long long>(r->stats.skipped_blocks),
              static_cast<unsigned long long>(r->stats.skipped_block_pairs));
  return 0;
}
