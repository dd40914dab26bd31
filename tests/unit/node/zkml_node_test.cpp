// The node's ZKML parts without a chain: packages in the model store, the
// durable proof jobs, the prover pool, byzantine config and the tx builder.
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "unit/node/node_test_util.h"
#include "vinet/chain/tx.h"
#include "vinet/node/config.h"
#include "vinet/node/ledger.h"
#include "vinet/node/node.h"
#include "vinet/node/proof_jobs.h"
#include "vinet/node/proof_submitter.h"
#include "vinet/node/prover_pool.h"
#include "vinet/node/zkml_models.h"

namespace vinet::node {
namespace {

std::vector<runtime::TensorMap> Calibration() {
  std::mt19937 rng(3);
  std::normal_distribution<float> d(0, 1);
  std::vector<runtime::TensorMap> out;
  for (int i = 0; i < 8; ++i) {
    runtime::Tensor t{{1, 4}, std::vector<float>(4)};
    for (float& v : t.data) v = d(rng);
    out.push_back({{"x", t}});
  }
  return out;
}

std::vector<protocol::NamedTensor> Input(float a) {
  return {protocol::F32Tensor("x", {1, 4}, {a, -0.5f, 0.25f, 1.0f})};
}

struct ZkmlStore {
  testing::TempDir dir;
  ModelStore store{dir.path / "store"};
  std::string id;
  zkml::VerifyingKey vk;
  ZkmlStore() {
    auto r = store.AddZkml(testing::WriteTinyModel(dir.path / "tiny.onnx"), Calibration(), &vk);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    id = r.value_or("");
  }
};

TEST(ZkmlModels, PackageNextToTheOnnxRunsAndProvesTheRuntimeOutput) {
  ZkmlStore s;
  EXPECT_TRUE(std::filesystem::exists(s.store.ZkmlPackagePath(s.id)));
  ZkmlModels models(s.store);
  ASSERT_TRUE(models.Has(s.id)) << (models.load_errors().empty() ? "" : models.load_errors()[0]);
  EXPECT_EQ(ToHex((*models.Key(s.id))->ModelId()), ToHex(s.vk.ModelId()));
  auto run = models.Run(s.id, Input(0.3f));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->output.size(), 1u);
  EXPECT_EQ(run->output[0].dtype, "i8");
  EXPECT_EQ(run->output[0].name, "y");
  auto proved = models.Prove(s.id, Input(0.3f));
  ASSERT_TRUE(proved.ok()) << proved.status().ToString();
  EXPECT_EQ(proved->output, run->output);
  runtime::Int8Tensor out{s.vk.spec.output_shape, std::vector<int8_t>(run->output[0].data.begin(),
                                                                      run->output[0].data.end())};
  EXPECT_TRUE(zkml::Verify(s.vk, proved->input, out, proved->proof).ok());
  out.data[0] = static_cast<int8_t>(out.data[0] == 127 ? 126 : out.data[0] + 1);
  EXPECT_FALSE(zkml::Verify(s.vk, proved->input, out, proved->proof).ok());
  // Inputs that do not fit the key are refused with the reason.
  EXPECT_EQ(models.Run(s.id, {protocol::F32Tensor("x", {1, 3}, {1, 2, 3})}).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(models.Run("00", Input(0)).status().code(), Code::kNotFound);
}

TEST(ZkmlModels, UnprovableModelIsRefusedAndTamperedPackageIsNotLoaded) {
  testing::TempDir dir;
  ModelStore store(dir.path / "store");
  ZkmlStore s;
  // A corrupted package: skipped with a load error, never served.
  auto path = s.store.ZkmlPackagePath(s.id);
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(path) - 3));
  f.put('\x7f');
  f.close();
  ZkmlModels models(s.store);
  EXPECT_FALSE(models.Has(s.id));
  EXPECT_EQ(models.load_errors().size(), 1u);
}

ProofJob QueuedJob(const std::string& id, const std::string& model, float a, int64_t t) {
  ProofJob j;
  j.id_hex = id;
  j.model_id = model;
  j.inputs = protocol::EncodeTensors(Input(a));
  j.accepted_ms = t;
  return j;
}

