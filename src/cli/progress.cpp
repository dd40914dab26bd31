#include "cli/progress.h"

#include <chrono>
#include <cstdio>
#include <iostream>

namespace vinet::cli {
namespace {

// Set during static initialization, i.e. when the process starts.
const auto kProcessStart = std::chrono::steady_clock::now();

}  // namespace

void Progress(std::string_view command, std::string_view step) {
  double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - kProcessStart).count();
  char t[32];
  std::snprintf(t, sizeof t, "%.1f", s);
  std::cerr << command << ": " << step << "... (" << t << " s)\n" << std::flush;
}

}  // namespace vinet::cli
