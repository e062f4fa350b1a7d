// The Inspect page offscreen, on a workspace with a run trained in the test: the
// recommendation table excludes the user's training items, is sorted by score and marks the
// held-out test item when it is in the top K; the heatmap's cells equal explain() for that pair
// and every row sums to 1; the token labels follow the user's history in time order; a user with
// no history, an item never seen in training and a run whose checkpoint is missing each give a
// message in the page; a context override marks how the list moved; a baseline says why it has
// no attention; a per-user metrics CSV write that fails (to a missing folder or past a file size
// limit) says why and keeps the old file; a model
// file exported in the test opens with no retraining, and bad files give the engine's message; in a
// run with the cold-item protocol the cold items are marked with the reason.
//
// Over 500 lines: the cases share one trained run, the expensive part of the test.
#include <qcustomplot.h>
#include <sys/resource.h>

#include <QComboBox>
#include <QSpinBox>
#include <QTableView>
#include <QtTest>
#include <cmath>
#include <csignal>
#include <set>

#include "../app/inspect_test_support.h"
#include "app/bridge/run_inspector.h"
#include "app/bridge/run_library.h"
#include "app/bridge/snapshot_store.h"
#include "gui_test_main.h"
#include "inspect_page_support.h"
#include "model/core/split.h"
#include "model/package.h"
#include "ui/attention_heatmap.h"
#include "ui/attention_stats_panel.h"
#include "ui/attention_view.h"
#include "ui/inspect_models.h"
#include "ui/inspect_page.h"
#include "ui/preset_store.h"
#include "ui/user_inspect_view.h"
#include "ui/user_metrics_view.h"
#include "ui/user_picker.h"

using namespace m6;

