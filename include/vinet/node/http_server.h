// The node's HTTP API (docs/network.md, "Inference node HTTP API") over
// cpp-httplib. Errors answer {"error": {"code": <CodeName>, "message"}} with
// 400 (invalid_argument, parse), 401 (unauthenticated), 402
// (insufficient_funds), 404 (not_found), 409 (already_exists), 501
// (unsupported), 503 (unavailable), 500 otherwise. `Start` binds and serves
// on a background thread; `Stop` ends it. The Node must outlive the server.
#pragma once

#include <memory>
#include <thread>

#include "vinet/node/node.h"

namespace httplib {
class Server;
}

namespace vinet::node {

class HttpServer {
 public:
  explicit HttpServer(Node& node);
  ~HttpServer();
  // Binds host:port (port 0 picks one); returns the bound port.
  Result<int> Start(const std::string& host, int port, int threads);
  void Stop();

 private:
  Node& node_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace vinet::node
