// Fuzzes the hiding Basefold opening parser and verifier (mask values, then
// the plain opening of the padded batch): no crash, no allocation
// beyond the input's size, and only the honest opening is accepted.
#include "zk_fixtures.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return vinet::zk::fuzz::FuzzOpening<vinet::zk::fuzz::HidingBasefoldFixture>(data, size);
}
