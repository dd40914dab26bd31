#include "vinet/tee/enclave_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "vinet/protocol/claim_batch.h"
#include "vinet/protocol/request.h"
#include "vinet/protocol/tensor_json.h"
#include "vinet/tee/infer_frame.h"

namespace vinet::tee {
namespace {

using nlohmann::json;

json ErrorReply(const Status& s) {
  return json{{"ok", false}, {"code", std::string(CodeName(s.code()))}, {"error", s.message()}};
}

Result<Bytes> HexArg(const json& req, const char* name) {
  if (!req.contains(name) || !req[name].is_string()) {
    return Error(Code::kInvalidArgument, std::string(name) + ": missing or not a hex string");
  }
  auto b = FromHex(req[name].get<std::string>());
  if (!b.ok()) return b.status().WithContext(name);
  return b;
}

json ChatModelsJson(const std::vector<ChatModelInfo>& models) {
  json out = json::array();
  for (const auto& m : models)
    out.push_back(json{{"model_id", m.model_id}, {"name", m.name}, {"context", m.context}});
  return out;
}

// "leaves": an array of 1..kMaxBatchLeaves hex digests (count checked first).
Result<std::vector<crypto::Digest256>> LeavesArg(const json& req) {
  if (!req.contains("leaves") || !req["leaves"].is_array())
    return Error(Code::kInvalidArgument, "leaves: missing or not an array");
  const json& arr = req["leaves"];
  if (arr.empty() || arr.size() > protocol::kMaxBatchLeaves) {
    return Error(Code::kInvalidArgument, "leaves: " + std::to_string(arr.size()) +
                                             " entries (need 1 to " +
                                             std::to_string(protocol::kMaxBatchLeaves) + ")");
  }
  std::vector<crypto::Digest256> out(arr.size());
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string where = "leaves[" + std::to_string(i) + "]";
    if (!arr[i].is_string() || arr[i].get_ref<const std::string&>().size() != 64)
      return Error(Code::kInvalidArgument, where + ": need 64 hex digits");
    auto b = FromHex(arr[i].get_ref<const std::string&>());
    if (!b.ok()) return b.status().WithContext(where);
    std::copy(b->begin(), b->end(), out[i].begin());
  }
  return out;
}

json InfoReply(const EnclaveInfo& info) {
  const auto& m = info.measurements;
  return json{{"ok", true},
              {"enclave_key", ToHex(info.enclave_key)},
              {"models", info.models},
              {"provider", info.provider},
              {"debug", info.debug},
              {"pcr0", info.debug ? std::string(96, '0') : ToHex(m.image)},
              {"pcr2", info.debug ? std::string(96, '0') : ToHex(m.config_pcr)},
              {"config_hash", ToHex(m.config_hash)},
              {"config", m.config},
              {"chat_models", ChatModelsJson(info.chat_models)}};
}

// The receipt JSON (ReceiptToJson) of an "infer" request.
Result<std::string> InferReceipt(Enclave& enclave, const json& req) {
  InferRequest ir;
  VINET_ASSIGN_OR_RETURN(ir.inference_id, HexArg(req, "inference_id"));
  VINET_ASSIGN_OR_RETURN(ir.node_id, HexArg(req, "node_id"));
  if (!req.contains("model_id") || !req["model_id"].is_string()) {
    return Error(Code::kInvalidArgument, "model_id: missing");
  }
  ir.model_id = req["model_id"].get<std::string>();
  if (!req.contains("inputs")) return Error(Code::kInvalidArgument, "inputs: missing");
  VINET_ASSIGN_OR_RETURN(ir.inputs, protocol::TensorsFromJson(req["inputs"]));
  if (req.contains("signed_request")) {
    auto sr = protocol::SignedRequestFromJsonValue(req["signed_request"]);
    if (!sr.ok()) return sr.status().WithContext("signed_request");
    ir.signed_request = std::move(*sr);
  }
  VINET_ASSIGN_OR_RETURN(protocol::Receipt r, enclave.Infer(ir));
  return protocol::ReceiptToJson(r);
}

Result<json> Dispatch(Enclave& enclave, const json& req) {
  if (!req.is_object() || !req.contains("method") || !req["method"].is_string()) {
    return Error(Code::kInvalidArgument, "request: need an object with a \"method\"");
  }
  std::string method = req["method"].get<std::string>();
  if (method == "info") return InfoReply(enclave.Info());
  // Loads model files added to the enclave's directory since start; answers
  // the ids newly served and the new info (docs/tee.md).
  if (method == "reload") {
    VINET_ASSIGN_OR_RETURN(std::vector<std::string> added, enclave.Reload());
    json reply = InfoReply(enclave.Info());
    reply["added"] = added;
    return reply;
  }
  if (method == "attest") {
    VINET_ASSIGN_OR_RETURN(Bytes nonce, HexArg(req, "nonce"));
    VINET_ASSIGN_OR_RETURN(Bytes doc, enclave.Attest(nonce));
    return json{{"ok", true}, {"document", ToHex(doc)}};
  }
  if (method == "infer") {
    VINET_ASSIGN_OR_RETURN(std::string receipt, InferReceipt(enclave, req));
    return json{{"ok", true}, {"receipt", json::parse(receipt)}};
  }
  // One signature over a batch of claim leaves this enclave recorded for
  // node_id (enclave.h); the leaves are then spent.
  if (method == "attest_batch") {
    VINET_ASSIGN_OR_RETURN(Bytes node_id, HexArg(req, "node_id"));
    VINET_ASSIGN_OR_RETURN(std::vector<crypto::Digest256> leaves, LeavesArg(req));
    VINET_ASSIGN_OR_RETURN(crypto::Signature sig, enclave.AttestBatch(node_id, leaves));
    return json{{"ok", true},
                {"enclave_key", ToHex(enclave.Info().enclave_key)},
                {"signature", ToHex(sig)}};
  }
  if (method == "chat") {
    return Error(Code::kInvalidArgument, "chat: streams its answer, serve it with HandleChat");
  }
  if (method == "stop") {
    return Error(Code::kInvalidArgument, "stop: no chat is streaming on this connection");
  }
  return Error(Code::kInvalidArgument, "unknown method \"" + method + "\"");
}

}  // namespace

