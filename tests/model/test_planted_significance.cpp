// A planted better model, compared per user: on sequences where the next item is always the last
// one + 1, the same configuration with history (model.history_length 4) and without it
// (model.history_length 0: the model sees the user, the context and the target only). The paired
// comparison must find the history model better, significantly, with the sign right both ways
// round; and a model compared with itself differs by exactly nothing.
//
// (On the demo dataset the planted sequential rule picks the next category, not the item, and the
// balanced preset with and without history differs by about 0.006 NDCG@10 with p = 0.29: too
// small a planted effect for a test. These sequences make history decisive.)
#include <QtTest>

#include "model/core/significance.h"
#include "model/engine.h"
#include "model_test_util.h"

class TestPlantedSignificance : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_ = m6test::makeTempDir();
  m6::DatasetSnapshot data_ = m6test::sequences(120, 200, 10);

  m6::TrainOutcome trainWithHistory(int length, const char* name)
  {
    m6::RunConfig c = m6test::smallConfig();
    c.model.historyLength = length;
    c.model.attentionDropout = 0;
    c.train.epochs = 12;
    c.train.batchSize = 64;
    c.train.lr = 1e-2;
    m6::TrainOutcome out = m6::train(data_, c, m6test::runDir(dir_, name));
    qInfo("history_length %d: test ndcg@10 %.4f, hr@10 %.4f (best epoch %d)", length,
          out.test.get("ndcg@10"), out.test.get("hr@10"), out.bestEpoch);
    return out;
  }

 private Q_SLOTS:
  void historyIsSignificantlyBetterWhereItIsPlanted()
  {
    const m6::TrainOutcome with = trainWithHistory(4, "with");
    const m6::TrainOutcome without = trainWithHistory(0, "without");
    QCOMPARE(with.status, m6::RunStatus::Finished);
    QCOMPARE(without.status, m6::RunStatus::Finished);
    QCOMPARE(with.testRows.size(), size_t(120));

    const m6::PairedComparison c =
        m6::pairedComparison(with.testRows, without.testRows, m6::Task::Ranking, "ndcg@10");
    qInfo("with minus without: %.4f, 95%% [%.4f, %.4f], p = %.3g, %lld better, %lld worse",
          c.meanDifference, c.ci.low, c.ci.high, c.wilcoxon.pValue,
          static_cast<long long>(c.better), static_cast<long long>(c.worse));
    QCOMPARE(c.users, int64_t(120));
    QVERIFY(c.meanDifference > 0.2);
    QVERIFY(c.ci.low > 0);
    QVERIFY(c.wilcoxon.pValue < 0.001);
    QVERIFY(c.better > 2 * c.worse);

    const m6::PairedComparison swapped =
        m6::pairedComparison(without.testRows, with.testRows, m6::Task::Ranking, "ndcg@10");
    QCOMPARE(swapped.meanDifference, -c.meanDifference);
    QCOMPARE(swapped.better, c.worse);
    QCOMPARE(swapped.wilcoxon.pValue, c.wilcoxon.pValue);

    const m6::PairedComparison self =
        m6::pairedComparison(with.testRows, with.testRows, m6::Task::Ranking, "ndcg@10");
    QCOMPARE(self.meanDifference, 0.0);
    QCOMPARE(self.ci.low, 0.0);
    QCOMPARE(self.ci.high, 0.0);
    QCOMPARE(self.wilcoxon.pValue, 1.0);
    QCOMPARE(self.tied, int64_t(120));
  }
};

QTEST_APPLESS_MAIN(TestPlantedSignificance)
#include "test_planted_significance.moc"
