// Fuzzes merkle::DecodeProof and merkle::DecodeProofOps on the same bytes: a
// decoded proof re-encodes to exactly the input (the encoding is canonical),
// decoded ProofOps re-encode and decode to the same ops, and verification of
// whatever decodes (against a fixed root, for a fixed key) never crashes and
// never accepts both membership and absence of one key.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "vinet/merkle/proof.h"
#include "vinet/merkle/proof_ops.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vinet;
  ByteSpan in(data, size);
  auto proof = merkle::DecodeProof(in);
  if (proof.ok()) {
    Bytes again = merkle::EncodeProof(*proof);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
    // The root the proof implies for "k": membership of "v" and absence of
    // "k" cannot both hold for one root.
    const merkle::Hash root = merkle::ImpliedRoot(merkle::KeyHash(AsBytes("k")), *proof);
    const bool member = merkle::VerifyMembership(root, AsBytes("k"), AsBytes("v"), *proof).ok();
    const bool absent = merkle::VerifyAbsence(root, AsBytes("k"), *proof).ok();
    if (member && absent) std::abort();
  }
  auto ops = merkle::DecodeProofOps(in);
  if (ops.ok()) {
    auto round = merkle::DecodeProofOps(merkle::EncodeProofOps(*ops));
    if (!round.ok() || *round != *ops) std::abort();
    merkle::Hash root{};
    (void)merkle::VerifyProofOps(root, AsBytes("k"), std::nullopt, *ops);
  }
  return 0;
}
