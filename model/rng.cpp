#include "model/rng.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

namespace m6
{

std::mutex& globalRngMutex()
{
  static std::mutex m;
  return m;
}

IsolatedSeed::IsolatedSeed(uint64_t seed) : lock_(globalRngMutex())
{
  auto gen = at::detail::getDefaultCPUGenerator();
  {
    std::lock_guard<std::mutex> g(gen.mutex());
    saved_ = gen.get_state();
  }
  torch::manual_seed(seed);
}

IsolatedSeed::~IsolatedSeed()
{
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> g(gen.mutex());
  gen.set_state(saved_);
}

}  // namespace m6
