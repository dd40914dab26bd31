// The enclave's socket service and its client, over any transport of
// endpoint.h (unix socket in development, vsock on Nitro, tcp in tests).
//
// Wire: each message is a 4-byte big-endian length (at most 16 MiB) followed
// by a JSON object. Requests carry "method":
//   {"method":"info"}
//     → {"ok":true,"enclave_key":hex,"models":[..],"provider":"emulator"|"nitro",
//        "debug":bool,"pcr0":hex,"pcr2":hex,"config_hash":hex,"config":text}
//   {"method":"reload"} → loads the model files added to the enclave's
//     directory since start; answers like "info" (the new model set and
//     config) plus "added":[ids]
//   {"method":"attest","nonce":hex}            → {"ok":true,"document":hex}
//   {"method":"infer","inference_id":hex,"node_id":hex,"model_id":id,
//    "inputs":[{"name","dtype","shape","data":hex}],
//    "signed_request":{SignedRequestToJson} (optional: the enclave verifies it
//    and records the claim leaf, enclave.h)}  → {"ok":true,"receipt":{...}}
//   The same "infer" as a binary frame (infer_frame.h; what EnclaveClient
//   sends): tag ‖ protobuf request → tag ‖ EncodeReceipt, errors as JSON.
//   {"method":"attest_batch","node_id":hex,"leaves":[hex 32-byte leaf, ...]}
//     → {"ok":true,"enclave_key":hex,"signature":hex} over
//       protocol::ClaimBatchSigningBytes (1..kMaxBatchLeaves leaves, each one
//       recorded for node_id and not attested before; else refused)
//   {"method":"chat","node_id":hex,"signed_request":{SignedRequestToJson},
//    "request":hex(EncodeChatRequest),"max_completion":n}
//     → a stream of frames {"ok":true,"chunk":{ChatChunkToJson}} ...
//       ending with {"ok":true,"receipt":{ChatReceiptToJson}}
//       (or {"ok":false,...} at any point, which also ends it).
//   While a chat streams, the caller may send {"method":"stop","chunks":n}:
//   the enclave ends generation and its receipt covers exactly the first n
//   chunks (finish_reason "cancelled"); chunks already in flight still
//   arrive before it. n larger than the chunks streamed so far ends the
//   stream with {"ok":false,"code":"invalid_argument",...}. Any other
//   request during a stream ends it with an error; a "stop" outside a stream
//   is answered with an error (the stream it meant already has its receipt).
//   The "info" reply also lists "chat_models":[{"model_id","name","context"}].
// Failures answer {"ok":false,"code":"<code name>","error":"<message>"} and
// keep the connection open; a malformed frame closes it.
//
// `EnclaveServer` serves one thread per connection (a chat stream polls its
// connection between tokens for "stop"); `Stop` (or destruction) closes the
// socket, every connection, joins the threads and removes a unix socket file.
// A peer that dies mid-frame costs only its own connection.
// `EnclaveClient` is one connection, not thread-safe: it connects within
// `ConnectOptions::connect_timeout` and, when `io_timeout` > 0, fails a call
// with kTimeout when a read or write waits longer (the connection is then
// unusable: a frame may be cut). `EnclaveChatStream` is
// one chat on its own connection, not thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>

#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/chat_stream.h"
#include "vinet/tee/chat_answer.h"
#include "vinet/tee/enclave.h"
#include "vinet/tee/endpoint.h"

namespace vinet::tee {

class EnclaveServer {
 public:
  EnclaveServer(Enclave& enclave, Endpoint endpoint);
  // A unix socket at this path.
  EnclaveServer(Enclave& enclave, const std::filesystem::path& socket_path)
      : EnclaveServer(enclave, Endpoint::Unix(socket_path.string())) {}
  ~EnclaveServer();
  EnclaveServer(const EnclaveServer&) = delete;
  EnclaveServer& operator=(const EnclaveServer&) = delete;

  // Binds (replacing a stale socket file) and starts accepting. kIo on failure.
  Status Start();
  // The endpoint listened on (after Start: tcp port 0 is the port chosen).
  const Endpoint& endpoint() const { return endpoint_; }
  void Stop();
  // Handles one request object given as JSON text; returns the reply text.
  // A "chat" request here is refused (it streams: see HandleChat).
  std::string Handle(std::string_view request_json);
  // Serves one "chat" request: hands each reply frame to `write` (false: the
  // peer is gone, which cancels), and between tokens asks `poll` for a frame
  // the peer sent meanwhile (nullopt: none yet; "": the peer is gone), for
  // "stop".
  void HandleChat(std::string_view request_json,
                  const std::function<bool(const std::string&)>& write,
                  const std::function<std::optional<std::string>()>& poll);

 private:
  struct Connection;
  void AcceptLoop();
  void Serve(Connection* conn);

