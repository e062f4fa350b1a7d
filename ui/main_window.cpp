#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTimer>
#include <stdexcept>

#include "app/bridge/app_services.h"
#include "app/bridge/training_controller.h"
#include "app/bridge/workspace_services.h"
#include "app/bridge/workspace_session.h"
#include "ui/dataset_list_panel.h"
#include "ui/dataset_view.h"
#include "ui/demo_dialog.h"
#include "ui/import_dialog.h"
#include "ui/job_progress_widget.h"
#include "ui/model_pages.h"
#include "ui/prepare_dialog.h"
#include "ui/prompts.h"
#include "ui/recent_workspaces.h"

// Resources of the static m6_ui library must be initialised explicitly, outside any namespace.
static void initResources()
{
  Q_INIT_RESOURCE(m6_resources);
}

namespace m6
{

MainWindow::MainWindow(const MainWindowOptions& options, QWidget* parent)
    : QMainWindow(parent), options_(options)
{
  if (!options_.services)
  {
    throw std::invalid_argument("MainWindow needs the process's services");
  }
  initResources();
  setWindowIcon(QIcon(QStringLiteral(":/m6/icons/m6-workbench.svg")));
  session_ = options_.services->session();
  list_ = new DatasetListPanel(session_, this);
  splitter_ = new QSplitter(this);
  splitter_->addWidget(list_);
  splitter_->addWidget(new QWidget(this));  // the dataset view comes with the workspace
  splitter_->setStretchFactor(1, 1);
  splitter_->setSizes({380, 900});
  setCentralWidget(splitter_);
  createActions();
  resize(1280, 800);

  connect(session_, &WorkspaceSession::opened, this, &MainWindow::onOpened);
  connect(session_, &WorkspaceSession::openFailed, this,
          [this](const QString& path, const QString& message)
          {
            RecentWorkspaces::remove(path);
            rebuildRecentMenu();
            statusBar()->showMessage(tr("Could not open %1").arg(path));
            QMessageBox::warning(this, tr("Open workspace"),
                                 tr("Could not open %1:\n%2").arg(path, message));
          });
  connect(session_, &WorkspaceSession::requestFailed, this,
          [this](quint64, const QString& message) { statusBar()->showMessage(message, 8000); });
  connect(session_, &WorkspaceSession::waiting, this,
          [this](const QString& message) { statusBar()->showMessage(message, 60000); });
  connect(session_, &WorkspaceSession::jobFinished, this,
          [this](quint64, const m6::ImportResult& r)
          {
            if (!r.cancelled)
            {
              list_->select(QString::fromStdString(r.outcome.dataset.name));
              statusBar()->showMessage(
                  tr("Dataset %1 is ready").arg(QString::fromStdString(r.outcome.dataset.name)),
                  8000);
            }
            else
            {
              statusBar()->showMessage(tr("Cancelled; the workspace is unchanged"), 8000);
            }
            onJobEnded();
          });
  connect(session_, &WorkspaceSession::jobFailed, this,
          [this](quint64, const QString& message)
          {
            statusBar()->showMessage(tr("Failed: %1").arg(message), 8000);
            onJobEnded();
          });
  connect(list_, &DatasetListPanel::statusMessage, this,
          [this](const QString& m) { statusBar()->showMessage(m, 5000); });

  // An explicit path is opened (and created) as given; the last workspace only if it still exists.
  QString path = options_.workspacePath;
  if (path.isEmpty())
  {
    path = RecentWorkspaces::last();
    if (path.isEmpty() || !QFileInfo::exists(path))
    {
      path = QString::fromStdString(Workspace::defaultPath());
    }
  }
  openWorkspace(path);
}

MainWindow::~MainWindow()
{
  // The workspace's widgets before its services (members go after this body, child widgets
  // after that).
  delete view_;
  view_ = nullptr;
  pages_ = nullptr;
  services_.reset();
}

void MainWindow::createActions()
{
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* a = file->addAction(tr("&New workspace…"), this, &MainWindow::newWorkspace);
  a->setShortcut(QKeySequence::New);
  a->setStatusTip(tr("Create an empty workspace file"));
  a = file->addAction(tr("&Open workspace…"), this, &MainWindow::chooseWorkspace);
  a->setShortcut(QKeySequence::Open);
  a->setStatusTip(tr("Open another workspace file"));
  recentMenu_ = file->addMenu(tr("Recent workspaces"));
  rebuildRecentMenu();
  file->addSeparator();
  a = file->addAction(tr("&Import dataset…"), this, [this] { showImportDialog(); });
  a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
  a->setStatusTip(
      tr("Import MovieLens, RecBole, Amazon or Yelp reviews, or any delimited or JSON-lines file "
         "(also .gz)"));
  a = file->addAction(tr("New &demo dataset…"), this, &MainWindow::showDemoDialog);
  a->setStatusTip(tr("Generate a synthetic dataset with planted structure"));
  a = file->addAction(tr("Open &model file…"), this,
                      [this]
                      {
                        if (pages_)
                        {
                          pages_->openModelFile();
                        }
                      });
  a->setStatusTip(tr("Inspect an exported .m6model file on the Inspect page, without retraining"));
  file->addSeparator();
  a = file->addAction(tr("&Quit"), this, &QWidget::close);
  a->setShortcut(QKeySequence::Quit);

  QMenu* data = menuBar()->addMenu(tr("&Dataset"));
  a = data->addAction(tr("Show import report"), list_, &DatasetListPanel::showReportOfCurrent);
  a->setStatusTip(tr("Counts and rejected rows of the selected dataset's import"));
  a = data->addAction(tr("&Rename…"), list_, &DatasetListPanel::renameCurrent);
  a->setShortcut(QKeySequence(Qt::Key_F2));
  a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  list_->addAction(a);
  prepareAction_ = data->addAction(tr("&Prepare dataset…"), this, [this] { showPrepareDialog(); });
  prepareAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
  prepareAction_->setStatusTip(
      tr("A new dataset from the selected one: remove repeats, filter by rating, time or k-core"));
  prepareAction_->setToolTip(prepareAction_->statusTip());
  prepareAction_->setEnabled(false);
  connect(list_, &DatasetListPanel::datasetSelected, this,
          [this](const m6::DatasetInfo& info) { prepareAction_->setEnabled(info.id != 0); });
  data->addAction(list_->deleteAction());  // disabled while this window trains on the dataset
  data->setToolTipsVisible(true);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  a = view->addAction(tr("&Filter"), this,
                      [this]
                      {
                        if (view_)
                        {
                          view_->focusFilter();
                        }
                      });
  a->setShortcut(QKeySequence::Find);
  a->setStatusTip(tr("Focus the filter box of the current table"));
  a = view->addAction(tr("&Refresh"), this,
                      [this]
                      {
                        session_->refreshDatasets();
                        if (view_)
                        {
                          view_->refresh();
                        }
                      });
  a->setShortcut(QKeySequence::Refresh);
  a->setStatusTip(tr("Reload the dataset list and the current page"));

  modelMenu_ = menuBar()->addMenu(tr("&Model"));  // filled by each workspace's ModelPages
}

void MainWindow::rebuildRecentMenu()
{
  recentMenu_->clear();
  const QStringList recent = RecentWorkspaces::list();
  for (const QString& path : recent)
  {
    QAction* a = recentMenu_->addAction(QFileInfo(path).fileName() + QStringLiteral("  (") +
                                            QDir::toNativeSeparators(QFileInfo(path).path()) + ')',
                                        this, [this, path] { openWorkspace(path); });
    a->setStatusTip(path);
  }
  if (recent.isEmpty())
  {
    recentMenu_->addAction(tr("(none)"))->setEnabled(false);
  }
  else
  {
    recentMenu_->addSeparator();
    recentMenu_->addAction(tr("Clear list"), this,
                           [this]
                           {
                             RecentWorkspaces::clear();
                             rebuildRecentMenu();
                           });
  }
}

void MainWindow::openWorkspace(const QString& path)
{
  if (session_->jobRunning() || (pages_ && pages_->busy()))
  {
    QMessageBox::information(this, tr("Open workspace"),
                             tr("Wait for the running import, demo generation or training to "
                                "end, or stop it."));
    return;
  }
  statusBar()->showMessage(tr("Opening %1…").arg(path));
  session_->open(path);
  list_->clear();
  std::unique_ptr<WorkspaceServices> services = options_.services->openWorkspace(path);
  auto* fresh = new DatasetView(session_, services.get(), this);
  connect(fresh, &DatasetView::statusMessage, this,
          [this](const QString& m) { statusBar()->showMessage(m, 5000); });
  connect(list_, &DatasetListPanel::datasetSelected, fresh, &DatasetView::setDataset);
  pages_ = new ModelPages(services.get(), fresh);  // owned by the view
  connect(pages_, &ModelPages::statusMessage, this,
          [this](const QString& m) { statusBar()->showMessage(m, 8000); });
  connect(pages_, &ModelPages::jobEnded, this, &MainWindow::onJobEnded);
  // The dataset being trained on cannot be deleted from this window.
  TrainingController* trainer = pages_->controller();
  auto lockDataset = [this, trainer] { list_->setTrainingDataset(trainer->activeDataset()); };
  connect(trainer, &TrainingController::jobStarted, this, lockDataset);
  connect(trainer, &TrainingController::runStarted, this, lockDataset);
  connect(trainer, &TrainingController::jobEnded, this, lockDataset);
  list_->setTrainingDataset(0);
  modelMenu_->clear();
  pages_->populateMenu(modelMenu_);
  QWidget* old = splitter_->replaceWidget(1, fresh);
  delete old;  // the previous workspace's widgets, then its services
  services_ = std::move(services);
  view_ = fresh;
}

void MainWindow::onOpened(const QString& path, const DatasetList& datasets)
{
  setWindowTitle(
      tr("M6 Workbench — %1 (%2)")
          .arg(QFileInfo(path).fileName(), QDir::toNativeSeparators(QFileInfo(path).path())));
  RecentWorkspaces::add(path);
  rebuildRecentMenu();
  statusBar()->showMessage(
      tr("Opened %1: %n dataset(s)", nullptr, static_cast<int>(datasets.size())).arg(path), 5000);
  const bool firstStart = startup_;
  startup_ = false;
  if (firstStart && datasets.empty() && options_.createDemoWhenEmpty)
  {
    startDemo(options_.firstDemo);
  }
  Q_EMIT workspaceOpened(path);
}

void MainWindow::newWorkspace()
{
  QString path = QFileDialog::getSaveFileName(this, tr("New workspace"),
                                              QDir::home().filePath("workspace.m6ws"),
                                              tr("M6 workspace (*.m6ws)"));
  if (path.isEmpty())
  {
    return;
  }
  if (!path.endsWith(QLatin1String(".m6ws")))
  {
    path += QLatin1String(".m6ws");
  }
  if (QFileInfo::exists(path))
  {
    QMessageBox::warning(this, tr("New workspace"),
                         tr("%1 already exists; use Open workspace to open it.").arg(path));
    return;
  }
  openWorkspace(path);
}

void MainWindow::chooseWorkspace()
{
  const QString path =
      QFileDialog::getOpenFileName(this, tr("Open workspace"), QFileInfo(session_->path()).path(),
                                   tr("M6 workspace (*.m6ws);;All files (*)"));
  if (!path.isEmpty())
  {
    openWorkspace(path);
  }
}

PrepareDialog* MainWindow::showPrepareDialog()
{
  const DatasetInfo* current = list_->current();
  if (!current)
  {
    return nullptr;
  }
  if (prepareDialog_)
  {
    prepareDialog_->close();  // one recipe at a time, for the dataset selected now
  }
  prepareDialog_ = new PrepareDialog(session_, *current, this);
  prepareDialog_->setAttribute(Qt::WA_DeleteOnClose);
  prepareDialog_->show();
  return prepareDialog_;
}

ImportDialog* MainWindow::showImportDialog()
{
  if (!importDialog_)
  {
    importDialog_ = new ImportDialog(session_, this);
    importDialog_->setAttribute(Qt::WA_DeleteOnClose);
    // Closed dialogs are deleted later; forget this one now so the next call makes a new one.
    connect(importDialog_, &QDialog::finished, this, [this] { importDialog_.clear(); });
    connect(importDialog_, &ImportDialog::imported, this,
            [this](const m6::DatasetInfo& d) { list_->select(QString::fromStdString(d.name)); });
  }
  importDialog_->open();
  importDialog_->raise();
  return importDialog_;
}

void MainWindow::showDemoDialog()
{
  int n = 1;
  QString name = QStringLiteral("demo");
  while (list_->model()->rowOf(name) >= 0)
  {
    name = QStringLiteral("demo %1").arg(++n);
  }
  auto* dialog = new DemoDialog(name, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &QDialog::accepted, this, [this, dialog] { startDemo(dialog->options()); });
  dialog->open();
}

bool MainWindow::startDemo(const DemoOptions& options)
{
  const quint64 token = session_->startDemo(options);
  if (token == 0)
  {
    statusBar()->showMessage(tr("Another import or demo generation is running"), 5000);
    return false;
  }
  auto* progress = new JobProgressDialog(
      session_, token, tr("Creating the demo dataset %1").arg(QString::fromStdString(options.name)),
      this);
  progress->setAttribute(Qt::WA_DeleteOnClose);
  progress->open();
  statusBar()->showMessage(tr("Creating the demo dataset…"));
  return true;
}

void MainWindow::onJobEnded()
{
  if (closePending_)
  {
    QTimer::singleShot(0, this, &QWidget::close);
  }
}

void MainWindow::closeEvent(QCloseEvent* event)
{
  if (session_->jobRunning())
  {
    if (!closePending_ &&
        !prompts().confirm(this, tr("Quit"),
                           tr("An import or demo generation is running. Cancel it and quit?\n"
                              "The workspace stays as it was before the job.")))
    {
      event->ignore();
      return;
    }
    closePending_ = true;
    session_->cancelJob();
    statusBar()->showMessage(tr("Cancelling, then closing…"));
    event->ignore();
    return;
  }
  if (pages_ && pages_->busy())
  {
    if (!closePending_ &&
        !prompts().confirm(this, tr("Quit"),
                           tr("A training job is running. Stop it and quit?\n"
                              "A stopped run keeps its best checkpoint, is recorded as stopped "
                              "and can be resumed from the Runs page.")))
    {
      event->ignore();
      return;
    }
    closePending_ = true;
    pages_->stopForClose();
    statusBar()->showMessage(tr("Stopping the training run, then closing…"));
    event->ignore();
    return;
  }
  if (session_->writesPending() &&
      !prompts().confirm(this, tr("Quit"),
                         tr("A dataset is still being renamed or deleted. Stop it and quit?\n"
                            "Stopping undoes it: the dataset stays as it was.")))
  {
    event->ignore();
    return;
  }
  event->accept();
}

}  // namespace m6
