// The browser table model over a real workspace: row count equals the dataset, rows of a far
// chunk load and equal storage's rows, sorting and filtering give storage's rows, stale replies
// are dropped (only the last of two quick requests lands), and the filter bar and entity chip
// drive the Interactions page.
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QtTest>

#include "app/bridge/workspace_services.h"
#include "gui_test_main.h"
#include "storage/browse.h"
#include "ui/browse_page.h"
#include "ui/browse_table_model.h"
#include "ui/filter_bar.h"

using namespace m6;

namespace
{

QString cellText(const Cell& c)
{
  if (const auto* s = std::get_if<std::string>(&c))
  {
    return QString::fromStdString(*s);
  }
  if (const auto* i = std::get_if<int64_t>(&c))
  {
    return QString::number(*i);
  }
  return QString();
}

}  // namespace

class TestBrowseModel : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString path_;
  std::unique_ptr<Workspace> ws_;
  int64_t id_ = 0;

  std::vector<BrowseRow> storageRows(BrowseTable t, const BrowseFilter& f, int sort, bool desc,
                                     int64_t offset, int64_t limit)
  {
    BrowseQuery q(*ws_, id_, t, f, sort, desc);
    auto rows = q.fetch(offset, limit);
    if (!rows)
    {
      qFatal("%s", rows.error().c_str());
    }
    return *rows;
  }

  int64_t storageCount(BrowseTable t, const BrowseFilter& f)
  {
    return *BrowseQuery(*ws_, id_, t, f).count();
  }

  /// Touches a row through data() (as a view would) and waits until its chunk has arrived.
  static void load(BrowseTableModel& m, int row)
  {
    m.data(m.index(row, 0));
    QTRY_VERIFY(m.isRowLoaded(row));
  }

 private Q_SLOTS:
  void initTestCase()
  {
    path_ = dir_.filePath("browse.m6ws");
    ws_ = m6test::openWorkspace(path_);
    id_ = m6test::addDemo(*ws_, m6test::smallDemo());
  }

  void rowCountAndFarChunk()
  {
    BrowseTableModel m(newBrowseWorker(path_), BrowseTable::Interactions);
    QCOMPARE(m.rowCount(), 0);
    m.setDataset(id_);
    QVERIFY(m.isLoading());
    QTRY_COMPARE(m.rowCount(), 12000);
    QCOMPARE(m.columnCount(), 6);
    QCOMPARE(m.headerData(5, Qt::Horizontal, Qt::DisplayRole).toString(), QString("Time (UTC)"));
    const int far = 9000 + 17;
    QCOMPARE(m.data(m.index(far, 1)).toString(), QString("…"));  // placeholder, load requested
    QVERIFY(!m.isRowLoaded(far));
    const auto expected = storageRows(BrowseTable::Interactions, {}, -1, false, far, 1);
    QTRY_COMPARE(m.data(m.index(far, 1)).toString(), cellText(expected[0].cells[1]));
    QCOMPARE(m.data(m.index(far, 2)).toString(), cellText(expected[0].cells[2]));
    QCOMPARE(m.data(m.index(far, 0), BrowseTableModel::kKeyRole).toLongLong(), qlonglong(far));
    // Ratings with one decimal, times as UTC dates.
    const double rating = std::get<double>(expected[0].cells[4]);
    QCOMPARE(m.data(m.index(far, 4)).toString(), QString::number(rating, 'f', 1));
    const int64_t ts = std::get<int64_t>(expected[0].cells[5]);
    QCOMPARE(m.data(m.index(far, 5)).toString(),
             QDateTime::fromSecsSinceEpoch(ts, Qt::UTC).toString("yyyy-MM-dd HH:mm"));
    // Only the touched chunk was loaded.
    QVERIFY(!m.isRowLoaded(0));
  }

  void sequentialChunksMatchStorage()
  {
    BrowseTableModel m(newBrowseWorker(path_), BrowseTable::Items);
    m.setDataset(id_);
    QTRY_COMPARE(m.rowCount(), 400);
    m.sort(2, Qt::AscendingOrder);  // by title: continuation tokens between chunks
    QTRY_VERIFY(!m.isLoading());
    for (int row : {0, 255, 256, 399})
    {
      load(m, row);
    }
    const auto expected = storageRows(BrowseTable::Items, {}, 2, false, 0, 400);
    for (int row : {0, 255, 256, 399})
    {
      QCOMPARE(m.data(m.index(row, 2)).toString(), cellText(expected[size_t(row)].cells[2]));
      QCOMPARE(m.data(m.index(row, 0), BrowseTableModel::kKeyRole).toLongLong(),
               qlonglong(expected[size_t(row)].key));
    }
  }

  void sortingChangesRowsAsStorageSays()
  {
    BrowseTableModel m(newBrowseWorker(path_), BrowseTable::Users);
    m.setDataset(id_);
    QTRY_COMPARE(m.rowCount(), 300);
    load(m, 0);
    const QString naturalFirst = m.data(m.index(0, 1)).toString();
    m.sort(2, Qt::DescendingOrder);  // most interactions first
    QCOMPARE(m.sortColumn(), 2);
    QTRY_VERIFY(!m.isLoading());
    load(m, 0);
    const auto expected = storageRows(BrowseTable::Users, {}, 2, true, 0, 3);
    QCOMPARE(m.data(m.index(0, 1)).toString(), cellText(expected[0].cells[1]));
    QCOMPARE(m.data(m.index(0, 2)).toLongLong(),
             qlonglong(std::get<int64_t>(expected[0].cells[2])));
    QVERIFY(m.data(m.index(0, 1)).toString() != naturalFirst || expected[0].key == 0);
    // A column storage cannot sort keeps the current order.
    const int before = m.sortColumn();
    m.sort(3, Qt::AscendingOrder);  // "region": a feature column
    QVERIFY(!m.isSortable(3));
    QCOMPARE(m.sortColumn(), before);
  }

  void filteringChangesRowsAsStorageSays()
  {
    BrowseTableModel m(newBrowseWorker(path_), BrowseTable::Interactions);
    m.setDataset(id_);
    QTRY_COMPARE(m.rowCount(), 12000);
    BrowseFilter f;
    f.userIdx = 17;
    f.ratingMin = 4;
    m.setFilter(f);
    const int64_t n = storageCount(BrowseTable::Interactions, f);
    QVERIFY(n > 0 && n < 12000);
    QTRY_COMPARE(qint64(m.rowCount()), n);
    load(m, 0);
    const auto expected = storageRows(BrowseTable::Interactions, f, -1, false, 0, n);
    for (int row = 0; row < int(n); ++row)
    {
      QCOMPARE(m.data(m.index(row, 0), BrowseTableModel::kKeyRole).toLongLong(),
               qlonglong(expected[size_t(row)].key));
      QVERIFY(m.data(m.index(row, 4)).toDouble() >= 4.0);
    }
    // Hostile text is a bound parameter: nothing matches, nothing changes.
    BrowseFilter hostile;
    hostile.text = "'; DROP TABLE interactions; --";
    m.setFilter(hostile);
    QTRY_VERIFY(!m.isLoading());
    QCOMPARE(m.rowCount(), 0);
    QCOMPARE(storageCount(BrowseTable::Interactions, {}), int64_t(12000));
  }

  void staleRepliesAreDropped()
  {
    BrowseTableModel m(newBrowseWorker(path_), BrowseTable::Interactions);
    m.setDataset(id_);
    QTRY_COMPARE(m.rowCount(), 12000);
    BrowseFilter a;
    a.userIdx = 3;
    BrowseFilter b;
    b.userIdx = 250;
    const int64_t countA = storageCount(BrowseTable::Interactions, a);
    const int64_t countB = storageCount(BrowseTable::Interactions, b);
    QVERIFY(countA != countB);
    QList<int> counts;
    connect(&m, &BrowseTableModel::countChanged, this, [&](qint64 rows) { counts << int(rows); });
    // Two requests in one event-loop turn: the first one's reply, if it comes, is stale.
    m.setFilter(a);
    m.setFilter(b);
    QTRY_COMPARE(qint64(m.rowCount()), countB);
    load(m, 0);
    const auto expected = storageRows(BrowseTable::Interactions, b, -1, false, 0, 1);
    QCOMPARE(m.data(m.index(0, 1)).toString(), cellText(expected[0].cells[1]));
    QCOMPARE(counts, QList<int>{int(countB)});  // A's count never landed
    // A's count request was either skipped by the worker or its reply dropped here: once.
    QCOMPARE(m.staleRepliesDropped() + m.workerStaleDropped(), 1);

    // A page request in flight when the filter changes: its rows never land either.
    m.setFilter({});
    QTRY_COMPARE(m.rowCount(), 12000);
    const int dropped = m.staleRepliesDropped() + m.workerStaleDropped();
    m.prefetch(5000, 5000);  // sent to the worker now
    m.setFilter(a);          // ... and superseded at once
    QTRY_COMPARE(qint64(m.rowCount()), countA);
    QTRY_COMPARE(m.staleRepliesDropped() + m.workerStaleDropped(), dropped + 1);
    QVERIFY(!m.isRowLoaded(0));  // nothing of the old page was cached under the new filter
    load(m, 0);
    const auto rowsA = storageRows(BrowseTable::Interactions, a, -1, false, 0, 1);
    QCOMPARE(m.data(m.index(0, 0), BrowseTableModel::kKeyRole).toLongLong(),
             qlonglong(rowsA[0].key));
  }

  void pageJumpsFromUserToInteractions()
  {
    BrowsePage users(newBrowseWorker(path_), BrowseTable::Users);
    BrowsePage interactions(newBrowseWorker(path_), BrowseTable::Interactions);
    connect(&users, &BrowsePage::userActivated, &interactions, &BrowsePage::setUserFilter);
    users.setDataset(id_);
    interactions.setDataset(id_);
    users.resize(800, 400);
    users.show();
    QTRY_COMPARE(users.model()->rowCount(), 300);
    QTRY_VERIFY(users.model()->isRowLoaded(5));
    QSignalSpy activated(&users, &BrowsePage::userActivated);
    const QModelIndex cell = users.model()->index(5, 1);
    users.view()->scrollTo(cell);
    QVERIFY(QTest::qWaitForWindowExposed(&users));
    const QRect rect = users.view()->visualRect(cell);
    // Qt's item views take a double-click as a press followed by a double-click event.
    QTest::mouseClick(users.view()->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseDClick(users.view()->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.first().at(0).toLongLong(), qlonglong(5));
    QCOMPARE(interactions.entityFilterLabel(), QString("User u6"));
    BrowseFilter f;
    f.userIdx = 5;
    QTRY_COMPARE(qint64(interactions.model()->rowCount()),
                 storageCount(BrowseTable::Interactions, f));
    // The filter bar's text reaches the model after the debounce.
    interactions.filterBar()->textEdit()->setText(QStringLiteral("zzz-no-such-title"));
    QTRY_COMPARE(interactions.model()->rowCount(), 0);
    QCOMPARE(QString::fromStdString(interactions.model()->filter().text),
             QString("zzz-no-such-title"));
    QVERIFY(interactions.model()->filter().userIdx.has_value());
    interactions.clearEntityFilter();
    interactions.filterBar()->clear();
    QCOMPARE(interactions.entityFilterLabel(), QString());
    QTRY_COMPARE(interactions.model()->rowCount(), 12000);
  }

  // The first sort of a dataset's interactions by rating builds that order (half a minute at 25
  // million rows): the status line says so until the sorted rows arrive; the next sort by rating
  // does not build anything and says nothing of it.
  void firstSortByRatingSaysItBuildsTheOrder()
  {
    const QString path = dir_.filePath("sort.m6ws");
    int64_t id = 0;
    {
      auto ws = m6test::openWorkspace(path);
      id = m6test::addDemo(*ws, m6test::smallDemo());
    }
    BrowsePage page(newBrowseWorker(path), BrowseTable::Interactions);
    auto* status = page.findChild<QLabel*>(QStringLiteral("browseStatus"));
    QVERIFY(status);
    page.setDataset(id);
    QTRY_COMPARE(page.model()->rowCount(), 12000);
    QStringList shown;  // the status line each time the state changes
    connect(page.model(), &BrowseTableModel::sortOrderBuildingChanged, &page,
            [&](bool building) { shown << (building ? "on: " : "off: ") + status->text(); });
    page.model()->sort(4, Qt::AscendingOrder);
    QTRY_VERIFY(!page.model()->isLoading());
    load(*page.model(), 0);
    QTRY_COMPARE(shown.size(), 2);
    QVERIFY2(shown[0].startsWith("on: Sorting 12,000 rows by rating: building this dataset's "
                                 "rating order"),
             qPrintable(shown[0]));
    QCOMPARE(shown[1], QString("off: 12,000 rows"));
    QVERIFY(!page.model()->isBuildingSortOrder());
    // Sorted as storage says.
    const auto expected = storageRows(BrowseTable::Interactions, {}, 4, false, 0, 1);
    QCOMPARE(page.model()->data(page.model()->index(0, 0), BrowseTableModel::kKeyRole).toLongLong(),
             qlonglong(expected[0].key));
    page.model()->sort(4, Qt::DescendingOrder);
    QTRY_VERIFY(!page.model()->isLoading());
    load(*page.model(), 0);
    QCOMPARE(shown.size(), 2);  // the order exists now
  }

  /// Measurement, not a timed assertion: with M6_BIG_WORKSPACE=<file> (for example 10 million
  /// interactions from `m6-cli demo-data`), prints how long the first rows, a far row and a
  /// sorted first page take to appear.
  void bigWorkspaceFigures()
  {
    const QString big = qEnvironmentVariable("M6_BIG_WORKSPACE");
    if (big.isEmpty())
    {
      QSKIP("set M6_BIG_WORKSPACE to a large workspace to print its browsing figures");
    }
    auto ws = m6test::openWorkspace(big);
    const auto list = *ws->datasets();
    QVERIFY(!list.empty());
    const DatasetInfo& d = list.front();
    QElapsedTimer t;
    t.start();
    BrowseTableModel m(newBrowseWorker(big), BrowseTable::Interactions);
    m.setDataset(d.id);
    QTRY_COMPARE_WITH_TIMEOUT(qint64(m.rowCount()), qint64(d.interactions), 60000);
    const qint64 counted = t.elapsed();
    load(m, 0);
    const qint64 first = t.elapsed();
    t.restart();
    load(m, m.rowCount() - 1000);
    const qint64 far = t.elapsed();
    t.restart();
    m.sort(4, Qt::DescendingOrder);
    QTRY_VERIFY_WITH_TIMEOUT(!m.isLoading(), 60000);
    m.prefetch(0, 0);
    QTRY_VERIFY_WITH_TIMEOUT(m.isRowLoaded(0), 120000);
    const qint64 sorted = t.elapsed();
    qInfo(
        "%lld interactions: count %lld ms, first rows %lld ms, far rows %lld ms, first page "
        "sorted by rating %lld ms",
        static_cast<long long>(d.interactions), counted, first, far, sorted);
    // The same in a shown page: the view lays out 10 million rows and paints the first ones.
    t.restart();
    BrowsePage page(newBrowseWorker(big), BrowseTable::Interactions);
    page.resize(900, 600);
    page.show();
    page.setDataset(d.id);
    QTRY_VERIFY_WITH_TIMEOUT(page.model()->isRowLoaded(0), 60000);
    QApplication::processEvents();
    const qint64 shown = t.elapsed();
    t.restart();
    page.view()->scrollToBottom();
    QApplication::processEvents();
    QTRY_VERIFY_WITH_TIMEOUT(page.model()->isRowLoaded(page.model()->rowCount() - 1), 60000);
    qInfo("page shown with its first rows %lld ms, scrolled to the last rows %lld ms", shown,
          t.elapsed());
  }
};

M6_GUI_TEST_MAIN(TestBrowseModel)
#include "test_browse_model.moc"
