// Dataset > Prepare dataset… end to end: the live before/after table follows the controls
// (counted on a worker), a recipe that keeps nothing cannot be started, Prepare writes a new
// dataset with the recipe stored beside it, and the source stays as it was.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QtTest>

#include "app/bridge/app_services.h"
#include "app/bridge/snapshot_store.h"
#include "app/bridge/workspace_session.h"
#include "gui_test_main.h"
#include "storage/formats.h"
#include "storage/importer.h"
#include "ui/dataset_list_panel.h"
#include "ui/dataset_view.h"
#include "ui/main_window.h"
#include "ui/prepare_dialog.h"
#include "ui/stats_page.h"

using namespace m6;

class TestPrepareDialog : public QObject
{
  Q_OBJECT
  QTemporaryDir dir_;
  std::unique_ptr<MainWindow> window_;
  std::shared_ptr<SnapshotStore> store_ = std::make_shared<SnapshotStore>();

  static QString cell(QTableWidget* t, int row, int col) { return t->item(row, col)->text(); }

  static void waitForCounts(PrepareDialog* d)
  {
    QTRY_VERIFY_WITH_TIMEOUT(!d->previewPending() && d->stepsTable()->rowCount() > 0, 30000);
  }

 private Q_SLOTS:
  void initTestCase()
  {
    // Repeats, a rarely rated item, a user with one rating (as in the CLI test).
    m6test::writeFile(dir_.filePath("raw/ratings.csv"),
                      "userId,movieId,rating,timestamp\n"
                      "1,10,5,100\n1,10,5,100\n1,20,4,200\n1,30,4,300\n"
                      "2,10,3,100\n2,20,5,200\n2,20,5,200\n2,30,2,300\n"
                      "3,10,4,100\n3,20,4,200\n3,40,4,300\n"
                      "4,40,1,100\n");
    auto ws = m6test::openWorkspace(dir_.filePath("prep.m6ws"));
    auto spec = specForFormat("movielens-csv", dir_.filePath("raw").toStdString());
    QVERIFY2(spec.ok(), spec.error().c_str());
    auto r = importDataset(*ws, *spec, "raw");
    QVERIFY2(r.ok(), r.error().c_str());

    MainWindowOptions o;
    o.services = std::make_shared<AppServices>(store_);
    o.workspacePath = dir_.filePath("prep.m6ws");
    o.createDemoWhenEmpty = false;
    window_ = std::make_unique<MainWindow>(o);
    window_->show();
    QTRY_VERIFY(window_->datasetList()->model()->rowOf("raw") >= 0);
    window_->datasetList()->select("raw");
  }

  void cleanupTestCase() { window_.reset(); }

  void countsFollowTheRecipeAndPrepareWrites()
  {
    PrepareDialog* d = window_->showPrepareDialog();
    QVERIFY(d);
    waitForCounts(d);
    QCOMPARE(d->stepsTable()->rowCount(), 1);  // only "imported" before any step
    QCOMPARE(cell(d->stepsTable(), 0, 3), QString("12"));
    QVERIFY(!d->prepareButton()->isEnabled());  // no step chosen yet
    QVERIFY(d->problem().contains("at least one step"));

    d->dedupeCombo()->setCurrentIndex(d->dedupeCombo()->findData(int(Dedupe::Exact)));
    d->minUserSpin()->setValue(2);
    d->minItemSpin()->setValue(2);
    waitForCounts(d);
    QTRY_COMPARE(d->stepsTable()->rowCount(), 3);
    QCOMPARE(cell(d->stepsTable(), 1, 0), QString("dedupe exact"));
    QCOMPARE(cell(d->stepsTable(), 1, 3), QString("10"));
    QCOMPARE(cell(d->stepsTable(), 2, 0), QString("2-core"));
    QCOMPARE(cell(d->stepsTable(), 2, 1), QString("3"));
    QCOMPARE(cell(d->stepsTable(), 2, 3), QString("8"));
    if (const QString shot = qEnvironmentVariable("M6_SCREENSHOT_DIR"); !shot.isEmpty())
    {
      d->grab().save(shot + "/prepare_dialog.png");  // to look at, not compared
    }

    // A recipe that keeps nothing is shown as such and cannot start.
    d->minUserSpin()->setValue(50);
    waitForCounts(d);
    QTRY_COMPARE(cell(d->stepsTable(), d->stepsTable()->rowCount() - 1, 3), QString("0"));
    QTRY_VERIFY(d->problem().contains("keep no interaction"));
    QVERIFY(!d->prepareButton()->isEnabled());
    d->minUserSpin()->setValue(2);
    waitForCounts(d);

    d->nameEdit()->setText("clean");
    QTRY_VERIFY2(d->prepareButton()->isEnabled(), qPrintable(d->problem()));
    QTest::mouseClick(d->prepareButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(d->preparedName(), QString("clean"), 30000);
    QTRY_VERIFY(window_->datasetList()->model()->rowOf("clean") >= 0);
    auto* list = window_->datasetList()->model();
    const QString tip =
        list->data(list->index(list->rowOf("clean"), 0), Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains("prepared from raw: dedupe exact, 2-core"), qPrintable(tip));

    auto ws = m6test::openWorkspace(dir_.filePath("prep.m6ws"));
    auto clean = ws->dataset("clean");
    QVERIFY2(clean.ok(), clean.error().c_str());
    QCOMPARE(clean->interactions, int64_t(8));
    QCOMPARE(QString::fromStdString(clean->sourceFormat), QString("prepared"));
    auto stats = ws->stats(clean->id);
    QVERIFY(stats.ok());
    QCOMPARE(QString::fromStdString(stats->at("preparation").at("description").asString()),
             QString("dedupe exact, 2-core"));
    QCOMPARE(ws->dataset("raw")->interactions, int64_t(12));
    d->close();

    // The Statistics page says where the dataset came from, and that the source repeats pairs.
    window_->datasetList()->select("clean");
    StatsPage* page = window_->datasetView()->statsPage();
    QTRY_VERIFY(page->provenanceText().contains("Prepared from raw: dedupe exact, 2-core"));
    QVERIFY(page->provenanceText().contains("2-core: 8"));
    window_->datasetList()->select("raw");
    QTRY_VERIFY(page->provenanceText().contains("2 interactions repeat a user-item pair"));
  }

  void ratingStepNeedsRatings()
  {
    window_->datasetList()->select("raw");
    PrepareDialog* d = window_->showPrepareDialog();
    QVERIFY(d->windowTitle().endsWith("raw"));
    QVERIFY(d);
    waitForCounts(d);
    QVERIFY(d->minRatingCheck()->isEnabled());  // "raw" has ratings
    d->minRatingCheck()->setChecked(true);
    d->minRatingSpin()->setValue(4.0);
    waitForCounts(d);
    QTRY_COMPARE(d->stepsTable()->rowCount(), 2);
    QCOMPARE(cell(d->stepsTable(), 1, 0), QString("rating >= 4"));
    QCOMPARE(cell(d->stepsTable(), 1, 3), QString("9"));
    d->close();
  }
};

M6_GUI_TEST_MAIN(TestPrepareDialog)
#include "test_prepare_dialog.moc"