namespace
{

QByteArray readAll(const QString& path)
{
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestInspectPage : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  m6test::InspectFixture fx_;
  DatasetSnapshot data_;
  Split split_;
  std::unique_ptr<RunLibrary> library_;
  std::unique_ptr<RunInspector> inspector_;
  std::unique_ptr<InspectPage> page_;

  UserInspectView* user() const { return page_->userView(); }

  /// Opens a run on the page and waits until the first user is shown (or the open failed).
  void openRun(qint64 run)
  {
    QSignalSpy opened(page_->inspector(), &RunInspector::opened);
    QSignalSpy failed(page_->inspector(), &RunInspector::openFailed);
    page_->inspectRun(run);
    QVERIFY(QTest::qWaitFor([&] { return !opened.isEmpty() || !failed.isEmpty(); }, 120000));
    if (!opened.isEmpty())
    {
      QVERIFY(QTest::qWaitFor([&] { return user()->idle(); }, 60000));
    }
  }

  /// Shows a user through the picker's path and waits for the page to settle.
  void showUser(qint32 u)
  {
    user()->showUser(u);
    QVERIFY(QTest::qWaitFor([&] { return user()->idle(); }, 60000));
    QCOMPARE(user()->current().profile.user, u);
  }

  std::set<int32_t> trainingItems(int32_t u) const
  {
    std::set<int32_t> out;
    for (int64_t n = data_.userStart[size_t(u)]; n < split_.trainEnd[size_t(u)]; ++n)
    {
      out.insert(data_.item[size_t(n)]);
    }
    return out;
  }

  std::vector<std::pair<qint32, double>> shownRows() const { return m6test::shownRows(*user()); }

 private Q_SLOTS:
  void initTestCase()
  {
    fx_ = m6test::makeInspectWorkspace(dir_.filePath("inspect.m6ws"), true);
    auto ws = m6test::openWorkspace(fx_.path);
    data_ = *ws->loadSnapshot(fx_.datasetId);
    split_ = splitLeaveOneOut(data_);
    library_ = std::make_unique<RunLibrary>(fx_.path);
    QSignalSpy runs(library_.get(), &RunLibrary::runsChanged);
    library_->refresh();
    QVERIFY(QTest::qWaitFor([&] { return !runs.isEmpty(); }, 30000));
    inspector_ = std::make_unique<RunInspector>(fx_.path, std::make_shared<SnapshotStore>());
    page_ = std::make_unique<InspectPage>(inspector_.get(), library_.get());
    page_->resize(1400, 900);
    page_->show();
    QVERIFY(page_->runBox()->findData(qlonglong(fx_.run)) >= 0);
  }

  void recommendationTableExcludesTrainingSortsAndMarksTheTruth()
  {
    openRun(fx_.run);
    QVERIFY2(!page_->failed(), qPrintable(page_->statusText()));
    QCOMPARE(page_->runBox()->currentData().toLongLong(), fx_.run);
    // The per-user metrics arrive with the model; pick users whose test item ranked < 30.
    QVERIFY(QTest::qWaitFor([&] { return page_->metricsView()->model()->rowCount() > 0; }, 60000));
    const UserMetricsTable& table = page_->metricsView()->model()->table();
    QCOMPARE(qint64(table.rows.size()), split_.numTest);
    user()->kBox()->setValue(40);
    int marked = 0;
    int checked = 0;
    for (const auto& row : table.rows)
    {
      if (checked == 8)
      {
        break;
      }
      if (row.rank + 1 >= 30 && checked >= 4)
      {
        continue;  // keep most checks on users whose test item should be listed
      }
      ++checked;
      showUser(row.user);
      const auto rows = shownRows();
      QCOMPARE(int(rows.size()), 40);
      const std::set<int32_t> train = trainingItems(row.user);
      const int32_t test = data_.item[size_t(split_.testIndex[size_t(row.user)])];
      QAbstractItemModel* m = user()->recommendationTable()->model();
      bool found = false;
      for (size_t i = 0; i < rows.size(); ++i)
      {
        QVERIFY2(!train.count(rows[i].first), "a training item is in the table");
        QVERIFY(i == 0 || rows[i - 1].second >= rows[i].second);
        QCOMPARE(m->index(int(i), RecommendationModel::Rank).data().toInt(), int(i) + 1);
        const QString truth = m->index(int(i), RecommendationModel::Truth).data().toString();
        QCOMPARE(truth.contains("★ test"), rows[i].first == test);
        found = found || rows[i].first == test;
      }
      if (row.rank + 1 < 40)
      {
        QVERIFY2(found, qPrintable(QString("user %1: test item (rank %2) not in the table")
                                       .arg(row.userId)
                                       .arg(row.rank + 1)));
        ++marked;
      }
    }
    QVERIFY(marked >= 1);
    user()->kBox()->setValue(10);
  }

  void heatmapEqualsExplainAndLabelsFollowTheHistory()
  {
    auto predictor =
        Predictor::open(page_->inspector()->source().loadedFrom.toStdString(), data_, fx_.config);
    for (int32_t u : {3, 57})
    {
      showUser(u);
      AttentionHeatmap* heat = user()->attention()->first();
      QVERIFY(heat->hasMap());
      const qint32 item = heat->map().item;
      QCOMPARE(item, shownRows().front().first);
      const Explanation e = predictor->explain(u, item);
      for (int layer = 0; layer < int(e.weights.size()); ++layer)
      {
        user()->attention()->setLayer(layer);
        QCOMPARE(heat->layer(), layer);
        for (int h = 0; h < fx_.config.model.heads; ++h)
        {
          double sum = 0;
          for (int t = 0; t < int(e.tokens.size()); ++t)
          {
            QCOMPARE(float(heat->cell(h, t)), e.weights[size_t(layer)][size_t(h)][size_t(t)]);
            sum += heat->cell(h, t);
          }
          QVERIFY2(std::fabs(sum - 1.0) < 1e-4, qPrintable(QString::number(sum)));
        }
      }
      // user, context, then the model's window of the timeline (bold rows), oldest first.
      const QStringList labels = heat->tickLabels();
      QCOMPARE(labels.at(0), QStringLiteral("user"));
      QCOMPARE(labels.at(1), QStringLiteral("context"));
      std::vector<const HistoryEntry*> window;
      const auto& history = user()->history()->history();
      for (size_t i = 0; i < history.size(); ++i)
      {
        if (history[i].inWindow)
        {
          window.push_back(&history[i]);
          QVERIFY(i == 0 || history[i - 1].time <= history[i].time);
        }
      }
      QCOMPARE(int(window.size()), labels.size() - 2);
      for (size_t i = 0; i < window.size(); ++i)
      {
        const QString title = window[i]->title;
        const QString expected = title.size() > 20 ? title.left(19) + QStringLiteral("…") : title;
        QCOMPARE(labels.at(int(i) + 2), expected);
        QCOMPARE(heat->map().tokenItem[i + 2], window[i]->item);
      }
      // Hovering a cell names the exact weight and the item.
      user()->attention()->setLayer(0);
      heat->plot()->replot();
      QCPAxisRect* rect = heat->plot()->axisRect(0);
      const QPoint cell(int(rect->axis(QCPAxis::atBottom)->coordToPixel(2)),
                        int(rect->axis(QCPAxis::atLeft)->coordToPixel(0)));
      const QString tip = heat->tooltipAt(cell);
      QVERIFY2(tip.contains(QString::number(double(e.weights[0][0][2]), 'f', 4)) &&
                   tip.contains(heat->map().tokens.at(2)),
               qPrintable(tip));
    }
  }

  void errorsAreMessagesInThePage()
  {
    // A user with no history at all.
    showUser(fx_.lonelyUser);
    QVERIFY2(user()->message().contains("no training interactions"), qPrintable(user()->message()));
    QCOMPARE(user()->history()->rowCount(), 0);
    QCOMPARE(user()->recommendations()->rowCount(), 10);
    QVERIFY(user()->attention()->noteText().contains("no history"));
    // An item never seen in training, asked for by id.
    showUser(5);
    user()->explainItemId(QStringLiteral("never"));
    QVERIFY(QTest::qWaitFor([&] { return user()->idle(); }, 60000));
    QCOMPARE(user()->attention()->first()->map().item, fx_.neverItem);
    QVERIFY2(user()->attention()->noteText().contains("never seen in training"),
             qPrintable(user()->attention()->noteText()));
    // Unknown ids.
    user()->explainItemId(QStringLiteral("no-such-item"));
    QVERIFY(QTest::qWaitFor([&] { return user()->idle(); }, 60000));
    QVERIFY2(user()->message().contains("no item \"no-such-item\""), qPrintable(user()->message()));
    user()->showUserId(QStringLiteral("nobody"));
    QVERIFY(QTest::qWaitFor([&] { return user()->idle(); }, 60000));
    QVERIFY2(user()->message().contains("no user \"nobody\""), qPrintable(user()->message()));
    // A run whose checkpoint file is missing: the page says so and shows nothing else.
    openRun(fx_.missingRun);
    QVERIFY(page_->failed());
    QVERIFY2(page_->statusText().contains("checkpoint") && page_->statusText().contains("missing"),
             qPrintable(page_->statusText()));
    QCOMPARE(user()->recommendations()->rowCount(), 0);
    QVERIFY(!user()->picker()->searchBox()->isEnabled());
  }

  void contextOverrideMarksHowTheListMoved()
  {
    openRun(fx_.run);  // the last case left the run without a checkpoint open
    showUser(8);
    QAbstractItemModel* m = user()->recommendationTable()->model();
    QVERIFY(m->index(0, RecommendationModel::Move).data().toString().isEmpty());
    user()->hourBox()->setCurrentIndex(user()->hourBox()->findData(3));
    user()->dayBox()->setCurrentIndex(user()->dayBox()->findData(0));
    user()->showUser(8);
    QVERIFY(QTest::qWaitFor([&] { return user()->idle(); }, 60000));
    QVERIFY(user()->current().contextCompared);
    for (int r = 0; r < m->rowCount(); ++r)
    {
      const QString move = m->index(r, RecommendationModel::Move).data().toString();
      QVERIFY2(move == "=" || move.startsWith("▲") || move.startsWith("▼"), qPrintable(move));
    }
    user()->hourBox()->setCurrentIndex(0);
    user()->dayBox()->setCurrentIndex(0);
  }

  void baselineSaysWhyThereIsNoAttention()
  {
    openRun(fx_.popRun);
    QVERIFY2(!page_->failed(), qPrintable(page_->statusText()));
    QVERIFY(user()->attention()->unavailable());
    QCOMPARE(user()->recommendations()->rowCount(), 10);
    const auto rows = shownRows();
    const std::set<int32_t> train = trainingItems(user()->current().profile.user);
    for (const auto& r : rows)
    {
      QVERIFY(!train.count(r.first));
    }
    QVERIFY(!user()->current().attentionMessage.isEmpty());
    QVERIFY(page_->statsPanel()->summary().contains("no attention"));
    // BPR-MF from the factors saved with the run (not trained again).
    openRun(fx_.bprRun);
    QVERIFY2(!page_->failed(), qPrintable(page_->statusText()));
    QVERIFY2(page_->statusText().contains("bpr"), qPrintable(page_->statusText()));
    QVERIFY(!page_->statusText().contains("trained again"));
    QVERIFY(user()->attention()->unavailable());
    QCOMPARE(user()->recommendations()->rowCount(), 10);
    // Without its factors file, BPR-MF is trained again (same seed), saved, and the page says so.
    const QString factors =
        QString::fromStdString(RunStore(*m6test::openWorkspace(fx_.path)).runFolder(fx_.bprRun)) +
        "/bpr.pt";
    QVERIFY(QFile::remove(factors));
    openRun(fx_.bprRun);
    QVERIFY2(!page_->failed(), qPrintable(page_->statusText()));
    QVERIFY2(page_->statusText().contains("trained again"), qPrintable(page_->statusText()));
    QVERIFY(QFile::exists(factors));
    // EASE^R is fitted again from the lambda recorded with the run.
    openRun(fx_.easeRun);
    QVERIFY2(!page_->failed(), qPrintable(page_->statusText()));
    QVERIFY2(page_->statusText().contains("EASE^R") &&
                 page_->statusText().contains("parameters validation chose"),
             qPrintable(page_->statusText()));
    QVERIFY(user()->attention()->unavailable());
    QCOMPARE(user()->recommendations()->rowCount(), 10);
    for (const auto& r : shownRows())
    {
      QVERIFY(!trainingItems(user()->current().profile.user).count(r.first));
    }
  }

  void modelFileOpensWithoutRetrainingAndBadFilesSayWhy()
  {
    const std::string file = dir_.filePath("exported.m6model").toStdString();
    auto ws = m6test::openWorkspace(fx_.path);
    const std::string folder = RunStore(*ws).runFolder(fx_.run);
    ModelCard card;
    card.name = "inspect quick";
    exportModel(folder, data_, fx_.config, card, file);
    QSignalSpy opened(page_->inspector(), &RunInspector::opened);
    page_->openModelFile(QString::fromStdString(file));
    QVERIFY(QTest::qWaitFor([&] { return !opened.isEmpty(); }, 60000));
    QVERIFY(QTest::qWaitFor([&] { return user()->idle(); }, 60000));
    QVERIFY2(page_->statusText().contains("no features"), qPrintable(page_->statusText()));
    QVERIFY(page_->metricsView()->summary().contains("no held-out"));
    QCOMPARE(page_->runBox()->currentIndex(), -1);
    // Same scores as the run's model for the same user.
    showUser(3);
    auto predictor = Predictor::open(folder, data_, fx_.config);
    const auto expected = predictor->recommend(3, 10);
    const auto rows = shownRows();
    QCOMPARE(rows.size(), expected.size());
    for (size_t i = 0; i < rows.size(); ++i)
    {
      QCOMPARE(rows[i].first, expected[i].item);
    }
    QVERIFY(user()->attention()->first()->hasMap());

    // Bad files: the engine's message, in the page.
    const QString random = dir_.filePath("random.m6model");
    QByteArray bytes;
    for (int i = 0; i < 4096; ++i)
    {
      bytes.append(char((i * 7919 + 13) % 251));
    }
    m6test::writeFile(random, bytes);
    const QString truncated = dir_.filePath("truncated.m6model");
    QFile whole(QString::fromStdString(file));
    QVERIFY(whole.open(QIODevice::ReadOnly));
    m6test::writeFile(truncated, whole.readAll().left(int(whole.size() / 2)));
    for (const QString& bad : {dir_.filePath("missing.m6model"), random, truncated})
    {
      QSignalSpy failed(page_->inspector(), &RunInspector::openFailed);
      page_->openModelFile(bad);
      QVERIFY(QTest::qWaitFor([&] { return !failed.isEmpty(); }, 60000));
      QVERIFY(page_->failed());
      QVERIFY2(page_->statusText().startsWith("Cannot inspect:") &&
                   page_->statusText().contains(QFileInfo(bad).fileName()),
               qPrintable(page_->statusText()));
      qInfo("%s", qPrintable(page_->statusText()));
      QCOMPARE(user()->recommendations()->rowCount(), 0);
    }
  }

  void coldItemsAreMarkedInARunWithTheColdItemProtocol()
  {
    // A run that holds 20% of the items out of training: they are recommended by content only
    // and marked so, with the reason as a tooltip.
    qint64 coldRun = 0;
    {
      auto ws = m6test::openWorkspace(fx_.path);
      auto info = ws->datasetById(fx_.datasetId);
      auto loaded = ws->loadSnapshot(fx_.datasetId);
      RunConfig config = fx_.config;
      config.train.coldItemShare = 0.2;
      TrainingSession session(*ws, *info, *loaded);
      auto run = session.createRun(config, "cold items");
      auto trained = session.train(*run, config, false);
      QVERIFY(trained && trained->status == m6::RunStatus::Finished);
      coldRun = trained->id;
    }
    openRun(coldRun);
    QVERIFY2(!page_->failed(), qPrintable(page_->statusText()));
    // The user with the most training items: top 200 of the rest must hold cold items.
    qint32 heavy = 0;
    for (qint32 u = 0; u < qint32(data_.numUsers()); ++u)
    {
      if (split_.trainEnd[size_t(u)] - data_.userStart[size_t(u)] >
          split_.trainEnd[size_t(heavy)] - data_.userStart[size_t(heavy)])
      {
        heavy = u;
      }
    }
    user()->kBox()->setValue(200);
    showUser(heavy);
    QAbstractItemModel* m = user()->recommendationTable()->model();
    int cold = 0;
    for (int r = 0; r < m->rowCount(); ++r)
    {
      const QModelIndex truth = m->index(r, RecommendationModel::Truth);
      const bool marked = truth.data().toString().contains("❄ cold");
      const auto& row = user()->current().recommendations[size_t(
          m->index(r, RecommendationModel::Rank).data().toInt() - 1)];
      QCOMPARE(marked, row.cold);
      if (marked)
      {
        ++cold;
        QVERIFY(truth.data(Qt::ToolTipRole)
                    .toString()
                    .contains("never seen in training: ranked by its content fields only"));
      }
    }
    QVERIFY2(cold > 0, "no cold item among the top 200");
    QVERIFY(user()->hourBox()->isEnabled());  // this model reads the time context
    // A cold item has no training interactions, and explaining it says it was never seen.
    for (const auto& row : user()->current().recommendations)
    {
      if (row.cold)
      {
        QCOMPARE(row.popularity, qint64(0));
        user()->explainItemId(row.itemId);
        QVERIFY(QTest::qWaitFor([&] { return user()->idle(); }, 60000));
        QVERIFY2(user()->attention()->noteText().contains("never seen in training"),
                 qPrintable(user()->attention()->noteText()));
        break;
      }
    }
    user()->kBox()->setValue(10);
  }

  void contextControlsAreOffForAModelWithoutTimeContext()
  {
    qint64 timeless = 0;
    {
      auto ws = m6test::openWorkspace(fx_.path);
      auto info = ws->datasetById(fx_.datasetId);
      auto loaded = ws->loadSnapshot(fx_.datasetId);
      RunConfig config = fx_.config;
      config.model.timeContext = false;
      TrainingSession session(*ws, *info, *loaded);
      auto run = session.createRun(config, "no time context");
      auto trained = session.train(*run, config, false);
      QVERIFY(trained && trained->status == m6::RunStatus::Finished);
      timeless = trained->id;
    }
    openRun(timeless);
    QVERIFY2(!page_->failed(), qPrintable(page_->statusText()));
    // Hour and day cannot move this model's list: the controls say so instead of showing "=".
    QVERIFY(!user()->hourBox()->isEnabled());
    QVERIFY(!user()->dayBox()->isEnabled());
    QVERIFY(user()->hourBox()->toolTip().contains("does not read the context"));
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

  void cleanupTestCase()
  {
    page_.reset();
    inspector_.reset();
    library_.reset();
  }
};

M6_GUI_TEST_MAIN(TestInspectPage)
#include "test_inspect_page.moc"
