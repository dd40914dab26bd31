// Fuzzes the Basefold opening parser and verifier: no crash, no allocation
// beyond the input's size, and only the honest opening is accepted.
#include "zk_fixtures.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return vinet::zk::fuzz::FuzzOpening<vinet::zk::fuzz::BasefoldFixture>(data, size);
}
