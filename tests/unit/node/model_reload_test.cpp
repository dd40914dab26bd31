// Loading models into a running node and enclave (`vinet model publish`):
// the runtime runner and the ZKML packages pick up what was added to the
// store, and the enclave's reload keeps its PCR0 while its configuration
// (the attestation's user_data) follows the model set.
#include <gtest/gtest.h>

#include <random>

#include "unit/node/node_test_util.h"
#include "vinet/node/runtime_runner.h"
#include "vinet/node/zkml_models.h"
#include "vinet/tee/dev_ca.h"
#include "vinet/tee/emulator.h"
#include "vinet/tee/enclave.h"

namespace vinet::node {
namespace {

std::vector<runtime::TensorMap> Calibration() {
  std::mt19937 rng(5);
  std::normal_distribution<float> d(0, 1);
  std::vector<runtime::TensorMap> out;
  for (int i = 0; i < 8; ++i) {
    runtime::Tensor t{{1, 4}, std::vector<float>(4)};
    for (float& v : t.data) v = d(rng);
    out.push_back({{"x", t}});
  }
  return out;
}

const std::vector<protocol::NamedTensor> kInput{protocol::F32Tensor("x", {1, 4}, {1, -2, 3, 0.5f})};

TEST(ModelReload, RuntimeRunnerLoadsOnlyWhatWasAddedSince) {
  testing::TempDir dir;
  ModelStore store(dir.path / "store");
  auto first = *store.Add(testing::WriteTinyModel(dir.path / "a.onnx", 1));
  RuntimeModelRunner runner(store);
  ASSERT_EQ(runner.ModelIds(), std::vector<std::string>{first});
  auto second = *store.Add(testing::WriteTinyModel(dir.path / "b.onnx", 2));
  EXPECT_EQ(runner.Run(second, kInput).status().code(), Code::kNotFound);
  auto added = runner.LoadNew();
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, std::vector<std::string>{second});
  EXPECT_EQ(runner.ModelIds().size(), 2u);
  EXPECT_TRUE(runner.Run(second, kInput).ok());
  EXPECT_TRUE(runner.Run(first, kInput).ok());
  EXPECT_TRUE(runner.LoadNew()->empty());
  // A file that does not hash to its name is refused, as at start.
  auto third = *store.Add(testing::WriteTinyModel(dir.path / "c.onnx", 3));
  std::filesystem::copy_file(dir.path / "a.onnx", store.PathOf(third),
                             std::filesystem::copy_options::overwrite_existing);
  EXPECT_TRUE(runner.LoadNew()->empty());
  EXPECT_EQ(runner.Find(third), nullptr);
  ASSERT_EQ(runner.load_errors().size(), 1u);
  EXPECT_NE(runner.load_errors()[0].find(third), std::string::npos);
}

TEST(ModelReload, ZkmlPackagesAddedLaterAreLoaded) {
  testing::TempDir dir;
  ModelStore store(dir.path / "store");
  ZkmlModels models(store);
  EXPECT_TRUE(models.ModelIds().empty());
  auto id = store.AddZkml(testing::WriteTinyModel(dir.path / "z.onnx"), Calibration());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_FALSE(models.Has(*id));
  EXPECT_EQ(models.LoadNew(), std::vector<std::string>{*id});
  EXPECT_TRUE(models.Has(*id));
  EXPECT_TRUE(models.Run(*id, kInput).ok());
  EXPECT_TRUE(models.LoadNew().empty());
}

TEST(ModelReload, EnclaveKeepsItsPcr0AndKeyWhileItsConfigFollowsTheModels) {
  testing::TempDir dir;
  ModelStore store(dir.path / "models");
  auto first = *store.Add(testing::WriteTinyModel(dir.path / "a.onnx", 1));
  auto binary = testing::WriteTinyModel(dir.path / "binary", 7);  // stands for the executable
  auto measure = [&] { return tee::MeasureEnclave(binary, store.dir(), false); };
  auto boot = measure().value();
  auto ca = tee::DevCa::LoadOrCreate(dir.path / "ca").value();
  auto provider = std::make_unique<tee::EmulatorProvider>(std::move(ca), boot.image,
                                                          boot.config_pcr, tee::EmulatorOptions{});
  tee::Enclave enclave(std::move(provider), std::make_unique<RuntimeModelRunner>(store), boot,
                       false);
  enclave.SetRemeasure(measure);
  auto before = enclave.Info();
  auto second = *store.Add(testing::WriteTinyModel(dir.path / "b.onnx", 2));
  auto added = enclave.Reload();
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, std::vector<std::string>{second});
  auto after = enclave.Info();
  EXPECT_EQ(after.models.size(), 2u);
  EXPECT_EQ(after.enclave_key, before.enclave_key);
  EXPECT_EQ(after.measurements.image, before.measurements.image);            // PCR0
  EXPECT_EQ(after.measurements.config_pcr, before.measurements.config_pcr);  // PCR2
  EXPECT_NE(after.measurements.config_hash, before.measurements.config_hash);
  EXPECT_NE(after.measurements.config.find(second + ".onnx"), std::string::npos);
  EXPECT_EQ(before.measurements.config.find(second + ".onnx"), std::string::npos);
  tee::InferRequest req{Bytes(32, 1), Bytes(32, 2), second, kInput};
  EXPECT_TRUE(enclave.Infer(req).ok());
  (void)first;
}

TEST(ModelReload, EnclaveWithAFixedRunnerRefusesReload) {
  testing::TempDir dir;
  auto ca = tee::DevCa::LoadOrCreate(dir.path / "ca").value();
  tee::EnclaveMeasurements m;
  auto provider = std::make_unique<tee::EmulatorProvider>(std::move(ca), m.image, m.config_pcr,
                                                          tee::EmulatorOptions{});
  tee::Enclave enclave(std::move(provider),
                       std::make_unique<tee::TestOnlyEchoRunner>(std::vector<std::string>{"m"}), m,
                       false);
  EXPECT_EQ(enclave.Reload().status().code(), Code::kUnsupported);
}

}  // namespace
}  // namespace vinet::node
