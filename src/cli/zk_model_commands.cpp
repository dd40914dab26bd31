// `vinet zk commit|export-vk|prove|verify`: commit a model once, prove each
// inference, verify with the public key alone. Exit 0 only for a valid proof.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <random>

#include "cli/json_arg.h"
#include "cli/runtime_json.h"
#include "cli/zk_model.h"
#include "cli/zkml_key_flags.h"
#include "vinet/zkml/weight_range.h"
#include "vinet/zkml/zkml.h"

namespace vinet::cli {

namespace {

using nlohmann::json;

Bytes ReadBinary(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) ThrowIfError(Error(Code::kIo, "cannot read '" + path + "'"));
  return Bytes(std::istreambuf_iterator<char>(f), {});
}

void WriteBinary(const std::string& path, ByteSpan b) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  if (!f) ThrowIfError(Error(Code::kIo, "cannot write '" + path + "'"));
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text << "\n";
  if (!f) ThrowIfError(Error(Code::kIo, "cannot write '" + path + "'"));
}

std::vector<runtime::TensorMap> Calibration(const std::string& path, const runtime::Model& m) {
  std::vector<runtime::TensorMap> out;
  if (path.empty()) {
    std::cerr << "no --calibration: calibrating on 16 random N(0,1) inputs (seed 1)\n";
    std::mt19937 rng(1);
    std::normal_distribution<float> d(0, 1);
    runtime::Shape s = m.inputs()[0].shape;
    for (auto& v : s) v = v < 0 ? 1 : v;
    for (int i = 0; i < 16; ++i) {
      runtime::Tensor t{s, std::vector<float>(runtime::NumElements(s))};
      for (float& v : t.data) v = d(rng);
      out.push_back({{m.inputs()[0].name, t}});
    }
    return out;
  }
  json j = ValueOrThrow(ReadJsonFile(path));
  if (!j.is_array()) j = json::array({j});
  for (size_t i = 0; i < j.size(); ++i) {
    auto t = InputsFromJson(j[i], m);
    if (!t.ok()) ThrowIfError(t.status().WithContext(fmt::format("calibration[{}]", i)));
    out.push_back(*t);
  }
  return out;
}

// --input: {"name": tensor} with one entry, or a bare tensor (json_arg.h).
runtime::Int8Tensor ReadInput(const std::string& arg, const zkml::ModelSpec& spec) {
  json j = ValueOrThrow(ReadJsonArg("--input", arg));
  if (j.is_object() && j.size() == 1 && !j.contains("shape")) j = j.begin().value();
  runtime::Tensor t = ValueOrThrow(TensorFromJson(j, "input"));
  return ValueOrThrow(zkml::QuantizeInput(spec, t));
}

json OutputJson(const zkml::ModelSpec& spec, const runtime::Int8Tensor& q) {
  json data = json::array(), ints = json::array();
  for (int8_t v : q.data) {
    data.push_back(static_cast<float>(v) * spec.output_scale);
    ints.push_back(static_cast<int>(v));
  }
  return json{
      {"shape", spec.output_shape}, {"scale", spec.output_scale}, {"data", data}, {"int8", ints}};
}

// OUT.json: the integers ("int8") are what the proof is about.
runtime::Int8Tensor ReadOutput(const std::string& path, const zkml::ModelSpec& spec) {
  json j = ValueOrThrow(ReadJsonFile(path));
  if (!j.is_object() || !j.contains("int8") || !j["int8"].is_array()) {
    ThrowIfError(Error(Code::kParse, path + ": needs an \"int8\" array"));
  }
  runtime::Int8Tensor q{spec.output_shape, {}};
  for (size_t i = 0; i < j["int8"].size(); ++i) {
    const json& v = j["int8"][i];
    if (!v.is_number_integer() || v.get<int64_t>() < -127 || v.get<int64_t>() > 127) {
      ThrowIfError(Error(Code::kParse,
                         fmt::format("{}: int8[{}] is not an integer in [-127, 127]", path, i)));
    }
    q.data.push_back(static_cast<int8_t>(v.get<int64_t>()));
  }
  return q;
}

zkml::Committed LoadPackageFile(const std::string& path, unsigned threads) {
  auto c = zkml::LoadPackage(ReadBinary(path), threads);
  if (!c.ok()) ThrowIfError(c.status().WithContext(path));
  return *c;
}

struct Args {
  std::string model, calibration, out, input, output, proof, key;
  unsigned threads = 2;
  // 0: the scheme's default (ZkmlParams, or PrivateWeights with --private-weights).
  int security_bits = 0;
  int log_inv_rate = 0;
  bool insecure_experiment = false;
  ZkmlKeyFlags kind;  // --pcs, --regime, --private-weights
};

