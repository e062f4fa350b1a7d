#include "ui/model_pages.h"

#include <QAction>
#include <QComboBox>
#include <QMenu>

#include "app/bridge/model_info.h"
#include "app/bridge/run_inspector.h"
#include "app/bridge/run_library.h"
#include "app/bridge/run_queue.h"
#include "app/bridge/training_controller.h"
#include "app/bridge/workspace_services.h"
#include "ui/adapt_actions.h"
#include "ui/browse_page.h"
#include "ui/configure_page.h"
#include "ui/dataset_view.h"
#include "ui/export_actions.h"
#include "ui/inspect_page.h"
#include "ui/queue_panel.h"
#include "ui/run_table_model.h"
#include "ui/runs_page.h"
#include "ui/search_dialog.h"
#include "ui/train_page.h"

namespace m6
{

ModelPages::ModelPages(WorkspaceServices* services, DatasetView* view)
    : QObject(view),
      view_(view),
      controller_(services->trainer()),
      library_(services->library()),
      info_(services->modelInfo()),
      queue_(services->queue())
{
  addPages(services);
  createActions();
  connectPages();
  addRunActions(services);
  connectController();
  library_->refresh();
  updateActions();
}

void ModelPages::addPages(WorkspaceServices* services)
{
  configure_ = new ConfigurePage(info_, library_, view_);
  train_ = new TrainPage(controller_, view_);
  runs_ = new RunsPage(library_, controller_, view_);
  view_->addPage(configure_, tr("Configure"),
                 tr("Set up a model for this dataset: hyperparameters, presets, estimate"));
  view_->addPage(train_, tr("Train"), tr("The training run: live curves, progress, log"));
  view_->addPage(runs_, tr("Runs"), tr("Every run of the workspace: compare, resume, baselines"));
  inspect_ = new InspectPage(services->inspector(), library_, view_);
  view_->addPage(
      inspect_, tr("Inspect"),
      tr("What a trained model does: per-user recommendations, attention, embedding map"));
  connect(runs_, &RunsPage::inspectRequested, this, &ModelPages::inspectRun);
  connect(inspect_, &InspectPage::statusMessage, this, &ModelPages::statusMessage);
  connect(library_, &RunLibrary::waiting, this, &ModelPages::statusMessage);
  connect(inspect_, &InspectPage::itemInteractionsRequested, this,
          [this](qint32 item, const QString& itemId)
          {
            const qint64 dataset = inspect_->inspector()->source().datasetId;
            if (dataset == 0 || dataset != view_->dataset().id)
            {
              Q_EMIT statusMessage(tr("Item %1: select the run's dataset on the left to browse "
                                      "its interactions")
                                       .arg(itemId));
              return;
            }
            view_->browsePage(BrowseTable::Interactions)->setItemFilter(item, itemId);
            view_->setCurrentIndex(DatasetView::InteractionsPage);
          });
}

void ModelPages::createActions()
{
  trainAction_ = new QAction(tr("&Train"), this);
  trainAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
  trainAction_->setStatusTip(tr("Train a new run with the Configure page's settings"));
  pauseAction_ = new QAction(tr("&Pause / resume training"), this);
  pauseAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
  pauseAction_->setStatusTip(tr("Hold training between two steps, or let it continue"));
  stopAction_ = new QAction(tr("&Stop training"), this);
  stopAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
  stopAction_->setStatusTip(
      tr("Stop the run: the best checkpoint is kept and the run is recorded as stopped"));
  baselinesAction_ = new QAction(tr("Run &baselines"), this);
  baselinesAction_->setStatusTip(tr("Most popular and BPR-MF on the selected dataset"));
  connect(trainAction_, &QAction::triggered, this, &ModelPages::startTraining);
  connect(pauseAction_, &QAction::triggered, this,
          [this] { controller_->setPaused(!controller_->paused()); });
  connect(stopAction_, &QAction::triggered, controller_, &TrainingController::stop);
  connect(baselinesAction_, &QAction::triggered, this, &ModelPages::startBaselines);
  searchAction_ = new QAction(tr("Hyperparameter &search…"), this);
  searchAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
  searchAction_->setStatusTip(
      tr("Vary settings around the Configure page's and train one run per trial"));
  connect(searchAction_, &QAction::triggered, this, &ModelPages::openSearchDialog);
}

void ModelPages::connectPages()
{
  connect(view_, &DatasetView::datasetChanged, this,
          [this](const m6::DatasetInfo& info)
          {
            configure_->setDataset(info);
            runs_->setDataset(info);
            updateActions();
          });
  connect(configure_, &ConfigurePage::trainRequested, this, &ModelPages::startTraining);
  connect(configure_, &ConfigurePage::searchRequested, this, &ModelPages::openSearchDialog);
  connect(runs_, &RunsPage::resumeSearchRequested, this, &ModelPages::resumeSearch);
  connect(configure_, &ConfigurePage::trainableChanged, this,
          [this](bool can, const QString& why)
          {
            train_->setTrainEnabled(can, why);
            train_->setQueueEnabled(configure_->queueBlocker().isEmpty(),
                                    configure_->queueBlocker());
            updateActions();
          });
  connect(train_, &TrainPage::trainRequested, this, &ModelPages::startTraining);
  queuePanel_ = new QueuePanel(queue_, train_);
  train_->setQueuePanel(queuePanel_);
  connect(train_, &TrainPage::queueRequested, this, &ModelPages::addToQueue);
  connect(queue_, &RunQueue::message, this, &ModelPages::statusMessage);
  connect(runs_, &RunsPage::resumeRequested, this, &ModelPages::resumeRun);
  connect(runs_, &RunsPage::resumeGroupRequested, this, &ModelPages::resumeGroup);
  connect(runs_, &RunsPage::baselinesRequested, this, &ModelPages::startBaselines);
  connect(runs_, &RunsPage::loadConfigRequested, this,
          [this](qint64 id)
          {
            QString error;
            if (configure_->loadRunConfig(id, &error))
            {
              view_->setCurrentWidget(configure_);
            }
            else
            {
              Q_EMIT statusMessage(error);
            }
          });
}

void ModelPages::addRunActions(WorkspaceServices* services)
{
  // Adaptation and exports: on the Runs page's Run menu and context menu, and in the
  // Model menu (populateMenu).
  adapt_ = new AdaptActions(services->adaptInfo(), controller_, library_, runs_,
                            [this] { return configure_->dataset().id; });
  exports_ = new ExportActions(services->exporter(), library_, runs_);
  runs_->addRunActions(adapt_->actions() + exports_->actions());
  connect(adapt_, &AdaptActions::adaptStarted, this, [this] { view_->setCurrentWidget(train_); });
  connect(adapt_, &AdaptActions::statusMessage, this, &ModelPages::statusMessage);
  connect(exports_, &ExportActions::statusMessage, this, &ModelPages::statusMessage);
  connect(configure_, &ConfigurePage::statusMessage, this, &ModelPages::statusMessage);
  connect(train_, &TrainPage::statusMessage, this, &ModelPages::statusMessage);
  connect(runs_, &RunsPage::statusMessage, this, &ModelPages::statusMessage);
}

void ModelPages::connectController()
{
  // A resumed run shows its recorded curves first; the live steps continue them.
  connect(controller_, &TrainingController::runStarted, this,
          [this](const m6::RunRecord& run)
          {
            if (run.id == resumedRun_)
            {
              historyToken_ = library_->loadCurves({run.id});
            }
          });
  connect(library_, &RunLibrary::curvesReady, this,
          [this](quint64 token, const m6::CurveSet& curves)
          {
            if (token == historyToken_ && !curves.empty())
            {
              train_->showHistory(curves.front());
            }
          });
  connect(controller_, &TrainingController::jobStarted, this,
          [this]
          {
            configure_->setBusy(true);
            updateActions();
          });
  connect(controller_, &TrainingController::pausedChanged, this, &ModelPages::updateActions);
  connect(controller_, &TrainingController::jobEnded, this,
          [this]
          {
            resumedRun_ = 0;
            configure_->setBusy(false);
            updateActions();
            Q_EMIT jobEnded();
          });
}

ModelPages::~ModelPages() = default;

void ModelPages::populateMenu(QMenu* menu)
{
  menu->addAction(trainAction_);
  menu->addAction(pauseAction_);
  menu->addAction(stopAction_);
  menu->addSeparator();
  menu->addAction(baselinesAction_);
  menu->addAction(searchAction_);
  menu->addSeparator();
  menu->addActions(adapt_->actions());
  menu->addSeparator();
  menu->addActions(exports_->actions());
  menu->addSeparator();
  menu->addAction(tr("&Configure page"), this, [this] { view_->setCurrentWidget(configure_); });
  menu->addAction(tr("T&rain page"), this, [this] { view_->setCurrentWidget(train_); });
  menu->addAction(tr("R&uns page"), this, [this] { view_->setCurrentWidget(runs_); });
  menu->addSeparator();
  QAction* a = menu->addAction(tr("&Inspect run…"), this,
                               [this]
                               {
                                 const QList<qint64> ids = runs_->selectedRuns();
                                 if (ids.isEmpty())
                                 {
                                   view_->setCurrentWidget(inspect_);
                                   inspect_->runBox()->setFocus();
                                   inspect_->runBox()->showPopup();
                                   return;
                                 }
                                 inspectRun(ids.first());
                               });
  a->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I));
  a->setStatusTip(
      tr("Inspect the run selected on the Runs page (or pick one on the Inspect page)"));
  a = menu->addAction(tr("Open &model file…"), this, &ModelPages::openModelFile);
  a->setStatusTip(tr("Inspect an exported .m6model file, without retraining"));
}

