#include "vinet/zk/transcript/transcript.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <set>
#include <type_traits>

#include "zk/common/sha256_fast.h"

// Hashing goes through detail::Sha256Parts (one call per digest, no per-call
// setup of a generic digest API): the same SHA-256 as vinet::crypto::Sha256.
namespace vinet::zk {
namespace {

struct LabelLength {
  uint8_t bytes[4];
  explicit LabelLength(std::string_view label) {
    for (int i = 0; i < 4; ++i) bytes[i] = static_cast<uint8_t>(label.size() >> (8 * i));
  }
};

}  // namespace

// Reads 8-byte words from SHA-256(state || counter) blocks.
class Transcript::Squeezer {
 public:
  explicit Squeezer(const Digest& seed) : seed_(seed) {}

  uint64_t NextWord() {
    if (pos_ == block_.size()) Refill();
    uint64_t w = 0;
    for (int i = 0; i < 8; ++i) w |= static_cast<uint64_t>(block_[pos_ + i]) << (8 * i);
    pos_ += 8;
    return w;
  }

 private:
  void Refill() {
    uint8_t ctr[8];
    for (int i = 0; i < 8; ++i) ctr[i] = static_cast<uint8_t>(counter_ >> (8 * i));
    ++counter_;
    block_ = detail::Sha256Parts({seed_, ctr});
    pos_ = 0;
  }

  Digest seed_;
  Digest block_{};
  size_t pos_ = 32;
  uint64_t counter_ = 0;
};

Transcript::Transcript(std::string_view protocol) {
  LabelLength len(protocol);
  state_ = detail::Sha256Parts({AsBytes("vinet.zk.transcript"), len.bytes, AsBytes(protocol)});
}

void Transcript::Absorb(std::string_view label, ByteSpan data) {
  AbsorbParts(label, {}, data);
}

// Absorb(label, head || body) without concatenating them.
void Transcript::AbsorbParts(std::string_view label, ByteSpan head, ByteSpan body) {
  LabelLength label_len(label);
  uint8_t len[8];
  uint64_t total = uint64_t{head.size()} + body.size();
  for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(total >> (8 * i));
  state_ = detail::Sha256Parts(
      {AsBytes("vinet.zk.absorb"), state_, label_len.bytes, AsBytes(label), len, head, body});
}

void Transcript::AbsorbU64(std::string_view label, uint64_t v) {
  ByteWriter w;
  w.U64(v);
  Absorb(label, w.bytes());
}

void Transcript::AbsorbFp(std::string_view label, Fp v) {
  ByteWriter w;
  w.Field(v);
  Absorb(label, w.bytes());
}

// Fp2 values are two canonical little-endian u64 words in memory (static
// asserts), which is their encoding (ByteWriter::Field): hashed in place.
static_assert(sizeof(Fp2) == 16 && std::is_trivially_copyable_v<Fp2>);
static_assert(std::endian::native == std::endian::little);

namespace {
ByteSpan Fp2Bytes(std::span<const Fp2> v) {
  return {reinterpret_cast<const uint8_t*>(v.data()), v.size() * sizeof(Fp2)};
}
}  // namespace

void Transcript::AbsorbFp2(std::string_view label, Fp2 v) {
  AbsorbParts(label, {}, Fp2Bytes({&v, 1}));
}

void Transcript::AbsorbFp2s(std::string_view label, std::span<const Fp2> v) {
  uint8_t count[4];
  for (int i = 0; i < 4; ++i) count[i] = static_cast<uint8_t>(uint64_t{v.size()} >> (8 * i));
  AbsorbParts(label, count, Fp2Bytes(v));
}

Transcript::Squeezer Transcript::Ratchet(std::string_view label) {
  LabelLength len(label);
  state_ = detail::Sha256Parts({AsBytes("vinet.zk.squeeze"), state_, len.bytes, AsBytes(label)});
  return Squeezer(state_);
}

Fp Transcript::SampleFp(Squeezer& s) {
  for (;;) {
    uint64_t w = s.NextWord();
    if (w < Fp::kModulus) return Fp(w);
  }
}

Fp Transcript::ChallengeFp(std::string_view label) {
  Squeezer s = Ratchet(label);
  return SampleFp(s);
}

Fp2 Transcript::ChallengeFp2(std::string_view label) {
  return ChallengeFp2s(label, 1)[0];
}

std::vector<Fp2> Transcript::ChallengeFp2s(std::string_view label, size_t count) {
  Squeezer s = Ratchet(label);
  std::vector<Fp2> out(count);
  for (auto& x : out) {
    Fp c0 = SampleFp(s);
    Fp c1 = SampleFp(s);
    x = Fp2(c0, c1);
  }
  return out;
}

std::vector<size_t> Transcript::ChallengeDistinctIndices(std::string_view label, size_t count,
                                                         size_t bound) {
  assert(count <= bound && bound > 0);
  Squeezer s = Ratchet(label);
  uint64_t limit = (~uint64_t{0} / bound) * bound;  // largest multiple of bound in range
  std::set<size_t> chosen;
  while (chosen.size() < count) {
    uint64_t w = s.NextWord();
    if (w >= limit) continue;
    chosen.insert(static_cast<size_t>(w % bound));
  }
  return std::vector<size_t>(chosen.begin(), chosen.end());
}

}  // namespace vinet::zk
