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
  guardedJob(
      this, token,
      [&]
      {
        auto ws = Workspace::open(path_.toStdString(), false);
        if (!ws)
        {
          Q_EMIT failed(token, QString::fromStdString(ws.error()));
          return;
        }
        waitForOtherWriters(**ws, cancel_,
                            [&](const WorkProgress& p) { Q_EMIT progress(token, p); });
        ProgressThrottle onProgress([&](const WorkProgress& p) { Q_EMIT progress(token, p); });
        auto outcome = prepareStoredDataset(**ws, source.toStdString(), name.toStdString(), recipe,
                                            onProgress, &cancel_);
        ImportResult result;
        if (!outcome)
        {
          if (cancel_.load())
          {
            result.cancelled = true;
            Q_EMIT finished(token, result);
            return;
          }
          Q_EMIT failed(token, QString::fromStdString(outcome.error()));
          return;
        }
        result.outcome.dataset = outcome->dataset;
        result.outcome.report.format = "prepared";
        result.outcome.report.source = source.toStdString();
        result.outcome.report.seconds = outcome->seconds;
        result.outcome.report.rowsRead =
            outcome->steps.empty() ? 0 : outcome->steps[0].interactions;
        result.outcome.report.warnings.push_back(outcome->description);
        Q_EMIT finished(token, result);
      });
}

}  // namespace m6
