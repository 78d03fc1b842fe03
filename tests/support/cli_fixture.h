// A fresh encrypted database and its key file in a temporary folder, and the real `dossier`
// binary run on them the way a user runs it: the base of the command-line tests. The target
// defines DOSSIER_BIN.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "run.h"
#include "temp_dir.h"

namespace dossier::testing {

class CliFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Dossier("init --db " + Db() + " --new-key-file " + dir_.File("key"), /*with_key=*/false);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string Db() const { return dir_.File("d.db"); }
  // Runs `dossier ARGS` with the key file (or with no key at all), never a passphrase from the
  // caller's environment.
  RunResult Dossier(const std::string& args, bool with_key = true) {
    std::string env = "env -u DOSSIER_PASSPHRASE -u DOSSIER_KEY_FILE ";
    if (with_key) env += "DOSSIER_KEY_FILE=" + dir_.File("key") + " ";
    return RunCommand(env + DOSSIER_BIN + " " + args, dir_.path());
  }
  TempDir dir_;
};

}  // namespace dossier::testing
