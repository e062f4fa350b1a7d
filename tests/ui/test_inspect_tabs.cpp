// The Inspect page's navigation and its other tabs, offscreen, on a run that was never trained,
// opened through FakeInspectSource (what the page does, not what a model says): the keyboard walks
// through users (Alt+Down / Alt+Up); a feature search lists the matching users and Enter opens the
// first; the missed list holds only users whose test item is outside the top K, near misses first;
// the category filter keeps one category; the heatmap exports as PNG and PDF and the weights as CSV
// (one line per layer, head and token); the attention across users shares sum to 1 per head; the
// embedding map shows every item, names a point on hover and opens a user on click; clicking a
// recommendation shows its attention and compares two items on one scale; a click on the old list
// while another user loads is ignored; two quick user selections show only the second; the per-user
// metrics (computed now, the run recorded none) sort, filter by bucket, export as CSV and open a
// user on double-click.
#include <qcustomplot.h>

#include <QComboBox>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QtTest>
#include <cmath>

#include "../app/fake_inspect_source.h"
#include "../app/inspect_test_support.h"
#include "app/bridge/run_inspector.h"
#include "app/bridge/run_library.h"
#include "app/bridge/snapshot_store.h"
#include "gui_test_main.h"
#include "inspect_page_support.h"
#include "ui/attention_heatmap.h"
#include "ui/attention_stats_panel.h"
#include "ui/attention_view.h"
#include "ui/embedding_map_view.h"
#include "ui/inspect_models.h"
#include "ui/inspect_page.h"
#include "ui/plot_frame.h"
#include "ui/user_inspect_view.h"
#include "ui/user_metrics_view.h"
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
  std::shared_ptr<m6test::FakeSourceLog> fake_ = std::make_shared<m6test::FakeSourceLog>();

  UserInspectView* user() const { return page_->userView(); }

  void settle()
  {
    QVERIFY(QTest::qWaitFor([&] { return user()->idle(); }, 60000));
  }

  /// Shows a user through the picker's path and waits for the page to settle.
  void showUser(qint32 u)
  {
    user()->showUser(u);
    settle();
    QCOMPARE(user()->current().profile.user, u);
  }

  std::vector<std::pair<qint32, double>> shownRows() const { return m6test::shownRows(*user()); }

 private Q_SLOTS:
  void initTestCase()
  {
    fx_ = m6test::makeInspectWorkspace(dir_.filePath("tabs.m6ws"), false, m6test::trainDemo(), 2,
                                       false);
    data_ = *m6test::openWorkspace(fx_.path)->loadSnapshot(fx_.datasetId);
    library_ = std::make_unique<RunLibrary>(fx_.path);
    inspector_ = std::make_unique<RunInspector>(fx_.path, std::make_shared<SnapshotStore>(),
                                                m6test::FakeInspectSource::opener(fake_));
    page_ = std::make_unique<InspectPage>(inspector_.get(), library_.get());
    page_->resize(1400, 900);
    page_->show();
    QVERIFY(QTest::qWaitForWindowExposed(page_.get()));
    page_->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(page_.get()));
    QSignalSpy opened(page_->inspector(), &RunInspector::opened);
    page_->inspectRun(fx_.run);
    QVERIFY(QTest::qWaitFor([&] { return !opened.isEmpty(); }, 120000));
    // No model: the fake answered (the run has no checkpoint the real opener could read).
    QCOMPARE(fake_->opened, 1);
    QCOMPARE(inspector_->source().loadedFrom,
             QString::fromLatin1(m6test::FakeInspectSource::kLoadedFrom));
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

  void aLongMissedListKeepsTheNearestMisses()
  {
    // 1,500 missed users (ranks 1,510 down to 11): only the nearest kMaxMissedShown are listed,
    // and the note still counts every miss.
    UserMetricsTable t;
    t.k = 10;
    t.source = QStringLiteral("made up");
    for (int i = 0; i < 1500; ++i)
    {
      UserMetricEntry e;
      e.user = i % int(data_.numUsers());
      e.userId = QString::number(i);
      e.rank = 1509 - i;
      t.rows.push_back(e);
    }
    UserPicker picker;
    picker.setMissed(t);
    QTableWidget* missed = picker.missedList();
    QCOMPARE(size_t(missed->rowCount()), UserPicker::kMaxMissedShown);
    QCOMPARE(missed->item(0, 1)->data(Qt::DisplayRole).toInt(), 11);
    QCOMPARE(missed->item(missed->rowCount() - 1, 1)->data(Qt::DisplayRole).toInt(), 1010);
    QVERIFY2(picker.missedNote().startsWith("1500 of 1500 users") &&
                 picker.missedNote().contains("the 1000 nearest misses are listed"),
             qPrintable(picker.missedNote()));
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

  void clickingARecommendationShowsItsAttentionAndCompares()
  {
    showUser(20);
    QTableView* table = user()->recommendationTable();
    const QModelIndex third = table->model()->index(2, RecommendationModel::Title);
    const qint32 item = third.data(kInspectIndexRole).toInt();
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(third).center());
    QVERIFY(
        QTest::qWaitFor([&] { return user()->attention()->first()->map().item == item; }, 60000));
    // Compare with the first recommendation: both maps on one colour scale.
    const qint32 top = shownRows().front().first;
    user()->attention()->setCompareItem(top);
    QVERIFY(QTest::qWaitFor([&] { return user()->attention()->second()->hasMap(); }, 60000));
    AttentionHeatmap* a = user()->attention()->first();
    AttentionHeatmap* b = user()->attention()->second();
    QCOMPARE(b->map().item, top);
    QCOMPARE(a->colorMap()->dataRange(), b->colorMap()->dataRange());
    const QString csv = attentionCsv({a->map(), b->map()});
    QVERIFY(csv.startsWith("item,layer,head,token_index,token,token_item,weight\n"));
    // Another user: the comparison ends, and the selector says so.
    showUser(21);
    QVERIFY(!user()->attention()->second()->isVisible());
    QCOMPARE(user()->attention()->compareItem(), -1);
  }

  void aClickOnTheOldListWhileAnotherUserLoadsIsIgnored()
  {
    // The table still lists user 10's items while user 11 loads: a click there must not put
    // user 10's attention under user 11's profile.
    showUser(10);
    QTableView* table = user()->recommendationTable();
    user()->showUser(11);
    const QModelIndex old = table->model()->index(3, RecommendationModel::Title);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(old).center());
    QVERIFY(QTest::qWaitFor([&] { return user()->idle(); }, 60000));
    QVERIFY(m6test::settle(*page_->inspector()));  // a reply for the old user is in by now
    QCOMPARE(user()->current().profile.user, 11);
    QCOMPARE(user()->attention()->first()->map().user, 11);
  }

  void twoQuickSelectionsShowOnlyTheSecond()
  {
    QSignalSpy ready(page_->inspector(), &RunInspector::userReady);
    user()->showUser(10);
    user()->showUser(11);
    QVERIFY(QTest::qWaitFor([&] { return user()->idle(); }, 60000));
    QVERIFY(m6test::settle(*page_->inspector()));  // an answer for user 10 is in by now
    QCOMPARE(ready.size(), 1);
    QCOMPARE(user()->current().profile.user, 11);
  }

  void metricsTableSortsFiltersAndExports()
  {
    UserMetricsView* v = page_->metricsView();
    QVERIFY(QTest::qWaitFor([&] { return v->model()->rowCount() > 0; }, 60000));
    QSortFilterProxyModel* proxy = v->proxy();
    v->view()->sortByColumn(UserMetricsModel::Ndcg, Qt::DescendingOrder);
    for (int r = 1; r < proxy->rowCount(); ++r)
    {
      QVERIFY(proxy->index(r - 1, UserMetricsModel::Ndcg).data(kInspectSortRole).toDouble() >=
              proxy->index(r, UserMetricsModel::Ndcg).data(kInspectSortRole).toDouble());
    }
    v->bucketBox()->setCurrentIndex(v->bucketBox()->findData(QStringLiteral("heavy")));
    QVERIFY(proxy->rowCount() > 0 && proxy->rowCount() < v->model()->rowCount());
    for (int r = 0; r < proxy->rowCount(); ++r)
    {
      QCOMPARE(proxy->index(r, UserMetricsModel::Bucket).data().toString(),
               QStringLiteral("heavy"));
      QVERIFY(proxy->index(r, UserMetricsModel::History).data().toInt() > 20);
    }
    const QString path = dir_.filePath("metrics.csv");
    QString error;
    QVERIFY2(v->exportCsv(path, &error), qPrintable(error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), proxy->rowCount() + 1);
    QCOMPARE(lines.first(),
             QStringLiteral("user,test_item,title,rank,ndcg@10,hit@10,history,bucket"));
    QVERIFY(lines.at(1).endsWith(",heavy"));
    // Double-clicking a row opens the user.
    const qint32 first = proxy->index(0, 0).data(kInspectIndexRole).toInt();
    Q_EMIT v->view()->doubleClicked(proxy->index(0, 0));
    QVERIFY(QTest::qWaitFor(
        [&] { return user()->idle() && user()->current().profile.user == first; }, 60000));
    QCOMPARE(page_->tabs()->currentIndex(), int(InspectPage::UserTab));
    v->bucketBox()->setCurrentIndex(0);
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

  void aLargeUserMapAsksTheModelForItsSampleOnly()
  {
    // Above the map's cap the worker asks the source for the sampled users' vectors only.
    QSignalSpy maps(inspector_.get(), &RunInspector::embeddingMapReady);
    inspector_->loadEmbeddingMap(false, 50);
    QVERIFY(QTest::qWaitFor([&] { return !maps.isEmpty(); }, 60000));
    const auto map = maps.takeFirst().at(1).value<EmbeddingMap>();
    QCOMPARE(int(map.x.size()), 50);
    QCOMPARE(map.total, data_.numUsers());
    QCOMPARE(fake_->userRowsAsked.back(), size_t(50));
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
