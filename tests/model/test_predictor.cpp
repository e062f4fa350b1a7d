// The Predictor: recommendations exclude the training items only, explanations are labelled,
// per layer and head, rows sum to one and match the score, context overrides move the list.
#include <QtTest>
#include <cmath>
#include <set>

#include "model/core/split.h"
#include "model/engine.h"
#include "model_test_util.h"

using m6::RunConfig;

class TestPredictor : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_ = m6test::makeTempDir();
  m6::DatasetSnapshot data_ = m6test::demo(120, 160, 3000, 5);
  m6::Split split_ = m6::splitLeaveOneOut(data_);
  RunConfig dot_;
  RunConfig mlp_;

 private Q_SLOTS:
  void initTestCase()
  {
    dot_ = m6test::smallConfig();
    dot_.model.attentionLayers = 2;
    mlp_ = m6test::smallConfig();
    m6::applySetting(mlp_, "scorer=mlp");
    QCOMPARE(m6::train(data_, dot_, m6test::runDir(dir_, "dot")).status, m6::RunStatus::Finished);
    QCOMPARE(m6::train(data_, mlp_, m6test::runDir(dir_, "mlp")).status, m6::RunStatus::Finished);
  }

  void recommendExcludesTrainingItemsOnly()
  {
    auto p = m6::Predictor::open(m6test::runDir(dir_, "dot"), data_, dot_);
    for (int32_t u : {0, 7, 42})
    {
      std::set<int32_t> train;
      for (int64_t n = data_.userStart[u]; n < split_.trainEnd[u]; ++n)
      {
        train.insert(data_.item[n]);
      }
      std::vector<float> all = p->scoreAll(u);
      QCOMPARE(all.size(), size_t(data_.numItems()));
      auto recs = p->recommend(u, 10);
      QCOMPARE(recs.size(), size_t(10));
      for (size_t i = 0; i < recs.size(); ++i)
      {
        QVERIFY(!train.count(recs[i].item));
        QCOMPARE(recs[i].score, all[static_cast<size_t>(recs[i].item)]);
        if (i > 0)
        {
          QVERIFY(recs[i - 1].score >= recs[i].score);
        }
      }
      // The whole list holds every item outside the training part, held-out ones included.
      auto everything = p->recommend(u, static_cast<int>(data_.numItems()));
      QCOMPARE(everything.size(), size_t(data_.numItems()) - train.size());
      std::set<int32_t> listed;
      for (const auto& r : everything)
      {
        listed.insert(r.item);
      }
      QVERIFY(listed.count(data_.item[split_.validIndex[u]]));
      QVERIFY(listed.count(data_.item[split_.testIndex[u]]));
    }
  }

  void explanationIsLabelledAndNormalised_data()
  {
    QTest::addColumn<QString>("scorer");
    QTest::newRow("dot") << "dot";
    QTest::newRow("mlp") << "mlp";
  }

  void explanationIsLabelledAndNormalised()
  {
    QFETCH(QString, scorer);
    const RunConfig& c = scorer == "dot" ? dot_ : mlp_;
    auto p = m6::Predictor::open(m6test::runDir(dir_, scorer.toUtf8().constData()), data_, c);
    const int32_t u = 3;
    const int32_t item = data_.item[split_.testIndex[u]];
    m6::Explanation e = p->explain(u, item);
    QCOMPARE(e.tokens[0], std::string("user"));
    QCOMPARE(e.tokens[1], std::string("context"));
    QCOMPARE(e.tokenItem[0], -1);
    QCOMPARE(e.tokenItem[1], -1);
    // History tokens: the last L training items, oldest first, labelled "id title".
    const int64_t end = split_.trainEnd[u];
    const int64_t start = std::max(data_.userStart[u], end - c.model.historyLength);
    QCOMPARE(e.tokens.size(), size_t(2 + end - start));
    for (int64_t n = start; n < end; ++n)
    {
      size_t t = static_cast<size_t>(2 + n - start);
      int32_t i = data_.item[n];
      QCOMPARE(e.tokenItem[t], i);
      QCOMPARE(e.tokens[t], data_.itemIds[i] + " " + data_.itemTitles[i]);
    }
    QCOMPARE(e.weights.size(), size_t(c.model.attentionLayers));
    for (const auto& layer : e.weights)
    {
      QCOMPARE(layer.size(), size_t(c.model.heads));
      for (const auto& head : layer)
      {
        QCOMPARE(head.size(), e.tokens.size());
        double sum = 0;
        for (float w : head)
        {
          QVERIFY(w >= 0);
          sum += w;
        }
        QVERIFY(std::fabs(sum - 1.0) < 1e-5);
      }
    }
    float score = p->scoreAll(u)[static_cast<size_t>(item)];
    QVERIFY(std::fabs(e.score - score) <= 1e-4f * std::max(1.0f, std::fabs(score)));
    // Target attention (mlp) looks at the history differently for another item; the dot
    // scorer's query is the user side, the same for every item.
    m6::Explanation other = p->explain(u, (item + 1) % static_cast<int32_t>(data_.numItems()));
    QCOMPARE(other.weights == e.weights, scorer == "dot");
  }

  void contextOverrideMovesTheScores()
  {
    auto p = m6::Predictor::open(m6test::runDir(dir_, "dot"), data_, dot_);
    m6::ContextOverride night;
    night.hourOfDay = 2;
    m6::ContextOverride noon;
    noon.hourOfDay = 12;
    noon.dayOfWeek = 3;
    QVERIFY(p->scoreAll(9, night) != p->scoreAll(9, noon));
    QVERIFY(p->scoreAll(9, night) == p->scoreAll(9, night));
  }

  void outOfRangeArgumentsThrow()
  {
    auto p = m6::Predictor::open(m6test::runDir(dir_, "dot"), data_, dot_);
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, p->recommend(-1, 5));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, p->scoreAll(120));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, p->explain(0, 160));
    m6::ContextOverride bad;
    bad.hourOfDay = 24;
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, p->recommend(0, 5, bad));
  }
};

QTEST_APPLESS_MAIN(TestPredictor)
#include "test_predictor.moc"
