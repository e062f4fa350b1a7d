// The item-item baselines (model/item_baselines.h): EASE^R's closed form against an
// independent per-column ridge regression, ItemKNN's shrunk cosine and neighbour cut against its
// definition, the scorer's sum over history rows, and on a demo: both beat most-popular, record
// what validation chose and one test row per user, are skipped with the reason on a catalogue too
// large, and BaselinePredictor rebuilds exactly the chosen model from the recorded parameters.
//
// Includes torch (like test_sampled_softmax): torch first, QT_NO_KEYWORDS keeps Qt's `slots` away.
#include <torch/torch.h>

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <random>

#include "model/baseline_predictor.h"
#include "model/bpr.h"
#include "model/core/config.h"
#include "model/core/metrics.h"
#include "model/engine.h"
#include "model/item_baselines.h"
#include "model_test_util.h"

namespace
{

using Matrix = std::vector<std::vector<double>>;

/// Solves A x = b by Gaussian elimination with partial pivoting (A is small and well
/// conditioned here: a Gram matrix plus lambda I).
std::vector<double> solve(Matrix a, std::vector<double> b)
{
  const size_t n = b.size();
  for (size_t c = 0; c < n; ++c)
  {
    size_t pivot = c;
    for (size_t r = c + 1; r < n; ++r)
    {
      if (std::abs(a[r][c]) > std::abs(a[pivot][c]))
      {
        pivot = r;
      }
    }
    std::swap(a[c], a[pivot]);
    std::swap(b[c], b[pivot]);
    for (size_t r = c + 1; r < n; ++r)
    {
      const double f = a[r][c] / a[c][c];
      for (size_t k = c; k < n; ++k)
      {
        a[r][k] -= f * a[c][k];
      }
      b[r] -= f * b[c];
    }
  }
  std::vector<double> x(n);
  for (size_t r = n; r-- > 0;)
  {
    double s = b[r];
    for (size_t k = r + 1; k < n; ++k)
    {
      s -= a[r][k] * x[k];
    }
    x[r] = s / a[r][r];
  }
  return x;
}

/// G = X^T X of a random binary users x items matrix.
Matrix randomGram(int users, int items, double density, unsigned seed)
{
  std::mt19937 rng(seed);
  std::bernoulli_distribution on(density);
  std::vector<std::vector<int>> x(static_cast<size_t>(users), std::vector<int>(items));
  for (auto& row : x)
  {
    for (auto& v : row)
    {
      v = on(rng) ? 1 : 0;
    }
  }
  Matrix g(static_cast<size_t>(items), std::vector<double>(static_cast<size_t>(items), 0.0));
  for (const auto& row : x)
  {
    for (int i = 0; i < items; ++i)
    {
      for (int j = 0; j < items; ++j)
      {
        g[i][j] += row[i] * row[j];
      }
    }
  }
  return g;
}

torch::Tensor toTensor(const Matrix& m)
{
  const int64_t n = static_cast<int64_t>(m.size());
  torch::Tensor t = torch::zeros({n, n}, torch::kFloat);
  for (int64_t i = 0; i < n; ++i)
  {
    for (int64_t j = 0; j < n; ++j)
    {
      t[i][j] = static_cast<float>(m[i][j]);
    }
  }
  return t;
}

double meanOf(const std::vector<m6::UserMetricRow>& rows, const std::string& metric, int k)
{
  double sum = 0;
  for (const auto& r : rows)
  {
    for (const auto& [name, v] : m6::rowValues(r, m6::Task::Ranking, k))
    {
      if (name == metric)
      {
        sum += v;
      }
    }
  }
  return rows.empty() ? 0.0 : sum / static_cast<double>(rows.size());
}

}  // namespace

class TestItemBaselines : public QObject
{
  Q_OBJECT
 private:
  m6::DatasetSnapshot demo_ = m6test::demo(300, 400, 12000);
  m6::BaselineOutcome outcome_;

