// WorkspaceServices: the model side's bridge objects of one open workspace, built together by the
// composition root (AppServices::openWorkspace) and handed to the widgets, which never construct
// a bridge object themselves: the TrainingController (training, baselines, searches, adaptation
// comparisons), the RunLibrary (run records), ModelInfo (the Configure page's schema and
// estimates), the RunInspector (Inspect page), AdaptInfo (adaptation previews), the RunExporter
// and the RunQueue. Each facade has its own worker thread, started by its first request; every
// worker that loads a dataset takes it from the one snapshot store of the process.
//
// Lifetime: destroy it after the widgets that use it (the main window deletes its dataset view
// first). The destructor stops the queue first, then the facades in the reverse order of
// construction, each cancelling and joining its worker.
//
// Thread affinity: GUI thread.
#pragma once

#include <QObject>
#include <QString>
#include <memory>

#include "app/bridge/browse_worker.h"
#include "app/bridge/worker_thread.h"

namespace m6
{

class AdaptInfo;
class ModelInfo;
class RunExporter;
class RunInspector;
class RunLibrary;
class RunQueue;
class SnapshotStore;
class TrainingController;

class WorkspaceServices : public QObject
{
  Q_OBJECT
 public:
  WorkspaceServices(const QString& workspacePath, const std::shared_ptr<SnapshotStore>& snapshots,
                    QObject* parent = nullptr);
  ~WorkspaceServices() override;

  const QString& workspacePath() const { return path_; }
  TrainingController* trainer() const { return trainer_.get(); }
  RunLibrary* library() const { return library_.get(); }
  ModelInfo* modelInfo() const { return modelInfo_.get(); }
  RunInspector* inspector() const { return inspector_.get(); }
  AdaptInfo* adaptInfo() const { return adaptInfo_.get(); }
  RunExporter* exporter() const { return exporter_.get(); }
  RunQueue* queue() const { return queue_.get(); }

  /// A browse worker of its own for one table view: each view's stale page queries are
  /// interrupted on its own connection, so views never cancel each other's pages.
  std::unique_ptr<WorkerThread<BrowseWorker>> newBrowseWorker() const;

 private:
  QString path_;
  std::unique_ptr<TrainingController> trainer_;
  std::unique_ptr<RunLibrary> library_;
  std::unique_ptr<ModelInfo> modelInfo_;
  std::unique_ptr<RunInspector> inspector_;
  std::unique_ptr<AdaptInfo> adaptInfo_;
  std::unique_ptr<RunExporter> exporter_;
  std::unique_ptr<RunQueue> queue_;  // last: it holds the library and the trainer
};

/// A browse worker on the workspace at `path` (its thread starts with the first page asked).
std::unique_ptr<WorkerThread<BrowseWorker>> newBrowseWorker(const QString& workspacePath);

}  // namespace m6
