// AdaptInfo: the GUI's handle on the AdaptInfoWorker (own thread): the workspace's datasets, a
// target dataset's schema, and the preview of an adaptation (AdaptReport without training).
//
// Stale replies: describe() and preview() keep only their latest request; a newer preview
// supersedes older ones in the worker (skipped before any model is built) and here (an older
// reply is dropped), so changing the dialog never queues up model builds.
//
// Thread affinity: GUI thread only.
#pragma once

#include <QObject>
#include <memory>

#include "app/bridge/adapt_info_worker.h"
#include "app/bridge/worker_thread.h"

namespace m6
{

class SnapshotStore;

class AdaptInfo : public QObject
{
  Q_OBJECT
 public:
  /// `snapshots`: the process's snapshot store (from the composition root), shared with the
  /// other facades' workers.
  AdaptInfo(const QString& workspacePath, const std::shared_ptr<SnapshotStore>& snapshots,
            QObject* parent = nullptr);
  ~AdaptInfo() override;

  quint64 listDatasets();
  quint64 describe(qint64 datasetId);
  quint64 preview(qint64 parentRun, qint64 datasetId, const RunConfig& config,
                  const AdaptOptions& options);

 Q_SIGNALS:
  void datasetsListed(m6::DatasetList datasets);
  void schemaReady(m6::SchemaInfo info);
  void previewReady(m6::AdaptPreview preview);
  void requestFailed(QString message);

 private:
  std::unique_ptr<WorkerThread<AdaptInfoWorker>> thread_;
  quint64 lastToken_ = 0;
  quint64 describeToken_ = 0;
  quint64 previewToken_ = 0;
};

}  // namespace m6
