#include "app/bridge/workspace_services.h"

#include "app/bridge/adapt_info.h"
#include "app/bridge/model_info.h"
#include "app/bridge/run_exporter.h"
#include "app/bridge/run_inspector.h"
#include "app/bridge/run_library.h"
#include "app/bridge/run_queue.h"
#include "app/bridge/snapshot_store.h"
#include "app/bridge/training_controller.h"

namespace m6
{

WorkspaceServices::WorkspaceServices(const QString& workspacePath,
                                     const std::shared_ptr<SnapshotStore>& snapshots,
                                     QObject* parent)
    : QObject(parent),
      path_(workspacePath),
      trainer_(std::make_unique<TrainingController>(workspacePath, snapshots)),
      library_(std::make_unique<RunLibrary>(workspacePath)),
      modelInfo_(std::make_unique<ModelInfo>(workspacePath, snapshots)),
      inspector_(std::make_unique<RunInspector>(workspacePath, snapshots)),
      adaptInfo_(std::make_unique<AdaptInfo>(workspacePath, snapshots)),
      exporter_(std::make_unique<RunExporter>(workspacePath, snapshots)),
      queue_(std::make_unique<RunQueue>(library_.get(), trainer_.get()))
{
}

WorkspaceServices::~WorkspaceServices()
{
  // The queue first: it reacts to the trainer's job ends and must not start anything while the
  // trainer goes. The rest in reverse order of construction (the members' order).
  queue_.reset();
}

std::unique_ptr<WorkerThread<BrowseWorker>> WorkspaceServices::newBrowseWorker() const
{
  return m6::newBrowseWorker(path_);
}

std::unique_ptr<WorkerThread<BrowseWorker>> newBrowseWorker(const QString& workspacePath)
{
  return std::make_unique<WorkerThread<BrowseWorker>>(QStringLiteral("m6-browse"), workspacePath);
}

}  // namespace m6
