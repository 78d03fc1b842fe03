#include "http/search.h"

#include <algorithm>
#include <mutex>
#include <unordered_set>

namespace dossier::http {

NameIndex::Keys NameIndex::KeysOf(const Person& p) const {
  std::vector<std::pair<std::string, uint16_t>> out;
  for (size_t i = 0; i < p.names.size() && i < 65535; ++i) {
    const auto idx = static_cast<uint16_t>(i);
    for (const auto& f : linkage::NormaliseName(*tables_, {p.names[i].value, "", ""})) {
      if (!f.family.key.empty() && !f.given.key.empty()) out.emplace_back("n:" + f.family.key + "|" + f.given.key, idx);
      if (!f.family.key.empty()) out.emplace_back("f:" + f.family.key, idx);
      if (!f.given.key.empty()) out.emplace_back("g:" + f.given.key, idx);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void NameIndex::AddLocked(const Person& p, const Keys& keys) {
  uint32_t slot;
  if (auto it = slot_of_.find(p.id); it != slot_of_.end()) {
    slot = it->second;
  } else if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
    slot_of_[p.id] = slot;
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
    slot_of_[p.id] = slot;
  }
  slots_[slot] = Slot{p.id, p.sensitivity == Sensitivity::kRestricted, true};
  for (auto& [key, idx] : keys) {
    postings_[key].push_back({slot, idx});
    ++posting_count_;
  }
}

void NameIndex::RemoveLocked(const Person& p, const Keys& keys) {
  auto it = slot_of_.find(p.id);
  if (it == slot_of_.end()) return;
  const uint32_t slot = it->second;
  for (auto& [key, idx] : keys) {
    auto pit = postings_.find(key);
    if (pit == postings_.end()) continue;
    auto& list = pit->second;
    const size_t before = list.size();
    std::erase(list, Posting{slot, idx});
    posting_count_ -= before - list.size();
    if (list.empty()) postings_.erase(pit);
  }
  slots_[slot] = Slot{};
  free_slots_.push_back(slot);
  slot_of_.erase(it);
}

// Keys are computed before taking the lock: normalising names is the costly part, and it needs
// no shared state, so writers and the start-up threads do it side by side.
void NameIndex::Add(const Person& p) {
  Keys keys = KeysOf(p);
  std::unique_lock lock(mu_);
  AddLocked(p, keys);
}

void NameIndex::AddAll(const std::vector<Person>& persons) {
  std::vector<Keys> keys;
  keys.reserve(persons.size());
  for (const auto& p : persons) keys.push_back(KeysOf(p));
  std::unique_lock lock(mu_);
  for (size_t i = 0; i < persons.size(); ++i) AddLocked(persons[i], keys[i]);
}

void NameIndex::Replace(const Person& before, const Person& after) {
  Keys old_keys = KeysOf(before), new_keys = KeysOf(after);
  std::unique_lock lock(mu_);
  RemoveLocked(before, old_keys);
  AddLocked(after, new_keys);
}

void NameIndex::Remove(const Person& p) {
  Keys keys = KeysOf(p);
  std::unique_lock lock(mu_);
  RemoveLocked(p, keys);
}

std::vector<NameIndex::Hit> NameIndex::Search(const std::string& query, size_t limit, bool include_restricted) const {
  std::vector<Hit> hits;
  if (limit == 0) return hits;
  // Lookups in order of preference: whole name, then one part.
  std::vector<std::pair<std::string, bool>> lookups;
  auto forms = linkage::NormaliseName(*tables_, {query, "", ""});
  for (const auto& f : forms) {
    if (!f.family.key.empty() && !f.given.key.empty()) lookups.emplace_back("n:" + f.family.key + "|" + f.given.key, true);
  }
  for (const auto& f : forms) {
    const bool one_part = f.family.key.empty() || f.given.key.empty();
    if (!one_part) continue;
    // One word ("Pak", "Kim") is most often a family name: look it up as one first.
    if (std::string fam = linkage::PhoneticKey(*tables_, query, true); !fam.empty()) {
      lookups.emplace_back("f:" + fam, false);
    }
    if (!f.family.key.empty()) lookups.emplace_back("f:" + f.family.key, false);
    if (!f.given.key.empty()) lookups.emplace_back("g:" + f.given.key, false);
  }
  // A query of given names only ("Sol Ju"): the whole query read as a given name.
  if (std::string g = linkage::PhoneticKey(*tables_, query, false); !g.empty()) lookups.emplace_back("g:" + g, false);

  std::shared_lock lock(mu_);
  std::unordered_set<uint32_t> seen;
  for (const auto& [key, full] : lookups) {
    auto it = postings_.find(key);
    if (it == postings_.end()) continue;
    for (const Posting& post : it->second) {
      const Slot& s = slots_[post.slot];
      if (!s.live || (s.restricted && !include_restricted)) continue;
      if (!seen.insert(post.slot).second) continue;
      hits.push_back({s.id, post.name_index, full});
      if (hits.size() >= limit) return hits;
    }
  }
  return hits;
}

bool NameIndex::IsRestricted(const std::string& id) const {
  std::shared_lock lock(mu_);
  auto it = slot_of_.find(id);
  return it != slot_of_.end() && slots_[it->second].restricted;
}

size_t NameIndex::persons() const {
  std::shared_lock lock(mu_);
  return slot_of_.size();
}
size_t NameIndex::keys() const {
  std::shared_lock lock(mu_);
  return postings_.size();
}
size_t NameIndex::postings() const {
  std::shared_lock lock(mu_);
  return posting_count_;
}

size_t NameIndex::MemoryBytes() const {
  std::shared_lock lock(mu_);
  size_t bytes = slots_.capacity() * sizeof(Slot);
  for (const auto& s : slots_) bytes += s.id.capacity() > 15 ? s.id.capacity() + 1 : 0;
  // Hash nodes: key string + vector header + next pointer + cached hash, plus the bucket array.
  bytes += postings_.bucket_count() * sizeof(void*);
  for (const auto& [key, list] : postings_) {
    bytes += sizeof(std::string) + sizeof(list) + 2 * sizeof(void*) + (key.capacity() > 15 ? key.capacity() + 1 : 0);
    bytes += list.capacity() * sizeof(Posting);
  }
  bytes += slot_of_.bucket_count() * sizeof(void*) + slot_of_.size() * (sizeof(std::string) + 4 + 2 * sizeof(void*) + 16);
  return bytes;
}

}  // namespace dossier::http
