// Fiat-Shamir transcript over SHA-256: the one source of verifier randomness.
//
// The state is a 32-byte digest. Absorb(label, data) replaces it with
// SHA-256("vinet.zk.absorb" || state || u32 len || label || u64 len || data),
// so every message is labelled and length-prefixed and no two message
// sequences collide. A challenge first ratchets the state with
// SHA-256("vinet.zk.squeeze" || state || u32 len || label) and then reads
// 8-byte little-endian words from SHA-256(state || u64 counter) blocks:
// field elements by rejection sampling (a word >= p is discarded, no modular
// bias; one ratchet per call, however many elements it returns), indices below a bound by rejecting
// words past the largest multiple of the bound. Prover and verifier must perform the same calls in
// the same order. Not thread-safe; copyable (a copy forks the transcript).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "vinet/common/bytes.h"
#include "vinet/zk/codec.h"
#include "vinet/zk/field/extension.h"

namespace vinet::zk {

class Transcript {
 public:
  // Starts a transcript bound to a protocol name and version string.
  explicit Transcript(std::string_view protocol);

  void Absorb(std::string_view label, ByteSpan data);
  void AbsorbU64(std::string_view label, uint64_t v);
  void AbsorbFp(std::string_view label, Fp v);
  void AbsorbFp2(std::string_view label, Fp2 v);
  void AbsorbFp2s(std::string_view label, std::span<const Fp2> v);
  void AbsorbDigest(std::string_view label, const Digest& d) { Absorb(label, d); }

  Fp ChallengeFp(std::string_view label);
  Fp2 ChallengeFp2(std::string_view label);
  std::vector<Fp2> ChallengeFp2s(std::string_view label, size_t count);
  // `count` distinct indices in [0, bound), sorted ascending. count <= bound
  // (asserted): callers clamp the query count to the domain size.
  std::vector<size_t> ChallengeDistinctIndices(std::string_view label, size_t count, size_t bound);

  const Digest& state() const { return state_; }

 private:
  class Squeezer;
  void AbsorbParts(std::string_view label, ByteSpan head, ByteSpan body);
  Squeezer Ratchet(std::string_view label);
  static Fp SampleFp(Squeezer& s);

  Digest state_{};
};

}  // namespace vinet::zk
