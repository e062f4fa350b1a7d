#include "app/bridge/app_services.h"

#include "app/bridge/snapshot_store.h"
#include "app/bridge/workspace_services.h"
#include "app/bridge/workspace_session.h"

namespace m6
{

AppServices::AppServices(std::shared_ptr<SnapshotStore> snapshots)
    : snapshots_(snapshots ? std::move(snapshots) : std::make_shared<SnapshotStore>()),
      session_(std::make_unique<WorkspaceSession>())
{
  session_->setSnapshotStore(snapshots_);
}

AppServices::~AppServices() = default;

std::unique_ptr<WorkspaceServices> AppServices::openWorkspace(const QString& path) const
{
  return std::make_unique<WorkspaceServices>(path, snapshots_);
}

}  // namespace m6
