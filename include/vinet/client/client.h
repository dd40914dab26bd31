// `vinet::Client`: the C++ client of an inference node, in two steps.
//
//   1. `Infer` signs a request (docs/network.md) for the inputs, posts it to
//      the node and returns at once with the outputs and the receipt.
//   2. `Verify` checks locally that the receipt binds this request, these
//      inputs and the outputs held, and its signatures: the node's in every
//      mode; in TEE mode also the enclave's, under an attestation document
//      fetched from the node with a fresh nonce and verified under the
//      configured trust roots (cached per enclave key).
//      `WaitSettled` then waits for the chain's verdict on the claim: it
//      subscribes to CometBFT's websocket for the claim's `vinet.claim`
//      event (chain_events.h) and queries /claim/<id> after each
//      (re)subscription, so a claim settled earlier is not missed; a dropped
//      socket is reconnected (backoff 100 ms → 2 s) until the timeout.
//      By default (`verify_settlement`) a final status is then proven:
//      the claim is queried with a Merkle proof and checked against the app
//      hash of a header the light client verified from the trust root
//      (client/verified_state.h), cross-checked with every witness RPC (or,
//      sooner, an app-hash certificate of > 2/3 of the voting power of the
//      verified header H's set, light/app_cert.h); only
//      then is `Settlement::proof_verified` true. A failed check is an error
//      (kVerification / kNotFound / kTimeout naming what failed), never a
//      settlement with proof_verified false.
// Before signing, `Infer` checks the model, mode, fee and inputs against the
// node's `/v1/models` (cached; model_checks.h), casts f64/int inputs to the
// model's f32, and in TEE mode attests the node's enclave under the roots, so
// those mistakes cost nothing and carry no inference id.
// Errors carry the node's code (kInsufficientFunds, kNotFound, ...) and
// message; a node answer of HTTP 5xx, or none at all, is kUnavailable (or
// kTimeout): only those are worth retrying. Messages end with "(hint: ...)"
// where the fix is known (funds, fee, roots). Once a request is signed, every error `Infer` returns
// names its inference id ("inference <hex>: ...") and `last_inference_id()` holds it: a call that
// timed out may still have been served (and charged), and `Fetch` gets the stored answer from the
// node (GET /v1/inferences/<id>). Not thread-safe (one Client per thread); cheap to construct.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinet/client/chat.h"
#include "vinet/client/model_checks.h"
#include "vinet/crypto/ed25519.h"
#include "vinet/light/light_client.h"
#include "vinet/protocol/receipt.h"
#include "vinet/protocol/request.h"
#include "vinet/tee/receipt_verifier.h"
#include "vinet/tee/trust_root.h"

namespace vinet::client {

struct ClientOptions {
  std::string node_url;               // http://host:port
  std::string chain_rpc;              // CometBFT RPC http://host:port
  std::string chain_id;               // empty: asked from the node's /healthz
  std::vector<tee::TrustRoot> roots;  // for TEE attestation
  bool allow_debug_enclaves = false;
  uint64_t max_fee = 1'000'000;
  std::string chain_ws;  // CometBFT websocket; empty: derived from chain_rpc
  // The node every request is addressed to (only it can claim the fee);
  // unset: asked once from the node's /healthz.
  std::optional<crypto::PublicKey> node_pubkey;
  int64_t request_ttl_ms = 600'000;  // a request's signed lifetime (expires_ms - timestamp_ms)
  int64_t read_timeout_ms = 60'000;  // per HTTP call to the node
  // Light client (WaitSettled): more CometBFT RPC URLs that cross-check the
  // headers chain_rpc serves, and the root of trust: a genesis.json file, or a
  // pinned checkpoint (height and header hash hex). Neither: the genesis the
  // primary serves at /genesis (trust on first use, cross-checked with the
  // witnesses' /genesis).
  std::vector<std::string> chain_witnesses;
  std::string trust_genesis_file;
  int64_t trust_height = 0;
  std::string trust_hash;
  bool verify_settlement = true;
  int64_t trusting_period_s = 14 * 24 * 3600;
  // App-hash certificates (light/app_cert.h): chain_rpc, the witnesses and
  // these RPCs (e.g. every validator's) are asked for their validators'
  // signatures of the app hash after block H, so a settlement is proven as
  // soon as H commits when > 2/3 of H's voting power signed; otherwise (or
  // with app_hash_certificates false) against header H+1, one block later.
  std::vector<std::string> signer_rpcs;
  bool app_hash_certificates = true;
  int64_t certificate_wait_ms = 1'500;
};

struct InferResult {
  std::string inference_id;  // hex
  protocol::SignedRequest request;
  std::vector<protocol::NamedTensor> inputs;
  std::vector<protocol::NamedTensor> outputs;
  protocol::Receipt receipt;
  int64_t sent_ms = 0, received_ms = 0;  // client wall clock
  int64_t node_answered_ms = 0;
  Bytes zkml_proof;  // ZKML with wait_proof: the proof the node sent (client/zkml.h verifies)
};

struct Settlement {
  std::string status;  // SETTLED, REJECTED, ...
  int64_t height = 0;
  std::string tx_hash;
  int64_t seen_ms = 0;       // client wall clock
  int64_t trust_gap_ms = 0;  // seen_ms - received_ms
  uint64_t fee = 0;          // WaitChatSettled: what the chain charged (= the priced fee)
  // True only when the light client and the claim's Merkle proof checked out.
  bool proof_verified = false;
  int64_t proven_height = 0;  // the state height proven
  std::string app_hash;       // hex, of the state after block proven_height
  bool certified = false;     // through an app-hash certificate, not header proven_height+1
};

class Client {
 public:
  Client(ClientOptions options, crypto::SecretKey key);

