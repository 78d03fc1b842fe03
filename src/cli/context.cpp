#include "cli/context.h"

#include <iostream>

namespace dossier::cli {

int ExitStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 2;
    case ErrorCode::kNotFound: return 3;
    case ErrorCode::kConflict: return 4;
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kPermissionDenied: return 5;
    case ErrorCode::kCorrupt: return 6;
    case ErrorCode::kIo: return 7;
    case ErrorCode::kInternal: return 1;
  }
  return 1;
}

void Exit(const Error& error) {
  std::cerr << "dossier: " << error.message << "\n";
  throw CLI::RuntimeError(ExitStatusFor(error.code));
}

}  // namespace dossier::cli
