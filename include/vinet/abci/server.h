// The ABCI socket server: CometBFT v0.38's protocol over TCP or a unix socket.
//
// The server accepts any number of connections (CometBFT opens four), reads
// varint-length-prefixed `Request`s, dispatches each to the Application and
// writes `Response`s strictly in request order on that connection, flushing
// the socket when it answers a Flush. Each connection is served by its own
// thread; the Application must be safe for concurrent calls across
// connections (see application.h). A malformed frame closes that connection
// with a logged error; it never crashes the process. Only one connection at a
// time may send consensus requests (the first that does, until it closes);
// consensus requests on any other, and requests the Application refuses
// (Application::Refuse), are answered with ResponseException and close that
// connection only. The server does not own
// the Application, which must outlive it.
#pragma once

#include <memory>
#include <string>

#include "vinet/abci/application.h"
#include "vinet/common/result.h"

namespace vinet::abci {

struct ServerOptions {
  // "tcp://HOST:PORT" (PORT 0 picks a free port) or "unix:///absolute/path.sock".
  std::string address = "tcp://127.0.0.1:26658";
  // Frames larger than this are rejected (CometBFT's own cap is far below).
  size_t max_message_bytes = 64u << 20;
};

class Server {
 public:
  Server(Application& app, ServerOptions options);
  ~Server();  // Stops and joins every thread.
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens, then accepts in a background thread. Errors: bad
  // address (kInvalidArgument), bind/listen failure (kIo).
  Status Start();
  // The bound address, with the real port when 0 was asked for. Valid after Start.
  std::string address() const;
  // Closes the listener and every connection; idempotent; safe from any thread.
  void Stop();
  // Blocks until Stop() has been called (e.g. by a signal handler thread).
  void Wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vinet::abci