EnclaveServer::EnclaveServer(Enclave& enclave, Endpoint endpoint)
    : enclave_(enclave), endpoint_(std::move(endpoint)) {}

EnclaveServer::~EnclaveServer() {
  Stop();
}

namespace {

// The reply to one parsed request (not "chat": see HandleChat).
std::string HandleParsed(Enclave& enclave, const json& req) {
  constexpr auto kReplace = json::error_handler_t::replace;
  if (req.is_discarded()) return ErrorReply(Error(Code::kParse, "request is not JSON")).dump();
  try {
    // The hot path: the receipt's JSON goes out as written, not rebuilt as a
    // DOM and dumped again ({"ok":true,"receipt":...}, the keys in the order
    // the other replies have).
    if (req.is_object() && req.contains("method") && req["method"].is_string() &&
        req["method"].get_ref<const std::string&>() == "infer") {
      auto receipt = InferReceipt(enclave, req);
      if (!receipt.ok()) return ErrorReply(receipt.status()).dump(-1, ' ', false, kReplace);
      return "{\"ok\":true,\"receipt\":" + *receipt + "}";
    }
    auto reply = Dispatch(enclave, req);
    return (reply.ok() ? *reply : ErrorReply(reply.status())).dump(-1, ' ', false, kReplace);
  } catch (const std::exception& e) {  // a JSON type mismatch in the request
    return ErrorReply(Error(Code::kInvalidArgument, std::string("request: ") + e.what()))
        .dump(-1, ' ', false, kReplace);
  }
}

// The binary "infer" (infer_frame.h): the receipt, or the JSON error reply.
std::string HandleBinaryInfer(Enclave& enclave, std::string_view frame) {
  auto request = DecodeInferFrame(frame);
  Result<protocol::Receipt> receipt =
      request.ok() ? enclave.Infer(*request) : Result<protocol::Receipt>(request.status());
  if (!receipt.ok()) {
    return ErrorReply(receipt.status()).dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return EncodeInferReply(*receipt);
}

bool IsChat(const json& req) {
  return req.is_object() && req.contains("method") && req["method"] == "chat";
}

}  // namespace

std::string EnclaveServer::Handle(std::string_view request_json) {
  if (IsBinaryInferFrame(request_json)) return HandleBinaryInfer(enclave_, request_json);
  return HandleParsed(enclave_, json::parse(request_json, nullptr, false));
}

Status EnclaveServer::Start() {
  VINET_ASSIGN_OR_RETURN(listen_fd_, ListenOn(endpoint_));
  auto bound = BoundEndpoint(listen_fd_, endpoint_);
  if (!bound.ok()) {
    ::close(listen_fd_);
    listen_fd_ = -1;
    return bound.status();
  }
  endpoint_ = std::move(*bound);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
    return Error(Code::kIo, std::string("enclave socket: eventfd: ") + std::strerror(errno));
  }
  acceptor_ = std::thread([this] { AcceptLoop(); });
  return Status::Ok();
}

