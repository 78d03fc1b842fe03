// Thin RAII wrappers over the SQLite C API: a connection and a prepared statement.
// Errors come back as Status, never as exceptions; values bind and read by position.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "crypto/secret.h"
#include "domain/result.h"

namespace dossier::sqlite {

class Statement;

class Database {
 public:
  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  Database(Database&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  ~Database();

  static Result<Database> Open(const std::string& path, int flags);
  Status Exec(const std::string& sql);
  Result<Statement> Prepare(std::string_view sql) const;
  sqlite3* get() const { return db_; }
  Error LastError(std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& o) noexcept : stmt_(o.stmt_), db_(o.db_) { o.stmt_ = nullptr; }
  ~Statement();

  Statement& Bind(int i, std::string_view text);
  Statement& Bind(int i, int64_t v);
  Statement& Bind(int i, std::span<const uint8_t> blob);
  Statement& BindNull(int i);
  Statement& BindOptionalBlob(int i, const std::optional<crypto::Bytes>& blob);

  // SQLITE_ROW -> true, SQLITE_DONE -> false, anything else -> Error.
  Result<bool> Step();
  Status Run();  // steps to completion, expecting no rows
  void Reset();
  sqlite3_stmt* raw() const { return stmt_; }

  std::string Text(int col) const;
  int64_t Int(int col) const;
  bool IsNull(int col) const;
  std::span<const uint8_t> Blob(int col) const;

 private:
  friend class Database;
  Statement(sqlite3_stmt* s, sqlite3* db) : stmt_(s), db_(db) {}
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

}  // namespace dossier::sqlite
