// The GUI review fixes and the run table's way into the Inspect page:
//  R4: while this window trains on dataset A, Delete is disabled for A (with the reason as its
//      tooltip) and enabled for B; enabled for A again once the run ended;
//  R8: presets whose stored setting is not a JSON object are never rewritten (save refuses and
//      the setting keeps its bytes); an entry that is not a configuration is kept as raw JSON
//      through a save of another preset;
//  R9: a CSV export to an unwritable path reports the error; a write the file system refuses
//      midway (a file size limit) reports it and leaves the existing file byte for byte;
//  and double-clicking a run in the Runs table opens it on the Inspect page, where clicking an
//  item on the embedding map opens its interactions.
#include <qcustomplot.h>
#include <sys/resource.h>

#include <QAction>
#include <QTableView>
#include <QTreeView>
#include <QtTest>
#include <csignal>

#include "../app/train_test_support.h"
#include "app/bridge/app_services.h"
#include "app/bridge/run_inspector.h"
#include "app/bridge/run_library.h"
#include "app/bridge/snapshot_store.h"
#include "app/bridge/training_controller.h"
#include "app/runner/training_session.h"
#include "gui_test_main.h"
#include "ui/browse_page.h"
#include "ui/config_form.h"
#include "ui/configure_page.h"
#include "ui/dataset_list_panel.h"
#include "ui/dataset_view.h"
#include "ui/embedding_map_view.h"
#include "ui/inspect_page.h"
#include "ui/main_window.h"
#include "ui/model_pages.h"
#include "ui/plot_frame.h"
#include "ui/preset_store.h"
#include "ui/run_table_model.h"
#include "ui/runs_page.h"
#include "ui/user_inspect_view.h"
#include "ui/user_metrics_view.h"

using namespace m6;

namespace
{

QByteArray readAll(const QString& path)
{
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

std::string storedPresets(const QString& path)
{
  auto ws = m6test::openWorkspace(path);
  auto value = ws->setting(PresetStore::kKey, "<unset>");
  return value ? *value : "<error>";
}

void setPresets(const QString& path, const std::string& value)
{
  auto ws = m6test::openWorkspace(path);
  QVERIFY(ws->setSetting(PresetStore::kKey, value));
}

/// A PresetStore on `path` once its read has been answered.
std::unique_ptr<PresetStore> loadedStore(RunLibrary& library)
{
  auto store = std::make_unique<PresetStore>(&library);
  QSignalSpy changed(store.get(), &PresetStore::changed);
  if (!QTest::qWaitFor([&] { return !changed.isEmpty(); }, 30000))
  {
    return nullptr;
  }
  return store;
}

}  // namespace

class TestReviewFixes : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;

