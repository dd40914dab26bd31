// Test helpers for the node: a temporary directory and a tiny ONNX model.
#pragma once

#include <filesystem>
#include <fstream>
#include <random>

#include "runtime/onnx_builder.h"

namespace vinet::node::testing {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("vinet_node_test_" + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

// y = Relu(x · W + b), x [1, 4], y [1, 3]; `seed` varies the weights.
inline std::filesystem::path WriteTinyModel(const std::filesystem::path& file, uint32_t seed = 1) {
  runtime::testing::OnnxBuilder b(13);
  b.Input("x", {1, 4}).Output("y");
  b.RandomInit("w", {4, 3}, 0.5f, seed);
  b.RandomInit("b", {3}, 0.1f, seed + 1);
  b.Node("Gemm", {"x", "w", "b"}, {"h"});
  b.Node("Relu", {"h"}, {"y"});
  Bytes bytes = b.Serialize();
  std::ofstream(file, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return file;
}

}  // namespace vinet::node::testing
