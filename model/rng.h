// Torch's process-wide CPU generator (weight initialisation, dropout) is shared by every thread.
// A training run seeds it and draws from it; a model opened for inspection, evaluation, an
// estimate or an export on another thread (the GUI inspects while it trains) must not move it,
// or the run would no longer follow its seed. So:
//   - training holds globalRngMutex() while it builds its network and during each forward pass;
//   - everything else builds its network inside an IsolatedSeed, which seeds the generator for
//     the construction and restores its previous state afterwards, under the same mutex.
//
// Private to model/. Thread affinity: any thread.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <mutex>

namespace m6
{

std::mutex& globalRngMutex();

class IsolatedSeed
{
 public:
  explicit IsolatedSeed(uint64_t seed);
  ~IsolatedSeed();
  IsolatedSeed(const IsolatedSeed&) = delete;
  IsolatedSeed& operator=(const IsolatedSeed&) = delete;

 private:
  std::lock_guard<std::mutex> lock_;
  at::Tensor saved_;
};

}  // namespace m6
