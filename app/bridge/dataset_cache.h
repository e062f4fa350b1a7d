// DatasetCache: the one dataset snapshot a worker keeps loaded (with its DatasetInfo and
// DatasetSchema), so consecutive jobs on the same dataset do not read it again.
//
// Each worker owns its own cache and loads through its own Workspace on its own thread (the GUI
// thread never loads a snapshot). A cached snapshot is reused while the dataset keeps its id,
// creation time and interaction count (a dataset deleted and re-imported under a reused id is
// read again).
//
// Thread affinity: the owning worker's thread only.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "model/core/dataset.h"
#include "model/core/dataset_schema.h"
#include "storage/workspace.h"

namespace m6
{

struct LoadedDataset
{
  DatasetInfo info;
  DatasetSnapshot snapshot;
  DatasetSchema schema;
};

class DatasetCache
{
 public:
  /// Called while a snapshot loads: a line for a person ("Loading demo: 40 %").
  using PhaseFn = std::function<void(const std::string&)>;

  /// The dataset, loaded now when it is not cached. Returns nullptr when `cancel` became true
  /// during the load; throws std::runtime_error with storage's message on failure.
  const LoadedDataset* get(Workspace& ws, int64_t datasetId, const PhaseFn& phase,
                           const std::atomic<bool>* cancel);

  void clear() { loaded_.reset(); }

 private:
  std::unique_ptr<LoadedDataset> loaded_;
};

}  // namespace m6
