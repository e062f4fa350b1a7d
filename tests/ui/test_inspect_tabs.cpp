// The Inspect page's navigation and its other tabs, offscreen, on a run trained in the test: the
// keyboard walks through users (Alt+Down / Alt+Up); a feature search lists the matching users and
// Enter opens the first; the missed list holds only users whose test item is outside the top K,
// near misses first; the category filter keeps one category; the heatmap exports as PNG and PDF
// and the weights as CSV (one line per layer, head and token); the attention across users shares
// sum to 1 per head; the embedding map shows every item, names a point on hover and opens a user
// on click.
#include <qcustomplot.h>

#include <QComboBox>
#include <QLineEdit>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QtTest>
#include <cmath>

#include "../app/inspect_test_support.h"
#include "app/bridge/run_inspector.h"
#include "app/bridge/run_library.h"
#include "app/bridge/snapshot_store.h"
#include "gui_test_main.h"
#include "ui/attention_heatmap.h"
#include "ui/attention_stats_panel.h"
#include "ui/attention_view.h"
#include "ui/embedding_map_view.h"
#include "ui/inspect_models.h"
#include "ui/inspect_page.h"
#include "ui/plot_frame.h"
#include "ui/user_inspect_view.h"
#include "ui/user_picker.h"

using namespace m6;

