#include "app/bridge/demo_worker.h"

#include "storage/demo_dataset.h"

#include <QElapsedTimer>
#include <exception>

namespace m6
{

DemoWorker::DemoWorker(QString workspacePath) : path_(std::move(workspacePath)) {}

void DemoWorker::run(quint64 token, m6::DemoOptions options)
{
  try
  {
    QElapsedTimer clock;
    clock.start();
    auto ws = Workspace::open(path_.toStdString());
    if (!ws)
    {
      Q_EMIT failed(token, QString::fromStdString(ws.error()));
      return;
    }
    qint64 lastEmit = -1000;
    std::string lastPhase;
    auto onProgress = [&](const StorageProgress& p)
    {
      const qint64 now = clock.elapsed();
      if (p.phase != lastPhase || now - lastEmit >= 100)
      {
        lastPhase = p.phase;
        lastEmit = now;
        Q_EMIT progress(token, toWorkProgress(p, static_cast<double>(now) / 1000.0));
      }
    };
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
  }
  catch (const std::exception& e)
  {
    Q_EMIT failed(token, QString::fromUtf8(e.what()));
  }
}

}  // namespace m6
