#include "vinet/node/http_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>

#include "vinet/node/chat_json.h"
#include "vinet/node/http_body.h"
#include "vinet/node/http_errors.h"
#include "vinet/protocol/request.h"

namespace vinet::node {
using json = nlohmann::json;
namespace {

constexpr size_t kKeepAliveMaxRequests = 1000;

void Reply(httplib::Response& res, const Result<json>& r, const std::string& inference_id = "") {
  if (r.ok()) {
    res.set_content(r->dump(), "application/json");
    return;
  }
  res.status = HttpStatusFor(r.status().code());
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
  auto req = protocol::SignedRequestFromJsonValue(body["request"]);
  return req.ok() ? ToHex(protocol::InferenceId(*req)) : "";
}

void ReplyOpenAi(httplib::Response& res, const Status& s, const std::string& inference_id) {
  HttpError e = OpenAiError(s, inference_id);
  res.status = e.status;
  res.set_content(e.body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

bool Write(httplib::DataSink& sink, const std::string& data) {
  return sink.write(data.data(), data.size());
}

}  // namespace

void HttpServer::Chat(const httplib::Request& req, httplib::Response& res) {
  std::string id;
  auto prepared = node_.PrepareChat(req.body, req.get_header_value("X-Vinet-Request"), &id);
  if (!prepared.ok()) {
    node_.metrics().Count("vinet_node_inferences_total",
                          std::string(CodeName(prepared.status().code())));
    spdlog::info("chat rejected code={} msg=\"{}\"", CodeName(prepared.status().code()),
                 prepared.status().message());
    ReplyOpenAi(res, prepared.status(), id);
    return;
  }
  std::shared_ptr<ChatJob> job = std::move(*prepared);
  if (!job->params.stream) {
    auto r = node_.RunChat(*job, nullptr);
    if (!r.ok()) {
      spdlog::warn("chat {} failed: {}", id, r.status().ToString());
      ReplyOpenAi(res, r.status(), id);
      return;
    }
    json answer = CompletionJson(job->meta, r->text, r->receipt, r->chunks, r->fee);
    answer["vinet"]["node_received_ms"] = job->received_ms;
    answer["vinet"]["node_answered_ms"] = r->answered_ms;
    res.set_content(answer.dump(-1, ' ', false, json::error_handler_t::replace),
                    "application/json");
    return;
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Vinet-Inference-Id", job->meta.inference_id);
  res.set_header("X-Vinet-Signer", job->meta.signer);
  res.set_header("X-Vinet-Mode", job->meta.mode);
  // Generation runs inside the provider, on this request's worker thread:
  // each signed chunk goes out as it comes; a failed write (client gone)
  // stops generation and the receipt covers what was written.
  res.set_chunked_content_provider("text/event-stream", [this, job](size_t,
                                                                    httplib::DataSink& sink) {
    bool open = Write(sink, SseData(RoleEvent(job->meta)));
    auto r = node_.RunChat(*job, [&](const protocol::ChatChunk& c) {
      return open && (open = Write(sink, SseData(ChunkEvent(job->meta, c))));
    });
    if (!r.ok()) {
      spdlog::warn("chat {} failed mid-stream: {}", job->meta.inference_id, r.status().ToString());
      if (open) {
        open = Write(sink, SseData(OpenAiError(r.status(), job->meta.inference_id).body)) &&
               Write(sink, SseDone());
      }
    } else if (open) {
      open = Write(sink, SseData(FinalEvent(job->meta, r->receipt, r->fee)));
      if (open && job->params.include_usage) {
        open = Write(sink, SseData(UsageEvent(job->meta, r->receipt)));
      }
      if (open) open = Write(sink, SseDone());
    }
    if (r.ok() && r->receipt.finish_reason == "cancelled") {
      spdlog::info("chat {}: client left after {} chunks ({} tokens)", job->meta.inference_id,
                   r->receipt.chunks, r->receipt.completion_tokens);
    }
    if (open) sink.done();
    return open;
  });
}

HttpServer::HttpServer(Node& node) : node_(node), server_(std::make_unique<httplib::Server>()) {}

HttpServer::~HttpServer() {
  Stop();
}

Result<int> HttpServer::Start(const std::string& host, int port, int threads) {
  // A stream written to a client that went away must fail the write, not
  // kill the node (cpp-httplib sends without MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_payload_max_length(kMaxBodyBytes);
  // cpp-httplib refuses a longer body with an empty 413: say why, in the API's error shape.
  server_->set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (res.status == 413 && res.body.empty()) {
          res.set_content(json{{"error",
                                {{"code", "out_of_range"},
                                 {"message", "body: longer than the node's limit of " +
                                                 std::to_string(kMaxBodyBytes) + " bytes"}}}}
                              .dump(),
                          "application/json");
          return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
      }));
  // Headers and body go out as two writes: without TCP_NODELAY, Nagle holds the
  // second until the peer's delayed ACK (~40 ms per answer).
  server_->set_tcp_nodelay(true);
  // cpp-httplib closes a keep-alive connection after 5 requests by default:
  // a busy client then pays a new TCP connection (connect, accept, a hand-off
  // to a worker, shutdown) every 5 answers. A connection holds its worker
  // while busy (and up to the 5 s idle timeout); with this count a busy client
  // yields its worker to queued connections every 1000 answers, not every 5.
  server_->set_keep_alive_max_count(kKeepAliveMaxRequests);
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
      Reply(res, r.status(), InferenceIdOf(body));
      return;
    }
    res.set_content(std::move(*r), "application/json");
  });
  server_->Post("/v1/chat/completions",
                [this](const httplib::Request& req, httplib::Response& res) { Chat(req, res); });
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
  // A Stop before the accept loop runs would be lost (cpp-httplib's stop()
  // acts only on a running server) and the join would hang.
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return bound;
}

void HttpServer::Stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

}  // namespace vinet::node
