#include "app/bridge/adapt_info_worker.h"

#include <exception>
#include <stdexcept>

#include "app/bridge/worker_support.h"
#include "app/runner/training_session.h"
#include "storage/runs.h"

namespace m6
{

AdaptInfoWorker::AdaptInfoWorker(QString workspacePath,
                                 const std::shared_ptr<SnapshotStore>& snapshots)
    : path_(std::move(workspacePath)), caches_{DatasetCache(snapshots), DatasetCache(snapshots)}
{
}

AdaptInfoWorker::~AdaptInfoWorker() = default;

void AdaptInfoWorker::supersede(quint64 token)
{
  raiseFloor(minPreview_, token);
}

Workspace& AdaptInfoWorker::workspace()
{
  return openWorkspaceOnce(ws_, path_);
}

const LoadedDataset& AdaptInfoWorker::load(qint64 datasetId)
{
  int slot = cached_[0] == datasetId ? 0 : cached_[1] == datasetId ? 1 : -1;
  if (slot < 0)
  {
    slot = next_;
    next_ = 1 - next_;
  }
  // A preview needs the target and the parent's dataset at once: two slots, so alternating
  // between them never reloads. DatasetCache itself notices a re-imported dataset.
  const LoadedDataset* data = caches_[slot].get(workspace(), datasetId, {}, &cancel_);
  if (!data)
  {
    throw std::runtime_error("stopped while the dataset was loading");
  }
  cached_[slot] = datasetId;
  return *data;
}

void AdaptInfoWorker::listDatasets(quint64 token)
{
  guardedJob(this, token,
             [&]
             {
               auto list = workspace().datasets();
               if (!list)
               {
                 throw std::runtime_error(list.error());
               }
               Q_EMIT datasetsListed(token, *list);
             });
}

void AdaptInfoWorker::describe(quint64 token, qint64 datasetId)
{
  guardedJob(this, token,
             [&]
             {
               SchemaInfo info;
               info.datasetId = datasetId;
               info.schema = load(datasetId).schema;
               Q_EMIT described(token, info);
             });
}

void AdaptInfoWorker::preview(quint64 token, qint64 parentRun, qint64 datasetId,
                              const m6::RunConfig& config, m6::AdaptOptions options)
{
  if (token < minPreview_.load())
  {
    return;  // the user has changed the dialog since; a newer preview is queued
  }
  AdaptPreview out;
  out.parentRun = parentRun;
  out.datasetId = datasetId;
  try
  {
    auto parent = RunStore(workspace()).run(parentRun);
    if (!parent)
    {
      throw std::runtime_error(parent.error());
    }
    if (const std::string why = adaptBlocker(*parent); !why.empty())
    {
      throw std::runtime_error(why);
    }
    const RunConfig parentConfig = configOfRun(*parent);
    const LoadedDataset& target = load(datasetId);
    const auto issues = validate(config, &target.schema);
    if (!issues.empty())
    {
      throw std::invalid_argument("invalid configuration: " + formatIssues(issues));
    }
    // The target stays cached in its slot while the parent's dataset loads into the other.
    const DatasetSnapshot* parentData = &target.snapshot;
    if (parent->datasetId != datasetId)
    {
      parentData = &load(parent->datasetId).snapshot;
    }
    const LoadedDataset& targetAgain = load(datasetId);
    out.report = previewAdaptation(targetAgain.snapshot, config, parent->folder, *parentData,
                                   parentConfig, options);
    out.ok = true;
  }
  catch (const std::exception& e)
  {
    out.ok = false;
    out.error = QString::fromUtf8(e.what());
  }
  Q_EMIT previewed(token, out);
}

}  // namespace m6
