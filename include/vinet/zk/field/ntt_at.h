// Selected outputs of the padded bit-reversed NTT (verifier side).
//
// NttBitReversedPaddedAt(msg, n, positions) returns, for each position q in
// `positions` (strictly increasing, < n), entry q of NttBitReversedPadded
// applied coordinate-wise to msg zero-padded to n (n a power of two >=
// msg.size()): the Reed-Solomon codeword symbols a Ligero verifier checks,
// without the rest of the codeword. It runs the same decimation-in-frequency
// butterflies, pruned to the blocks that hold a requested position (a block
// with one requested half computes only that half), so the values are equal,
// not just close. Twiddles are cached per size (thread-safe). Bad arguments
// are caller bugs (asserted).
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "vinet/zk/field/extension.h"

namespace vinet::zk {

std::vector<Fp2> NttBitReversedPaddedAt(std::span<const Fp2> msg, size_t n,
                                        std::span<const size_t> positions);
// The same with the message written by fill(prefix of msg_len elements) into
// the transform's buffer (no separate message vector).
std::vector<Fp2> NttBitReversedPaddedAt(size_t msg_len, size_t n, std::span<const size_t> positions,
                                        const std::function<void(std::span<Fp2>)>& fill);

}  // namespace vinet::zk
