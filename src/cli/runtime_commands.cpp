// `vinet run` and `vinet model inspect`: run an ONNX model on JSON tensors
// (float32, or the int8 path after calibration) and describe a model file.
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/json_arg.h"
#include "cli/runtime_json.h"
#include "vinet/runtime/model.h"
#include "vinet/runtime/quantized.h"

namespace vinet::cli {
namespace {

using nlohmann::json;

struct RunArgs {
  std::string model, input, output, calibration;
  bool quantized = false;
};

std::vector<runtime::TensorMap> CalibrationSet(const json& j, const runtime::Model& model) {
  std::vector<runtime::TensorMap> out;
  if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) {
      auto m = InputsFromJson(j[i], model);
      if (!m.ok()) ThrowIfError(m.status().WithContext(fmt::format("calibration[{}]", i)));
      out.push_back(*m);
    }
  } else {
    out.push_back(ValueOrThrow(InputsFromJson(j, model)));
  }
  return out;
}

void WriteJson(const json& j, const std::string& path) {
  if (path.empty()) {
    std::cout << j.dump() << "\n";
    return;
  }
  std::ofstream f(path);
  f << j.dump() << "\n";
  if (!f) ThrowIfError(Error(Code::kIo, "cannot write '" + path + "'"));
}

void Run(const RunArgs& a) {
  auto model = ValueOrThrow(runtime::Model::LoadFile(a.model));
  runtime::TensorMap inputs =
      ValueOrThrow(InputsFromJson(ValueOrThrow(ReadJsonArg("--input", a.input)), *model));
  json out = json::object();
  if (!a.quantized) {
    runtime::ExecutionContext ctx(model);
    runtime::TensorMap result = ValueOrThrow(ctx.Run(inputs));
    for (const auto& [name, t] : result) out[name] = TensorToJson(t);
    WriteJson(out, a.output);
    return;
  }
  if (a.calibration.empty())
    ThrowIfError(Error(Code::kInvalidArgument, "--quantized needs --calibration CAL.json"));
  auto cal = CalibrationSet(ValueOrThrow(ReadJsonFile(a.calibration)), *model);
  runtime::QuantizedModel q = ValueOrThrow(runtime::Quantize(*model, cal));
  const std::string& in_name = model->inputs()[0].name;
  if (!inputs.count(in_name))
    ThrowIfError(Error(Code::kInvalidArgument, "missing input '" + in_name + "'"));
  // The float path validates the input fully (shape, names) before quantizing.
  runtime::ExecutionContext ctx(model);
  ValueOrThrow(ctx.Run(inputs));
  runtime::Tensor y = ValueOrThrow(q.RunFloat(inputs.at(in_name)));
  out[model->outputs()[0].name] = TensorToJson(y);
  WriteJson(out, a.output);
  runtime::AccuracyReport rep = ValueOrThrow(runtime::CompareWithFloat(*model, q, cal));
  std::cerr << fmt::format(
      "int8 vs float32 on {} calibration samples: argmax agreement {:.4f}, max abs error {:.6g} "
      "(output scale {:.6g}); quantized model id {}\n",
      rep.samples, rep.argmax_agreement, rep.max_abs_error, rep.output_scale, ToHex(q.Id()));
}

void Inspect(const std::string& path, bool as_json) {
  auto model = ValueOrThrow(runtime::Model::LoadFile(path));
  json j;
  j["model_id"] = model->id_hex();
  auto io = [](const std::vector<runtime::Model::IoInfo>& v) {
    json arr = json::array();
    for (const auto& x : v) arr.push_back({{"name", x.name}, {"shape", x.shape}});
    return arr;
  };
  j["inputs"] = io(model->inputs());
  j["outputs"] = io(model->outputs());
  j["ops"] = model->op_histogram();
  j["parameter_count"] = model->parameter_count();
  j["opset"] = model->graph().opset;
  if (as_json) {
    std::cout << j.dump() << "\n";
    return;
  }
  auto shapes = [](const json& arr) {
    std::string s;
    for (const auto& x : arr)
      s += "  " + x["name"].get<std::string>() + " " + x["shape"].dump() + "\n";
    return s;
  };
  std::cout << "model " << j["model_id"].get<std::string>() << " (opset " << j["opset"] << ", "
            << j["parameter_count"] << " parameters)\ninputs\n"
            << shapes(j["inputs"]) << "outputs\n"
            << shapes(j["outputs"]) << "ops";
  for (const auto& [op, n] : j["ops"].items()) std::cout << " " << op << " " << n;
  std::cout << "\n";
}

}  // namespace

void RegisterRuntimeCommands(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* run = app.add_subcommand("run", "run an ONNX model on JSON inputs (float32 or int8)");
  run->add_option("model", args->model, "MODEL.onnx")->required()->check(CLI::ExistingFile);
  run->add_option("--input", args->input,
                  "inputs {\"name\": nested arrays or {shape, data}}: inline JSON, a JSON file, or "
                  "- (stdin)")
      ->required();
  run->add_option("--output", args->output, "write the outputs here instead of stdout");
  run->add_flag("--quantized", args->quantized, "run the bit-exact int8 path");
  run->add_option("--calibration", args->calibration,
                  "CAL.json: one input object or a list of them")
      ->check(CLI::ExistingFile);
  run->callback([args] { Run(*args); });

  CLI::App* model = app.add_subcommand("model", "model files");
  model->require_subcommand(1);
  auto path = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  CLI::App* inspect =
      model->add_subcommand("inspect", "inputs, outputs, ops, parameter count and model id");
  inspect->add_option("model", *path, "MODEL.onnx")->required()->check(CLI::ExistingFile);
  inspect->add_flag("--json", *as_json, "print one JSON object instead of text");
  inspect->callback([path, as_json] { Inspect(*path, *as_json); });
}

}  // namespace vinet::cli
