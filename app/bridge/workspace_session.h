// WorkspaceSession: the GUI's handle on one open workspace. Owns the threads of the long-lived
// DatasetWorker and of the current job (an import or a demo generation), hands out request
// tokens, and re-emits the workers' replies as its own signals (queued to the GUI thread).
//
// Contract:
//  - open(path) starts a DatasetWorker on `path` and answers opened() or openFailed(); until
//    opened() arrives the previous workspace's signals may still come in and carry its path.
//  - Request methods return the token their reply will carry (a later request of the same kind
//    supersedes the earlier one: views keep only the latest token and drop other replies).
//  - One job at a time: startImport()/startDemo()/startPrepare() return 0 and do nothing while
//    a job runs.
//    A job ends with jobFinished() (completed or cancelled) or jobFailed(); after either,
//    jobRunning() is false and the session refreshes the dataset list.
//  - The destructor cancels the running job and waits for its thread (a cancelled import stops
//    within a few thousand rows and rolls back), so closing never leaves a half-written dataset.
//
// Thread affinity: GUI thread only. Never blocks except in the destructor and in open() while
// the previous workspace's worker finishes the statement it is running.
#pragma once

#include <QObject>
#include <QSet>
#include <QString>
#include <memory>

#include "app/bridge/bridge_types.h"
#include "app/bridge/dataset_worker.h"
#include "app/bridge/demo_worker.h"
#include "app/bridge/import_worker.h"
#include "app/bridge/prepare_worker.h"
#include "app/bridge/worker_thread.h"

namespace m6
{

class WorkspaceSession : public QObject
{
  Q_OBJECT
 public:
  explicit WorkspaceSession(QObject* parent = nullptr);
  ~WorkspaceSession() override;

  /// The workspace path last passed to open() ("" before).
  const QString& path() const { return path_; }
  bool isOpen() const { return opened_; }

  quint64 open(const QString& path);
  quint64 refreshDatasets();
  quint64 renameDataset(const QString& from, const QString& to);
  quint64 deleteDataset(const QString& name);
  quint64 loadStats(qint64 datasetId);
  quint64 loadReport(qint64 datasetId);
  quint64 checkName(const QString& name);

  quint64 startImport(const ImportSpec& spec, const QString& name);
  quint64 startDemo(const DemoOptions& options);
  /// A new dataset `name` from `source` by `recipe` (storage/prepare.h), as a job like an import.
  quint64 startPrepare(const QString& source, const QString& name, const PrepareRecipe& recipe);
  bool jobRunning() const
  {
    return importJob_ != nullptr || demoJob_ != nullptr || prepareJob_ != nullptr;
  }

  /// The process's snapshot store, for the preparation previews (set by the window's owner).
  void setSnapshotStore(std::shared_ptr<SnapshotStore> store) { snapshots_ = std::move(store); }
  /// Counts what `recipe` would keep of the dataset: preparationPreview(token, steps) or
  /// requestFailed(token, message). A newer preview supersedes the older ones.
  quint64 previewPreparation(qint64 datasetId, const PrepareRecipe& recipe);
  /// Lets go of the snapshot the previews held.
  void releasePreparationPreview();
  /// A rename or delete was sent and has not answered yet. Destroying the session interrupts
  /// it (the statement rolls back, nothing is half done).
  bool writesPending() const { return !pendingWrites_.isEmpty(); }
  /// Asks the running job to stop; jobFinished(cancelled) follows. No-op without a job.
  void cancelJob();

 Q_SIGNALS:
  void opened(QString path, m6::DatasetList datasets);
  void openFailed(QString path, QString message);
  void datasetsChanged(m6::DatasetList datasets);
  void renamed(quint64 token, QString from, QString to);
  void deleted(quint64 token, QString name);
  void statsReady(quint64 token, m6::DatasetStats stats);
  void reportReady(quint64 token, qint64 datasetId, m6::ImportReport report);
  void nameChecked(quint64 token, QString name, QString error);
  /// A dataset operation failed (rename, delete, stats, report, list).
  void requestFailed(quint64 token, QString message);
  /// A rename or delete waits for another process's write, or opening the workspace upgrades its
  /// schema (DatasetWorker::waiting).
  void waiting(QString message);

  void jobProgress(quint64 token, m6::WorkProgress progress);
  void jobFinished(quint64 token, m6::ImportResult result);
  void jobFailed(quint64 token, QString message);
  void preparationPreview(quint64 token, m6::PrepareSteps steps);

 private:
  /// An import, demo or prepare job's progress, end and failure as this session's job signals.
  template <typename Worker>
  void connectJob(Worker* w);
  void connectDatasetWorker();
  void endJob();
  quint64 nextToken() { return ++lastToken_; }

  QString path_;
  bool opened_ = false;
  quint64 lastToken_ = 0;
  quint64 openToken_ = 0;
  QSet<quint64> pendingWrites_;  // rename/delete tokens without an answer yet
  std::unique_ptr<WorkerThread<DatasetWorker>> datasets_;
  std::unique_ptr<WorkerThread<ImportWorker>> importJob_;
  std::unique_ptr<WorkerThread<DemoWorker>> demoJob_;
  std::unique_ptr<WorkerThread<ImportWorker>> retiredImport_;  // ended, released next turn
  std::unique_ptr<WorkerThread<DemoWorker>> retiredDemo_;
  std::unique_ptr<WorkerThread<PrepareWorker>> prepareJob_;
  std::unique_ptr<WorkerThread<PrepareWorker>> retiredPrepare_;
  std::unique_ptr<WorkerThread<PrepareWorker>> previewer_;  // lives while previews are asked
  std::shared_ptr<SnapshotStore> snapshots_;
};

}  // namespace m6
