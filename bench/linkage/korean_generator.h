// Generator of the Korean-name linkage benchmark, with ground truth.
//
// Entities get a surname drawn at its population share (data/linkage/surnames.csv), a two-syllable
// given name with Hanja, sex, birth date and North Korean origin. Each entity appears in 2-4
// records, each name written in one of: Hangul (South or North spelling), traditional Hanja,
// simplified Chinese, Revised Romanization, McCune-Reischauer, the DPRK system or a passport
// spelling; Latin forms with family name first or last, hyphenated, joined or spaced, sometimes
// in capitals, sometimes with a typo. Birth dates go missing, lose precision or move a year.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/result.h"
#include "linkage/names.h"

namespace dossier::linkage::bench {

struct KoreanRow {
  std::string id, name, birth_date, sex, origin, entity, form;
};

Result<std::vector<KoreanRow>> GenerateKorean(const NameTables& tables, size_t entities, uint64_t seed,
                                              const std::string& data_dir = {});

// CSV text with header id,name,birth_date,sex,origin,entity,form.
std::string KoreanCsv(const std::vector<KoreanRow>& rows);

}  // namespace dossier::linkage::bench
