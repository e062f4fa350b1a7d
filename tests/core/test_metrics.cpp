// Metric functions against hand-computed cases: ranks with ties, K cut-offs, AUC, LogLoss,
// RMSE/MAE, coverage, diversity, the metric set's JSON and the activity breakdown.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "model/core/metrics.h"
#include "model/core/rng.h"

using m6::MetricSet;
using m6::UserMetricRow;

class TestMetrics : public QObject
{
  Q_OBJECT
 private Q_SLOTS:
  void rankCountsTiesAgainstTheTarget_data()
  {
    QTest::addColumn<QVector<float>>("scores");
    QTest::addColumn<int>("target");
    QTest::addColumn<QVector<int>>("excluded");
    QTest::addColumn<int>("rank");
    QTest::newRow("clear winner") << QVector<float>{0.1f, 0.9f, 0.3f} << 1 << QVector<int>{} << 0;
    QTest::newRow("one above") << QVector<float>{0.1f, 0.9f, 0.3f} << 2 << QVector<int>{} << 1;
    QTest::newRow("tie ranks after")
        << QVector<float>{0.1f, 0.5f, 0.3f, 0.5f} << 1 << QVector<int>{} << 1;
    QTest::newRow("tie excluded") << QVector<float>{0.1f, 0.5f, 0.3f, 0.5f} << 1 << QVector<int>{3}
                                  << 0;
    QTest::newRow("constant scorer is worst")
        << QVector<float>{1, 1, 1, 1, 1} << 2 << QVector<int>{} << 4;
    QTest::newRow("excluded target still ranked")
        << QVector<float>{0.2f, 0.1f} << 0 << QVector<int>{0} << 0;
    QTest::newRow("nan target last")
        << QVector<float>{0.2f, std::nanf(""), 0.1f} << 1 << QVector<int>{} << 2;
    QTest::newRow("nan other below")
        << QVector<float>{std::nanf(""), 0.1f, 0.3f} << 1 << QVector<int>{} << 1;
  }

  void rankCountsTiesAgainstTheTarget()
  {
    QFETCH(QVector<float>, scores);
    QFETCH(int, target);
    QFETCH(QVector<int>, excluded);
    QFETCH(int, rank);
    std::vector<uint8_t> mask(static_cast<size_t>(scores.size()), 0);
    for (int e : excluded)
    {
      mask[static_cast<size_t>(e)] = 1;
    }
    QCOMPARE(m6::targetRank(scores.data(), scores.size(), target, mask.data()), int64_t(rank));
  }

  void cutOffs_data()
  {
    QTest::addColumn<int>("rank");
    QTest::addColumn<int>("k");
    QTest::addColumn<double>("hr");
    QTest::addColumn<double>("ndcg");
    QTest::addColumn<double>("mrr");
    QTest::newRow("top") << 0 << 10 << 1.0 << 1.0 << 1.0;
    QTest::newRow("second") << 1 << 10 << 1.0 << 1.0 / std::log2(3.0) << 0.5;
    QTest::newRow("third") << 2 << 10 << 1.0 << 0.5 << 1.0 / 3.0;
    QTest::newRow("last inside") << 9 << 10 << 1.0 << 1.0 / std::log2(11.0) << 0.1;
    QTest::newRow("first outside") << 10 << 10 << 0.0 << 0.0 << 0.0;
    QTest::newRow("k=1 miss") << 1 << 1 << 0.0 << 0.0 << 0.0;
    QTest::newRow("k=5 hit") << 4 << 5 << 1.0 << 1.0 / std::log2(6.0) << 0.2;
  }

  void cutOffs()
  {
    QFETCH(int, rank);
    QFETCH(int, k);
    QFETCH(double, hr);
    QFETCH(double, ndcg);
    QFETCH(double, mrr);
    QCOMPARE(m6::hitAtK(rank, k), hr);
    QVERIFY(std::fabs(m6::ndcgAtK(int64_t(rank), k) - ndcg) < 1e-12);
    QVERIFY(std::fabs(m6::mrrAtK(rank, k) - mrr) < 1e-12);
  }

  void severalTargets()
  {
    // Ranks 0, 5 and 12 at K = 10: two of three found.
    QVERIFY(std::fabs(m6::recallAtK({0, 5, 12}, 10) - 2.0 / 3.0) < 1e-12);
    // Ranks 0 and 2: DCG 1 + 1/log2(4) = 1.5; ideal 1 + 1/log2(3).
    double expected = 1.5 / (1.0 + 1.0 / std::log2(3.0));
    QVERIFY(std::fabs(m6::ndcgAtK(std::vector<int64_t>{0, 2}, 10) - expected) < 1e-12);
    QVERIFY(std::isnan(m6::recallAtK({}, 10)));
  }

