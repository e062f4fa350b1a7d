// evaluateRanking on the ratio split of a hand-built snapshot, with a scorer whose scores are
// known (item i scores i): which items are candidates, where each query's history ends, and the
// rank of every held-out target, exactly.
//
// Includes torch (like test_item_baselines): torch first, QT_NO_KEYWORDS keeps Qt's `slots` away.
#include <torch/torch.h>

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <thread>

#include "model/core/config.h"
#include "model/core/significance.h"
#include "model/core/split.h"
#include "model/evaluate.h"
#include "model/threads.h"

namespace
{

constexpr int kItems = 30;

// u0: items 0..19 at times 1..20 (ratio 8:1:1 -> train 0..15, valid 16, 17, test 18, 19).
// u1: items 20..27, then 28, then 20 again (train 20..27, valid 28, test 20: a repeat).
m6::DatasetSnapshot handBuilt()
{
  m6::DatasetSnapshot s;
  s.userIds = {"u0", "u1"};
  for (int i = 0; i < kItems; ++i)
  {
    s.itemIds.push_back("i" + std::to_string(i));
  }
  s.userStart = {0};
  for (int i = 0; i < 20; ++i)
  {
    s.user.push_back(0);
    s.item.push_back(i);
    s.ts.push_back(i + 1);
  }
  s.userStart.push_back(20);
  for (int i : {20, 21, 22, 23, 24, 25, 26, 27, 28, 20})
  {
    s.user.push_back(1);
    s.item.push_back(i);
    s.ts.push_back(100 + static_cast<int64_t>(s.ts.size()));
  }
  s.userStart.push_back(30);
  return s;
}

// Item i scores i for every query; remembers where each query's history ended.
class ByIndex : public m6::ScoreProvider
{
 public:
  std::vector<int64_t> historyEnds;
  torch::Tensor scoreCatalogue(const std::vector<m6::QuerySpec>& queries) override
  {
    for (const auto& q : queries)
    {
      historyEnds.push_back(q.historyEnd);
    }
    return torch::arange(kItems, torch::kFloat32)
        .unsqueeze(0)
        .expand({static_cast<int64_t>(queries.size()), kItems})
        .contiguous();
  }
  torch::Tensor scoreCandidates(const std::vector<m6::QuerySpec>& queries,
                                const torch::Tensor& candidates) override
  {
    for (const auto& q : queries)
    {
      historyEnds.push_back(q.historyEnd);
      contextRows.push_back(q.contextRow);
    }
    return candidates.to(torch::kFloat32);
  }
  std::vector<int64_t> contextRows;
};

// Scores with many ties, a fixed function of (query, item); remembers the cores idle while it
// scored.
class Hashed : public m6::ScoreProvider
{
 public:
  int64_t items = 0;
  std::vector<int> idleSeen;
  torch::Tensor scoreCatalogue(const std::vector<m6::QuerySpec>& queries) override
  {
    idleSeen.push_back(m6::idleCores());
    torch::Tensor out = torch::empty({static_cast<int64_t>(queries.size()), items});
    auto acc = out.accessor<float, 2>();
    for (size_t r = 0; r < queries.size(); ++r)
    {
      for (int64_t i = 0; i < items; ++i)
      {
        const uint64_t h = (static_cast<uint64_t>(queries[r].historyEnd) * 2654435761ULL) ^
                           (static_cast<uint64_t>(i) * 40503ULL);
        acc[static_cast<int64_t>(r)][i] = static_cast<float>((h >> 7) % 23);
      }
    }
    return out;
  }
  torch::Tensor scoreCandidates(const std::vector<m6::QuerySpec>&,
                                const torch::Tensor& candidates) override
  {
    return candidates.to(torch::kFloat32);
  }
  int64_t batchSize() const override { return 100; }
};

// 700 users with 3..40 interactions each over 300 items (seeded, repeats allowed).
m6::DatasetSnapshot manyUsers()
{
  m6::DatasetSnapshot s;
  for (int i = 0; i < 300; ++i)
  {
    s.itemIds.push_back("i" + std::to_string(i));
  }
  uint64_t x = 88172645463325252ULL;
  auto next = [&x]()
  {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int u = 0; u < 700; ++u)
  {
    s.userIds.push_back("u" + std::to_string(u));
    s.userStart.push_back(static_cast<int64_t>(s.user.size()));
    const int count = 3 + static_cast<int>(next() % 38);
    for (int j = 0; j < count; ++j)
    {
      s.user.push_back(u);
      s.item.push_back(static_cast<int32_t>(next() % 300));
      s.ts.push_back(1000 + j);
    }
  }
  s.userStart.push_back(static_cast<int64_t>(s.user.size()));
  return s;
}

}  // namespace

