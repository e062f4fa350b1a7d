#include "app/bridge/dataset_worker.h"

#include <exception>
#include <stdexcept>

#include "app/bridge/qt_text.h"
#include "app/bridge/worker_support.h"

namespace m6
{

DatasetWorker::DatasetWorker(QString workspacePath) : path_(std::move(workspacePath)) {}

DatasetWorker::~DatasetWorker() = default;

void DatasetWorker::cancel()
{
  closing_ = true;
  std::lock_guard<std::mutex> lock(wsMutex_);
  if (ws_)
  {
    ws_->interrupt();
  }
}

Workspace& DatasetWorker::ws()
{
  if (!ws_)
  {
    auto opened = openSayingUpgrades(path_, true,
                                     [this](const QString& message) { Q_EMIT waiting(message); });
    if (!opened)
    {
      throw std::runtime_error(opened.error());
    }
    waitForOtherWritersBriefly(**opened, closing_,
                               [this](const QString& message) { Q_EMIT waiting(message); });
    std::lock_guard<std::mutex> lock(wsMutex_);
    ws_ = std::move(*opened);
  }
  return *ws_;
}

void DatasetWorker::emitList(quint64 token)
{
  auto all = ws().datasets();
  if (!all)
  {
    Q_EMIT failed(token, qs(all.error()));
    return;
  }
  Q_EMIT listed(token, *all);
}

void DatasetWorker::open(quint64 token)
{
  guardedJob(this, token,
             [&]
             {
               auto all = ws().datasets();
               if (!all)
               {
                 Q_EMIT failed(token, qs(all.error()));
                 return;
               }
               Q_EMIT opened(token, path_, *all);
             });
}

void DatasetWorker::list(quint64 token)
{
  guardedJob(this, token, [&] { emitList(token); });
}

void DatasetWorker::rename(quint64 token, QString from, QString to)
{
  guardedJob(this, token,
             [&]
             {
               auto ok = ws().renameDataset(from.toStdString(), to.toStdString());
               if (!ok)
               {
                 Q_EMIT failed(token, qs(ok.error()));
                 return;
               }
               Q_EMIT renamed(token, from, to);
               emitList(0);
             });
}

void DatasetWorker::remove(quint64 token, QString name)
{
  guardedJob(this, token,
             [&]
             {
               auto ok = ws().deleteDataset(name.toStdString());
               if (!ok)
               {
                 Q_EMIT failed(token, qs(ok.error()));
                 return;
               }
               Q_EMIT removed(token, name);
               emitList(0);
             });
}

void DatasetWorker::loadStats(quint64 token, qint64 datasetId)
{
  guardedJob(
      this, token,
      [&]
      {
        auto stats = ws().stats(datasetId);
        if (!stats)
        {
          Q_EMIT failed(token, qs(stats.error()));
          return;
        }
        Q_EMIT statsReady(token, DatasetStats{datasetId, DatasetStatistics::fromJson(*stats)});
      });
}

void DatasetWorker::loadReport(quint64 token, qint64 datasetId)
{
  guardedJob(this, token,
             [&]
             {
               auto report = ws().importReport(datasetId);
               if (!report)
               {
                 Q_EMIT failed(token, qs(report.error()));
                 return;
               }
               Q_EMIT reportReady(token, datasetId, *report);
             });
}

void DatasetWorker::checkName(quint64 token, QString name)
{
  guardedJob(this, token,
             [&]
             {
               auto ok = ws().checkDatasetName(name.toStdString());
               Q_EMIT nameChecked(token, name, ok ? QString() : qs(ok.error()));
             });
}

}  // namespace m6
