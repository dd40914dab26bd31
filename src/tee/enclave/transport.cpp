// ListenOn / ConnectTo / BoundEndpoint / SetIoTimeout (endpoint.h): the same
// stream-socket calls for every family; only the address differs.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "socket_address.h"
#include "vinet/tee/endpoint.h"

namespace vinet::tee {
namespace {

SocketAddress AddressOf(const Endpoint& e) {
  SocketAddress a;
  switch (e.kind) {
    case Endpoint::Kind::kUnix: {
      sockaddr_un un{};
      un.sun_family = AF_UNIX;
      std::strncpy(un.sun_path, e.path.c_str(), sizeof(un.sun_path) - 1);
      std::memcpy(&a.storage, &un, sizeof(un));
      a.size = sizeof(un);
      a.family = AF_UNIX;
      return a;
    }
    case Endpoint::Kind::kTcp: {
      sockaddr_in in{};
      in.sin_family = AF_INET;
      in.sin_port = htons(static_cast<uint16_t>(e.port));
      ::inet_pton(AF_INET, e.address.c_str(), &in.sin_addr);
      std::memcpy(&a.storage, &in, sizeof(in));
      a.size = sizeof(in);
      a.family = AF_INET;
      return a;
    }
    case Endpoint::Kind::kVsock:
      return VsockAddress(e.cid, e.port);
  }
  return a;
}

// ParseEndpoint checks these; an Endpoint built by hand might not hold them.
Status CheckBuilt(const Endpoint& e) {
  if (e.kind == Endpoint::Kind::kUnix &&
      (e.path.empty() || e.path.size() >= sizeof(sockaddr_un::sun_path))) {
    return Error(Code::kInvalidArgument,
                 "enclave endpoint " + e.ToString() + ": unix socket path empty or too long");
  }
  if (e.kind == Endpoint::Kind::kTcp && e.port > 65535) {
    return Error(Code::kInvalidArgument, "enclave endpoint " + e.ToString() + ": port over 65535");
  }
  return Status::Ok();
}

Status Errno(Code code, const Endpoint& e, const char* what) {
  return Error(code, std::string(what) + " " + e.ToString() + ": " + std::strerror(errno));
}

void NoDelay(int fd, const Endpoint& e) {
  int one = 1;
  if (e.kind == Endpoint::Kind::kTcp) ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

}  // namespace

Result<int> ListenOn(const Endpoint& e) {
  VINET_RETURN_IF_ERROR(CheckBuilt(e));
  if (e.kind == Endpoint::Kind::kUnix) {
    // Replace a stale socket file, never anything else a typo might name.
    struct stat st {};
    if (::lstat(e.path.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode)) {
        return Error(Code::kInvalidArgument,
                     "enclave endpoint " + e.ToString() + ": exists and is not a socket");
      }
      ::unlink(e.path.c_str());
    }
  }
  SocketAddress a = AddressOf(e);
  int fd = ::socket(a.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno(Code::kIo, e, "enclave socket");
  int one = 1;
  if (e.kind == Endpoint::Kind::kTcp) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(fd, a.get(), a.size) != 0 || ::listen(fd, 64) != 0) {
    Status s = Errno(Code::kIo, e, "enclave socket");
    ::close(fd);
    return s;
  }
  return fd;
}

Result<Endpoint> BoundEndpoint(int listen_fd, const Endpoint& asked) {
  if (asked.kind != Endpoint::Kind::kTcp || asked.port != 0) return asked;
  sockaddr_in in{};
  socklen_t size = sizeof(in);
  if (::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&in), &size) != 0) {
    return Errno(Code::kIo, asked, "getsockname");
  }
  Endpoint bound = asked;
  bound.port = ntohs(in.sin_port);
  return bound;
}

Result<int> ConnectTo(const Endpoint& e, std::chrono::milliseconds timeout) {
  VINET_RETURN_IF_ERROR(CheckBuilt(e));
  SocketAddress a = AddressOf(e);
  int fd = ::socket(a.family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Errno(Code::kUnavailable, e, "cannot connect to enclave at");
  auto fail = [&](Status s) {
    ::close(fd);
    return s;
  };
  if (::connect(fd, a.get(), a.size) != 0) {
    if (errno != EINPROGRESS)
      return fail(Errno(Code::kUnavailable, e, "cannot connect to enclave at"));
    pollfd p{fd, POLLOUT, 0};
    int n;
    do {
      n = ::poll(&p, 1, static_cast<int>(timeout.count()));
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
      return fail(Error(Code::kUnavailable, "cannot connect to enclave at " + e.ToString() +
                                                ": no answer within " +
                                                std::to_string(timeout.count()) + " ms"));
    }
    int err = 0;
    socklen_t len = sizeof(err);
    if (n < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) {
      errno = err;
      return fail(Errno(Code::kUnavailable, e, "cannot connect to enclave at"));
    }
  }
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    return fail(Errno(Code::kIo, e, "enclave socket"));
  }
  NoDelay(fd, e);
  return fd;
}

Status SetIoTimeout(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0) {
    return Error(Code::kIo, std::string("enclave socket: I/O timeout: ") + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace vinet::tee