bool ModelPages::busy() const
{
  return controller_->busy();
}

void ModelPages::updateActions()
{
  const bool busy = controller_->busy();
  trainAction_->setEnabled(!busy);
  pauseAction_->setEnabled(busy && !controller_->stopping());
  pauseAction_->setText(controller_->paused() ? tr("&Resume training") : tr("&Pause training"));
  stopAction_->setEnabled(busy);
  baselinesAction_->setEnabled(!busy && configure_->dataset().id != 0);
  searchAction_->setEnabled(configure_->dataset().id != 0);
}

bool ModelPages::startTraining()
{
  if (!configure_->canTrain())
  {
    Q_EMIT statusMessage(tr("Cannot train: %1").arg(configure_->trainBlocker()));
    return false;
  }
  const quint64 token =
      controller_->startTraining(configure_->dataset().id, configure_->config(),
                                 configure_->runName(), train_->processes(), train_->seeds());
  if (token == 0)
  {
    return false;
  }
  view_->setCurrentWidget(train_);
  return true;
}

bool ModelPages::resumeRun(qint64 runId)
{
  if (controller_->busy())
  {
    Q_EMIT statusMessage(tr("A job is running; stop it first"));
    return false;
  }
  resumedRun_ = runId;
  const RunEntry* entry = library_->find(runId);
  controller_->resumeRun(runId, entry ? entry->record.datasetId : 0, train_->processes());
  view_->setCurrentWidget(train_);
  return true;
}

