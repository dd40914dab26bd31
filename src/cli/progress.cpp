#include "cli/progress.h"

#include <chrono>
#include <cstdio>
#include <iostream>

namespace vinet::cli {

void Progress(std::string_view command, std::string_view step) {
  static const auto start = std::chrono::steady_clock::now();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  char t[32];
  std::snprintf(t, sizeof t, "%.1f", s);
  std::cerr << command << ": " << step << "... (" << t << " s)\n" << std::flush;
}

}  // namespace vinet::cli
