// abci_query paths of the chain. Answers are JSON (UTF-8) in
// ResponseQuery.value; errors carry a QueryCode and a log.
//   /account/<addr>  {"address": "...", "balance": N, "nonce": N}  (absent → zeros)
//   /node/<addr>     {"address", "public_key", "stake", "endpoint", "status",
//                    "registered_height", "unbond_complete_height", "jailed"}
//                    (absent → code kNotFound)
//   /params          {"min_stake", "unbonding_blocks", "min_fee", "max_tx_bytes", ...}
//   /model/<id>, /enclave/<key hex>, /claim/<id hex>, /zkml_key/<model id>,
//   /deposit/<client addr>/<node addr>  (query_inference.h, query.cpp)
// Numbers are JSON integers (uint64 range).
//
// Height: `height` 0 reads the last committed block; H > 0 reads the state as
// committed at block H, which must be retained (store.h): H past the last
// block answers kFutureHeight, H older than the oldest kept version answers
// kPrunedHeight, each with a log naming both heights. The answer's `height`
// is the height read.
//
// Proofs: with `prove` set, every path that names one state key answers with
// the raw stored value (deterministic protobuf bytes, the bytes the proof
// commits to) in `value`, the state key in `key`, the JSON rendering in `info`
// (a convenience, not covered by the proof), and `proof_ops` holding one
// ProofOp (vinet/merkle/proof_ops.h: type "vinet:smt:v1", key, proof). A
// present key answers code 0 with a membership proof; an absent key answers
// kNotFound with an absence proof (so /account of an unused address is
// kNotFound when proved). The proof verifies against the app hash in the
// header of block height+1 (CometBFT's convention).
#pragma once

#include "tendermint/abci/types.pb.h"
#include "vinet/chain/store.h"

namespace vinet::chain {

::tendermint::abci::ResponseQuery HandleQuery(const Store& store,
                                              const ::tendermint::abci::RequestQuery& req);

// The state key a single-key query path reads ("/claim/<id>" → "c/<id>"), or
// nullopt for paths that are not one key. Call only on paths that validated.
std::optional<std::string> StateKeyOfPath(const std::string& path);

}  // namespace vinet::chain
