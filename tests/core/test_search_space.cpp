// The search space: reading and refusing spaces, the grid's exact enumeration, seeded random
// draws, and the successive-halving rule on a fixture whose ranking is known.
#include <QtTest>
#include <cmath>
#include <set>

#include "model/core/search_space.h"

using m6::Json;

namespace
{

m6::SearchSpace space(const char* text)
{
  return m6::SearchSpace::fromJson(Json::parse(text));
}

QString refusal(const char* text)
{
  try
  {
    space(text);
  }
  catch (const std::invalid_argument& e)
  {
    return QString::fromStdString(e.what());
  }
  return {};
}

}  // namespace

class TestSearchSpace : public QObject
{
  Q_OBJECT

 private slots:
  void badSpacesAreRefusedNamingTheKey_data()
  {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown") << R"({"model.colour": [1]})"
                             << "model.colour";
    QTest::newRow("empty list") << R"({"model.heads": []})"
                                << "empty";
    QTest::newRow("bad enum") << R"({"model.scorer": ["dot", "cosine"]})"
                              << "model.scorer";
    QTest::newRow("outside knob") << R"({"model.heads": [2, 64]})"
                                  << "outside";
    QTest::newRow("range on enum") << R"({"model.merge": {"min": 1, "max": 2}})"
                                   << "numeric";
    QTest::newRow("min > max") << R"({"train.lr": {"min": 0.1, "max": 0.01}})"
                               << "greater";
    QTest::newRow("log from 0") << R"({"train.weight_decay": {"min": 0, "max": 0.1, "log": true}})"
                                << "min > 0";
    QTest::newRow("measured") << R"({"train.eval_k": [5, 10]})"
                              << "what is measured";
    QTest::newRow("split") << R"({"train.split": ["loo-time", "ratio-time"]})"
                           << "what is measured";
    QTest::newRow("twice") << R"({"model.heads": [1], "heads": [2]})"
                           << "twice";
    QTest::newRow("not object") << R"([1, 2])"
                                << "expected an object";
    QTest::newRow("bad entry") << R"({"train.lr": {"min": 0.1, "max": 1, "logg": true}})"
                               << "logg";
  }

  void badSpacesAreRefusedNamingTheKey()
  {
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const QString why = refusal(text.toUtf8().constData());
    QVERIFY2(!why.isEmpty(), "accepted");
    QVERIFY2(why.contains(expected), qPrintable(why));
  }

  void gridEnumeratesExactlyTheGrid()
  {
    auto s = space(R"({"heads": [1, 2], "model.history_length": {"min": 3, "max": 5},
                       "train.lr": {"min": 0.0001, "max": 0.01, "log": true, "steps": 3}})");
    QCOMPARE(s.dimensions[0].key, std::string("model.heads"));  // bare names resolve
    QCOMPARE(s.gridSize(), int64_t(2 * 3 * 3));
    auto trials = m6::gridTrials(s, 1000);
    QCOMPARE(trials.size(), size_t(18));
    std::set<std::string> distinct;
    for (const auto& t : trials)
    {
      distinct.insert(m6::trialJson(t).dump());
    }
    QCOMPARE(distinct.size(), size_t(18));
    // The last key varies fastest, the first slowest; log steps are 1e-4, 1e-3, 1e-2.
    QCOMPARE(m6::trialLabel(trials[0]),
             std::string("model.heads=1, model.history_length=3, train.lr=0.0001"));
    QCOMPARE(m6::trialLabel(trials[1]),
             std::string("model.heads=1, model.history_length=3, train.lr=0.001"));
    QCOMPARE(m6::trialLabel(trials[3]),
             std::string("model.heads=1, model.history_length=4, train.lr=0.0001"));
    QCOMPARE(m6::trialLabel(trials[17]),
             std::string("model.heads=2, model.history_length=5, train.lr=0.01"));
    QCOMPARE(m6::gridTrials(s, 5).size(), size_t(5));
    // A real range without steps has no grid.
    auto real = space(R"({"train.lr": {"min": 0.001, "max": 0.01}})");
    QCOMPARE(real.gridSize(), int64_t(0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m6::gridTrials(real, 10));
  }