  const m6::BaselineResult* result(const std::string& name) const
  {
    for (const auto& r : outcome_.baselines)
    {
      if (r.name == name)
      {
        return &r;
      }
    }
    return nullptr;
  }

 private Q_SLOTS:
  void initTestCase()
  {
    outcome_ = m6::runBaselines(demo_, m6test::smallConfig(), {}, "", {"pop", "itemknn", "ease"});
    QCOMPARE(outcome_.status, m6::RunStatus::Finished);
  }

  void easeSolvesEachColumnsRidgeRegression()
  {
    // EASE^R's column j is the ridge regression of item j on every other item (B_jj = 0):
    // b = (G_{-j,-j} + lambda I)^-1 G_{-j,j}. Solved here column by column, independently of the
    // closed form B = I - P diag(1 / diag P).
    const int n = 9;
    const double lambda = 3.0;
    Matrix g = randomGram(40, n, 0.3, 11);
    torch::Tensor b = m6::easeWeights(toTensor(g), lambda);
    QCOMPARE(b.size(0), int64_t(n));
    for (int j = 0; j < n; ++j)
    {
      QCOMPARE(b[j][j].item<float>(), 0.0f);
      Matrix a;
      std::vector<double> rhs;
      std::vector<int> others;
      for (int i = 0; i < n; ++i)
      {
        if (i == j)
        {
          continue;
        }
        others.push_back(i);
        rhs.push_back(g[i][j]);
        std::vector<double> row;
        for (int k = 0; k < n; ++k)
        {
          if (k != j)
          {
            row.push_back(g[i][k] + (k == i ? lambda : 0.0));
          }
        }
        a.push_back(row);
      }
      std::vector<double> x = solve(a, rhs);
      for (size_t r = 0; r < others.size(); ++r)
      {
        const double got = b[others[r]][j].item<float>();
        QVERIFY2(std::abs(got - x[r]) < 1e-4 + 1e-3 * std::abs(x[r]),
                 qPrintable(
                     QString("B[%1][%2] = %3, ridge %4").arg(others[r]).arg(j).arg(got).arg(x[r])));
      }
    }
  }

  void knnKeepsEachItemsMostSimilarShrunkCosines()
  {
    const int n = 10;
    const int64_t k = 3;
    const double shrink = 2.0;
    Matrix g = randomGram(50, n, 0.35, 5);
    torch::Tensor w = m6::knnWeights(toTensor(g), k, shrink);
    for (int j = 0; j < n; ++j)
    {
      std::vector<double> sims;
      for (int i = 0; i < n; ++i)
      {
        const double s = i == j ? 0.0 : g[i][j] / (std::sqrt(g[i][i] * g[j][j]) + shrink);
        sims.push_back(s);
      }
      std::vector<double> sorted = sims;
      std::sort(sorted.rbegin(), sorted.rend());
      const double kth = sorted[static_cast<size_t>(k - 1)];
      int kept = 0;
      for (int i = 0; i < n; ++i)
      {
        const double got = w[i][j].item<float>();
        if (got != 0.0)
        {
          ++kept;
          QVERIFY(std::abs(got - sims[i]) < 1e-5);  // a kept weight is the shrunk cosine
          QVERIFY(sims[i] >= kth - 1e-6);           // and one of the k largest
        }
        else if (sims[i] > kth + 1e-6)
        {
          QFAIL(qPrintable(
              QString("item %1 is among %2's top %3 but was dropped").arg(i).arg(j).arg(k)));
        }
      }
      QVERIFY(kept <= k);
      QCOMPARE(w[j][j].item<float>(), 0.0f);
    }
  }

  void scorerSumsTheRowsOfDistinctHistoryItems()
  {
    // User 0 of sequences(.., 3) sees items 0, 1, 2; ask for the history before the third.
    m6::DatasetSnapshot s = m6test::sequences(2, 5, 3);
    torch::manual_seed(3);
    torch::Tensor w = torch::rand({5, 5});
    m6::ItemItemScorer scorer(s, w);
    m6::QuerySpec q;
    q.user = 0;
    q.historyEnd = s.userStart[0] + 2;
    torch::Tensor got = scorer.scoreCatalogue({q});
    torch::Tensor expected = w[0] + w[1];
    QVERIFY(torch::allclose(got[0], expected, 1e-5, 1e-6));
  }

