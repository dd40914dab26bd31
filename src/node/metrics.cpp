#include "vinet/node/metrics.h"

#include <fmt/format.h>

namespace vinet::node {

void Histogram::Observe(double seconds) {
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++counts_[i];
  }
  ++count_;
  sum_ += seconds;
}

void Histogram::Render(std::string& out, const std::string& name, const std::string& labels) const {
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    out += fmt::format("{}_bucket{{{},le=\"{}\"}} {}\n", name, labels, kBuckets[i], counts_[i]);
  }
  out += fmt::format("{}_bucket{{{},le=\"+Inf\"}} {}\n", name, labels, count_);
  out += fmt::format("{}_sum{{{}}} {}\n", name, labels, sum_);
  out += fmt::format("{}_count{{{}}} {}\n", name, labels, count_);
}

void Metrics::Observe(const std::string& histogram, const std::string& mode, double seconds) {
  std::lock_guard lock(mu_);
  histograms_[histogram][mode].Observe(seconds);
}

void Metrics::Count(const std::string& counter, const std::string& label, uint64_t n) {
  std::lock_guard lock(mu_);
  counters_[counter][label] += n;
}

std::string Metrics::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, by_mode] : histograms_) {
    out += "# TYPE " + name + " histogram\n";
    for (const auto& [mode, h] : by_mode) h.Render(out, name, "mode=\"" + mode + "\"");
  }
  for (const auto& [name, by_label] : counters_) {
    out += "# TYPE " + name + " counter\n";
    for (const auto& [label, n] : by_label) {
      out += fmt::format("{}{{status=\"{}\"}} {}\n", name, label, n);
    }
  }
  return out;
}

}  // namespace vinet::node
