// Result<T>: the value of an operation that can fail, or the Error saying why.
//
// Modules return Result instead of throwing across their boundaries, so a caller sees in the
// signature that a call can fail and must decide what to do about it. Error carries a stable
// machine code (for APIs and exit statuses) and a message for people that names the record and
// field at fault.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace dossier {

enum class ErrorCode {
  kInvalidArgument,  // input fails validation: bad field, unknown term, impossible date
  kNotFound,         // a referenced record does not exist
  kConflict,         // the change contradicts stored state (duplicate id, stale version)
  kPermissionDenied, // the caller may not do this
  kUnauthenticated,  // missing or wrong key, passphrase or credentials
  kCorrupt,          // stored data fails an integrity check (MAC, hash chain, signature)
  kIo,               // file system, database or network failure
  kInternal,         // a bug: an invariant did not hold
};

// Stable lowercase name of a code, e.g. "invalid_argument"; used in JSON errors.
const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  static Error Invalid(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
  static Error NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
  static Error Conflict(std::string m) { return {ErrorCode::kConflict, std::move(m)}; }
  static Error Denied(std::string m) { return {ErrorCode::kPermissionDenied, std::move(m)}; }
  static Error Unauthenticated(std::string m) { return {ErrorCode::kUnauthenticated, std::move(m)}; }
  static Error Corrupt(std::string m) { return {ErrorCode::kCorrupt, std::move(m)}; }
  static Error Io(std::string m) { return {ErrorCode::kIo, std::move(m)}; }
  static Error Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}       // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};



// Result of an operation that yields nothing but success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }
  // The failure's code; meaningful only when !ok().
  ErrorCode code() const { return error_.code; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;
inline Status Ok() { return {}; }

// Drops a Result's value, keeping only whether it succeeded.
template <typename T>
Status StatusOf(const Result<T>& r) {
  if (r.ok()) return {};
  return r.error();
}

}  // namespace dossier

// Propagates an Error from an expression returning Result or Status.
#define DOSSIER_RETURN_IF_ERROR(expr)            \
  do {                                           \
    auto dossier_status_ = (expr);               \
    if (!dossier_status_.ok()) return dossier_status_.error(); \
  } while (0)

#define DOSSIER_CONCAT_INNER_(a, b) a##b
#define DOSSIER_CONCAT_(a, b) DOSSIER_CONCAT_INNER_(a, b)
// Declares `lhs` from a Result's value, or returns its Error.
#define DOSSIER_ASSIGN_OR_RETURN(lhs, expr)                              \
  auto DOSSIER_CONCAT_(dossier_result_, __LINE__) = (expr);              \
  if (!DOSSIER_CONCAT_(dossier_result_, __LINE__).ok())                  \
    return DOSSIER_CONCAT_(dossier_result_, __LINE__).error();           \
  lhs = std::move(DOSSIER_CONCAT_(dossier_result_, __LINE__)).value()
