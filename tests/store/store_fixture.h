// A fresh database in a temporary directory, unlocked with a new key file, plus helpers that
// build valid records.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "../support/temp_dir.h"
#include "store/store.h"

namespace dossier::testing {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override;
  std::unique_ptr<Store> Reopen();
  crypto::KeySource Key() const { return {crypto::KeySource::Kind::kKeyFile, dir_.File("key"), ""}; }
  std::string DbPath() const { return dir_.File("dossier.db"); }

  Source MakeSource(const std::string& id);
  Person MakePerson(const std::string& id, const std::string& hangul, const std::string& source_id);
  Incident MakeIncident(const std::string& id, const std::string& source_id);

  TempDir dir_;
  Catalog catalog_;
  std::unique_ptr<Store> store_;
};

// Reads a whole file's bytes, for byte-identity and plaintext checks.
std::string ReadFileBytes(const std::string& path);

}  // namespace dossier::testing
