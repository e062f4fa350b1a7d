// MainWindow: composes the workbench: menus and shortcuts, the dataset list (left), the
// dataset view (centre: Users, Items, Interactions, Statistics, and ModelPages' Configure, Train,
// Runs and Inspect; File > Open model file… inspects a .m6model), the status bar, and the dialogs
// (import, demo dataset, progress). It receives its bridge objects from the composition root
// (options.services: the WorkspaceSession, and per workspace a WorkspaceServices that it keeps
// until the workspace's widgets are gone) and builds only widgets; all data and model work
// happens on the services' workers.
//
// Start-up: opens options.workspacePath, else the last workspace (QSettings), else
// m6::Workspace::defaultPath(). When the workspace opened at start-up is empty and
// options.createDemoWhenEmpty is set, it generates the demo dataset with a progress dialog.
// Closing while an import or demo runs asks first, then cancels and closes once the job ended;
// closing during training asks, stops the run (recorded as stopped, best checkpoint kept) and
// closes once it has ended. Another workspace cannot be opened while either runs.
//
// Thread affinity: GUI thread.
#pragma once

#include <QMainWindow>
#include <QPointer>
#include <memory>

#include "app/bridge/bridge_types.h"
#include "app/bridge/workspace_services.h"
#include "ui/import_dialog.h"
#include "ui/prepare_dialog.h"

class QMenu;
class QSplitter;

namespace m6
{

class DatasetListPanel;
class DatasetView;
class ModelPages;
class AppServices;
class WorkspaceServices;
class WorkspaceSession;

struct MainWindowOptions
{
  QString workspacePath;            // "" : the last workspace, else the default one
  bool createDemoWhenEmpty = true;  // first start: fill an empty workspace with the demo
  DemoOptions firstDemo;            // what that demo dataset is
  /// The process's services (made by the composition root); required.
  std::shared_ptr<AppServices> services;
};

class MainWindow : public QMainWindow
{
  Q_OBJECT
 public:
  explicit MainWindow(const MainWindowOptions& options = {}, QWidget* parent = nullptr);
  ~MainWindow() override;

  WorkspaceSession* session() const { return session_; }
  DatasetListPanel* datasetList() const { return list_; }
  DatasetView* datasetView() const { return view_; }
  /// The open workspace's services (from the composition root; nullptr before the first open).
  WorkspaceServices* workspaceServices() const { return services_.get(); }
  /// Configure, Train and Runs of the open workspace.
  ModelPages* modelPages() const { return pages_; }
  /// The import dialog while it is open (nullptr otherwise).
  ImportDialog* importDialog() const { return importDialog_; }

  void openWorkspace(const QString& path);
  ImportDialog* showImportDialog();
  /// Dataset > Prepare dataset… for the selected dataset (nullptr when none is selected).
  PrepareDialog* showPrepareDialog();
  PrepareDialog* prepareDialog() const { return prepareDialog_; }
  void showDemoDialog();
  /// Starts a demo dataset job with a progress dialog. Returns false when a job already runs.
  bool startDemo(const DemoOptions& options);

 Q_SIGNALS:
  /// The workspace opened (after the list arrived).
  void workspaceOpened(QString path);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void createActions();
  void rebuildRecentMenu();
  void newWorkspace();
  void chooseWorkspace();
  void onOpened(const QString& path, const DatasetList& datasets);
  void onJobEnded();

  MainWindowOptions options_;
  WorkspaceSession* session_ = nullptr;
  std::unique_ptr<WorkspaceServices> services_;  // the open workspace's; outlives view_
  QSplitter* splitter_ = nullptr;
  DatasetListPanel* list_ = nullptr;
  DatasetView* view_ = nullptr;
  ModelPages* pages_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QMenu* modelMenu_ = nullptr;
  QPointer<ImportDialog> importDialog_;
  QPointer<PrepareDialog> prepareDialog_;
  QAction* prepareAction_ = nullptr;
  bool startup_ = true;
  bool closePending_ = false;
};

}  // namespace m6
