// Test helper: every byte of an encoding flipped (low and high bit, one at a
// time) must make `accept` (parse + verify) return false.
#pragma once

#include <cstdint>
#include <functional>

#include <gtest/gtest.h>

#include "vinet/common/bytes.h"

namespace vinet::zk::testing {

inline void ExpectEveryByteFlipRejected(const Bytes& bytes,
                                        const std::function<bool(const Bytes&)>& accept) {
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t flip : {0x01, 0x80}) {
      Bytes bad = bytes;
      bad[i] ^= flip;
      EXPECT_FALSE(accept(bad)) << "byte " << i;
    }
  }
}

}  // namespace vinet::zk::testing
