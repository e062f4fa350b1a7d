#include "app/bridge/run_exporter.h"

#include "app/bridge/snapshot_store.h"

namespace m6
{

RunExporter::RunExporter(const QString& workspacePath, std::shared_ptr<SnapshotStore> snapshots,
                         QObject* parent)
    : QObject(parent)
{
  thread_ = std::make_unique<WorkerThread<ExportWorker>>(QStringLiteral("m6-export"), workspacePath,
                                                         std::move(snapshots));
  ExportWorker* w = thread_->worker();
  connect(w, &ExportWorker::progress, this,
          [this](quint64 token, const QString& phase, qint64 done, qint64 total)
          {
            if (current(token))
            {
              Q_EMIT progress(phase, done, total);
            }
          });
  connect(w, &ExportWorker::exported, this,
          [this](quint64 token, const m6::ExportResult& r)
          {
            if (current(token))
            {
              token_ = 0;
              Q_EMIT finished(r);
            }
          });
  connect(w, &ExportWorker::cancelled, this,
          [this](quint64 token)
          {
            if (current(token))
            {
              token_ = 0;
              Q_EMIT cancelled();
            }
          });
  connect(w, &ExportWorker::failed, this,
          [this](quint64 token, const QString& message)
          {
            if (current(token))
            {
              token_ = 0;
              Q_EMIT failed(message);
            }
          });
}

RunExporter::~RunExporter() = default;

template <typename F>
quint64 RunExporter::start(F&& f)
{
  if (busy())
  {
    return 0;
  }
  token_ = ++lastToken_;
  thread_->invoke([w = thread_->worker(), token = token_, f = std::forward<F>(f)] { f(w, token); });
  return token_;
}

quint64 RunExporter::exportModel(qint64 runId, const QString& path)
{
  return start([runId, path](ExportWorker* w, quint64 t) { w->exportModel(t, runId, path); });
}

quint64 RunExporter::exportRecommendations(qint64 runId, const QString& path, int k)
{
  return start([runId, path, k](ExportWorker* w, quint64 t)
               { w->exportRecommendations(t, runId, path, k); });
}

quint64 RunExporter::exportEmbeddings(qint64 runId, const QString& folder)
{
  return start([runId, folder](ExportWorker* w, quint64 t)
               { w->exportEmbeddings(t, runId, folder); });
}

quint64 RunExporter::exportHistory(const QList<qint64>& runIds, const QString& path)
{
  return start([runIds, path](ExportWorker* w, quint64 t) { w->exportHistory(t, runIds, path); });
}

void RunExporter::cancel()
{
  if (busy())
  {
    thread_->worker()->cancelJob(token_);
  }
}

}  // namespace m6
