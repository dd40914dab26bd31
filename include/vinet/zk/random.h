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

#include "vinet/zk/field/extension.h"

namespace vinet::zk {

// Fills `out` with independent uniform elements of F_p.
void RandomFps(std::span<Fp> out);
std::vector<Fp> RandomFps(size_t count);

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