bool ModelPages::resumeGroup(qint64 groupId)
{
  if (controller_->busy())
  {
    Q_EMIT statusMessage(tr("A job is running; stop it first"));
    return false;
  }
  const QModelIndex row = runs_->model()->indexOfGroup(groupId);
  const RunGroupRow* g = runs_->model()->group(row);
  controller_->resumeGroup(groupId, g ? g->summary.group.datasetId : 0);
  view_->setCurrentWidget(train_);
  return true;
}

SearchDialog* ModelPages::openSearchDialog()
{
  if (const QString why = configure_->queueBlocker(); !why.isEmpty())
  {
    Q_EMIT statusMessage(tr("Cannot search: %1").arg(why));
    return nullptr;
  }
  auto* dialog = new SearchDialog(configure_->config(),
                                  QString::fromStdString(configure_->dataset().name), view_);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  if (controller_->busy())
  {
    dialog->setStartAllowed(false, tr("A job is running: add the search to the queue, or stop "
                                      "the job first"));
  }
  connect(dialog, &QDialog::accepted, this,
          [this, dialog]
          {
            if (!dialog->queued())
            {
              startSearch(dialog->request());
              return;
            }
            TrainRequest r;
            r.datasetId = configure_->dataset().id;
            r.search = dialog->request();
            r.processes = train_->processes();  // trials at once
            queue_->enqueue(r);
            Q_EMIT statusMessage(tr("Search added to the run queue"));
          });
  dialog->open();
  return dialog;
}

bool ModelPages::startSearch(const SearchRequest& request)
{
  if (controller_->busy() || configure_->dataset().id == 0)
  {
    Q_EMIT statusMessage(tr("Select a dataset, and wait for the running job to end"));
    return false;
  }
  if (controller_->startSearch(configure_->dataset().id, request, train_->processes()) == 0)
  {
    return false;
  }
  view_->setCurrentWidget(train_);
  return true;
}

bool ModelPages::addToQueue()
{
  if (const QString why = configure_->queueBlocker(); !why.isEmpty())
  {
    Q_EMIT statusMessage(tr("Cannot queue: %1").arg(why));
    return false;
  }
  TrainRequest r;
  r.datasetId = configure_->dataset().id;
  r.config = configure_->config();
  r.name = configure_->runName();
  r.processes = train_->processes();
  r.seeds = train_->seeds();
  queue_->enqueue(r);
  Q_EMIT statusMessage(tr("Added to the run queue; Run queue on the Train page starts it"));
  return true;
}

bool ModelPages::resumeSearch(qint64 searchId)
{
  if (controller_->busy())
  {
    Q_EMIT statusMessage(tr("A job is running; stop it first"));
    return false;
  }
  const RunSearchRow* row = runs_->model()->search(runs_->model()->indexOfSearch(searchId));
  controller_->resumeSearch(searchId, row ? row->search.datasetId : 0, train_->processes());
  view_->setCurrentWidget(train_);
  return true;
}

bool ModelPages::startBaselines()
{
  if (controller_->busy() || configure_->dataset().id == 0)
  {
    Q_EMIT statusMessage(tr("Select a dataset, and wait for the running job to end"));
    return false;
  }
  controller_->startBaselines(configure_->dataset().id, configure_->config());
  view_->setCurrentWidget(train_);
  return true;
}

void ModelPages::inspectRun(qint64 runId)
{
  inspect_->inspectRun(runId);
  view_->setCurrentWidget(inspect_);
}

void ModelPages::openModelFile()
{
  view_->setCurrentWidget(inspect_);
  inspect_->chooseModelFile();
}

void ModelPages::stopForClose()
{
  controller_->stop();
}

}  // namespace m6
