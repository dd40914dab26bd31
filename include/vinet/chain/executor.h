// Executes one tx against a staged state: the common pipeline
// decode → authenticate → check chain id / size / fee / nonce / balance →
// charge fee and bump nonce → run the message handler.
//
// Modes:
//   kCheck    (CheckTx): any failure leaves `state` untouched.
//   kDeliver  (FinalizeBlock): failures before the fee is charged leave
//             `state` untouched; a failing message handler still pays the
//             fee and consumes the nonce, but its own effects are discarded.
// The result's code is deterministic; the log is informative.
#pragma once

#include <map>
#include "vinet/chain/handlers.h"

namespace vinet::chain {

// kRecheck: a mempool recheck of a tx that already passed kCheck with these
// exact bytes: like kCheck, but the claims' signatures (a pure function of
// the bytes) are not verified again.
enum class ExecMode { kCheck, kRecheck, kDeliver };

struct ExecResult {
  TxStatus status;
  Events events;
};

// `block_time_ms`: the block header's time (FinalizeBlock) or the last
// block's (CheckTx); `tx_index`: the tx's position in its block;
// `block_verify_units`: the block's ZKML verify-unit counter (TxContext).
ExecResult ExecuteTx(Overlay& state, ByteSpan tx, int64_t height, std::string_view chain_id,
                     ExecMode mode, int64_t block_time_ms = 0, uint32_t tx_index = 0,
                     uint64_t* block_verify_units = nullptr,
                     std::map<std::string, uint64_t>* node_verify_units = nullptr);

}  // namespace vinet::chain
