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
  json a = json::parse(ack, nullptr, false);
  if (a.is_discarded()) return Error(Code::kParse, "chain websocket: subscribe answer is not JSON");
  if (a.contains("error")) {
    return Error(Code::kUnavailable, "chain subscribe refused: " + a["error"].dump());
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
    json msg = json::parse(text, nullptr, false);
    if (msg.is_discarded()) return Error(Code::kParse, "chain websocket: a frame is not JSON");
    if (msg.contains("error")) {
      return Error(Code::kUnavailable, "chain websocket error: " + msg["error"].dump());
    }
    if (msg.contains("result") && msg["result"].is_object() && msg["result"].contains("data")) {
      return msg["result"];
    }
  }
}

std::string WebsocketUrl(const std::string& rpc_url) {
  std::string u = rpc_url;
  if (u.rfind("http://", 0) == 0) u = "ws://" + u.substr(7);
  while (!u.empty() && u.back() == '/') u.pop_back();
  return u + "/websocket";
}

namespace {

std::optional<ClaimEvent> FindClaimEvent(const json& result, const std::string& inference_id) {
  const json* events = &result.at("data").at("value").at("TxResult").at("result").at("events");
  if (!events->is_array()) return std::nullopt;
  for (const auto& e : *events) {
    if (!e.is_object() || e.value("type", "") != "vinet.claim") continue;
    ClaimEvent out;
    std::string id;
    for (const auto& a : e.value("attributes", json::array())) {
      if (!a.is_object() || !a.contains("value") || !a["value"].is_string()) continue;
      std::string key = a.value("key", ""), value = a["value"];
      if (key == "id") id = value;
      if (key == "status") out.status = value;
      if (key == "height") out.height = std::strtoll(value.c_str(), nullptr, 10);
    }
    if (id != inference_id) continue;
    if (result.contains("events") && result["events"].is_object()) {
      const json& h = result["events"].value("tx.hash", json::array());
      if (h.is_array() && !h.empty() && h[0].is_string()) out.tx_hash = h[0];
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace

// Messages come from the chain node: any shape that is not the expected one
// (missing keys, wrong types) means "not our event", never an exception.
std::optional<ClaimEvent> ClaimEventFor(const json& result, const std::string& inference_id) {
  try {
    return FindClaimEvent(result, inference_id);
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace vinet::client
