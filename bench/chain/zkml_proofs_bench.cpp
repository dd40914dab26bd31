// ZKML proofs verified per second by one validator: FinalizeBlock's tx work
// (decode, Ed25519, SubmitProofs: claim lookup, input hash, quantization,
// zkml::Verify, settlement) for a block of N txs, one MLP 784-128-10 proof
// each, against a state holding N PENDING claims. Also CheckTx of one such
// tx (proof form check only). No CometBFT, no disk; setup proves N inputs.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>

#include "unit/runtime/onnx_builder.h"
#include "vinet/chain/executor.h"
#include "vinet/chain/fee.h"
#include "vinet/chain/genesis.h"
#include "vinet/protocol/request.h"
#include "vinet/runtime/model.h"
#include "vinet/zkml/weight_range.h"
#include "vinet/zkml/zkml.h"

namespace {

using namespace vinet;
using namespace vinet::chain;
constexpr std::string_view kChain = "bench-chain";
constexpr int kProofs = 8;

crypto::SecretKey Key(uint8_t b) {
  return std::move(crypto::SecretKey::FromSeed(Bytes(32, b)).value());
}

zkml::Committed CommitMlp() {
  runtime::testing::OnnxBuilder b;
  b.Input("x", {-1, 784}).Output("y");
  b.RandomInit("w1", {784, 128}, 0.05f, 1).RandomInit("b1", {128}, 0.1f, 2);
  b.RandomInit("w2", {128, 10}, 0.2f, 3).RandomInit("b2", {10}, 0.1f, 4);
  b.Node("Gemm", {"x", "w1", "b1"}, {"h"}, "fc1");
  b.Node("Relu", {"h"}, {"r"}, "relu");
  b.Node("Gemm", {"r", "w2", "b2"}, {"y"}, "fc2");
  auto m = runtime::Model::LoadBytes(b.Serialize()).value();
  runtime::Tensor cal{{4, 784}, std::vector<float>(4 * 784)};
  for (size_t i = 0; i < cal.data.size(); ++i) cal.data[i] = float(i % 17) / 8.0f - 1.0f;
  auto q = runtime::Quantize(*m, std::vector<runtime::TensorMap>{{{"x", cal}}}).value();
  return zkml::Commit(std::move(q), {}).value();
}

protocol::NamedTensor Int8Output(const runtime::Int8Tensor& t) {
  protocol::NamedTensor out{"y", "i8", t.shape, Bytes(t.data.size())};
  std::memcpy(out.data.data(), t.data.data(), t.data.size());
  return out;
}

struct World {
  crypto::SecretKey node = Key(1), client = Key(2), owner = Key(3);
  zkml::Committed mlp = CommitMlp();
  EmptyKv empty;
  Overlay state{empty};
  uint64_t node_nonce = 0;
  std::vector<std::string> proof_txs;
  size_t proof_bytes = 0;

  Bytes Tx(const crypto::SecretKey& key, uint64_t nonce, txpb::TxBody body) {
    body.set_chain_id(std::string(kChain));
    body.set_nonce(nonce);
    body.set_fee(1);
    PayMinimumFee(FeesOf(DefaultParams()), body);
    return BuildSignedTx(key, body);
  }
  void Must(const ExecResult& r) {
    if (!r.status.ok()) {
      std::fprintf(stderr, "setup: %s\n", r.status.log.c_str());
      std::abort();
    }
  }

