// `vinet llm ...`: the LLM engine's commands (inspect a GGUF file, run a
// prompt or a chat). Registered under the `llm` group by llm_commands.cpp.
#pragma once

#include <CLI/CLI.hpp>

namespace vinet::cli {

// Adds `run` to the `llm` group.
void AddLlmRunCommand(CLI::App& llm);

}  // namespace vinet::cli
