#include "app/bridge/snapshot_store.h"

#include <chrono>
#include <stdexcept>

namespace m6
{

namespace
{

bool sameRecord(const DatasetInfo& a, const DatasetInfo& b)
{
  return a.id == b.id && a.createdAt == b.createdAt && a.interactions == b.interactions;
}

}  // namespace

SnapshotStore::Handle SnapshotStore::get(Workspace& ws, int64_t datasetId, const PhaseFn& phase,
                                         const std::atomic<bool>* cancel, DatasetInfo* current)
{
  auto info = ws.datasetById(datasetId);
  if (!info)
  {
    throw std::runtime_error(info.error());
  }
  if (current)
  {
    *current = *info;
  }
  const Key key{ws.path(), datasetId};
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;)
  {
    Entry& entry = entries_[key];
    if (Handle held = entry.data.lock(); held && sameRecord(held->info, *info))
    {
      return held;
    }
    if (!entry.loading)
    {
      entry.loading = true;
      break;
    }
    // Another worker reads this dataset now: wait for it rather than read it twice. The wait
    // wakes up now and then to notice this caller's own cancel.
    changed_.wait_for(lock, std::chrono::milliseconds(50));
    if (cancel && cancel->load())
    {
      return nullptr;
    }
  }
  lock.unlock();

  Handle loaded;
  try
  {
    loaded = load(ws, *info, phase, cancel);
  }
  catch (...)
  {
    lock.lock();
    entries_[key].loading = false;
    changed_.notify_all();
    throw;
  }
  lock.lock();
  Entry& entry = entries_[key];
  entry.loading = false;
  if (loaded)
  {
    entry.data = loaded;
  }
  changed_.notify_all();
  return loaded;
}

SnapshotStore::Handle SnapshotStore::load(Workspace& ws, const DatasetInfo& info,
                                          const PhaseFn& phase, const std::atomic<bool>* cancel)
{
  const std::string& name = info.name;
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
  auto snap = ws.loadSnapshot(info.id, onProgress, cancel);
  if (!snap)
  {
    if (isCancelled(snap) || (cancel && cancel->load()))
    {
      return nullptr;
    }
    throw std::runtime_error(snap.error());
  }
  auto shared = std::make_shared<SharedDataset>();
  shared->info = info;
  shared->snapshot = std::move(*snap);
  shared->schema = DatasetSchema::fromSnapshot(shared->snapshot);
  ++loads_;
  return shared;
}

int SnapshotStore::resident() const
{
  std::lock_guard<std::mutex> lock(mutex_);
  int n = 0;
  for (const auto& [key, entry] : entries_)
  {
    n += entry.data.expired() ? 0 : 1;
  }
  return n;
}

}  // namespace m6
