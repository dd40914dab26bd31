#include "abci/connection.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <exception>
#include <optional>

#include "abci/dispatch.h"
#include "abci/frame_codec.h"

namespace vinet::abci {
namespace {

constexpr size_t kReadChunk = 64u << 10;

// Writes all of `out` and clears it; false on a socket error.
bool WriteAll(int fd, std::string& out) {
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = send(fd, out.data() + done, out.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  out.clear();
  return true;
}

void AppendException(std::string_view error, std::string& out) {
  pb::Response resp;
  resp.mutable_exception()->set_error(std::string(error));
  AppendFrame(resp, out);
}

class Session {
 public:
  Session(int fd, Application& app, size_t max_message_bytes, const std::atomic<bool>& stopping,
          const std::string& peer, ConsensusSlot slot)
      : fd_(fd),
        app_(app),
        reader_(max_message_bytes),
        stopping_(stopping),
        peer_(peer),
        slot_(slot) {}

  // Gives up the consensus role if this connection held it.
  void ReleaseConsensus() {
    if (slot_.consensus_owner == nullptr) return;
    uint64_t mine = slot_.conn_id;
    slot_.consensus_owner->compare_exchange_strong(mine, 0);
  }

  ConnectionEnd Run() {
    std::array<char, kReadChunk> chunk;
    for (;;) {
      const ssize_t n = recv(fd_, chunk.data(), chunk.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      if (stopping_.load()) return ConnectionEnd::kStopped;
      if (n < 0) return SocketError("read");
      if (n == 0) return EndOfStream();
      reader_.Append(AsBytes(std::string_view(chunk.data(), static_cast<size_t>(n))));
      if (auto end = HandleBuffered()) return *end;
      if (out_.size() > kMaxPendingOutput && !WriteAll(fd_, out_)) return SocketError("write");
    }
  }

 private:
  // Answers every complete Request in the reader; a value means "stop".
  std::optional<ConnectionEnd> HandleBuffered() {
    for (;;) {
      auto next = reader_.Next();
      if (!next.ok()) return Fail(ConnectionEnd::kMalformed, next.status().ToString());
      if (!next->has_value()) return std::nullopt;
      const pb::Request& request = **next;
      if (auto refused = Refusal(request)) {
        return Fail(ConnectionEnd::kRefused,
                    fmt::format("{} refused: {}", RequestName(request), *refused));
      }
      try {
        AppendFrame(Dispatch(app_, request), out_);
      } catch (const std::exception& e) {
        return Fail(ConnectionEnd::kAppException,
                    fmt::format("application threw in {}: {}", RequestName(request), e.what()));
      } catch (...) {
        return Fail(
            ConnectionEnd::kAppException,
            fmt::format("application threw a non-std exception in {}", RequestName(request)));
      }
      if (request.value_case() == pb::Request::kFlush && !WriteAll(fd_, out_)) {
        return SocketError("write");
      }
    }
  }

  // Why `request` must not reach the Application here, if it must not.
  std::optional<std::string> Refusal(const pb::Request& request) {
    if (slot_.consensus_owner != nullptr && IsConsensusRequest(request)) {
      uint64_t expected = 0;
      if (!slot_.consensus_owner->compare_exchange_strong(expected, slot_.conn_id) &&
          expected != slot_.conn_id) {
        return std::string("another connection is the consensus connection");
      }
    }
    return app_.Refuse(request);
  }

  // Writes earlier answers, then a ResponseException naming the failure.
  ConnectionEnd Fail(ConnectionEnd end, const std::string& error) {
    spdlog::error("abci connection {}: {}; closing it", peer_, error);
    AppendException(error, out_);
    WriteAll(fd_, out_);
    return end;
  }

  ConnectionEnd EndOfStream() {
    const Status status = reader_.Finish();
    if (!out_.empty()) WriteAll(fd_, out_);
    if (!status.ok()) {
      spdlog::warn("abci connection {}: {}", peer_, status.ToString());
      return ConnectionEnd::kMalformed;
    }
    spdlog::debug("abci connection {}: closed by peer", peer_);
    return ConnectionEnd::kPeerClosed;
  }

  ConnectionEnd SocketError(const char* what) {
    if (stopping_.load()) return ConnectionEnd::kStopped;
    spdlog::warn("abci connection {}: {} failed: {}", peer_, what, std::strerror(errno));
    return ConnectionEnd::kSocketError;
  }

  int fd_;
  Application& app_;
  RequestReader reader_;
  const std::atomic<bool>& stopping_;
  const std::string& peer_;
  ConsensusSlot slot_;
  std::string out_;
};

}  // namespace

bool IsConsensusRequest(const pb::Request& request) {
  switch (request.value_case()) {
    case pb::Request::kInitChain:
    case pb::Request::kPrepareProposal:
    case pb::Request::kProcessProposal:
    case pb::Request::kFinalizeBlock:
    case pb::Request::kCommit:
    case pb::Request::kExtendVote:
    case pb::Request::kVerifyVoteExtension:
      return true;
    default:
      return false;
  }
}

ConnectionEnd ServeConnection(int fd, Application& app, size_t max_message_bytes,
                              const std::atomic<bool>& stopping, const std::string& peer,
                              ConsensusSlot slot) {
  Session session(fd, app, max_message_bytes, stopping, peer, slot);
  const ConnectionEnd end = session.Run();
  shutdown(fd, SHUT_RDWR);
  session.ReleaseConsensus();
  return end;
}

}  // namespace vinet::abci