 private Q_SLOTS:
  void deleteIsDisabledForTheDatasetBeingTrained()
  {
    const QString path = dir_.filePath("r4.m6ws");
    {
      auto ws = m6test::openWorkspace(path);
      m6test::addDemo(*ws, m6test::trainDemo("alpha"));
      m6test::addDemo(*ws, m6test::trainDemo("beta"));
    }
    MainWindowOptions o;
    o.services = std::make_shared<AppServices>();
    o.workspacePath = path;
    o.createDemoWhenEmpty = false;
    MainWindow w(o);
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

  void presetsAreNeverRewrittenFromAFailedRead()
  {
    const QString path = dir_.filePath("r8.m6ws");
    m6test::openWorkspace(path);
    // Not a JSON object: nothing may be written, and the stored bytes stay.
    const std::string notObject = R"(["quick", 1])";
    setPresets(path, notObject);
    {
      RunLibrary library(path);
      auto store = loadedStore(library);
      QVERIFY(store);
      QVERIFY(!store->loaded());
      QString error;
      QVERIFY(!store->save("mine", preset("quick"), &error));
      QVERIFY2(error.contains("could not be read"), qPrintable(error));
      QVERIFY(!store->remove("anything", &error));
      QTest::qWait(200);  // a write, had one been sent, would have landed
    }
    QCOMPARE(storedPresets(path), notObject);
    // Not JSON at all.
    setPresets(path, "{broken");
    {
      RunLibrary library(path);
      auto store = loadedStore(library);
      QVERIFY(store && !store->loaded());
      QVERIFY(!store->save("mine", preset("quick")));
    }
    QCOMPARE(storedPresets(path), std::string("{broken"));

    // One readable preset and one entry that is not a configuration: the second is kept raw.
    Json all = Json::object();
    all["kept"] = toJson(preset("balanced"));
    Json odd = Json::object();
    odd["model"] = Json("from a newer version");
    all["odd"] = odd;
    setPresets(path, all.dump());
    {
      RunLibrary library(path);
      auto store = loadedStore(library);
      QVERIFY(store && store->loaded());
      QCOMPARE(store->userNames(), QStringList({"kept"}));
      QCOMPARE(store->unreadableNames(), QStringList({"odd"}));
      QSignalSpy written(&library, &RunLibrary::settingWritten);
      QString error;
      QVERIFY2(store->save("new", preset("quick"), &error), qPrintable(error));
      QTRY_VERIFY_WITH_TIMEOUT(!written.isEmpty(), 30000);
    }
    const Json stored = Json::parse(storedPresets(path));
    QVERIFY(stored.isObject());
    QCOMPARE(stored.at("odd").dump(), odd.dump());
    QCOMPARE(stored.at("kept").dump(), toJson(preset("balanced")).dump());
    QCOMPARE(stored.at("new").dump(), toJson(preset("quick")).dump());
  }

  void failedCsvWritesSayWhyAndKeepTheOldFile()
  {
    UserMetricsView view;
    UserMetricsTable table;
    table.k = 10;
    for (int i = 0; i < 4000; ++i)
    {
      UserMetricEntry e;
      e.user = i;
      e.userId = QStringLiteral("user-%1").arg(i);
      e.itemId = QStringLiteral("item-%1").arg(i);
      e.title = QStringLiteral("A title long enough to make the file grow past the limit");
      e.rank = i;
      e.bucket = QStringLiteral("medium");
      table.rows.push_back(e);
    }
    view.setTable(table);
    QVERIFY(view.shownCsv().size() > 100000);

    // A folder that does not exist (the parent is a file).
    const QString blocker = dir_.filePath("a-file");
    m6test::writeFile(blocker, "x");
    QString error;
    QVERIFY(!view.exportCsv(blocker + "/metrics.csv", &error));
    QVERIFY2(error.startsWith("Could not write " + blocker + "/metrics.csv:"), qPrintable(error));

    // The file system refuses the write midway (RLIMIT_FSIZE, as a full disk would): the error
    // is reported and the existing file is unchanged. No other thread writes in this window.
    const QString target = dir_.filePath("metrics.csv");
    const QByteArray old = "user,test_item\nold,contents\n";
    m6test::writeFile(target, old);
    struct rlimit saved;
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &saved), 0);
    auto previous = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = saved;
    small.rlim_cur = 16384;
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &small), 0);
    error.clear();
    const bool written = view.exportCsv(target, &error);
    setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, previous);
    QVERIFY(!written);
    QVERIFY2(error.startsWith("Could not write " + target), qPrintable(error));
    QCOMPARE(readAll(target), old);
    // With room, the same export replaces it whole.
    QVERIFY(view.exportCsv(target, &error));
    QCOMPARE(readAll(target), view.shownCsv().toUtf8());
    // The configuration file writer reports the same way.
    QVERIFY(!writeConfigFile(blocker + "/config.json", preset("quick"), &error));
    QVERIFY(error.contains("Could not write"));
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
      QVERIFY(trained && trained->status == "finished");
      runId = trained->id;
    }
    MainWindowOptions o;
    o.services = std::make_shared<AppServices>();
    o.workspacePath = path;
    o.createDemoWhenEmpty = false;
    MainWindow w(o);
    w.resize(1300, 850);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    RunsPage* runs = w.modelPages()->runsPage();
    w.datasetView()->setCurrentWidget(runs);
    QTRY_VERIFY_WITH_TIMEOUT(runs->model()->indexOf(runId).isValid(), 30000);
    QTreeView* table = runs->view();
    const QModelIndex index = runs->proxy()->mapFromSource(runs->model()->indexOf(runId, 1));
    QTest::qWait(50);  // laid out
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

M6_GUI_TEST_MAIN(TestReviewFixes)
#include "test_review_fixes.moc"
