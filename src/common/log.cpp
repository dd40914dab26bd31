#include "vinet/common/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <string>

namespace vinet {

void InitLogging(std::string_view component, std::string_view level) {
  std::string lvl(level);
  if (lvl.empty()) {
    const char* env = std::getenv("VINET_LOG");
    lvl = env ? env : "info";
  }
  const std::string name(component);
  spdlog::drop(name);
  auto logger = spdlog::stderr_color_mt(name);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ [" + std::string(component) + "] %v",
                      spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(lvl));
  spdlog::set_default_logger(logger);
}

}  // namespace vinet
