#include "model/threads.h"

#include <dlfcn.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace m6
{

namespace
{

std::atomic<int> trainingLoops{0};

void setBlasThreads(int threads)
{
  using SetThreads = void (*)(int);
  if (auto fn = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
  {
    fn(threads);
  }
}

}  // namespace

BlasThreadsScope::BlasThreadsScope(int threads)
{
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  setBlasThreads(threads > 0 ? threads : (cores > 0 ? cores : 1));
}

BlasThreadsScope::~BlasThreadsScope()
{
  setBlasThreads(1);
}

TrainingStepsScope::TrainingStepsScope()
{
  ++trainingLoops;
}

TrainingStepsScope::~TrainingStepsScope()
{
  --trainingLoops;
}

int idleCores()
{
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  return trainingLoops.load() > 0 ? 1 : std::max(cores, 1);
}

void setComputeThreads(int threads)
{
  torch::set_num_threads(threads);
  // torch::set_num_threads does not reach OpenBLAS's pthread pool, and the two pools spin
  // against each other: on the 2-core development machine, training the balanced preset at 2
  // threads ran at 3,200 examples/s with both pools at 2 threads and at 12,400 with OpenBLAS
  // at 1 (8,500 at 1 thread). So GEMMs run in the calling thread and torch parallelises the
  // rest. Looked up at run time: OpenBLAS is LibTorch's dependency, not ours, and may be absent.
  setBlasThreads(1);
  // Debian's LibTorch runs CPU convolutions through oneDNN (MKL-DNN), whose Conv1d was not
  // reproducible here: the cnn history encoder gave other losses on every run of the same seed
  // in one process, and now and then a NaN (a "diverged" run). The native kernels are
  // deterministic, and the convolutions are small. Process-wide, like the generator.
  at::globalContext().setUserEnabledMkldnn(false);
}

}  // namespace m6