  Enclave& enclave_;
  Endpoint endpoint_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: Stop wakes the acceptor
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  struct Connection {
    int fd = -1;
    std::thread thread;
    std::atomic<bool> done{false};
  };
  // Joins and closes finished connections. Caller holds mu_.
  void ReapFinished();
  std::list<std::unique_ptr<Connection>> connections_;
};

struct RemoteEnclaveInfo {
  Bytes enclave_key;
  std::vector<std::string> models;
  std::string provider;
  bool debug = false;
  Bytes pcr0, pcr2, config_hash;
  std::string config;
  std::vector<ChatModelInfo> chat_models;  // empty for an enclave without chat
};

struct ConnectOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds io_timeout{0};  // 0: reads and writes wait as long as it takes
};

class EnclaveClient {
 public:
  static Result<EnclaveClient> Connect(const Endpoint& endpoint,
                                       const ConnectOptions& options = {});
  // A unix socket at this path.
  static Result<EnclaveClient> Connect(const std::filesystem::path& socket_path) {
    return Connect(Endpoint::Unix(socket_path.string()));
  }
  EnclaveClient(EnclaveClient&& other) noexcept;
  EnclaveClient& operator=(EnclaveClient&&) = delete;
  ~EnclaveClient();

  Result<RemoteEnclaveInfo> Info();
  // "reload": the enclave loads models added since start; its new info.
  Result<RemoteEnclaveInfo> Reload();
  Result<Bytes> Attest(ByteSpan nonce);
  // The binary infer frame; once a peer answers it "request is not JSON" (an
  // enclave older than the frame), the JSON "infer" on this connection.
  Result<protocol::Receipt> Infer(const InferRequest& request);
  // "attest_batch": the enclave's signature over the batch of `leaves`.
  Result<Bytes> AttestBatch(ByteSpan node_id, std::span<const crypto::Digest256> leaves);
  // One raw exchange (JSON text in, JSON text out).
  Result<std::string> Call(std::string_view request_json);
  // One frame each way, for streams.
  Status Send(std::string_view request_json);
  Result<std::string> Receive();
  int fd() const { return fd_; }

 private:
  explicit EnclaveClient(int fd) : fd_(fd) {}
  Result<RemoteEnclaveInfo> ParseInfo(const std::string& text);
  Result<protocol::Receipt> InferJson(const InferRequest& request);
  int fd_;
  bool json_infer_ = false;  // the peer does not know the binary infer frame
};

// One chat answered by the enclave, streamed over its own connection.
//   auto stream = EnclaveChatStream::Open(endpoint, input);  // sends "chat"
//   while (true) {
//     auto item = stream->Next();                         // a chunk, then the receipt
//     ...                                                 // on client disconnect:
//     auto receipt = stream->Stop(chunks_delivered);      // receipt over exactly those
//   }
// `Next` returns the chunks in order, then the receipt; after the receipt (or
// an error) the stream is over and `Next` fails with kInvalidArgument.
// Errors from the enclave come back as kUnavailable with its code and message.
// The chunks and the receipt are as the enclave sent them: the caller verifies
// them (ChatStreamVerifier, VerifyChatEnclaveSignature) before trusting them.
class EnclaveChatStream {
 public:
  // The connection has no I/O timeout (tokens come when they come): the
  // caller polls fd() to bound its wait.
  static Result<EnclaveChatStream> Open(const Endpoint& endpoint, const ChatAnswerInput& input);
  static Result<EnclaveChatStream> Open(const std::filesystem::path& socket_path,
                                        const ChatAnswerInput& input) {
    return Open(Endpoint::Unix(socket_path.string()), input);
  }
  EnclaveChatStream(EnclaveChatStream&&) noexcept = default;
  EnclaveChatStream& operator=(EnclaveChatStream&&) noexcept = default;

  Result<std::variant<protocol::ChatChunk, protocol::ChatReceipt>> Next();
  // Sends "stop" for the first `chunks` chunks, then reads (and drops) the
  // chunks still in flight until the receipt, which it returns. Normally it
  // covers exactly `chunks` ("cancelled"); if the answer ended before the
  // enclave read the stop, it is the full receipt. If `Next` already
  // returned the receipt, this is kInvalidArgument: that receipt stands.
  Result<protocol::ChatReceipt> Stop(uint32_t chunks);
  // The socket, for poll() (readable when the next frame has arrived).
  int fd() const;
  bool done() const { return done_; }

 private:
  explicit EnclaveChatStream(std::unique_ptr<EnclaveClient> client) : client_(std::move(client)) {}
  std::unique_ptr<EnclaveClient> client_;
  bool done_ = false;
};

// The frames of the "chat" method (shared by server, client and fuzz target).
std::string ChatRequestFrame(const ChatAnswerInput& input);
Result<ChatAnswerInput> ChatRequestFromJson(std::string_view json);

// Frame I/O shared by server and client. kIo / kParse / kUnavailable (EOF) /
// kTimeout (the socket's I/O timeout expired).
Status WriteFrame(int fd, std::string_view payload);
Result<std::string> ReadFrame(int fd);

}  // namespace vinet::tee