void EnclaveServer::AcceptLoop() {
  while (!stopping_) {
    // Stop wakes this through wake_fd_ (shutdown() does not wake accept on
    // every socket family).
    pollfd p[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (p[1].revents != 0) return;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN) continue;
      spdlog::warn("enclave: accept: {}", std::strerror(errno));
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    ReapFinished();
    if (endpoint_.kind == Endpoint::Kind::kTcp) {
      int one = 1;  // small request/reply frames: no Nagle delay
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    auto conn = std::make_unique<Connection>();
    conn->fd = fd;
    Connection* raw = conn.get();
    conn->thread = std::thread([this, raw] { Serve(raw); });
    connections_.push_back(std::move(conn));
  }
}

void EnclaveServer::ReapFinished() {
  for (auto it = connections_.begin(); it != connections_.end();) {
    if ((*it)->done) {
      (*it)->thread.join();
      ::close((*it)->fd);
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
}

void EnclaveServer::Serve(Connection* conn) {
  while (true) {
    auto frame = ReadFrame(conn->fd);
    if (!frame.ok()) {
      if (frame.status().code() != Code::kUnavailable && !stopping_) {
        spdlog::warn("enclave: dropping connection: {}", frame.status().ToString());
      }
      break;
    }
    if (IsBinaryInferFrame(*frame)) {
      if (!WriteFrame(conn->fd, HandleBinaryInfer(enclave_, *frame)).ok()) break;
      continue;
    }
    // Parsed once: the chat check and the handler read the same value.
    json req = json::parse(*frame, nullptr, false);
    if (IsChat(req)) {
      bool alive = true;
      auto write = [&](const std::string& reply) {
        alive = alive && WriteFrame(conn->fd, reply).ok();
        return alive;
      };
      auto poll_frame = [&]() -> std::optional<std::string> {
        pollfd p{conn->fd, POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0) return std::nullopt;
        auto next = ReadFrame(conn->fd);
        if (!next.ok()) {
          alive = false;
          return std::string();  // the peer is gone (or sent garbage)
        }
        return std::move(next).value();
      };
      HandleChat(*frame, write, poll_frame);
      if (!alive) break;
      continue;
    }
    if (!WriteFrame(conn->fd, HandleParsed(enclave_, req)).ok()) break;
  }
  ::shutdown(conn->fd, SHUT_RDWR);
  conn->done = true;
}

void EnclaveServer::Stop() {
  if (stopping_.exchange(true)) return;
  const bool was_listening = listen_fd_ >= 0;  // else the path is not ours to remove
  if (wake_fd_ >= 0) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t w = ::write(wake_fd_, &one, sizeof(one));
  }
  if (acceptor_.joinable()) acceptor_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  listen_fd_ = wake_fd_ = -1;
  std::list<std::unique_ptr<Connection>> conns;
  {
    std::lock_guard<std::mutex> lock(mu_);
    conns.swap(connections_);
  }
  for (auto& c : conns) ::shutdown(c->fd, SHUT_RDWR);
  for (auto& c : conns) {
    if (c->thread.joinable()) c->thread.join();
    ::close(c->fd);
  }
  if (was_listening && endpoint_.kind == Endpoint::Kind::kUnix) {
    std::error_code ec;
    std::filesystem::remove(endpoint_.path, ec);
  }
}

}  // namespace vinet::tee