  void topKOrdersAndExcludes()
  {
    std::vector<float> s = {0.5f, 0.9f, 0.5f, 0.7f, std::nanf(""), 0.95f};
    std::vector<uint8_t> ex = {0, 0, 0, 0, 0, 1};
    auto top = m6::topK(s.data(), 6, 4, ex.data());
    QCOMPARE(top, (std::vector<int32_t>{1, 3, 0, 2}));  // tie 0/2 by index, 5 excluded
    auto all = m6::topK(s.data(), 6, 10, nullptr);
    QCOMPARE(all.size(), size_t(6));
    QCOMPARE(all.back(), 4);  // NaN last
  }

  void topKEqualsAFullSortAndKeepsNoCatalogueCapacity()
  {
    // Random scores with many ties and some NaN, random exclusions: the bounded heap gives
    // exactly the first k of a full sort by (score desc, NaN last, index).
    m6::DemoRng rng(5);
    const int64_t n = 5000;
    std::vector<float> s(static_cast<size_t>(n));
    std::vector<uint8_t> ex(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
    {
      const uint64_t r = rng.below(100);
      s[static_cast<size_t>(i)] = r < 3 ? std::nanf("") : static_cast<float>(rng.below(50));
      ex[static_cast<size_t>(i)] = rng.below(10) == 0 ? 1 : 0;
    }
    std::vector<int32_t> all;
    for (int64_t i = 0; i < n; ++i)
    {
      if (!ex[static_cast<size_t>(i)])
      {
        all.push_back(static_cast<int32_t>(i));
      }
    }
    std::stable_sort(all.begin(), all.end(),
                     [&](int32_t a, int32_t b)
                     {
                       const float sa = s[static_cast<size_t>(a)];
                       const float sb = s[static_cast<size_t>(b)];
                       if (std::isnan(sa) != std::isnan(sb))
                       {
                         return std::isnan(sb);
                       }
                       return !std::isnan(sa) && sa > sb;
                     });
    for (int k : {1, 10, 100, 4600})
    {
      auto top = m6::topK(s.data(), n, k, ex.data());
      const size_t want = std::min(all.size(), static_cast<size_t>(k));
      QCOMPARE(top, std::vector<int32_t>(all.begin(), all.begin() + static_cast<long>(want)));
      QVERIFY(top.capacity() <= static_cast<size_t>(k));  // one list per user must stay small
    }
    QVERIFY(m6::topK(s.data(), n, 0, ex.data()).empty());
  }

  void pointwise()
  {
    // Classic example: one of the four positive-negative pairs is ordered wrongly.
    QCOMPARE(m6::auc({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), 0.75);
    QCOMPARE(m6::auc({0.5, 0.5}, {1, 0}), 0.5);  // a tie counts one half
    QCOMPARE(m6::auc({0.2, 0.9, 0.4}, {0, 1, 0}), 1.0);
    QVERIFY(std::isnan(m6::auc({0.2, 0.3}, {1, 1})));
    double ll = (-std::log(0.9) - std::log(0.8)) / 2.0;
    QVERIFY(std::fabs(m6::logLoss({0.9, 0.2}, {1, 0}) - ll) < 1e-12);
    QVERIFY(std::isfinite(m6::logLoss({0.0, 1.0}, {1, 0})));  // clipped, not infinite
    QVERIFY(std::fabs(m6::rmse({1, 2, 3}, {1, 3, 5}) - std::sqrt(5.0 / 3.0)) < 1e-12);
    QCOMPARE(m6::mae({1, 2, 3}, {1, 3, 5}), 1.0);
  }

  void coverageAndDiversity()
  {
    QCOMPARE(m6::coverage({{0, 1}, {1, 2}}, 10), 0.3);
    QVERIFY(std::fabs(m6::intraListDiversity({0, 1, 2}, {0, 0, 1}) - 2.0 / 3.0) < 1e-12);
    QCOMPARE(m6::intraListDiversity({0, 1}, {3, 3}), 0.0);
    QVERIFY(std::isnan(m6::intraListDiversity({0, 1}, {-1, 2})));  // one known category only
  }

  void aggregateAndBreakdown()
  {
    std::vector<UserMetricRow> rows(3);
    rows[0].rank = 0;
    rows[0].trainInteractions = 3;  // cold
    rows[1].rank = 3;
    rows[1].trainInteractions = 6;  // medium
    rows[2].rank = 20;
    rows[2].trainInteractions = 21;  // heavy
    MetricSet m = m6::aggregateRows(rows, m6::Task::Ranking, 10, "p");
    QCOMPARE(m.protocol, std::string("p"));
    QVERIFY(std::fabs(m.get("hr@10") - 2.0 / 3.0) < 1e-12);
    QVERIFY(std::fabs(m.get("recall@10") - 2.0 / 3.0) < 1e-12);
    QVERIFY(std::fabs(m.get("ndcg@10") - (1.0 + 1.0 / std::log2(5.0)) / 3.0) < 1e-12);
    QVERIFY(std::fabs(m.get("mrr@10") - (1.0 + 0.25) / 3.0) < 1e-12);
    auto buckets = m6::breakdownByActivity(rows, m6::Task::Ranking, 10, "p");
    QCOMPARE(buckets.size(), size_t(3));
    QCOMPARE(buckets[0].bucket, std::string("cold"));
    QCOMPARE(buckets[0].users, int64_t(1));
    QCOMPARE(buckets[0].metrics.get("hr@10"), 1.0);
    QCOMPARE(buckets[2].bucket, std::string("heavy"));
    QCOMPARE(buckets[2].metrics.get("hr@10"), 0.0);
    QCOMPARE(m6::activityBucket(5), m6::ActivityBucket::Cold);
    QCOMPARE(m6::activityBucket(20), m6::ActivityBucket::Medium);

    std::vector<UserMetricRow> ctr(4);
    double p[4] = {0.1, 0.4, 0.35, 0.8};
    double y[4] = {0, 0, 1, 1};
    for (int i = 0; i < 4; ++i)
    {
      ctr[static_cast<size_t>(i)].prediction = p[i];
      ctr[static_cast<size_t>(i)].label = y[i];
    }
    MetricSet c = m6::aggregateRows(ctr, m6::Task::Ctr, 10, "q");
    QCOMPARE(c.get("auc"), 0.75);
    QVERIFY(!c.has("ndcg@10"));
  }

  void rowsWithSeveralTargets()
  {
    // A ratio split's user: three test items ranked 4, 7 and 15 in one list, K = 10.
    UserMetricRow several;
    several.rank = 4;
    several.ranks = {4, 7, 15};
    UserMetricRow one;
    one.rank = 12;
    QCOMPARE(m6::rowRankingMetric(several, "hr", 10), 1.0);
    QCOMPARE(m6::rowRankingMetric(several, "mrr", 10), 1.0 / 5.0);
    QVERIFY(std::fabs(m6::rowRankingMetric(several, "recall", 10) - 2.0 / 3.0) < 1e-12);
    const double dcg = 1.0 / std::log2(6.0) + 1.0 / std::log2(9.0);
    const double ideal = 1.0 + 1.0 / std::log2(3.0) + 1.0 / std::log2(4.0);
    QVERIFY(std::fabs(m6::rowRankingMetric(several, "ndcg", 10) - dcg / ideal) < 1e-12);
    QCOMPARE(m6::rowRankingMetric(one, "recall", 10), 0.0);
    QCOMPARE(m6::rowRankingMetric(one, "recall", 20), 1.0);  // one target: recall is HR
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m6::rowRankingMetric(one, "auc", 10));
    // Means over users: recall and HR part ways as soon as a user has several targets.
    MetricSet m = m6::aggregateRows({several, one}, m6::Task::Ranking, 10, "p");
    QCOMPARE(m.get("hr@10"), 0.5);
    QVERIFY(std::fabs(m.get("recall@10") - 1.0 / 3.0) < 1e-12);
    QVERIFY(std::fabs(m.get("ndcg@10") - dcg / ideal / 2.0) < 1e-12);
    QCOMPARE(m6::rowValues(several, m6::Task::Ranking, 10)[3].second,
             m6::rowRankingMetric(several, "recall", 10));
  }

  void metricSetJsonRoundTrip()
  {
    MetricSet m;
    m.protocol = m6::rankingProtocol(10, false);
    m.set("ndcg@10", 0.25);
    m.set("hr@10", 0.5);
    m.set("diversity@10", std::nan(""));
    m.set("ndcg@10", 0.125);  // replaces, keeps order
    QCOMPARE(m.values.front().first, std::string("ndcg@10"));
    MetricSet back = MetricSet::fromJson(m6::Json::parse(m.toJson().dump()));
    QVERIFY(back == m);
    QCOMPARE(back.get("ndcg@10"), 0.125);
    QVERIFY(std::isnan(back.get("missing")));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, MetricSet::fromJson(m6::Json::parse("{}")));
    QCOMPARE(m.valuesJson().at("hr@10").asDouble(), 0.5);
  }

  void protocolsAreLabelled()
  {
    std::string full = m6::rankingProtocol(10, false);
    std::string sampled = m6::rankingProtocol(20, true);
    QVERIFY(full.find("full ranking") != std::string::npos);
    QVERIFY(full.find("K=10") != std::string::npos);
    QVERIFY(sampled.find("100 sampled negatives") != std::string::npos);
    QVERIFY(sampled.find("not comparable") != std::string::npos);
    QVERIFY(sampled.find("K=20") != std::string::npos);
    QCOMPARE(m6::metricName("ndcg", 5), std::string("ndcg@5"));
    QCOMPARE(m6::metricName("auc", 5), std::string("auc"));
  }
};

QTEST_APPLESS_MAIN(TestMetrics)
#include "test_metrics.moc"
