// Value types of the training bridge (TrainWorker, RunWorker, ModelInfoWorker and their GUI-side
// owners), and their metatype registration (called by registerBridgeTypes()).
//
// Everything is plain data copied through queued signals: engine and storage structs (StepStats,
// EpochStats, Progress, RunRecord, RunConfig, DatasetSchema, ParamEstimate) and a few bundles of
// them. No tensors, no pointers into a model or a workspace.
//
// Thread affinity: none; values only.
#pragma once

#include <QMetaType>
#include <QString>
#include <cstdint>
#include <optional>
#include <vector>

#include "app/runner/run_significance.h"
#include "app/runner/search_types.h"
#include "model/core/config.h"
#include "model/core/dataset_schema.h"
#include "model/engine_types.h"
#include "storage/run_groups.h"
#include "storage/run_queue.h"
#include "storage/runs.h"

namespace m6
{

/// Training steps in arrival order (a drained batch of the live feed).
using StepBatch = std::vector<StepStats>;

/// What the GUI asks the training worker to do.
struct TrainRequest
{
  qint64 datasetId = 0;
  RunConfig config;
  QString name;            // "" : the store names it "run N"
  qint64 resumeRun = 0;    // > 0: continue this run from its last checkpoint (config ignored)
  int processes = 1;       // > 1: data-parallel over this many local processes (local_ranks.h)
  int seeds = 1;           // > 1: a new run group of this many seeds (config.train.seed, +1, ...)
  qint64 resumeGroup = 0;  // > 0: continue this run group (its remaining seeds)
  /// Set: a new hyperparameter search on datasetId (config and seeds are ignored; the search's
  /// own base configuration is in it; processes > 1 trains that many trials at once, each in a
  /// process of its own).
  std::optional<SearchRequest> search;
  qint64 resumeSearch = 0;  // > 0: continue this search (its trials not settled yet)
};

/// A training job as the run queue stores it (QueuedJob::kind and job): "run" or "group" with
/// {"config", "name", "seeds", "processes"}, "search" with {"search": its spec, "name"}.
QueuedJob queuedJob(const TrainRequest& request);
/// The request a queued job starts. Throws std::invalid_argument when the stored job is damaged.
TrainRequest trainRequestOf(const QueuedJob& job);
/// The queue, first job to start first.
using QueueList = std::vector<QueuedJob>;

/// One row of the run table: the record plus what is on disk for it.
struct RunEntry
{
  RunRecord record;
  bool hasBest = false;  // best.pt exists (the model can be evaluated or inspected)
  bool hasLast = false;  // last.pt exists (the run can be resumed)
  bool active = false;   // its folder lock is held: some process (maybe another) trains it now
  RunGroupRecord group;  // the run group it is a member of (id 0: none)
  SearchRecord search;   // the search it is a trial of (id 0: none)
  int trial = -1;        // its trial number in that search (0-based)
};
using RunList = std::vector<RunEntry>;
using RunRecordList = std::vector<RunRecord>;

/// A run's stored curves: every recorded step and epoch.
struct RunCurves
{
  RunRecord record;
  std::vector<StepRecord> steps;
  std::vector<EpochRecord> epochs;
};
using CurveSet = std::vector<RunCurves>;

/// The schema of one dataset, for the configuration form.
struct SchemaInfo
{
  qint64 datasetId = 0;
  DatasetSchema schema;
};

/// The estimate of a configuration on a dataset, or why there is none.
struct EstimateResult
{
  qint64 datasetId = 0;
  bool ok = false;
  ParamEstimate estimate;
  QString error;  // when !ok: the engine's message (an invalid config names the field)
};

/// A checkpoint evaluated again on the validation and test targets.
struct EvaluationSummary
{
  qint64 runId = 0;
  MetricSet valid;
  MetricSet test;
  qint64 parameters = 0;  // of the loaded model
  QString checkpoint;     // the file that was loaded
};

void registerTrainTypes();

}  // namespace m6

Q_DECLARE_METATYPE(m6::StepStats)
Q_DECLARE_METATYPE(m6::StepBatch)
Q_DECLARE_METATYPE(m6::EpochStats)
Q_DECLARE_METATYPE(m6::Progress)
Q_DECLARE_METATYPE(m6::RunConfig)
Q_DECLARE_METATYPE(m6::RunRecord)
Q_DECLARE_METATYPE(m6::RunRecordList)
Q_DECLARE_METATYPE(m6::TrainRequest)
Q_DECLARE_METATYPE(m6::RunEntry)
Q_DECLARE_METATYPE(m6::RunList)
Q_DECLARE_METATYPE(m6::RunCurves)
Q_DECLARE_METATYPE(m6::CurveSet)
Q_DECLARE_METATYPE(m6::RunSignificance)
Q_DECLARE_METATYPE(m6::SearchResult)
Q_DECLARE_METATYPE(m6::QueuedJob)
Q_DECLARE_METATYPE(m6::QueueList)
Q_DECLARE_METATYPE(m6::SchemaInfo)
Q_DECLARE_METATYPE(m6::EstimateResult)
Q_DECLARE_METATYPE(m6::EvaluationSummary)
