// The intra-op thread count of the calling thread (private to model/).
//
// Thread affinity: call on the thread that then runs the torch work (OpenMP settings are per
// thread); the OpenBLAS setting is process-wide.
#pragma once

namespace m6
{

/// Sets torch's intra-op (OpenMP) threads for the calling thread to `threads`, pins OpenBLAS's
/// own pthread pool, when LibTorch runs on OpenBLAS, to one thread, and turns oneDNN (MKL-DNN)
/// off process-wide so convolutions are reproducible.
void setComputeThreads(int threads);

}  // namespace m6
