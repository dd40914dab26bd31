// The bytes a validator's application signs to certify the app hash it
// committed at a height (the app-level commit certificate, docs/light_client.md
// "App-hash certificates").
//
//   "vinet.app_hash.v1" || u32be(len(chain_id)) || chain_id
//                       || u64be(height) || u32be(len(app_hash)) || app_hash
//
// The domain tag keeps these signatures apart from every other message the
// consensus key signs (CometBFT votes are protobuf, never start with this tag);
// the length prefixes make the encoding injective. Pure; cannot fail.
#pragma once

#include <cstdint>
#include <string_view>

#include "vinet/common/bytes.h"

namespace vinet::crypto {

inline constexpr std::string_view kAppHashDomain = "vinet.app_hash.v1";

Bytes AppHashSignBytes(std::string_view chain_id, int64_t height, ByteSpan app_hash);

}  // namespace vinet::crypto