TEST(ProofJobs, SurviveReopenInArrivalOrder) {
  testing::TempDir dir;
  {
    auto jobs = ProofJobs::Open(dir.path / "proofs");
    ASSERT_TRUE(jobs.ok());
    ProofJob a = QueuedJob("aa", "m", 0.1f, 20);
    ProofJob b = QueuedJob("bb", "m", 0.2f, 10);
    ProofJob c = a;
    c.id_hex = "cc";
    c.status = "PROVED";
    c.proof = {9, 9};
    ASSERT_TRUE((*jobs)->Put({a, b, c}).ok());
  }
  auto jobs = ProofJobs::Open(dir.path / "proofs");
  ASSERT_TRUE(jobs.ok());
  auto queued = (*jobs)->WithStatus("QUEUED", 10);
  ASSERT_EQ(queued.size(), 2u);
  EXPECT_EQ(queued[0].id_hex, "bb");
  EXPECT_EQ(queued[1].id_hex, "aa");
  EXPECT_EQ((*jobs)->Get("cc")->proof, (Bytes{9, 9}));
  EXPECT_EQ((*jobs)->Count("PROVED"), 1u);
  // A finished job keeps its proof on disk only; Get still returns it.
  ProofJob done = *(*jobs)->Get("cc");
  done.status = "DONE";
  done.claim_status = "SETTLED";
  ASSERT_TRUE((*jobs)->Put({done}).ok());
  EXPECT_TRUE((*jobs)->WithStatus("DONE", 10).at(0).proof.empty());
  EXPECT_EQ((*jobs)->Get("cc")->proof, (Bytes{9, 9}));
  EXPECT_EQ((*jobs)->Get("cc")->claim_status, "SETTLED");
  ASSERT_TRUE((*jobs)->Delete("aa").ok());
  EXPECT_EQ((*jobs)->Get("aa").status().code(), Code::kNotFound);
  EXPECT_EQ(ProofJobFromJson("{\"id\": 1}").status().code(), Code::kParse);
}

TEST(ProofJobs, OnProvedFiresOnlyWhenAProvedJobIsWritten) {
  testing::TempDir dir;
  auto jobs = *ProofJobs::Open(dir.path / "proofs");
  int calls = 0;
  jobs->OnProved([&] { ++calls; });
  ProofJob a = QueuedJob("aa", "m", 0.1f, 1);
  ASSERT_TRUE(jobs->Put({a}).ok());
  EXPECT_EQ(calls, 0);  // queued: nothing to send yet
  a.status = "PROVED";
  a.proof = {1};
  ASSERT_TRUE(jobs->Put({a, QueuedJob("bb", "m", 0.2f, 2)}).ok());
  EXPECT_EQ(calls, 1);  // one call per write, however many jobs it holds
  jobs->OnProved({});
  ASSERT_TRUE(jobs->Put({a}).ok());
  EXPECT_EQ(calls, 1);
}

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 600 && !done(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return done();
}

TEST(ProverPool, ProvesQueuedJobsDurablyAndFailsUnprovableOnes) {
  ZkmlStore s;
  ZkmlModels models(s.store);
  testing::TempDir dir;
  auto jobs = *ProofJobs::Open(dir.path / "proofs");
  ASSERT_TRUE(jobs->Put({QueuedJob("01", s.id, 0.1f, 1), QueuedJob("02", s.id, 0.9f, 2),
                         QueuedJob("03", "not-a-model", 0.1f, 3)})
                  .ok());
  Metrics metrics;
  {
    ProverPool pool(*jobs, models, metrics, Byzantine::kNone);
    pool.Start(2);
    ASSERT_TRUE(WaitFor([&] { return jobs->Count("QUEUED") == 0; }));
  }
  EXPECT_EQ(jobs->Count("PROVED"), 2u);
  auto failed = jobs->Get("03");
  EXPECT_EQ(failed->status, "FAILED");
  EXPECT_NE(failed->error.find("not-a-model"), std::string::npos);
  ProofJob j = *jobs->Get("02");
  auto inputs = *protocol::DecodeTensors(j.inputs);
  auto run = *models.Run(s.id, inputs);
  runtime::Int8Tensor out{s.vk.spec.output_shape, std::vector<int8_t>(run.output[0].data.begin(),
                                                                      run.output[0].data.end())};
  EXPECT_TRUE(zkml::Verify(s.vk, run.input, out, j.proof).ok());
  EXPECT_NE(metrics.Render().find("vinet_node_prove_seconds"), std::string::npos);
}

