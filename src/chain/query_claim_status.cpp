#include "query_claim_status.h"

#include "query_answer.h"
#include "vinet/chain/result_codes.h"
#include "vinet/common/bytes.h"
#include "vinet/crypto/ed25519.h"

namespace vinet::chain {

using ::tendermint::abci::ResponseQuery;

ResponseQuery QueryClaimStatus(const State& state, const std::string& address,
                               const std::string& ids) {
  if (ids.empty() || ids.size() % 32 != 0 || ids.size() / 32 > kMaxClaimStatusIds) {
    return QueryFail(QueryCode::kBadId, "query /claim_status/: data must be 1 to " +
                                            std::to_string(kMaxClaimStatusIds) +
                                            " raw 32-byte inference ids, got " +
                                            std::to_string(ids.size()) + " bytes");
  }
  std::string out;
  out.reserve(ids.size() / 32 * kClaimStatusRecordBytes);
  for (size_t off = 0; off < ids.size(); off += 32) {
    auto claim = state.GetClaim(ToHex(AsBytes(std::string_view(ids).substr(off, 32))));
    if (!claim.ok()) {
      return QueryFail(QueryCode::kInternal, "query /claim_status/: id at byte " +
                                                 std::to_string(off) + ": " +
                                                 claim.status().ToString());
    }
    uint8_t status = kClaimStatusAbsent;
    uint64_t height = 0;
    if (claim->has_value()) {
      const auto& node = (*claim)->node();
      crypto::PublicKey pk{};
      if (node.size() == pk.size()) std::copy(node.begin(), node.end(), pk.begin());
      if (node.size() == pk.size() && crypto::AddressOf(pk) == address) {
        status = static_cast<uint8_t>((*claim)->status());
        height = static_cast<uint64_t>((*claim)->height());
      } else {
        status = kClaimStatusOtherNode;
      }
    }
    out.push_back(static_cast<char>(status));
    for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<char>((height >> s) & 0xff));
  }
  ResponseQuery r;
  r.set_value(std::move(out));
  return r;
}

}  // namespace vinet::chain
