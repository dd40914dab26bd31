// The only vsock-specific code: an AF_VSOCK address (linux/vm_sockets.h).
// Sockets of this family are opened, bound, connected and read exactly like
// the unix and tcp ones (transport.cpp: socket(family, SOCK_STREAM), bind,
// listen, accept4, connect). On Nitro the enclave binds CID VMADDR_CID_ANY
// and the parent instance connects to the enclave's CID (nitro-cli
// run-enclave --enclave-cid, docs/operations.md); CID 1 is this machine's
// loopback when the vsock_loopback module is loaded.
#include <linux/vm_sockets.h>

#include <cstring>

#include "socket_address.h"

namespace vinet::tee {

SocketAddress VsockAddress(uint32_t cid, uint32_t port) {
  static_assert(sizeof(sockaddr_vm) <= sizeof(sockaddr_storage));
  SocketAddress a;
  sockaddr_vm vm{};
  vm.svm_family = AF_VSOCK;
  vm.svm_cid = cid;
  vm.svm_port = port;
  std::memcpy(&a.storage, &vm, sizeof(vm));
  a.size = sizeof(vm);
  a.family = AF_VSOCK;
  return a;
}

}  // namespace vinet::tee
