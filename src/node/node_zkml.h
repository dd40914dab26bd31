// Private: the ZKML parts of the node's JSON answers and metrics.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "vinet/node/proof_jobs.h"
#include "vinet/zkml/zkml.h"

namespace vinet::node {

// The "zkml" object of an infer answer: key id, output scale, proof status
// and (inline) the proof.
nlohmann::json ZkmlAnswer(const zkml::VerifyingKey& vk, const ProofJob& job);
// Gauges: proof jobs per status (queue depth = QUEUED).
std::string ZkmlMetricsText(const ProofJobs& jobs);

}  // namespace vinet::node
