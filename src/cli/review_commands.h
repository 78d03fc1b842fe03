// `dossier link --db` and `dossier review ...`: linkage on the database and its review queue.
#pragma once

#include "cli/database_options.h"

namespace dossier::cli {

struct DatabaseLinkArgs {
  DatabaseOptions db;
  double review_probability = 0.5;
  int threads = 0;
};

// Links the stored persons and queues candidate pairs for review; prints a summary.
void RunDatabaseLink(const DatabaseLinkArgs& args);

}  // namespace dossier::cli