  // Configured by the environment: VINET_NODE (node URL), VINET_CHAIN
  // (CometBFT RPC URL), VINET_KEY (key file), VINET_ROOTS (PEM files, ':'
  // separated), each defaulting to VINET_DEVNET's devnet when that is set.
  // kInvalidArgument naming what is missing.
  static Result<std::unique_ptr<Client>> FromEnv();
  // A devnet started by `vinet devnet up --dir DIR` (its devnet.json): its
  // node, validator 0's RPC, the funded dev key and the dev CA root.
  static Result<std::unique_ptr<Client>> FromDevnet(const std::string& dir);

  // The chain balance of this client's key (or of `address`): /account/<addr>.
  Result<uint64_t> Balance(const std::string& address = "");
  // The node's models (GET /v1/models); refreshes the cache Infer checks against.
  Result<std::vector<ModelInfo>> Models();

  Result<InferResult> Infer(const std::string& model_id,
                            const std::vector<protocol::NamedTensor>& inputs, protocol::Mode mode,
                            bool wait_proof = false);  // ZKML: the node proves before answering
  Status Verify(const InferResult& result);
  // Waits until the claim has a final status or `timeout_ms` passes (kTimeout).
  Result<Settlement> WaitSettled(const std::string& inference_id, int64_t received_ms,
                                 int64_t timeout_ms);
  // The node's record of an inference (GET /v1/inferences/<id>).
  Result<nlohmann::json> NodeStatus(const std::string& inference_id);
  // The stored answer of an inference (outputs + receipt) by its id, e.g. the
  // id of a timed-out Infer. For a request this Client signed, `request` and
  // `inputs` are filled too, so `Verify` applies; kNotFound if the node never
  // accepted it (then nothing was charged).
  Result<InferResult> Fetch(const std::string& inference_id);
  // The id of the last request Infer signed ("" before the first).
  const std::string& last_inference_id() const { return last_inference_id_; }
  // Proves `s` (see WaitSettled): fills proof_verified, proven_height and
  // app_hash, or fails. The light client is built on first use.
  Status ProveSettlement(const std::string& inference_id, Settlement& s, int64_t wait_ms);
  // The light client of this Client's chain (built on first use).
  Result<light::LightClient*> Light();
  // The chain's claim record, nullopt while unknown.
  Result<std::optional<nlohmann::json>> ChainClaim(const std::string& inference_id);

  // Chat (client/chat.h): a verified answer; `on_chunk` sees each verified
  // chunk as it arrives (streamed or not). Errors after signing name the id.
  Result<ChatResult> Chat(const ChatCall& call, const ChatChunkCallback& on_chunk = {});
  // The model's prices from the chain (/model/<id>), cached.
  Result<ChatPrices> ChatPricesOf(const std::string& model_id);
  // WaitSettled, then kVerification unless a SETTLED claim charged result.fee.
  Result<Settlement> WaitChatSettled(const ChatResult& result, int64_t timeout_ms);

 private:
  Result<nlohmann::json> Http(const std::string& method, const std::string& path,
                              const std::string& body = "");
  Status EnsureNodeInfo();  // chain id, node key, enclave key, body limit from /healthz, once
  Result<ModelInfo> Model(const std::string& model_id);  // cached, refreshed on a miss
  Status EnsureAttested(const protocol::Receipt& receipt);
  Status EnsureEnclaveKey(ByteSpan key);  // attested (fresh nonce) and cached
  // WaitSettled without the proof: what the RPC reports.
  Result<Settlement> WaitUnproven(const std::string& inference_id, int64_t received_ms,
                                  int64_t timeout_ms);
  Result<std::optional<Settlement>> SettledOnChain(const std::string& inference_id,
                                                   int64_t received_ms);
  // Returns once block `height` is committed (a NewBlockHeader event, or the
  // RPC's latest height), at most `timeout_ms`: lets ProveSettlement find
  // header H+1 at once instead of polling for it. A hint only: any error just
  // returns (the proof then waits for the header itself).
  void AwaitHeader(int64_t height, int64_t timeout_ms);

  Result<InferResult> Post(InferResult r, const std::string& body);
  Result<InferResult> SignAndPost(const std::string& model_id,
                                  const std::vector<protocol::NamedTensor>& inputs,
                                  protocol::Mode mode, bool wait_proof);

  ClientOptions options_;
  crypto::SecretKey key_;
  std::string last_inference_id_;
  // Requests signed recently (id → request and inputs), for Fetch; bounded.
  std::map<std::string, std::pair<protocol::SignedRequest, std::vector<protocol::NamedTensor>>>
      signed_;
  std::deque<std::string> signed_order_;
  tee::AttestationCache cache_;
  std::map<std::string, ChatPrices> prices_;
  std::map<std::string, ModelInfo> models_;
  Bytes node_enclave_key_;  // from /healthz (empty: no enclave)
  bool health_asked_ = false;
  size_t body_limit_ = kMaxBodyBytes;
  std::unique_ptr<light::LightClient> light_;
};

// A light client for these options' chain RPCs and trust root (see ClientOptions).
Result<std::unique_ptr<light::LightClient>> MakeLightClient(const ClientOptions& options);

// Verifies a receipt's form, output hash, node signature and (TEE) enclave
// signature without network access. It does NOT check the enclave's
// attestation: for that use Client::Verify, or `vinet tee verify-receipt`.
Status VerifyReceiptOffline(const protocol::Receipt& receipt);

int64_t NowMs();

}  // namespace vinet::client
