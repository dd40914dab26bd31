#include "vinet/client/chain_events.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <regex>

namespace vinet::client {
namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using json = nlohmann::json;

struct ChainEvents::Impl {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;

  Impl() { ws.read_message_max(kMaxFrameBytes); }  // a longer frame fails the read

  ~Impl() {
    beast::error_code ec;
    beast::get_lowest_layer(ws).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(ws).socket().close(ec);
    ioc.restart();
    ioc.run();  // a pending read completes (aborted) before the stream goes
  }

  // Runs the started async operation until its handler ran or `ms` passed;
  // on timeout cancels it (the stream is then unusable) and says so.
  Status RunFor(int64_t ms, const bool& done, const std::string& what) {
    ioc.restart();
    ioc.run_for(std::chrono::milliseconds(std::max<int64_t>(ms, 1)));
    if (done) return Status::Ok();
    beast::get_lowest_layer(ws).cancel();
    ioc.restart();
    ioc.run();
    return Error(Code::kTimeout, what + ": no answer within " + std::to_string(ms) + " ms");
  }

  // One read stays outstanding across calls: a timeout leaves it pending (the
  // stream stays usable) and the next call resumes waiting for it.
  bool reading = false, read_done = false;
  beast::error_code read_ec;

  Result<std::string> Read(int64_t ms) {
    if (!reading) {
      reading = true;
      read_done = false;
      buffer.clear();
      ws.async_read(buffer, [this](beast::error_code e, size_t) {
        read_ec = e;
        read_done = true;
      });
    }
    ioc.restart();
    ioc.run_for(std::chrono::milliseconds(std::max<int64_t>(ms, 1)));
    if (!read_done) return Error(Code::kTimeout, "chain websocket: no message in time");
    reading = false;
    if (read_ec) return Error(Code::kUnavailable, "chain websocket: " + read_ec.message());
    return beast::buffers_to_string(buffer.data());
  }

  Status Write(const std::string& text, int64_t ms) {
    bool done = false;
    beast::error_code ec;
    ws.text(true);
    ws.async_write(net::buffer(text), [&](beast::error_code e, size_t) {
      ec = e;
      done = true;
    });
    VINET_RETURN_IF_ERROR(RunFor(ms, done, "chain websocket write"));
    if (ec) return Error(Code::kUnavailable, "chain websocket: " + ec.message());
    return Status::Ok();
  }

  Status Connect(const std::string& host, const std::string& port, const std::string& path,
                 int64_t ms) {
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    auto endpoints = resolver.resolve(host, port, ec);
    if (ec)
      return Error(Code::kUnavailable, "chain websocket: resolve " + host + ": " + ec.message());
    bool done = false;
    beast::get_lowest_layer(ws).async_connect(endpoints, [&](beast::error_code e, auto) {
      ec = e;
      done = true;
    });
    VINET_RETURN_IF_ERROR(RunFor(ms, done, "chain websocket connect"));
    if (ec) return Error(Code::kUnavailable, "chain websocket connect: " + ec.message());
    done = false;
    ws.async_handshake(host + ":" + port, path, [&](beast::error_code e) {
      ec = e;
      done = true;
    });
    VINET_RETURN_IF_ERROR(RunFor(ms, done, "chain websocket handshake"));
    if (ec) return Error(Code::kUnavailable, "chain websocket handshake: " + ec.message());
    return Status::Ok();
  }
};

ChainEvents::ChainEvents(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ChainEvents::~ChainEvents() = default;

Result<std::unique_ptr<ChainEvents>> ChainEvents::Subscribe(const std::string& ws_url,
                                                            const std::string& query,
                                                            int64_t timeout_ms) {
  std::smatch m;
  static const std::regex kUrl(R"(ws://([^/:]+):([0-9]+)(/.*)?)");
  if (!std::regex_match(ws_url, m, kUrl)) {
    return Error(Code::kInvalidArgument,
                 "chain websocket url: want ws://host:port/path, got " + ws_url);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now())
        .count();
  };
  auto impl = std::make_unique<Impl>();
  std::string path = m[3].matched ? m[3].str() : "/websocket";
  VINET_RETURN_IF_ERROR(impl->Connect(m[1], m[2], path, left()));
  json call = {
      {"jsonrpc", "2.0"}, {"id", 1}, {"method", "subscribe"}, {"params", {{"query", query}}}};
  VINET_RETURN_IF_ERROR(impl->Write(call.dump(), left()));
  VINET_ASSIGN_OR_RETURN(std::string ack, impl->Read(left()));
  auto a = ParseEventFrame(ack);
  if (!a.ok()) {
    bool refused = a.status().code() == Code::kUnavailable;  // a JSON-RPC error answer
    return Error(a.status().code(),
                 (refused ? "chain subscribe refused: " : "chain subscribe answer: ") +
                     a.status().message());
  }
  return std::unique_ptr<ChainEvents>(new ChainEvents(std::move(impl)));
}

Result<json> ChainEvents::Next(int64_t timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    int64_t left = std::chrono::duration_cast<std::chrono::milliseconds>(
                       deadline - std::chrono::steady_clock::now())
                       .count();
    if (left <= 0) return Error(Code::kTimeout, "chain websocket: no event in time");
    VINET_ASSIGN_OR_RETURN(std::string text, impl_->Read(left));
    VINET_ASSIGN_OR_RETURN(auto event, ParseEventFrame(text));
    if (event) return std::move(*event);
  }
}

std::string WebsocketUrl(const std::string& rpc_url) {
  std::string u = rpc_url;
  if (u.rfind("http://", 0) == 0) u = "ws://" + u.substr(7);
  while (!u.empty() && u.back() == '/') u.pop_back();
  return u + "/websocket";
}

}  // namespace vinet::client
