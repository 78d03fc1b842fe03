// The plain HTTP request and response the API works on, free of Beast types, so that only
// server.cpp instantiates Beast templates. Also the small parsing helpers the layers share.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/result.h"

namespace dossier::http {

// A request body taken piece by piece as it arrives instead of read whole (large uploads; see
// Request::body_pending). Dropped without a second call to the handler when the body does not
// arrive complete, so its destructor must undo whatever it began.
class BodySink {
 public:
  virtual ~BodySink() = default;
  // The next piece of the body. An error ends the request with that error.
  virtual Status Write(std::span<const uint8_t> bytes) = 0;
};

// A response body produced piece by piece (large downloads): fills `out` and returns how many
// bytes it wrote, 0 at the end. A failure after the headers have gone can only cut the connection.
using BodySource = std::function<Result<size_t>(std::span<uint8_t> out)>;

struct Request {
  std::string method;           // "GET", "POST", ...
  std::string path;             // the target without the query string, still percent-encoded
  std::string query;            // raw query string (never logged)
  std::string body;
  std::string content_type;
  std::string cookie;           // raw Cookie header
  std::string csrf_token;       // X-CSRF-Token
  std::string forwarded_proto;  // X-Forwarded-Proto
  std::string forwarded_for;    // X-Forwarded-For
  std::string remote_address;   // peer IP address
  // Streamed uploads (Content-Type: application/octet-stream): the handler first sees the request
  // with body_pending set and no body, and takes the body by answering with Response::upload; when
  // all of it has gone into that sink, the handler sees the request again with `upload` set.
  bool body_pending = false;
  std::shared_ptr<BodySink> upload;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Takes a pending body (Request::body_pending): the server feeds it to this sink, refusing more
  // than upload_limit bytes; the response itself is then the handler's second answer.
  std::shared_ptr<BodySink> upload;
  uint64_t upload_limit = 0;
  // Sent instead of `body` when set: exactly stream_length bytes, read from it piece by piece.
  BodySource stream;
  uint64_t stream_length = 0;
  // For the access log only: the route template ("/api/v1/persons/{id}") and the signed-in user.
  std::string route;
  std::string user;
};

// Percent-decodes `text`; with `plus_is_space`, '+' becomes ' ' (query strings). Nullopt when an
// escape is malformed.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// Splits a query string into decoded key/value pairs; an Error names the malformed parameter.
Result<std::multimap<std::string, std::string>> ParseQuery(std::string_view query);

// The value of cookie `name` in a Cookie header, or empty.
std::string CookieValue(std::string_view header, std::string_view name);

// The stable HTTP status for an error code (400, 401, 403, 404, 409, 500).
int StatusFor(ErrorCode code);

// {"error": {"code", "message", "field"}}; `field` is taken from "field 'x'" in the message.
Response ErrorResponse(int status, std::string_view code, std::string_view message,
                       std::optional<std::string> field = std::nullopt);
Response ErrorResponse(const Error& error);

}  // namespace dossier::http
