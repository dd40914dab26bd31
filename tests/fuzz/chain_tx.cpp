// Fuzzes the network-facing tx path: DecodeTx, then ExecuteTx in both modes
// against a small funded state. Any input must yield a result code, never a
// crash; a rejected CheckTx must leave the state untouched.
//
// The state also holds a ZKML model (the tiny MLP of zkml_fixture.h) and a
// PENDING claim of the signer node (inference id 32 × 0x07) so SubmitProofs
// reaches input hashing, proof parsing and verification. With
// VINET_CHAIN_FUZZ_WRITE_SEED=FILE the target writes an honest SubmitProofs
// tx for that claim to FILE (the corpus seed `submit_proofs`) and exits.
// It also holds a gguf chat model (id 64 × 'c', VANILLA + TEE, priced per
// token) so chat claims reach the state rules and the per-token fee; with
// VINET_CHAIN_FUZZ_WRITE_CHAT_SEED=FILE the target writes an honest VANILLA
// chat claim of the signer (as client and node) to FILE (the seed
// `submit_chat_claims`) and exits. An enclave (seed 32 × 0x02) is registered
// to the signer for the chat model, so compact TEE claims under a batch reach
// the state rules too: VINET_CHAIN_FUZZ_WRITE_COMPACT_SEED=FILE writes two
// such claims under a verifying batch (the seed `submit_compact_claims`).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "vinet/chain/executor.h"
#include "vinet/chain/fee.h"
#include "vinet/chain/genesis.h"
#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/claim_batch.h"
#include "vinet/protocol/request.h"
#include "vinet/protocol/tensor.h"
#include "zkml_fixture.h"

namespace {

using namespace vinet;
using namespace vinet::chain;

constexpr std::string_view kChain = "fuzz-chain";
const std::string kChatModel(64, 'c');

struct Fixture {
  EmptyKv empty;
  Overlay genesis{empty};
  fuzz::ZkmlFixture zk;
  // The seed corpus signs with the key whose seed is 32 bytes of 0x01.
  crypto::SecretKey key = crypto::SecretKey::FromSeed(Bytes(32, 1)).value();
  crypto::SecretKey enclave = crypto::SecretKey::FromSeed(Bytes(32, 2)).value();
  std::vector<protocol::NamedTensor> inputs;

  Fixture() {
    Genesis g;
    g.params = DefaultParams();
    g.accounts.push_back({crypto::AddressOf(key.public_key()), 1'000'000});
    State s(genesis);
    if (!ApplyGenesis(g, s).ok()) std::abort();
    AddPendingClaim(s);
    AddChatModel(s);
    AddEnclave(s);
  }

  void AddEnclave(State& s) const {
    statepb::Enclave e;
    e.set_public_key(ToString(enclave.public_key()));
    e.set_node(ToString(key.public_key()));
    e.set_pcr0(std::string(48, '\0'));
    e.add_model_ids(kChatModel);
    e.set_expires_time_ms(int64_t{1} << 50);
    s.PutEnclave(e);
  }

  // A chat request signed by `key` (client and node) and its receipt, unsigned.
  std::pair<protocol::SignedRequest, protocol::ChatReceipt> ChatClaim(protocol::Mode mode,
                                                                      uint64_t nonce,
                                                                      uint32_t chunks) const {
    protocol::InferenceRequest r;
    r.kind = protocol::PayloadKind::kChat;
    r.chain_id = std::string(kChain);
    r.model_id = kChatModel;
    r.mode = mode;
    r.input_hash = Bytes(32, 0x21);
    r.max_fee = 1000;
    r.nonce = nonce;
    r.node_pubkey = key.public_key();
    r.timestamp_ms = 0;
    r.expires_ms = 60'000;
    auto request = protocol::SignRequest(r, key);
    protocol::ChatReceipt receipt;
    auto id = protocol::InferenceId(request);
    receipt.inference_id = Bytes(id.begin(), id.end());
    receipt.model_id = kChatModel;
    receipt.mode = mode;
    receipt.request_hash = r.input_hash;
    receipt.prompt_tokens = 12;
    receipt.completion_tokens = 5;
    receipt.finish_reason = "stop";
    receipt.tokens_hash = Bytes(32, 0x22);
    receipt.text_hash = Bytes(32, 0x23);
    receipt.node_id = Bytes(key.public_key().begin(), key.public_key().end());
    receipt.chunks = chunks;
    return {request, receipt};
  }

