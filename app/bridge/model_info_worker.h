// ModelInfoWorker: what the configuration form and the run pages ask of the engine without
// training: a dataset's schema (field names, ratings, sizes: what validate() checks against), the
// estimate of a configuration (parameter count and examples per epoch: it builds the model), and
// the evaluation of a run's checkpoint (best.pt, else last.pt) on validation and test.
//
// The schema comes from the workspace's tables (no snapshot load). Estimates and evaluations take
// the dataset snapshot from the process's SnapshotStore, on its thread, with its own Workspace,
// and hold the last one (DatasetCache).
//
// Contract: every slot takes a token and answers with exactly one signal carrying it, except
// stale estimates: estimate() requests with a token below the one given to supersede() are
// skipped without an answer (the user has typed on; only the latest estimate matters).
// An invalid configuration is an answer, not a failure: estimated() with ok = false and the
// engine's message.
//
// Thread affinity: lives on a worker QThread (see WorkerThread); supersede() and cancel() are
// thread-safe plain methods.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

#include "app/bridge/dataset_cache.h"
#include "app/bridge/train_types.h"

namespace m6
{

class ModelInfoWorker : public QObject
{
  Q_OBJECT
 public:
  ModelInfoWorker(QString workspacePath, std::shared_ptr<SnapshotStore> snapshots);
  ~ModelInfoWorker() override;

  /// Estimates requested with a token below `token` are skipped. Thread-safe.
  void supersede(quint64 token);
  /// Stops a snapshot load in progress (the request fails). Thread-safe.
  void cancel() { cancel_.store(true); }

  /// Estimates skipped as stale so far (tests, diagnostics).
  int staleSkipped() const { return staleSkipped_.load(); }

 public Q_SLOTS:
  void describe(quint64 token, qint64 datasetId);
  void estimate(quint64 token, qint64 datasetId, m6::RunConfig config);
  void evaluate(quint64 token, qint64 runId);

 Q_SIGNALS:
  void described(quint64 token, m6::SchemaInfo info);
  void estimated(quint64 token, m6::EstimateResult result);
  void evaluated(quint64 token, m6::EvaluationSummary summary);
  void failed(quint64 token, QString message);

 private:
  Workspace& workspace();
  /// Throws when cancelled or when the dataset cannot be loaded.
  const LoadedDataset& load(qint64 datasetId);

  QString path_;
  std::unique_ptr<Workspace> ws_;
  DatasetCache cache_;
  std::atomic<bool> cancel_{false};
  std::atomic<quint64> minEstimate_{0};
  std::atomic<int> staleSkipped_{0};
};

}  // namespace m6
