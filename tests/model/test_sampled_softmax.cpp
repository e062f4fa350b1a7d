// The dot scorer's sampled softmax (model/sampled_softmax.h): the candidate set merges the
// batch's targets and the shared negatives, each row's label is its own target's column, and the
// loss equals a direct computation of the logQ-corrected softmax on a tiny catalogue, without a
// row's other targets of the same user among its negatives; "auto"
// picks it from 10,000 items on and names it in the protocol; a model trained with it on a demo
// beats most-popular and stays close to the full softmax. Per-epoch validation on a seeded user
// sample (train.valid_users) is labelled, repeatable, and never applies to the test.
//
// Includes torch (like test_package): torch first, QT_NO_KEYWORDS keeps Qt's `slots` away.
#include <torch/torch.h>

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <set>

#include "model/core/config.h"
#include "model/engine.h"
#include "model/sampled_softmax.h"
#include "model_test_util.h"

class TestSampledSoftmax : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_ = m6test::makeTempDir();
  std::vector<int32_t> scratch_;

 private Q_SLOTS:
  void uniqueItemsEqualsTorchUnique()
  {
    torch::manual_seed(9);
    for (int64_t n : {1, 7, 5000})
    {
      torch::Tensor ids = torch::randint(0, 300, {n}, torch::kInt64);
      auto mine = m6::uniqueItems(ids, scratch_);
      auto theirs = torch::_unique(ids, /*sorted=*/true, /*return_inverse=*/true);
      QVERIFY(torch::equal(mine.first, std::get<0>(theirs)));
      QVERIFY(torch::equal(mine.second, std::get<1>(theirs)));
    }
    for (int32_t v : scratch_)
    {
      QCOMPARE(v, -1);  // left clean for the next call
    }
  }

  void candidatesMergeTargetsAndSharedNegatives()
  {
    torch::Tensor targets = torch::tensor({1, 3, 1}, torch::kInt64);
    torch::Tensor shared = torch::tensor({0, 3, 4, 4}, torch::kInt64);
    torch::Tensor q = torch::full({5}, 0.2f);
    torch::Tensor p = torch::tensor({0.1f, 0.4f, 0.0f, 0.3f, 0.2f});
    auto c = m6::sampledSoftmaxCandidates(targets, shared, q, p, scratch_);
    QCOMPARE(c.items.size(0), int64_t(4));  // {0, 1, 3, 4}: duplicates merged, 2 never drawn
    std::vector<int64_t> items(c.items.data_ptr<int64_t>(), c.items.data_ptr<int64_t>() + 4);
    QCOMPARE(items, (std::vector<int64_t>{0, 1, 3, 4}));
    for (int64_t r = 0; r < 3; ++r)
    {
      QCOMPARE(c.items[c.labels[r].item<int64_t>()].item<int64_t>(), targets[r].item<int64_t>());
    }
    // E_j = M q_j + B p_j with M = 4 shared draws and B = 3 targets.
    const float expected[] = {4 * 0.2f + 3 * 0.1f, 4 * 0.2f + 3 * 0.4f, 4 * 0.2f + 3 * 0.3f,
                              4 * 0.2f + 3 * 0.2f};
    for (int j = 0; j < 4; ++j)
    {
      QVERIFY(std::abs(c.logExpected[j].item<float>() - std::log(expected[j])) < 1e-6);
    }
  }

  void lossMatchesADirectComputation()
  {
    torch::manual_seed(3);
    const int64_t n = 6;
    const int64_t d = 4;
    torch::Tensor users = torch::randn({3, d});
    torch::Tensor itemVecs = torch::randn({n, d});
    torch::Tensor targets = torch::tensor({2, 5, 2}, torch::kInt64);
    torch::Tensor shared = torch::tensor({0, 5, 1, 1, 4}, torch::kInt64);
    torch::Tensor q = torch::tensor({0.3f, 0.25f, 0.05f, 0.1f, 0.2f, 0.1f});
    torch::Tensor p = torch::tensor({0.05f, 0.1f, 0.4f, 0.05f, 0.1f, 0.3f});
    auto c = m6::sampledSoftmaxCandidates(targets, shared, q, p, scratch_);
    torch::Tensor scores = users.matmul(itemVecs.index_select(0, c.items).t());
    const double loss = m6::sampledSoftmaxLoss(scores, c).item<double>();

    // By hand: the classes are the distinct items drawn, each logit minus log(M q + B p).
    const std::set<int64_t> classes = {0, 1, 2, 4, 5};
    double total = 0;
    for (int64_t r = 0; r < 3; ++r)
    {
      auto corrected = [&](int64_t j)
      {
        double s = users[r].dot(itemVecs[j]).item<double>();
        return s - std::log(5.0 * q[j].item<double>() + 3.0 * p[j].item<double>());
      };
      double denom = 0;
      for (int64_t j : classes)
      {
        denom += std::exp(corrected(j));
      }
      total += -(corrected(targets[r].item<int64_t>()) - std::log(denom));
    }
    QVERIFY2(std::abs(loss - total / 3) < 1e-5,
             qPrintable(QString("%1 vs %2").arg(loss).arg(total / 3)));
  }

  void aUsersOtherTargetsAreNotItsNegatives()
  {
    // Rows 0, 1 and 3 are one user's (targets 2, 5, 2), row 2 another's (target 5).
    torch::manual_seed(5);
    const int64_t n = 6;
    torch::Tensor vectors = torch::randn({4, 3});
    torch::Tensor itemVecs = torch::randn({n, 3});
    torch::Tensor targets = torch::tensor({2, 5, 5, 2}, torch::kInt64);
    torch::Tensor shared = torch::tensor({0, 1, 4}, torch::kInt64);
    torch::Tensor q = torch::full({n}, 1.0f / n);
    torch::Tensor p = torch::tensor({0.1f, 0.1f, 0.3f, 0.1f, 0.1f, 0.3f});
    auto c = m6::sampledSoftmaxCandidates(targets, shared, q, p, scratch_);
    m6::hideSameUserTargets(c, {7, 7, 9, 7});
    QVERIFY(c.hidden.defined());
    auto column = [&](int64_t item)
    {
      for (int64_t j = 0; j < c.items.size(0); ++j)
      {
        if (c.items[j].item<int64_t>() == item)
        {
          return j;
        }
      }
      return int64_t(-1);
    };
    auto hidden = [&](int64_t row, int64_t item)
    { return c.hidden[row][column(item)].item<bool>(); };
    QVERIFY(hidden(0, 5));   // user 7's other target
    QVERIFY(!hidden(0, 2));  // its own
    QVERIFY(hidden(1, 2));
    QVERIFY(!hidden(1, 5));
    QVERIFY(hidden(3, 5));
    QVERIFY(!hidden(2, 2));  // another user's target stays a negative
    QVERIFY(!hidden(0, 0) && !hidden(0, 1) && !hidden(0, 4));  // shared negatives stay
    QCOMPARE(c.hidden.sum().item<int64_t>(), int64_t(3));

    // The loss leaves the hidden candidates out of each row's softmax.
    torch::Tensor scores = vectors.matmul(itemVecs.index_select(0, c.items).t());
    const double loss = m6::sampledSoftmaxLoss(scores, c).item<double>();
    const std::vector<int32_t> users = {7, 7, 9, 7};
    double total = 0;
    for (int64_t r = 0; r < 4; ++r)
    {
      const int64_t own = targets[r].item<int64_t>();
      double denom = 0;
      for (int64_t item : {0, 1, 2, 4, 5})
      {
        bool sameUserTarget = false;
        for (int64_t o = 0; o < 4; ++o)
        {
          sameUserTarget = sameUserTarget || (o != r && users[size_t(o)] == users[size_t(r)] &&
                                              targets[o].item<int64_t>() == item && item != own);
        }
        if (!sameUserTarget)
        {
          denom += std::exp(vectors[r].dot(itemVecs[item]).item<double>() -
                            c.logExpected[column(item)].item<double>());
        }
      }
      const double mine =
          vectors[r].dot(itemVecs[own]).item<double>() - c.logExpected[column(own)].item<double>();
      total += -(mine - std::log(denom));
    }
    QVERIFY2(std::abs(loss - total / 4) < 1e-5,
             qPrintable(QString("%1 vs %2").arg(loss).arg(total / 4)));

    // Users with one row each: nothing hidden.
    auto alone = m6::sampledSoftmaxCandidates(targets, shared, q, p, scratch_);
    m6::hideSameUserTargets(alone, {1, 2, 3, 4});
    QVERIFY(!alone.hidden.defined());
  }

  void autoPicksItFromTenThousandItems()
  {
    m6::RunConfig c;  // dot scorer, ranking, loss auto
    QCOMPARE(m6::effectiveLoss(c, m6::kSampledSoftmaxFromItems - 1), m6::Loss::Softmax);
    QCOMPARE(m6::effectiveLoss(c, m6::kSampledSoftmaxFromItems), m6::Loss::SampledSoftmax);
    QVERIFY(m6::trainingLossNote(c, 100).empty());
    QVERIFY(m6::trainingLossNote(c, 60000).find("sampled softmax") != std::string::npos);
    // The default draw (README, "Large catalogues": 1,024 held against 4,096), named in the
    // protocol.
    QVERIFY(m6::trainingLossNote(c, 60000).find("1024 shared") != std::string::npos);
    c.model.scorer = m6::Scorer::Mlp;
    QCOMPARE(m6::effectiveLoss(c, 60000), m6::Loss::Bce);
    QVERIFY(m6::trainingLossNote(c, 60000).empty());
  }

  void autoFollowsTheSampledSoftmaxFromSetting()
  {
    m6::RunConfig c;
    m6::applySetting(c, "train.sampled_softmax_from=1000");
    QCOMPARE(m6::effectiveLoss(c, 999), m6::Loss::Softmax);
    QCOMPARE(m6::effectiveLoss(c, 1000), m6::Loss::SampledSoftmax);
    QVERIFY(m6::trainingLossNote(c, 1500).find("sampled softmax") != std::string::npos);
    // 0: always the sampled softmax, once the catalogue is known.
    c.train.sampledSoftmaxFrom = 0;
    QCOMPARE(m6::effectiveLoss(c, 1), m6::Loss::SampledSoftmax);
    QCOMPARE(m6::effectiveLoss(c), m6::Loss::Softmax);
    // Only auto follows it: a chosen loss, the mlp scorer and the other tasks keep theirs.
    c.train.loss = m6::Loss::Softmax;
    QCOMPARE(m6::effectiveLoss(c, 60000), m6::Loss::Softmax);
    c.train.loss = m6::Loss::Auto;
    c.model.scorer = m6::Scorer::Mlp;
    QCOMPARE(m6::effectiveLoss(c, 60000), m6::Loss::Bce);
    c.model.scorer = m6::Scorer::Dot;
    c.model.task = m6::Task::Ctr;
    QCOMPARE(m6::effectiveLoss(c, 60000), m6::Loss::Bce);
    // The presets: thorough takes the sampled softmax from 1,000 items (the demo's 1,500 and
    // ml-latest-small's 9,742), balanced from 10,000, and neither forces a loss, so a scorer or
    // task changed in the form stays valid.
    const m6::RunConfig thorough = m6::preset("thorough");
    const m6::RunConfig balanced = m6::preset("balanced");
    QCOMPARE(thorough.train.loss, m6::Loss::Auto);
    QCOMPARE(balanced.train.loss, m6::Loss::Auto);
    QCOMPARE(m6::effectiveLoss(thorough, 1500), m6::Loss::SampledSoftmax);
    QCOMPARE(m6::effectiveLoss(thorough, 999), m6::Loss::Softmax);
    QCOMPARE(m6::effectiveLoss(balanced, 9742), m6::Loss::Softmax);
    QCOMPARE(m6::effectiveLoss(balanced, 10000), m6::Loss::SampledSoftmax);
    m6::RunConfig thoroughMlp = thorough;
    thoroughMlp.model.scorer = m6::Scorer::Mlp;
    QVERIFY(m6::validate(thoroughMlp).empty());
    // Configs written before the setting read the former rule's 10,000.
    m6::Json old = m6::toJson(thorough);
    auto& train = old["train"].asObject();
    train.erase(std::remove_if(train.begin(), train.end(),
                               [](const auto& kv) { return kv.first == "sampled_softmax_from"; }),
                train.end());
    QCOMPARE(m6::fromJson(old).train.sampledSoftmaxFrom, m6::kSampledSoftmaxFromItems);
    QCOMPARE(m6::toJson(thorough)["train"]["sampled_softmax_from"].asInt(), 1000);
  }

  void trainedModelBeatsPopularityAndStaysNearFullSoftmax()
  {
    const m6::DatasetSnapshot data = m6test::demo(400, 600, 20000);
    m6::RunConfig c = m6test::smallConfig();
    c.train.epochs = 4;
    c.model.historyEncoder = m6::HistoryKind::Transformer;
    m6::RunConfig sampled = c;
    sampled.train.loss = m6::Loss::SampledSoftmax;
    sampled.train.sharedNegatives = 256;  // far fewer classes than the 600 items
    c.train.loss = m6::Loss::Softmax;

    m6::TrainOutcome full = m6::train(data, c, m6test::runDir(dir_, "full"), {});
    m6::TrainOutcome ss = m6::train(data, sampled, m6test::runDir(dir_, "sampled"), {});
    QCOMPARE(ss.status, m6::RunStatus::Finished);
    QVERIFY2(ss.test.protocol.find("trained with sampled softmax") != std::string::npos,
             ss.test.protocol.c_str());
    QVERIFY(full.test.protocol.find("sampled softmax") == std::string::npos);

    m6::BaselineOutcome b = m6::runBaselines(data, c);
    double pop = -1;
    for (const auto& r : b.baselines)
    {
      if (r.name == "pop")
      {
        pop = r.test.get("ndcg@10");
      }
    }
    QVERIFY(pop >= 0);
    const double ours = ss.test.get("ndcg@10");
    const double fullNdcg = full.test.get("ndcg@10");
    qInfo("test ndcg@10: sampled softmax %.4f, full softmax %.4f, most-popular %.4f", ours,
          fullNdcg, pop);
    QVERIFY2(ours > pop * 1.2, qPrintable(QString("%1 vs pop %2").arg(ours).arg(pop)));
    QVERIFY2(ours > fullNdcg * 0.8,
             qPrintable(QString("%1 vs full softmax %2").arg(ours).arg(fullNdcg)));
  }

  void perEpochValidationOnASeededUserSampleIsLabelled()
  {
    const m6::DatasetSnapshot data = m6test::demo(300, 400, 12000);
    m6::RunConfig c = m6test::smallConfig();
    c.train.epochs = 1;
    c.train.validUsers = 50;
    m6::TrainOutcome a = m6::train(data, c, m6test::runDir(dir_, "sample-a"), {});
    QCOMPARE(a.status, m6::RunStatus::Finished);
    QVERIFY2(a.valid.protocol.find("fixed seeded sample of 50 of 300 users") != std::string::npos,
             a.valid.protocol.c_str());
    // The final test covers every user, and says nothing of a sample.
    QCOMPARE(a.testRows.size(), size_t(300));
    QVERIFY2(a.test.protocol.find("sample") == std::string::npos, a.test.protocol.c_str());
    // The same seed draws the same users: the same validation figure.
    m6::TrainOutcome b = m6::train(data, c, m6test::runDir(dir_, "sample-b"), {});
    QCOMPARE(b.valid.get("ndcg@10"), a.valid.get("ndcg@10"));
    // Every user when the sample is not smaller than the users there are.
    c.train.validUsers = 1000;
    m6::TrainOutcome all = m6::train(data, c, m6test::runDir(dir_, "sample-all"), {});
    QVERIFY(all.valid.protocol.find("sample") == std::string::npos);
  }
};

QTEST_APPLESS_MAIN(TestSampledSoftmax)
#include "test_sampled_softmax.moc"
