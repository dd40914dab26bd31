// `vinet tee verify` and `vinet tee verify-receipt`.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/tee_cli.h"
#include "vinet/tee/receipt_verifier.h"
#include "vinet/tee/verifier.h"

namespace vinet::cli {
namespace {

using nlohmann::json;

json DocumentJson(const tee::VerifiedAttestation& v) {
  const tee::AttestationDocument& d = v.document;
  json pcrs = json::object();
  for (const auto& [i, value] : d.pcrs) pcrs[std::to_string(i)] = ToHex(value);
  auto opt = [](const std::optional<Bytes>& b) { return b ? json(ToHex(*b)) : json(nullptr); };
  return json{{"module_id", d.module_id},
              {"digest", d.digest},
              {"timestamp_ms", d.timestamp_ms},
              {"pcrs", pcrs},
              {"debug", d.IsDebug()},
              {"public_key", opt(d.public_key)},
              {"user_data", opt(d.user_data)},
              {"nonce", opt(d.nonce)},
              {"cabundle_length", d.cabundle.size()},
              {"leaf",
               {{"subject", v.leaf.subject},
                {"issuer", v.leaf.issuer},
                {"serial", v.leaf.serial_hex},
                {"not_before_s", v.leaf.not_before_s},
                {"not_after_s", v.leaf.not_after_s}}},
              {"root_sha256", v.root_fingerprint},
              {"verified_at_ms", v.verified_at_ms}};
}

void PrintHuman(const tee::VerifiedAttestation& v) {
  const auto& d = v.document;
  std::cout << "valid attestation document\n"
            << "  module_id:   " << d.module_id << "\n"
            << "  timestamp:   " << d.timestamp_ms << " ms\n"
            << "  verified at: " << v.verified_at_ms << " ms\n"
            << "  root sha256: " << v.root_fingerprint << "\n"
            << "  leaf:        " << v.leaf.subject << " [" << v.leaf.not_before_s << ", "
            << v.leaf.not_after_s << "]\n"
            << "  debug:       " << (d.IsDebug() ? "yes" : "no") << "\n";
  for (const auto& [i, value] : d.pcrs) std::cout << "  PCR" << i << ": " << ToHex(value) << "\n";
}

void FailJson(bool as_json, const Status& s) {
  if (as_json) {
    std::cout << json{{"valid", false},
                      {"code", std::string(CodeName(s.code()))},
                      {"error", s.message()}}
                     .dump(2)
              << "\n";
  }
  throw StatusError(s);
}

struct VerifyArgs {
  std::string doc;
  PolicyFlags flags;
  bool json_out = false;
};

void RunVerify(const VerifyArgs& a) {
  Bytes doc = ValueOrThrow(ReadFileBytes(a.doc));
  tee::TrustRoot root = ValueOrThrow(a.flags.Root());
  tee::AttestationPolicy policy = ValueOrThrow(a.flags.Policy());
  auto at = a.flags.Time(doc);
  if (!at.ok()) FailJson(a.json_out, at.status());
  auto v = tee::VerifyWithPolicy(doc, std::span<const tee::TrustRoot>(&root, 1), *at, policy);
  if (!v.ok()) FailJson(a.json_out, v.status());
  if (a.json_out) {
    json j = DocumentJson(*v);
    j["valid"] = true;
    std::cout << j.dump(2) << "\n";
  } else {
    PrintHuman(*v);
  }
}

struct ReceiptArgs {
  std::string receipt;
  std::string attestation;
  PolicyFlags flags;
  std::string input_hash;
  bool json_out = false;
};

void RunVerifyReceipt(const ReceiptArgs& a) {
  Bytes text = ValueOrThrow(ReadFileBytes(a.receipt));
  json j = json::parse(ToString(text), nullptr, false);
  if (j.is_object() && j.contains("receipt")) j = j["receipt"];  // an enclave reply
  protocol::Receipt receipt = ValueOrThrow(protocol::ReceiptFromJson(j.dump()));
  Bytes doc = ValueOrThrow(ReadFileBytes(a.attestation));
  tee::TrustRoot root = ValueOrThrow(a.flags.Root());
  tee::AttestationPolicy policy = ValueOrThrow(a.flags.Policy());
  uint64_t at = ValueOrThrow(a.flags.Time(doc));
  tee::AttestationCache cache;
  auto attested = cache.Add(doc, std::span<const tee::TrustRoot>(&root, 1), at, policy);
  if (!attested.ok()) FailJson(a.json_out, attested.status().WithContext("attestation"));
  tee::ReceiptExpectations expect;
  if (!a.input_hash.empty()) expect.input_hash = ValueOrThrow(FromHex(a.input_hash));
  Status s = tee::VerifyReceipt(receipt, cache, at, expect);
  if (!s.ok()) FailJson(a.json_out, s);
  if (a.json_out) {
    std::cout << json{{"valid", true},
                      {"inference_id", ToHex(receipt.inference_id)},
                      {"model_id", receipt.model_id},
                      {"enclave_key", ToHex(attested->key)},
                      {"node_signed", receipt.node_signature.has_value()},
                      {"verified_at_ms", at}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "valid receipt " << ToHex(receipt.inference_id) << " for model "
              << receipt.model_id << " signed by attested enclave key " << ToHex(attested->key)
              << "\n";
  }
}

}  // namespace

void RegisterTeeCommands(CLI::App& app) {
  CLI::App* tee = app.add_subcommand("tee", "TEE attestation documents and receipts");
  tee->require_subcommand(1);

  auto verify = std::make_shared<VerifyArgs>();
  CLI::App* v = tee->add_subcommand(
      "verify", "verify a Nitro attestation document (exit 0 only if every check passes)");
  v->add_option("DOC", verify->doc, "attestation document (CBOR COSE_Sign1)")->required();
  verify->flags.Add(v);
  v->add_flag("--json", verify->json_out, "print the parsed fields as JSON");
  v->callback([verify] { RunVerify(*verify); });

  auto receipt = std::make_shared<ReceiptArgs>();
  CLI::App* r =
      tee->add_subcommand("verify-receipt", "verify a TEE receipt against an attestation document");
  r->add_option("RECEIPT", receipt->receipt, "receipt JSON (or an enclave infer reply)")
      ->required();
  r->add_option("--attestation", receipt->attestation, "the enclave's attestation document")
      ->required();
  receipt->flags.Add(r);
  r->add_option("--input-hash", receipt->input_hash, "expected input hash (hex)");
  r->add_flag("--json", receipt->json_out, "print the result as JSON");
  r->callback([receipt] { RunVerifyReceipt(*receipt); });

  RegisterEnclaveCommands(app);
}

}  // namespace vinet::cli
