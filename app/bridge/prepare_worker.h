// PrepareWorker: dataset preparation off the GUI thread (storage/prepare.h): the live preview of
// a recipe's counts for the Prepare dialog, and the preparation itself.
//
// Contract:
//  - preview() answers previewReady(token, steps) or failed(token, message). The snapshot comes
//    from the process's SnapshotStore and is held between previews of the same dataset, so a
//    dialog's previews read the dataset once; releasePreview() lets it go. A preview whose token
//    is older than the latest one announced with supersede() is skipped: only the recipe the
//    user sees now is counted.
//  - run() writes the new dataset with its own Workspace connection: progress() while it runs,
//    then exactly one of finished() (completed or cancelled, ImportResult::cancelled) or
//    failed(). A cancelled or failed preparation writes nothing.
//
// Thread affinity: lives on a worker QThread (WorkerThread). Slots run there; cancel() and
// supersede() may be called from any thread.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

#include "app/bridge/bridge_types.h"
#include "app/bridge/snapshot_store.h"

namespace m6
{

class PrepareWorker : public QObject
{
  Q_OBJECT
 public:
  PrepareWorker(QString workspacePath, std::shared_ptr<SnapshotStore> snapshots);

  void cancel() { cancel_.store(true); }
  /// Previews with a token below `token` are skipped when their turn comes. Thread-safe.
  void supersede(quint64 token) { latest_.store(token); }

 public Q_SLOTS:
  void preview(quint64 token, qint64 datasetId, m6::PrepareRecipe recipe);
  void releasePreview();
  void run(quint64 token, QString source, QString name, m6::PrepareRecipe recipe);

 Q_SIGNALS:
  void previewReady(quint64 token, m6::PrepareSteps steps);
  void progress(quint64 token, m6::WorkProgress progress);
  void finished(quint64 token, m6::ImportResult result);
  void failed(quint64 token, QString message);

 private:
  QString path_;
  std::shared_ptr<SnapshotStore> snapshots_;
  std::unique_ptr<Workspace> ws_;  // the preview's connection, opened on first use
  SnapshotStore::Handle held_;
  std::atomic<bool> cancel_{false};
  std::atomic<quint64> latest_{0};
};

}  // namespace m6
