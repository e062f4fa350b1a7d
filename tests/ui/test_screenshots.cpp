// Screenshots of the workbench on the demo dataset (browser and statistics pages; Configure,
// Train after a short run, Runs with an overlay and the parallel coordinates) and of the import
// dialog's mapping page. With M6_SCREENSHOTS=<dir> set they are written there (the
// committed ones live in resources/screenshots/); otherwise into a temporary folder. Either way
// the test checks that each picture shows content: rows in the table, bars in the plots.
//
// Over 500 lines: one case per screen, sharing a workspace with trained runs.
#include <qcustomplot.h>

#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QLineEdit>
#include <QScrollBar>
#include <QTableView>
#include <QTableWidget>
#include <QtTest>

#include "../app/train_test_support.h"
#include "app/bridge/app_services.h"
#include "app/bridge/run_inspector.h"
#include "app/bridge/run_library.h"
#include "app/bridge/run_queue.h"
#include "app/bridge/snapshot_store.h"
#include "app/bridge/training_controller.h"
#include "app/bridge/workspace_session.h"
#include "app/runner/training_session.h"
#include "gui_test_main.h"
#include "tests/storage/zip_fixture.h"
#include "ui/adapt_actions.h"
#include "ui/adapt_dialog.h"
#include "ui/adapt_options_box.h"
#include "ui/attention_heatmap.h"
#include "ui/attention_stats_panel.h"
#include "ui/attention_view.h"
#include "ui/browse_page.h"
#include "ui/browse_table_model.h"
#include "ui/column_role_table.h"
#include "ui/compare_chart.h"
#include "ui/compare_dialog.h"
#include "ui/config_form.h"
#include "ui/configure_page.h"
#include "ui/csv_mapping_page.h"
#include "ui/dataset_list_panel.h"
#include "ui/dataset_view.h"
#include "ui/demo_dialog.h"
#include "ui/embedding_map_view.h"
#include "ui/epoch_plot.h"
#include "ui/hyperparam_view.h"
#include "ui/import_dialog.h"
#include "ui/inspect_models.h"
#include "ui/inspect_page.h"
#include "ui/loss_plot.h"
#include "ui/main_window.h"
#include "ui/model_pages.h"
#include "ui/queue_panel.h"
#include "ui/run_compare_view.h"
#include "ui/run_table_model.h"
#include "ui/runs_page.h"
#include "ui/search_dialog.h"
#include "ui/search_results_dialog.h"
#include "ui/stats_page.h"
#include "ui/train_page.h"
#include "ui/user_inspect_view.h"
#include "ui/user_metrics_view.h"

using namespace m6;

namespace
{

/// Distinct colours in a picture: a blank or one-colour grab has very few.
int colours(const QImage& image)
{
  QSet<QRgb> seen;
  for (int y = 0; y < image.height(); y += 3)
  {
    for (int x = 0; x < image.width(); x += 3)
    {
      seen.insert(image.pixel(x, y));
      if (seen.size() > 1000)
      {
        return int(seen.size());
      }
    }
  }
  return int(seen.size());
}

}  // namespace

