// ModelPages: the model side of the workbench for one workspace: the Configure, Train and Runs
// pages (added to the DatasetView's tabs) over the workspace's services (WorkspaceServices, built
// by the composition root: TrainingController, RunLibrary, ModelInfo, ...), the Model menu's
// actions, and the
// flows between the pages: Train (Ctrl+T) takes the Configure page's config to the controller
// and shows the Train page; Resume from the run list continues a run and shows its recorded
// curves before the live ones; "Use config" fills the Configure page from a past run; the
// baselines run with the Configure page's protocol settings; "Search…" on the Configure page
// writes a hyperparameter search (SearchDialog) whose trials the Train page follows; "Add to queue"
// (Train page, search dialog) puts a job in the workspace's run queue (RunQueue, shown beside the
// Train page's log), which starts its jobs one after another. The Inspect
// page opens a run from the run table ("Inspect…", double-click) or the Model menu, or a model
// file.
//
// Thread affinity: GUI thread. Destroy it only while no job runs (stopForClose() then wait for
// jobEnded()), or its destructor waits for the stopped job to end.
#pragma once

#include <QObject>
#include <memory>

#include "app/bridge/bridge_types.h"
#include "app/bridge/train_types.h"

class QAction;
class QMenu;

namespace m6
{

class AdaptActions;
class ConfigurePage;
class ExportActions;
class InspectPage;
class QueuePanel;
class RunQueue;
class SearchDialog;
class DatasetView;
class ModelInfo;
class WorkspaceServices;
class RunLibrary;
class RunsPage;
class TrainingController;
class TrainPage;

class ModelPages : public QObject
{
  Q_OBJECT
 public:
  /// Creates the pages and adds them to `view` (which becomes the parent). `services`: the
  /// workspace's bridge objects; they must outlive the pages.
  ModelPages(WorkspaceServices* services, DatasetView* view);
  ~ModelPages() override;

  TrainingController* controller() const { return controller_; }
  RunLibrary* library() const { return library_; }
  ModelInfo* info() const { return info_; }
  ConfigurePage* configurePage() const { return configure_; }
  TrainPage* trainPage() const { return train_; }
  RunsPage* runsPage() const { return runs_; }
  /// Adapt run…, Compare adaptation….
  AdaptActions* adaptActions() const { return adapt_; }
  /// Export model / recommendations / embeddings / metric history of the selected run.
  ExportActions* exportActions() const { return exports_; }
  InspectPage* inspectPage() const { return inspect_; }

  /// Opens a run on the Inspect page and shows it.
  void inspectRun(qint64 runId);
  /// Asks for a .m6model file and opens it on the Inspect page.
  void openModelFile();

  /// Fills the Model menu: Train, Pause/Resume, Stop, Baselines, and the pages.
  void populateMenu(QMenu* menu);

  bool busy() const;
  /// Trains the Configure page's config on the selected dataset. False (with a status message)
  /// when the form is invalid or a job runs.
  bool startTraining();
  bool resumeRun(qint64 runId);
  /// Continues a run group (its interrupted or stopped member, then the seeds not trained yet).
  bool resumeGroup(qint64 groupId);
  bool startBaselines();
  /// Opens the search dialog over the Configure page's configuration; Start search starts it
  /// (startSearch). nullptr (with a status message) when the form is invalid or a job runs.
  SearchDialog* openSearchDialog();
  /// Starts a hyperparameter search on the Configure page's dataset and shows the Train page.
  bool startSearch(const SearchRequest& request);
  /// Continues a stopped or interrupted search.
  bool resumeSearch(qint64 searchId);
  /// Puts the Configure page's settings (with the Train page's Processes and Seeds) in the run
  /// queue. False (with a status message) when the form is invalid.
  bool addToQueue();
  RunQueue* queue() const { return queue_; }
  QueuePanel* queuePanel() const { return queuePanel_; }
  /// Stops the running job so the window can close; jobEnded() follows.
  void stopForClose();

 Q_SIGNALS:
  void statusMessage(QString message);
  void jobEnded();

 private:
  // The constructor's steps.
  /// Configure, Train, Runs and Inspect on the dataset view, with Inspect's own connections.
  void addPages(WorkspaceServices* services);
  /// Train, pause, stop, baselines and search as actions (the window's menus show them).
  void createActions();
  /// The pages' requests to each other: train, queue, resume, load a run's config.
  void connectPages();
  /// Adaptation and exports on the Runs page's Run menu and context menu.
  void addRunActions(WorkspaceServices* services);
  /// A job's start and end, and a resumed run's recorded curves.
  void connectController();

  void updateActions();

  DatasetView* view_;
  TrainingController* controller_;
  RunLibrary* library_;
  ModelInfo* info_;
  RunQueue* queue_;
  ConfigurePage* configure_ = nullptr;
  TrainPage* train_ = nullptr;
  RunsPage* runs_ = nullptr;
  InspectPage* inspect_ = nullptr;
  AdaptActions* adapt_ = nullptr;
  ExportActions* exports_ = nullptr;
  QueuePanel* queuePanel_ = nullptr;
  QAction* trainAction_ = nullptr;
  QAction* pauseAction_ = nullptr;
  QAction* stopAction_ = nullptr;
  QAction* baselinesAction_ = nullptr;
  QAction* searchAction_ = nullptr;
  qint64 resumedRun_ = 0;
  quint64 historyToken_ = 0;
};

}  // namespace m6
