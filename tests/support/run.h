// Runs a command line through the shell and captures its exit status, stdout and stderr, for
// tests that drive the `dossier` binary the way a user does.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace dossier::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline RunResult RunCommand(const std::string& command, const std::string& scratch_dir) {
  const std::string err_path = scratch_dir + "/stderr.txt";
  RunResult r;
  FILE* pipe = popen((command + " 2>" + err_path + " </dev/null").c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream e(err_path);
  std::stringstream ss;
  ss << e.rdbuf();
  r.err = ss.str();
  return r;
}

}  // namespace dossier::testing
