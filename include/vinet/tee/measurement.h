// Measurements of an enclave: what PCR0, PCR2 and user_data commit to.
//
// Image (PCR0) = SHA-384("vinet-enclave-image-v1" || SHA-384(binary) ||
//   for each model file, sorted by name: u32be(len(name)) || name || SHA-384(file)).
// Configuration = the text "vinet-enclave-config-v1\n" followed by one line
//   "model <file name> <hex SHA-256 of the file>\n" per model file (sorted),
//   then "debug <0|1>\n". PCR2 = SHA-384(configuration);
//   user_data = SHA-256(configuration).
// A model file is any regular file directly inside the models directory.
// Errors: kIo when a file cannot be read.
#pragma once

#include <filesystem>
#include <string>

#include "vinet/common/result.h"
#include "vinet/crypto/hash.h"

namespace vinet::tee {

struct EnclaveMeasurements {
  crypto::Digest384 image{};        // PCR0
  crypto::Digest384 config_pcr{};   // PCR2
  crypto::Digest256 config_hash{};  // user_data
  std::string config;               // the configuration text
};

Result<EnclaveMeasurements> MeasureEnclave(const std::filesystem::path& binary,
                                           const std::filesystem::path& models_dir, bool debug);

// The running executable (/proc/self/exe).
std::filesystem::path SelfExecutable();

}  // namespace vinet::tee
