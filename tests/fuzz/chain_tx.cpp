// Fuzzes the network-facing tx path: DecodeTx, then ExecuteTx in both modes
// against a small funded state. Any input must yield a result code, never a
// crash; a rejected CheckTx must leave the state untouched.
#include <cstdio>
#include <cstdlib>

#include "vinet/chain/executor.h"
#include "vinet/chain/genesis.h"

namespace {

using namespace vinet;
using namespace vinet::chain;

struct Fixture {
  EmptyKv empty;
  Overlay genesis{empty};
  Fixture() {
    Genesis g;
    g.params = DefaultParams();
    // The seed corpus signs with the key whose seed is 32 bytes of 0x01.
    auto key = crypto::SecretKey::FromSeed(Bytes(32, 1)).value();
    g.accounts.push_back({crypto::AddressOf(key.public_key()), 1'000'000});
    State s(genesis);
    ApplyGenesis(g, s);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fx;
  ByteSpan tx(data, size);
  DecodedTx decoded;
  TxStatus st = DecodeTx(tx, decoded);
  if (!st.ok() && st.log.empty()) std::abort();

  auto check = Overlay::Over(fx.genesis);
  auto r = ExecuteTx(check, tx, 2, "fuzz-chain", ExecMode::kCheck);
  if (!r.status.ok() && !check.changes().empty()) {
    fprintf(stderr, "code %d log %s changes %zu\n", (int)r.status.code, r.status.log.c_str(),
            check.changes().size());
    std::abort();
  }
  if (!r.status.ok() && r.status.log.empty()) std::abort();

  auto deliver = Overlay::Over(fx.genesis);
  auto d = ExecuteTx(deliver, tx, 2, "fuzz-chain", ExecMode::kDeliver);
  if (d.status.code != r.status.code) std::abort();  // same state, same verdict
  return 0;
}