  // Two TEE chat claims in compact form under the enclave's batch.
  Bytes HonestCompactClaimsTx() const {
    txpb::TxBody body;
    body.set_chain_id(std::string(kChain));
    body.set_fee(1);
    auto* msg = body.mutable_submit_claims();
    std::vector<crypto::Digest256> leaves;
    for (uint64_t nonce = 1; nonce <= 2; ++nonce) {
      auto [request, receipt] = ChatClaim(protocol::Mode::kTee, nonce, 3);
      receipt.seed = 9;
      receipt.enclave_key = Bytes(enclave.public_key().begin(), enclave.public_key().end());
      auto id = protocol::InferenceId(request);
      leaves.push_back(protocol::ClaimLeaf(id, protocol::ChatEnclaveSigningBytes(receipt)));
      auto* c = msg->add_compact_claims();
      c->set_request_body(ToString(request.body));
      c->set_client_pubkey(ToString(request.client_pubkey));
      auto* chat = c->mutable_chat();
      chat->set_seed(receipt.seed);
      chat->set_prompt_tokens(receipt.prompt_tokens);
      chat->set_completion_tokens(receipt.completion_tokens);
      chat->set_finish_reason(receipt.finish_reason);
      chat->set_tokens_hash(ToString(receipt.tokens_hash));
      chat->set_text_hash(ToString(receipt.text_hash));
      chat->set_chunks(receipt.chunks);
    }
    auto sig = enclave.Sign(protocol::ClaimBatchSigningBytes(
        key.public_key(), static_cast<uint32_t>(leaves.size()), protocol::ClaimBatchRoot(leaves)));
    msg->mutable_batch()->set_enclave_key(ToString(enclave.public_key()));
    msg->mutable_batch()->set_signature(ToString(sig));
    PayMinimumFee(FeesOf(DefaultParams()), body);
    return BuildSignedTx(key, body);
  }

  static void AddChatModel(State& s) {
    statepb::Model model;
    model.set_model_id(kChatModel);
    model.set_format("gguf");
    model.add_modes(inference::v1::MODE_VANILLA);
    model.add_modes(inference::v1::MODE_TEE);
    model.add_allowed_pcr0(std::string(48, '\0'));
    model.set_fee_per_inference(1);
    model.set_price_per_input_token(1);
    model.set_price_per_output_token(2);
    s.PutModel(model);
  }

  // A VANILLA chat claim valid at block time 0 (the target's), signed by `key`
  // as both client and node.
  Bytes HonestChatClaimTx() const {
    auto [request, receipt] = ChatClaim(protocol::Mode::kVanilla, 0, 5);
    if (!protocol::SignChatAsNode(receipt, key).ok()) std::abort();
    txpb::TxBody body;
    body.set_chain_id(std::string(kChain));
    body.set_fee(1);
    auto* c = body.mutable_submit_claims()->add_claims();
    c->mutable_request()->ParseFromString(ToString(protocol::EncodeSignedRequest(request)));
    c->set_receipt(ToString(protocol::EncodeChatReceipt(receipt)));
    PayMinimumFee(FeesOf(DefaultParams()), body);
    return BuildSignedTx(key, body);
  }

