// The intra-op thread count of the calling thread (private to model/).
#pragma once

namespace m6
{

/// Sets torch's intra-op threads for the calling thread and, when LibTorch runs on OpenBLAS,
/// OpenBLAS's own pool to the same count: torch::set_num_threads does not reach OpenBLAS's
/// pthreads pool, whose idle threads otherwise spin on the other cores between GEMMs.
void setComputeThreads(int threads);

}  // namespace m6
