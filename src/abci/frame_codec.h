// The ABCI wire framing: each message is an unsigned LEB128 varint length
// followed by that many bytes of protobuf (CometBFT v0.38 and later).
//
// Decoding is strict, because the bytes come from a socket:
//   - a varint longer than 10 bytes, one that overflows 64 bits, or one that
//     is not minimally encoded (a trailing 0x00 group, e.g. 0x80 0x00) is a
//     Code::kParse error;
//   - a length above the caller's max_message_bytes is Code::kOutOfRange;
//   - a stream that ends inside a frame is Code::kParse ("truncated");
//   - a payload that is not a valid `Request`, or a `Request` whose oneof
//     `value` is unset (including one carrying only unknown or reserved
//     fields), is Code::kParse.
// Every message names the stream offset of the frame at fault. Nothing here
// touches sockets or threads; a RequestReader belongs to one connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "tendermint/abci/types.pb.h"
#include "vinet/common/bytes.h"
#include "vinet/common/result.h"

namespace vinet::abci {

// The longest LEB128 encoding of a uint64_t.
inline constexpr size_t kMaxVarintBytes = 10;

// Appends the minimal LEB128 encoding of `value` to `out`.
void AppendUvarint(uint64_t value, std::string& out);

// A decoded varint and the number of bytes it occupied.
struct Uvarint {
  uint64_t value = 0;
  size_t size = 0;
};

// Decodes the varint at the front of `data`. Returns std::nullopt when `data`
// ends before the varint does (fewer than 10 bytes, all with the continuation
// bit), and a kParse error for a malformed varint.
Result<std::optional<Uvarint>> DecodeUvarint(ByteSpan data);

// Appends one frame (length prefix + serialized message) to `out`.
void AppendFrame(const google::protobuf::MessageLite& message, std::string& out);

// Parses one frame payload as a Request with its oneof set; errors kParse.
Result<::tendermint::abci::Request> ParseRequest(ByteSpan payload);

// Splits a byte stream into Requests. Feed bytes with Append(), take complete
// Requests with Next(); call Finish() at end of stream. After the first error
// the reader is poisoned and keeps returning that error.
class RequestReader {
 public:
  explicit RequestReader(size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

  void Append(ByteSpan bytes);
  // The next complete Request, std::nullopt if more bytes are needed, or an
  // error for a malformed frame.
  Result<std::optional<::tendermint::abci::Request>> Next();
  // OK when the stream ended on a frame boundary; kParse "truncated" otherwise.
  Status Finish() const;

  // Bytes received but not yet consumed by Next().
  size_t buffered() const { return buffer_.size() - consumed_; }
  // Stream offset of the first unconsumed byte.
  uint64_t offset() const { return stream_offset_; }

 private:
  void Compact();

  size_t max_message_bytes_;
  std::string buffer_;
  size_t consumed_ = 0;         // prefix of buffer_ already decoded
  uint64_t stream_offset_ = 0;  // stream position of buffer_[consumed_]
  Status error_;
};

}  // namespace vinet::abci
