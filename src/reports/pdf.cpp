#include "reports/pdf.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>

extern char** environ;

namespace dossier::reports {

namespace {

// Removes the directory and everything in it when the render ends, however it ends.
struct PrivateDir {
  std::string path;
  ~PrivateDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

Result<std::string> RenderPdf(const std::string& html, int timeout_seconds) {
  const char* env = std::getenv("DOSSIER_CHROMIUM");
  const std::string chromium = env && *env ? env : "/usr/bin/chromium";
  if (access(chromium.c_str(), X_OK) != 0) {
    return Error::Io(fmt::format("cannot run {} to make the PDF (install the chromium package or set DOSSIER_CHROMIUM)", chromium));
  }
  std::string templ = (std::filesystem::temp_directory_path() / "dossier-report-XXXXXX").string();
  if (!mkdtemp(templ.data())) return Error::Io("cannot create a private temporary directory for the PDF");
  PrivateDir dir{templ};
  const std::string html_path = dir.path + "/report.html", pdf_path = dir.path + "/report.pdf";
  {
    std::ofstream out(html_path, std::ios::binary);
    out << html;
    if (!out) return Error::Io("cannot write the report for the PDF renderer");
  }
  std::vector<std::string> args = {chromium,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-dev-shm-usage",
                                   "--no-first-run",
                                   "--disable-extensions",
                                   "--no-pdf-header-footer",
                                   "--user-data-dir=" + dir.path + "/profile",
                                   "--print-to-pdf=" + pdf_path,
                                   "file://" + html_path};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // Chromium chatters on stderr; none of it is ours to pass on.
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, chromium.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return Error::Io(fmt::format("cannot start {}", chromium));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  int status = 0;
  while (true) {
    const pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0) return Error::Io("lost the PDF renderer");
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);  // its own process group: the renderer and its helpers
      waitpid(pid, &status, 0);
      return Error::Io(fmt::format("{} took longer than {} s to print the PDF", chromium, timeout_seconds));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::ifstream in(pdf_path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string pdf = ss.str();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || pdf.rfind("%PDF", 0) != 0) {
    return Error::Io(fmt::format("{} did not produce a PDF (exit status {})", chromium, WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  }
  return pdf;
}

}  // namespace dossier::reports
