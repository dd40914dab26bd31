// SubmitClaims execution cost: one tx of N TEE claims (request and enclave
// signatures each verified, fee settled) against a state with a registered
// node, models and emulator-attested enclave: tensor claims (ONNX model) and
// LLM chat claims (gguf model, chat receipts priced per token), each also
// with the enclave's batch attestation (one signature for the whole tx instead
// of two per claim; docs/chain.md "Claim batches"). Reports claims/s of one
// validator's FinalizeBlock work (no CometBFT, no disk) and, as "CPU", the
// process CPU time per tx of 1000 claims (both threads of PrepareClaims).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "vinet/chain/enclave_nonce.h"
#include "vinet/chain/executor.h"
#include "vinet/chain/fee.h"
#include "vinet/chain/genesis.h"
#include "vinet/protocol/chat_receipt.h"
#include "vinet/protocol/claim_batch.h"
#include "vinet/protocol/request.h"
#include "vinet/tee/emulator.h"

namespace {

using namespace vinet;
using namespace vinet::chain;
constexpr std::string_view kChain = "bench-chain";
const std::string kChatModel(64, 'c');

crypto::SecretKey Key(uint8_t b) {
  return std::move(crypto::SecretKey::FromSeed(Bytes(32, b)).value());
}

struct World {
  crypto::SecretKey node = Key(1), client = Key(2), enclave = Key(3);
  EmptyKv empty;
  Overlay state{empty};
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  uint64_t nonce = 0;

  // The node's signed tx of `body` with the next nonce.
  Bytes Sign(txpb::TxBody body) {
    body.set_chain_id(std::string(kChain));
    body.set_nonce(nonce);
    body.set_fee(1);
    PayMinimumFee(FeesOf(DefaultParams()), body);  // priced by bytes and claims
    return BuildSignedTx(node, body);
  }

  ExecResult Run(const txpb::TxBody& body, int64_t height, Overlay& on) {
    return ExecuteTx(on, Sign(body), height, kChain, ExecMode::kDeliver, now_ms);
  }

