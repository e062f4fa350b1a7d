#include "app/bridge/demo_worker.h"

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
    const std::string problem = validateDemoOptions(options);
    if (!problem.empty())
    {
      Q_EMIT failed(token, QString::fromStdString(problem));
      return;
    }
    auto ws = Workspace::open(path_.toStdString());
    if (!ws)
    {
      Q_EMIT failed(token, QString::fromStdString(ws.error()));
      return;
    }
    if (auto ok = (*ws)->checkDatasetName(options.name); !ok)
    {
      Q_EMIT failed(token, QString::fromStdString(ok.error()));
      return;
    }
    ImportResult cancelled;
    cancelled.cancelled = true;
    WorkProgress start;
    start.phase = tr("Generating %1 interactions").arg(options.interactions);
    start.total = 0;
    Q_EMIT progress(token, start);
    DatasetSnapshot snapshot = generateDemoDataset(options);
    if (cancel_.load())
    {
      Q_EMIT finished(token, cancelled);
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
    DatasetOrigin origin{"demo", "", "seed " + std::to_string(options.seed)};
    auto id = (*ws)->writeDataset(snapshot, origin, nullptr, onProgress, &cancel_);
    if (!id)
    {
      if (cancel_.load())
      {
        Q_EMIT finished(token, cancelled);
      }
      else
      {
        Q_EMIT failed(token, QString::fromStdString(id.error()));
      }
      return;
    }
    auto info = (*ws)->datasetById(*id);
    if (!info)
    {
      Q_EMIT failed(token, QString::fromStdString(info.error()));
      return;
    }
    ImportResult result;
    result.outcome.dataset = *info;
    result.outcome.report.format = "demo";
    result.outcome.report.seconds = static_cast<double>(clock.elapsed()) / 1000.0;
    result.outcome.report.rowsRead = snapshot.numInteractions();
    Q_EMIT finished(token, result);
  }
  catch (const std::exception& e)
  {
    Q_EMIT failed(token, QString::fromUtf8(e.what()));
  }
}

}  // namespace m6
