#include "store/sqlite.h"

#include <fmt/format.h>

namespace dossier::sqlite {

Database::~Database() {
  if (db_) sqlite3_close_v2(db_);
}

Result<Database> Database::Open(const std::string& path, int flags) {
  Database d;
  int rc = sqlite3_open_v2(path.c_str(), &d.db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    return Error::Io(fmt::format("cannot open database '{}': {}", path, d.db_ ? sqlite3_errmsg(d.db_) : "out of memory"));
  }
  sqlite3_extended_result_codes(d.db_, 1);
  sqlite3_busy_timeout(d.db_, 5000);
  return d;
}

Error Database::LastError(std::string_view what) const {
  const int code = sqlite3_errcode(db_);
  std::string msg = fmt::format("{}: {}", what, sqlite3_errmsg(db_));
  if ((code & 0xff) == SQLITE_CONSTRAINT) return Error::Conflict(msg);
  if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB) return Error::Corrupt(msg);
  return Error::Io(msg);
}

Status Database::Exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    Error e = LastError("database error");
    e.message = fmt::format("database error: {}", msg);
    return e;
  }
  return Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) const {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr) !=
      SQLITE_OK) {
    return Error::Internal(fmt::format("cannot prepare '{}': {}", sql, sqlite3_errmsg(db_)));
  }
  return Statement(s, db_);
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::Bind(int i, std::string_view text) {
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::Bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& Statement::Bind(int i, std::span<const uint8_t> blob) {
  sqlite3_bind_blob(stmt_, i, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindNull(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}
Statement& Statement::BindOptionalBlob(int i, const std::optional<crypto::Bytes>& blob) {
  return blob ? Bind(i, std::span<const uint8_t>(blob->data(), blob->size())) : BindNull(i);
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error e = Error::Io(fmt::format("database error: {}", sqlite3_errmsg(db_)));
  if ((rc & 0xff) == SQLITE_CONSTRAINT) e.code = ErrorCode::kConflict;
  if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB) e.code = ErrorCode::kCorrupt;
  return e;
}

Status Statement::Run() {
  auto r = Step();
  sqlite3_reset(stmt_);
  if (!r.ok()) return r.error();
  return Ok();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::Text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, col)) : std::string();
}
int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
std::span<const uint8_t> Statement::Blob(int col) const {
  const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, col));
  return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}

}  // namespace dossier::sqlite
