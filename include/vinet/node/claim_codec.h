// The claim store's binary records (claim_store.h): what RocksDB holds for
// each claim. The whole record is written once, when the claim is accepted;
// each later status change (→ SUBMITTED → final) writes only a status record.
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

// The status record: the fields a status change sets (status, tx_hash,
// height, submitted_ms, settled_ms), nothing else.
// Layout: magic 0xC2, version 0x01, status and tx_hash as 4-byte big-endian
// length then bytes, then height/submitted_ms/settled_ms as 8-byte
// big-endian. `DecodeClaimStatus` checks like DecodeClaimRecord (kParse
// naming the field and byte offset, linear time) and writes the fields into
// `into` only when the whole record decodes.
std::string EncodeClaimStatus(const ClaimRecord& c);
Status DecodeClaimStatus(std::string_view record, ClaimRecord* into);

}  // namespace vinet::node
