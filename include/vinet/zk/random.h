// Prover-side secret randomness for zero-knowledge masks.
//
// Every mask (Ligero padding symbols, mask rows, leaf salts) is drawn here
// from OpenSSL's CSPRNG (RAND_bytes), never from the Fiat-Shamir transcript:
// the transcript is public, so masks derived from it would hide nothing.
// Field elements are uniform: 8-byte little-endian words >= p are rejected
// (no modular bias). A CSPRNG failure aborts the process: continuing with
// predictable masks would silently break hiding. Thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vinet/zk/codec.h"
#include "vinet/zk/field/extension.h"

namespace vinet::zk {

// Fills `out` with independent uniform elements of F_p.
void RandomFps(std::span<Fp> out);
std::vector<Fp> RandomFps(size_t count);

// A fresh 32-byte secret seed (RAND_bytes; the test generator when seeded).
Digest RandomSeed();

// Deterministic expansion of a secret seed into field elements, for masks
// the prover must reproduce (a hiding commitment recomputed from its stored
// seed): word i of block b is bytes [8i, 8i+8) of SHA-256("vinet.zk.mask" ||
// seed || u64le(b)), rejected if >= p. Pseudorandom to anyone without the seed.
class MaskStream {
 public:
  explicit MaskStream(const Digest& seed) : seed_(seed) {}
  void Fill(std::span<Fp> out);
  std::vector<Fp> Take(size_t count);

 private:
  Digest seed_;
  uint64_t block_ = 0;
};

// Tests only: while an object lives, RandomFps calls made on the thread that
// created it draw from a seeded (NOT secure) generator, so statistical tests
// of the masks are deterministic. Other threads are unaffected. Never used by
// the library itself.
class ScopedSeededMasksForTesting {
 public:
  explicit ScopedSeededMasksForTesting(uint64_t seed);
  ~ScopedSeededMasksForTesting();
  ScopedSeededMasksForTesting(const ScopedSeededMasksForTesting&) = delete;
  ScopedSeededMasksForTesting& operator=(const ScopedSeededMasksForTesting&) = delete;
  struct State;  // opaque

 private:
  State* previous_;
  State* state_;
};

}  // namespace vinet::zk
