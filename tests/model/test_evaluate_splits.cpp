// evaluateRanking on the ratio split of a hand-built snapshot, with a scorer whose scores are
// known (item i scores i): which items are candidates, where each query's history ends, and the
// rank of every held-out target, exactly.
//
// Includes torch (like test_item_baselines): torch first, QT_NO_KEYWORDS keeps Qt's `slots` away.
#include <torch/torch.h>

#include <QtTest>
#include <cmath>

#include "model/core/config.h"
#include "model/core/split.h"
#include "model/evaluate.h"

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
  torch::Tensor scoreCandidates(const std::vector<m6::QuerySpec>&,
                                const torch::Tensor& candidates) override
  {
    return candidates.to(torch::kFloat32);
  }
};

}  // namespace

class TestEvaluateSplits : public QObject
{
  Q_OBJECT
 private Q_SLOTS:
  void severalTargetsAreRankedInOneList()
  {
    const m6::DatasetSnapshot s = handBuilt();
    m6::TrainConfig t;
    t.split = "ratio-time";
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

    // The sampled protocol ranks one item per user and refuses several.
    QVERIFY_THROWS_EXCEPTION(
        std::invalid_argument,
        m6::evaluateRanking(s, split, categories, m6::SplitPart::Test, k, true, 1, scorer));
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
