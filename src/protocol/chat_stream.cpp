// Signed chat streams: running hash, chunk signatures, verification
// (chat_stream.h).
#include "vinet/protocol/chat_stream.h"

#include <algorithm>

namespace vinet::protocol {
namespace {

constexpr std::string_view kSeedDomain{"vinet.chat.stream.v1\0", 21};
constexpr std::string_view kChunkDomain = "vinet-chat-chunk-v1";

void PutU32(Bytes& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

Bytes ChunkSigningBytes(ByteSpan inference_id, uint32_t index, const crypto::Digest256& hash) {
  Bytes out = ToBytes(kChunkDomain);
  out.insert(out.end(), inference_id.begin(), inference_id.end());
  PutU32(out, index);
  out.insert(out.end(), hash.begin(), hash.end());
  return out;
}

bool SameBytes(const Bytes& a, const crypto::Digest256& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace

crypto::Digest256 ChatStreamSeed(ByteSpan inference_id) {
  crypto::Sha256Hasher h;
  h.Update(AsBytes(kSeedDomain));
  h.Update(inference_id);
  return h.Finish();
}

crypto::Digest256 ChatStreamStep(const crypto::Digest256& previous, uint32_t index,
                                 std::span<const int32_t> tokens, std::string_view text) {
  Bytes buf(previous.begin(), previous.end());
  buf.reserve(buf.size() + 12 + 4 * tokens.size() + text.size());
  PutU32(buf, index);
  PutU32(buf, static_cast<uint32_t>(tokens.size()));
  for (int32_t t : tokens) PutU32(buf, static_cast<uint32_t>(t));
  PutU32(buf, static_cast<uint32_t>(text.size()));
  ByteSpan tb = AsBytes(text);
  buf.insert(buf.end(), tb.begin(), tb.end());
  return crypto::Sha256(buf);
}

ChatStreamSigner::ChatStreamSigner(ByteSpan inference_id, const crypto::SecretKey& signer)
    : inference_id_(inference_id.begin(), inference_id.end()), signer_(signer) {}

ChatChunk ChatStreamSigner::Next(std::span<const int32_t> tokens, std::string_view text) {
  ChatChunk c;
  c.index = chunks();
  c.tokens.assign(tokens.begin(), tokens.end());
  c.text = std::string(text);
  crypto::Digest256 prev = ends_.empty() ? ChatStreamSeed(inference_id_) : ends_.back().hash;
  c.running_hash = ChatStreamStep(prev, c.index, tokens, text);
  c.signature = signer_.Sign(ChunkSigningBytes(inference_id_, c.index, c.running_hash));
  tokens_.insert(tokens_.end(), tokens.begin(), tokens.end());
  text_ += text;
  ends_.push_back(End{tokens_.size(), text_.size(), c.running_hash});
  return c;
}

ChatStreamPrefix ChatStreamSigner::Prefix(uint32_t n) const {
  ChatStreamPrefix p;
  p.chunks = std::min<uint32_t>(n, chunks());
  if (p.chunks == 0) {
    p.running_hash = ChatStreamSeed(inference_id_);
    return p;
  }
  const End& end = ends_[p.chunks - 1];
  p.tokens.assign(tokens_.begin(), tokens_.begin() + static_cast<std::ptrdiff_t>(end.tokens));
  p.text = text_.substr(0, end.text);
  p.running_hash = end.hash;
  return p;
}

ChatStreamVerifier::ChatStreamVerifier(ByteSpan inference_id, const crypto::PublicKey& signer)
    : inference_id_(inference_id.begin(), inference_id.end()),
      signer_(signer),
      hash_(ChatStreamSeed(inference_id)) {}

Status ChatStreamVerifier::Accept(const ChatChunk& chunk) {
  if (broken_) return Error(Code::kVerification, "chat stream: already failed verification");
  broken_ = true;  // cleared on success
  if (chunk.index != next_) {
    return Error(Code::kInvalidArgument, "chat chunk " + std::to_string(chunk.index) +
                                             ": out of order (expected " + std::to_string(next_) +
                                             ")");
  }
  if (chunk.tokens.size() > kMaxChunkTokens || chunk.text.size() > kMaxChunkTextBytes) {
    return Error(Code::kInvalidArgument,
                 "chat chunk " + std::to_string(chunk.index) + ": larger than the chunk limits");
  }
  crypto::Digest256 expected = ChatStreamStep(hash_, chunk.index, chunk.tokens, chunk.text);
  if (expected != chunk.running_hash) {
    return Error(Code::kVerification, "chat chunk " + std::to_string(chunk.index) +
                                          ": running hash differs (altered or missing chunk)");
  }
  if (!crypto::Verify(signer_, ChunkSigningBytes(inference_id_, chunk.index, chunk.running_hash),
                      chunk.signature)) {
    return Error(Code::kUnauthenticated,
                 "chat chunk " + std::to_string(chunk.index) + ": signature does not verify");
  }
  hash_ = expected;
  ++next_;
  tokens_.insert(tokens_.end(), chunk.tokens.begin(), chunk.tokens.end());
  text_ += chunk.text;
  broken_ = false;
  return Status::Ok();
}

Status ChatStreamVerifier::Finish(const ChatReceipt& r) const {
  auto fail = [](std::string what) {
    return Error(Code::kVerification, "chat receipt: " + std::move(what));
  };
  if (broken_) return fail("the stream failed verification");
  if (r.inference_id != inference_id_) return fail("inference_id is another request's");
  if (r.chunks != next_) {
    return fail("covers " + std::to_string(r.chunks) + " chunks, " + std::to_string(next_) +
                " were received (truncated stream)");
  }
  if (r.completion_tokens != tokens_.size()) {
    return fail("completion_tokens " + std::to_string(r.completion_tokens) + ", the chunks hold " +
                std::to_string(tokens_.size()));
  }
  if (!SameBytes(r.tokens_hash, TokensHash(tokens_))) return fail("tokens_hash differs");
  if (!SameBytes(r.text_hash, crypto::Sha256(AsBytes(text_)))) return fail("text_hash differs");
  return Status::Ok();
}

}  // namespace vinet::protocol
