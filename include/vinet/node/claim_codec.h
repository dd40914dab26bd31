// The claim store's binary record (claim_store.h): what RocksDB holds for
// each claim, written on every status change (ACCEPTED → SUBMITTED → final).
//
// Layout: magic 0xC1, version 0x01, then the fields of ClaimRecord in a fixed
// order: strings and byte strings as a 4-byte big-endian length then the
// bytes (id_hex, request, receipt, outputs, chat, status, client, model_id,
// tx_hash), the mode as one byte, fee/height/accepted_ms/submitted_ms/
// settled_ms as 8-byte big-endian. No hex, no JSON: a record is about half
// the size of the JSON form and costs no escaping or parsing.
//
// `DecodeClaimRecord` reads both this form and the JSON form that earlier
// nodes wrote (ClaimFromJson, first byte '{'), so a node upgraded in place
// keeps its open claims. It rejects truncated or oversized input and trailing
// bytes with a kParse error naming the field and byte offset, in time linear
// in the input's size (every length is checked against the bytes left before
// anything is copied).
#pragma once

#include <string>
#include <string_view>

#include "vinet/node/claim_store.h"

namespace vinet::node {

std::string EncodeClaimRecord(const ClaimRecord& c);
Result<ClaimRecord> DecodeClaimRecord(std::string_view record);

}  // namespace vinet::node
