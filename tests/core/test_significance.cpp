// Paired significance between runs (model/core/significance.h): the Wilcoxon signed-rank test
// against published and hand-computed values, the seeded paired bootstrap, and the pairing rules
// (same users, same held-out targets); run groups (several seeds per side) averaged per user; and
// the spread of a group's results (model/core/spread.h): Student's t quantiles and intervals.
#include <QtTest>
#include <cmath>

#include "model/core/rng.h"
#include "model/core/significance.h"
#include "model/core/spread.h"

namespace
{

m6::UserMetricRow rankRow(int32_t user, int32_t item, int64_t rank)
{
  m6::UserMetricRow r;
  r.user = user;
  r.item = item;
  r.rank = rank;
  return r;
}

}  // namespace

class TestSignificance : public QObject
{
  Q_OBJECT

 private Q_SLOTS:
  void wilcoxonExactMatchesScipyExample()
  {
    // scipy.stats.wilcoxon's documented example: statistic 24, p = 0.041259765625 (exact).
    std::vector<double> d = {6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75};
    m6::WilcoxonResult w = m6::wilcoxonSignedRank(d);
    QVERIFY(w.exact);
    QCOMPARE(w.n, int64_t(15));
    QCOMPARE(w.wPlus, 96.0);
    QVERIFY(std::fabs(w.pValue - 0.041259765625) < 1e-12);
    // The sign of every difference flipped: the same two-sided p.
    for (double& x : d)
    {
      x = -x;
    }
    QVERIFY(std::fabs(m6::wilcoxonSignedRank(d).pValue - 0.041259765625) < 1e-12);
  }

  void wilcoxonWithTiesUsesCorrectedNormalApproximation()
  {
    // Zeros dropped (n = 11), average ranks for ties, variance tie-corrected; the figures were
    // computed by hand from the textbook formula (W+ = 54.5, z = 1.94952).
    std::vector<double> d = {1, 1, 1, -1, 2, 2, 0, 3, -2, 1, 4, 1};
    m6::WilcoxonResult w = m6::wilcoxonSignedRank(d);
    QVERIFY(!w.exact);
    QCOMPARE(w.n, int64_t(11));
    QCOMPARE(w.wPlus, 54.5);
    QVERIFY(std::fabs(w.z - 1.9495170298146958) < 1e-9);
    QVERIFY(std::fabs(w.pValue - 0.05123371108910835) < 1e-9);
  }

  void wilcoxonNormalApproximationAgreesWithExactForLargeN()
  {
    m6::DemoRng rng(5);
    std::vector<double> d;
    for (int i = 0; i < 50; ++i)
    {
      d.push_back(rng.normal() + 0.3 + i * 1e-6);  // distinct magnitudes: exact at n = 50
    }
    m6::WilcoxonResult exact = m6::wilcoxonSignedRank(d);
    QVERIFY(exact.exact);
    d.push_back(1000);  // n = 51: the normal approximation
    d.push_back(-1000.5);
    m6::WilcoxonResult approx = m6::wilcoxonSignedRank(d);
    QVERIFY(!approx.exact);
    QVERIFY2(std::fabs(exact.pValue - approx.pValue) < 0.02,
             qPrintable(QString("exact %1 vs normal %2").arg(exact.pValue).arg(approx.pValue)));
    QVERIFY(exact.pValue < 0.1);  // a shift of 0.3 sd over 50 pairs
  }

  void noDifferenceGivesPOne()
  {
    m6::WilcoxonResult w = m6::wilcoxonSignedRank({0, 0, 0});
    QCOMPARE(w.n, int64_t(0));
    QCOMPARE(w.pValue, 1.0);
    QCOMPARE(m6::wilcoxonSignedRank({}).pValue, 1.0);
  }