class TestEvaluateSplits : public QObject
{
  Q_OBJECT
 private Q_SLOTS:
  void severalTargetsAreRankedInOneList()
  {
    const m6::DatasetSnapshot s = handBuilt();
    m6::TrainConfig t;
    t.split = m6::SplitKind::RatioTime;
    const m6::Split split = m6::makeSplit(s, t);
    const std::vector<int32_t> categories(kItems, -1);
    ByIndex scorer;
    const int k = 12;
    m6::EvalResult test =
        m6::evaluateRanking(s, split, categories, m6::SplitPart::Test, k, false, 1, scorer);
    QCOMPARE(scorer.historyEnds, (std::vector<int64_t>{18, 29}));  // train + validation blocks
    QCOMPARE(test.rows.size(), size_t(2));
    // u0: candidates are items 18..29 (0..17 are its past); 29..20 rank above 19 and 18.
    QCOMPARE(test.rows[0].user, 0);
    QCOMPARE(test.rows[0].item, 18);
    QCOMPARE(test.rows[0].ranks, (std::vector<int64_t>{11, 10}));
    QCOMPARE(test.rows[0].rank, int64_t(10));
    // u1: its past (20..28) is excluded except the target 20 itself; only 29 ranks above it.
    QCOMPARE(test.rows[1].rank, int64_t(1));
    QVERIFY(test.rows[1].ranks.empty());
    const double ndcg0 = (1 / std::log2(13.0) + 1 / std::log2(12.0)) / (1 + 1 / std::log2(3.0));
    const double ndcg1 = 1 / std::log2(3.0);
    QVERIFY(std::fabs(test.metrics.get("ndcg@12") - (ndcg0 + ndcg1) / 2) < 1e-12);
    QCOMPARE(test.metrics.get("hr@12"), 1.0);
    QCOMPARE(test.metrics.get("recall@12"), 1.0);
    QVERIFY(QString::fromStdString(test.metrics.protocol)
                .startsWith("ratio 80:10:10 per user by time; full ranking"));

    // Validation: u0's history ends at its training block (16), candidates 16..29.
    scorer.historyEnds.clear();
    m6::EvalResult valid =
        m6::evaluateRanking(s, split, categories, m6::SplitPart::Valid, k, false, 1, scorer);
    QCOMPARE(scorer.historyEnds, (std::vector<int64_t>{16, 28}));
    QCOMPARE(valid.rows[0].ranks, (std::vector<int64_t>{13, 12}));
    QCOMPARE(valid.metrics.get("hr@12"), 0.5);  // u0 misses at 12; u1's 28 ranks 1 behind 29
    QCOMPARE(valid.rows[1].rank, int64_t(1));

    // The sampled protocol ranks each user's targets together against 100 sampled negatives
    // per target: u0's two targets (items 18, 19) meet 200 negatives, all from 20..29 (its past
    // is excluded), which score above both; 19 scores above 18.
    m6::EvalResult sampled =
        m6::evaluateRanking(s, split, categories, m6::SplitPart::Test, k, true, 1, scorer);
    QCOMPARE(sampled.rows[0].ranks, (std::vector<int64_t>{201, 200}));
    QCOMPARE(sampled.rows[0].rank, int64_t(200));
    QCOMPARE(sampled.rows[0].prediction, 18.0);
    QVERIFY(sampled.rows[1].ranks.empty());  // u1: one target
    QVERIFY2(QString::fromStdString(sampled.metrics.protocol)
                 .contains("each user's targets ranked together against 100 sampled negatives "
                           "per target"),
             sampled.metrics.protocol.c_str());
  }

