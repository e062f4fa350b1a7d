// The run queue as workspace records: training jobs waiting their turn, in order. Each job names
// its dataset, its kind ("run", "group" or "search"), a display name and what to start (JSON the
// GUI bridge writes and reads: a configuration with seeds and processes, or a search's spec), so
// the queue keeps its jobs and their order across a restart. Taking the first job removes it in
// the same transaction, so two processes never start the same job.
//
// Thread affinity: like Workspace (one thread at a time per QueueStore/Workspace).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/core/json.h"
#include "storage/result.h"
#include "storage/workspace.h"

namespace m6
{

struct QueuedJob
{
  int64_t id = 0;
  int position = 0;  // 0: next to start
  int64_t datasetId = 0;
  std::string datasetName;  // filled when read
  std::string kind;         // run | group | search
  std::string name;
  Json job = Json::object();
  int64_t createdAt = 0;
};

class QueueStore
{
 public:
  explicit QueueStore(Workspace& ws) : ws_(ws) {}

  /// Appends the job at the end (or puts it first); sets job.id, position and createdAt.
  Result<int64_t> add(QueuedJob& job, bool first = false);
  /// Every queued job, first to start first.
  Result<std::vector<QueuedJob>> jobs();
  /// Moves a job to `index` (0-based, clamped to the queue); the others keep their order.
  Status move(int64_t id, int index);
  Status remove(int64_t id);
  /// Removes and returns the first job (nothing when the queue is empty).
  Result<std::optional<QueuedJob>> takeFirst();

 private:
  Workspace& ws_;
};

}  // namespace m6
