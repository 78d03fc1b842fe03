#include "http/message.h"

#include <nlohmann/json.hpp>

namespace dossier::http {

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::multimap<std::string, std::string>> ParseQuery(std::string_view query) {
  std::multimap<std::string, std::string> out;
  size_t pos = 0;
  while (pos <= query.size() && !query.empty()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view part = query.substr(pos, amp - pos);
    if (!part.empty()) {
      size_t eq = part.find('=');
      auto key = PercentDecode(part.substr(0, eq), true);
      auto value = PercentDecode(eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1), true);
      if (!key || !value) return Error::Invalid("query: a parameter has a malformed percent escape");
      out.emplace(std::move(*key), std::move(*value));
    }
    pos = amp + 1;
    if (amp == query.size()) break;
  }
  return out;
}

std::string CookieValue(std::string_view header, std::string_view name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t semi = header.find(';', pos);
    if (semi == std::string_view::npos) semi = header.size();
    std::string_view part = header.substr(pos, semi - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    pos = semi + 1;
  }
  return {};
}

int StatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kCorrupt:
    case ErrorCode::kIo:
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

Response ErrorResponse(int status, std::string_view code, std::string_view message, std::optional<std::string> field) {
  if (!field) {
    size_t at = message.find("field '");
    if (at != std::string_view::npos) {
      size_t start = at + 7, end = message.find('\'', start);
      if (end != std::string_view::npos) field = std::string(message.substr(start, end - start));
    }
  }
  nlohmann::json j = {{"error", {{"code", code}, {"message", message}, {"field", nullptr}}}};
  if (field && !field->empty()) j["error"]["field"] = *field;
  Response r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response ErrorResponse(const Error& error) {
  const int status = StatusFor(error.code);
  if (status == 500) {
    // The message of an internal or storage error may carry record content; never pass it on.
    return ErrorResponse(500, "internal", std::string("internal error (") + ErrorCodeName(error.code) + ")");
  }
  const char* code = ErrorCodeName(error.code);
  return ErrorResponse(status, code, error.message);
}

}  // namespace dossier::http
