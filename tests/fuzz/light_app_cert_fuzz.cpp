// Fuzz target: an untrusted /app_hash_sig/<height> answer (JSON text) through
// DecodeAppHashSig, then the certificate check against a one-validator set
// holding the decoded key (so the signature check runs on fuzzed bytes).
// Nothing may crash or throw, every refusal carries a message, and a
// fuzzed signature must never form a certificate under a key it does not
// belong to.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vinet/light/app_cert.h"

using namespace vinet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto sig = light::DecodeAppHashSig(text, "fuzz");
  if (!sig.ok()) {
    if (sig.status().message().empty()) std::abort();
    return 0;
  }
  light::ValidatorSet set;
  light::Validator v;
  v.pub_key = sig->pub_key;
  v.address = Bytes(20, 0);
  v.voting_power = 1;
  set.validators.push_back(v);
  auto cert = light::CheckAppHashCertificate(sig->chain_id, sig->height, set, {*sig, *sig});
  if (!cert.ok() && cert.status().message().empty()) std::abort();
  // Another validator's key (all zeros is not on the curve's prime subgroup
  // as a valid signer) must never be certified by this signature.
  set.validators[0].pub_key.fill(0);
  if (sig->pub_key != set.validators[0].pub_key &&
      light::CheckAppHashCertificate(sig->chain_id, sig->height, set, {*sig}).ok()) {
    std::abort();
  }
  return 0;
}
