// Asking the memory system for a row of floats a few iterations before a loop reaches it: the
// loops over scattered table rows (the lazy Adam step's touched rows, the mean bags' n-gram rows)
// otherwise spend most of their time waiting for memory. Plain C++ with the GCC/Clang builtin.
//
// Thread affinity: none.
#pragma once

#include <cstdint>

namespace m6
{

/// Floats per 64-byte cache line.
constexpr int64_t kCacheLineFloats = 16;

/// Prefetches the cache lines of `width` floats from `row`; ForWriting when the loop will write
/// them (the builtin needs it as a constant).
template <bool ForWriting>
inline void prefetchFloats(const float* row, int64_t width)
{
  for (int64_t c = 0; c < width; c += kCacheLineFloats)
  {
    __builtin_prefetch(row + c, ForWriting ? 1 : 0);
  }
}

}  // namespace m6