  void beatPopularityAndRecordWhatValidationChose()
  {
    const m6::BaselineResult* pop = result("pop");
    QVERIFY(pop);
    QVERIFY(!result("bpr"));  // --only: what was not asked for does not run
    for (const char* name : {"itemknn", "ease"})
    {
      const m6::BaselineResult* r = result(name);
      QVERIFY(r);
      qInfo("%s: test ndcg@10 %.4f (pop %.4f), params %s", name, r->test.get("ndcg@10"),
            pop->test.get("ndcg@10"), r->params.dump().c_str());
      // The demo's users follow item-to-item patterns (planted triggers, categories): an
      // item-item model must find them where popularity cannot.
      QVERIFY2(r->test.get("ndcg@10") > 1.3 * pop->test.get("ndcg@10"), name);
      QVERIFY2(r->valid.get("ndcg@10") > 1.3 * pop->valid.get("ndcg@10"), name);
      // One test row per evaluated user; their mean is the reported metric.
      QVERIFY(!r->testRows.empty());
      QCOMPARE(r->testRows.size(), pop->testRows.size());
      QVERIFY(std::abs(meanOf(r->testRows, "ndcg@10", 10) - r->test.get("ndcg@10")) < 1e-9);
    }
    const m6::BaselineResult* ease = result("ease");
    const double lambda = ease->params.at("lambda").asDouble();
    QVERIFY(std::find(m6::kEaseLambdas.begin(), m6::kEaseLambdas.end(), lambda) !=
            m6::kEaseLambdas.end());
    QCOMPARE(ease->tuning.size(), m6::kEaseLambdas.size());  // every grid point, one line each
    const m6::BaselineResult* knn = result("itemknn");
    const int64_t neighbours = knn->params.at("neighbours").asInt();
    QVERIFY(std::find(m6::kKnnNeighbours.begin(), m6::kKnnNeighbours.end(), neighbours) !=
            m6::kKnnNeighbours.end());
    QVERIFY(knn->params.find("shrink") != nullptr);
    QCOMPARE(knn->tuning.size(), m6::kKnnNeighbours.size() * m6::kKnnShrinks.size());
  }

  void predictorRebuildsTheChosenModelFromItsParameters()
  {
    const m6::RunConfig config = m6test::smallConfig();
    const m6::BaselineResult* ease = result("ease");
    QVERIFY(ease);
    auto predictor = m6::BaselinePredictor::open("ease", demo_, config, "", {}, ease->params);
    const m6::BaselineData bd = m6::baselineData(demo_, config);
    torch::Tensor w =
        m6::easeWeights(m6::itemGram(demo_, bd), ease->params.at("lambda").asDouble());
    for (int32_t user : {0, 17, 250})
    {
      std::vector<float> got = predictor->scoreAll(user);
      // The user's training items, counted once each.
      std::vector<uint8_t> seen(static_cast<size_t>(demo_.numItems()), 0);
      torch::Tensor expected = torch::zeros({demo_.numItems()});
      for (int64_t i = demo_.userStart[user]; i < bd.split.trainEnd[user]; ++i)
      {
        const int32_t item = demo_.item[static_cast<size_t>(i)];
        if (!seen[static_cast<size_t>(item)])
        {
          seen[static_cast<size_t>(item)] = 1;
          expected += w[item];
        }
      }
      QCOMPARE(got.size(), size_t(demo_.numItems()));
      for (int64_t j = 0; j < demo_.numItems(); ++j)
      {
        QVERIFY(std::abs(got[static_cast<size_t>(j)] - expected[j].item<float>()) < 1e-4);
      }
      auto recs = predictor->recommend(user, 10);
      QCOMPARE(recs.size(), size_t(10));
      for (size_t r = 0; r < recs.size(); ++r)
      {
        QVERIFY(!seen[static_cast<size_t>(recs[r].item)]);  // history excluded
        QVERIFY(r == 0 || recs[r - 1].score >= recs[r].score);
      }
    }
  }