TEST(ProverPool, BadProofModeCorruptsTheProof) {
  ZkmlStore s;
  ZkmlModels models(s.store);
  testing::TempDir dir;
  auto jobs = *ProofJobs::Open(dir.path / "proofs");
  Metrics metrics;
  ProverPool pool(*jobs, models, metrics, Byzantine::kBadProof);
  ASSERT_TRUE(pool.ProveOne(QueuedJob("01", s.id, 0.4f, 1)).ok());
  ProofJob j = *jobs->Get("01");
  auto run = *models.Run(s.id, *protocol::DecodeTensors(j.inputs));
  runtime::Int8Tensor out{s.vk.spec.output_shape, std::vector<int8_t>(run.output[0].data.begin(),
                                                                      run.output[0].data.end())};
  EXPECT_FALSE(zkml::Verify(s.vk, run.input, out, j.proof).ok());
}

// The jobs' int8 inputs and outputs as the prover saw them.
void RunsOf(const ZkmlModels& models, const std::string& id, const std::vector<ProofJob>& jobs,
            const zkml::VerifyingKey& vk, std::vector<runtime::Int8Tensor>& in,
            std::vector<runtime::Int8Tensor>& out) {
  for (const ProofJob& j : jobs) {
    auto run = *models.Run(id, *protocol::DecodeTensors(j.inputs));
    in.push_back(run.input);
    out.push_back({vk.spec.output_shape,
                   std::vector<int8_t>(run.output[0].data.begin(), run.output[0].data.end())});
  }
}

TEST(ProverPool, BatchesQueuedJobsOfOneModelIntoOneProof) {
  ZkmlStore s;
  ZkmlModels models(s.store);
  testing::TempDir dir;
  auto jobs = *ProofJobs::Open(dir.path / "proofs");
  // Five jobs of the model (oldest first) and one of a model the node lacks.
  ASSERT_TRUE(jobs->Put({QueuedJob("11", s.id, 0.1f, 1), QueuedJob("12", s.id, 0.3f, 2),
                         QueuedJob("13", "not-a-model", 0.1f, 3), QueuedJob("14", s.id, 0.5f, 4),
                         QueuedJob("15", s.id, 0.7f, 5), QueuedJob("16", s.id, 0.9f, 6)})
                  .ok());
  Metrics metrics;
  {
    ProverPool pool(*jobs, models, metrics, Byzantine::kNone);
    pool.SetBatching(4, 50);
    pool.Start(1);
    ASSERT_TRUE(WaitFor([&] { return jobs->Count("QUEUED") == 0; }));
  }
  EXPECT_EQ(jobs->Get("13")->status, "FAILED");
  std::vector<ProofJob> batch;
  for (const char* id : {"11", "12", "14", "15"}) batch.push_back(*jobs->Get(id));
  std::vector<std::string> ids = {"11", "12", "14", "15"};
  for (const ProofJob& j : batch) {
    EXPECT_EQ(j.status, "PROVED");
    EXPECT_EQ(j.batch, ids);
  }
  EXPECT_FALSE(batch[0].proof.empty());
  EXPECT_TRUE(batch[1].proof.empty());
  std::vector<runtime::Int8Tensor> in, out;
  RunsOf(models, s.id, batch, s.vk, in, out);
  EXPECT_TRUE(zkml::VerifyBatch(s.vk, in, out, batch[0].proof).ok());
  std::swap(in[0], in[1]);
  EXPECT_FALSE(zkml::VerifyBatch(s.vk, in, out, batch[0].proof).ok());
  // The last one, alone past its wait, gets a single proof.
  ProofJob last = *jobs->Get("16");
  EXPECT_TRUE(last.batch.empty());
  std::vector<runtime::Int8Tensor> in1, out1;
  RunsOf(models, s.id, {last}, s.vk, in1, out1);
  EXPECT_TRUE(zkml::Verify(s.vk, in1[0], out1[0], last.proof).ok());
}