  World() {
    tee::EmulatorProvider provider(std::move(tee::DevCa::CreateEphemeral().value()),
                                   crypto::Sha384(AsBytes(std::string("img"))),
                                   crypto::Sha384(AsBytes(std::string("cfg"))));
    Genesis g;
    g.params = DefaultParams();
    g.params.clear_tee_roots();
    g.params.add_tee_roots(provider.root().ToPem());
    g.accounts.push_back({crypto::AddressOf(node.public_key()), 1'000'000});
    g.accounts.push_back({crypto::AddressOf(client.public_key()), 1'000'000'000});
    State s(state);
    if (auto st = ApplyGenesis(g, s); !st.ok()) {
      std::fprintf(stderr, "genesis: %s\n", st.ToString().c_str());
      std::abort();
    }
    txpb::TxBody reg;
    reg.mutable_register_node()->set_stake(10'000);
    reg.mutable_register_node()->set_endpoint("http://n");
    Run(reg, 1, state);
    ++nonce;
    txpb::TxBody model;
    auto* m = model.mutable_register_model();
    m->set_model_id("m1");
    m->set_name("m");
    m->set_format("onnx");
    m->set_fee_per_inference(1);
    m->add_modes(inference::v1::MODE_TEE);
    m->add_allowed_pcr0(ToString(provider.pcrs().at(0)));
    Run(model, 1, state);
    ++nonce;
    m->set_model_id(kChatModel);
    m->set_format("gguf");
    m->set_fee_per_inference(0);
    m->set_price_per_input_token(1);
    m->set_price_per_output_token(2);
    if (!Run(model, 1, state).status.ok()) std::abort();
    ++nonce;
    auto n = EnclaveNonce(kChain, node.public_key(), 1);
    tee::AttestationRequest req;
    req.nonce = Bytes(n.begin(), n.end());
    req.public_key = Bytes(enclave.public_key().begin(), enclave.public_key().end());
    txpb::TxBody enc;
    enc.mutable_register_enclave()->set_attestation_document(
        ToString(provider.AttestAt(req, static_cast<uint64_t>(now_ms)).value()));
    enc.mutable_register_enclave()->add_model_ids("m1");
    enc.mutable_register_enclave()->add_model_ids(kChatModel);
    enc.mutable_register_enclave()->set_nonce_height(1);
    if (!Run(enc, 2, state).status.ok()) std::abort();
    ++nonce;
  }

  // The enclave's attestation over the body's claims (all TEE, all its own).
  void Attest(txpb::TxBody& body, bool chat) {
    std::vector<crypto::Digest256> leaves;
    for (const auto& c : body.submit_claims().claims()) {
      auto req = protocol::DecodeSignedRequest(AsBytes(c.request().SerializeAsString())).value();
      Bytes signing = chat ? protocol::ChatEnclaveSigningBytes(
                                 protocol::DecodeChatReceipt(AsBytes(c.receipt())).value())
                           : protocol::EnclaveSigningBytes(
                                 protocol::DecodeReceipt(AsBytes(c.receipt())).value());
      leaves.push_back(protocol::ClaimLeaf(protocol::InferenceId(req), signing));
    }
    auto sig = enclave.Sign(protocol::ClaimBatchSigningBytes(
        node.public_key(), static_cast<uint32_t>(leaves.size()), protocol::ClaimBatchRoot(leaves)));
    auto* batch = body.mutable_submit_claims()->mutable_batch();
    batch->set_enclave_key(ToString(enclave.public_key()));
    batch->set_signature(ToString(sig));
  }

  txpb::TxBody Claims(int count) {
    txpb::TxBody body;
    for (int i = 0; i < count; ++i) {
      protocol::InferenceRequest r;
      r.chain_id = std::string(kChain);
      r.model_id = "m1";
      r.mode = protocol::Mode::kTee;
      r.input_hash = Bytes(32, 1);
      r.max_fee = 10;
      r.nonce = static_cast<uint64_t>(i);
      r.node_pubkey = node.public_key();
      r.timestamp_ms = now_ms;
      r.expires_ms = now_ms + 60'000;
      auto signed_req = protocol::SignRequest(r, client);
      protocol::Receipt receipt;
      auto id = protocol::InferenceId(signed_req);
      receipt.inference_id = Bytes(id.begin(), id.end());
      receipt.model_id = "m1";
      receipt.mode = protocol::Mode::kTee;
      receipt.input_hash = r.input_hash;
      receipt.output_hash = Bytes(32, 2);
      receipt.node_id = Bytes(node.public_key().begin(), node.public_key().end());
      protocol::SignAsEnclave(receipt, enclave);
      (void)protocol::SignAsNode(receipt, node);
      auto* c = body.mutable_submit_claims()->add_claims();
      c->mutable_request()->ParseFromString(ToString(protocol::EncodeSignedRequest(signed_req)));
      c->set_receipt(ToString(protocol::EncodeReceipt(receipt)));
    }
    return body;
  }

  txpb::TxBody ChatClaims(int count) {
    txpb::TxBody body;
    for (int i = 0; i < count; ++i) {
      protocol::InferenceRequest r;
      r.kind = protocol::PayloadKind::kChat;
      r.chain_id = std::string(kChain);
      r.model_id = kChatModel;
      r.mode = protocol::Mode::kTee;
      r.input_hash = Bytes(32, 1);
      r.max_fee = 1000;
      r.nonce = static_cast<uint64_t>(i);
      r.node_pubkey = node.public_key();
      r.timestamp_ms = now_ms;
      r.expires_ms = now_ms + 60'000;
      auto signed_req = protocol::SignRequest(r, client);
      protocol::ChatReceipt receipt;
      auto id = protocol::InferenceId(signed_req);
      receipt.inference_id = Bytes(id.begin(), id.end());
      receipt.model_id = kChatModel;
      receipt.mode = protocol::Mode::kTee;
      receipt.request_hash = r.input_hash;
      receipt.prompt_tokens = 40;
      receipt.completion_tokens = 200;
      receipt.finish_reason = "stop";
      receipt.tokens_hash = Bytes(32, 2);
      receipt.text_hash = Bytes(32, 3);
      receipt.node_id = Bytes(node.public_key().begin(), node.public_key().end());
      receipt.enclave_key = Bytes(enclave.public_key().begin(), enclave.public_key().end());
      receipt.chunks = 200;
      protocol::SignChatAsEnclave(receipt, enclave);
      (void)protocol::SignChatAsNode(receipt, node);
      auto* c = body.mutable_submit_claims()->add_claims();
      c->mutable_request()->ParseFromString(ToString(protocol::EncodeSignedRequest(signed_req)));
      c->set_receipt(ToString(protocol::EncodeChatReceipt(receipt)));
    }
    return body;
  }
};

// Every claim must settle, and a batch verify (checked once, outside the timing).
bool AllSettle(World& world, const txpb::TxBody& body) {
  auto block = Overlay::Over(world.state);
  auto r = world.Run(body, 3, block);
  if (!r.status.ok()) return false;
  for (const auto& ev : r.events) {
    for (const auto& a : ev.attributes()) {
      if (a.key() == "status" && a.value() != "SETTLED") return false;
      if (a.key() == "verified" && a.value() != "true") return false;
    }
  }
  return true;
}

// Times the validator's side only: the tx is built and signed once (the
// node's work), then executed on a fresh overlay of the same state each time.
void RunClaims(benchmark::State& st, World& world, const txpb::TxBody& body) {
  if (!AllSettle(world, body)) st.SkipWithError("claims did not settle");
  const Bytes tx = world.Sign(body);
  for (auto _ : st) {
    auto block = Overlay::Over(world.state);
    auto r = ExecuteTx(block, tx, 3, kChain, ExecMode::kDeliver, world.now_ms);
    size_t expected = static_cast<size_t>(st.range(0)) + (body.submit_claims().has_batch() ? 1 : 0);
    if (!r.status.ok() || r.events.size() != expected) {
      st.SkipWithError("claims did not settle");
    }
  }
  st.counters["claims/s"] =
      benchmark::Counter(static_cast<double>(st.range(0)) * static_cast<double>(st.iterations()),
                         benchmark::Counter::kIsRate);
}

void BM_SubmitTeeClaims(benchmark::State& st) {
  World world;
  RunClaims(st, world, world.Claims(static_cast<int>(st.range(0))));
}
BENCHMARK(BM_SubmitTeeClaims)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

void BM_SubmitTeeClaimsBatched(benchmark::State& st) {
  World world;
  auto body = world.Claims(static_cast<int>(st.range(0)));
  world.Attest(body, false);
  RunClaims(st, world, body);
}
BENCHMARK(BM_SubmitTeeClaimsBatched)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

void BM_SubmitChatTeeClaims(benchmark::State& st) {
  World world;
  RunClaims(st, world, world.ChatClaims(static_cast<int>(st.range(0))));
}
BENCHMARK(BM_SubmitChatTeeClaims)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

void BM_SubmitChatTeeClaimsBatched(benchmark::State& st) {
  World world;
  auto body = world.ChatClaims(static_cast<int>(st.range(0)));
  world.Attest(body, true);
  RunClaims(st, world, body);
}
BENCHMARK(BM_SubmitChatTeeClaimsBatched)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
