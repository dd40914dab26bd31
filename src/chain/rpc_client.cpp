#include "vinet/chain/rpc_client.h"

#include <httplib.h>

#include <cctype>
#include <map>

namespace vinet::chain {
namespace {

// Bulk bytes go in the URI below this many hex digits (CometBFT's
// max_header_bytes is 1 MiB by default); larger ones are POSTed.
constexpr size_t kMaxUriHexDigits = 512 * 1024;

// A JSON string parameter in a CometBFT URI: quoted, percent-encoded.
std::string UriString(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "%22";
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out + "%22";
}

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int64_t AsInt(const nlohmann::json& v) {
  if (v.is_string()) return std::stoll(v.get<std::string>());
  if (v.is_number_integer()) return v.get<int64_t>();
  return 0;
}

}  // namespace

std::string Base64Encode(ByteSpan data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (size_t rest = data.size() - i; rest > 0) {
    uint32_t v = data[i] << 16;
    if (rest == 2) v |= data[i + 1] << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

Result<Bytes> Base64Decode(std::string_view text) {
  Bytes out;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '=') break;
    auto pos = kAlphabet.find(c);
    if (pos == std::string_view::npos) {
      return Error(Code::kParse, "base64: invalid character at offset " + std::to_string(i));
    }
    acc = (acc << 6) | static_cast<uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>((acc >> bits) & 0xff));
    }
  }
  return out;
}

struct RpcClient::Connections {
  std::map<std::string, std::unique_ptr<httplib::Client>> by_url;
};

RpcClient::RpcClient(std::string url, int timeout_seconds)
    : url_(std::move(url)),
      connections_(std::make_unique<Connections>()),
      timeout_seconds_(timeout_seconds) {
  while (!url_.empty() && url_.back() == '/') url_.pop_back();
}

RpcClient::RpcClient(std::shared_ptr<RpcEndpoints> endpoints, int timeout_seconds)
    : connections_(std::make_unique<Connections>()),
      endpoints_(std::move(endpoints)),
      timeout_seconds_(timeout_seconds) {}

RpcClient::RpcClient(const RpcClient& other)
    : url_(other.url_),
      connections_(std::make_unique<Connections>()),
      endpoints_(other.endpoints_),
      timeout_seconds_(other.timeout_seconds_) {}

RpcClient& RpcClient::operator=(const RpcClient& other) {
  if (this != &other) *this = RpcClient(other);
  return *this;
}

RpcClient::RpcClient(RpcClient&&) noexcept = default;
RpcClient& RpcClient::operator=(RpcClient&&) noexcept = default;
RpcClient::~RpcClient() = default;

Result<nlohmann::json> RpcClient::Call(const std::string& method, const nlohmann::json& params) {
  return Call(method, params, nullptr);
}

Result<nlohmann::json> RpcClient::Call(const std::string& method, const nlohmann::json& params,
                                       const std::string* uri_query) {
  if (!endpoints_) return CallUrl(url_, method, params, uri_query);
  Status last = Status::Ok();
  for (size_t i = 0; i < endpoints_->urls().size(); ++i) {
    std::string url = endpoints_->Current();
    auto r = CallUrl(url, method, params, uri_query);
    if (r.ok() || r.status().code() != Code::kUnavailable) {
      endpoints_->Succeeded(url);
      return r;
    }
    endpoints_->Failed(url, r.status().message(), SteadyMs());
    last = r.status();
  }
  return last;
}