TEST(ProverPool, AFreshJobWaitsForABatchAtMostTheBound) {
  ZkmlStore s;
  ZkmlModels models(s.store);
  testing::TempDir dir;
  auto jobs = *ProofJobs::Open(dir.path / "proofs");
  Metrics metrics;
  ProverPool pool(*jobs, models, metrics, Byzantine::kNone);
  pool.SetBatching(8, 300);
  pool.Start(1);
  int64_t accepted = WallMs();
  ASSERT_TRUE(jobs->Put({QueuedJob("21", s.id, 0.2f, accepted)}).ok());
  pool.Notify();
  ASSERT_TRUE(WaitFor([&] { return jobs->Get("21")->status == "PROVED"; }));
  ProofJob j = *jobs->Get("21");
  EXPECT_GE(j.proved_ms - accepted, 300);  // never taken before the bound
  EXPECT_TRUE(j.batch.empty());
}

TEST(SubmitProofsTx, CarriesABatchProofOnceWithItsIdsInOrder) {
  auto key = crypto::SecretKey::Generate();
  ProofJob a = QueuedJob(std::string(64, 'a'), "m", 0.5f, 1);
  ProofJob b = QueuedJob(std::string(64, 'b'), "m", 0.6f, 2);
  ProofJob c = QueuedJob(std::string(64, 'c'), "m", 0.7f, 3);
  a.batch = b.batch = {b.id_hex, a.id_hex};  // the proof's order, b first
  b.proof = {9, 9};
  c.proof = {1};
  Bytes tx = BuildSubmitProofsTx(key, "chain", 7, 1, {a, b, c});
  chain::DecodedTx decoded;
  ASSERT_TRUE(chain::DecodeTx(tx, decoded).ok());
  const auto& msg = decoded.body.submit_proofs();
  ASSERT_EQ(msg.proofs_size(), 1);
  EXPECT_EQ(msg.proofs(0).proof(), std::string("\x01", 1));
  ASSERT_EQ(msg.batches_size(), 1);
  const auto& batch = msg.batches(0);
  ASSERT_EQ(batch.inference_ids_size(), 2);
  EXPECT_EQ(batch.inference_ids(0), std::string(32, '\xbb'));
  EXPECT_EQ(batch.inference_ids(1), std::string(32, '\xaa'));
  EXPECT_EQ(batch.inputs(0), ToString(b.inputs));
  EXPECT_EQ(batch.inputs(1), ToString(a.inputs));
  EXPECT_EQ(batch.proof(), std::string("\x09\x09", 2));
}

TEST(NodeConfig, ByzantineOnlyOnDevnetNodes) {
  EXPECT_EQ(*ParseByzantine("no-proof"), Byzantine::kNoProof);
  EXPECT_EQ(*ParseByzantine(""), Byzantine::kNone);
  EXPECT_EQ(ParseByzantine("evil").status().code(), Code::kInvalidArgument);
  NodeConfig c;
  c.byzantine = Byzantine::kWrongOutput;
  EXPECT_EQ(CheckByzantine(c).code(), Code::kInvalidArgument);
  c.devnet = true;
  EXPECT_TRUE(CheckByzantine(c).ok());
  testing::TempDir dir;
  std::ofstream(dir.path / "node.toml")
      << "[node]\nlisten = \"127.0.0.1:1\"\ndata_dir = \"d\"\nkey_file = \"k\"\n"
         "models_dir = \"m\"\n[zkml]\nbyzantine = \"bad-proof\"\nprover_threads = 2\n";
  EXPECT_EQ(LoadNodeConfig(dir.path / "node.toml").status().code(), Code::kInvalidArgument);
  std::ofstream(dir.path / "node.toml", std::ios::app) << "";
  std::ofstream(dir.path / "dev.toml")
      << "[node]\nlisten = \"127.0.0.1:1\"\ndata_dir = \"d\"\nkey_file = \"k\"\n"
         "models_dir = \"m\"\ndevnet = true\n[zkml]\nbyzantine = \"bad-proof\"\nprover_threads = "
         "2\n";
  auto ok = LoadNodeConfig(dir.path / "dev.toml");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->byzantine, Byzantine::kBadProof);
  EXPECT_EQ(ok->prover_threads, 2u);
  EXPECT_EQ(ok->zkml_batch_max, 16u);
  EXPECT_EQ(ok->zkml_batch_wait_ms, 50);
  std::ofstream(dir.path / "dev.toml", std::ios::app) << "batch_max = 4\nbatch_wait_ms = 80\n";
  ok = LoadNodeConfig(dir.path / "dev.toml");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->zkml_batch_max, 4u);
  EXPECT_EQ(ok->zkml_batch_wait_ms, 80);
  std::ofstream(dir.path / "dev.toml", std::ios::app) << "";
  std::ofstream(dir.path / "bad.toml")
      << "[node]\nlisten = \"127.0.0.1:1\"\ndata_dir = \"d\"\nkey_file = \"k\"\n"
         "models_dir = \"m\"\n[zkml]\nbatch_max = 33\n";
  auto bad = LoadNodeConfig(dir.path / "bad.toml");
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "config: zkml.batch_max must be 1..32");
}