  void AddPendingClaim(State& s) {
    statepb::Node node;
    node.set_public_key(std::string(key.public_key().begin(), key.public_key().end()));
    node.set_stake(10'000);
    node.set_status(statepb::NODE_STATUS_ACTIVE);
    s.PutNode(crypto::AddressOf(key.public_key()), node);
    statepb::Model model;
    model.set_model_id("zk");
    model.add_modes(inference::v1::MODE_ZKML);
    model.set_zkml_verify_cost(zkml::EstimateVerifyCost(zk.committed.vk).units());
    s.PutModel(model);
    s.PutZkmlKey("zk", ToString(zk.key));
    // Float inputs that quantize back to the fixture's int8 input exactly.
    std::vector<float> x;
    for (int8_t q : zk.input.data) x.push_back(q * zk.committed.vk.spec.input_scale);
    inputs = {protocol::F32Tensor("x", zk.committed.vk.spec.input_shape, x)};
    protocol::NamedTensor out{"y", "i8", zk.output.shape, Bytes(zk.output.data.size())};
    std::memcpy(out.data.data(), zk.output.data.data(), out.data.size());
    statepb::Claim claim;
    claim.set_inference_id(std::string(32, '\x07'));
    claim.set_status(statepb::CLAIM_STATUS_PENDING);
    claim.set_mode(inference::v1::MODE_ZKML);
    claim.set_model_id("zk");
    claim.set_node(node.public_key());
    claim.set_client(node.public_key());
    claim.set_fee(10);
    claim.set_height(1);
    claim.set_deadline(100);
    auto h = protocol::TensorsHash(inputs);
    claim.set_input_hash(std::string(h.begin(), h.end()));
    claim.set_output(ToString(protocol::EncodeTensors({out})));
    s.PutClaim(claim);
  }

  Bytes HonestProofTx() const {
    txpb::TxBody body;
    body.set_chain_id(std::string(kChain));
    body.set_fee(1);
    auto* p = body.mutable_submit_proofs()->add_proofs();
    p->set_inference_id(std::string(32, '\x07'));
    p->set_inputs(ToString(protocol::EncodeTensors(inputs)));
    p->set_proof(ToString(zk.proof));
    // Pays the fee schedule, verification part included (docs/chain.md "Fees").
    auto fees = FeesOf(DefaultParams());
    PayMinimumFee(fees, body, VerifyFee(fees, zkml::EstimateVerifyCost(zk.committed.vk).units()));
    return BuildSignedTx(key, body);
  }
};

// CheckTx refuses these up front; FinalizeBlock treats the same proof as a
// per-proof outcome (ignored or REJECTED) inside a successful tx.
bool CheckOnlyCode(TxCode c) {
  return c == TxCode::kClaimNotFound || c == TxCode::kClaimNotPending ||
         c == TxCode::kClaimNotOwned || c == TxCode::kProofMalformed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fx;
  static bool seeded = [] {
    auto write = [](const char* out, const Bytes& tx) {
      std::ofstream(out, std::ios::binary)
          .write(reinterpret_cast<const char*>(tx.data()), static_cast<std::streamsize>(tx.size()));
      std::exit(0);
    };
    if (const char* out = std::getenv("VINET_CHAIN_FUZZ_WRITE_SEED"))
      write(out, fx.HonestProofTx());
    if (const char* out = std::getenv("VINET_CHAIN_FUZZ_WRITE_CHAT_SEED")) {
      write(out, fx.HonestChatClaimTx());
    }
    if (const char* out = std::getenv("VINET_CHAIN_FUZZ_WRITE_COMPACT_SEED")) {
      write(out, fx.HonestCompactClaimsTx());
    }
    return true;
  }();
  (void)seeded;
  ByteSpan tx(data, size);
  DecodedTx decoded;
  TxStatus st = DecodeTx(tx, decoded);
  if (!st.ok() && st.log.empty()) std::abort();

  auto check = Overlay::Over(fx.genesis);
  auto r = ExecuteTx(check, tx, 2, kChain, ExecMode::kCheck);
  if (!r.status.ok() && !check.changes().empty()) {
    fprintf(stderr, "code %d log %s changes %zu\n", (int)r.status.code, r.status.log.c_str(),
            check.changes().size());
    std::abort();
  }
  if (!r.status.ok() && r.status.log.empty()) std::abort();

  auto deliver = Overlay::Over(fx.genesis);
  auto d = ExecuteTx(deliver, tx, 2, kChain, ExecMode::kDeliver);
  bool check_stricter = CheckOnlyCode(r.status.code) && d.status.ok();
  if (d.status.code != r.status.code && !check_stricter) std::abort();  // same state, same verdict
  return 0;
}
