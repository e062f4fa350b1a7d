// On the demo dataset (1,000 users, 1,500 items, 100,000 interactions) with the balanced
// preset, M6 beats most-popular and BPR-MF on validation NDCG@10 by a clear margin, and its
// attention weighs history items of the planted trigger categories more than the others, also
// when the model was trained on shared history windows.
#include <QtTest>
#include <chrono>
#include <cmath>
#include <set>

#include "model/core/demo_data.h"
#include "model/core/json.h"
#include "model/core/split.h"
#include "model/engine.h"
#include "model_test_util.h"

using m6::RunConfig;

class TestDemoQuality : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_ = m6test::makeTempDir();
  m6::DatasetSnapshot data_;
  RunConfig config_ = m6::preset("balanced");
  m6::TrainOutcome m6_;

 private Q_SLOTS:
  void initTestCase()
  {
    data_ = m6::generateDemoDataset(m6::DemoOptions{});
    m6::TrainCallbacks cb;
    cb.onLog = [](const std::string& line) { qInfo("m6: %s", line.c_str()); };
    auto start = std::chrono::steady_clock::now();
    m6_ = m6::train(data_, config_, m6test::runDir(dir_, "balanced"), cb);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    QCOMPARE(m6_.status, m6::RunStatus::Finished);
    qInfo(
        "balanced preset: %d epochs (best %d), %.0f examples/s, %.1f s/epoch, %.0f s in all, "
        "%lld parameters",
        m6_.epochsRun, m6_.bestEpoch, m6_.examplesPerSecond, m6_.secondsPerEpoch, seconds,
        static_cast<long long>(m6_.parameters));
    qInfo("m6 valid %s", m6_.valid.valuesJson().dump().c_str());
    qInfo("m6 test  %s", m6_.test.valuesJson().dump().c_str());
    for (const auto& b : m6_.testByActivity)
    {
      qInfo("  %s users (%lld): %s", b.bucket.c_str(), static_cast<long long>(b.users),
            b.metrics.valuesJson().dump().c_str());
    }
  }

  void beatsEveryBaselineClearly()
  {
    m6::BaselineOutcome b = m6::runBaselines(data_, config_);
    QCOMPARE(b.status, m6::RunStatus::Finished);
    QCOMPARE(b.baselines.size(), m6::baselineNames().size());
    QCOMPARE(b.protocol, m6_.valid.protocol);
    const double ours = m6_.valid.get("ndcg@10");
    for (const auto& r : b.baselines)
    {
      const double theirs = r.valid.get("ndcg@10");
      qInfo("valid ndcg@10: m6 %.4f vs %s %.4f (x%.2f); test m6 %.4f vs %.4f", ours, r.name.c_str(),
            theirs, ours / theirs, m6_.test.get("ndcg@10"), r.test.get("ndcg@10"));
      QVERIFY(theirs > 0.01);  // a real yardstick, not a broken one
      // Clear margin: at least a quarter better than most-popular and BPR-MF (issue 15's
      // yardsticks; x2.07 and x1.39 here). ItemKNN and EASE^R are the strongest baselines on the
      // demo, and against them the balanced preset's margin moves with the seed: x1.18 to x1.28
      // over train.seed 1, 2, 3 and 42 (validation 0.1084-0.1172 against EASE^R's 0.0919), so a
      // quarter held at one seed in four; 15% holds at every one of them.
      const bool neighbours = r.name == "itemknn" || r.name == "ease";
      QVERIFY2(ours > (neighbours ? 1.15 : 1.25) * theirs, r.name.c_str());
    }
  }

  void attentionFavoursPlantedTriggers_data()
  {
    QTest::addColumn<bool>("windows");
    QTest::newRow("trained per example") << false;
    // Issue 15: a model trained on shared history windows (causal attention with relative
    // position and time-gap terms) must keep the meaning of the weights the Inspect page shows.
    QTest::newRow("trained on shared history windows") << true;
  }

  void attentionFavoursPlantedTriggers()
  {
    QFETCH(bool, windows);
    RunConfig config = config_;
    const char* run = "balanced";
    if (windows)
    {
      config.train.sharedHistory = m6::SharedHistory::On;
      run = "windows";
      const m6::TrainOutcome w = m6::train(data_, config, m6test::runDir(dir_, run), {});
      QCOMPARE(w.status, m6::RunStatus::Finished);
      qInfo("windows: valid ndcg@10 %.4f (per example %.4f), %.0f examples/s",
            w.valid.get("ndcg@10"), m6_.valid.get("ndcg@10"), w.examplesPerSecond);
    }
    // Trigger categories from the generator's ground truth; an item's category is its
    // "category" field.
    m6::Json truth = m6::Json::parse(data_.groundTruthJson);
    const m6::FieldColumn* category = nullptr;
    for (const auto& f : data_.itemFields)
    {
      if (f.name == "category")
      {
        category = &f;
      }
    }
    QVERIFY(category);
    std::set<int32_t> triggers;
    for (const auto& pair : truth.at("trigger_pairs").asArray())
    {
      auto it =
          std::find(category->vocab.begin(), category->vocab.end(), pair.at("trigger").asString());
      QVERIFY(it != category->vocab.end());
      triggers.insert(static_cast<int32_t>(it - category->vocab.begin()));
    }
    QCOMPARE(triggers.size(), size_t(3));

    auto p = m6::Predictor::open(m6test::runDir(dir_, run), data_, config);
    m6::Split split = m6::splitLeaveOneOut(data_);
    // Per user: mean weight (over layers and heads) of trigger tokens and of other history
    // tokens; then the mean over users that have both kinds.
    double triggerSum = 0;
    double otherSum = 0;
    int users = 0;
    for (int32_t u = 0; u < data_.numUsers(); ++u)
    {
      if (split.testIndex[u] < 0)
      {
        continue;
      }
      m6::Explanation e = p->explain(u, data_.item[split.testIndex[u]]);
      for (const auto& layer : e.weights)
      {
        for (const auto& head : layer)
        {
          double sum = 0;
          for (float w : head)
          {
            sum += w;
          }
          QVERIFY2(std::abs(sum - 1.0) < 1e-4, "a head's weights over its tokens sum to 1");
        }
      }
      double t = 0;
      double o = 0;
      int nt = 0;
      int no = 0;
      for (size_t k = 2; k < e.tokens.size(); ++k)
      {
        double w = 0;
        int n = 0;
        for (const auto& layer : e.weights)
        {
          for (const auto& head : layer)
          {
            w += head[k];
            ++n;
          }
        }
        w /= n;
        if (triggers.count(category->codes[static_cast<size_t>(e.tokenItem[k])]))
        {
          t += w;
          ++nt;
        }
        else
        {
          o += w;
          ++no;
        }
      }
      if (nt > 0 && no > 0)
      {
        triggerSum += t / nt;
        otherSum += o / no;
        ++users;
      }
    }
    QVERIFY(users > 500);
    const double trigger = triggerSum / users;
    const double other = otherSum / users;
    qInfo(
        "attention per history token, mean over %d users: trigger categories %.4f, other "
        "items %.4f (x%.2f)",
        users, trigger, other, trigger / other);
    QVERIFY(trigger > 1.25 * other);
  }
};

QTEST_APPLESS_MAIN(TestDemoQuality)
#include "test_demo_quality.moc"