TEST(SubmitProofsTx, CarriesEachProofUnderField17) {
  auto key = crypto::SecretKey::Generate();
  ProofJob j = QueuedJob(std::string(64, 'a'), "m", 0.5f, 1);
  j.proof = {1, 2, 3};
  Bytes tx = BuildSubmitProofsTx(key, "chain", 7, 1, {j, j});
  chain::txpb::SubmitProofs want;
  for (int i = 0; i < 2; ++i) {
    auto* p = want.add_proofs();
    p->set_inference_id(std::string(32, '\xaa'));
    p->set_inputs(ToString(j.inputs));
    p->set_proof(std::string("\x01\x02\x03", 3));
  }
  std::string msg = want.SerializeAsString();
  // Tag of field 17, wire type 2 (0x8a 0x01), the varint length, the message.
  std::string field("\x8a\x01", 2);
  for (size_t n = msg.size();; n >>= 7) {
    field += static_cast<char>((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
    if (n < 0x80) break;
  }
  field += msg;
  EXPECT_NE(ToString(tx).find(field), std::string::npos);
}

// Start-up reconciliation: a job whose claim was never written (crash before
// answering) is dropped; a queued job with its claim is proved.
TEST(NodeZkml, RestartDropsOrphanJobsAndResumesQueuedOnes) {
  ZkmlStore s;
  testing::TempDir dir;
  NodeConfig c;
  c.data_dir = dir.path / "data";
  c.key_file = dir.path / "node.key";
  c.models_dir = s.store.dir();
  c.chain_rpc = {"http://127.0.0.1:1"};
  ASSERT_TRUE(crypto::SaveKeyFile(crypto::SecretKey::Generate(), c.key_file).ok());
  {
    auto ledger = Ledger::Open(c.data_dir / "claims");
    ASSERT_TRUE(ledger.ok());
    ClaimRecord claim;
    claim.id_hex = std::string(64, 'b');
    claim.client = "client";
    claim.model_id = s.id;
    claim.mode = protocol::Mode::kZkml;
    claim.fee = 1;
    claim.accepted_ms = 2;
    ASSERT_TRUE((*ledger)->Accept(claim, 10).ok());
    auto jobs = ProofJobs::Open(c.data_dir / "proofs");
    ASSERT_TRUE(jobs.ok());
    ASSERT_TRUE((*jobs)
                    ->Put({QueuedJob(std::string(64, 'a'), s.id, 0.2f, 1),
                           QueuedJob(std::string(64, 'b'), s.id, 0.3f, 2)})
                    .ok());
  }
  auto node = Node::Create(c);
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  ProofJobs& jobs = (*node)->proof_jobs();
  EXPECT_EQ(jobs.Get(std::string(64, 'a')).status().code(), Code::kNotFound);
  ASSERT_TRUE(WaitFor([&] { return jobs.Count("PROVED") == 1; }));
  auto proof = (*node)->Proof(std::string(64, 'b'));
  ASSERT_TRUE(proof.ok());
  EXPECT_EQ((*proof)["status"], "PROVED");
  EXPECT_TRUE((*proof)["proof"].is_string());
  auto key = (*node)->ZkmlKey(s.id);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ((*key)["zkml_model_id"], ToHex(s.vk.ModelId()));
  EXPECT_EQ((*node)->ZkmlKey(std::string(64, 'c')).status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace vinet::node