  void bootstrapIsSeededAndCoversTheMean()
  {
    m6::DemoRng rng(11);
    std::vector<double> v;
    for (int i = 0; i < 400; ++i)
    {
      v.push_back(0.5 + rng.normal());
    }
    double mean = 0;
    for (double x : v)
    {
      mean += x / 400.0;
    }
    m6::BootstrapInterval a = m6::bootstrapMeanInterval(v, 2000, 7);
    m6::BootstrapInterval b = m6::bootstrapMeanInterval(v, 2000, 7);
    m6::BootstrapInterval c = m6::bootstrapMeanInterval(v, 2000, 8);
    QCOMPARE(a.low, b.low);
    QCOMPARE(a.high, b.high);
    QVERIFY(a.low != c.low);
    QVERIFY(a.low < mean && mean < a.high);
    // About mean +- 1.96 sd / sqrt(n) = +- 0.098 for a unit standard deviation.
    const double half = (a.high - a.low) / 2;
    QVERIFY2(half > 0.07 && half < 0.13, qPrintable(QString::number(half)));
    m6::BootstrapInterval constant = m6::bootstrapMeanInterval({0.25, 0.25, 0.25}, 100, 1);
    QCOMPARE(constant.low, 0.25);
    QCOMPARE(constant.high, 0.25);
  }

  void identicalRunsDifferByNothing()
  {
    std::vector<m6::UserMetricRow> rows = {rankRow(0, 5, 0), rankRow(1, 6, 3), rankRow(2, 7, 40)};
    m6::PairedComparison c = m6::pairedComparison(rows, rows, m6::Task::Ranking, "ndcg@10");
    QCOMPARE(c.users, int64_t(3));
    QCOMPARE(c.meanDifference, 0.0);
    QCOMPARE(c.ci.low, 0.0);
    QCOMPARE(c.ci.high, 0.0);
    QCOMPARE(c.wilcoxon.pValue, 1.0);
    QCOMPARE(c.tied, int64_t(3));
    QCOMPARE(c.better + c.worse, int64_t(0));
    m6::Json j = c.toJson();
    QCOMPARE(j["ci95"].asArray().size(), size_t(2));
    QCOMPARE(j["p_value"].asDouble(), 1.0);
  }

  void pairsByUserAndCountsByTheMetricsDirection()
  {
    // A ranks users 0 and 1 better, user 2 worse, user 3 the same; B lists its users in
    // another order (pairing is by user, not by position).
    std::vector<m6::UserMetricRow> a = {rankRow(0, 5, 0), rankRow(1, 6, 1), rankRow(2, 7, 9),
                                        rankRow(3, 8, 50)};
    std::vector<m6::UserMetricRow> b = {rankRow(3, 8, 60), rankRow(2, 7, 2), rankRow(1, 6, 30),
                                        rankRow(0, 5, 4)};
    m6::PairedComparison c = m6::pairedComparison(a, b, m6::Task::Ranking, "hr@5");
    QCOMPARE(c.better, int64_t(1));  // hr@5: user 1 (hit vs miss); user 0 hits in both
    QCOMPARE(c.worse, int64_t(1));   // user 2
    QCOMPARE(c.tied, int64_t(2));
    m6::PairedComparison n = m6::pairedComparison(a, b, m6::Task::Ranking, "ndcg@100");
    QCOMPARE(n.better, int64_t(3));  // any K: ranks are stored
    QCOMPARE(n.worse, int64_t(1));
    QVERIFY(n.meanDifference > 0);
    QCOMPARE(n.differences.size(), size_t(4));
    QCOMPARE(n.differences[0], 1.0 - 1.0 / std::log2(6.0));  // user 0: rank 0 vs rank 4
    m6::PairedComparison swapped = m6::pairedComparison(b, a, m6::Task::Ranking, "ndcg@100");
    QCOMPARE(swapped.meanDifference, -n.meanDifference);
    QCOMPARE(swapped.wilcoxon.pValue, n.wilcoxon.pValue);
    QCOMPARE(swapped.better, n.worse);

    // Lower is better for a loss: A's smaller error counts as better.
    m6::UserMetricRow ra;
    ra.user = 0;
    ra.item = 1;
    ra.prediction = 3.5;
    ra.label = 4;
    m6::UserMetricRow rb = ra;
    rb.prediction = 2;
    m6::PairedComparison e = m6::pairedComparison({ra}, {rb}, m6::Task::Rating, "abs_error");
    QCOMPARE(e.better, int64_t(1));
    QCOMPARE(e.meanDifference, -1.5);
    QCOMPARE(m6::pairedComparison({ra}, {rb}, m6::Task::Rating, "squared_error").meanDifference,
             0.25 - 4.0);
  }

