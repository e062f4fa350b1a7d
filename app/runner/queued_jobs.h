// The run queue's jobs as the workspace stores them (storage/run_queue.h: QueuedJob::kind and
// job), in one place for the GUI's queue (app/bridge/run_queue.h) and m6-cli's queue commands:
// "run" or "group" with {"config", "name", "seeds", "processes"}, "search" with {"search": the
// search's spec (search_types.h), "name"}.
//
// Thread affinity: none; plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/runner/search_types.h"
#include "model/core/config.h"
#include "storage/run_queue.h"

namespace m6
{

/// What a queued job starts.
struct QueuedTraining
{
  RunConfig config;
  std::string name;   // "" : the store names it
  int seeds = 1;      // > 1: a new run group of this many seeds (config.train.seed, +1, ...)
  int processes = 1;  // > 1: data-parallel over this many local processes (a search: trials)
  /// Set: a hyperparameter search (config and seeds are not used; processes > 1: that many
  /// trials at once, each in a process of its own).
  std::optional<SearchRequest> search;
};

/// The queue record of a job on a dataset (kind, name and job JSON; id and position unset).
QueuedJob queuedJobOf(int64_t datasetId, const QueuedTraining& training);

/// What a stored job starts. Throws std::invalid_argument naming the job when it is damaged.
QueuedTraining queuedTrainingOf(const QueuedJob& job);

}  // namespace m6
