#include "vinet/abci/server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <list>
#include <mutex>
#include <thread>

#include "abci/connection.h"
#include "abci/listener.h"

namespace vinet::abci {
namespace {

struct Conn {
  int fd = -1;
  std::string peer;
  std::thread thread;
  std::atomic<bool> done{false};
};

// Joins a finished or shut-down connection thread and closes its fd. Returns
// false, doing nothing, when called on that connection's own thread (an
// Application method called Stop()); the destructor reaps it later.
bool Reap(Conn& conn) {
  if (conn.thread.joinable()) {
    if (conn.thread.get_id() == std::this_thread::get_id()) return false;
    conn.thread.join();
  }
  if (conn.fd >= 0) close(conn.fd);
  conn.fd = -1;
  return true;
}

}  // namespace

struct Server::Impl {
  Impl(Application& a, ServerOptions o) : app(a), options(std::move(o)) {}

  void AcceptLoop();
  void StartConnection(int fd, std::string peer);
  void ReapFinished();

  Application& app;
  ServerOptions options;

  std::mutex mu;  // guards everything below but `stopping`
  std::condition_variable stopped_cv;
  bool started = false;
  bool stopped = false;
  Listener listener;
  int wake_pipe[2] = {-1, -1};  // Stop() writes to [1] to end AcceptLoop
  std::thread accept_thread;
  std::list<std::unique_ptr<Conn>> conns;
  std::atomic<bool> stopping{false};         // set once, by the first Stop()
  std::atomic<uint64_t> consensus_owner{0};  // id of the consensus connection, 0: none
  uint64_t next_conn_id = 0;
};

namespace {
// The server whose connection the current thread serves, if any.
thread_local const void* serving = nullptr;
}  // namespace

void Server::Impl::AcceptLoop() {
  uint64_t accepted = 0;
  for (;;) {
    pollfd fds[2] = {{listener.fd, POLLIN, 0}, {wake_pipe[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::error("abci accept loop: poll failed: {}", std::strerror(errno));
      return;
    }
    if (stopping.load() || (fds[1].revents & POLLIN) != 0) return;
    const int fd = accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        spdlog::warn("abci accept: {}; retrying", std::strerror(errno));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      continue;  // EINTR, ECONNABORTED, EAGAIN: try again
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // fails harmlessly on unix
    StartConnection(fd, listener.address + "#" + std::to_string(++accepted));
  }
}

void Server::Impl::StartConnection(int fd, std::string peer) {
  std::lock_guard lock(mu);
  if (stopping.load()) {
    close(fd);
    return;
  }
  ReapFinished();
  auto conn = std::make_unique<Conn>();
  conn->fd = fd;
  conn->peer = std::move(peer);
  Conn* raw = conn.get();
  conns.push_back(std::move(conn));
  spdlog::debug("abci connection {}: accepted", raw->peer);
  ConsensusSlot slot{&consensus_owner, ++next_conn_id};
  raw->thread = std::thread([this, raw, slot] {
    serving = this;
    ServeConnection(raw->fd, app, options.max_message_bytes, stopping, raw->peer, slot);
    raw->done.store(true);
  });
}

void Server::Impl::ReapFinished() {
  for (auto it = conns.begin(); it != conns.end();) {
    if ((*it)->done.load()) {
      Reap(**it);
      it = conns.erase(it);
    } else {
      ++it;
    }
  }
}

Server::Server(Application& app, ServerOptions options)
    : impl_(std::make_unique<Impl>(app, std::move(options))) {}

Server::~Server() {
  Stop();
  // A connection whose Application method called Stop() could not join itself.
  for (auto& conn : impl_->conns) Reap(*conn);
}

Status Server::Start() {
  std::lock_guard lock(impl_->mu);
  if (impl_->started || impl_->stopping.load()) {
    return Error(Code::kInvalidArgument, "abci server: Start called twice or after Stop");
  }
  VINET_ASSIGN_OR_RETURN(const ListenAddress parsed, ParseListenAddress(impl_->options.address));
  VINET_ASSIGN_OR_RETURN(impl_->listener, Listen(parsed));
  if (pipe2(impl_->wake_pipe, O_CLOEXEC) != 0) {
    CloseListener(impl_->listener);
    return Error(Code::kIo, std::string("abci server: pipe: ") + std::strerror(errno));
  }
  impl_->started = true;
  impl_->accept_thread = std::thread([impl = impl_.get()] { impl->AcceptLoop(); });
  spdlog::info("abci server listening on {}", impl_->listener.address);
  return Status::Ok();
}

std::string Server::address() const {
  std::lock_guard lock(impl_->mu);
  return impl_->listener.address;
}

void Server::Stop() {
  if (impl_->stopping.exchange(true)) {
    // Another call is stopping (or has). Wait for it, unless this thread is
    // one of the connections that call must join.
    if (serving != impl_.get()) Wait();
    return;
  }
  std::list<std::unique_ptr<Conn>> conns;
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->wake_pipe[1] >= 0) {
      const char byte = 0;
      [[maybe_unused]] ssize_t n = write(impl_->wake_pipe[1], &byte, 1);
    }
    for (auto& conn : impl_->conns) shutdown(conn->fd, SHUT_RDWR);
  }
  if (impl_->accept_thread.joinable()) impl_->accept_thread.join();
  {
    std::lock_guard lock(impl_->mu);
    conns.swap(impl_->conns);
  }
  std::list<std::unique_ptr<Conn>> unreaped;
  for (auto& conn : conns) {
    if (!Reap(*conn)) unreaped.push_back(std::move(conn));
  }
  std::lock_guard lock(impl_->mu);
  impl_->conns.swap(unreaped);
  CloseListener(impl_->listener);
  for (int& fd : impl_->wake_pipe) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
  if (impl_->started) spdlog::info("abci server stopped");
  impl_->stopped = true;
  impl_->stopped_cv.notify_all();
}

void Server::Wait() {
  std::unique_lock lock(impl_->mu);
  impl_->stopped_cv.wait(lock, [this] { return impl_->stopped; });
}

}  // namespace vinet::abci
