#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "vinet/tee/enclave_server.h"

namespace vinet::tee {
namespace {

constexpr uint32_t kMaxFrame = 16u << 20;

Status WriteAll(int fd, const uint8_t* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return Error(Code::kTimeout, "enclave socket: write: not accepted within the I/O timeout");
    if (w <= 0)
      return Error(Code::kIo, std::string("enclave socket: write: ") + std::strerror(errno));
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

// kUnavailable when the peer closed before the first byte; kTimeout when the
// socket's I/O timeout expired.
Status ReadAll(int fd, uint8_t* p, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd, p + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    // SO_RCVTIMEO (SetIoTimeout) expired: the frame may be cut, so the
    // caller drops the connection.
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return Error(Code::kTimeout, "enclave socket: read: no data within the I/O timeout");
    if (r < 0)
      return Error(Code::kIo, std::string("enclave socket: read: ") + std::strerror(errno));
    if (r == 0) {
      return got == 0 ? Error(Code::kUnavailable, "enclave socket: closed")
                      : Error(Code::kParse, "enclave socket: truncated frame");
    }
    got += static_cast<size_t>(r);
  }
  return Status::Ok();
}

}  // namespace

Status WriteFrame(int fd, std::string_view payload) {
  if (payload.size() > kMaxFrame)
    return Error(Code::kOutOfRange, "enclave socket: frame too large");
  Bytes frame;
  AppendLengthPrefixed(frame, AsBytes(payload));
  return WriteAll(fd, frame.data(), frame.size());
}

Result<std::string> ReadFrame(int fd) {
  uint8_t len_bytes[4];
  VINET_RETURN_IF_ERROR(ReadAll(fd, len_bytes, 4));
  uint32_t len = (uint32_t{len_bytes[0]} << 24) | (uint32_t{len_bytes[1]} << 16) |
                 (uint32_t{len_bytes[2]} << 8) | len_bytes[3];
  if (len > kMaxFrame) {
    return Error(Code::kParse,
                 "enclave socket: frame length " + std::to_string(len) + " over 16 MiB");
  }
  std::string payload(len, '\0');
  Status s = ReadAll(fd, reinterpret_cast<uint8_t*>(payload.data()), len);
  if (!s.ok())
    return s.code() == Code::kUnavailable ? Error(Code::kParse, "enclave socket: truncated frame")
                                          : s;
  return payload;
}

}  // namespace vinet::tee
