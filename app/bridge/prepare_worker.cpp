#include "app/bridge/prepare_worker.h"

#include <exception>

#include "app/bridge/worker_support.h"
#include "storage/prepare.h"

namespace m6
{

PrepareWorker::PrepareWorker(QString workspacePath, std::shared_ptr<SnapshotStore> snapshots)
    : path_(std::move(workspacePath)), snapshots_(std::move(snapshots))
{
}

void PrepareWorker::preview(quint64 token, qint64 datasetId, m6::PrepareRecipe recipe)
{
  if (token < latest_.load())
  {
    return;  // the user changed the recipe again: count only the newest one
  }
  try
  {
    Workspace& ws = openWorkspaceOnce(ws_, path_);
    if (!held_ || held_->info.id != datasetId)
    {
      held_.reset();
      held_ = snapshots_->get(ws, datasetId, {}, &cancel_);
      if (!held_)
      {
        return;  // cancelled: the dialog is closing
      }
    }
    if (std::string why = checkRecipe(held_->snapshot, recipe); !why.empty())
    {
      Q_EMIT failed(token, QString::fromStdString(why));
      return;
    }
    Q_EMIT previewReady(token, previewPreparation(held_->snapshot, recipe));
  }
  catch (const std::bad_alloc&)
  {
    Q_EMIT failed(token, tr("Not enough memory to count the preview"));
  }
  catch (const std::exception& e)
  {
    Q_EMIT failed(token, QString::fromUtf8(e.what()));
  }
}

void PrepareWorker::releasePreview()
{
  held_.reset();
}

void PrepareWorker::run(quint64 token, QString source, QString name, m6::PrepareRecipe recipe)
{
  runWritingJob(this, token, path_, false, cancel_,
                [&](Workspace& ws, ProgressThrottle& onProgress) -> Result<ImportOutcome>
                {
                  auto prepared = prepareStoredDataset(ws, source.toStdString(), name.toStdString(),
                                                       recipe, onProgress, &cancel_);
                  if (!prepared)
                  {
                    return errorOf(prepared);
                  }
                  ImportOutcome outcome;
                  outcome.dataset = prepared->dataset;
                  outcome.report.format = "prepared";
                  outcome.report.source = source.toStdString();
                  outcome.report.seconds = prepared->seconds;
                  outcome.report.rowsRead =
                      prepared->steps.empty() ? 0 : prepared->steps[0].interactions;
                  outcome.report.warnings.push_back(prepared->description);
                  return outcome;
                });
}

}  // namespace m6
