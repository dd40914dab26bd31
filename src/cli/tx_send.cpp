#include "cli/tx_send.h"

#include <chrono>
#include <thread>

#include "cli/chain_tx.h"
#include "vinet/chain/result_codes.h"
#include "vinet/chain/tx.h"

namespace vinet::cli {
namespace {
using json = nlohmann::json;

std::string Refusal(const json& result) {
  auto code = result.value("code", int64_t{0});
  return "code " + std::to_string(code) + " (" +
         std::string(chain::TxCodeName(static_cast<chain::TxCode>(code))) +
         "): " + result.value("log", std::string());
}
}  // namespace

json SendTxAndWait(chain::RpcClient& rpc, const crypto::SecretKey& key,
                   ::vinet::tx::v1::TxBody body, double seconds) {
  auto q = ValueOrThrow(rpc.AbciQuery("/account/" + crypto::AddressOf(key.public_key())));
  auto account = json::parse(q.value("value", "{}"), nullptr, false);
  body.set_chain_id(ValueOrThrow(rpc.ChainId()));
  body.set_nonce(account.is_object() ? account.value("nonce", uint64_t{0}) : 0);
  body.set_fee(1);
  chain::PayMinimumFee(ChainFees(rpc), body);
  json sync = ValueOrThrow(rpc.BroadcastTxSync(chain::BuildSignedTx(key, body)));
  if (sync.value("code", 0) != 0) {
    throw StatusError(Error(Code::kInvalidArgument, "tx refused: " + Refusal(sync)));
  }
  std::string hash = sync.value("hash", "");
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  while (std::chrono::steady_clock::now() < deadline) {
    json found = ValueOrThrow(rpc.FindTx(hash));
    if (!found.is_null() && found.contains("tx_result")) {
      if (found["tx_result"].value("code", 0) != 0) {
        throw StatusError(Error(Code::kInvalidArgument,
                                "tx " + hash + " failed: " + Refusal(found["tx_result"])));
      }
      return {{"hash", hash}, {"height", std::stoll(found.value("height", "0"))}};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  throw StatusError(Error(Code::kTimeout, "tx " + hash + " not in a block after " +
                                              std::to_string(static_cast<int>(seconds)) + " s"));
}

}  // namespace vinet::cli
