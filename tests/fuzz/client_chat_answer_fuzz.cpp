// Fuzz target: a node's chat answer as the C++ client reads it
// (ChatAnswerReader, client/chat_reader.h): the first byte picks a streamed
// answer (server-sent events fed in pieces whose sizes come from the data) or
// a non-streamed JSON answer; then the receipt checks. It must never crash or
// throw, and every refusal carries a message. The expectation is a VANILLA
// request from a fixed node key (the TEE attestation hook refuses).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "vinet/client/chat_reader.h"

using namespace vinet;

namespace {

client::ChatExpectation Expect(protocol::Mode mode) {
  static const crypto::SecretKey node = *crypto::SecretKey::FromSeed(Bytes(32, 7));
  client::ChatExpectation e;
  e.inference_id = std::string(64, 'a');
  e.request.kind = protocol::PayloadKind::kChat;
  e.request.model_id = std::string(64, 'b');
  e.request.mode = mode;
  e.request.input_hash = Bytes(32, 1);
  e.node = node.public_key();
  return e;
}

void MustHaveMessage(const Status& s) {
  if (!s.ok() && s.message().empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  uint8_t mode = data[0];
  client::ChatAnswerReader reader(
      Expect(mode & 2 ? protocol::Mode::kTee : protocol::Mode::kVanilla),
      [](ByteSpan) { return Error(Code::kVerification, "no attestation in the fuzzer"); },
      [](const protocol::ChatChunk&) { return true; });
  Status s;
  if (mode & 1) {
    s = reader.Whole(in);
  } else {
    size_t step = 1 + (mode >> 2);  // pieces of 1..64 bytes
    for (size_t i = 0; s.ok() && i < in.size(); i += step) s = reader.Feed(in.substr(i, step));
    if (s.ok()) s = reader.EndOfStream();
  }
  MustHaveMessage(s);
  if (s.ok()) MustHaveMessage(reader.Finish().status());
  return 0;
}
