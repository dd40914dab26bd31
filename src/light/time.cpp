#include <cstdio>

#include "vinet/light/time.h"
#include "vinet/light/verifier.h"

namespace vinet::light {
namespace {

constexpr int64_t kNs = 1'000'000'000;

// Civil date of a day count since 1970-01-01 (proleptic Gregorian).
void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

}  // namespace

Time AddNanos(Time t, int64_t ns) {
  int64_t secs = ns / kNs;
  int64_t rem = ns % kNs;
  int64_t nanos = t.nanos + rem;
  if (nanos >= kNs) {
    nanos -= kNs;
    ++secs;
  } else if (nanos < 0) {
    nanos += kNs;
    --secs;
  }
  if (secs > 0 && t.seconds > INT64_MAX - secs) return Time{INT64_MAX, 999'999'999};
  if (secs < 0 && t.seconds < INT64_MIN - secs) return Time{INT64_MIN, 0};
  return Time{t.seconds + secs, static_cast<int32_t>(nanos)};
}

std::string FormatTime(Time t) {
  int64_t days = t.seconds / 86400;
  int64_t rem = t.seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%09dZ", static_cast<long long>(y),
                m, d, static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                static_cast<int>(rem % 60), static_cast<int>(t.nanos));
  return buf;
}

bool HeaderExpired(const Header& header, int64_t trusting_period_ns, Time now) {
  return !(AddNanos(header.time, trusting_period_ns) > now);
}

}  // namespace vinet::light