void Commit(const Args& a) {
  auto model = ValueOrThrow(runtime::Model::LoadFile(a.model));
  std::cerr << "quantizing " << a.model << "\n";
  auto q = ValueOrThrow(runtime::Quantize(*model, Calibration(a.calibration, *model)));
  std::cerr << "building the circuit and committing the weights\n";
  zkml::ZkmlParams params = ZkmlKeyParams(a.kind);
  params.threads = a.threads;
  if (a.security_bits != 0) params.security_bits = a.security_bits;
  if (a.log_inv_rate != 0) params.log_inv_rate = a.log_inv_rate;
  params.insecure_experiment = a.insecure_experiment;
  zkml::Committed c = ValueOrThrow(zkml::Commit(std::move(q), params));
  WriteBinary(a.out, zkml::EncodePackage(*c.package));
  double bits = zkml::SoundnessBits(c.vk);
  // Kinds 6 and 7: the bits rest on a conjecture (docs/zk.md "Conjectured regime").
  std::cerr << fmt::format(
      "wrote {} ({} weight variables, {:.1f} bits of soundness{})\n", a.out, c.vk.weights.num_vars,
      bits,
      zkml::IsConjecturedKind(c.vk.pcs) ? ", conjectured: Basefold's conjectured regime" : "");
  if (bits < zkml::kMinSecurityBits) {
    std::cerr << fmt::format(
        "warning: insecure experiment: {:.1f} bits is below the {:.0f}-bit floor; `zk verify` "
        "and the chain refuse this key\n",
        bits, zkml::kMinSecurityBits);
  }
  std::cout << ToHex(c.vk.ModelId()) << "\n";
}

void ExportVk(const Args& a) {
  zkml::Committed c = LoadPackageFile(a.model, a.threads);
  Bytes vk = c.vk.Encode();
  WriteBinary(a.out, vk);
  std::cerr << fmt::format("wrote {} ({} bytes)\n", a.out, vk.size());
  // RegisterModel needs the weight-range proof with the key.
  Bytes range = ValueOrThrow(zkml::ProveWeightRange(*c.package));
  WriteBinary(a.out + ".range", range);
  std::cerr << fmt::format("wrote {}.range (weight-range proof, {} bytes)\n", a.out, range.size());
  std::cout << ToHex(c.vk.ModelId()) << "\n";
}

void Prove(const Args& a) {
  zkml::Committed c = LoadPackageFile(a.model, a.threads);
  runtime::Int8Tensor in = ReadInput(a.input, c.vk.spec);
  zkml::Proved p = ValueOrThrow(zkml::Prove(*c.package, in));
  WriteBinary(a.out, p.proof);
  std::string out = OutputJson(c.vk.spec, p.output).dump();
  if (a.output.empty()) {
    std::cout << out << "\n";
  } else {
    WriteText(a.output, out);
  }
  std::cerr << fmt::format("wrote {} ({} bytes)\n", a.out, p.proof.size());
}

void Verify(const Args& a) {
  zkml::VerifyingKey vk = ValueOrThrow(zkml::VerifyingKey::Parse(ReadBinary(a.key)));
  runtime::Int8Tensor in = ReadInput(a.input, vk.spec);
  runtime::Int8Tensor out = ReadOutput(a.output, vk.spec);
  Status st = zkml::Verify(vk, in, out, ReadBinary(a.proof));
  if (!st.ok()) ThrowIfError(st.WithContext("invalid proof"));
  std::cout << "valid\n";
}

}  // namespace

void RegisterZkModelCommands(CLI::App& zk) {
  auto a = std::make_shared<Args>();
  CLI::App* commit = zk.add_subcommand("commit", "quantize MODEL.onnx and commit its weights");
  commit->add_option("model", a->model, "ONNX model")->required();
  commit->add_option("--calibration", a->calibration, "calibration inputs (JSON)");
  commit->add_option("--out", a->out, "prover package to write (.vzk)")->required();
  commit->add_option("--threads", a->threads, "threads")->capture_default_str();
  commit->add_option("--security-bits", a->security_bits,
                     "PCS query-phase bits (80..256; default 102)");
  commit->add_option("--log-inv-rate", a->log_inv_rate,
                     "log2 inverse code rate (1..4, 5 for Basefold over Fp4; default 4 (Basefold "
                     "over Fp4), 3 with --private-weights --pcs ligero)");
  AddZkmlKeyFlags(*commit, a->kind, "--");
  commit->add_flag("--insecure-experiment", a->insecure_experiment,
                   "commit even below the 100-bit soundness floor (nothing will verify it)");
  commit->callback([a] { Commit(*a); });

  CLI::App* vk = zk.add_subcommand(
      "export-vk", "write the verifying key (and OUT.range, its weight-range proof); print the id");
  vk->add_option("package", a->model, "prover package (.vzk)")->required();
  vk->add_option("--out", a->out, "verifying key to write (.vk)")->required();
  vk->callback([a] { ExportVk(*a); });

  CLI::App* prove = zk.add_subcommand("prove", "run the model on IN.json and prove the output");
  prove->add_option("package", a->model, "prover package (.vzk)")->required();
  prove->add_option("--input", a->input, "input tensor: inline JSON, a JSON file, or - (stdin)")
      ->required();
  prove->add_option("--out", a->out, "proof to write")->required();
  prove->add_option("--output", a->output, "output JSON to write (default: stdout)");
  prove->add_option("--threads", a->threads, "prover threads")->capture_default_str();
  prove->callback([a] { Prove(*a); });

  CLI::App* verify = zk.add_subcommand("verify", "check a proof; prints `valid`, exit 0 only then");
  verify->add_option("key", a->key, "verifying key (.vk)")->required();
  verify->add_option("--input", a->input, "input tensor: inline JSON, a JSON file, or - (stdin)")
      ->required();
  verify->add_option("--output", a->output, "claimed output (JSON with \"int8\")")->required();
  verify->add_option("--proof", a->proof, "proof")->required();
  verify->callback([a] { Verify(*a); });
}

}  // namespace vinet::cli
