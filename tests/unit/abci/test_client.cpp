#include "unit/abci/test_client.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "abci/frame_codec.h"
#include "abci/listener.h"

namespace vinet::abci::testing {
namespace pb = ::tendermint::abci;

namespace {

Result<int> Dial(const std::string& address) {
  VINET_ASSIGN_OR_RETURN(const ListenAddress parsed, ParseListenAddress(address));
  int fd = -1;
  int rc = -1;
  if (parsed.is_unix) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, parsed.path.c_str(), parsed.path.size() + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  } else {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(parsed.port);
    if (inet_pton(AF_INET, parsed.host.c_str(), &addr.sin_addr) != 1) {
      return Error(Code::kInvalidArgument, "test client: IPv4 literal expected: " + parsed.host);
    }
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  }
  if (rc != 0) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) close(fd);
    return Error(Code::kIo, "test client: connect " + address + ": " + why);
  }
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

}  // namespace

Result<TestClient> TestClient::Connect(const std::string& address) {
  VINET_ASSIGN_OR_RETURN(const int fd, Dial(address));
  return TestClient(fd);
}

TestClient::TestClient(TestClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), out_(std::move(other.out_)), in_(std::move(other.in_)) {}

TestClient::~TestClient() {
  if (fd_ >= 0) close(fd_);
}

void TestClient::Queue(const pb::Request& request) {
  AppendFrame(request, out_);
}
void TestClient::QueueRaw(std::string_view bytes) {
  out_.append(bytes);
}

Status TestClient::Send() {
  size_t done = 0;
  while (done < out_.size()) {
    const ssize_t n = send(fd_, out_.data() + done, out_.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return Error(Code::kIo, std::string("test client: send: ") + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  out_.clear();
  return Status::Ok();
}

Status TestClient::Fill() {
  char buf[65536];
  const ssize_t n = recv(fd_, buf, sizeof buf, 0);
  if (n == 0) return Error(Code::kIo, "test client: EOF");
  if (n < 0) return Error(Code::kIo, std::string("test client: recv: ") + std::strerror(errno));
  in_.append(buf, static_cast<size_t>(n));
  return Status::Ok();
}

Result<pb::Response> TestClient::Read() {
  for (;;) {
    auto header = DecodeUvarint(AsBytes(in_));
    if (!header.ok()) return header.status();
    if (header->has_value() && in_.size() - (*header)->size >= (*header)->value) {
      pb::Response response;
      const size_t start = (*header)->size;
      const size_t len = (*header)->value;
      if (!response.ParseFromArray(in_.data() + start, static_cast<int>(len))) {
        return Error(Code::kParse, "test client: bad Response");
      }
      in_.erase(0, start + len);
      return response;
    }
    VINET_RETURN_IF_ERROR(Fill());
  }
}

bool TestClient::ReadsEof() {
  if (!in_.empty()) return false;
  char byte;
  const ssize_t n = recv(fd_, &byte, 1, 0);
  if (n == 1) in_.push_back(byte);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

void TestClient::CloseWrite() {
  shutdown(fd_, SHUT_WR);
}

bool TestClient::HasDataWithin(int ms) {
  if (!in_.empty()) return true;
  pollfd p{fd_, POLLIN, 0};
  return poll(&p, 1, ms) == 1;
}

pb::Request EchoRequest(const std::string& message) {
  pb::Request r;
  r.mutable_echo()->set_message(message);
  return r;
}
pb::Request FlushRequest() {
  pb::Request r;
  r.mutable_flush();
  return r;
}
pb::Request CheckTxRequest(const std::string& tx) {
  pb::Request r;
  r.mutable_check_tx()->set_tx(tx);
  return r;
}
pb::Request QueryRequest(const std::string& data) {
  pb::Request r;
  r.mutable_query()->set_data(data);
  return r;
}
pb::Request InfoRequest() {
  pb::Request r;
  r.mutable_info();
  return r;
}
pb::Request FinalizeBlockRequest(int64_t height, const std::vector<std::string>& txs) {
  pb::Request r;
  r.mutable_finalize_block()->set_height(height);
  for (const auto& tx : txs) r.mutable_finalize_block()->add_txs(tx);
  return r;
}
pb::Request CommitRequest() {
  pb::Request r;
  r.mutable_commit();
  return r;
}

}  // namespace vinet::abci::testing
