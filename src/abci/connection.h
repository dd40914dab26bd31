// Serves one accepted ABCI connection on the calling thread.
//
// Reads Requests (RequestReader), answers each via Dispatch, appends the
// answers to an output buffer in request order, and writes the buffer to the
// socket when it answers a Flush (or when it exceeds kMaxPendingOutput, so a
// client that never flushes cannot grow it without bound). Returns on EOF, on
// a socket error, after a malformed frame (answered with ResponseException
// after all earlier answers), or after the Application throws (likewise).
// Protocol misuse is answered the same way and ends only that connection,
// never the process: a consensus request (InitChain, Prepare/Process
// Proposal, FinalizeBlock, Commit, vote extensions) on a connection other
// than the one consensus connection (the first to send one claims
// `consensus_owner` with its `conn_id` until it ends), or a request the
// Application refuses (Application::Refuse).
// The caller owns `fd`: ServeConnection shuts it down on return but does not
// close it, so the number cannot be reused while another thread may still
// call shutdown() on it.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>

#include "vinet/abci/application.h"

namespace vinet::abci {

inline constexpr size_t kMaxPendingOutput = 1u << 20;

// How a connection ended; for logs and tests.
enum class ConnectionEnd {
  kPeerClosed,    // clean EOF on a frame boundary
  kStopped,       // `stopping` was set (server shutdown)
  kMalformed,     // bad frame or truncated stream
  kAppException,  // the Application threw
  kRefused,       // protocol misuse, answered with ResponseException
  kSocketError,   // read or write failed
};

// Which connection is the consensus one (0: none yet); shared by a server's
// connections. Null: no single-consensus-connection rule (tests, fuzzing).
struct ConsensusSlot {
  std::atomic<uint64_t>* consensus_owner = nullptr;
  uint64_t conn_id = 0;  // > 0
};

ConnectionEnd ServeConnection(int fd, Application& app, size_t max_message_bytes,
                              const std::atomic<bool>& stopping, const std::string& peer,
                              ConsensusSlot slot = {});

// True for the requests only CometBFT's consensus connection sends.
bool IsConsensusRequest(const pb::Request& request);

}  // namespace vinet::abci
