// Fuzzes the ABCI frame decoder as the server uses it: arbitrary bytes,
// delivered in arbitrary chunk sizes, decoded into Requests until an error or
// the end of the stream. Checks that decoding never crashes, that errors are
// sticky and carry a kParse/kOutOfRange code, that the result does not depend
// on how the stream was chunked, and that every decoded Request re-encodes to
// a frame that decodes to the same message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <google/protobuf/stubs/logging.h>

#include "abci/frame_codec.h"

namespace {

using vinet::AsBytes;
using vinet::ByteSpan;
using vinet::Code;
using vinet::abci::RequestReader;

constexpr size_t kMaxMessageBytes = 1 << 16;

struct Decoded {
  std::vector<std::string> requests;  // serialized
  vinet::Status error;
};

// Decodes `data` fed in chunks whose sizes come from `chunk_seed`.
Decoded DecodeAll(ByteSpan data, uint8_t chunk_seed) {
  RequestReader reader(kMaxMessageBytes);
  Decoded out;
  size_t pos = 0;
  size_t step = 1 + chunk_seed % 17;
  while (pos < data.size() && out.error.ok()) {
    const size_t n = std::min(step, data.size() - pos);
    reader.Append(data.subspan(pos, n));
    pos += n;
    step = 1 + (step * 7 + chunk_seed) % 64;
    for (;;) {
      auto next = reader.Next();
      if (!next.ok()) {
        out.error = next.status();
        break;
      }
      if (!next->has_value()) break;
      out.requests.push_back((*next)->SerializeAsString());
    }
  }
  if (out.error.ok()) out.error = reader.Finish();
  return out;
}

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);  // protobuf warns about bad UTF-8 on stderr
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t seed = data[0];
  const ByteSpan stream(data + 1, size - 1);
  const Decoded a = DecodeAll(stream, seed);
  const Decoded b = DecodeAll(stream, static_cast<uint8_t>(seed + 5));
  Check(a.requests == b.requests);
  Check(a.error == b.error);
  if (!a.error.ok()) {
    Check(a.error.code() == Code::kParse || a.error.code() == Code::kOutOfRange);
    Check(!a.error.message().empty());
  }
  for (const std::string& serialized : a.requests) {
    ::tendermint::abci::Request request;
    Check(request.ParseFromString(serialized));
    std::string frame;
    vinet::abci::AppendFrame(request, frame);
    RequestReader reader(kMaxMessageBytes);
    reader.Append(AsBytes(frame));
    auto again = reader.Next();
    Check(again.ok() && again->has_value());
    Check((*again)->SerializeAsString() == serialized);
    Check(reader.Finish().ok());
  }
  return 0;
}
