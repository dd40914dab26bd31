// ParseEndpoint / Endpoint::ToString (endpoint.h).
#include "vinet/tee/endpoint.h"

#include <arpa/inet.h>
#include <sys/un.h>

#include <charconv>

namespace vinet::tee {
namespace {

constexpr size_t kMaxEndpointText = 512;

Status Bad(std::string_view text, size_t offset, const std::string& what) {
  return Error(Code::kInvalidArgument, "enclave endpoint \"" + std::string(text) + "\": " + what +
                                           " at byte " + std::to_string(offset));
}

// A decimal number in [0, max], digits only (no sign, no spaces, ≤ 10 digits).
Result<uint32_t> Decimal(std::string_view text, std::string_view field, size_t offset,
                         const char* name, uint64_t max) {
  if (field.empty()) return Bad(text, offset, std::string(name) + " is empty");
  if (field.size() > 10) return Bad(text, offset, std::string(name) + " has over 10 digits");
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] < '0' || field[i] > '9') {
      return Bad(text, offset + i,
                 std::string(name) + " \"" + std::string(field) + "\" is not a decimal number");
    }
  }
  uint64_t v = 0;
  std::from_chars(field.data(), field.data() + field.size(), v);
  if (v > max) {
    return Bad(text, offset,
               std::string(name) + " " + std::string(field) + " is over " + std::to_string(max));
  }
  return static_cast<uint32_t>(v);
}

Result<Endpoint> UnixPath(std::string_view text, std::string_view path, size_t offset) {
  if (path.empty()) return Bad(text, offset, "unix socket path is empty");
  if (path.find('\0') != std::string_view::npos) {
    return Bad(text, offset + path.find('\0'), "unix socket path holds a NUL byte");
  }
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    return Bad(text, offset,
               "unix socket path of " + std::to_string(path.size()) + " bytes is over " +
                   std::to_string(sizeof(sockaddr_un::sun_path) - 1));
  }
  return Endpoint::Unix(std::string(path));
}

// "CID:PORT" after "vsock:".
Result<Endpoint> Vsock(std::string_view text, std::string_view rest, size_t offset) {
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos) {
    return Bad(text, offset + rest.size(), "expected vsock:CID:PORT, found no ':' after the CID");
  }
  Endpoint e;
  e.kind = Endpoint::Kind::kVsock;
  std::string_view cid = rest.substr(0, colon);
  if (cid == "any") {
    e.cid = kVsockAnyCid;
  } else {
    // 0xFFFFFFFF is VMADDR_CID_ANY: write it as "any".
    VINET_ASSIGN_OR_RETURN(e.cid, Decimal(text, cid, offset, "CID", 0xFFFFFFFEull));
  }
  // 0xFFFFFFFF is VMADDR_PORT_ANY, which a peer cannot connect to.
  VINET_ASSIGN_OR_RETURN(
      e.port, Decimal(text, rest.substr(colon + 1), offset + colon + 1, "port", 0xFFFFFFFEull));
  return e;
}

// "A.B.C.D:PORT" after "tcp:".
Result<Endpoint> Tcp(std::string_view text, std::string_view rest, size_t offset) {
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos) {
    return Bad(text, offset + rest.size(),
               "expected tcp:A.B.C.D:PORT, found no ':' before the port");
  }
  Endpoint e;
  e.kind = Endpoint::Kind::kTcp;
  e.address = std::string(rest.substr(0, colon));
  in_addr a{};
  if (e.address.empty() || ::inet_pton(AF_INET, e.address.c_str(), &a) != 1) {
    return Bad(text, offset, "address \"" + e.address + "\" is not an IPv4 dotted quad");
  }
  VINET_ASSIGN_OR_RETURN(e.port,
                         Decimal(text, rest.substr(colon + 1), offset + colon + 1, "port", 65535));
  return e;
}

}  // namespace

Endpoint Endpoint::Unix(std::string path) {
  Endpoint e;
  e.kind = Kind::kUnix;
  e.path = std::move(path);
  return e;
}

std::string Endpoint::ToString() const {
  switch (kind) {
    case Kind::kUnix:
      return "unix:" + path;
    case Kind::kVsock:
      return "vsock:" + (cid == kVsockAnyCid ? std::string("any") : std::to_string(cid)) + ":" +
             std::to_string(port);
    case Kind::kTcp:
      return "tcp:" + address + ":" + std::to_string(port);
  }
  return "?";
}

Result<Endpoint> ParseEndpoint(std::string_view text) {
  if (text.size() > kMaxEndpointText) {
    return Error(Code::kInvalidArgument, "enclave endpoint: " + std::to_string(text.size()) +
                                             " bytes, over " + std::to_string(kMaxEndpointText));
  }
  if (text.empty()) {
    return Error(Code::kInvalidArgument,
                 "enclave endpoint: empty (give unix:PATH, vsock:CID:PORT or tcp:IP:PORT)");
  }
  if (text.starts_with("unix:")) return UnixPath(text, text.substr(5), 5);
  if (text.starts_with("vsock:")) return Vsock(text, text.substr(6), 6);
  if (text.starts_with("tcp:")) return Tcp(text, text.substr(4), 4);
  size_t colon = text.find(':');
  if (colon != std::string_view::npos &&
      text.substr(0, colon).find('/') == std::string_view::npos) {
    return Bad(text, 0,
               "unknown transport \"" + std::string(text.substr(0, colon)) +
                   "\" (expected unix:, vsock: or tcp:, or a socket path)");
  }
  return UnixPath(text, text, 0);  // a bare path
}

}  // namespace vinet::tee