  World() {
    Genesis g;
    g.params = DefaultParams();
    g.params.set_max_block_verify_units(uint64_t{1} << 50);
    g.accounts.push_back({crypto::AddressOf(node.public_key()), 1'000'000});
    g.accounts.push_back({crypto::AddressOf(client.public_key()), 1'000'000});
    g.accounts.push_back({crypto::AddressOf(owner.public_key()), 1'000'000});
    State s(state);
    if (Status st = ApplyGenesis(g, s); !st.ok()) {
      std::fprintf(stderr, "setup: %s\n", st.ToString().c_str());
      std::abort();
    }
    txpb::TxBody reg;
    reg.mutable_register_node()->set_stake(100'000);
    reg.mutable_register_node()->set_endpoint("http://n");
    Must(ExecuteTx(state, Tx(node, node_nonce++, reg), 1, kChain, ExecMode::kDeliver));
    txpb::TxBody model;
    auto* m = model.mutable_register_model();
    m->set_model_id("mlp");
    m->set_name("mlp");
    m->set_format("onnx");
    m->set_fee_per_inference(10);
    m->add_modes(inference::v1::MODE_ZKML);
    m->set_zkml_verifying_key(ToString(mlp.vk.Encode()));
    m->set_zkml_weight_range_proof(ToString(zkml::ProveWeightRange(*mlp.package).value()));
    Must(ExecuteTx(state, Tx(owner, 0, model), 1, kChain, ExecMode::kDeliver));
    txpb::TxBody claims;
    claims.mutable_submit_claims();
    for (int i = 0; i < kProofs; ++i) AddJob(i, claims);
    Must(ExecuteTx(state, Tx(node, node_nonce++, claims), 2, kChain, ExecMode::kDeliver));
  }

  void AddJob(int i, txpb::TxBody& claims) {
    std::vector<float> x(784);
    for (size_t k = 0; k < x.size(); ++k) x[k] = float((k * 7 + i * 13) % 29) / 14.0f - 1.0f;
    std::vector<protocol::NamedTensor> inputs = {protocol::F32Tensor("x", {1, 784}, x)};
    protocol::InferenceRequest req;
    req.chain_id = std::string(kChain);
    req.model_id = "mlp";
    req.mode = protocol::Mode::kZkml;
    auto h = protocol::TensorsHash(inputs);
    req.input_hash = Bytes(h.begin(), h.end());
    req.max_fee = 10;
    req.nonce = static_cast<uint64_t>(i);
    req.node_pubkey = node.public_key();
    req.timestamp_ms = 0;  // the bench executes at block time 0
    req.expires_ms = 60'000;
    auto signed_req = protocol::SignRequest(req, client);
    auto q = zkml::QuantizeInput(mlp.vk.spec, runtime::Tensor{{1, 784}, x}).value();
    auto proved = zkml::Prove(*mlp.package, q).value();
    protocol::Receipt r;
    auto id = protocol::InferenceId(signed_req);
    r.inference_id = Bytes(id.begin(), id.end());
    r.model_id = "mlp";
    r.mode = protocol::Mode::kZkml;
    r.input_hash = req.input_hash;
    r.outputs = {Int8Output(proved.output)};
    auto oh = protocol::TensorsHash(r.outputs);
    r.output_hash = Bytes(oh.begin(), oh.end());
    r.node_id = Bytes(node.public_key().begin(), node.public_key().end());
    (void)protocol::SignAsNode(r, node);
    auto* c = claims.mutable_submit_claims()->add_claims();
    c->mutable_request()->ParseFromString(ToString(protocol::EncodeSignedRequest(signed_req)));
    c->set_receipt(ToString(protocol::EncodeReceipt(r)));
    txpb::TxBody proofs;
    auto* p = proofs.mutable_submit_proofs()->add_proofs();
    p->set_inference_id(std::string(id.begin(), id.end()));
    p->set_inputs(ToString(protocol::EncodeTensors(inputs)));
    p->set_proof(ToString(proved.proof));
    proof_bytes = proved.proof.size();
    // Nonces after the SubmitClaims tx (node_nonce is 1 here, the claims tx takes it).
    proof_txs.push_back(ToString(Tx(node, 2 + static_cast<uint64_t>(i), proofs)));
  }
};

World& TheWorld() {
  static World w;
  return w;
}

void BM_FinalizeBlockZkmlProofs(benchmark::State& st) {
  World& w = TheWorld();
  for (auto _ : st) {
    auto block = Overlay::Over(w.state);
    uint64_t units = 0;
    uint32_t index = 0;
    for (const auto& tx : w.proof_txs) {
      auto r = ExecuteTx(block, AsBytes(tx), 3, kChain, ExecMode::kDeliver, 0, index++, &units);
      if (!r.status.ok() || r.events.empty() || r.events[0].type() != "vinet.claim") {
        st.SkipWithError("a proof did not settle");
        return;
      }
    }
    benchmark::DoNotOptimize(units);
  }
  st.SetItemsProcessed(st.iterations() * kProofs);
  st.counters["proof_bytes"] = static_cast<double>(w.proof_bytes);
  st.counters["tx_bytes"] = static_cast<double>(w.proof_txs[0].size());
  st.counters["verify_units"] = static_cast<double>(zkml::EstimateVerifyCost(w.mlp.vk).units());
}
BENCHMARK(BM_FinalizeBlockZkmlProofs)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

void BM_CheckTxZkmlProof(benchmark::State& st) {
  World& w = TheWorld();
  for (auto _ : st) {
    auto mempool = Overlay::Over(w.state);
    auto r = ExecuteTx(mempool, AsBytes(w.proof_txs[0]), 3, kChain, ExecMode::kCheck);
    if (!r.status.ok()) {
      st.SkipWithError(r.status.log.c_str());
      return;
    }
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_CheckTxZkmlProof)->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();

}  // namespace

BENCHMARK_MAIN();
