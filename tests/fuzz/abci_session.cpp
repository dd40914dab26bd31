// Fuzzes one whole server connection: arbitrary bytes arrive on a socket and
// ServeConnection decodes, dispatches (to an Application with the default
// methods) and answers. Checks that it never crashes or hangs and that the
// output is a well-formed stream of Responses: one per decoded request, in
// order, optionally ending with a single ResponseException.
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

#include "abci/connection.h"
#include "abci/frame_codec.h"

namespace {

namespace pb = ::tendermint::abci;

class MinimalApp : public vinet::abci::Application {
 public:
  pb::ResponseInfo Info(const pb::RequestInfo& r) override {
    pb::ResponseInfo out;
    out.set_data(r.version());
    return out;
  }
  pb::ResponseQuery Query(const pb::RequestQuery& r) override {
    pb::ResponseQuery out;
    out.set_key(r.data());
    return out;
  }
  pb::ResponseCheckTx CheckTx(const pb::RequestCheckTx& r) override {
    pb::ResponseCheckTx out;
    out.set_code(r.tx().empty() ? 1 : 0);
    return out;
  }
  pb::ResponseInitChain InitChain(const pb::RequestInitChain&) override { return {}; }
  pb::ResponseFinalizeBlock FinalizeBlock(const pb::RequestFinalizeBlock& r) override {
    pb::ResponseFinalizeBlock out;
    for (int i = 0; i < r.txs_size(); ++i) out.add_tx_results();
    return out;
  }
  pb::ResponseCommit Commit() override { return {}; }
};

constexpr size_t kMaxInput = 16 << 10;

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);     // malformed input is logged per connection
  google::protobuf::SetLogHandler(nullptr);  // and protobuf warns about bad UTF-8
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxInput) return 0;
  int fds[2];
  Check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
  const int buf = 1 << 20;
  setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  Check(send(fds[1], data, size, MSG_NOSIGNAL) == static_cast<ssize_t>(size));
  shutdown(fds[1], SHUT_WR);

  MinimalApp app;
  std::atomic<bool> stopping{false};
  vinet::abci::ServeConnection(fds[0], app, 1 << 16, stopping, "fuzz");

  std::string out;
  char chunk[65536];
  for (ssize_t n; (n = recv(fds[1], chunk, sizeof chunk, 0)) > 0;) out.append(chunk, n);
  close(fds[0]);
  close(fds[1]);

  // Expected answers: decode the input the same way the server did.
  vinet::abci::RequestReader requests(1 << 16);
  requests.Append(vinet::ByteSpan(data, size));
  size_t pos = 0;
  bool saw_exception = false;
  while (pos < out.size()) {
    Check(!saw_exception);  // nothing follows an exception
    auto header = vinet::abci::DecodeUvarint(vinet::AsBytes(std::string_view(out).substr(pos)));
    Check(header.ok() && header->has_value());
    const size_t start = pos + (*header)->size;
    Check(out.size() - start >= (*header)->value);
    pb::Response resp;
    Check(resp.ParseFromArray(out.data() + start, static_cast<int>((*header)->value)));
    pos = start + (*header)->value;
    if (resp.value_case() == pb::Response::kException) {
      saw_exception = true;
      continue;
    }
    auto req = requests.Next();
    Check(req.ok() && req->has_value());
    // Response field numbers are the request's plus one (exception is 1).
    Check(static_cast<int>(resp.value_case()) == static_cast<int>((*req)->value_case()) + 1 ||
          ((*req)->value_case() == pb::Request::kEcho && resp.value_case() == pb::Response::kEcho));
  }
  return 0;
}
