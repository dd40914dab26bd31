// A socket address of any family, built from an Endpoint (transport.cpp for
// unix and tcp, vsock.cpp for AF_VSOCK). Internal to src/tee/enclave.
#pragma once

#include <sys/socket.h>

#include <cstdint>

namespace vinet::tee {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t size = 0;
  int family = AF_UNSPEC;

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// AF_VSOCK, CID and port as given (vsock.cpp).
SocketAddress VsockAddress(uint32_t cid, uint32_t port);

}  // namespace vinet::tee
