// FinalizeBlock + Commit of blocks of N TEE claims through the real ChainApp
// and its RocksDB store (synced writes, app hash, everything a validator does
// per block except CometBFT). Claims are signed outside the timing; each
// timed iteration is one new block on top of the previous ones, so the state
// grows by N claims per iteration, as on a live chain. Reports ms per block
// and claims/s.
#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>
#include <random>

#include "vinet/chain/app.h"
#include "vinet/chain/enclave_nonce.h"
#include "vinet/chain/fee.h"
#include "vinet/chain/genesis.h"
#include "vinet/chain/tx.h"
#include "vinet/protocol/claim_batch.h"
#include "vinet/protocol/request.h"
#include "vinet/tee/emulator.h"

namespace {

using namespace vinet;
using namespace vinet::chain;
constexpr std::string_view kChain = "bench-chain";

crypto::SecretKey Key(uint8_t b) {
  return std::move(crypto::SecretKey::FromSeed(Bytes(32, b)).value());
}

void Die(const char* what) {
  std::fprintf(stderr, "block_commit_bench: %s\n", what);
  std::abort();
}

class Chain {
 public:
  Chain() {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("vinet_block_bench_" + std::to_string(rd()) + std::to_string(rd()));
    app_ = std::move(ChainApp::Open(dir_).value());
    Genesis g;
    g.params = DefaultParams();
    g.params.clear_tee_roots();
    g.params.add_tee_roots(provider_.root().ToPem());
    g.accounts.push_back({crypto::AddressOf(node_.public_key()), 1'000'000'000});
    g.accounts.push_back({crypto::AddressOf(client_.public_key()), 1'000'000'000'000});
    abci::pb::RequestInitChain init;
    init.set_chain_id(std::string(kChain));
    init.set_initial_height(1);
    init.set_app_state_bytes(GenesisToJson(g));
    app_->InitChain(init);
    txpb::TxBody reg;
    reg.mutable_register_node()->set_stake(10'000);
    reg.mutable_register_node()->set_endpoint("http://n");
    txpb::TxBody model;
    auto* m = model.mutable_register_model();
    m->set_model_id("m1");
    m->set_name("m");
    m->set_format("onnx");
    m->set_fee_per_inference(1);
    m->add_modes(inference::v1::MODE_TEE);
    m->add_allowed_pcr0(ToString(provider_.pcrs().at(0)));
    Block({Tx(reg), Tx(model)});
    auto n = EnclaveNonce(kChain, node_.public_key(), 1);
    tee::AttestationRequest req;
    req.nonce = Bytes(n.begin(), n.end());
    req.public_key = Bytes(enclave_.public_key().begin(), enclave_.public_key().end());
    txpb::TxBody enc;
    enc.mutable_register_enclave()->set_attestation_document(
        ToString(provider_.AttestAt(req, static_cast<uint64_t>(now_ms_)).value()));
    enc.mutable_register_enclave()->add_model_ids("m1");
    enc.mutable_register_enclave()->set_nonce_height(1);
    Block({Tx(enc)});
  }
  ~Chain() {
    app_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Tx(txpb::TxBody body) {
    body.set_chain_id(std::string(kChain));
    body.set_nonce(nonce_++);
    body.set_fee(1);
    PayMinimumFee(FeesOf(DefaultParams()), body);
    return ToString(BuildSignedTx(node_, body));
  }

  enum class Form { kFull, kBatched, kCompact };

  // SubmitClaims txs of at most 1000 claims (max_claims_per_tx) for `count` new claims.
  // kBatched: each tx carries the enclave's batch attestation over its claims
  // (one signature per tx; docs/chain.md "Claim batches"); kCompact: the same
  // with every claim compact (docs/chain.md "Compact claims"), as the node
  // sends them on the devnet. Adds the txs' bytes to tx_bytes().
  std::vector<std::string> ClaimTxs(int count, Form form = Form::kFull) {
    const bool batched = form != Form::kFull;
    std::vector<std::string> txs;
    while (count > 0) {
      int n = std::min(count, 1000);
      count -= n;
      txpb::TxBody body;
      std::vector<crypto::Digest256> leaves;
      for (int i = 0; i < n; ++i) {
        protocol::InferenceRequest r;
        r.chain_id = std::string(kChain);
        r.model_id = "m1";
        r.mode = protocol::Mode::kTee;
        r.input_hash = Bytes(32, 1);
        r.max_fee = 10;
        r.nonce = request_nonce_++;
        r.node_pubkey = node_.public_key();
        r.timestamp_ms = now_ms_;
        r.expires_ms = now_ms_ + 3'600'000;
        auto signed_req = protocol::SignRequest(r, client_);
        protocol::Receipt receipt;
        auto id = protocol::InferenceId(signed_req);
        receipt.inference_id = Bytes(id.begin(), id.end());
        receipt.model_id = "m1";
        receipt.mode = protocol::Mode::kTee;
        receipt.input_hash = r.input_hash;
        receipt.output_hash = Bytes(32, 2);
        receipt.node_id = Bytes(node_.public_key().begin(), node_.public_key().end());
        protocol::SignAsEnclave(receipt, enclave_);
        (void)protocol::SignAsNode(receipt, node_);
        if (form == Form::kCompact) {
          auto* c = body.mutable_submit_claims()->add_compact_claims();
          c->set_request_body(ToString(signed_req.body));
          c->set_client_pubkey(ToString(signed_req.client_pubkey));
          c->set_output_hash(ToString(receipt.output_hash));
        } else {
          auto* c = body.mutable_submit_claims()->add_claims();
          c->mutable_request()->ParseFromString(
              ToString(protocol::EncodeSignedRequest(signed_req)));
          c->set_receipt(ToString(protocol::EncodeReceipt(receipt)));
        }
        leaves.push_back(protocol::ClaimLeaf(id, protocol::EnclaveSigningBytes(receipt)));
      }
      if (batched) {
        auto sig = enclave_.Sign(protocol::ClaimBatchSigningBytes(
            node_.public_key(), static_cast<uint32_t>(leaves.size()),
            protocol::ClaimBatchRoot(leaves)));
        auto* batch = body.mutable_submit_claims()->mutable_batch();
        batch->set_enclave_key(ToString(enclave_.public_key()));
        batch->set_signature(ToString(sig));
      }
      txs.push_back(Tx(std::move(body)));
      tx_bytes_ += txs.back().size();
    }
    return txs;
  }
  uint64_t tx_bytes() const { return tx_bytes_; }

  // One block: FinalizeBlock then Commit; every tx must succeed.
  void Block(const std::vector<std::string>& txs) {
    abci::pb::RequestFinalizeBlock req;
    req.set_height(++height_);
    req.mutable_time()->set_seconds(now_ms_ / 1000);
    for (const auto& t : txs) req.add_txs(t);
    auto resp = app_->FinalizeBlock(req);
    for (const auto& r : resp.tx_results()) {
      if (r.code() != 0) {
        std::fprintf(stderr, "tx failed: %s\n", r.log().c_str());
        Die("a tx of the block failed");
      }
    }
    app_->Commit();
  }

 private:
  tee::EmulatorProvider provider_{std::move(tee::DevCa::CreateEphemeral().value()),
                                  crypto::Sha384(AsBytes(std::string("img"))),
                                  crypto::Sha384(AsBytes(std::string("cfg")))};
  crypto::SecretKey node_ = Key(1), client_ = Key(2), enclave_ = Key(3);
  int64_t now_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  std::filesystem::path dir_;
  std::unique_ptr<ChainApp> app_;
  int64_t height_ = 0;
  uint64_t nonce_ = 0;
  uint64_t request_nonce_ = 0;
  uint64_t tx_bytes_ = 0;
};

// Blocks of st.range(0) TEE claims after one warm-up block; building the
// txs is not timed. `form`: full, batch-attested or compact claims.
void RunBlocksOfTeeClaims(benchmark::State& st, Chain::Form form) {
  const int n = static_cast<int>(st.range(0));
  Chain chain;
  chain.Block(chain.ClaimTxs(n, form));  // warm-up block
  for (auto _ : st) {
    st.PauseTiming();
    auto txs = chain.ClaimTxs(n, form);
    st.ResumeTiming();
    chain.Block(txs);
  }
  const double claims = static_cast<double>(n) * static_cast<double>(st.iterations() + 1);
  st.counters["claims/s"] = benchmark::Counter(
      static_cast<double>(n) * static_cast<double>(st.iterations()), benchmark::Counter::kIsRate);
  st.counters["tx_bytes/claim"] = static_cast<double>(chain.tx_bytes()) / claims;
}

void BM_BlockOfTeeClaims(benchmark::State& st) {
  RunBlocksOfTeeClaims(st, Chain::Form::kFull);
}
BENCHMARK(BM_BlockOfTeeClaims)
    ->Arg(1000)
    ->Iterations(10)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_BlockOfTeeClaims)
    ->Arg(10000)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// As above with batch-attested txs: what is left per claim is the state work
// (checks, records, history, tree, RocksDB). "CPU" is the process CPU time
// per block (both threads).
void BM_BlockOfBatchedTeeClaims(benchmark::State& st) {
  RunBlocksOfTeeClaims(st, Chain::Form::kBatched);
}
BENCHMARK(BM_BlockOfBatchedTeeClaims)
    ->Arg(2000)
    ->Iterations(10)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(BM_BlockOfBatchedTeeClaims)
    ->Arg(10000)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// As above with compact claims (docs/chain.md "Compact claims"): the same
// claims and batch, ~2.6x fewer tx bytes to parse.
void BM_BlockOfCompactTeeClaims(benchmark::State& st) {
  RunBlocksOfTeeClaims(st, Chain::Form::kCompact);
}
BENCHMARK(BM_BlockOfCompactTeeClaims)
    ->Arg(2000)
    ->Iterations(10)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
