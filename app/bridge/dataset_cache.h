// DatasetCache: the dataset snapshot a worker holds, taken from the process's SnapshotStore, so
// consecutive jobs on the same dataset neither read it again nor keep a copy of their own.
//
// Each worker owns one cache (or two, when a job needs two datasets at once) and asks through its
// own Workspace on its own thread (the GUI thread never loads a snapshot). The snapshot itself is
// shared with every other worker of the process; the cache only keeps it alive while the worker
// may use it, and keeps the dataset's current record (its name may change while it is loaded).
//
// Thread affinity: the owning worker's thread only.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/bridge/snapshot_store.h"

namespace m6
{

/// A worker's view of a shared snapshot: the dataset's record as it is now, and the snapshot and
/// schema (owned by the store's shared object, valid while the cache holds it).
struct LoadedDataset
{
  DatasetInfo info;
  const DatasetSnapshot& snapshot;
  const DatasetSchema& schema;
  /// The same snapshot as a shared pointer (aliasing the store's object), for a model that keeps
  /// it beyond the job (Predictor::open), so nobody copies it.
  std::shared_ptr<const DatasetSnapshot> shared;
};

class DatasetCache
{
 public:
  using PhaseFn = SnapshotStore::PhaseFn;

  explicit DatasetCache(std::shared_ptr<SnapshotStore> store);

  /// The dataset, from the store (loaded now when no worker has it). Returns nullptr when
  /// `cancel` became true during the load; throws std::runtime_error with storage's message on
  /// failure. The pointer stays valid until the next get() or clear().
  const LoadedDataset* get(Workspace& ws, int64_t datasetId, const PhaseFn& phase,
                           const std::atomic<bool>* cancel);

  /// Lets go of the snapshot (the store frees it when no other worker holds it).
  void clear();

 private:
  std::shared_ptr<SnapshotStore> store_;
  SnapshotStore::Handle held_;
  std::optional<LoadedDataset> view_;
};

}  // namespace m6
