#include "vinet/node/http_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "vinet/node/http_body.h"
#include "vinet/protocol/request.h"

namespace vinet::node {
using json = nlohmann::json;
namespace {

int HttpStatus(Code code) {
  switch (code) {
    case Code::kInvalidArgument:
    case Code::kParse:
    case Code::kOutOfRange:
      return 400;
    case Code::kUnauthenticated:
      return 401;
    case Code::kInsufficientFunds:
      return 402;
    case Code::kPermission:
      return 403;
    case Code::kNotFound:
      return 404;
    case Code::kAlreadyExists:
      return 409;
    case Code::kUnsupported:
      return 501;
    case Code::kUnavailable:
    case Code::kTimeout:
      return 503;
    default:
      return 500;
  }
}

void Reply(httplib::Response& res, const Result<json>& r, const std::string& inference_id = "") {
  if (r.ok()) {
    res.set_content(r->dump(), "application/json");
    return;
  }
  res.status = HttpStatus(r.status().code());
  json e = {
      {"error",
       {{"code", std::string(CodeName(r.status().code()))}, {"message", r.status().message()}}}};
  // The client can look the inference up (GET /v1/inferences/<id>, the
  // chain's /claim/<id>) even when this answer is an error.
  if (!inference_id.empty()) e["error"]["inference_id"] = inference_id;
  res.set_content(e.dump(), "application/json");
}

// The inference id of a /v1/infer body whose request parses ("" otherwise).
std::string InferenceIdOf(const json& body) {
  if (!body.is_object() || !body.contains("request") || !body["request"].is_object()) return "";
  auto req = protocol::SignedRequestFromJson(body["request"].dump());
  return req.ok() ? ToHex(protocol::InferenceId(*req)) : "";
}

}  // namespace

HttpServer::HttpServer(Node& node) : node_(node), server_(std::make_unique<httplib::Server>()) {}

HttpServer::~HttpServer() {
  Stop();
}

Result<int> HttpServer::Start(const std::string& host, int port, int threads) {
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_payload_max_length(kMaxBodyBytes);
  // Headers and body go out as two writes: without TCP_NODELAY, Nagle holds the
  // second until the peer's delayed ACK (~40 ms per answer).
  server_->set_tcp_nodelay(true);
  server_->Post("/v1/infer", [this](const httplib::Request& req, httplib::Response& res) {
    auto parsed = ParseBody(req.body);
    if (!parsed.ok()) {
      Reply(res, parsed.status());
      return;
    }
    const json& body = *parsed;
    auto r = node_.Infer(body);
    if (!r.ok()) {
      node_.metrics().Count("vinet_node_inferences_total",
                            std::string(CodeName(r.status().code())));
      spdlog::info("infer rejected code={} msg=\"{}\"", CodeName(r.status().code()),
                   r.status().message());
      Reply(res, r, InferenceIdOf(body));
      return;
    }
    Reply(res, r);
  });
  server_->Get(R"(/v1/inferences/([0-9a-fA-F]{64}))",
               [this](const httplib::Request& req, httplib::Response& res) {
                 Reply(res, node_.Inference(req.matches[1].str()));
               });
  server_->Get(R"(/v1/inferences/([0-9a-fA-F]{64})/proof)",
               [this](const httplib::Request& req, httplib::Response& res) {
                 Reply(res, node_.Proof(req.matches[1].str()));
               });
  server_->Get(R"(/v1/models/([0-9a-fA-F]{64})/zkml_key)",
               [this](const httplib::Request& req, httplib::Response& res) {
                 Reply(res, node_.ZkmlKey(req.matches[1].str()));
               });
  server_->Get("/v1/attestation", [this](const httplib::Request& req, httplib::Response& res) {
    Reply(res, node_.Attestation(req.get_param_value("nonce")));
  });
  server_->Get("/v1/models", [this](const httplib::Request&, httplib::Response& res) {
    Reply(res, node_.Models());
  });
  server_->Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    Reply(res, node_.Health());
  });
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(node_.MetricsText(), "text/plain; version=0.0.4");
  });
  int bound =
      port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (bound < 0) return Error(Code::kIo, "cannot bind " + host + ":" + std::to_string(port));
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return bound;
}

void HttpServer::Stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

}  // namespace vinet::node
