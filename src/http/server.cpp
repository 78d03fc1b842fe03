// The only translation unit that instantiates Beast and Asio templates.
#include <utility>  // before Asio: GCC 12 in C++20 mode needs std::exchange declared first

#include "http/server.h"

#include <atomic>
#include <chrono>
#include <limits>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
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
  void Log(const std::string& method, const Response& r, std::chrono::steady_clock::duration took, uint64_t bytes) {
    nlohmann::json j = {{"time", NowIso()},
                        {"method", method.substr(0, 16)},
                        {"route", r.route},
                        {"status", r.status},
                        {"duration_ms", std::chrono::duration<double, std::milli>(took).count()},
                        {"bytes", bytes},
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
    // Beast refuses a Content-Length over the body limit as soon as the header is parsed, before
    // a handler could accept a streamed upload larger than a request body may be. So the header
    // is read without a limit, and OnHeader applies the one that fits the request.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_.expires_after(server_.options.read_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  // A body sent as application/octet-stream may be a streamed upload: the handler decides from
  // the headers whether to take it piece by piece; everything else is read whole, within body_limit.
  void OnHeader(beast::error_code ec) {
    if (!ec && parser_->get()[bhttp::field::content_type] == "application/octet-stream") return BeginUpload();
    if (ec) return OnRead(ec);
    if (const auto length = parser_->content_length(); length && *length > server_.options.body_limit) {
      return OnRead(bhttp::error::body_limit);
    }
    parser_->body_limit(server_.options.body_limit);  // counts down chunked bodies
    SendContinueIfExpected(parser_->get(), [this] {
      bhttp::async_read(stream_, buffer_, *parser_,
                        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
    });
  }

  Request RequestOf(const bhttp::request<bhttp::string_body>& msg) {
    Request req;
    req.method = std::string(msg.method_string());
    const std::string target_text(msg.target().data(), msg.target().size());
    std::string_view target = target_text;
    const size_t q = target.find('?');
    req.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
    req.content_type = std::string(msg[bhttp::field::content_type]);
    req.cookie = std::string(msg[bhttp::field::cookie]);
    req.csrf_token = std::string(msg["X-CSRF-Token"]);
    req.forwarded_proto = std::string(msg["X-Forwarded-Proto"]);
    req.forwarded_for = std::string(msg["X-Forwarded-For"]);
    beast::error_code pec;
    auto peer = stream_.socket().remote_endpoint(pec);
    req.remote_address = pec ? std::string() : peer.address().to_string();
    return req;
  }

  void BeginUpload() {
    state_ = State::kHandling;
    stream_.expires_never();
    upload_started_ = std::chrono::steady_clock::now();
    upload_req_ = RequestOf(parser_->get());
    upload_req_.body_pending = true;
    upload_keep_alive_ = parser_->get().keep_alive();
    if (upload_req_.path.empty() || upload_req_.path.front() != '/') {
      return Reply(ErrorResponse(400, "invalid_argument", "the request target must be an absolute path"),
                   upload_req_.method, false, upload_started_);
    }
    Response res = server_.handler(upload_req_);
    if (!res.upload) {
      // Refused from the headers. A small body is read and dropped so the client sees the answer;
      // a large one is not waited for.
      const auto length = parser_->content_length();
      if (!length || *length > server_.options.body_limit) return Reply(std::move(res), upload_req_.method, false, upload_started_);
      refusal_ = std::move(res);
      stream_.expires_after(server_.options.read_timeout);
      return bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->stream_.expires_never();
        if (ec) return self->Close();
        self->Reply(std::move(*self->refusal_), self->upload_req_.method, self->upload_keep_alive_, self->upload_started_);
      });
    }
    if (const auto length = parser_->content_length(); length && *length > res.upload_limit) {
      return Reply(ErrorResponse(413, "too_large", "the file is over the upload limit"), upload_req_.method, false,
                   upload_started_);
    }
    state_ = State::kReading;
    upload_req_.body_pending = false;
    upload_req_.upload = std::move(res.upload);
    upload_parser_.emplace(std::move(*parser_));
    parser_.reset();
    upload_parser_->body_limit(res.upload_limit);
    upload_buffer_.resize(64 * 1024);
    if (upload_parser_->is_done()) return OnUploadPiece({}, 0);  // an empty body
    SendContinueIfExpected(upload_parser_->get(), [this] { ReadUploadPiece(); });
  }

  // A client that sent "Expect: 100-continue" (curl does for bodies over 1 MiB) waits for this
  // interim answer before the body; without it, every upload would begin with a second's pause.
  template <typename Next>
  void SendContinueIfExpected(const bhttp::fields& headers, Next next) {
    if (!beast::iequals(headers[bhttp::field::expect], "100-continue")) return next();
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(server_.options.read_timeout);
    net::async_write(stream_, net::const_buffer(kContinue.data(), kContinue.size()),
                     [self = shared_from_this(), next](beast::error_code ec, std::size_t) {
                       self->stream_.expires_never();
                       if (ec) return self->Close();
                       next();
                     });
  }

  void ReadUploadPiece() {
    auto& body = upload_parser_->get().body();
    body.data = upload_buffer_.data();
    body.size = upload_buffer_.size();
    // The timeout is per piece: a large upload may take hours, but must not stall.
    stream_.expires_after(server_.options.read_timeout);
    bhttp::async_read_some(stream_, buffer_, *upload_parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->OnUploadPiece(ec, self->upload_buffer_.size() - self->upload_parser_->get().body().size);
    });
  }

  void OnUploadPiece(beast::error_code ec, size_t n) {
    stream_.expires_never();
    if (ec == bhttp::error::need_buffer) ec = {};
    Status written = Ok();
    if (!ec && n > 0) written = upload_req_.upload->Write({reinterpret_cast<const uint8_t*>(upload_buffer_.data()), n});
    if (ec || !written.ok() || upload_parser_->is_done()) {
      // Whatever happens next, the parser and buffer of this upload are done with.
      Request req = std::move(upload_req_);
      upload_req_ = Request();
      upload_parser_.reset();
      upload_buffer_ = std::vector<char>();
      if (ec == bhttp::error::body_limit) {
        return Reply(ErrorResponse(413, "too_large", "the file is over the upload limit"), req.method, false,
                     upload_started_);
      }
      if (ec) return Close();  // cut short or stalled: the sink is dropped and keeps nothing
      state_ = State::kHandling;
      Response res = written.ok() ? server_.handler(req) : ErrorResponse(written.error());
      // A sink the handler did not keep deletes what it wrote; that must be done before the client
      // hears the answer, or it could look for the file the refusal promised was never kept.
      req.upload.reset();
      return Reply(std::move(res), req.method, written.ok() && upload_keep_alive_, upload_started_);
    }
    ReadUploadPiece();
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
    Request req = RequestOf(msg);
    req.body = std::move(msg.body());
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
    if (r.stream) return ReplyStreamed(std::move(r), method, keep_alive, started);
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>(static_cast<bhttp::status>(r.status), 11);
    if (!r.content_type.empty()) res->set(bhttp::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) res->insert(name, value);
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    server_.Log(method, r, std::chrono::steady_clock::now() - started, res->body().size());
    response_ = res;
    stream_.expires_after(server_.options.read_timeout);
    bhttp::async_write(stream_, *res, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
      self->response_.reset();
      self->stream_.expires_never();
      if (ec || !keep_alive) return self->Close();
      self->WaitForRequest();
    });
  }

  // Sends the headers, then the body piece by piece from r.stream.
  void ReplyStreamed(Response r, const std::string& method, bool keep_alive, std::chrono::steady_clock::time_point started) {
    auto res = std::make_shared<bhttp::response<bhttp::buffer_body>>(static_cast<bhttp::status>(r.status), 11);
    if (!r.content_type.empty()) res->set(bhttp::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) res->insert(name, value);
    res->content_length(r.stream_length);
    res->keep_alive(keep_alive);
    res->body().data = nullptr;
    res->body().more = true;
    server_.Log(method, r, std::chrono::steady_clock::now() - started, r.stream_length);
    download_ = std::make_shared<Download>(res, std::move(r.stream), r.stream_length);
    stream_.expires_after(server_.options.read_timeout);
    bhttp::async_write_header(stream_, download_->serializer,
                              [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                                if (ec) return self->Close();
                                self->WriteDownloadPiece(keep_alive);
                              });
  }

  void WriteDownloadPiece(bool keep_alive) {
    Download& d = *download_;
    auto& body = d.response->body();
    if (d.remaining == 0) {
      body.data = nullptr;
      body.size = 0;
      body.more = false;
    } else {
      auto n = d.source(std::span<uint8_t>(d.buffer.data(), std::min<uint64_t>(d.buffer.size(), d.remaining)));
      if (!n.ok() || *n == 0) return Close();  // the client sees a body shorter than announced
      d.remaining -= *n;
      body.data = d.buffer.data();
      body.size = *n;
      body.more = true;
    }
    stream_.expires_after(server_.options.read_timeout);
    bhttp::async_write(stream_, d.serializer, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
      self->stream_.expires_never();
      if (ec == bhttp::error::need_buffer) return self->WriteDownloadPiece(keep_alive);
      self->download_.reset();
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
  // A streamed upload under way (BeginUpload): its request, parser and piece buffer.
  Request upload_req_;
  bool upload_keep_alive_ = false;
  std::chrono::steady_clock::time_point upload_started_;
  std::optional<bhttp::request_parser<bhttp::buffer_body>> upload_parser_;
  std::vector<char> upload_buffer_;
  std::optional<Response> refusal_;
  // A streamed download under way (ReplyStreamed).
  struct Download {
    Download(std::shared_ptr<bhttp::response<bhttp::buffer_body>> r, BodySource s, uint64_t length)
        : response(std::move(r)), serializer(*response), source(std::move(s)), remaining(length), buffer(64 * 1024) {}
    std::shared_ptr<bhttp::response<bhttp::buffer_body>> response;
    bhttp::response_serializer<bhttp::buffer_body> serializer;
    BodySource source;
    uint64_t remaining;
    std::vector<uint8_t> buffer;
  };
  std::shared_ptr<Download> download_;
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
