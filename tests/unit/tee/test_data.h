// Loads the real Nitro documents copied into tests/data/nitro/ (from
// ../shared/testdata/nitro/, see its manifest.json), so tests need no shared dir.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "vinet/common/bytes.h"

namespace vinet::tee::testing {

inline std::string DataPath(const std::string& name) {
  return std::string(VINET_SOURCE_DIR) + "/tests/data/nitro/" + name;
}

inline Bytes ReadData(const std::string& name) {
  std::ifstream in(DataPath(name), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return Bytes(s.begin(), s.end());
}

struct RealDoc {
  const char* file;
  uint64_t timestamp_ms;
  bool debug;
};

inline constexpr RealDoc kRealDocs[] = {
    {"aws-prod-2022-10-13.cbor", 1665651482136ULL, false},
    {"aws-debug-2022-10-12.cbor", 1665582606081ULL, true},
    {"aws-prod-2024-09-07.cbor", 1725719859545ULL, false},
    {"aws-prod-2024-11-30.cbor", 1732983768387ULL, false},
};

}  // namespace vinet::tee::testing
