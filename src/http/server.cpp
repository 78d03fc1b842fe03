// The only translation unit that instantiates Beast and Asio templates.
#include <utility>  // before Asio: GCC 12 in C++20 mode needs std::exchange declared first

#include "http/server.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace dossier::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::string NowIso() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", fmt::gmtime(std::chrono::system_clock::to_time_t(now)), ms);
}

}  // namespace

class Session;

struct Server::Impl {
  ServerOptions options;
  Handler handler;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::signal_set signals;
  std::atomic<bool> stopping{false};
  uint16_t bound_port = 0;
  std::mutex sessions_mu;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

  Impl(ServerOptions o, Handler h)
      : options(std::move(o)),
        handler(std::move(h)),
        ioc(std::max(1, options.threads)),
        acceptor(net::make_strand(ioc)),
        signals(ioc) {
    if (!options.access_log) {
      options.access_log = std::make_shared<spdlog::logger>("access", std::make_shared<spdlog::sinks::stderr_sink_mt>());
      options.access_log->set_pattern("%v");
    }
  }

  void Accept();
  void DoStop();
  void Log(const std::string& method, const Response& r, std::chrono::steady_clock::duration took) {
    nlohmann::json j = {{"time", NowIso()},
                        {"method", method.substr(0, 16)},
                        {"route", r.route},
                        {"status", r.status},
                        {"duration_ms", std::chrono::duration<double, std::milli>(took).count()},
                        {"bytes", r.body.size()},
                        {"user", r.user}};
    options.access_log->info(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Impl& server)
      : stream_(std::move(socket)), idle_timer_(stream_.get_executor()), server_(server) {}

  ~Session() {
    std::lock_guard lock(server_.sessions_mu);
    server_.sessions.erase(this);
  }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
  }

  // Graceful shutdown: an idle connection closes now; a request under way is finished first.
  void Shutdown() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kIdle) self->Close();
    });
  }

 private:
  enum class State { kIdle, kReading, kHandling, kWriting, kClosed };

  void WaitForRequest() {
    if (server_.stopping) return Close();
    if (buffer_.size() > 0) return ReadRequest();  // a pipelined request is already here
    state_ = State::kIdle;
    idle_timer_.expires_after(server_.options.idle_timeout);
    idle_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec && self->state_ == State::kIdle) self->Close();
    });
    stream_.socket().async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
      self->idle_timer_.cancel();
      if (ec || self->state_ == State::kClosed) return self->Close();
      self->ReadRequest();
    });
  }

  void ReadRequest() {
    state_ = State::kReading;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.header_limit));
    parser_->body_limit(server_.options.body_limit);
    stream_.expires_after(server_.options.read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    stream_.expires_never();
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout) {
      return Close();
    }
    if (ec == bhttp::error::body_limit) {
      return Reply(ErrorResponse(413, "too_large", fmt::format("the body is over the limit of {} bytes",
                                                               server_.options.body_limit)),
                   "-", false, std::chrono::steady_clock::now());
    }
    if (ec == bhttp::error::header_limit) {
      Response r = ErrorResponse(431, "too_large", "the request header is too large");
      return Reply(std::move(r), "-", false, std::chrono::steady_clock::now());
    }
    if (ec) {
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
        return Reply(ErrorResponse(400, "invalid_argument", "malformed HTTP request"), "-", false,
                     std::chrono::steady_clock::now());
      }
      return Close();
    }
    state_ = State::kHandling;
    const auto started = std::chrono::steady_clock::now();
    auto& msg = parser_->get();
    Request req;
    req.method = std::string(msg.method_string());
    const std::string target_text(msg.target().data(), msg.target().size());
    std::string_view target = target_text;
    const size_t q = target.find('?');
    req.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
    req.body = std::move(msg.body());
    req.content_type = std::string(msg[bhttp::field::content_type]);
    req.cookie = std::string(msg[bhttp::field::cookie]);
    req.csrf_token = std::string(msg["X-CSRF-Token"]);
    req.forwarded_proto = std::string(msg["X-Forwarded-Proto"]);
    req.forwarded_for = std::string(msg["X-Forwarded-For"]);
    beast::error_code pec;
    auto peer = stream_.socket().remote_endpoint(pec);
    req.remote_address = pec ? std::string() : peer.address().to_string();
    const bool keep_alive = msg.keep_alive();
    if (req.path.empty() || req.path.front() != '/') {
      return Reply(ErrorResponse(400, "invalid_argument", "the request target must be an absolute path"), req.method,
                   false, started);
    }
    Response res = server_.handler(req);
    Reply(std::move(res), req.method, keep_alive, started);
  }

  void Reply(Response r, const std::string& method, bool keep_alive, std::chrono::steady_clock::time_point started) {
    state_ = State::kWriting;
    keep_alive = keep_alive && !server_.stopping;
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>(static_cast<bhttp::status>(r.status), 11);
    if (!r.content_type.empty()) res->set(bhttp::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) res->insert(name, value);
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    r.body = std::string(res->body().size(), '\0');  // for the byte count in the log only
    server_.Log(method, r, std::chrono::steady_clock::now() - started);
    response_ = res;
    stream_.expires_after(server_.options.read_timeout);
    bhttp::async_write(stream_, *res, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
      self->response_.reset();
      self->stream_.expires_never();
      if (ec || !keep_alive) return self->Close();
      self->WaitForRequest();
    });
  }

  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    idle_timer_.cancel();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<bhttp::response<bhttp::string_body>> response_;
  net::steady_timer idle_timer_;
  Server::Impl& server_;
  State state_ = State::kIdle;
};

void Server::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (stopping || !acceptor.is_open()) return;
    if (!ec) {
      auto s = std::make_shared<Session>(std::move(socket), *this);
      {
        std::lock_guard lock(sessions_mu);
        sessions[s.get()] = s;
      }
      s->Start();
    }
    Accept();
  });
}

void Server::Impl::DoStop() {
  net::post(acceptor.get_executor(), [this] {
    if (stopping.exchange(true)) return;
    beast::error_code ec;
    acceptor.close(ec);
    signals.cancel(ec);
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(sessions_mu);
      for (auto& [p, w] : sessions) {
        if (auto s = w.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) s->Shutdown();
    spdlog::info("shutting down: {} connection(s) to finish", live.size());
  });
}

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}
Server::~Server() = default;

Status Server::Listen() {
  beast::error_code ec;
  auto address = net::ip::make_address(impl_->options.address, ec);
  if (ec) return Error::Invalid(fmt::format("--listen: '{}' is not an IP address", impl_->options.address));
  tcp::endpoint ep(address, impl_->options.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Error::Io(fmt::format("cannot listen on {}:{}: {}", impl_->options.address, impl_->options.port, ec.message()));
  impl_->bound_port = a.local_endpoint().port();
  return Ok();
}

uint16_t Server::port() const { return impl_->bound_port; }

void Server::Run(bool handle_signals) {
  if (handle_signals) {
    impl_->signals.add(SIGINT);
    impl_->signals.add(SIGTERM);
    impl_->signals.async_wait([this](beast::error_code ec, int) {
      if (!ec) Stop();
    });
  }
  impl_->Accept();
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->options.threads; ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
}

void Server::Stop() { impl_->DoStop(); }

}  // namespace dossier::http
