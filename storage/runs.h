// Training runs as workspace records: config, dataset, task, parent run, status and times, the
// loss per step, the metrics per epoch, the best epoch, the final metrics with their protocol,
// and per-user test metrics. Checkpoints live in the run's folder on disk (see runFolder()).
//
// Thread affinity: like Workspace (one thread at a time per RunStore/Workspace). A training
// worker writes through its own Workspace while the GUI reads through another; WAL keeps both
// going. Step rows arrive in batches (appendSteps) so a run of 10,000 steps a minute costs a
// handful of small transactions, not one per step.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/core/json.h"
#include "model/core/metrics.h"
#include "model/core/run_values.h"
#include "storage/result.h"
#include "storage/workspace.h"

namespace m6
{

struct RunRecord
{
  int64_t id = 0;
  std::string name;
  int64_t datasetId = 0;
  std::string datasetName;  // filled when read
  RunKind kind = RunKind::M6;
  Task task = Task::Ranking;
  std::string configJson;
  std::optional<int64_t> parentRun;
  std::optional<int64_t> groupId;  // the run group (several seeds of one configuration) it is in
  RunStatus status = RunStatus::Created;
  std::string message;
  int64_t createdAt = 0;
  int64_t startedAt = 0;
  int64_t finishedAt = 0;
  std::string folder;  // checkpoints, baseline factors (derived from the workspace path)
  int bestEpoch = 0;
  int epochsRun = 0;
  MetricSet valid;
  MetricSet test;
  Json summary = Json::object();  // throughput, parameter count, activity buckets, ...
  std::string note;
};

struct StepRecord
{
  int64_t step = 0;
  int epoch = 0;
  double loss = 0;
  double lr = 0;
};

struct EpochRecord
{
  int epoch = 0;
  double trainLoss = 0;
  MetricSet valid;
  double seconds = 0;
  double examplesPerSecond = 0;
};

class RunStore
{
 public:
  explicit RunStore(Workspace& ws) : ws_(ws) {}

  /// The folder for a run's checkpoints: <workspace folder>/<workspace name>-runs/<id>.
  std::string runFolder(int64_t runId) const;

  /// True while some process (this one included) trains the run (its RunLock is held).
  bool isActive(int64_t runId) const;

  /// Inserts the run (status as given, usually Created) with a never-reused id, and sets
  /// record.id and record.folder.
  Result<int64_t> create(RunRecord& record);

  Status markStarted(int64_t runId);
  Status setStatus(int64_t runId, RunStatus status, const std::string& message);
  Status appendSteps(int64_t runId, const std::vector<StepRecord>& steps);
  Status appendEpoch(int64_t runId, const EpochRecord& epoch);
  /// Final state: status, message, best epoch, epochs run, metrics, summary.
  Status finish(int64_t runId, const RunRecord& result);
  Status storeUserMetrics(int64_t runId, const std::string& split,
                          const std::vector<UserMetricRow>& rows);

  Result<std::vector<RunRecord>> runs(std::optional<int64_t> datasetId = std::nullopt);
  /// The member runs of a run group, by id.
  Result<std::vector<RunRecord>> runsOfGroup(int64_t groupId);
  Result<RunRecord> run(int64_t runId);
  Result<std::vector<StepRecord>> steps(int64_t runId);
  Result<std::vector<EpochRecord>> epochs(int64_t runId);
  Result<std::vector<UserMetricRow>> userMetrics(int64_t runId, const std::string& split);
  /// One page of them: the rows of users after `afterUser` in user order, at most `limit`
  /// (keyset paging on the table's key, so a reader can give its thread back between pages).
  Result<std::vector<UserMetricRow>> userMetrics(int64_t runId, const std::string& split,
                                                 int64_t afterUser, int64_t limit);

  Status rename(int64_t runId, const std::string& name);
  Status setNote(int64_t runId, const std::string& note);
  /// Deletes the record and its rows; removes the run folder from disk too. Refused while the
  /// run is being trained.
  Status remove(int64_t runId);

 private:
  Workspace& ws_;
};

}  // namespace m6
