// Sorting on two threads: halves sorted at once, then merged. Same result as std::sort for a
// comparator that orders every element strictly (no ties), which is how linkage uses it.
#pragma once

#include <algorithm>
#include <thread>
#include <vector>

namespace dossier::linkage {

template <typename T, typename Less>
void ParallelSort(std::vector<T>& v, Less less, int threads) {
  if (threads < 2 || v.size() < (size_t{1} << 16)) {
    std::sort(v.begin(), v.end(), less);
    return;
  }
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::thread first([&] { std::sort(v.begin(), mid, less); });
  std::sort(mid, v.end(), less);
  first.join();
  std::inplace_merge(v.begin(), mid, v.end(), less);
}

}  // namespace dossier::linkage