class TestScreenshots : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir tmp_;
  QString out_;

  void save(QWidget* w, const QString& name)
  {
    QApplication::processEvents();
    const QImage image = w->grab().toImage();
    QVERIFY(!image.isNull());
    QVERIFY2(colours(image) > 30, qPrintable(name + " looks blank"));
    const QString path = QDir(out_).filePath(name);
    QVERIFY2(image.save(path), qPrintable(path));
    qInfo("wrote %s", qPrintable(path));
  }

 private Q_SLOTS:
  void initTestCase()
  {
    out_ = qEnvironmentVariable("M6_SCREENSHOTS", tmp_.path());
    QVERIFY(QDir().mkpath(out_));
    qputenv("M6_CLI", M6_BINARY_DIR "/app/exe/m6-cli");  // member processes' program
  }

  void mainWindowOnTheDemo()
  {
    MainWindowOptions o;
    o.services = std::make_shared<AppServices>();
    o.workspacePath = tmp_.filePath("screens.m6ws");
    MainWindow w(o);  // first start: the default demo dataset is generated
    w.resize(1360, 820);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTRY_VERIFY_WITH_TIMEOUT(w.datasetList()->model()->rowOf("demo") >= 0, 120000);
    DatasetView* view = w.datasetView();
    BrowsePage* items = view->browsePage(BrowseTable::Items);
    view->setCurrentWidget(items);
    QTRY_COMPARE_WITH_TIMEOUT(items->model()->rowCount(), 1500, 30000);
    QTRY_VERIFY(items->model()->isRowLoaded(0) && items->model()->isRowLoaded(30));
    save(&w, "main-window-items.png");

    BrowsePage* interactions = view->browsePage(BrowseTable::Interactions);
    BrowsePage* users = view->browsePage(BrowseTable::Users);
    QTRY_VERIFY(users->model()->rowCount() == 1000);
    users->model()->prefetch(0, 0);
    QTRY_VERIFY(users->model()->isRowLoaded(41));
    interactions->setUserFilter(41, users->model()->data(users->model()->index(41, 1)).toString());
    view->setCurrentWidget(interactions);
    QTRY_VERIFY(!interactions->model()->isLoading());
    interactions->model()->prefetch(0, 0);
    QTRY_VERIFY(interactions->model()->isRowLoaded(0));
    QCOMPARE(interactions->view()->verticalScrollBar()->value(), 0);
    save(&w, "main-window-interactions.png");

    view->setCurrentWidget(view->statsPage());
    QTRY_VERIFY(view->statsPage()->summaryText("interactions") == QLocale().toString(100000));
    QTest::qWait(100);  // queued replots
    save(&w, "main-window-statistics.png");
  }

  void trainingPages()
  {
    // A smaller demo (300 users, 12,000 interactions) keeps the three runs to seconds.
    MainWindowOptions o;
    o.services = std::make_shared<AppServices>();
    o.workspacePath = tmp_.filePath("training.m6ws");
    m6test::addDemo(*m6test::openWorkspace(o.workspacePath), m6test::smallDemo());
    o.createDemoWhenEmpty = false;
    MainWindow w(o);
    w.resize(1360, 860);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTRY_VERIFY(w.datasetList()->model()->rowOf("demo") >= 0);
    w.datasetList()->select("demo");
    ModelPages* pages = w.modelPages();
    ConfigurePage* configure = pages->configurePage();
    QTRY_VERIFY_WITH_TIMEOUT(configure->form()->hasSchema(), 60000);
    w.datasetView()->setCurrentWidget(configure);
    QVERIFY(configure->applyPreset("balanced"));
    QTRY_VERIFY_WITH_TIMEOUT(configure->estimateText().contains("parameters"), 60000);
    save(&w, "configure-page.png");
    // An invalid combination: the field is marked with the rule's message and Train is disabled.
    configure->form()->setFieldValue("model.heads", Json(3));
    QVERIFY(!configure->canTrain());
    save(&w, "configure-page-invalid.png");

    // Three short runs that differ in width, learning rate and history length.
    struct Variant
    {
      const char* name;
      int dim;
      double lr;
      int history;
    };
    const Variant variants[] = {{"quick d32", 32, 2e-3, 10},
                                {"quick d16 lr5e-3", 16, 5e-3, 10},
                                {"quick d64 L20", 64, 1e-3, 20}};
    QList<qint64> ids;
    for (const Variant& v : variants)
    {
      QVERIFY(configure->applyPreset("quick"));
      configure->form()->setFieldValue("model.dim", Json(v.dim));
      configure->form()->setFieldValue("train.lr", Json(v.lr));
      configure->form()->setFieldValue("model.history_length", Json(v.history));
      configure->form()->setFieldValue("train.batch_size", Json(64));
      configure->form()->setFieldValue("train.epochs", Json(4));
      configure->nameEdit()->setText(QString::fromLatin1(v.name));
      QVERIFY2(pages->startTraining(), qPrintable(configure->trainBlocker()));
      QTRY_VERIFY_WITH_TIMEOUT(!pages->controller()->busy(), 300000);
      QVERIFY2(pages->trainPage()->statusText().startsWith("Finished"),
               qPrintable(pages->trainPage()->statusText()));
      ids << pages->trainPage()->run().id;
      if (ids.size() == 1)
      {
        QCOMPARE(w.datasetView()->currentWidget(), pages->trainPage());
        QVERIFY(pages->trainPage()->lossPlot()->stepCount() > 100);
        QTest::qWait(100);  // queued replots
        save(&w, "train-page.png");
      }
    }
    RunsPage* runs = pages->runsPage();
    w.datasetView()->setCurrentWidget(runs);
    QTRY_VERIFY(runs->model()->indexOf(ids.last()).isValid());
    runs->selectRuns(ids);
    QTRY_VERIFY(runs->curvesShown());
    RunCompareView* compare = runs->compare();
    QCOMPARE(compare->overlayPlot()->graphCount(), 3);
    compare->setSeries("valid:ndcg@10");
    compare->setCurrentIndex(RunCompareView::CurvesTab);
    QTest::qWait(100);
    save(&w, "runs-page-overlay.png");
    compare->setCurrentIndex(RunCompareView::HyperparamTab);
    QCOMPARE(compare->hyperparams()->lineCount(), 3);
    QTest::qWait(100);
    save(&w, "runs-page-parallel-coordinates.png");

    // A run group (three seeds of one configuration): one row with mean ± sd and the interval,
    // expanded to its runs.
    m6::RunConfig grouped = m6test::quickConfig(3, 64);
    const int64_t group = m6test::trainGroup(o.workspacePath, "demo", grouped, "quick x3", 3);
    QVERIFY(group != 0);
    pages->library()->refresh();
    QTRY_VERIFY(runs->model()->indexOfGroup(group).isValid());
    runs->select({}, {group});
    runs->view()->expand(runs->proxy()->mapFromSource(runs->model()->indexOfGroup(group)));
    QTRY_VERIFY(runs->curvesShown());
    compare->setCurrentIndex(RunCompareView::CurvesTab);
    QTest::qWait(100);
    save(&w, "runs-page-group.png");

    // A hyperparameter search from the Configure page: the dialog, the search row with its
    // trials (the best bold), and its results (trial table, parallel coordinates).
    w.datasetView()->setCurrentWidget(configure);
    QVERIFY(configure->applyPreset("quick"));
    configure->form()->setFieldValue("train.epochs", Json(2));
    SearchDialog* search = pages->openSearchDialog();
    QVERIFY(search);
    search->setChoices(0, "0.001, 0.003, 0.01");
    search->setChoices(search->addDimension("model.dim"), "16, 32");
    search->strategy()->setCurrentIndex(search->strategy()->findData("grid"));
    search->name()->setText("lr x dim");
    QTest::qWait(100);
    save(search, "search-dialog.png");
    pages->trainPage()->processesBox()->setMaximum(2);
    pages->trainPage()->processesBox()->setValue(2);  // trials two at a time, in processes
    search->accept();
    QTRY_VERIFY_WITH_TIMEOUT(!pages->controller()->busy(), 120000);
    pages->trainPage()->processesBox()->setValue(1);
    QTest::qWait(100);
    save(&w, "train-page-parallel-search.png");
    w.datasetView()->setCurrentWidget(runs);
    qint64 searchId = 0;
    QTRY_VERIFY(
        [&]
        {
          for (const RunEntry& e : runs->model()->runs())
          {
            searchId = e.search.id != 0 ? e.search.id : searchId;
          }
          return searchId != 0 &&
                 runs->model()->rowCount(runs->model()->indexOfSearch(searchId)) == 6;
        }());
    runs->selectSearches({searchId});
    runs->view()->expand(runs->proxy()->mapFromSource(runs->model()->indexOfSearch(searchId)));
    QTRY_VERIFY(runs->curvesShown());
    QTest::qWait(100);
    save(&w, "runs-page-search.png");
    SearchResultsDialog* results = runs->openSearchResults(searchId);
    QTRY_VERIFY_WITH_TIMEOUT(results->result().has_value(), 30000);
    QCOMPARE(results->hyperparams()->lineCount(), 6);
    QTest::qWait(100);
    save(results, "search-results.png");
    results->close();

    // The run queue beside the Train page's log: two runs and a group waiting.
    w.datasetView()->setCurrentWidget(configure);
    for (const char* name : {"width 64", "width 128", "best x5"})
    {
      configure->nameEdit()->setText(name);
      pages->trainPage()->seedsBox()->setValue(QString(name).endsWith("x5") ? 5 : 1);
      QVERIFY(pages->addToQueue());
    }
    pages->trainPage()->seedsBox()->setValue(1);
    w.datasetView()->setCurrentWidget(pages->trainPage());
    QTRY_COMPARE(pages->queuePanel()->table()->rowCount(), 3);
    pages->queuePanel()->selectJob(pages->queue()->jobs()[1].id);
    QTest::qWait(100);
    save(&w, "train-page-queue.png");

    // A run group's members two at a time, each in a process of its own: the page's log.
    for (const auto& job : pages->queue()->jobs())
    {
      pages->queue()->remove(job.id);
    }
    QVERIFY(configure->applyPreset("quick"));
    configure->form()->setFieldValue("train.epochs", Json(2));
    configure->nameEdit()->setText("quick x3 at once");
    pages->trainPage()->seedsBox()->setValue(3);
    pages->trainPage()->processesBox()->setMaximum(2);
    pages->trainPage()->processesBox()->setValue(2);
    QVERIFY(pages->startTraining());
    QTRY_VERIFY_WITH_TIMEOUT(!pages->controller()->busy(), 300000);
    QTRY_COMPARE(pages->queuePanel()->table()->rowCount(), 0);
    QTest::qWait(100);
    save(&w, "train-page-parallel-group.png");
    pages->trainPage()->seedsBox()->setValue(1);
    pages->trainPage()->processesBox()->setValue(1);
  }

  void inspectPages()
  {
    // A run trained here (the balanced preset) on the demo dataset, then
    // the Inspect page as the window shows it: a user whose held-out item is in the top 10, the
    // attention across users and the item map.
    MainWindowOptions o;
    o.services = std::make_shared<AppServices>();
    o.workspacePath = tmp_.filePath("inspect.m6ws");
    qint64 runId = 0;
    {
      auto ws = m6test::openWorkspace(o.workspacePath);
      const int64_t id = m6test::addDemo(*ws, DemoOptions());  // the demo: planted triggers
      auto info = ws->datasetById(id);
      auto data = ws->loadSnapshot(id);
      QVERIFY(info && data);
      RunConfig c = preset("balanced");
      c.train.epochs = 3;  // half the preset's epochs: the pictures, not the last digit of NDCG
      TrainingSession session(*ws, *info, *data);
      auto run = session.createRun(c, "balanced");
      QVERIFY(run);
      auto trained = session.train(*run, c, false);
      QVERIFY(trained && trained->status == m6::RunStatus::Finished);
      runId = trained->id;
    }
    o.createDemoWhenEmpty = false;
    MainWindow w(o);
    w.resize(1600, 1000);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTRY_VERIFY(w.datasetList()->model()->rowOf("demo") >= 0);
    w.datasetList()->select("demo");
    InspectPage* page = w.modelPages()->inspectPage();
    w.modelPages()->inspectRun(runId);
    QCOMPARE(w.datasetView()->currentWidget(), page);
    QTRY_VERIFY_WITH_TIMEOUT(page->metricsView()->model()->rowCount() > 0, 120000);
    UserInspectView* user = page->userView();
    // The first user (by id order of the table) whose test item is ranked 2..6.
    qint32 pick = -1;
    for (const auto& row : page->metricsView()->model()->table().rows)
    {
      if (row.rank >= 1 && row.rank <= 5 && row.history >= 15)
      {
        pick = row.user;
        break;
      }
    }
    QVERIFY(pick >= 0);
    user->showUser(pick);
    QTRY_VERIFY_WITH_TIMEOUT(user->idle() && user->current().profile.user == pick, 60000);
    QVERIFY(user->attention()->first()->hasMap());
    QTest::qWait(150);  // queued replots
    save(&w, "inspect-user.png");

    page->tabs()->setCurrentIndex(InspectPage::StatsTab);
    QTRY_VERIFY_WITH_TIMEOUT(page->statsPanel()->hasStats(), 120000);
    QTest::qWait(150);
    save(&w, "inspect-attention-across-users.png");

    page->tabs()->setCurrentIndex(InspectPage::MapTab);
    QTRY_VERIFY_WITH_TIMEOUT(page->mapView()->hasMap(), 120000);
    QTest::qWait(150);
    save(&w, "inspect-embedding-map.png");

    page->tabs()->setCurrentIndex(InspectPage::MetricsTab);
    QTest::qWait(150);
    save(&w, "inspect-user-metrics.png");
  }

  void adaptationPages()
  {
    // Two demo domains (the second shares the first's tags and tastes, not its ids), a parent
    // trained on the first, then the Adapt dialog in parameter-efficient mode with its report,
    // the comparison view after a real comparison at three shares, and the run table's lineage.
    MainWindowOptions o;
    o.services = std::make_shared<AppServices>();
    o.workspacePath = tmp_.filePath("adapt.m6ws");
    qint64 parentId = 0;
    qint64 targetId = 0;
    {
      auto ws = m6test::openWorkspace(o.workspacePath);
      DemoOptions first = m6test::smallDemo("books");
      DemoOptions second = m6test::smallDemo("films");
      second.domain = 1;
      const int64_t id = m6test::addDemo(*ws, first);
      targetId = m6test::addDemo(*ws, second);
      auto info = ws->datasetById(id);
      auto data = ws->loadSnapshot(id);
      QVERIFY(info && data);
      RunConfig c = preset("quick");
      c.train.epochs = 3;
      TrainingSession session(*ws, *info, *data);
      auto run = session.createRun(c, "books, quick");
      QVERIFY(run);
      auto trained = session.train(*run, c, false);
      QVERIFY(trained && trained->status == m6::RunStatus::Finished);
      parentId = trained->id;
    }
    o.createDemoWhenEmpty = false;
    MainWindow w(o);
    w.resize(1500, 940);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTRY_VERIFY(w.datasetList()->model()->rowOf("films") >= 0);
    w.datasetList()->select("films");
    ModelPages* pages = w.modelPages();
    QTRY_VERIFY_WITH_TIMEOUT(pages->runsPage()->model()->indexOf(parentId).isValid(), 30000);
    pages->runsPage()->selectRuns({parentId});
    AdaptDialog* d = pages->adaptActions()->openAdaptDialog(parentId);
    QVERIFY(d);
    QTRY_VERIFY(d->targetCombo()->count() >= 2);
    QVERIFY(d->selectTarget("films"));
    d->optionsBox()->parameterEfficient()->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(d->previewCurrent() && d->previewOk(), 60000);
    d->resize(1240, 760);
    save(d, "adapt-dialog.png");
    d->reject();

    CompareDialog* c = pages->adaptActions()->openCompare(parentId, targetId);
    QTRY_COMPARE(c->targetDataset(), targetId);
    c->epochsSpin()->setValue(3);
    QVERIFY(c->start());
    QTRY_VERIFY_WITH_TIMEOUT(!c->running(), 600000);
    QVERIFY(c->chart()->adaptedBars()->data()->size() == 3);
    c->resize(1240, 780);
    save(c, "adapt-comparison.png");
    const CompareArm* adapted = c->comparison().find("adapted", 0.1);
    QVERIFY(adapted);
    c->close();

    pages->runsPage()->view()->sortByColumn(RunTableModel::Id, Qt::AscendingOrder);
    QTRY_VERIFY(pages->runsPage()->model()->indexOf(adapted->runId).isValid());
    pages->runsPage()->selectRuns({adapted->runId});
    w.datasetView()->setCurrentWidget(pages->runsPage());
    QTRY_VERIFY(pages->runsPage()->curvesShown());
    save(&w, "runs-page-lineage.png");
  }

  void importMappingPage()
  {
    const QString file = m6test::writeFile(tmp_.filePath("shop/purchases.csv"),
                                           "customer;product;stars;when;device;tags\n"
                                           "c-001;p-1001;4.5;2024-05-01T10:00:00Z;phone;gift,sale\n"
                                           "c-002;p-1002;3;2024-05-02T11:30:00Z;tablet;sale\n"
                                           "c-001;p-1002;5;2024-05-03T09:15:00Z;phone;\n"
                                           "c-003;p-1003;2;2024-05-04T18:40:00Z;desktop;new\n"
                                           "c-004;p-1001;4;2024-06-01T08:00:00Z;phone;gift\n"
                                           "c-002;p-1004;1;2024-06-02T21:05:00Z;desktop;\n"
                                           "c-005;p-1003;5;2024-06-03T12:00:00Z;phone;new,sale\n");
    WorkspaceSession session;
    session.open(tmp_.filePath("mapping.m6ws"));
    ImportDialog d(&session);
    d.setSource(file);
    QTRY_VERIFY(d.canProceed());
    d.next();
    QCOMPARE(d.page(), ImportDialog::Page::Mapping);
    ColumnRoleTable* roles = d.mappingPage()->roles();
    roles->setKind(5, FieldKind::Multi);
    roles->separatorEdit(5)->setText(",");
    roles->timeFormatCombo(3)->setCurrentIndex(
        roles->timeFormatCombo(3)->findData(int(TimeFormat::Iso8601)));
    d.resize(1000, 700);
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    save(&d, "import-mapping.png");
  }

  void importSourceAndSummaryPages()
  {
    const QString folder = m6test::writeMl100k(tmp_.filePath("ml-100k"));
    WorkspaceSession session;
    session.open(tmp_.filePath("summary.m6ws"));
    ImportDialog d(&session);
    d.resize(900, 560);
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    d.setSource(folder);
    QTRY_VERIFY(d.canProceed());
    save(&d, "import-source.png");
    d.next();
    QTRY_COMPARE_WITH_TIMEOUT(d.page(), ImportDialog::Page::Summary, 30000);
    save(&d, "import-summary.png");
  }

  void importZipSource()
  {
    const QString folder = m6test::writeMl100k(tmp_.filePath("zipsrc/ml-100k"));
    const QString zip = m6test::zipFolder(tmp_.filePath("ml-100k.zip"), folder, "ml-100k",
                                          {"u.data", "u.user", "u.item"});
    WorkspaceSession session;
    session.open(tmp_.filePath("zip.m6ws"));
    ImportDialog d(&session);
    d.resize(900, 560);
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    d.setSource(zip);
    QTRY_VERIFY(d.canProceed());
    save(&d, "import-zip.png");
  }

  void demoDialog()
  {
    DemoDialog d(QStringLiteral("demo 2"));
    d.show();
    QVERIFY(QTest::qWaitForWindowExposed(&d));
    save(&d, "demo-dialog.png");
  }
};

M6_GUI_TEST_MAIN(TestScreenshots)
#include "test_screenshots.moc"
