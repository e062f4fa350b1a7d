#include "model/threads.h"

#include <dlfcn.h>
#include <torch/torch.h>

namespace m6
{

void setComputeThreads(int threads)
{
  torch::set_num_threads(threads);
  // Looked up at run time: OpenBLAS is LibTorch's dependency, not ours, and may be absent.
  using SetThreads = void (*)(int);
  if (auto fn = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
  {
    fn(threads);
  }
}

}  // namespace m6
