#include "vinet/node/admin_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <fstream>

#include "vinet/node/http_errors.h"

namespace vinet::node {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

Result<std::string> RandomTokenHex() {
  Bytes token(32);
  size_t got = 0;
  while (got < token.size()) {
    ssize_t n = getrandom(token.data() + got, token.size() - got, 0);
    if (n < 0) return Error(Code::kInternal, "getrandom failed");
    got += static_cast<size_t>(n);
  }
  return ToHex(token);
}

// Constant time in the token's content.
bool SameToken(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// Written to a temp file created 0600, then renamed over the old one.
Status WritePrivateFile(const fs::path& path, const std::string& text) {
  fs::path tmp = path.string() + ".tmp";
  fs::remove(tmp);
  mode_t old = umask(077);
  std::ofstream out(tmp, std::ios::trunc);
  umask(old);
  out << text;
  out.close();
  if (!out) return Error(Code::kIo, "cannot write " + tmp.string());
  std::error_code ec;
  fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write, ec);
  fs::rename(tmp, path, ec);
  if (ec) return Error(Code::kIo, "cannot rename into " + path.string() + ": " + ec.message());
  return Status::Ok();
}

void ReplyError(httplib::Response& res, const Status& s) {
  res.status = HttpStatusFor(s.code());
  json e = {{"error", {{"code", std::string(CodeName(s.code()))}, {"message", s.message()}}}};
  res.set_content(e.dump(), "application/json");
}

}  // namespace

AdminServer::AdminServer(Node& node) : node_(node), server_(std::make_unique<httplib::Server>()) {}

AdminServer::~AdminServer() {
  Stop();
}

Result<int> AdminServer::Start(int port) {
  VINET_ASSIGN_OR_RETURN(token_hex_, RandomTokenHex());
  server_->new_task_queue = [] { return new httplib::ThreadPool(1); };
  server_->set_payload_max_length(1024);
  server_->Post("/admin/v1/reload", [this](const httplib::Request& req, httplib::Response& res) {
    if (!SameToken(req.get_header_value("Authorization"), "Bearer " + token_hex_)) {
      ReplyError(res, Error(Code::kUnauthenticated,
                            "admin: missing or wrong token (Authorization: Bearer <token> from " +
                                admin_file_.string() + ")"));
      return;
    }
    auto r = node_.Reload();
    if (!r.ok()) {
      spdlog::warn("admin: reload failed: {}", r.status().ToString());
      ReplyError(res, r.status());
      return;
    }
    res.set_content(r->dump(), "application/json");
  });
  int bound = port == 0 ? server_->bind_to_any_port("127.0.0.1")
                        : (server_->bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound < 0) return Error(Code::kIo, "admin: cannot bind 127.0.0.1:" + std::to_string(port));
  std::error_code ec;
  fs::create_directories(node_.config().data_dir, ec);
  admin_file_ = node_.config().data_dir / "admin.json";
  json info{{"url", "http://127.0.0.1:" + std::to_string(bound)},
            {"token", token_hex_},
            {"models_dir", fs::absolute(node_.config().models_dir).string()},
            {"pid", static_cast<int64_t>(getpid())}};
  VINET_RETURN_IF_ERROR(WritePrivateFile(admin_file_, info.dump() + "\n"));
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return bound;
}

void AdminServer::Stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

}  // namespace vinet::node
