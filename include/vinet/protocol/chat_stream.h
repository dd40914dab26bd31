// Signed streaming of a chat answer, chunk by chunk (docs/chat.md).
//
// Each chunk carries its index, the token ids it adds, its text delta, a
// running hash over everything streamed so far, and a signature by the
// answer's signer (the enclave key in TEE mode, the node key in VANILLA):
//   h_-1 = SHA-256("vinet.chat.stream.v1\0" || inference_id)
//   h_i  = SHA-256(h_{i-1} || u32le(i) || u32le(#tokens) || tokens as i32le ||
//                  u32le(#text bytes) || text)
//   sig_i = Ed25519("vinet-chat-chunk-v1" || inference_id || u32le(i) || h_i)
// A verifier that accepts chunks in order therefore rejects an altered,
// dropped, reordered or foreign chunk at once; `Finish` then checks that the
// final receipt covers exactly the accepted chunks (count, token hash, text
// hash, completion tokens), so a truncated stream fails too.
//
// `ChatStreamSigner` is what the enclave (or a VANILLA node) runs; it keeps
// every chunk's tokens and text so that a receipt can cover any prefix (a
// client that disconnected pays for what was delivered). Neither class is
// thread-safe; both are movable values.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/common/result.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/crypto/hash.h"
#include "vinet/protocol/chat_receipt.h"

namespace vinet::protocol {

inline constexpr size_t kMaxChunkTokens = 64;
inline constexpr size_t kMaxChunkTextBytes = 4096;

struct ChatChunk {
  uint32_t index = 0;
  std::vector<int32_t> tokens;
  std::string text;
  crypto::Digest256 running_hash{};
  crypto::Signature signature{};
  friend bool operator==(const ChatChunk&, const ChatChunk&) = default;
};

// What the first n chunks add up to.
struct ChatStreamPrefix {
  uint32_t chunks = 0;
  std::vector<int32_t> tokens;
  std::string text;
  crypto::Digest256 running_hash{};
};

class ChatStreamSigner {
 public:
  ChatStreamSigner(ByteSpan inference_id, const crypto::SecretKey& signer);
  // The next chunk (index = chunks so far). Precondition: sizes within
  // kMaxChunkTokens / kMaxChunkTextBytes (the caller splits longer deltas).
  ChatChunk Next(std::span<const int32_t> tokens, std::string_view text);
  uint32_t chunks() const { return static_cast<uint32_t>(ends_.size()); }
  // Requires n <= chunks().
  ChatStreamPrefix Prefix(uint32_t n) const;

 private:
  Bytes inference_id_;
  crypto::SecretKey signer_;
  std::vector<int32_t> tokens_;
  std::string text_;
  struct End {
    size_t tokens, text;
    crypto::Digest256 hash;
  };
  std::vector<End> ends_;
};

class ChatStreamVerifier {
 public:
  ChatStreamVerifier(ByteSpan inference_id, const crypto::PublicKey& signer);
  // kInvalidArgument (index out of order, sizes), kVerification (running
  // hash differs), kUnauthenticated (signature). After an error every later
  // call fails: a broken stream stays broken.
  Status Accept(const ChatChunk& chunk);
  // The receipt must name this inference, cover exactly the accepted chunks
  // and their tokens and text. kVerification naming the field. Signatures of
  // the receipt are checked by the caller (it knows which keys it trusts).
  Status Finish(const ChatReceipt& receipt) const;
  const std::string& text() const { return text_; }
  const std::vector<int32_t>& tokens() const { return tokens_; }
  uint32_t chunks() const { return next_; }

 private:
  Bytes inference_id_;
  crypto::PublicKey signer_;
  crypto::Digest256 hash_{};
  uint32_t next_ = 0;
  bool broken_ = false;
  std::vector<int32_t> tokens_;
  std::string text_;
};

// The running hash before the first chunk and one step of it.
crypto::Digest256 ChatStreamSeed(ByteSpan inference_id);
crypto::Digest256 ChatStreamStep(const crypto::Digest256& previous, uint32_t index,
                                 std::span<const int32_t> tokens, std::string_view text);

// JSON form, as the "vinet" object of a streamed chunk:
//   {"index": n, "tokens": [ids], "text": str, "running_hash": hex, "signature": hex}
std::string ChatChunkToJson(const ChatChunk& chunk);
Result<ChatChunk> ChatChunkFromJson(std::string_view json);

}  // namespace vinet::protocol
