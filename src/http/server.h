// The HTTP/1.1 server: Boost.Beast on an Asio thread pool, keep-alive, size limits, timeouts,
// JSON access log, graceful shutdown. It hands every request to a Handler as a plain Request.
//
// Graceful shutdown (Stop(), or SIGTERM/SIGINT when Run(true)): stop accepting; close connections
// that wait idle for their next request; let every request that has started arriving be read,
// handled and answered (with Connection: close); Run() returns when the last one is done.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "domain/result.h"
#include "http/message.h"

namespace dossier::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0 = any free port (see Server::port())
  int threads = 2;
  size_t header_limit = 16 * 1024;
  size_t body_limit = 1024 * 1024;
  std::chrono::seconds read_timeout{30};  // to receive a whole request once it has begun
  std::chrono::seconds idle_timeout{60};  // between requests on a kept-alive connection
  // Access log (JSON lines); null = a logger on stderr.
  std::shared_ptr<spdlog::logger> access_log;
};

class Server {
 public:
  using Handler = std::function<Response(const Request&)>;
  Server(ServerOptions options, Handler handler);
  ~Server();

  // Binds and listens; the port is known afterwards.
  Status Listen();
  uint16_t port() const;
  // Serves on `threads` threads (the caller's among them) until stopped and drained.
  void Run(bool handle_signals);
  // Starts a graceful shutdown; callable from any thread, any number of times.
  void Stop();

  struct Impl;  // public so the connection class in server.cpp can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace dossier::http
