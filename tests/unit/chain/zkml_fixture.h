// Fixture for ZKML settlement: two tiny committed MLPs (same shape, other
// weights) built once per process, a funded node/client/owner (from
// InferenceFixture), and builders for ZKML requests, receipts with int8
// outputs, honest or forged proofs and SubmitProofs txs.
#pragma once

#include <cstdlib>
#include <cstring>

#include "unit/chain/inference_fixture.h"
#include "unit/runtime/onnx_builder.h"
#include "vinet/runtime/model.h"
#include "vinet/zkml/weight_range.h"
#include "vinet/zkml/zkml.h"

namespace vinet::chain::testing {

// A 6-5-3 MLP with ReLU; `seed` picks the weights.
inline zkml::Committed CommitTinyMlp(uint32_t seed,
                                     zkml::ZkmlParams params = zkml::ZkmlParams{.threads = 1}) {
  runtime::testing::OnnxBuilder b;
  b.Input("x", {-1, 6}).Output("y");
  b.RandomInit("w1", {6, 5}, 0.4f, seed).RandomInit("b1", {5}, 0.1f, seed + 1);
  b.RandomInit("w2", {5, 3}, 0.4f, seed + 2).RandomInit("b2", {3}, 0.1f, seed + 3);
  b.Node("Gemm", {"x", "w1", "b1"}, {"h"}, "fc1");
  b.Node("Relu", {"h"}, {"r"}, "relu");
  b.Node("Gemm", {"r", "w2", "b2"}, {"y"}, "fc2");
  auto m = runtime::Model::LoadBytes(b.Serialize());
  if (!m.ok()) std::abort();
  runtime::Tensor cal{{2, 6}, {0.5f, -1, 0.25f, 1, -0.75f, 0.1f, -0.3f, 0.9f, 1.2f, -1, 0, 0.4f}};
  auto q = runtime::Quantize(**m, std::vector<runtime::TensorMap>{{{"x", cal}}});
  if (!q.ok()) std::abort();
  auto c = zkml::Commit(*q, params);
  if (!c.ok()) std::abort();
  return *c;
}

inline Bytes RangeProofOf(const zkml::Committed& c) {
  auto p = zkml::ProveWeightRange(*c.package);
  if (!p.ok()) std::abort();
  return *p;
}

struct TinyModels {
  zkml::Committed a = CommitTinyMlp(1);
  zkml::Committed b = CommitTinyMlp(11);
  Bytes a_range = RangeProofOf(a), b_range = RangeProofOf(b);
  // The weight-range proof of a key of one of the models (empty for others).
  Bytes RangeProofFor(const zkml::VerifyingKey& vk) const {
    if (vk.Encode() == a.vk.Encode()) return a_range;
    if (vk.Encode() == b.vk.Encode()) return b_range;
    return {};
  }
};
inline const TinyModels& Models() {
  static const TinyModels models;
  return models;
}

struct ZkmlJob {
  protocol::SignedRequest request;
  std::vector<protocol::NamedTensor> inputs;  // f32, what the client sent
  runtime::Int8Tensor output;                 // the proved output
  Bytes proof;
};

class ZkmlFixture : public InferenceFixture {
 protected:
  void SetUp() override {
    InferenceFixture::SetUp();
    params_.set_slash_missing_bps(500);
    SetParams(params_);
  }

  const zkml::VerifyingKey& Key() const { return Models().a.vk; }

  txpb::TxBody ZkmlModelBody(std::string id, const zkml::VerifyingKey& vk, uint64_t fee = 10) {
    txpb::TxBody b;
    auto* m = b.mutable_register_model();
    m->set_model_id(std::move(id));
    m->set_name("mlp");
    m->set_format("onnx");
    m->set_fee_per_inference(fee);
    m->add_modes(inference::v1::MODE_ZKML);
    m->set_zkml_verifying_key(ToString(vk.Encode()));
    m->set_zkml_weight_range_proof(ToString(Models().RangeProofFor(vk)));
    return b;
  }

  // Node (stake 10,000) and model m1 (key A, fee 10) registered.
  void SetUpZkml() {
    ASSERT_TRUE(RegisterNode().status.ok());
    auto r = Run(owner_, ZkmlModelBody("m1", Key()));
    ASSERT_TRUE(r.status.ok()) << r.status.log;
  }

  static std::vector<protocol::NamedTensor> Inputs(float base) {
    std::vector<float> v = {base, -0.5f, 0.25f, 1.0f - base, -0.75f, 0.1f};
    return {protocol::F32Tensor("x", Models().a.vk.spec.input_shape, v)};
  }

  // A request for model m1 over Inputs(base), proved by `prover` on `proved_base`.
  ZkmlJob Job(uint64_t nonce, float base = 0.3f, const zkml::Committed* prover = nullptr,
              std::optional<float> proved_base = std::nullopt, std::string model_id = "m1") {
    ZkmlJob job;
    job.inputs = Inputs(base);
    protocol::InferenceRequest req;
    req.chain_id = std::string(kChain);
    req.model_id = std::move(model_id);
    req.mode = protocol::Mode::kZkml;
    auto h = protocol::TensorsHash(job.inputs);
    req.input_hash = Bytes(h.begin(), h.end());
    req.max_fee = 100;
    req.nonce = nonce;
    req.timestamp_ms = now_ms_;
    req.expires_ms = now_ms_ + 60'000;
    req.node_pubkey = node_.public_key();
    job.request = protocol::SignRequest(req, client_);
    const auto& p = prover ? *prover : Models().a;
    auto proved_inputs = Inputs(proved_base.value_or(base));
    runtime::Tensor x{proved_inputs[0].shape, {}};
    x.data.resize(proved_inputs[0].data.size() / 4);
    std::memcpy(x.data.data(), proved_inputs[0].data.data(), proved_inputs[0].data.size());
    auto q = zkml::QuantizeInput(p.vk.spec, x).value();
    auto proved = zkml::Prove(*p.package, q).value();
    job.output = proved.output;
    job.proof = proved.proof;
    return job;
  }

