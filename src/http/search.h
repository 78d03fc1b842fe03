// In-memory name index for person search across scripts and romanisations.
//
// Names are sealed at rest, so the index is built in memory after the database is unlocked: every
// person's names are decrypted once at start, reduced to the phonetic keys of the linkage
// subsystem (linkage::NormaliseName: the same key for 리설주, "Ri Sol Ju", "Lee Seol-ju",
// "Yi Sol-chu"), and kept as key -> (person, name) postings. The index holds keys, record ids and
// the restricted flag, never the names themselves; it is updated on every write the server makes.
// What this leaks and what it costs is in docs/security.md.
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/model.h"
#include "linkage/names.h"

namespace dossier::http {

class NameIndex {
 public:
  explicit NameIndex(std::shared_ptr<const linkage::NameTables> tables) : tables_(std::move(tables)) {}

  // Adds a person not yet indexed (at start, and after create). Only id, names and sensitivity
  // are read, so a summary (Store::GetPersonSummaries) will do.
  void Add(const Person& p);
  void AddAll(const std::vector<Person>& persons);
  // Replaces `before` by `after` (same id); for update.
  void Replace(const Person& before, const Person& after);
  void Remove(const Person& p);

  struct Hit {
    std::string person_id;
    size_t name_index = 0;  // which of the person's names matched
    bool full = false;      // family and given name both matched (else one part only)
  };
  // Up to `limit` persons whose names sound like `query`, full matches first. Restricted persons
  // are left out unless `include_restricted`.
  std::vector<Hit> Search(const std::string& query, size_t limit, bool include_restricted) const;

  bool IsRestricted(const std::string& id) const;
  size_t persons() const;
  size_t keys() const;
  size_t postings() const;
  // Approximate heap bytes held (keys, posting lists, ids).
  size_t MemoryBytes() const;

 private:
  struct Posting {
    uint32_t slot;
    uint16_t name_index;
    bool operator==(const Posting&) const = default;
  };
  struct Slot {
    std::string id;
    bool restricted = false;
    bool live = false;
  };
  // (key, name index) pairs of a person's names: "n:FAMILY|GIVEN", "f:FAMILY", "g:GIVEN".
  using Keys = std::vector<std::pair<std::string, uint16_t>>;  // (key, name index), sorted, unique
  Keys KeysOf(const Person& p) const;
  void AddLocked(const Person& p, const Keys& keys);
  void RemoveLocked(const Person& p, const Keys& keys);

  std::shared_ptr<const linkage::NameTables> tables_;
  mutable std::shared_mutex mu_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  std::unordered_map<std::string, uint32_t> slot_of_;
  std::unordered_map<std::string, std::vector<Posting>> postings_;
  size_t posting_count_ = 0;
};

}  // namespace dossier::http
