#include "abci/frame_codec.h"

#include <fmt/format.h>

namespace vinet::abci {
namespace {

Status FrameError(Code code, uint64_t offset, std::string_view what) {
  return Error(code, fmt::format("abci frame at stream offset {}: {}", offset, what));
}

ByteSpan SpanOf(const std::string& s, size_t from) {
  return AsBytes(std::string_view(s).substr(from));
}

}  // namespace

void AppendUvarint(uint64_t value, std::string& out) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

Result<std::optional<Uvarint>> DecodeUvarint(ByteSpan data) {
  uint64_t value = 0;
  for (size_t i = 0; i < data.size(); ++i) {
    if (i == kMaxVarintBytes) {
      return Error(Code::kParse, "varint longer than 10 bytes");
    }
    const uint8_t byte = data[i];
    const uint64_t group = byte & 0x7f;
    if (i == kMaxVarintBytes - 1 && group > 1) {
      return Error(Code::kParse, "varint overflows 64 bits");
    }
    value |= group << (7 * i);
    if ((byte & 0x80) == 0) {
      if (i > 0 && byte == 0) {
        return Error(Code::kParse,
                     fmt::format("varint not minimally encoded ({} bytes, last is 0x00)", i + 1));
      }
      return std::optional<Uvarint>(Uvarint{value, i + 1});
    }
  }
  if (data.size() >= kMaxVarintBytes) {
    return Error(Code::kParse, "varint longer than 10 bytes");
  }
  return std::optional<Uvarint>();
}

void AppendFrame(const google::protobuf::MessageLite& message, std::string& out) {
  const size_t size = message.ByteSizeLong();
  AppendUvarint(size, out);
  const size_t start = out.size();
  out.resize(start + size);
  message.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(out.data() + start));
}

Result<::tendermint::abci::Request> ParseRequest(ByteSpan payload) {
  ::tendermint::abci::Request request;
  if (payload.size() > static_cast<size_t>(INT32_MAX) ||
      !request.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return Error(Code::kParse, fmt::format("{}-byte payload is not a valid tendermint.abci.Request",
                                           payload.size()));
  }
  if (request.value_case() == ::tendermint::abci::Request::VALUE_NOT_SET) {
    return Error(Code::kParse, "Request has no value set (empty or unknown method)");
  }
  return request;
}

void RequestReader::Append(ByteSpan bytes) {
  Compact();
  buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void RequestReader::Compact() {
  if (consumed_ == 0) return;
  if (consumed_ == buffer_.size()) {
    buffer_.clear();
  } else if (consumed_ > buffer_.size() / 2) {
    buffer_.erase(0, consumed_);
  } else {
    return;
  }
  consumed_ = 0;
}

Result<std::optional<::tendermint::abci::Request>> RequestReader::Next() {
  if (!error_.ok()) return error_;
  const ByteSpan rest = SpanOf(buffer_, consumed_);
  auto length = DecodeUvarint(rest);
  if (!length.ok()) {
    error_ = FrameError(Code::kParse, stream_offset_, "length " + length.status().message());
    return error_;
  }
  if (!length->has_value()) return std::optional<::tendermint::abci::Request>();
  const Uvarint header = **length;
  if (header.value > max_message_bytes_) {
    error_ = FrameError(
        Code::kOutOfRange, stream_offset_,
        fmt::format("length {} exceeds max_message_bytes {}", header.value, max_message_bytes_));
    return error_;
  }
  if (rest.size() - header.size < header.value) {
    return std::optional<::tendermint::abci::Request>();
  }
  auto request = ParseRequest(rest.subspan(header.size, header.value));
  if (!request.ok()) {
    error_ = FrameError(Code::kParse, stream_offset_, request.status().message());
    return error_;
  }
  const size_t frame_size = header.size + header.value;
  consumed_ += frame_size;
  stream_offset_ += frame_size;
  return std::optional<::tendermint::abci::Request>(std::move(request).value());
}

Status RequestReader::Finish() const {
  if (!error_.ok()) return error_;
  if (buffered() == 0) return Status::Ok();
  const ByteSpan rest = SpanOf(buffer_, consumed_);
  auto length = DecodeUvarint(rest);
  if (length.ok() && length->has_value()) {
    return FrameError(Code::kParse, stream_offset_,
                      fmt::format("truncated: stream ended after {} of {} payload bytes",
                                  rest.size() - (*length)->size, (*length)->value));
  }
  return FrameError(
      Code::kParse, stream_offset_,
      fmt::format("truncated: stream ended inside the length varint ({} bytes)", rest.size()));
}

}  // namespace vinet::abci
