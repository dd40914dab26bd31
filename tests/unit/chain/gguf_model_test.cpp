// RegisterModel for LLM chat models (format "gguf"): id, modes, allowlist and
// token prices; ONNX models keep their fee rule and refuse token prices.
#include "unit/chain/inference_fixture.h"

namespace vinet::chain {
namespace {

using testing::InferenceFixture;

const std::string kGgufId(64, 'a');

class GgufModelTest : public InferenceFixture {
 protected:
  txpb::TxBody Gguf(std::string id, uint64_t fee, uint64_t price_in, uint64_t price_out) {
    auto b = ModelBody(std::move(id), {pcr0_}, fee);
    auto* m = b.mutable_register_model();
    m->set_format("gguf");
    m->set_price_per_input_token(price_in);
    m->set_price_per_output_token(price_out);
    return b;
  }

  void ExpectInvalid(const txpb::TxBody& b, std::string_view log) {
    auto r = Run(owner_, b);
    EXPECT_EQ(r.status.code, TxCode::kInvalidMessage) << log;
    EXPECT_EQ(r.status.log, log);
  }
};

TEST_F(GgufModelTest, RegistersWithPricesAndEvent) {
  auto r = Run(owner_, Gguf(kGgufId, 0, 1, 2));
  ASSERT_TRUE(r.status.ok()) << r.status.log;
  State s(state_);
  auto m = s.GetModel(kGgufId).value();
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->format(), "gguf");
  EXPECT_EQ(m->fee_per_inference(), 0u);
  EXPECT_EQ(m->price_per_input_token(), 1u);
  EXPECT_EQ(m->price_per_output_token(), 2u);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(Attr(r.events[0], "format"), "gguf");
  EXPECT_EQ(Attr(r.events[0], "price_in"), "1");
  EXPECT_EQ(Attr(r.events[0], "price_out"), "2");
}

TEST_F(GgufModelTest, IdMustBeLowercaseSha256Hex) {
  const char* log =
      "register_model.model_id: a gguf model's id is its file's SHA-256, 64 lowercase hex";
  ExpectInvalid(Gguf("m1", 1, 1, 1), log);
  ExpectInvalid(Gguf(std::string(63, 'a'), 1, 1, 1), log);
  ExpectInvalid(Gguf(std::string(64, 'A'), 1, 1, 1), log);
  ExpectInvalid(Gguf(std::string(63, 'a') + "g", 1, 1, 1), log);
  EXPECT_TRUE(Run(owner_, Gguf(std::string(64, '0'), 1, 1, 1)).status.ok());
}

TEST_F(GgufModelTest, ZkmlRefusedAndTeeNeedsAllowlist) {
  auto b = Gguf(kGgufId, 1, 1, 1);
  b.mutable_register_model()->add_modes(inference::v1::MODE_ZKML);
  ExpectInvalid(
      b, "register_model.modes: mode MODE_ZKML not offered for gguf (VANILLA and/or TEE only)");
  b = Gguf(kGgufId, 1, 1, 1);
  b.mutable_register_model()->set_zkml_verifying_key("vk");
  ExpectInvalid(b, "register_model.zkml_verifying_key: not allowed for gguf");
  b = Gguf(kGgufId, 1, 1, 1);
  b.mutable_register_model()->clear_allowed_pcr0();
  ExpectInvalid(b, "register_model.allowed_pcr0: empty, but a gguf model offering TEE needs one");
  b.mutable_register_model()->add_allowed_pcr0("short");
  ExpectInvalid(b, "register_model.allowed_pcr0[0]: expected 48 bytes, got 5");
  // VANILLA alone needs no allowlist.
  b = Gguf(kGgufId, 1, 1, 1);
  b.mutable_register_model()->clear_allowed_pcr0();
  b.mutable_register_model()->clear_modes();
  b.mutable_register_model()->add_modes(inference::v1::MODE_VANILLA);
  EXPECT_TRUE(Run(owner_, b).status.ok());
}

TEST_F(GgufModelTest, PricesChargeSomethingEachAtLeastMinModelFee) {
  auto p = params_;
  p.set_min_model_fee(3);
  SetParams(p);
  ExpectInvalid(Gguf(kGgufId, 0, 0, 0),
                "register_model: a gguf model charges nothing (fee_per_inference, "
                "price_per_input_token and price_per_output_token all 0)");
  ExpectInvalid(Gguf(kGgufId, 2, 0, 5),
                "register_model.fee_per_inference: 2 below min_model_fee 3");
  ExpectInvalid(Gguf(kGgufId, 0, 1, 5),
                "register_model.price_per_input_token: 1 below min_model_fee 3");
  ExpectInvalid(Gguf(kGgufId, 0, 3, 2),
                "register_model.price_per_output_token: 2 below min_model_fee 3");
  // A part left at 0 is not charged, so the minimum does not apply to it.
  EXPECT_TRUE(Run(owner_, Gguf(kGgufId, 0, 0, 3)).status.ok());
}

TEST_F(GgufModelTest, MinModelFeeZeroStillNeedsOneCharge) {
  auto p = params_;
  p.set_min_model_fee(0);
  SetParams(p);
  ExpectInvalid(Gguf(kGgufId, 0, 0, 0),
                "register_model: a gguf model charges nothing (fee_per_inference, "
                "price_per_input_token and price_per_output_token all 0)");
  EXPECT_TRUE(Run(owner_, Gguf(kGgufId, 0, 1, 0)).status.ok());
}

TEST_F(GgufModelTest, OnnxKeepsItsFeeRuleAndRefusesTokenPrices) {
  auto b = ModelBody("m1", {pcr0_});
  b.mutable_register_model()->set_price_per_output_token(1);
  ExpectInvalid(b,
                "register_model.price_per_input_token/price_per_output_token: must be 0 for "
                "format 'onnx'");
  b = ModelBody("m1", {pcr0_});
  b.mutable_register_model()->set_price_per_input_token(1);
  ExpectInvalid(b,
                "register_model.price_per_input_token/price_per_output_token: must be 0 for "
                "format 'onnx'");
  ExpectInvalid(ModelBody("m1", {pcr0_}, 0),
                "register_model.fee_per_inference: 0 below min_model_fee 1");
  EXPECT_TRUE(Run(owner_, ModelBody("m1", {pcr0_})).status.ok());
}

}  // namespace
}  // namespace vinet::chain