  void randomDrawsAreSeededAndInRange()
  {
    auto s = space(R"({"model.dim": {"min": 16, "max": 64}, "train.lr": {"min": 0.0001,
                       "max": 0.1, "log": true}, "model.history_encoder": ["gru", "none"]})");
    std::set<std::string> seen;
    int belowGeoMean = 0;
    for (int i = 0; i < 200; ++i)
    {
      auto t = m6::randomTrial(s, 7, i);
      QCOMPARE(m6::trialJson(t).dump(), m6::trialJson(m6::randomTrial(s, 7, i)).dump());
      seen.insert(m6::trialJson(t).dump());
      QVERIFY(t[0].second.isInt());
      QVERIFY(t[0].second.asInt() >= 16 && t[0].second.asInt() <= 64);
      const double lr = t[1].second.asDouble();
      QVERIFY(lr >= 1e-4 && lr <= 0.1);
      belowGeoMean += lr < std::sqrt(1e-4 * 0.1) ? 1 : 0;
      const auto& enc = t[2].second.asString();
      QVERIFY(enc == "gru" || enc == "none");
      // The trial applies to a config.
      m6::RunConfig c = m6::applyTrial(m6::RunConfig{}, t);
      QCOMPARE(int64_t(c.model.dim), t[0].second.asInt());
    }
    QVERIFY(seen.size() > 190);
    // Log scale: about half of the draws below the geometric mean (uniform would give ~3%).
    QVERIFY2(belowGeoMean > 70 && belowGeoMean < 130, qPrintable(QString::number(belowGeoMean)));
    QVERIFY(m6::trialJson(m6::randomTrial(s, 7, 0)).dump() !=
            m6::trialJson(m6::randomTrial(s, 8, 0)).dump());
  }

  void spaceRoundTripsThroughJson()
  {
    auto s = space(R"({"heads": [1, 2], "train.lr": {"min": 0.001, "max": 0.1, "log": true}})");
    auto again = m6::SearchSpace::fromJson(s.toJson());
    QCOMPARE(again.toJson().dump(), s.toJson().dump());
    QCOMPARE(again.dimensions[1].log, true);
  }

  void halvingStopsTheTrialsItShould()
  {
    m6::HalvingRule rule;
    rule.minEpochs = 1;
    rule.eta = 3;
    QCOMPARE(rule.rungs(10), (std::vector<int>{1, 3, 9}));
    QCOMPARE(rule.rungs(1), std::vector<int>{});
    rule.minEpochs = 2;
    rule.eta = 2;
    QCOMPARE(rule.rungs(9), (std::vector<int>{2, 4, 8}));
    rule.eta = 3;
    // Trials arrive in this order with these rung values (higher is better). Keep the best
    // max(1, n / 3) of the n values so far: the first always goes on; then only a new best,
    // until n reaches 6, when the best two go on.
    const std::vector<double> values{0.5, 0.4, 0.6, 0.3, 0.55, 0.58, 0.2};
    const std::vector<bool> expected{true, false, true, false, false, true, false};
    std::vector<double> earlier;
    for (size_t i = 0; i < values.size(); ++i)
    {
      QCOMPARE(rule.survives(earlier, values[i], true), bool(expected[i]));
      earlier.push_back(values[i]);
    }
    // Lower is better (rmse): the same ranking mirrored.
    QVERIFY(rule.survives({0.9, 1.1}, 0.8, false));
    QVERIFY(!rule.survives({0.9, 1.1}, 1.0, false));
    // Ties go on; a trial without a figure does not.
    QVERIFY(rule.survives({0.5, 0.5}, 0.5, true));
    QVERIFY(!rule.survives({0.5}, std::nan(""), true));
  }
};

QTEST_APPLESS_MAIN(TestSearchSpace)
#include "test_search_space.moc"