  // With no training loop running, full ranking ranks one batch on a helper thread while the next
  // is scored, both threads on the same batch at its end: the rows, lists and metrics are the
  // ones one thread gives (7 batches of 100 targets, scores with many ties).
  void idleCoresRankLikeOneCore()
  {
    const m6::DatasetSnapshot s = manyUsers();
    m6::TrainConfig t;
    t.split = m6::SplitKind::RatioTime;  // several targets per user
    const m6::Split split = m6::makeSplit(s, t);
    std::vector<int32_t> categories(300);
    for (int i = 0; i < 300; ++i)
    {
      categories[static_cast<size_t>(i)] = i % 7;
    }
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    m6::EvalResult one;
    Hashed busyScorer;
    busyScorer.items = 300;
    {
      m6::TrainingStepsScope training;  // as if a run trained in this process: keep one core
      one =
          m6::evaluateRanking(s, split, categories, m6::SplitPart::Test, 10, false, 1, busyScorer);
    }
    Hashed idleScorer;
    idleScorer.items = 300;
    m6::EvalResult all =
        m6::evaluateRanking(s, split, categories, m6::SplitPart::Test, 10, false, 1, idleScorer);
    QCOMPARE(busyScorer.idleSeen.front(), 1);
    QCOMPARE(idleScorer.idleSeen.front(), std::max(cores, 1));
    QCOMPARE(m6::idleCores(), std::max(cores, 1));  // the scope ended with the block
    QCOMPARE(one.rows.size(), size_t(700));
    QCOMPARE(all.rows.size(), one.rows.size());
    for (size_t i = 0; i < one.rows.size(); ++i)
    {
      QCOMPARE(all.rows[i].user, one.rows[i].user);
      QCOMPARE(all.rows[i].rank, one.rows[i].rank);
      QCOMPARE(all.rows[i].ranks, one.rows[i].ranks);
    }
    for (const char* m : {"ndcg@10", "hr@10", "recall@10", "coverage@10", "diversity@10"})
    {
      QCOMPARE(all.metrics.get(m), one.metrics.get(m));
    }
    if (cores < 2)
    {
      QSKIP("one core: both evaluations ran on one thread, the pipeline was not tried");
    }
  }

  // Pointwise tasks: every target of a block is scored after the block's start (one held-out
  // interaction is never another's history), each in its own context.
  void pointwiseTargetsOfABlockShareOneHistory()
  {
    m6::DatasetSnapshot s = handBuilt();
    s.rating.assign(s.item.size(), 4.0f);
    s.rating[19] = 2.0f;
    m6::TrainConfig t;
    t.split = m6::SplitKind::RatioTime;
    const m6::Split split = m6::makeSplit(s, t);
    ByIndex scorer;
    m6::EvalResult test =
        m6::evaluatePointwise(s, split, m6::SplitPart::Test, m6::Task::Rating, 0, scorer);
    QCOMPARE(scorer.historyEnds, (std::vector<int64_t>{18, 18, 29}));
    QCOMPARE(scorer.contextRows, (std::vector<int64_t>{18, 19, 29}));
    // One row per user: u0's two interactions are its points (ByIndex predicts the item index).
    QCOMPARE(test.rows.size(), size_t(2));
    QCOMPARE(test.rows[0].prediction, 18.0);
    QCOMPARE(test.rows[0].points,
             (std::vector<std::pair<double, double>>{{18.0, 4.0}, {19.0, 2.0}}));
    QVERIFY(test.rows[1].points.empty());
    // The aggregates count every interaction: u1's target is item 20, rated 4.
    const double sq = (14.0 * 14.0 + 17.0 * 17.0 + 16.0 * 16.0) / 3.0;
    QVERIFY(std::fabs(test.metrics.get("rmse") - std::sqrt(sq)) < 1e-9);
    QVERIFY(std::fabs(test.metrics.get("mae") - (14.0 + 17.0 + 16.0) / 3.0) < 1e-9);
    // And the per-user values average over the user's interactions.
    QCOMPARE(m6::perUserValues(test.rows, m6::Task::Rating, "abs_error"),
             (std::vector<double>{15.5, 16.0}));
    scorer.historyEnds.clear();
    m6::evaluatePointwise(s, split, m6::SplitPart::Valid, m6::Task::Ctr, 3.5, scorer);
    QCOMPARE(scorer.historyEnds, (std::vector<int64_t>{16, 16, 28}));
  }

  void leaveOneOutRanksTheLastItem()
  {
    const m6::DatasetSnapshot s = handBuilt();
    const m6::Split split = m6::splitLeaveOneOut(s);
    const std::vector<int32_t> categories(kItems, -1);
    ByIndex scorer;
    m6::EvalResult test =
        m6::evaluateRanking(s, split, categories, m6::SplitPart::Test, 10, false, 1, scorer);
    QCOMPARE(scorer.historyEnds, (std::vector<int64_t>{19, 29}));
    QCOMPARE(test.rows[0].rank, int64_t(10));  // item 19 among 19..29
    QVERIFY(test.rows[0].ranks.empty());
    QCOMPARE(test.metrics.get("recall@10"), test.metrics.get("hr@10"));
    QVERIFY(QString::fromStdString(test.metrics.protocol).startsWith("leave-one-out by time;"));
  }
};

QTEST_APPLESS_MAIN(TestEvaluateSplits)
#include "test_evaluate_splits.moc"