  static protocol::NamedTensor Int8Output(const runtime::Int8Tensor& t) {
    protocol::NamedTensor out{"y", "i8", t.shape, Bytes(t.data.size())};
    std::memcpy(out.data.data(), t.data.data(), t.data.size());
    return out;
  }

  protocol::Receipt ZkmlReceipt(const ZkmlJob& job, std::vector<protocol::NamedTensor> outputs) {
    protocol::Receipt r;
    auto id = protocol::InferenceId(job.request);
    r.inference_id = Bytes(id.begin(), id.end());
    r.model_id = job.request.request.model_id;
    r.mode = protocol::Mode::kZkml;
    r.input_hash = job.request.request.input_hash;
    auto oh = protocol::TensorsHash(outputs);
    r.output_hash = Bytes(oh.begin(), oh.end());
    r.outputs = std::move(outputs);
    r.node_id = Bytes(node_.public_key().begin(), node_.public_key().end());
    EXPECT_TRUE(protocol::SignAsNode(r, node_).ok());
    return r;
  }
  protocol::Receipt ZkmlReceipt(const ZkmlJob& job) {
    return ZkmlReceipt(job, {Int8Output(job.output)});
  }

  ExecResult SubmitClaim(const ZkmlJob& job, int64_t height = 5) {
    return Run(node_, ClaimsBody({ClaimOf(job.request, ZkmlReceipt(job))}), height);
  }

  static txpb::ZkmlProof ProofOf(const ZkmlJob& job, std::optional<Bytes> proof = std::nullopt,
                                 const std::vector<protocol::NamedTensor>* inputs = nullptr) {
    txpb::ZkmlProof p;
    auto id = protocol::InferenceId(job.request);
    p.set_inference_id(std::string(id.begin(), id.end()));
    p.set_inputs(ToString(protocol::EncodeTensors(inputs ? *inputs : job.inputs)));
    p.set_proof(ToString(proof.value_or(job.proof)));
    return p;
  }

  static txpb::TxBody ProofsBody(std::vector<txpb::ZkmlProof> proofs,
                                 std::vector<txpb::ZkmlBatchProof> batches = {}) {
    txpb::TxBody b;
    b.mutable_submit_proofs();
    for (auto& p : proofs) *b.mutable_submit_proofs()->add_proofs() = std::move(p);
    for (auto& p : batches) *b.mutable_submit_proofs()->add_batches() = std::move(p);
    return b;
  }

  // One batch proof (zkml::ProveBatch by `prover`) for the jobs' claims.
  static txpb::ZkmlBatchProof BatchOf(const std::vector<const ZkmlJob*>& jobs,
                                      const zkml::Committed& prover = Models().a) {
    txpb::ZkmlBatchProof b;
    std::vector<runtime::Int8Tensor> in;
    for (const ZkmlJob* job : jobs) {
      auto id = protocol::InferenceId(job->request);
      b.add_inference_ids(std::string(id.begin(), id.end()));
      b.add_inputs(ToString(protocol::EncodeTensors(job->inputs)));
      runtime::Tensor x{job->inputs[0].shape, {}};
      x.data.resize(job->inputs[0].data.size() / 4);
      std::memcpy(x.data.data(), job->inputs[0].data.data(), job->inputs[0].data.size());
      in.push_back(zkml::QuantizeInput(prover.vk.spec, x).value());
    }
    b.set_proof(ToString(zkml::ProveBatch(*prover.package, in).value().proof));
    return b;
  }

  // Delivers `body` signed by `key` at `height`, metering into `units` if given.
  ExecResult Deliver(const crypto::SecretKey& key, txpb::TxBody body, int64_t height,
                     uint64_t* units = nullptr) {
    body.set_chain_id(std::string(kChain));
    body.set_nonce(NextNonce(key));
    body.set_fee(1);
    return ExecuteTx(state_, BuildSignedTx(key, body), height, kChain, ExecMode::kDeliver, now_ms_,
                     0, units);
  }
  ExecResult Check(const crypto::SecretKey& key, txpb::TxBody body, int64_t height = 6) {
    body.set_chain_id(std::string(kChain));
    body.set_nonce(NextNonce(key));
    body.set_fee(1);
    return ExecuteTx(state_, BuildSignedTx(key, body), height, kChain, ExecMode::kCheck, now_ms_);
  }

  statepb::Claim Record(const ZkmlJob& job) { return ClaimRecord(job.request).value(); }
  uint64_t Risk() {
    State s(state_);
    return s.GetRisk(AddrOf(node_)).value().unsettled_value();
  }
};

}  // namespace vinet::chain::testing
