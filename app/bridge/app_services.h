// AppServices: what the composition root (app/exe/main_gui.cpp) builds once per GUI process and
// hands to the main window: the snapshot store shared by every worker of the process, the
// WorkspaceSession (dataset list, statistics, imports, demo generation, preparation) that follows
// whichever workspace is open, and, for each workspace opened, its WorkspaceServices. Widgets
// receive these objects; none constructs a bridge object.
//
// Lifetime: the window keeps a shared reference; the session outlives the window's widgets.
// Thread affinity: GUI thread.
#pragma once

#include <QString>
#include <memory>

namespace m6
{

class SnapshotStore;
class WorkspaceServices;
class WorkspaceSession;

class AppServices
{
 public:
  /// `snapshots`: the process's snapshot store; nullptr makes a new one.
  explicit AppServices(std::shared_ptr<SnapshotStore> snapshots = nullptr);
  ~AppServices();
  AppServices(const AppServices&) = delete;
  AppServices& operator=(const AppServices&) = delete;

  const std::shared_ptr<SnapshotStore>& snapshots() const { return snapshots_; }
  WorkspaceSession* session() const { return session_.get(); }
  /// The model side's services of the workspace at `path` (threads start on first use).
  std::unique_ptr<WorkspaceServices> openWorkspace(const QString& path) const;

 private:
  std::shared_ptr<SnapshotStore> snapshots_;
  std::unique_ptr<WorkspaceSession> session_;
};

}  // namespace m6