  void verdictNamesTheBetterRunAndHowFirmly()
  {
    m6::PairedComparison c;
    c.metric = "ndcg@10";
    QVERIFY(m6::significanceVerdict(c).find("no user differs") == 0);
    c.wilcoxon.n = 40;
    c.meanDifference = 0.03;
    c.ci = {0.01, 0.05};
    c.wilcoxon.pValue = 0.002;
    QCOMPARE(m6::significanceVerdict(c).substr(0, 30),
             std::string("A is better, significantly (p "));
    c.meanDifference = -0.03;
    c.ci = {-0.05, -0.01};
    QVERIFY(m6::significanceVerdict(c).find("B is better, significantly") == 0);
    c.ci = {-0.05, 0.01};  // the interval includes 0, the test says significant
    QVERIFY(m6::significanceVerdict(c).find("B looks better, but the two tests disagree") == 0);
    c.wilcoxon.pValue = 0.4;
    QVERIFY(m6::significanceVerdict(c).find("no significant difference") == 0);
    // Lower is better for a loss: A's negative difference makes A the better run.
    c.metric = "logloss";
    c.ci = {-0.05, -0.01};
    c.wilcoxon.pValue = 0.001;
    QVERIFY(m6::significanceVerdict(c).find("A is better") == 0);
  }

  void refusesRowsThatDoNotPair()
  {
    std::vector<m6::UserMetricRow> a = {rankRow(0, 5, 0), rankRow(1, 6, 1)};
    auto refused =
        [&](const std::vector<m6::UserMetricRow>& b, const char* metric, const char* words)
    {
      try
      {
        m6::pairedComparison(a, b, m6::Task::Ranking, metric);
      }
      catch (const std::invalid_argument& e)
      {
        return QString(e.what()).contains(words);
      }
      return false;
    };
    QVERIFY(refused({rankRow(0, 5, 0)}, "ndcg@10", "different users"));
    QVERIFY(refused({rankRow(0, 5, 0), rankRow(2, 6, 1)}, "ndcg@10", "not evaluated by run B"));
    QVERIFY(refused({rankRow(0, 5, 0), rankRow(1, 9, 1)}, "ndcg@10", "held out item #6"));
    QVERIFY(refused({}, "ndcg@10", "no per-user"));
    QVERIFY(refused(a, "auc", "does not fit a ranking run"));
    QVERIFY(refused(a, "ndcg@", "does not fit"));
    QVERIFY(refused(a, "ndcg@0", "does not fit"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m6::pairedHigherIsBetter("accuracy"));
  }

  void groupsCompareTheMeanOfTheirMembersPerUser()
  {
    // Three users; A's members rank user 0's target 1st and 3rd, B's 2nd and 2nd.
    const std::vector<m6::UserMetricRow> a1 = {rankRow(0, 5, 0), rankRow(1, 6, 0),
                                               rankRow(2, 7, 20)};
    const std::vector<m6::UserMetricRow> a2 = {rankRow(2, 7, 20), rankRow(0, 5, 2),
                                               rankRow(1, 6, 0)};
    const std::vector<m6::UserMetricRow> b1 = {rankRow(0, 5, 1), rankRow(1, 6, 30),
                                               rankRow(2, 7, 20)};
    const std::vector<m6::UserMetricRow> b2 = {rankRow(0, 5, 1), rankRow(1, 6, 30),
                                               rankRow(2, 7, 20)};
    m6::PairedComparison c =
        m6::pairedGroupComparison({&a1, &a2}, {&b1, &b2}, m6::Task::Ranking, "hr@1");
    QCOMPARE(c.users, int64_t(3));
    // hr@1 per user: A = (1+0)/2, 1, 0; B = 0, 0, 0.
    QCOMPARE(c.meanA, 0.5);
    QCOMPARE(c.meanB, 0.0);
    QCOMPARE(c.better, int64_t(2));
    QCOMPARE(c.tied, int64_t(1));
    QCOMPARE(c.differences, (std::vector<double>{0.5, 1.0, 0.0}));
    // One member each is the ordinary comparison.
    m6::PairedComparison one =
        m6::pairedGroupComparison({&a1}, {&b1}, m6::Task::Ranking, "ndcg@10");
    QCOMPARE(one.meanDifference,
             m6::pairedComparison(a1, b1, m6::Task::Ranking, "ndcg@10").meanDifference);
    // A member on another split is refused, named as a member.
    const std::vector<m6::UserMetricRow> moved = {rankRow(0, 9, 1), rankRow(1, 6, 30),
                                                  rankRow(2, 7, 20)};
    try
    {
      m6::pairedGroupComparison({&a1, &a2}, {&b1, &moved}, m6::Task::Ranking, "hr@1");
      QFAIL("a member held out another item and was not refused");
    }
    catch (const std::invalid_argument& e)
    {
      QVERIFY2(QString(e.what()).contains("a member of B"), e.what());
    }
  }

  void studentTQuantilesMatchTables()
  {
    // Reference values: scipy.stats.t.ppf.
    const std::vector<std::tuple<double, int, double>> table = {
        {0.975, 1, 12.706204736}, {0.975, 2, 4.302652730},   {0.975, 4, 2.776445105},
        {0.975, 9, 2.262157163},  {0.975, 30, 2.042272456},  {0.995, 10, 3.169272673},
        {0.9, 5, 1.475884049},    {0.975, 1000, 1.962339081}};
    for (const auto& [p, df, t] : table)
    {
      const double got = m6::studentTQuantile(p, df);
      QVERIFY2(
          std::fabs(got - t) < 1e-6,
          qPrintable(QStringLiteral("t(%1, %2) = %3, expected %4").arg(p).arg(df).arg(got).arg(t)));
      QVERIFY(std::fabs(m6::studentTQuantile(1 - p, df) + t) < 1e-6);
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m6::studentTQuantile(1.0, 3));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m6::studentTQuantile(0.9, 0));
  }

