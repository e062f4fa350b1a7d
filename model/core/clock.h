// Clock readings every layer shares: a monotonic clock for durations and deadlines, and the wall
// clock as Unix seconds, as the workspace records times.
//
// Thread affinity: any thread.
#pragma once

#include <chrono>
#include <cstdint>

namespace m6
{

/// Seconds on a clock that never goes back (steady_clock): only differences mean anything.
inline double monotonicSeconds()
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// The wall clock as whole seconds since 1970-01-01 UTC.
inline int64_t unixSeconds()
{
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace m6
