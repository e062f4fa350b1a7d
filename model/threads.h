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

/// While alive, OpenBLAS's pool runs `threads` threads (one per core when 0), for large dense
/// linear algebra (the item-item baselines' Gram matrix and inverses) while torch's own pool is
/// idle; back to one thread after.
class BlasThreadsScope
{
 public:
  explicit BlasThreadsScope(int threads = 0);
  ~BlasThreadsScope();
  BlasThreadsScope(const BlasThreadsScope&) = delete;
  BlasThreadsScope& operator=(const BlasThreadsScope&) = delete;
};

/// While alive, a training loop of this process is running its steps (not evaluating).
/// Thread affinity: any thread.
class TrainingStepsScope
{
 public:
  TrainingStepsScope();
  ~TrainingStepsScope();
  TrainingStepsScope(const TrainingStepsScope&) = delete;
  TrainingStepsScope& operator=(const TrainingStepsScope&) = delete;
};

/// The cores an evaluation may use: every core when no training loop of this process is running
/// its steps, else 1 (the workbench trains while Inspect evaluates: on two cores a second busy
/// thread halved the training's rate). Thread affinity: any thread.
int idleCores();

}  // namespace m6
