// Shared plumbing for CLI commands: turning Errors into messages and exit statuses.
//
// A command body calls OrExit(result) on every fallible step; on failure it prints
// "dossier: <message>" to stderr and ends the command with an exit status chosen by the error
// code (2 invalid input, 3 not found, 4 conflict, 5 wrong key/credentials, 6 corrupt data,
// 7 I/O, 1 anything else). Nothing is printed to stdout on failure, so --json output stays clean.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <utility>

#include "domain/result.h"

namespace dossier::cli {

int ExitStatusFor(ErrorCode code);

[[noreturn]] void Exit(const Error& error);

inline void OrExit(const Status& status) {
  if (!status.ok()) Exit(status.error());
}

template <typename T>
T OrExit(Result<T> result) {
  if (!result.ok()) Exit(result.error());
  return std::move(result).value();
}

}  // namespace dossier::cli
