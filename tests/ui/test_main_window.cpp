// The main window: a first start on an empty workspace creates the demo dataset and shows it;
// the title names the workspace; recent workspaces are remembered; rename and delete ask and
// then run on the worker, and Delete is disabled (saying why) for the dataset this window trains
// on; a dataset's import report opens; closing during an import asks, cancels and closes without
// a crash and with an intact workspace; double-clicking a run in the Runs table opens it on the
// Inspect page, where clicking an item on the embedding map opens its interactions. The window
// builds widgets only: the pages use the workspace's services from the composition root, which
// follow the workspace.
#include <qcustomplot.h>

#include <QApplication>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QTableView>
#include <QTableWidget>
#include <QTreeView>
#include <QtTest>

#include "../app/train_test_support.h"
#include "app/bridge/adapt_info.h"
#include "app/bridge/app_services.h"
#include "app/bridge/model_info.h"
#include "app/bridge/run_exporter.h"
#include "app/bridge/run_inspector.h"
#include "app/bridge/run_library.h"
#include "app/bridge/run_queue.h"
#include "app/bridge/snapshot_store.h"
#include "app/bridge/training_controller.h"
#include "app/bridge/workspace_session.h"
#include "app/runner/training_session.h"
#include "gui_test_main.h"
#include "storage/formats.h"
#include "ui/adapt_actions.h"
#include "ui/browse_page.h"
#include "ui/browse_table_model.h"
#include "ui/config_form.h"
#include "ui/configure_page.h"
#include "ui/dataset_list_panel.h"
#include "ui/dataset_view.h"
#include "ui/embedding_map_view.h"
#include "ui/export_actions.h"
#include "ui/import_report_view.h"
#include "ui/inspect_page.h"
#include "ui/main_window.h"
#include "ui/model_pages.h"
#include "ui/plot_frame.h"
#include "ui/prompts.h"
#include "ui/recent_workspaces.h"
#include "ui/run_table_model.h"
#include "ui/runs_page.h"
#include "ui/stats_page.h"
#include "ui/user_inspect_view.h"

using namespace m6;

