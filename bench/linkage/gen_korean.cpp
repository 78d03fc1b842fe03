// Writes the Korean-name benchmark: linkage_gen_korean ENTITIES SEED OUT.csv
#include <cstdio>
#include <fstream>
#include <string>

#include "korean_generator.h"

int main(int argc, char** argv) {
  if (argc != 4) { std::fprintf(stderr, "usage: %s ENTITIES SEED OUT.csv\n", argv[0]); return 2; }
  auto tables = dossier::linkage::LoadNameTables();
  if (!tables.ok()) { std::fprintf(stderr, "%s\n", tables.error().message.c_str()); return 2; }
  auto rows = dossier::linkage::bench::GenerateKorean(**tables, std::stoul(argv[1]), std::stoull(argv[2]));
  if (!rows.ok()) { std::fprintf(stderr, "%s\n", rows.error().message.c_str()); return 2; }
  std::ofstream(argv[3]) << dossier::linkage::bench::KoreanCsv(*rows);
  std::fprintf(stderr, "%zu records\n", rows->size());
  return 0;
}
