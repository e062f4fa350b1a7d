// SnapshotStore: one loaded dataset snapshot per dataset per process, shared by every worker.
//
// A snapshot is immutable once loaded, so every worker that needs the same dataset (training,
// model info, adaptation previews, inspection, export) holds the same object through a
// std::shared_ptr<const SharedDataset>. The store itself keeps only weak references: a snapshot
// is released when the last worker lets go of it, and the next request loads it again.
//
// Contract:
//  - get() answers the dataset as the workspace has it now: it asks the workspace for the
//    dataset's record first (so a deleted dataset is refused with storage's error and never
//    served from memory), and reuses a resident snapshot only while the record keeps its
//    creation time and interaction count (a dataset deleted and re-imported under a reused id is
//    read again).
//  - Concurrent requests for the same dataset share one load: the first caller reads it on its
//    own thread; the others wait for that load (checking their own cancel flag) and get the same
//    object. A load that is cancelled or fails hands the job to the next waiter.
//  - Datasets are keyed by workspace file and id, so one store serves any number of workspaces.
//
// The store is created by the composition root (app/exe: the workbench's main, the CLI) and
// handed to the bridge facades, which give it to their workers.
//
// Thread affinity: every method is thread-safe. get() blocks its caller (a worker thread) while
// the snapshot loads; never call it on the GUI thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "model/core/dataset.h"
#include "model/core/dataset_schema.h"
#include "storage/workspace.h"

namespace m6
{

/// What the store shares: the snapshot, the schema derived from it, and the dataset's record as
/// it was when the snapshot was read.
struct SharedDataset
{
  DatasetInfo info;
  DatasetSnapshot snapshot;
  DatasetSchema schema;
};

class SnapshotStore
{
 public:
  using Handle = std::shared_ptr<const SharedDataset>;
  /// Called while a snapshot loads: a line for a person ("Loading demo: 40 %").
  using PhaseFn = std::function<void(const std::string&)>;

  /// The dataset `datasetId` of the workspace `ws` (opened by the caller on its own thread).
  /// Returns nullptr when `cancel` became true before the snapshot was there; throws
  /// std::runtime_error with storage's message when the dataset is gone or cannot be read.
  /// `current`, when given, receives the dataset's record as the workspace has it now (its name
  /// may differ from the shared object's record).
  Handle get(Workspace& ws, int64_t datasetId, const PhaseFn& phase,
             const std::atomic<bool>* cancel, DatasetInfo* current = nullptr);

  /// Snapshots read from a workspace since the store was made (a load counter for tests and
  /// benchmarks: requests served from memory do not count).
  int64_t loads() const { return loads_.load(); }

  /// Snapshots held by at least one worker right now.
  int resident() const;

 private:
  using Key = std::pair<std::string, int64_t>;  // workspace file, dataset id
  struct Entry
  {
    std::weak_ptr<const SharedDataset> data;
    bool loading = false;
  };

  Handle load(Workspace& ws, const DatasetInfo& info, const PhaseFn& phase,
              const std::atomic<bool>* cancel);

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<Key, Entry> entries_;
  std::atomic<int64_t> loads_{0};
};

}  // namespace m6
