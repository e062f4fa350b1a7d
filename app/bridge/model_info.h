// ModelInfo: the GUI's handle on the ModelInfoWorker (own thread): a dataset's schema for the
// configuration form, the estimate of a configuration, and the evaluation of a run's checkpoint.
//
// Stale replies: describe() and estimate() keep only their latest request. A newer estimate
// supersedes older ones in the worker (skipped before the model is built) and here (a reply
// with an older token is dropped), so typing in the form never queues up model builds.
//
// Thread affinity: GUI thread only.
#pragma once

#include <QObject>
#include <memory>

#include "app/bridge/model_info_worker.h"
#include "app/bridge/train_types.h"
#include "app/bridge/worker_thread.h"

namespace m6
{

class SnapshotStore;

class ModelInfo : public QObject
{
  Q_OBJECT
 public:
  /// `snapshots`: the process's snapshot store (from the composition root), shared with the
  /// other facades' workers.
  ModelInfo(const QString& workspacePath, std::shared_ptr<SnapshotStore> snapshots,
            QObject* parent = nullptr);
  ~ModelInfo() override;

  quint64 describe(qint64 datasetId);
  quint64 estimate(qint64 datasetId, const RunConfig& config);
  quint64 evaluate(qint64 runId);

  /// Estimate replies dropped here because a newer estimate had been asked for.
  int staleDropped() const { return staleDropped_; }
  /// Estimates the worker skipped without building a model.
  int staleSkipped() const { return thread_->worker()->staleSkipped(); }

 Q_SIGNALS:
  void schemaReady(m6::SchemaInfo info);
  void estimateReady(quint64 token, m6::EstimateResult result);
  void evaluated(quint64 token, m6::EvaluationSummary summary);
  void requestFailed(quint64 token, QString message);

 private:
  std::unique_ptr<WorkerThread<ModelInfoWorker>> thread_;
  quint64 lastToken_ = 0;
  quint64 describeToken_ = 0;
  quint64 estimateToken_ = 0;
  int staleDropped_ = 0;
};

}  // namespace m6