class TestInspectTabs : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  m6test::InspectFixture fx_;
  DatasetSnapshot data_;
  std::unique_ptr<RunLibrary> library_;
  std::unique_ptr<RunInspector> inspector_;
  std::unique_ptr<InspectPage> page_;

  UserInspectView* user() const { return page_->userView(); }

  void settle()
  {
    QVERIFY(QTest::qWaitFor([&] { return user()->idle(); }, 60000));
  }

 private Q_SLOTS:
  void initTestCase()
  {
    fx_ = m6test::makeInspectWorkspace(dir_.filePath("tabs.m6ws"), false);
    data_ = *m6test::openWorkspace(fx_.path)->loadSnapshot(fx_.datasetId);
    library_ = std::make_unique<RunLibrary>(fx_.path);
    inspector_ = std::make_unique<RunInspector>(fx_.path, std::make_shared<SnapshotStore>());
    page_ = std::make_unique<InspectPage>(inspector_.get(), library_.get());
    page_->resize(1400, 900);
    page_->show();
    QVERIFY(QTest::qWaitForWindowExposed(page_.get()));
    page_->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(page_.get()));
    QSignalSpy opened(page_->inspector(), &RunInspector::opened);
    page_->inspectRun(fx_.run);
    QVERIFY(QTest::qWaitFor([&] { return !opened.isEmpty(); }, 120000));
    settle();
    QCOMPARE(user()->current().profile.user, 0);  // the first user is shown on open
  }

  void keyboardWalksThroughUsers()
  {
    user()->recommendationTable()->setFocus();
    QTest::keyClick(user()->recommendationTable(), Qt::Key_Down, Qt::AltModifier);
    settle();
    QCOMPARE(user()->current().profile.user, 1);
    QTest::keyClick(user()->recommendationTable(), Qt::Key_Down, Qt::AltModifier);
    settle();
    QCOMPARE(user()->current().profile.user, 2);
    QTest::keyClick(user()->recommendationTable(), Qt::Key_Up, Qt::AltModifier);
    settle();
    QCOMPARE(user()->current().profile.user, 1);
    QTest::keyClick(user()->recommendationTable(), Qt::Key_L, Qt::ControlModifier);
    QVERIFY(user()->picker()->searchBox()->hasFocus());
  }

  void featureSearchListsUsersAndEnterOpensTheFirst()
  {
    const FieldColumn& region = data_.userFields[0];
    const QString value = QString::fromStdString(region.vocab[size_t(region.codes[7])]);
    QLineEdit* box = user()->picker()->searchBox();
    box->setFocus();
    box->clear();
    QTest::keyClicks(box, "region=" + value);
    QTableWidget* matches = user()->picker()->matchList();
    int expected = 0;
    for (int32_t code : region.codes)
    {
      expected += code == region.codes[7] ? 1 : 0;
    }
    QVERIFY(QTest::qWaitFor([&] { return matches->rowCount() == expected; }, 30000));
    const qint32 first = matches->item(0, 0)->data(Qt::UserRole).toInt();
    QCOMPARE(region.codes[size_t(first)], region.codes[7]);
    QTest::keyClick(box, Qt::Key_Return);
    settle();
    QCOMPARE(user()->current().profile.user, first);
    // An id typed in full opens that user.
    box->clear();
    QTest::keyClicks(box, QString::fromStdString(data_.userIds[42]));
    QTest::keyClick(box, Qt::Key_Return);
    settle();
    QCOMPARE(user()->current().profile.user, 42);
  }

  void missedListHoldsNearMissesFirst()
  {
    QTableWidget* missed = user()->picker()->missedList();
    QVERIFY(QTest::qWaitFor([&] { return missed->rowCount() > 0; }, 60000));
    int previous = 0;
    for (int r = 0; r < missed->rowCount(); ++r)
    {
      const int rank = missed->item(r, 1)->data(Qt::DisplayRole).toInt();
      QVERIFY2(rank > 10, "a hit is listed as missed");
      QVERIFY(rank >= previous);
      previous = rank;
    }
    missed->setCurrentCell(0, 0);
    QTest::mouseClick(missed->viewport(), Qt::LeftButton, {},
                      missed->visualItemRect(missed->item(0, 0)).center());
    settle();
    QCOMPARE(user()->current().profile.user, missed->item(0, 0)->data(Qt::UserRole).toInt());
  }

  void categoryFilterKeepsOneCategory()
  {
    QComboBox* category = user()->categoryBox();
    QVERIFY(category->count() > 2);
    category->setCurrentIndex(2);
    const QString name = category->currentText();
    user()->showUser(30);
    settle();
    QAbstractItemModel* m = user()->recommendationTable()->model();
    QCOMPARE(m->rowCount(), 10);
    for (int r = 0; r < m->rowCount(); ++r)
    {
      const QString label = m->index(r, RecommendationModel::Category).data().toString();
      QVERIFY2(label == name || label.startsWith(name + " · "), qPrintable(label));
    }
    category->setCurrentIndex(0);
  }

  void heatmapAndWeightsExport()
  {
    user()->showUser(12);
    settle();
    AttentionView* view = user()->attention();
    const AttentionMap& map = view->first()->map();
    QVERIFY(map.valid);
    for (const QString name : {"heat.png", "heat.pdf"})
    {
      const QString path = dir_.filePath(name);
      QString error;
      QVERIFY2(view->first()->frame()->saveTo(path, &error), qPrintable(error));
      QVERIFY(QFileInfo(path).size() > 1000);
    }
    QFile png(dir_.filePath("heat.png"));
    QVERIFY(png.open(QIODevice::ReadOnly));
    QVERIFY(png.read(4).endsWith("PNG"));
    QFile pdf(dir_.filePath("heat.pdf"));
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    QVERIFY(pdf.read(4) == "%PDF");
    const QString csvPath = dir_.filePath("weights.csv");
    QString error;
    QVERIFY2(view->exportCsv(csvPath, &error), qPrintable(error));
    QFile csv(csvPath);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1 + map.layers * map.heads * map.tokenCount());
    const QStringList first = lines.at(1).split(',');
    QCOMPARE(first.at(0), map.itemId);
    QCOMPARE(first.last().toFloat(), map.weight(0, 0, 0));
  }

  void attentionAcrossUsersSharesSumToOne()
  {
    page_->tabs()->setCurrentIndex(InspectPage::StatsTab);
    AttentionStatsPanel* stats = page_->statsPanel();
    QVERIFY(QTest::qWaitFor([&] { return stats->hasStats(); }, 120000));
    const AttentionStats& s = stats->stats();
    QCOMPARE(s.heads, fx_.config.model.heads);
    for (const HeadAttention& h : s.perHead)
    {
      QVERIFY(std::fabs(h.userShare + h.contextShare + h.historyShare - 1.0) < 1e-3);
    }
    double sum = 0;
    for (double v : stats->meanShares(0))
    {
      sum += v;
    }
    QVERIFY2(std::fabs(sum - 1.0) < 1e-3, qPrintable(QString::number(sum)));
    QCOMPARE(stats->sharesFrame()->plot()->graphCount(), s.heads + 1);
    QVERIFY(!stats->triggerText().isEmpty());
  }

  void embeddingMapNamesAndOpensPoints()
  {
    page_->tabs()->setCurrentIndex(InspectPage::MapTab);
    EmbeddingMapView* map = page_->mapView();
    QVERIFY(QTest::qWaitFor([&] { return map->hasMap(); }, 120000));
    QCOMPARE(qint64(map->map().x.size()), data_.numItems());
    QVERIFY(map->noteText().contains("variance explained"));
    // Users, coloured by a feature; clicking a point opens that user.
    map->kindBox()->setCurrentIndex(1);
    Q_EMIT map->kindBox()->activated(1);
    QVERIFY(QTest::qWaitFor([&] { return map->hasMap() && !map->map().items; }, 120000));
    QCustomPlot* plot = map->frame()->plot();
    plot->replot();
    const int i = 17;
    const QPoint at(int(plot->xAxis->coordToPixel(map->map().x[size_t(i)])),
                    int(plot->yAxis->coordToPixel(map->map().y[size_t(i)])));
    const int hit = map->pointAt(at);
    QVERIFY(hit >= 0);
    QVERIFY(map->pointText(hit).startsWith("User " + map->map().ids.value(hit)));
    QTest::mouseClick(plot, Qt::LeftButton, {}, at);
    QCOMPARE(page_->tabs()->currentIndex(), int(InspectPage::UserTab));
    settle();
    QCOMPARE(user()->current().profile.user, map->map().index[size_t(hit)]);
  }

  void cleanupTestCase()
  {
    page_.reset();
    inspector_.reset();
    library_.reset();
  }
};

M6_GUI_TEST_MAIN(TestInspectTabs)
#include "test_inspect_tabs.moc"
