// Fuzz target: untrusted CometBFT RPC answers through the light client's
// decoders. The first byte picks the answer kind (0: /commit result,
// 1: /validators page, 2: abci_query result with proof ops, 3: genesis
// validators); the rest is JSON text, read with the same limits as RpcGet.
// Decoded values are then hashed and validated. Nothing may crash or throw,
// and every refusal carries a message.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vinet/common/json_limits.h"
#include "vinet/light/hashing.h"
#include "vinet/light/json_decode.h"
#include "vinet/light/verified_state.h"
#include "vinet/light/verifier.h"

using namespace vinet;

namespace {

void Check(const Status& s) {
  if (!s.ok() && s.message().empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto doc = ParseUntrustedJson(text, JsonLimits{1 << 20, 32}, "fuzz");
  Check(doc.status());
  if (!doc.ok()) return 0;
  switch (data[0] % 4) {
    case 0: {
      auto sh = light::DecodeCommitResult(*doc);
      Check(sh.status());
      if (!sh.ok()) return 0;
      (void)light::HeaderHash(sh->header);
      Check(light::ValidateSignedHeader(*sh, sh->header.chain_id));
      for (size_t i = 0; i < sh->commit.signatures.size(); ++i) {
        (void)light::VoteSignBytes(sh->header.chain_id, sh->commit, i);
      }
      break;
    }
    case 1: {
      light::ValidatorSet set;
      auto total = light::DecodeValidatorsPage(*doc, set);
      Check(total.status());
      if (!total.ok()) return 0;
      (void)light::ValidatorSetHash(set);
      Check(light::ValidateValidatorSet(set, "fuzz"));
      break;
    }
    case 2: {
      auto a = light::DecodeProvedAnswer(*doc);
      Check(a.status());
      if (a.ok()) Check(light::DecodeClaimRecord(a->value).status());
      break;
    }
    default: {
      auto set = light::DecodeGenesisValidators(*doc);
      Check(set.status());
      break;
    }
  }
  return 0;
}
