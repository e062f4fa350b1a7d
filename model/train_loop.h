// The epoch loop that train() and adapt() share (private to model/): resume from last.pt, epochs
// of optimisation steps with callbacks, pause and cancel, validation and early stopping, best.pt
// and last.pt, and the final test evaluation of best.pt (with the cold-item report).
//
// Thread affinity: the calling thread, which owns the session.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/collective.h"
#include "model/engine.h"
#include "model/session.h"
#include "model/training_step.h"

namespace m6
{

struct LoopSetup
{
  Session* session = nullptr;
  TrainingStep* stepper = nullptr;
  torch::optim::Optimizer* optimizer = nullptr;
  std::vector<double>
      lrScale;  // per optimiser param group: factor on the scheduled lr (1 if absent)
  std::string runDir;
  bool resume = false;
  /// Set: this process is one rank of a data-parallel job (data_parallel.h) whose ranks have
  /// agreed on it (startJob; `resume` is rank 0's). Rank 0 alone writes runDir; the session's
  /// evaluation is split across the ranks.
  Collective* collective = nullptr;
};

/// Runs the loop (resume: loads runDir/last.pt into the session and optimiser first, and checks
/// that its config is the session's). Throws std::runtime_error like train().
TrainOutcome runTrainingLoop(const LoopSetup& setup, const TrainCallbacks& callbacks);

/// Throws std::invalid_argument with every issue of `config` for this dataset.
void checkConfig(const DatasetSnapshot& data, const RunConfig& config);

/// The configured optimiser over `groups` (group options default to train.lr and weight decay).
std::unique_ptr<torch::optim::Optimizer> makeOptimizer(
    const TrainConfig& train, std::vector<torch::optim::OptimizerParamGroup> groups);

/// Creates the run folder or throws std::runtime_error.
void ensureRunDir(const std::string& runDir);

void logLine(const TrainCallbacks& callbacks, const std::string& line);

/// `callbacks` as a rank of `job` reports: rank 0 (or no job) all of them; the other ranks keep
/// cancel, pause and the log but report no steps, epochs or progress (rank 0 reports the job's).
TrainCallbacks rankCallbacks(const TrainCallbacks& callbacks, const Collective* job);

/// Runs `body`; in a job, a failure of this rank's own (not a collective's) is told to the other
/// ranks before it propagates, so they end with its reason instead of a timeout.
TrainOutcome announcingFailures(Collective* job, const std::function<TrainOutcome()>& body);

}  // namespace m6
