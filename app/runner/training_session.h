// Running the engine and recording what it does: the one place where a training run, a resume
// or a baseline becomes a run record (status, curves, final metrics, per-user rows) in the
// workspace. The CLI and the GUI's training worker both drive runs through it, so they cannot
// record runs differently.
//
// Plain C++ (storage/ + model/, no Qt). Thread affinity: everything runs on the calling thread,
// which must be the thread that opened `ws`; the caller's hooks are called on it too, after the
// session has recorded the step/epoch, and must be cheap.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/runner/run_config.h"
#include "model/core/config.h"
#include "model/core/dataset.h"
#include "model/engine.h"
#include "storage/runs.h"
#include "storage/workspace.h"

namespace m6
{

class TrainingSession
{
 public:
  TrainingSession(Workspace& ws, const DatasetInfo& dataset, const DatasetSnapshot& snapshot);

  /// Records a new run ("created") for `config` and returns it (with id and folder); `group`:
  /// the run group it is a member of.
  Result<RunRecord> createRun(const RunConfig& config, const std::string& name,
                              std::optional<int64_t> parent = std::nullopt,
                              std::optional<int64_t> group = std::nullopt);

  /// Trains `run` (resume=true continues from its last checkpoint). Steps are written in batches
  /// (every 500 steps or 2 s), epochs as they end, and the final state, metrics and per-user rows
  /// at the end. `hooks` are the caller's; their cancel/pause flags are honoured. An engine
  /// failure marks the run "failed" and comes back as an error.
  /// `distributed` (engine.h): this process is rank 0 of a data-parallel job, which records the
  /// run as usual (the summary's "distributed" says how it was trained); the other ranks call
  /// m6::train themselves and record nothing.
  Result<RunRecord> train(RunRecord run, const RunConfig& config, bool resume,
                          const TrainCallbacks& hooks = {}, const Distributed& distributed = {});

  /// Adapts `parent` (a trained M6 run of this workspace, any dataset) to this dataset as `run`
  /// (created with createRun(config, name, parent.id)): m6::adapt with the parent's weights,
  /// config and dataset, recorded like train(); the summary also holds "adaptation" (the
  /// AdaptReport) and "zero_shot". An interrupted adapted run resumes with train(run, config,
  /// true). Errors: a baseline parent, a parent without a checkpoint, a damaged parent config.
  /// `distributed`: this process is rank 0 of a data-parallel job, as for train(); the other
  /// ranks call m6::train and follow rank 0's adaptation.
  Result<RunRecord> adapt(RunRecord run, const RunConfig& config, const RunRecord& parent,
                          const AdaptOptions& options, const TrainCallbacks& hooks = {},
                          const Distributed& distributed = {});

  /// The baselines (engine.h baselineNames(); `only` empty: all) on the same split; one
  /// finished run record per baseline, with its per-user test rows. BPR's factors are saved in
  /// its run folder (summary "factors"); the item-item baselines' tuned parameters are in the
  /// summary ("params", "tuning"). A baseline the dataset is too large for is left out, and
  /// skipped() names it with the reason. A cancel or failure leaves no record behind.
  Result<std::vector<RunRecord>> baselines(const RunConfig& config,
                                           const TrainCallbacks& hooks = {},
                                           const std::vector<std::string>& only = {});
  /// The baselines the last baselines() call left out, with the reason.
  const std::vector<std::pair<std::string, std::string>>& skipped() const { return skipped_; }

 private:
  std::vector<std::pair<std::string, std::string>> skipped_;
  // Runs `engine` for `run` with recording hooks and writes what it returns.
  Result<RunRecord> record(RunRecord run, const TrainCallbacks& hooks, const std::string& what,
                           const std::function<TrainOutcome(const TrainCallbacks&)>& engine);

  Workspace& ws_;
  const DatasetInfo& dataset_;
  const DatasetSnapshot& snapshot_;
  RunStore store_;
  std::optional<DatasetSnapshot> parentData_;  // the last parent dataset adapt() read
  int64_t parentDataId_ = 0;
};

/// Metrics per user-activity bucket: [{"bucket", "users", "test": {...}}].
Json activityJson(const std::vector<BucketMetrics>& buckets);

/// The cold-item protocol's figures: {"items", "test": MetricSet, "random": MetricSet}.
Json coldJson(int64_t items, const MetricSet& test, const MetricSet& random);

}  // namespace m6
