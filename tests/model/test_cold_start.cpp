// The cold-item protocol: a share of the items is held out of training entirely; their held-out
// interactions are ranked by content only and beat a random ranking on the demo, beside the
// baselines (which cannot rank them) and beside a content-only model; the predictor marks cold
// items; training never touches their id rows; train.train_fraction trains on a nested subset.
#include <QtTest>
#include <set>

#include "model/core/split.h"
#include "model/engine.h"
#include "model/package.h"
#include "model_test_util.h"

using m6::RunConfig;

class TestColdStart : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_ = m6test::makeTempDir();
  m6::DatasetSnapshot data_ = m6test::demo(600, 900, 30000, 31);
  RunConfig config_;
  m6::TrainOutcome withIds_;

 private Q_SLOTS:
  void initTestCase()
  {
    config_ = m6test::smallConfig();
    config_.model.dim = 32;
    config_.model.historyLength = 10;
    config_.model.textBuckets = 1024;
    config_.train.epochs = 4;
    config_.train.lr = 3e-3;
    config_.train.coldItemShare = 0.1;
    withIds_ = m6::train(data_, config_, m6test::runDir(dir_, "ids"));
    QCOMPARE(withIds_.status, m6::RunStatus::Finished);
  }

  void coldItemsBeatRandomByContent()
  {
    const m6::TrainOutcome& o = withIds_;
    QCOMPARE(o.coldItems, int64_t(90));
    QVERIFY(o.test.protocol.find("warm") != std::string::npos);
    QVERIFY(o.coldTest.protocol.find("cold items") != std::string::npos);
    QVERIFY(o.coldTest.protocol.find("content only") != std::string::npos);
    const double model = o.coldTest.get("ndcg@10");
    const double random = o.coldRandom.get("ndcg@10");
    RunConfig contentOnly = config_;
    contentOnly.model.idEmbeddings = false;
    m6::TrainOutcome c = m6::train(data_, contentOnly, m6test::runDir(dir_, "content"));
    m6::BaselineOutcome b = m6::runBaselines(data_, config_);
    QCOMPARE(b.baselines.size(), m6::baselineNames().size());
    qInfo(
        "cold items (%lld held out), test ndcg@10 among cold items: model with ids %.4f, "
        "content-only model %.4f, random %.4f, pop %.4f, bpr %.4f; warm test ndcg@10 %.4f",
        static_cast<long long>(o.coldItems), model, c.coldTest.get("ndcg@10"), random,
        b.baselines[0].coldTest.get("ndcg@10"), b.baselines[1].coldTest.get("ndcg@10"),
        o.test.get("ndcg@10"));
    QVERIFY(random > 0);
    QVERIFY2(model > 1.5 * random, "content-only scores of cold items must beat random ranking");
    QVERIFY(c.coldTest.get("ndcg@10") > 1.5 * random);
    for (const auto& r : b.baselines)
    {
      QCOMPARE(r.coldTest.get("ndcg@10"), 0.0);  // a tie at 0 ranks the target last
      QVERIFY(!r.coldNote.empty());
    }
    QVERIFY(b.coldRandom == o.coldRandom);
    QCOMPARE(b.protocol, o.test.protocol);
  }

  void predictorMarksColdItemsAndTrainingNeverTouchedThem()
  {
    std::vector<uint8_t> cold = m6::coldItemMask(data_, 0.1);
    auto p = m6::Predictor::open(m6test::runDir(dir_, "ids"), data_, config_);
    QVERIFY(p->coldItems() == cold);
    int marked = 0;
    for (int32_t u = 0; u < 50; ++u)
    {
      for (const auto& r : p->recommend(u, 50))
      {
        QCOMPARE(r.cold, cold[static_cast<size_t>(r.item)] != 0);
        marked += r.cold ? 1 : 0;
      }
    }
    QVERIFY(marked > 0);  // content-scored cold items do reach the lists
    for (const auto& w : m6::readWeights(m6test::runDir(dir_, "ids")))
    {
      if (w.name == "item_encoder.id.weight")
      {
        for (size_t i = 0; i < cold.size(); ++i)
        {
          for (int64_t c = 0; c < w.shape[1]; ++c)
          {
            float v = w.values[i * static_cast<size_t>(w.shape[1]) + static_cast<size_t>(c)];
            QVERIFY(!cold[i] || v == 0.0f);
          }
        }
      }
    }
    // The same marks come with an exported model.
    const std::string file = (dir_.path() + "/cold.m6model").toStdString();
    m6::exportModel(m6test::runDir(dir_, "ids"), data_, config_, {}, file);
    QVERIFY(m6::ModelPackage::open(file)->coldItems() == cold);
  }

  // The cold-item protocol on a split with several held-out items per user: every cold target
  // of a user is ranked in one list among the cold items.
  void coldItemsWithSeveralTargetsPerUser()
  {
    RunConfig c = config_;
    c.train.split = m6::SplitKind::RatioTime;
    c.train.epochs = 1;
    m6::TrainOutcome o = m6::train(data_, c, m6test::runDir(dir_, "ratio"));
    QCOMPARE(o.status, m6::RunStatus::Finished);
    QVERIFY2(o.coldTest.protocol.find("ratio 80:10:10 per user by time") != std::string::npos,
             o.coldTest.protocol.c_str());
    QVERIFY(o.coldTest.get("ndcg@10") > 0);
    QVERIFY(o.coldTest.get("recall@10") <= o.coldTest.get("hr@10"));
    QVERIFY(o.coldRandom.get("ndcg@10") > 0);
  }

  void trainFractionIsANestedSubset()
  {
    RunConfig c = config_;
    c.train.coldItemShare = 0;
    const int64_t all = m6::estimate(data_, c).examplesPerEpoch;
    c.train.trainFraction = 0.25;
    const int64_t quarter = m6::estimate(data_, c).examplesPerEpoch;
    c.train.trainFraction = 0.1;
    const int64_t tenth = m6::estimate(data_, c).examplesPerEpoch;
    qInfo("training examples: all %lld, 25%% %lld, 10%% %lld", static_cast<long long>(all),
          static_cast<long long>(quarter), static_cast<long long>(tenth));
    QVERIFY(std::abs(double(quarter) / double(all) - 0.25) < 0.02);
    QVERIFY(std::abs(double(tenth) / double(all) - 0.1) < 0.02);
    for (int64_t n = 0; n < data_.numInteractions(); ++n)
    {
      if (m6::inTrainFraction(n, 0.1))
      {
        QVERIFY(m6::inTrainFraction(n, 0.25));
      }
    }
    // Validation and test are unchanged: the same users are evaluated.
    QCOMPARE(m6::estimate(data_, c).evalUsers, m6::estimate(data_, config_).evalUsers);
  }

  void coldShareIsValidated()
  {
    RunConfig c = config_;
    c.model.task = m6::Task::Rating;
    auto issues = m6::validate(c);
    QVERIFY(std::any_of(issues.begin(), issues.end(),
                        [](const m6::ConfigIssue& i)
                        { return i.field == "train.cold_item_share"; }));
    c = config_;
    c.train.coldItemShare = 0.7;
    QVERIFY(!m6::validate(c).empty());
  }
};

QTEST_APPLESS_MAIN(TestColdStart)
#include "test_cold_start.moc"
