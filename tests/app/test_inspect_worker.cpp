// The inspection bridge on a real thread, a real workspace and a run trained in the
// test: the per-user view's recommendations exclude the user's training items, are sorted by
// score and mark the held-out item when it is in the top K; the attention map equals the
// engine's explain() for that pair and its rows sum to 1; the token labels are the user's last
// training items in time order; two quick user selections deliver only the second; a user with
// no history, an item never seen in training and a run whose checkpoint is missing each give a
// clear message; a context override reports how the list moved; baselines recommend without
// attention and get computed per-user ranks; search by id and feature value; the attention
// statistics and the embedding map (sampled deterministically above a cap). The per-user metrics
// come in slices: a user asked for after them is answered first, the slices add up to the whole
// table, and a run without recorded rows is ranked user by user the same way.
#include <QProcess>
#include <QtTest>
#include <cmath>
#include <set>

#include "app/bridge/bridge_types.h"
#include "app/bridge/inspect_views.h"
#include "app/bridge/run_inspector.h"
#include "app/bridge/snapshot_store.h"
#include "inspect_test_support.h"
#include "model/core/split.h"

using namespace m6;

class TestInspectWorker : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  m6test::InspectFixture fx_;
  DatasetSnapshot data_;
  Split split_;

  /// Waits for the one answer of `token` on `spy` (signal (quint64 token, T value)).
  template <typename T>
  T answer(QSignalSpy& spy, quint64 token, QSignalSpy* failed = nullptr)
  {
    const bool ok = QTest::qWaitFor(
        [&]
        {
          for (const auto& args : spy)
          {
            if (args.at(0).toULongLong() == token)
            {
              return true;
            }
          }
          return failed && !failed->isEmpty();
        },
        120000);
    if (failed && !failed->isEmpty())
    {
      qWarning("failed: %s", qPrintable(failed->last().at(2).toString()));
    }
    for (const auto& args : spy)
    {
      if (ok && args.at(0).toULongLong() == token)
      {
        return args.at(1).value<T>();
      }
    }
    return T();
  }

  void open(RunInspector& inspector, qint64 run)
  {
    QSignalSpy opened(&inspector, &RunInspector::opened);
    QSignalSpy failed(&inspector, &RunInspector::openFailed);
    inspector.openRun(run);
    QVERIFY(QTest::qWaitFor([&] { return !opened.isEmpty() || !failed.isEmpty(); }, 120000));
    QVERIFY2(failed.isEmpty(),
             failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
  }

  UserView view(RunInspector& inspector, UserRequest request)
  {
    QSignalSpy ready(&inspector, &RunInspector::userReady);
    QSignalSpy failed(&inspector, &RunInspector::requestFailed);
    const quint64 token = inspector.showUser(request);
    return answer<UserView>(ready, token, &failed);
  }

  /// Asks for the per-user metrics and then for `user`; returns the metrics table and, in
  /// `order`, which of the two answers came first ("user", "metrics").
  UserMetricsTable metricsThenUser(RunInspector& inspector, int32_t user, QStringList* order)
  {
    QSignalSpy metrics(&inspector, &RunInspector::userMetricsReady);
    QObject context;
    connect(&inspector, &RunInspector::userMetricsReady, &context,
            [order] { *order << QStringLiteral("metrics"); });
    connect(&inspector, &RunInspector::userReady, &context,
            [order] { *order << QStringLiteral("user"); });
    const quint64 token = inspector.loadUserMetrics();
    UserRequest r;
    r.user = user;
    inspector.showUser(r);
    const auto table = answer<UserMetricsTable>(metrics, token);
    [[maybe_unused]] const bool both = QTest::qWaitFor([&] { return order->size() == 2; }, 60000);
    return table;
  }

  std::set<int32_t> trainingItems(int32_t user) const
  {
    std::set<int32_t> out;
    for (int64_t n = data_.userStart[size_t(user)]; n < split_.trainEnd[size_t(user)]; ++n)
    {
      out.insert(data_.item[size_t(n)]);
    }
    return out;
  }

 private Q_SLOTS:
  void initTestCase()
  {
    registerBridgeTypes();
    fx_ = m6test::makeInspectWorkspace(dir_.filePath("inspect.m6ws"), true);
    auto ws = m6test::openWorkspace(fx_.path);
    data_ = *ws->loadSnapshot(fx_.datasetId);
    split_ = splitLeaveOneOut(data_);
  }

  void recommendationsExcludeTrainingItemsAndMarkTheTruth()
  {
    RunInspector inspector(fx_.path, std::make_shared<SnapshotStore>());
    open(inspector, fx_.run);
    const InspectSourceInfo& info = inspector.source();
    QVERIFY(info.hasAttention);
    QCOMPARE(info.users, data_.numUsers());
    QCOMPARE(info.categoryField, QStringLiteral("category"));
    QVERIFY(!info.categories.isEmpty());

    // Users whose test item the recorded evaluation ranked within 40: K = 40 shows it, marked.
    QSignalSpy metrics(&inspector, &RunInspector::userMetricsReady);
    const auto table = answer<UserMetricsTable>(metrics, inspector.loadUserMetrics());
    QCOMPARE(qint64(table.rows.size()), split_.numTest);
    QCOMPARE(table.source, QStringLiteral("recorded with the run"));
    int marked = 0;
    int checked = 0;
    for (const auto& row : table.rows)
    {
      if (checked == 12)
      {
        break;
      }
      ++checked;
      UserRequest r;
      r.user = row.user;
      r.k = 40;
      const UserView v = view(inspector, r);
      QCOMPARE(v.profile.user, row.user);
      QCOMPARE(int(v.recommendations.size()), 40);
      const std::set<int32_t> train = trainingItems(row.user);
      const int32_t test = data_.item[size_t(split_.testIndex[size_t(row.user)])];
      QCOMPARE(v.profile.testItem, test);
      bool found = false;
      for (size_t i = 0; i < v.recommendations.size(); ++i)
      {
        const RecommendationRow& rec = v.recommendations[i];
        QCOMPARE(rec.rank, int(i) + 1);
        QVERIFY2(!train.count(rec.item), "a training item was recommended");
        QVERIFY(i == 0 || v.recommendations[i - 1].score >= rec.score);
        QCOMPARE(rec.testTarget, rec.item == test);
        found = found || rec.item == test;
      }
      // The recorded rank excludes the validation item too: it may sit one place lower here.
      if (row.rank + 1 < 40)
      {
        QVERIFY2(found, qPrintable(QString("user %1: test item at recorded rank %2 not marked")
                                       .arg(row.userId)
                                       .arg(row.rank)));
        ++marked;
      }
      else if (row.rank > 40)
      {
        QVERIFY(!found);
      }
    }
    qInfo("%d of %d users had their test item marked in the top 40", marked, checked);
  }

  void attentionEqualsExplainAndTokensFollowTheHistory()
  {
    RunInspector inspector(fx_.path, std::make_shared<SnapshotStore>());
    open(inspector, fx_.run);
    auto predictor =
        Predictor::open(inspector.source().loadedFrom.toStdString(), data_, fx_.config);
    for (int32_t user : {3, 57, 120})
    {
      UserRequest r;
      r.user = user;
      const UserView v = view(inspector, r);
      const AttentionMap& m = v.attention;
      QVERIFY(m.valid);
      QCOMPARE(m.item, v.recommendations.front().item);
      const Explanation e = predictor->explain(user, m.item);
      QCOMPARE(m.layers, int(e.weights.size()));
      QCOMPARE(m.heads, fx_.config.model.heads);
      QCOMPARE(m.tokenCount(), int(e.tokens.size()));
      for (int l = 0; l < m.layers; ++l)
      {
        for (int h = 0; h < m.heads; ++h)
        {
          double sum = 0;
          for (int t = 0; t < m.tokenCount(); ++t)
          {
            QCOMPARE(m.weight(l, h, t), e.weights[size_t(l)][size_t(h)][size_t(t)]);
            sum += m.weight(l, h, t);
          }
          QVERIFY(std::fabs(sum - 1.0) < 1e-4);
        }
      }
      // user, context, then the last L training items, oldest first.
      QCOMPARE(m.tokens.at(0), QStringLiteral("user"));
      QCOMPARE(m.tokens.at(1), QStringLiteral("context"));
      const int64_t end = split_.trainEnd[size_t(user)];
      const int64_t start =
          std::max(data_.userStart[size_t(user)], end - int64_t(fx_.config.model.historyLength));
      QCOMPARE(qint64(m.tokenCount() - 2), end - start);
      for (int64_t n = start; n < end; ++n)
      {
        const int32_t item = data_.item[size_t(n)];
        const int t = int(n - start) + 2;
        QCOMPARE(m.tokenItem[size_t(t)], item);
        QVERIFY(m.tokens.at(t).startsWith(QString::fromStdString(data_.itemIds[size_t(item)])));
        QVERIFY(m.tokens.at(t).contains(QString::fromStdString(data_.itemTitles[size_t(item)])));
        if (n > start)
        {
          QVERIFY(data_.ts[size_t(n - 1)] <= data_.ts[size_t(n)]);
        }
      }
      // The profile's model window is the same items.
      int inWindow = 0;
      for (const auto& h : v.profile.history)
      {
        inWindow += h.inWindow ? 1 : 0;
      }
      QCOMPARE(qint64(inWindow), end - start);
    }
  }

  void twoQuickSelectionsDeliverOnlyTheSecond()
  {
    RunInspector inspector(fx_.path, std::make_shared<SnapshotStore>());
    open(inspector, fx_.run);
    QSignalSpy ready(&inspector, &RunInspector::userReady);
    UserRequest first;
    first.user = 10;
    UserRequest second;
    second.user = 11;
    inspector.showUser(first);
    const quint64 token = inspector.showUser(second);
    QVERIFY(QTest::qWaitFor([&] { return !ready.isEmpty(); }, 60000));
    QVERIFY(m6test::settle(inspector));  // the first one's answer, had it come, is in by now
    QCOMPARE(ready.size(), 1);
    QCOMPARE(ready.first().at(0).toULongLong(), token);
    QCOMPARE(ready.first().at(1).value<UserView>().profile.user, 11);
    QCOMPARE(inspector.staleDropped() + inspector.staleSkipped(), 1);
  }

  void errorsAreMessagesNotCrashes()
  {
    RunInspector inspector(fx_.path, std::make_shared<SnapshotStore>());
    // A run whose checkpoint file does not exist.
    QSignalSpy failed(&inspector, &RunInspector::openFailed);
    inspector.openRun(fx_.missingRun);
    QVERIFY(QTest::qWaitFor([&] { return !failed.isEmpty(); }, 60000));
    const QString message = failed.first().first().toString();
    QVERIFY2(message.contains("checkpoint") && message.contains("missing"), qPrintable(message));
    QVERIFY(!inspector.isOpen());
    QSignalSpy requestFailed(&inspector, &RunInspector::requestFailed);
    UserRequest none;
    none.user = 1;
    inspector.showUser(none);
    QVERIFY(QTest::qWaitFor([&] { return !requestFailed.isEmpty(); }, 60000));
    QVERIFY(requestFailed.first().at(2).toString().contains("no run is open"));

    // A user with no history at all.
    open(inspector, fx_.run);
    UserRequest lonely;
    lonely.user = fx_.lonelyUser;
    const UserView v = view(inspector, lonely);
    QCOMPARE(v.profile.user, fx_.lonelyUser);
    QVERIFY2(v.profile.message.contains("no training interactions"), qPrintable(v.profile.message));
    QCOMPARE(int(v.profile.history.size()), 0);
    QCOMPARE(int(v.recommendations.size()), 10);
    QCOMPARE(v.attention.tokens, QStringList({"user", "context"}));
    QVERIFY(v.attention.note.contains("no history"));

    // An item never seen in training, asked for by its id.
    QSignalSpy attention(&inspector, &RunInspector::attentionReady);
    AttentionRequest a;
    a.user = 5;
    a.itemId = QStringLiteral("never");
    const auto pair = answer<AttentionPair>(attention, inspector.explain(a));
    QCOMPARE(pair.first.item, fx_.neverItem);
    QVERIFY2(pair.first.note.contains("never seen in training"), qPrintable(pair.first.note));
    // An unknown item id and an unknown user id.
    requestFailed.clear();
    a.itemId = QStringLiteral("no-such-item");
    inspector.explain(a);
    QVERIFY(QTest::qWaitFor([&] { return !requestFailed.isEmpty(); }, 60000));
    QVERIFY(requestFailed.first().at(2).toString().contains("no item \"no-such-item\""));
    requestFailed.clear();
    UserRequest unknown;
    unknown.userId = QStringLiteral("nobody");
    inspector.showUser(unknown);
    QVERIFY(QTest::qWaitFor([&] { return !requestFailed.isEmpty(); }, 60000));
    QVERIFY(requestFailed.first().at(2).toString().contains("no user \"nobody\""));
  }

  void contextOverrideShowsHowTheListMoves()
  {
    RunInspector inspector(fx_.path, std::make_shared<SnapshotStore>());
    open(inspector, fx_.run);
    QVERIFY(inspector.source().usesContext);
    UserRequest r;
    r.user = 8;
    r.k = 20;
    const UserView base = view(inspector, r);
    QVERIFY(!base.contextCompared);
    r.context.hourOfDay = 3;
    r.context.dayOfWeek = 0;
    const UserView night = view(inspector, r);
    QVERIFY(night.contextCompared);
    for (const auto& row : night.recommendations)
    {
      QVERIFY(row.defaultRank >= 1);
      for (const auto& b : base.recommendations)
      {
        if (b.item == row.item)
        {
          QCOMPARE(row.defaultRank, b.rank);  // the rank it had without the override
        }
      }
    }
  }

  void baselinesRecommendWithoutAttention()
  {
    RunInspector inspector(fx_.path, std::make_shared<SnapshotStore>());
    open(inspector, fx_.popRun);
    QVERIFY(!inspector.source().hasAttention);
    QVERIFY(inspector.source().noAttentionReason.contains("no attention"));
    UserRequest r;
    r.user = 4;
    const UserView v = view(inspector, r);
    QCOMPARE(int(v.recommendations.size()), 10);
    QVERIFY(!v.attention.valid);
    QVERIFY(v.attentionMessage.contains("no attention"));
    const std::set<int32_t> train = trainingItems(4);
    for (size_t i = 0; i < v.recommendations.size(); ++i)
    {
      QVERIFY(!train.count(v.recommendations[i].item));
      QVERIFY(i == 0 || v.recommendations[i - 1].score >= v.recommendations[i].score);
      // Most popular: the score is the training count, which the popularity column shows.
      QCOMPARE(double(v.recommendations[i].score), double(v.recommendations[i].popularity));
    }
    QSignalSpy metrics(&inspector, &RunInspector::userMetricsReady);
    const auto table = answer<UserMetricsTable>(metrics, inspector.loadUserMetrics());
    QCOMPARE(qint64(table.rows.size()), split_.numTest);
    // Baselines keep their per-user test rows (for significance between runs): read, not
    // recomputed.
    QCOMPARE(table.source, QStringLiteral("recorded with the run"));
  }

  void aUserClickIsAnsweredBetweenSlicesOfThePerUserMetrics()
  {
    RunInspector inspector(fx_.path, std::make_shared<SnapshotStore>());
    open(inspector, fx_.run);
    QSignalSpy metrics(&inspector, &RunInspector::userMetricsReady);
    const auto whole = answer<UserMetricsTable>(metrics, inspector.loadUserMetrics());
    QCOMPARE(qint64(whole.rows.size()), split_.numTest);
    // One page of 7 rows per slice: the table takes many slices, and a user asked for after
    // the table is answered between two of them, not after the last.
    inspector.setMetricsSlicing(7, 0);
    QStringList order;
    const auto sliced = metricsThenUser(inspector, 3, &order);
    QCOMPARE(order, (QStringList{QStringLiteral("user"), QStringLiteral("metrics")}));
    // The slices add up to the same table.
    QCOMPARE(sliced.rows.size(), whole.rows.size());
    QCOMPARE(sliced.source, whole.source);
    for (size_t i = 0; i < whole.rows.size(); ++i)
    {
      QCOMPARE(sliced.rows[i].user, whole.rows[i].user);
      QCOMPARE(sliced.rows[i].rank, whole.rows[i].rank);
    }
    // A newer request supersedes a table still coming: only the newer one is answered.
    metrics.clear();
    const quint64 first = inspector.loadUserMetrics();
    const quint64 second = inspector.loadUserMetrics();
    QCOMPARE(qint64(answer<UserMetricsTable>(metrics, second).rows.size()), split_.numTest);
    QVERIFY(m6test::settle(inspector));
    for (const auto& args : metrics)
    {
      QVERIFY(args.at(0).toULongLong() != first);
    }
  }

  void aRunWithoutRecordedRowsIsRankedInSlices()
  {
    // A copy of the workspace whose most-popular run lost its per-user rows (as runs recorded
    // before rows were kept): the rows are computed now, one user per slice here.
    const QString copy = dir_.filePath("no-rows.m6ws");
    QCOMPARE(QProcess::execute(QStringLiteral("sqlite3"),
                               {fx_.path, QStringLiteral(".backup '%1'").arg(copy)}),
             0);
    QCOMPARE(
        QProcess::execute(
            QStringLiteral("sqlite3"),
            {copy,
             QStringLiteral("DELETE FROM run_user_metrics WHERE run_id = %1").arg(fx_.popRun)}),
        0);
    RunInspector recorded(fx_.path, std::make_shared<SnapshotStore>());
    open(recorded, fx_.popRun);
    QSignalSpy recordedSpy(&recorded, &RunInspector::userMetricsReady);
    const auto kept = answer<UserMetricsTable>(recordedSpy, recorded.loadUserMetrics());

    RunInspector inspector(copy, std::make_shared<SnapshotStore>());
    open(inspector, fx_.popRun);
    inspector.setMetricsSlicing(1, 0);
    QStringList order;
    const auto computed = metricsThenUser(inspector, 5, &order);
    QCOMPARE(order, (QStringList{QStringLiteral("user"), QStringLiteral("metrics")}));
    QCOMPARE(computed.source, QStringLiteral("computed now"));
    QCOMPARE(qint64(computed.rows.size()), split_.numTest);
    // Most popular scores by training counts alone: the ranks computed now are the recorded ones.
    QCOMPARE(computed.rows.size(), kept.rows.size());
    for (size_t i = 0; i < kept.rows.size(); ++i)
    {
      QCOMPARE(computed.rows[i].user, kept.rows[i].user);
      QCOMPARE(computed.rows[i].rank, kept.rows[i].rank);
    }
  }

  void searchStatisticsAndMap()
  {
    RunInspector inspector(fx_.path, std::make_shared<SnapshotStore>());
    open(inspector, fx_.run);
    QSignalSpy found(&inspector, &RunInspector::usersFound);
    auto byId =
        answer<UserMatches>(found, inspector.findUsers(QString::fromStdString(data_.userIds[7])));
    QVERIFY(!byId.matches.empty());
    QCOMPARE(byId.matches.front().user, 7);
    const FieldColumn& region = data_.userFields[0];
    const QString value = QString::fromStdString(region.vocab[size_t(region.codes[7])]);
    auto byFeature = answer<UserMatches>(found, inspector.findUsers("region=" + value));
    int expected = 0;
    for (int32_t code : region.codes)
    {
      expected += code == region.codes[7] ? 1 : 0;
    }
    QCOMPARE(int(byFeature.matches.size()), expected);
    QVERIFY(byFeature.matches.front().why.startsWith("region = "));

    QSignalSpy stats(&inspector, &RunInspector::attentionStatsReady);
    const auto s = answer<AttentionStatsView>(stats, inspector.loadAttentionStats(2000));
    QCOMPARE(s.stats.users, split_.numTest);
    QCOMPARE(int(s.stats.perHead.size()), s.stats.layers * s.stats.heads);

    QSignalSpy maps(&inspector, &RunInspector::embeddingMapReady);
    const auto items = answer<EmbeddingMap>(maps, inspector.loadEmbeddingMap(true, 100000));
    QCOMPARE(qint64(items.x.size()), data_.numItems());
    QVERIFY(items.note.isEmpty());
    QCOMPARE(items.colourings.front().codes.size(), items.x.size());
    const auto sampled = answer<EmbeddingMap>(maps, inspector.loadEmbeddingMap(true, 100));
    QCOMPARE(int(sampled.x.size()), 100);
    QVERIFY(sampled.note.contains("deterministic sample"));
    const auto again = answer<EmbeddingMap>(maps, inspector.loadEmbeddingMap(true, 100));
    QCOMPARE(again.index, sampled.index);
    const auto users = answer<EmbeddingMap>(maps, inspector.loadEmbeddingMap(false, 100000));
    QCOMPARE(qint64(users.x.size()), data_.numUsers());
    QVERIFY(users.colourings.size() >= 3);  // most frequent category, region, age quartiles
    QVERIFY(users.note.isEmpty());
    // Above the cap only the sampled users' vectors are computed, and the map says so; each
    // point is its user (the region colouring is the point's own user's region).
    const auto fewer = answer<EmbeddingMap>(maps, inspector.loadEmbeddingMap(false, 100));
    QCOMPARE(int(fewer.x.size()), 100);
    QCOMPARE(fewer.total, data_.numUsers());
    QVERIFY2(fewer.note.contains("fitted on the sample"), qPrintable(fewer.note));
    const std::vector<int32_t> expected100 = mapSample(data_.numUsers(), 100);
    QCOMPARE(std::vector<int32_t>(fewer.index.begin(), fewer.index.end()), expected100);
    const MapColouring& byRegion = fewer.colourings.at(1);
    QCOMPARE(byRegion.name, QString::fromStdString(region.name));
    for (size_t r = 0; r < expected100.size(); ++r)
    {
      QCOMPARE(byRegion.codes[r], region.codes[size_t(expected100[r])]);
      QCOMPARE(fewer.ids.at(int(r)), QString::fromStdString(data_.userIds[size_t(expected100[r])]));
    }
  }
};

QTEST_GUILESS_MAIN(TestInspectWorker)
#include "test_inspect_worker.moc"
