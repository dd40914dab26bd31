// The node's operator endpoint: reloading models into the running node and
// its enclave (docs/models.md "The reload path").
//
// It listens on 127.0.0.1 only (the port from `[admin] port`, 0 = any free
// one), on its own socket apart from the public API, and answers one route:
//   POST /admin/v1/reload   header "Authorization: Bearer <token>"
//     → 200 Node::Reload()'s JSON; 401 `unauthenticated` without the token.
// The token is 32 random bytes drawn at every start and written, with the
// URL and the models dir, to DATA_DIR/admin.json (mode 0600, replaced
// atomically): only who can read the node's data dir (the operator's
// account) can reload, and a reload only loads content-addressed files the
// operator already put into the models dir; it takes no input. Any other
// route answers 404. `Start` binds and serves on a background thread.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "vinet/node/node.h"

namespace httplib {
class Server;
}

namespace vinet::node {

class AdminServer {
 public:
  explicit AdminServer(Node& node);
  ~AdminServer();
  // Binds 127.0.0.1:port, writes DATA_DIR/admin.json; returns the bound port.
  Result<int> Start(int port);
  void Stop();
  const std::filesystem::path& admin_file() const { return admin_file_; }

 private:
  Node& node_;
  std::string token_hex_;
  std::filesystem::path admin_file_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace vinet::node
