// A minimal blocking ABCI client for tests: connects to a tcp:// or unix://
// address, buffers framed Requests, writes them on demand, and reads framed
// Responses (with a receive timeout so a broken server fails a test instead
// of hanging it). Test-only; not thread-safe.
#pragma once

#include <string>

#include "tendermint/abci/types.pb.h"
#include "vinet/common/result.h"

namespace vinet::abci::testing {

class TestClient {
 public:
  // Connects; errors kIo. A receive timeout of 10 s applies to every read.
  static Result<TestClient> Connect(const std::string& address);
  TestClient(TestClient&& other) noexcept;
  TestClient& operator=(TestClient&&) = delete;
  ~TestClient();

  void Queue(const ::tendermint::abci::Request& request);  // frames into the buffer
  void QueueRaw(std::string_view bytes);                   // raw bytes into the buffer
  Status Send();                                           // writes the buffer

  // Reads the next Response frame. kIo on EOF/timeout, kParse on a bad frame.
  Result<::tendermint::abci::Response> Read();
  // True if the server closed the connection (EOF, or reset) before any more bytes.
  bool ReadsEof();
  void CloseWrite();
  // True if bytes from the server are readable within `ms` (nothing is consumed).
  bool HasDataWithin(int ms);

 private:
  explicit TestClient(int fd) : fd_(fd) {}
  Status Fill();

  int fd_ = -1;
  std::string out_;
  std::string in_;
};

// Request builders.
::tendermint::abci::Request EchoRequest(const std::string& message);
::tendermint::abci::Request FlushRequest();
::tendermint::abci::Request CheckTxRequest(const std::string& tx);
::tendermint::abci::Request QueryRequest(const std::string& data);
::tendermint::abci::Request InfoRequest();
::tendermint::abci::Request FinalizeBlockRequest(int64_t height,
                                                 const std::vector<std::string>& txs);
::tendermint::abci::Request CommitRequest();

}  // namespace vinet::abci::testing
