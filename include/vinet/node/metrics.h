// Prometheus text metrics of the node: counters and fixed-bucket histograms
// (seconds), labelled by mode. Thread-safe; `Render` produces the text format
// (version 0.0.4) served at GET /metrics.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace vinet::node {

class Histogram {
 public:
  static constexpr std::array<double, 14> kBuckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                   0.01,   0.025,   0.05,   0.1,   0.5,    1.0,
                                                   2.5,    10.0};
  void Observe(double seconds);
  // Appends the histogram's lines for `name{labels}`.
  void Render(std::string& out, const std::string& name, const std::string& labels) const;

 private:
  std::array<uint64_t, kBuckets.size()> counts_{};
  uint64_t count_ = 0;
  double sum_ = 0;
};

class Metrics {
 public:
  void Observe(const std::string& histogram, const std::string& mode, double seconds);
  void Count(const std::string& counter, const std::string& label, uint64_t n = 1);
  std::string Render() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, Histogram>> histograms_;
  std::map<std::string, std::map<std::string, uint64_t>> counters_;
};

}  // namespace vinet::node
