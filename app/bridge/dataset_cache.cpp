#include "app/bridge/dataset_cache.h"

#include <chrono>
#include <stdexcept>

namespace m6
{

const LoadedDataset* DatasetCache::get(Workspace& ws, int64_t datasetId, const PhaseFn& phase,
                                       const std::atomic<bool>* cancel)
{
  auto info = ws.datasetById(datasetId);
  if (!info)
  {
    throw std::runtime_error(info.error());
  }
  if (loaded_ && loaded_->info.id == info->id && loaded_->info.createdAt == info->createdAt &&
      loaded_->info.interactions == info->interactions)
  {
    loaded_->info = *info;  // the name may have changed
    return loaded_.get();
  }
  loaded_.reset();
  const std::string name = info->name;
  if (phase)
  {
    phase("Loading " + name + "…");
  }
  // Loading reports per batch of rows; a line every quarter second is plenty for a status bar.
  auto last = std::chrono::steady_clock::now();
  auto onProgress = [&](const StorageProgress& p)
  {
    const auto now = std::chrono::steady_clock::now();
    if (!phase || p.total <= 0 || now - last < std::chrono::milliseconds(250))
    {
      return;
    }
    last = now;
    phase("Loading " + name + ": " + std::to_string(100 * p.done / p.total) + " %");
  };
  auto snap = ws.loadSnapshot(datasetId, onProgress, cancel);
  if (!snap)
  {
    if (isCancelled(snap) || (cancel && cancel->load()))
    {
      return nullptr;
    }
    throw std::runtime_error(snap.error());
  }
  auto loaded = std::make_unique<LoadedDataset>();
  loaded->info = *info;
  loaded->snapshot = std::move(*snap);
  loaded->schema = DatasetSchema::fromSnapshot(loaded->snapshot);
  loaded_ = std::move(loaded);
  return loaded_.get();
}

}  // namespace m6
