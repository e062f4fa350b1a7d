// ExportWorker: takes a run out of the workbench, through the runner's exports (the
// same files the CLI writes): the model file (.m6model with its model card), every user's top-K
// recommendations (CSV), the user and item embeddings (CSV and the TensorBoard projector's
// vectors.tsv / metadata.tsv), and the metric history of runs (CSV). Every file is written
// atomically by the runner, so a cancel or a failure leaves no half-written file.
//
// It opens its own Workspace and keeps the last dataset snapshot cached (DatasetCache).
//
// Contract: every slot takes a token and answers with exactly one of exported(), cancelled()
// or failed() (a sentence: "run 3 is a BPR-MF baseline: ..."); progress() may come before.
//
// Thread affinity: lives on a worker QThread (see WorkerThread); cancel() and cancelJob() are
// thread-safe plain methods. The flag is read before each step, between users
// (recommendations) and while a snapshot loads; a cancel that arrives before the export starts
// is kept (by token), so the export then ends cancelled without writing anything.
#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

#include "app/bridge/adapt_types.h"
#include "app/bridge/dataset_cache.h"
#include "storage/runs.h"

namespace m6
{

class ExportWorker : public QObject
{
  Q_OBJECT
 public:
  ExportWorker(QString workspacePath, std::shared_ptr<SnapshotStore> snapshots);
  ~ExportWorker() override;

  /// Stops the export under way and every one queued so far. Thread-safe.
  void cancel();
  /// Stops the export with this token (or an earlier one), running or still queued.
  /// Thread-safe.
  void cancelJob(quint64 token);

 public Q_SLOTS:
  void exportModel(quint64 token, qint64 runId, QString path);
  void exportRecommendations(quint64 token, qint64 runId, QString path, int k);
  void exportEmbeddings(quint64 token, qint64 runId, QString folder);
  void exportHistory(quint64 token, QList<qint64> runIds, QString path);

 Q_SIGNALS:
  /// `total` 0: not measurable (a model being written, a snapshot loading).
  void progress(quint64 token, QString phase, qint64 done, qint64 total);
  void exported(quint64 token, m6::ExportResult result);
  void cancelled(quint64 token);
  void failed(quint64 token, QString message);

 private:
  Workspace& workspace();
  void begin(quint64 token);
  /// A trained M6 run and its dataset; throws with a sentence otherwise.
  RunRecord modelRun(quint64 token, qint64 runId, const char* what);
  const LoadedDataset& load(quint64 token, qint64 datasetId);
  /// Runs `job`, turning exceptions into failed() and a set cancel flag into cancelled().
  template <typename F>
  void guarded(quint64 token, F&& job);

  QString path_;
  std::unique_ptr<Workspace> ws_;
  DatasetCache cache_;
  std::atomic<bool> cancel_{false};       // the flag of the export running now
  std::atomic<quint64> cancelUpTo_{0};    // exports with a token up to this one are cancelled
  std::atomic<quint64> currentToken_{0};  // the export running now
};

}  // namespace m6
