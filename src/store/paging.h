// Visiting every record of one kind, page by page, so a whole table is read without holding it:
//
//   ForEachRecord<Person>([&](const ListQuery& q) { return store.ListPersons(q); },
//                         [&](Person& p) { ... });
#pragma once

#include "store/store.h"

namespace dossier {

template <typename T, typename ListFn, typename Visit>
Status ForEachRecord(ListFn list, Visit visit, size_t page_size = 5000) {
  for (size_t offset = 0;; offset += page_size) {
    ListQuery q;
    q.limit = page_size;
    q.offset = offset;
    auto page = list(q);
    if (!page.ok()) return page.error();
    for (auto& item : page->items) visit(item);
    if (page->items.size() < page_size) return Ok();
  }
}

}  // namespace dossier
