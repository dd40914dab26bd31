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

#include "vinet/chain/handlers.h"

namespace vinet::chain {

enum class ExecMode { kCheck, kDeliver };

struct ExecResult {
  TxStatus status;
  Events events;
};

ExecResult ExecuteTx(Overlay& state, ByteSpan tx, int64_t height, std::string_view chain_id,
                     ExecMode mode);

}  // namespace vinet::chain
