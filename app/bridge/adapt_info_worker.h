// AdaptInfoWorker: what the Adapt and Compare dialogs ask of the workspace and the engine without
// training: the workspace's datasets (the possible targets), a target dataset's schema (what
// validate() checks the target configuration against), and previewAdaptation() (what would be
// carried, re-initialised, frozen and added, and the trainable share).
//
// It keeps two snapshots cached (the target's and the parent's dataset; one when they are the
// same), loaded on its thread with its own Workspace.
//
// Contract: every slot takes a token and answers with exactly one signal carrying it, except
// stale previews: preview() requests with a token below the one given to supersede() are skipped
// without an answer. A preview that cannot be made (invalid configuration, a baseline parent, a
// parent without a checkpoint) is an answer (previewed() with ok = false and a sentence), not a
// failure.
//
// Thread affinity: lives on a worker QThread (see WorkerThread); supersede() and cancel() are
// thread-safe plain methods.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

#include "app/bridge/adapt_types.h"
#include "app/bridge/bridge_types.h"
#include "app/bridge/dataset_cache.h"
#include "app/bridge/train_types.h"

namespace m6
{

class AdaptInfoWorker : public QObject
{
  Q_OBJECT
 public:
  AdaptInfoWorker(QString workspacePath, const std::shared_ptr<SnapshotStore>& snapshots);
  ~AdaptInfoWorker() override;

  /// Previews requested with a token below `token` are skipped. Thread-safe.
  void supersede(quint64 token);
  /// Stops a snapshot load in progress (the request fails). Thread-safe.
  void cancel() { cancel_.store(true); }

 public Q_SLOTS:
  void listDatasets(quint64 token);
  void describe(quint64 token, qint64 datasetId);
  void preview(quint64 token, qint64 parentRun, qint64 datasetId, const m6::RunConfig& config,
               m6::AdaptOptions options);

 Q_SIGNALS:
  void datasetsListed(quint64 token, m6::DatasetList datasets);
  void described(quint64 token, m6::SchemaInfo info);
  void previewed(quint64 token, m6::AdaptPreview preview);
  void failed(quint64 token, QString message);

 private:
  Workspace& workspace();
  /// The dataset from whichever cache holds it (or the least recently used one). Throws when
  /// cancelled or when it cannot be loaded.
  const LoadedDataset& load(qint64 datasetId);

  QString path_;
  std::unique_ptr<Workspace> ws_;
  DatasetCache caches_[2];  // constructed from the same store
  qint64 cached_[2] = {0, 0};
  int next_ = 0;  // the cache the next new dataset goes into
  std::atomic<bool> cancel_{false};
  std::atomic<quint64> minPreview_{0};
};

}  // namespace m6