Result<nlohmann::json> RpcClient::CallUrl(const std::string& url, const std::string& method,
                                          const nlohmann::json& params,
                                          const std::string* uri_query) {
  auto& client = connections_->by_url[url];
  bool reused = client != nullptr;
  auto send = [&]() -> httplib::Result {
    if (!client) {
      client = std::make_unique<httplib::Client>(url);
      client->set_connection_timeout(timeout_seconds_);
      client->set_read_timeout(timeout_seconds_);
      client->set_tcp_nodelay(true);  // no Nagle wait between request headers and body
      client->set_keep_alive(true);
    }
    if (uri_query) return client->Get("/" + method + "?" + *uri_query);
    nlohmann::json req = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    return client->Post("/", req.dump(), "application/json");
  };
  auto res = send();
  if (!res && reused) {  // the server may have closed the idle connection
    client.reset();
    res = send();
  }
  if (!res) {
    client.reset();
    return Error(Code::kUnavailable,
                 "rpc " + url + ": " + httplib::to_string(res.error()) + " (is the node running?)");
  }
  auto doc = nlohmann::json::parse(res->body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Error(Code::kParse, "rpc " + method + ": reply is not JSON (HTTP " +
                                   std::to_string(res->status) + ")");
  }
  if (doc.contains("error")) {
    const auto& e = doc["error"];
    return Error(Code::kInvalidArgument,
                 "rpc " + method + ": " + e.value("message", "") + " " + e.value("data", ""));
  }
  if (!doc.contains("result")) return Error(Code::kParse, "rpc " + method + ": no result");
  // Moved, not copied: a tx result with a thousand claims' events is a large tree.
  return std::move(doc["result"]);
}

Result<int64_t> RpcClient::LatestHeight() {
  VINET_ASSIGN_OR_RETURN(auto st, Call("status", nlohmann::json::object()));
  return AsInt(st["sync_info"]["latest_block_height"]);
}

Result<std::string> RpcClient::ChainId() {
  VINET_ASSIGN_OR_RETURN(auto st, Call("status", nlohmann::json::object()));
  return st["node_info"]["network"].get<std::string>();
}

Result<nlohmann::json> RpcClient::AbciQuery(const std::string& path, ByteSpan data) {
  std::string hex = ToHex(data);
  std::string uri = "path=" + UriString(path) + "&data=0x" + hex;
  VINET_ASSIGN_OR_RETURN(
      auto r, Call("abci_query", {{"path", path}, {"data", hex}},
                   hex.size() <= kMaxUriHexDigits && path.size() <= 1024 ? &uri : nullptr));
  const auto& resp = r["response"];
  nlohmann::json out;
  out["code"] = resp.value("code", 0);
  out["log"] = resp.value("log", "");
  out["height"] = AsInt(resp.value("height", nlohmann::json("0")));
  std::string value;
  if (resp.contains("value") && resp["value"].is_string()) {
    VINET_ASSIGN_OR_RETURN(auto bytes, Base64Decode(resp["value"].get<std::string>()));
    value = ToString(bytes);
  }
  out["value"] = value;
  return out;
}

Result<nlohmann::json> RpcClient::BroadcastTxSync(ByteSpan tx) {
  Result<nlohmann::json> sent = Error(Code::kInternal, "unsent");
  if (tx.size() * 2 <= kMaxUriHexDigits) {
    std::string uri = "tx=0x" + ToHex(tx);
    sent = Call("broadcast_tx_sync", nlohmann::json::object(), &uri);
  } else {
    sent = Call("broadcast_tx_sync", {{"tx", Base64Encode(tx)}});
  }
  VINET_ASSIGN_OR_RETURN(auto r, std::move(sent));
  return nlohmann::json{
      {"code", r.value("code", 0)}, {"log", r.value("log", "")}, {"hash", r.value("hash", "")}};
}

Result<nlohmann::json> RpcClient::FindTx(const std::string& hash_hex) {
  // Base64 of the raw hash bytes, as CometBFT's JSON-RPC expects for []byte params.
  VINET_ASSIGN_OR_RETURN(auto hash, FromHex(hash_hex));
  auto r = Call("tx", {{"hash", Base64Encode(hash)}, {"prove", false}});
  if (!r.ok()) {
    if (r.status().message().find("not found") != std::string::npos) return nlohmann::json();
    return r.status();
  }
  return std::move(*r);
}

}  // namespace vinet::chain
