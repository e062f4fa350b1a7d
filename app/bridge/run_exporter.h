// RunExporter: the GUI's handle on the ExportWorker (own thread): one export at a time, with
// progress and cancel. Replies of an export that is no longer the current one are dropped.
//
// Contract: the export methods return the export's token, or 0 (and do nothing) while another
// export runs. Each export ends with exactly one of finished(), cancelled() or failed(), and busy()
// is false from then on. cancel() is immediate (an atomic the worker reads between users).
//
// Thread affinity: GUI thread only.
#pragma once

#include <QList>
#include <QObject>
#include <memory>

#include "app/bridge/export_worker.h"
#include "app/bridge/worker_thread.h"

namespace m6
{

class SnapshotStore;

class RunExporter : public QObject
{
  Q_OBJECT
 public:
  /// `snapshots`: the process's snapshot store (from the composition root), shared with the
  /// other facades' workers.
  RunExporter(const QString& workspacePath, std::shared_ptr<SnapshotStore> snapshots,
              QObject* parent = nullptr);
  ~RunExporter() override;

  quint64 exportModel(qint64 runId, const QString& path);
  quint64 exportRecommendations(qint64 runId, const QString& path, int k);
  quint64 exportEmbeddings(qint64 runId, const QString& folder);
  quint64 exportHistory(const QList<qint64>& runIds, const QString& path);
  void cancel();
  bool busy() const { return token_ != 0; }

 Q_SIGNALS:
  void progress(QString phase, qint64 done, qint64 total);
  void finished(m6::ExportResult result);
  void cancelled();
  void failed(QString message);

 private:
  template <typename F>
  quint64 start(F&& f);
  bool current(quint64 token) const { return token != 0 && token == token_; }

  std::unique_ptr<WorkerThread<ExportWorker>> thread_;
  quint64 lastToken_ = 0;
  quint64 token_ = 0;  // the export under way (0: none)
};

}  // namespace m6