class TestMainWindow : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  Prompts saved_;
  QStringList asked_;

  MainWindowOptions options(const QString& ws, bool demo)
  {
    MainWindowOptions o;
    o.services = std::make_shared<AppServices>();
    o.workspacePath = dir_.filePath(ws);
    o.createDemoWhenEmpty = demo;
    o.firstDemo = m6test::smallDemo();
    return o;
  }

 private Q_SLOTS:
  void initTestCase() { saved_ = prompts(); }
  void cleanup() { prompts() = saved_; }

  void firstStartCreatesTheDemo()
  {
    MainWindow w(options("first.m6ws", true));
    w.show();
    QTRY_VERIFY_WITH_TIMEOUT(w.datasetList()->model()->rowOf("demo") >= 0, 60000);
    QVERIFY(w.windowTitle().contains("first.m6ws"));
    QTRY_VERIFY(w.datasetList()->current() != nullptr);
    QCOMPARE(QString::fromStdString(w.datasetList()->current()->name), QString("demo"));
    BrowsePage* users = w.datasetView()->browsePage(BrowseTable::Users);
    QTRY_COMPARE(users->model()->rowCount(), 300);
    QTRY_COMPARE(w.datasetView()->browsePage(BrowseTable::Interactions)->model()->rowCount(),
                 12000);
    QTRY_VERIFY(w.datasetView()->statsPage()->summaryText("interactions") ==
                QLocale().toString(12000));
    QCOMPARE(RecentWorkspaces::list().value(0),
             QFileInfo(dir_.filePath("first.m6ws")).absoluteFilePath());
    QCOMPARE(RecentWorkspaces::last(), QFileInfo(dir_.filePath("first.m6ws")).absoluteFilePath());
  }

  void emptyWorkspaceOpenedLaterStaysEmpty()
  {
    MainWindow w(options("other.m6ws", false));
    QSignalSpy opened(&w, &MainWindow::workspaceOpened);
    QTRY_COMPARE(opened.size(), 1);
    QCOMPARE(w.datasetList()->model()->rowCount(), 0);
    QVERIFY(!w.session()->jobRunning());
  }

  void pagesUseTheWorkspacesServices()
  {
    MainWindow w(options("services-a.m6ws", false));
    QSignalSpy opened(&w, &MainWindow::workspaceOpened);
    QTRY_COMPARE(opened.size(), 1);
    WorkspaceServices* s = w.workspaceServices();
    QVERIFY(s != nullptr);
    QCOMPARE(s->workspacePath(), dir_.filePath("services-a.m6ws"));
    ModelPages* pages = w.modelPages();
    QCOMPARE(pages->controller(), s->trainer());
    QCOMPARE(pages->library(), s->library());
    QCOMPARE(pages->info(), s->modelInfo());
    QCOMPARE(pages->queue(), s->queue());
    QCOMPARE(pages->inspectPage()->inspector(), s->inspector());
    QCOMPARE(pages->adaptActions()->info(), s->adaptInfo());
    QCOMPARE(pages->exportActions()->exporter(), s->exporter());
    // Another workspace gets services of its own; the previous ones go with its widgets.
    QPointer<TrainingController> oldTrainer = s->trainer();
    QPointer<RunLibrary> oldLibrary = s->library();
    w.openWorkspace(dir_.filePath("services-b.m6ws"));
    QTRY_COMPARE(opened.size(), 2);
    QVERIFY(w.workspaceServices() != nullptr);
    QCOMPARE(w.workspaceServices()->workspacePath(), dir_.filePath("services-b.m6ws"));
    QVERIFY(oldTrainer.isNull());
    QVERIFY(oldLibrary.isNull());
    QCOMPARE(w.modelPages()->controller(), w.workspaceServices()->trainer());
  }

  void renameDeleteAndReport()
  {
    {
      auto ws = m6test::openWorkspace(dir_.filePath("edit.m6ws"));
      m6test::addDemo(*ws, m6test::smallDemo("alpha"));
      m6test::addDemo(*ws, m6test::smallDemo("beta"));
    }
    MainWindow w(options("edit.m6ws", true));
    w.show();
    DatasetListPanel* list = w.datasetList();
    QTRY_COMPARE(list->model()->rowCount(), 2);
    QVERIFY(!w.session()->jobRunning());  // not empty: no demo
    list->select("alpha");
    prompts().askText = [](QWidget*, const QString&, const QString&, QString* text)
    {
      *text = "gamma";
      return true;
    };
    list->renameCurrent();
    QTRY_VERIFY(list->model()->rowOf("gamma") >= 0);
    QCOMPARE(list->model()->rowOf("alpha"), -1);
    QTRY_COMPARE(QString::fromStdString(list->current()->name), QString("gamma"));
    // Delete asks first, naming the dataset and its size; "no" keeps it.
    prompts().confirm = [this](QWidget*, const QString&, const QString& text)
    {
      asked_ << text;
      return false;
    };
    list->select("beta");
    QTRY_COMPARE(QString::fromStdString(list->current()->name), QString("beta"));
    list->deleteCurrent();
    QCOMPARE(asked_.size(), 1);
    QVERIFY(asked_[0].contains("\"beta\""));
    QVERIFY(asked_[0].contains(QLocale().toString(12000)));
    QVERIFY(!w.session()->writesPending());  // no delete was sent
    QCOMPARE(list->model()->rowCount(), 2);
    prompts().confirm = [](QWidget*, const QString&, const QString&) { return true; };
    // The Del key on the list triggers the same action.
    list->view()->setFocus();
    QTest::keyClick(list->view(), Qt::Key_Delete);
    QVERIFY(w.session()->writesPending());  // closing now would ask first
    QTRY_COMPARE(list->model()->rowCount(), 1);
    QVERIFY(!w.session()->writesPending());
    QCOMPARE(list->model()->rowOf("beta"), -1);
    auto ws = m6test::openWorkspace(dir_.filePath("edit.m6ws"));
    QVERIFY(!ws->dataset("beta").ok());
    // A generated dataset has no import report, and says so.
    list->select("gamma");
    list->showReportOfCurrent();
    QTRY_VERIFY(w.findChild<QMessageBox*>() != nullptr);
    QVERIFY(w.findChild<QMessageBox*>()->text().contains("no import report"));
    // An imported one shows its report in a dialog.
    const QString folder = m6test::writeMl100k(dir_.filePath("ml"));
    QVERIFY(w.session()->startImport(*specForFormat("movielens-100k", folder.toStdString()),
                                     "ml") != 0);
    QTRY_VERIFY(list->model()->rowOf("ml") >= 0);
    QTRY_COMPARE(QString::fromStdString(list->current()->name), QString("ml"));  // selected
    list->showReportOfCurrent();
    QTRY_VERIFY(w.findChild<ImportReportDialog*>() != nullptr);
    ImportReportView* report = w.findChild<ImportReportDialog*>()->view();
    QCOMPARE(report->figure("interactions"), QString("5"));
    QCOMPARE(report->figure("rejected"), QString("2"));
    QCOMPARE(report->rejectedTable()->rowCount(), 2);
  }

  void closingDuringAnImportCancelsCleanly()
  {
    const QString folder = m6test::writeBigMovieLensCsv(dir_.filePath("big"), 400000);
    const QString path = dir_.filePath("closing.m6ws");
    auto spec = specForFormat("movielens-csv", folder.toStdString());
    QVERIFY(spec.ok());
    int asked = 0;
    prompts().confirm = [&asked](QWidget*, const QString&, const QString&)
    {
      ++asked;
      return true;
    };
    bool cancelled = false;
    {
      MainWindow w(options("closing.m6ws", false));
      w.show();
      QTRY_VERIFY(w.session()->isOpen());
      connect(w.session(), &WorkspaceSession::jobFinished, this,
              [&cancelled](quint64, const m6::ImportResult& r) { cancelled = r.cancelled; });
      QVERIFY(w.session()->startImport(*spec, "big") != 0);
      QVERIFY(w.session()->jobRunning());
      w.close();  // the job is running: asks, cancels, closes when it has ended
      QCOMPARE(asked, 1);
      QTRY_VERIFY_WITH_TIMEOUT(!w.isVisible(), 60000);
      QVERIFY(!w.session()->jobRunning());
    }
    QCOMPARE(m6test::integrity(path), QString("ok"));
    auto ws = m6test::openWorkspace(path);
    auto big = ws->dataset("big");
    // Cancelled: no trace. (Should the import have won the race, it is complete.)
    QCOMPARE(big.ok(), !cancelled);
    qInfo("import %s", cancelled ? "cancelled" : "completed before the cancel");
    if (big.ok())
    {
      QCOMPARE(big->interactions, int64_t(400000));
    }
  }

  void closingWhileAskedNoKeepsTheWindow()
  {
    const QString folder = dir_.filePath("big");  // written by the previous test
    auto spec = specForFormat("movielens-csv", folder.toStdString());
    QVERIFY(spec.ok());
    prompts().confirm = [](QWidget*, const QString&, const QString&) { return false; };
    MainWindow w(options("keep.m6ws", false));
    w.show();
    QTRY_VERIFY(w.session()->isOpen());
    QVERIFY(w.session()->startImport(*spec, "big") != 0);
    QVERIFY(!w.close());
    QVERIFY(w.isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(!w.session()->jobRunning(), 60000);
    QVERIFY(w.close());
  }

  void deleteIsDisabledForTheDatasetBeingTrained()
  {
    const QString path = dir_.filePath("training.m6ws");
    {
      auto ws = m6test::openWorkspace(path);
      m6test::addDemo(*ws, m6test::trainDemo("alpha"));
      m6test::addDemo(*ws, m6test::trainDemo("beta"));
    }
    MainWindow w(options(QFileInfo(path).fileName(), false));
    w.show();
    DatasetListPanel* list = w.datasetList();
    QTRY_VERIFY(list->model()->rowOf("alpha") >= 0 && list->model()->rowOf("beta") >= 0);
    list->select("alpha");
    ModelPages* pages = w.modelPages();
    ConfigurePage* c = pages->configurePage();
    QTRY_VERIFY_WITH_TIMEOUT(c->form()->hasSchema(), 60000);
    QVERIFY(list->deleteAction()->isEnabled());
    QVERIFY(c->applyPreset("quick"));
    c->form()->setFieldValue("train.epochs", Json(200));  // runs until stopped
    c->form()->setFieldValue("train.patience", Json(0));
    QTRY_VERIFY_WITH_TIMEOUT(c->canTrain(), 30000);
    QVERIFY(pages->startTraining());
    QVERIFY(pages->controller()->busy());
    QTRY_VERIFY_WITH_TIMEOUT(pages->controller()->activeDataset() != 0, 60000);
    list->select("alpha");
    QVERIFY(!list->deleteAction()->isEnabled());
    QVERIFY2(list->deleteAction()->toolTip().contains("while this window trains"),
             qPrintable(list->deleteAction()->toolTip()));
    list->select("beta");
    QVERIFY(list->deleteAction()->isEnabled());
    list->select("alpha");
    QVERIFY(!list->deleteAction()->isEnabled());
    pages->controller()->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!pages->controller()->busy(), 120000);
    QVERIFY(list->deleteAction()->isEnabled());
  }

  void doubleClickingARunOpensItOnTheInspectPage()
  {
    const QString path = dir_.filePath("inspect.m6ws");
    qint64 runId = 0;
    {
      auto ws = m6test::openWorkspace(path);
      const int64_t id = m6test::addDemo(*ws, m6test::trainDemo());
      auto info = ws->datasetById(id);
      auto data = ws->loadSnapshot(id);
      TrainingSession session(*ws, *info, *data);
      const RunConfig config = m6test::quickConfig(1);
      auto run = session.createRun(config, "to inspect");
      auto trained = session.train(*run, config, false);
      QVERIFY(trained && trained->status == m6::RunStatus::Finished);
      runId = trained->id;
    }
    MainWindow w(options(QFileInfo(path).fileName(), false));
    w.resize(1300, 850);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    RunsPage* runs = w.modelPages()->runsPage();
    w.datasetView()->setCurrentWidget(runs);
    QTRY_VERIFY_WITH_TIMEOUT(runs->model()->indexOf(runId).isValid(), 30000);
    QTreeView* table = runs->view();
    const QModelIndex index = runs->proxy()->mapFromSource(runs->model()->indexOf(runId, 1));
    // Laid out once the row has a visible cell.
    QTRY_VERIFY(table->visualRect(index).isValid() &&
                table->viewport()->rect().contains(table->visualRect(index).center()));
    const QRect cell = table->visualRect(index);
    QVERIFY2(cell.isValid() && table->viewport()->rect().contains(cell.center()),
             qPrintable(QString("cell %1,%2 %3x%4")
                            .arg(cell.x())
                            .arg(cell.y())
                            .arg(cell.width())
                            .arg(cell.height())));
    // What the window system sends for a double-click on a run not selected yet: press,
    // release, a double-click event, release (Qt 6.4's QTest::mouseDClick leaves out the first
    // release, which an item view then does not take for a double-click).
    QSignalSpy dbl(table, &QTableView::doubleClicked);
    const QPointF local(cell.center());
    const QPointF global(table->viewport()->mapToGlobal(cell.center()));
    for (QEvent::Type type : {QEvent::MouseButtonPress, QEvent::MouseButtonRelease,
                              QEvent::MouseButtonDblClick, QEvent::MouseButtonRelease})
    {
      QMouseEvent e(type, local, global, Qt::LeftButton,
                    type == QEvent::MouseButtonRelease ? Qt::NoButton : Qt::LeftButton, {});
      QApplication::sendEvent(table->viewport(), &e);
      QApplication::processEvents();
    }
    QCOMPARE(dbl.size(), 1);
    InspectPage* page = w.modelPages()->inspectPage();
    QCOMPARE(w.datasetView()->currentWidget(), page);
    QTRY_VERIFY_WITH_TIMEOUT(page->inspector()->isOpen(), 60000);
    QCOMPARE(page->inspector()->source().runId, runId);
    QTRY_VERIFY_WITH_TIMEOUT(page->userView()->current().recommendations.size() == 10, 60000);

    // Clicking an item on the embedding map opens its interactions on the Interactions page.
    w.datasetList()->select("demo");
    page->tabs()->setCurrentIndex(InspectPage::MapTab);
    EmbeddingMapView* map = page->mapView();
    QTRY_VERIFY_WITH_TIMEOUT(map->hasMap(), 60000);
    QCustomPlot* plot = map->frame()->plot();
    plot->replot();
    const QPoint at(int(plot->xAxis->coordToPixel(map->map().x[5])),
                    int(plot->yAxis->coordToPixel(map->map().y[5])));
    const int hit = map->pointAt(at);
    QVERIFY(hit >= 0);
    QTest::mouseClick(plot, Qt::LeftButton, {}, at);
    BrowsePage* interactions = w.datasetView()->browsePage(BrowseTable::Interactions);
    QCOMPARE(w.datasetView()->currentWidget(), interactions);
    QVERIFY2(interactions->entityFilterLabel().contains(map->map().ids.value(hit)),
             qPrintable(interactions->entityFilterLabel()));
  }
};

M6_GUI_TEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
