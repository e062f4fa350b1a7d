// On the demo dataset (1,000 users, 1,500 items, 100,000 interactions) with both presets the
// default picks between (model/core/preset_choice.h: thorough here, balanced above 150,000
// interactions), M6 beats most-popular and BPR-MF on validation NDCG@10 by a clear margin, and
// its attention weighs history items of the planted trigger categories more than the others,
// also when the model was trained on shared history windows.
#include <QtTest>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "model/core/demo_data.h"
#include "model/core/json.h"
#include "model/core/preset_choice.h"
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
  std::map<QString, m6::TrainOutcome> trained_;  // by preset name

  static QStringList presets() { return {"balanced", "thorough"}; }

 private Q_SLOTS:
  void initTestCase()
  {
    data_ = m6::generateDemoDataset(m6::DemoOptions{});
    QCOMPARE(QString::fromStdString(m6::autoPresetFor(data_.numInteractions())),
             QString("thorough"));  // the default's pick on the demo
    for (const QString& name : presets())
    {
      m6::TrainCallbacks cb;
      cb.onLog = [](const std::string& line) { qInfo("m6: %s", line.c_str()); };
      auto start = std::chrono::steady_clock::now();
      const m6::TrainOutcome& m6 = trained_[name] = m6::train(
          data_, m6::preset(name.toStdString()), m6test::runDir(dir_, qPrintable(name)), cb);
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      QCOMPARE(m6.status, m6::RunStatus::Finished);
      qInfo(
          "%s preset: %d epochs (best %d), %.0f examples/s, %.1f s/epoch, %.0f s in all, "
          "%lld parameters",
          qPrintable(name), m6.epochsRun, m6.bestEpoch, m6.examplesPerSecond, m6.secondsPerEpoch,
          seconds, static_cast<long long>(m6.parameters));
      qInfo("m6 valid %s", m6.valid.valuesJson().dump().c_str());
      qInfo("m6 test  %s", m6.test.valuesJson().dump().c_str());
      for (const auto& b : m6.testByActivity)
      {
        qInfo("  %s users (%lld): %s", b.bucket.c_str(), static_cast<long long>(b.users),
              b.metrics.valuesJson().dump().c_str());
      }
    }
  }

  void beatsEveryBaselineClearly_data()
  {
    QTest::addColumn<QString>("name");
    for (const QString& name : presets())
    {
      QTest::newRow(qPrintable(name)) << name;
    }
  }

  // The baselines take the preset's split, protocol, seed and embedding width (BPR-MF at 64 for
  // balanced, 128 for thorough).
  void beatsEveryBaselineClearly()
  {
    QFETCH(QString, name);
    const m6::TrainOutcome& m6 = trained_.at(name);
    m6::BaselineOutcome b = m6::runBaselines(data_, m6::preset(name.toStdString()));
    QCOMPARE(b.status, m6::RunStatus::Finished);
    QCOMPARE(b.baselines.size(), m6::baselineNames().size());
    // The same evaluation; M6's line may add how it trained ("; trained with sampled softmax").
    QVERIFY2(m6.valid.protocol.rfind(b.protocol, 0) == 0, m6.valid.protocol.c_str());
    const double ours = m6.valid.get("ndcg@10");
    for (const auto& r : b.baselines)
    {
      const double theirs = r.valid.get("ndcg@10");
      qInfo("valid ndcg@10: m6 %.4f vs %s %.4f (x%.2f); test m6 %.4f vs %.4f", ours, r.name.c_str(),
            theirs, ours / theirs, m6.test.get("ndcg@10"), r.test.get("ndcg@10"));
      QVERIFY(theirs > 0.01);  // a real yardstick, not a broken one
      // Clear margin: at least a quarter better than most-popular and BPR-MF (issue 15's
      // yardsticks; balanced x2.07 and x1.39 here, thorough x2.09 and x1.45). ItemKNN and EASE^R
      // are the strongest baselines on the demo, and against them the balanced preset's margin
      // moves with the seed: x1.18 to x1.28 over train.seed 1, 2, 3 and 42 (validation
      // 0.1084-0.1172 against EASE^R's 0.0919), so a quarter held at one seed in four; 15% holds
      // at every one of them (thorough here: x1.29 and x1.25).
      const bool neighbours = r.name == "itemknn" || r.name == "ease";
      QVERIFY2(ours > (neighbours ? 1.15 : 1.25) * theirs, r.name.c_str());
    }
  }

  void attentionFavoursPlantedTriggers_data()
  {
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("windows");
    QTest::newRow("balanced, trained per example") << QString("balanced") << false;
    // Issue 15: a model trained on shared history windows (causal attention with relative
    // position and time-gap terms) must keep the meaning of the weights the Inspect page shows.
    QTest::newRow("balanced, trained on shared history windows") << QString("balanced") << true;
    QTest::newRow("thorough (the default's pick here), trained per example")
        << QString("thorough") << false;
  }

  void attentionFavoursPlantedTriggers()
  {
    QFETCH(QString, name);
    QFETCH(bool, windows);
    RunConfig config = m6::preset(name.toStdString());
    std::string run = name.toStdString();
    if (windows)
    {
      config.train.sharedHistory = m6::SharedHistory::On;
      run += "-windows";
      const m6::TrainOutcome w = m6::train(data_, config, m6test::runDir(dir_, run.c_str()), {});
      QCOMPARE(w.status, m6::RunStatus::Finished);
      qInfo("windows: valid ndcg@10 %.4f (per example %.4f), %.0f examples/s",
            w.valid.get("ndcg@10"), trained_.at(name).valid.get("ndcg@10"), w.examplesPerSecond);
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

    auto p = m6::Predictor::open(m6test::runDir(dir_, run.c_str()), data_, config);
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
    // Measured: balanced x1.71, on windows x1.58; thorough x1.33 (its 50 history slots and four
    // heads spread the weight over more tokens).
    QVERIFY(trigger > 1.25 * other);
  }
};

QTEST_APPLESS_MAIN(TestDemoQuality)
#include "test_demo_quality.moc"