  void bprIsTunedOnValidationAndRebuiltFromItsChoice()
  {
    const m6::RunConfig config = m6test::smallConfig();
    m6::Progress last;
    m6::TrainCallbacks cb;
    cb.onProgress = [&](const m6::Progress& p) { last = p; };
    const m6::BaselineOutcome out = m6::runBaselines(demo_, config, cb, "", {"bpr"});
    QCOMPARE(out.baselines.size(), size_t(1));
    // Its progress counts examples, as a run's does (the CLI prints examples/s and the ETA).
    QVERIFY(last.examplesDone > 0 && last.examplesDone <= last.examplesTotal);
    QVERIFY(last.examplesPerSecond > 0);
    const m6::BaselineResult& bpr = out.baselines[0];
    // The coordinate search: every learning rate at the middle L2, then the other L2 values.
    QCOMPARE(bpr.tuning.size(), m6::kBprLrGrid.size() + m6::kBprL2Grid.size() - 1);
    const m6::BprParams chosen = m6::BprParams::fromJson(bpr.params);
    QVERIFY(std::find(m6::kBprLrGrid.begin(), m6::kBprLrGrid.end(), chosen.lr) !=
            m6::kBprLrGrid.end());
    QVERIFY(std::find(m6::kBprL2Grid.begin(), m6::kBprL2Grid.end(), chosen.l2) !=
            m6::kBprL2Grid.end());
    // The kept setting is the best validation figure of the log, and it is the reported one.
    double best = -1;
    for (const std::string& line : bpr.tuning)
    {
      const QString l = QString::fromStdString(line);
      const QRegularExpressionMatch m =
          QRegularExpression("ndcg@10 ([0-9.]+) \\(best epoch").match(l);
      QVERIFY2(m.hasMatch(), line.c_str());
      best = std::max(best, m.captured(1).toDouble());
    }
    qInfo("BPR-MF chose %s: valid ndcg@10 %.4f", bpr.params.dump().c_str(),
          bpr.valid.get("ndcg@10"));
    QVERIFY(std::abs(bpr.valid.get("ndcg@10") - best) < 1e-6);
    // Training the chosen setting alone gives the same factors' validation figure (seeded).
    const m6::BaselineData bd = m6::baselineData(demo_, config);
    bool cancelled = false;
    const m6::BprFactors again = m6::trainBpr(demo_, config, bd, chosen, {}, &cancelled);
    QVERIFY(!cancelled && again.complete);
    QCOMPARE(again.valid.get("ndcg@10"), bpr.valid.get("ndcg@10"));
    // A run recorded before the tuning has no params: the former fixed recipe.
    const m6::BprParams old = m6::BprParams::fromJson(m6::Json::object());
    QCOMPARE(old.lr, 2e-3);
    QCOMPARE(old.l2, 1e-2);
  }

  void skippedWithTheReasonOnACatalogueTooLarge()
  {
    m6::DatasetSnapshot big = m6test::sequences(30, int(m6::kMaxItemModelItems) + 1, 4);
    m6::RunConfig c = m6test::smallConfig();
    c.train.evalK = 5;
    m6::BaselineOutcome out = m6::runBaselines(big, c, {}, "", {"pop", "ease"});
    QCOMPARE(out.status, m6::RunStatus::Finished);
    QCOMPARE(out.baselines.size(), size_t(1));
    QCOMPARE(out.baselines[0].name, std::string("pop"));
    QCOMPARE(out.skipped.size(), size_t(1));
    QCOMPARE(out.skipped[0].first, std::string("ease"));
    QVERIFY2(out.skipped[0].second.find("20001 items") != std::string::npos,
             out.skipped[0].second.c_str());
  }
};

QTEST_APPLESS_MAIN(TestItemBaselines)
#include "test_item_baselines.moc"