  void spreadGivesMeanSdAndTInterval()
  {
    const m6::Spread s = m6::spreadOf({1, 2, 3, 4, 5});
    QCOMPARE(s.n, 5);
    QCOMPARE(s.mean, 3.0);
    QVERIFY(std::fabs(s.sd - std::sqrt(2.5)) < 1e-12);
    const double half = 2.776445105 * std::sqrt(2.5) / std::sqrt(5.0);
    QVERIFY(std::fabs(s.low - (3 - half)) < 1e-6);
    QVERIFY(std::fabs(s.high - (3 + half)) < 1e-6);
    // Non-finite values are left out; one value has no spread.
    const m6::Spread one = m6::spreadOf({0.25, std::nan("")});
    QCOMPARE(one.n, 1);
    QCOMPARE(one.sd, 0.0);
    QCOMPARE(one.low, 0.25);
    QCOMPARE(one.high, 0.25);
    QVERIFY(std::isnan(m6::spreadOf({}).mean));
    const m6::Json j = s.toJson();
    QCOMPARE(j.at("ci95").size(), size_t(2));
    QCOMPARE(j.at("n").asInt(), int64_t(5));
    // Per metric, in the order the sets name them, over the sets that have the metric.
    m6::MetricSet x;
    x.values = {{"ndcg@10", 0.1}, {"hr@10", 0.2}};
    m6::MetricSet y;
    y.values = {{"ndcg@10", 0.3}};
    const auto spreads = m6::metricSpreads({&x, &y});
    QCOMPARE(spreads.size(), size_t(2));
    QCOMPARE(spreads[0].first, std::string("ndcg@10"));
    QCOMPARE(spreads[0].second.n, 2);
    QVERIFY(std::fabs(spreads[0].second.mean - 0.2) < 1e-12);
    QCOMPARE(spreads[1].first, std::string("hr@10"));
    QCOMPARE(spreads[1].second.n, 1);
  }
};

QTEST_APPLESS_MAIN(TestSignificance)
#include "test_significance.moc"
