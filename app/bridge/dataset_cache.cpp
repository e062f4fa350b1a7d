#include "app/bridge/dataset_cache.h"

#include <stdexcept>

namespace m6
{

DatasetCache::DatasetCache(std::shared_ptr<SnapshotStore> store) : store_(std::move(store))
{
  if (!store_)
  {
    throw std::invalid_argument("DatasetCache needs the process's snapshot store");
  }
}

const LoadedDataset* DatasetCache::get(Workspace& ws, int64_t datasetId, const PhaseFn& phase,
                                       const std::atomic<bool>* cancel)
{
  DatasetInfo current;  // the name may have changed since the snapshot was read
  SnapshotStore::Handle handle = store_->get(ws, datasetId, phase, cancel, &current);
  if (!handle)
  {
    return nullptr;
  }
  view_.reset();
  held_ = std::move(handle);
  std::shared_ptr<const DatasetSnapshot> shared(held_, &held_->snapshot);
  view_.emplace(LoadedDataset{current, held_->snapshot, held_->schema, std::move(shared)});
  return &*view_;
}

void DatasetCache::clear()
{
  view_.reset();
  held_.reset();
}

}  // namespace m6
