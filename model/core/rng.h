// A small deterministic random number generator (xoshiro256** seeded by splitmix64) with its own
// distributions, so generated data is identical on every platform and library version.
//
// Thread affinity: none; one instance per thread.
#pragma once

#include <cmath>
#include <cstdint>

namespace m6
{

/// SplitMix64's output for the state `x` (the state advanced by the golden gamma, then mixed):
/// a well-spread 64-bit hash of an integer, the same on every platform.
inline uint64_t splitMix64(uint64_t x)
{
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

class DemoRng
{
 public:
  explicit DemoRng(uint64_t seed)
  {
    uint64_t x = seed;
    for (auto& s : s_)
    {
      s = splitMix64(x);
      x += 0x9E3779B97F4A7C15ULL;
    }
  }

  uint64_t next()
  {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }

  /// Uniform integer in [0, n); n > 0. (Multiply-shift; bias is below 2^-32 for our sizes.)
  uint64_t below(uint64_t n)
  {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }

  /// Standard normal (Box-Muller, one value per call).
  double normal()
  {
    double u1 = uniform();
    double u2 = uniform();
    if (u1 < 1e-300)
    {
      u1 = 1e-300;
    }
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  /// Exponential with the given mean.
  double exponential(double mean) { return -mean * std::log(1.0 - uniform()); }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace m6
