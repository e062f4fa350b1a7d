#include "app/bridge/import_worker.h"

#include <exception>

#include "app/bridge/worker_support.h"

namespace m6
{

ImportWorker::ImportWorker(QString workspacePath) : path_(std::move(workspacePath)) {}

void ImportWorker::run(quint64 token, m6::ImportSpec spec, QString name)
{
  guardedJob(
      this, token,
      [&]
      {
        // A new run starts uncancelled; a cancel() that raced ahead of this call is honoured below.
        auto ws = Workspace::open(path_.toStdString());
        if (!ws)
        {
          Q_EMIT failed(token, QString::fromStdString(ws.error()));
          return;
        }
        waitForOtherWriters(**ws, cancel_,
                            [&](const WorkProgress& p) { Q_EMIT progress(token, p); });
        ProgressThrottle throttle([&](const WorkProgress& p) { Q_EMIT progress(token, p); });
        StorageProgress reading;  // the last reading figures, carried into the writing phases
        ImportCallbacks callbacks;
        callbacks.cancel = &cancel_;
        callbacks.progress = [&](const StorageProgress& p)
        {
          StorageProgress shown = p;
          if (p.rows > 0 || p.rejected > 0)
          {
            reading = p;
          }
          else
          {
            shown.rows = reading.rows;  // writing reports rows written in done/total only
            shown.rejected = reading.rejected;
          }
          throttle(shown);
        };
        auto outcome = importDataset(**ws, spec, name.toStdString(), callbacks);
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
        result.outcome = std::move(*outcome);
        Q_EMIT finished(token, result);
      });
}

}  // namespace m6
