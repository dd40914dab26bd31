// The tiny random-weight GGUF models of tests/llm/make_tiny_models.py,
// generated once per test process into a temporary directory (python3 with
// the `gguf` package; a failure is a test failure, never a skip).
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "llm_test_env.h"
#include "vinet/common/bytes.h"
#include "vinet/crypto/hash.h"
#include "vinet/llm/model.h"
#include "vinet/llm/session.h"

namespace vinet::llm::testing {

inline const std::filesystem::path& TinyModelDir() {
  static TempDir* dir = [] {
    auto* d = new TempDir();
    auto r = RunCommand("python3 " VINET_SOURCE_DIR "/tests/llm/make_tiny_models.py " +
                        d->path().string());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return d;
  }();
  return dir->path();
}

inline std::filesystem::path TinyModel(const std::string& name) {
  return TinyModelDir() / (name + ".gguf");
}

inline const std::vector<std::string>& TinyModelNames() {
  static const std::vector<std::string> names = {"llama_f32",  "llama_f16",  "llama_q8_0",
                                                 "llama_q4_0", "llama_q4_1", "llama_q4_k",
                                                 "llama_q6_k", "qwen2_q8_0"};
  return names;
}

// SHA-256 of a float array's bytes, hex.
inline std::string HashFloats(std::span<const float> v) {
  return ToHex(crypto::Sha256(
      ByteSpan(reinterpret_cast<const uint8_t*>(v.data()), v.size() * sizeof(float))));
}

}  // namespace vinet::llm::testing
