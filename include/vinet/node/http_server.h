// The node's HTTP API (docs/network.md, "Inference node HTTP API") over
// cpp-httplib. Errors answer {"error": {"code": <CodeName>, "message"}} with
// the status of http_errors.h; the chat endpoint answers OpenAI's error shape
// and streams server-sent events (docs/network.md, "LLM chat"). `Start` binds and serves
// on a background thread; `Stop` ends it. The Node must outlive the server.
#pragma once

#include <memory>
#include <thread>

#include "vinet/node/node.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace vinet::node {

class HttpServer {
 public:
  explicit HttpServer(Node& node);
  ~HttpServer();
  // Binds host:port (port 0 picks one); returns the bound port.
  Result<int> Start(const std::string& host, int port, int threads);
  void Stop();

 private:
  // POST /v1/chat/completions: JSON, or server-sent events when streamed.
  void Chat(const httplib::Request& req, httplib::Response& res);

  Node& node_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace vinet::node
