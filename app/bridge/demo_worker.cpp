#include "app/bridge/demo_worker.h"

#include <exception>

#include "app/bridge/worker_support.h"
#include "storage/demo_dataset.h"

namespace m6
{

DemoWorker::DemoWorker(QString workspacePath) : path_(std::move(workspacePath)) {}

void DemoWorker::run(quint64 token, m6::DemoOptions options)
{
  guardedJob(
      this, token,
      [&]
      {
        auto ws = Workspace::open(path_.toStdString());
        if (!ws)
        {
          Q_EMIT failed(token, QString::fromStdString(ws.error()));
          return;
        }
        waitForOtherWriters(**ws, cancel_,
                            [&](const WorkProgress& p) { Q_EMIT progress(token, p); });
        ProgressThrottle onProgress([&](const WorkProgress& p) { Q_EMIT progress(token, p); });
        auto written = writeDemoDataset(**ws, options, onProgress, &cancel_);
        if (!written)
        {
          if (isCancelled(written) || cancel_.load())
          {
            ImportResult cancelled;
            cancelled.cancelled = true;
            Q_EMIT finished(token, cancelled);
          }
          else
          {
            Q_EMIT failed(token, QString::fromStdString(written.error()));
          }
          return;
        }
        ImportResult result;
        result.outcome = std::move(*written);
        Q_EMIT finished(token, result);
      });
}

}  // namespace m6
