// Inspection: embeddings and their PCA maps, attention statistics across users, the
// recommend() item filter, and recommendations from the baselines.
#include <QtTest>
#include <cmath>
#include <memory>
#include <numeric>
#include <set>

#include "model/baseline_predictor.h"
#include "model/core/split.h"
#include "model/engine.h"
#include "model/package.h"
#include "model_test_util.h"

using m6::RunConfig;

class TestInspection : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_ = m6test::makeTempDir();
  m6::DatasetSnapshot data_ = m6test::demo(300, 400, 12000, 9);
  m6::Split split_ = m6::splitLeaveOneOut(data_);
  RunConfig dot_;
  RunConfig mlp_;

 private Q_SLOTS:
  void initTestCase()
  {
    dot_ = m6test::smallConfig();
    dot_.model.attentionLayers = 2;
    dot_.train.epochs = 3;
    mlp_ = m6test::smallConfig();
    m6::applySetting(mlp_, "scorer=mlp");
    QCOMPARE(m6::train(data_, dot_, m6test::runDir(dir_, "dot")).status, m6::RunStatus::Finished);
    QCOMPARE(m6::train(data_, mlp_, m6test::runDir(dir_, "mlp")).status, m6::RunStatus::Finished);
  }

  void embeddingsAndTheirMaps()
  {
    auto p = m6::Predictor::open(m6test::runDir(dir_, "dot"), data_, dot_);
    m6::Embeddings e = p->embeddings();
    QCOMPARE(e.items.rows, data_.numItems());
    QCOMPARE(e.items.cols, int64_t(dot_.model.dim));
    QCOMPARE(e.users.rows, data_.numUsers());
    QCOMPARE(e.items.ids, data_.itemIds);
    QCOMPARE(e.items.titles, data_.itemTitles);
    QCOMPARE(e.items.categoryField, std::string("category"));
    QCOMPARE(e.items.category[0], data_.itemFields[0].vocab[data_.itemFields[0].codes[0]]);
    QVERIFY(e.userVectorKind.rfind("dot", 0) == 0);
    // The dot scorer's score is exactly user vector . item token.
    for (int32_t u : {0, 17, 123})
    {
      std::vector<float> s = p->scoreAll(u);
      for (int32_t i : {0, 5, 399})
      {
        double dot = 0;
        for (int64_t c = 0; c < e.users.cols; ++c)
        {
          dot += double(e.users.row(u)[c]) * double(e.items.row(i)[c]);
        }
        QVERIFY(std::fabs(dot - s[static_cast<size_t>(i)]) < 1e-4 * std::max(1.0, std::fabs(dot)));
      }
    }
    for (const m6::Projection2D* m : {&e.itemMap, &e.userMap})
    {
      QVERIFY(m->explained[0] >= m->explained[1] && m->explained[1] > 0);
      QVERIFY(m->explained[0] + m->explained[1] <= 1.0 + 1e-9);
      double mean = std::accumulate(m->x.begin(), m->x.end(), 0.0) / double(m->x.size());
      double var = 0;
      for (float v : m->x)
      {
        var += (v - mean) * (v - mean);
      }
      var /= double(m->x.size() - 1);
      QVERIFY(std::fabs(mean) < 1e-3);
      QVERIFY(std::fabs(var - m->explained[0] * m->totalVariance) < 1e-3 * m->totalVariance);
    }
    qInfo("PCA: items %.2f + %.2f of the variance, users %.2f + %.2f", e.itemMap.explained[0],
          e.itemMap.explained[1], e.userMap.explained[0], e.userMap.explained[1]);
    // Projector files: one line per row, a header on the metadata.
    std::string vectors = m6::projectorVectorsTsv(e.items);
    std::string meta = m6::projectorMetadataTsv(e.items);
    QCOMPARE(std::count(vectors.begin(), vectors.end(), '\n'), long(data_.numItems()));
    QCOMPARE(std::count(meta.begin(), meta.end(), '\n'), long(data_.numItems() + 1));
    QVERIFY(meta.rfind("id\ttitle\tcategory\n", 0) == 0);
    // Chosen users only: their rows are the full table's rows, their categories theirs.
    m6::EmbeddingOptions some;
    some.items = false;
    some.userRows = {3, 17, 123, int32_t(data_.numUsers() - 1)};
    m6::Embeddings se = p->embeddings(some);
    QCOMPARE(se.items.rows, int64_t(0));
    QCOMPARE(se.users.rows, int64_t(some.userRows.size()));
    QCOMPARE(se.users.index, some.userRows);
    QCOMPARE(se.userMap.x.size(), some.userRows.size());
    for (size_t r = 0; r < some.userRows.size(); ++r)
    {
      const auto u = static_cast<size_t>(some.userRows[r]);
      QCOMPARE(se.users.ids[r], data_.userIds[u]);
      QCOMPARE(se.users.categoryCode[r], e.users.categoryCode[u]);
      for (int64_t c = 0; c < se.users.cols; ++c)
      {
        QVERIFY(std::fabs(se.users.row(int64_t(r))[c] - e.users.row(int64_t(u))[c]) < 1e-5);
      }
    }
    QVERIFY(e.users.index.empty());
    auto mlp = m6::Predictor::open(m6test::runDir(dir_, "mlp"), data_, mlp_);
    m6::EmbeddingOptions usersOnly;
    usersOnly.items = false;
    usersOnly.projections = false;
    m6::Embeddings me = mlp->embeddings(usersOnly);
    QCOMPARE(me.items.rows, int64_t(0));
    QCOMPARE(me.users.rows, data_.numUsers());
    QVERIFY(me.userVectorKind.rfind("mlp", 0) == 0);
  }

  void attentionAcrossUsers_data()
  {
    QTest::addColumn<QString>("scorer");
    QTest::newRow("dot") << "dot";
    QTest::newRow("mlp") << "mlp";
  }

  void attentionAcrossUsers()
  {
    QFETCH(QString, scorer);
    const RunConfig& c = scorer == "dot" ? dot_ : mlp_;
    auto p = m6::Predictor::open(m6test::runDir(dir_, scorer.toUtf8().constData()), data_, c);
    m6::AttentionStats s = p->attentionStats();
    QCOMPARE(s.users, split_.numTest);
    QCOMPARE(s.layers, c.model.attentionLayers);
    QCOMPARE(s.heads, c.model.heads);
    QCOMPARE(s.perHead.size(), size_t(s.layers * s.heads));
    QCOMPARE(s.entropyBinEdges.size(), size_t(21));
    for (const auto& h : s.perHead)
    {
      QVERIFY(std::fabs(h.userShare + h.contextShare + h.historyShare - 1.0) < 1e-4);
      double byRecency = std::accumulate(h.historyByRecency.begin(), h.historyByRecency.end(), 0.0);
      QVERIFY(std::fabs(byRecency - h.historyShare) < 1e-4);
      QCOMPARE(std::accumulate(h.entropyHistogram.begin(), h.entropyHistogram.end(), int64_t(0)),
               s.users);
      QVERIFY(h.meanNormalisedEntropy > 0 && h.meanNormalisedEntropy <= 1.0 + 1e-6);
      QVERIFY(std::isfinite(h.triggerWeight) && std::isfinite(h.otherWeight));
    }
    QVERIFY(s.hasTriggers);
    QCOMPARE(s.triggerCategories.size(), size_t(3));
    QVERIFY(s.triggerUsers > 0);
    QCOMPARE(s.historyUsers[0], s.users);  // everyone evaluated has a most recent item
    // The mean over users of explain()'s weights for user 0 agrees with the statistics of a
    // one-user set.
    m6::AttentionStatsOptions one;
    one.users = {0};
    m6::AttentionStats s0 = p->attentionStats(one);
    m6::Explanation e = p->explain(0, data_.item[split_.testIndex[0]]);
    QCOMPARE(s0.users, int64_t(1));
    QVERIFY(std::fabs(s0.perHead[0].userShare - e.weights[0][0][0]) < 1e-6);
    QVERIFY(std::fabs(s0.perHead[0].historyByRecency[0] - e.weights[0][0].back()) < 1e-6);
    // A deterministic sample under the cap.
    m6::AttentionStatsOptions capped;
    capped.maxUsers = 40;
    m6::AttentionStats a = p->attentionStats(capped);
    m6::AttentionStats b = p->attentionStats(capped);
    QCOMPARE(a.users, int64_t(40));
    QCOMPARE(a.perHead[0].userShare, b.perHead[0].userShare);
    std::atomic<bool> cancel{true};
    QVERIFY(p->attentionStats({}, &cancel).cancelled);
    qInfo(
        "%s: head 0: user %.3f, context %.3f, history %.3f (most recent %.3f), entropy %.3f "
        "nats; trigger items %.4f vs others %.4f per token over %lld users",
        qPrintable(scorer), s.perHead[0].userShare, s.perHead[0].contextShare,
        s.perHead[0].historyShare, s.perHead[0].historyByRecency[0], s.perHead[0].meanEntropy,
        s.triggerWeight, s.otherWeight, static_cast<long long>(s.triggerUsers));
  }

  void withoutHistoryTheAttentionReadsUserAndContext()
  {
    // model.history_length 0: no history tokens, so every weight is on the user or the context.
    RunConfig c = m6test::smallConfig();
    c.model.historyLength = 0;
    c.train.epochs = 1;
    const std::string run = m6test::runDir(dir_, "no-history");
    QCOMPARE(m6::train(data_, c, run).status, m6::RunStatus::Finished);
    auto p = m6::Predictor::open(run, data_, c);
    m6::AttentionStats s = p->attentionStats();
    QCOMPARE(s.historyLength, 0);
    QVERIFY(s.historyUsers.empty());
    for (const auto& h : s.perHead)
    {
      QVERIFY(std::fabs(h.userShare + h.contextShare - 1.0) < 1e-4);
      QCOMPARE(h.historyShare, 0.0);
    }
    m6::Explanation e = p->explain(0, data_.item[split_.testIndex[0]]);
    QCOMPARE(e.tokens.size(), size_t(2));
    QCOMPARE(e.weights[0][0].size(), size_t(2));
    QCOMPARE(p->recommend(0, 10).size(), size_t(10));
  }

  void recommendWithAnItemFilter()
  {
    auto p = m6::Predictor::open(m6test::runDir(dir_, "dot"), data_, dot_);
    std::vector<uint8_t> drama(static_cast<size_t>(data_.numItems()), 0);
    for (size_t i = 0; i < drama.size(); ++i)
    {
      drama[i] = data_.itemFields[0].codes[i] == 0 ? 1 : 0;
    }
    auto recs = p->recommend(4, 10, {}, &drama);
    QCOMPARE(recs.size(), size_t(10));
    std::vector<float> all = p->scoreAll(4);
    for (const auto& r : recs)
    {
      QVERIFY(drama[static_cast<size_t>(r.item)]);
      QCOMPARE(r.score, all[static_cast<size_t>(r.item)]);
      QVERIFY(!r.cold);
    }
    std::vector<uint8_t> wrong(3, 1);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, p->recommend(4, 10, {}, &wrong));
  }

  void baselinesRecommendToo()
  {
    const std::string folder = m6test::runDir(dir_, "baselines");
    m6::BaselineOutcome b = m6::runBaselines(data_, dot_, {}, folder);
    QCOMPARE(b.bprFactors, folder + "/bpr.pt");
    auto pop = m6::BaselinePredictor::open("pop", data_, dot_);
    auto recs = pop->recommend(3, 5);
    QCOMPARE(recs.size(), size_t(5));
    std::set<int32_t> train;
    for (int64_t n = data_.userStart[3]; n < split_.trainEnd[3]; ++n)
    {
      train.insert(data_.item[n]);
    }
    for (size_t i = 0; i < recs.size(); ++i)
    {
      QVERIFY(!train.count(recs[i].item));
      QVERIFY(i == 0 || recs[i - 1].score >= recs[i].score);
    }
    // Given a shared snapshot (the workbench's store), the predictor keeps it, not a copy, and
    // ranks the same.
    auto shared = std::make_shared<const m6::DatasetSnapshot>(data_);
    {
      auto popShared = m6::BaselinePredictor::open("pop", shared, dot_);
      QCOMPARE(shared.use_count(), long(2));
      QCOMPARE(popShared->scoreAll(3), pop->scoreAll(3));
    }
    QCOMPARE(shared.use_count(), long(1));
    auto bpr = m6::BaselinePredictor::open("bpr", shared, dot_, folder);
    QVERIFY(!bpr->retrained());
    QCOMPARE(bpr->factorsFile(), b.bprFactors);
    // Without the saved file the setting validation chose trains the same factors again.
    const std::string fresh = m6test::runDir(dir_, "fresh");
    m6::Json chosen = m6::Json::object();
    for (const auto& r : b.baselines)
    {
      chosen = r.name == "bpr" ? r.params : chosen;
    }
    QVERIFY(chosen.find("lr") != nullptr);
    auto again = m6::BaselinePredictor::open("bpr", data_, dot_, fresh, {}, chosen);
    QVERIFY(again->retrained());
    QCOMPARE(again->scoreAll(7), bpr->scoreAll(7));
    QVERIFY(QFile::exists(QString::fromStdString(fresh + "/bpr.pt")));
    QCOMPARE(bpr->recommend(7, 10).size(), size_t(10));
    QVERIFY_THROWS_EXCEPTION(std::logic_error, bpr->explain(7, 1));
    QVERIFY(bpr->explainUnavailableReason().find("no attention") != std::string::npos);
    QVERIFY(pop->explainUnavailableReason().find("no attention") != std::string::npos);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             m6::BaselinePredictor::open("knn", data_, dot_));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, pop->recommend(-1, 5));
  }
};

QTEST_APPLESS_MAIN(TestInspection)
#include "test_inspection.moc"
