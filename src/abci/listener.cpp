#include "abci/listener.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace vinet::abci {
namespace {

constexpr int kBacklog = 64;

Status IoError(std::string_view what, std::string_view address, int err) {
  return Error(Code::kIo, fmt::format("abci listen {}: {}: {}", address, what, std::strerror(err)));
}

Result<ListenAddress> ParseTcp(std::string_view rest, std::string_view full) {
  ListenAddress out;
  std::string_view host;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
      return Error(Code::kInvalidArgument, fmt::format("abci address {}: bad [IPv6]:PORT", full));
    }
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
      return Error(Code::kInvalidArgument, fmt::format("abci address {}: missing :PORT", full));
    }
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return Error(Code::kInvalidArgument,
                 fmt::format("abci address {}: port '{}' is not a number in 0..65535", full, port));
  }
  if (host.empty()) {
    return Error(Code::kInvalidArgument, fmt::format("abci address {}: missing host", full));
  }
  out.host = std::string(host);
  out.port = static_cast<uint16_t>(value);
  return out;
}

std::string FormatTcp(const sockaddr_storage& addr) {
  char ip[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET6) {
    const auto& a6 = reinterpret_cast<const sockaddr_in6&>(addr);
    inet_ntop(AF_INET6, &a6.sin6_addr, ip, sizeof ip);
    return fmt::format("tcp://[{}]:{}", ip, ntohs(a6.sin6_port));
  }
  const auto& a4 = reinterpret_cast<const sockaddr_in&>(addr);
  inet_ntop(AF_INET, &a4.sin_addr, ip, sizeof ip);
  return fmt::format("tcp://{}:{}", ip, ntohs(a4.sin_port));
}

// 127.0.0.0/8, ::1, or ::ffff:127.0.0.0/104.
bool IsLoopback(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    const auto& a4 = reinterpret_cast<const sockaddr_in&>(addr);
    return (ntohl(a4.sin_addr.s_addr) >> 24) == 127;
  }
  if (addr.ss_family == AF_INET6) {
    const auto& a6 = reinterpret_cast<const sockaddr_in6&>(addr);
    if (IN6_IS_ADDR_LOOPBACK(&a6.sin6_addr)) return true;
    return IN6_IS_ADDR_V4MAPPED(&a6.sin6_addr) && a6.sin6_addr.s6_addr[12] == 127;
  }
  return false;
}

Result<Listener> ListenTcp(const ListenAddress& address) {
  const std::string shown = fmt::format("tcp://{}:{}", address.host, address.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(address.port);
  if (int rc = getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return Error(Code::kIo, fmt::format("abci listen {}: resolve: {}", shown, gai_strerror(rc)));
  }
  int last_errno = 0;
  const char* last_step = "no address";
  int fd = -1;
  for (addrinfo* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_errno = errno, last_step = "socket";
      continue;
    }
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      last_errno = errno, last_step = "bind";
    } else if (listen(fd, kBacklog) != 0) {
      last_errno = errno, last_step = "listen";
    } else {
      break;
    }
    close(fd);
    fd = -1;
  }
  freeaddrinfo(found);
  if (fd < 0) return IoError(last_step, shown, last_errno);
  // Whoever reaches the ABCI socket drives the state machine: TCP is for
  // loopback only (anything else: a unix socket, or a tunnel).
  sockaddr_storage local{};
  socklen_t local_len = sizeof local;
  getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len);
  if (!IsLoopback(local)) {
    close(fd);
    return Error(Code::kInvalidArgument,
                 fmt::format("abci listen {}: not a loopback address (the ABCI socket must not be "
                             "reachable from other machines)",
                             shown));
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  return Listener{fd, FormatTcp(bound), ""};
}

// True when a unix socket file exists at `path` but nobody accepts on it.
bool IsStaleUnixSocket(const sockaddr_un& addr) {
  struct stat st {};
  if (stat(addr.sun_path, &st) != 0 || !S_ISSOCK(st.st_mode)) return false;
  const int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return false;
  const bool refused = connect(probe, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 &&
                       errno == ECONNREFUSED;
  close(probe);
  return refused;
}

Result<Listener> ListenUnix(const ListenAddress& address) {
  const std::string shown = "unix://" + address.path;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, address.path.c_str(), address.path.size() + 1);
  if (IsStaleUnixSocket(addr)) unlink(addr.sun_path);
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return IoError("socket", shown, errno);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    close(fd);
    return IoError("bind", shown, err);
  }
  // Owner-only before anyone can connect (connect fails until listen()).
  if (chmod(addr.sun_path, 0600) != 0) {
    const int err = errno;
    close(fd);
    unlink(addr.sun_path);
    return IoError("chmod 0600", shown, err);
  }
  if (listen(fd, kBacklog) != 0) {
    const int err = errno;
    close(fd);
    unlink(addr.sun_path);
    return IoError("listen", shown, err);
  }
  return Listener{fd, shown, address.path};
}

}  // namespace

Result<ListenAddress> ParseListenAddress(std::string_view address) {
  constexpr std::string_view kTcp = "tcp://";
  constexpr std::string_view kUnix = "unix://";
  if (address.starts_with(kTcp)) return ParseTcp(address.substr(kTcp.size()), address);
  if (!address.starts_with(kUnix)) {
    return Error(Code::kInvalidArgument,
                 fmt::format("abci address {}: expected tcp://HOST:PORT or unix:///PATH", address));
  }
  ListenAddress out;
  out.is_unix = true;
  out.path = std::string(address.substr(kUnix.size()));
  if (out.path.empty() || out.path.front() != '/') {
    return Error(Code::kInvalidArgument,
                 fmt::format("abci address {}: unix path must be absolute", address));
  }
  if (out.path.size() >= sizeof(sockaddr_un::sun_path)) {
    return Error(Code::kInvalidArgument,
                 fmt::format("abci address {}: unix path longer than {} bytes", address,
                             sizeof(sockaddr_un::sun_path) - 1));
  }
  return out;
}

Result<Listener> Listen(const ListenAddress& address) {
  return address.is_unix ? ListenUnix(address) : ListenTcp(address);
}

void CloseListener(Listener& listener) {
  if (listener.fd >= 0) close(listener.fd);
  listener.fd = -1;
  if (!listener.unix_path.empty()) unlink(listener.unix_path.c_str());
  listener.unix_path.clear();
}

}  // namespace vinet::abci
