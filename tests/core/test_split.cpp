// The splits of train.split on hand-built snapshots: exactly which interactions are held out; and
// the ranking protocol over them (model/core/ranking_protocol.h), which the evaluation and the
// Inspect page share: the targets, the exclusions, the ranks, and recommendation-list positions.
//
// Over 500 lines: every split kind, each checked by the same partition helpers.
#include <QtTest>
#include <algorithm>
#include <array>
#include <cmath>

#include "model/core/config.h"
#include "model/core/demo_data.h"
#include "model/core/ranking_protocol.h"
#include "model/core/rng.h"
#include "model/core/split.h"

using m6::SplitPart;

namespace
{

// u0: five interactions, u1: two (train only), u2: three, u3: none.
m6::DatasetSnapshot handBuilt()
{
  m6::DatasetSnapshot s;
  s.userIds = {"u0", "u1", "u2", "u3"};
  s.itemIds = {"a", "b", "c", "d", "e"};
  s.user = {0, 0, 0, 0, 0, 1, 1, 2, 2, 2};
  s.item = {0, 1, 2, 3, 4, 2, 3, 4, 0, 1};
  s.ts = {10, 20, 30, 40, 50, 15, 25, 5, 6, 7};
  s.userStart = {0, 5, 7, 10, 10};
  return s;
}

// Users with 1, 2, 3, 10, 20 and 25 interactions at times 1..n (each user's own clock).
m6::DatasetSnapshot bySizes(const std::vector<int>& sizes)
{
  m6::DatasetSnapshot s;
  s.userStart.push_back(0);
  for (size_t u = 0; u < sizes.size(); ++u)
  {
    s.userIds.push_back("u" + std::to_string(u));
    for (int j = 0; j < sizes[u]; ++j)
    {
      s.user.push_back(static_cast<int32_t>(u));
      s.item.push_back(j % 30);
      s.ts.push_back(1000 * static_cast<int64_t>(j + 1) + static_cast<int64_t>(u));
    }
    s.userStart.push_back(static_cast<int64_t>(s.user.size()));
  }
  for (int i = 0; i < 30; ++i)
  {
    s.itemIds.push_back("i" + std::to_string(i));
  }
  return s;
}

// The split a train.split word names (the tests use known words only).
m6::SplitKind kindNamed(const std::string& word)
{
  return m6::enumFromWord<m6::SplitKind>(word).value();
}

m6::TrainConfig splitting(const std::string& kind, double valid = 0.1, double test = 0.1)
{
  m6::TrainConfig t;
  t.split = kindNamed(kind);
  t.validRatio = valid;
  t.testRatio = test;
  return t;
}

// The parts are three consecutive blocks per user that cover every interaction once, and the
// per-user indices agree with the per-interaction parts.
void checkPartition(const m6::DatasetSnapshot& s, const m6::Split& sp)
{
  int64_t train = 0;
  int64_t valid = 0;
  int64_t test = 0;
  QCOMPARE(static_cast<int64_t>(sp.part.size()), s.numInteractions());
  for (int64_t u = 0; u < s.numUsers(); ++u)
  {
    const auto uu = static_cast<size_t>(u);
    QVERIFY(s.userStart[uu] <= sp.trainEnd[uu]);
    QVERIFY(sp.trainEnd[uu] <= sp.validEnd[uu]);
    QVERIFY(sp.validEnd[uu] <= s.userStart[uu + 1]);
    for (int64_t n = s.userStart[uu]; n < s.userStart[uu + 1]; ++n)
    {
      const SplitPart want = n < sp.trainEnd[uu]   ? SplitPart::Train
                             : n < sp.validEnd[uu] ? SplitPart::Valid
                                                   : SplitPart::Test;
      QVERIFY(sp.part[static_cast<size_t>(n)] == want);
      train += want == SplitPart::Train ? 1 : 0;
      valid += want == SplitPart::Valid ? 1 : 0;
      test += want == SplitPart::Test ? 1 : 0;
    }
    QCOMPARE(sp.validIndex[uu], sp.validEnd[uu] > sp.trainEnd[uu] ? sp.trainEnd[uu] : -1);
    QCOMPARE(sp.testIndex[uu], s.userStart[uu + 1] > sp.validEnd[uu] ? sp.validEnd[uu] : -1);
  }
  QCOMPARE(sp.numTrain, train);
  QCOMPARE(sp.numValid, valid);
  QCOMPARE(sp.numTest, test);
  QCOMPARE(train + valid + test, s.numInteractions());
}

// Each user's interactions in `view` are those of `s` (the same (item, time) multiset), the
// training block keeps time order, and so do the validation and test blocks.
void checkReordering(const m6::DatasetSnapshot& s, const m6::SplitView& view)
{
  const m6::DatasetSnapshot& d = view.data(s);
  QCOMPARE(d.userStart, s.userStart);
  QCOMPARE(d.user, s.user);
  checkPartition(d, view.split);
  for (int64_t u = 0; u < s.numUsers(); ++u)
  {
    const auto uu = static_cast<size_t>(u);
    std::vector<std::pair<int64_t, int32_t>> was, is;
    for (int64_t n = s.userStart[uu]; n < s.userStart[uu + 1]; ++n)
    {
      was.emplace_back(s.ts[static_cast<size_t>(n)], s.item[static_cast<size_t>(n)]);
      is.emplace_back(d.ts[static_cast<size_t>(n)], d.item[static_cast<size_t>(n)]);
    }
    std::sort(was.begin(), was.end());
    std::sort(is.begin(), is.end());
    QVERIFY(was == is);
    for (const auto& [first, end] :
         {std::make_pair(s.userStart[uu], view.split.trainEnd[uu]),
          view.split.block(d, u, SplitPart::Valid), view.split.block(d, u, SplitPart::Test)})
    {
      QVERIFY(std::is_sorted(d.ts.begin() + first, d.ts.begin() + end));
    }
  }
}

// Users whose held-out interactions are not simply their last ones by time.
int usersHeldOutBeforeTheirEnd(const m6::DatasetSnapshot& s, const m6::SplitView& view)
{
  const m6::DatasetSnapshot& d = view.data(s);
  int count = 0;
  for (int64_t u = 0; u < s.numUsers(); ++u)
  {
    const auto uu = static_cast<size_t>(u);
    const int64_t trainEnd = view.split.trainEnd[uu];
    if (trainEnd > s.userStart[uu] && trainEnd < s.userStart[uu + 1] &&
        d.ts[static_cast<size_t>(trainEnd - 1)] > d.ts[static_cast<size_t>(trainEnd)])
    {
      ++count;
    }
  }
  return count;
}

}  // namespace

class TestSplit : public QObject
{
  Q_OBJECT
 private Q_SLOTS:
  void protocolNamesTheSplitReallyUsed()
  {
    m6::DatasetSnapshot s = handBuilt();
    const std::string line = "leave-one-out by time; full ranking; K=10";
    if (s.hasTimestamps())
    {
      QCOMPARE(m6::withSplitName(line, s), line);
    }
    s.ts.clear();  // no times: the split is by file order, and the line must say so
    QCOMPARE(QString::fromStdString(m6::withSplitName(line, s)),
             QString("leave-one-out by file order (the dataset has no timestamps); full ranking; "
                     "K=10"));
    QCOMPARE(m6::withSplitName("sampled: x", s), std::string("sampled: x"));
    s.shuffledWithinUser = true;  // what the importer does without times
    QVERIFY(m6::withSplitName(line, s).rfind("leave-one-out at random (no timestamps", 0) == 0);
  }

  void heldOutItemsAreTheLastTwo()
  {
    m6::DatasetSnapshot s = handBuilt();
    m6::Split sp = m6::splitLeaveOneOut(s);
    QCOMPARE(sp.testIndex, (std::vector<int64_t>{4, -1, 9, -1}));
    QCOMPARE(sp.validIndex, (std::vector<int64_t>{3, -1, 8, -1}));
    QCOMPARE(sp.trainEnd, (std::vector<int64_t>{3, 7, 8, 10}));
    QCOMPARE(s.item[static_cast<size_t>(sp.testIndex[0])], 4);   // u0's test item is e
    QCOMPARE(s.item[static_cast<size_t>(sp.validIndex[0])], 3);  // and validation d
    QCOMPARE(s.item[static_cast<size_t>(sp.testIndex[2])], 1);
    QCOMPARE(s.item[static_cast<size_t>(sp.validIndex[2])], 0);
    std::vector<SplitPart> expected = {
        SplitPart::Train, SplitPart::Train, SplitPart::Train, SplitPart::Valid, SplitPart::Test,
        SplitPart::Train, SplitPart::Train, SplitPart::Train, SplitPart::Valid, SplitPart::Test};
    QVERIFY(sp.part == expected);
    QCOMPARE(sp.numTrain, int64_t(6));
    QCOMPARE(sp.numValid, int64_t(2));
    QCOMPARE(sp.numTest, int64_t(2));
    QCOMPARE(sp.trainCount(s, 0), int64_t(3));
    QCOMPARE(sp.trainCount(s, 1), int64_t(2));
    QCOMPARE(sp.trainCount(s, 3), int64_t(0));
  }

  void ratioSplitsCountLikeRecBole()
  {
    const std::vector<int> sizes = {1, 2, 3, 10, 20, 25};
    m6::DatasetSnapshot s = bySizes(sizes);
    m6::Split sp = m6::makeSplit(s, splitting("ratio-time"));
    checkPartition(s, sp);
    QCOMPARE(QString::fromStdString(m6::wordOf(sp.kind)), QString("ratio-time"));
    QCOMPARE(QString::fromStdString(sp.name), QString("ratio 80:10:10 per user by time"));
    QVERIFY(sp.multiTarget());
    // (train, valid, test) per user: a share below one interaction still gets one while train
    // keeps more than one; otherwise the floor of each share.
    const std::vector<std::array<int64_t, 3>> want = {{1, 0, 0}, {1, 0, 1},  {1, 1, 1},
                                                      {8, 1, 1}, {16, 2, 2}, {21, 2, 2}};
    for (size_t u = 0; u < sizes.size(); ++u)
    {
      const int64_t a = s.userStart[u];
      const int64_t b = s.userStart[u + 1];
      const std::array<int64_t, 3> got = {sp.trainEnd[u] - a, sp.validEnd[u] - sp.trainEnd[u],
                                          b - sp.validEnd[u]};
      QVERIFY2(got == want[u], qPrintable(QString("user %1").arg(u)));
    }
    // By time: every held-out interaction is later than every training one of its user.
    for (size_t u = 0; u < sizes.size(); ++u)
    {
      for (int64_t n = s.userStart[u]; n < sp.trainEnd[u]; ++n)
      {
        for (int64_t m = sp.trainEnd[u]; m < s.userStart[u + 1]; ++m)
        {
          QVERIFY(s.ts[static_cast<size_t>(n)] < s.ts[static_cast<size_t>(m)]);
        }
      }
    }
    // Other shares.
    m6::Split wide = m6::makeSplit(s, splitting("ratio-time", 0.2, 0.3));
    checkPartition(s, wide);
    QCOMPARE(wide.validEnd[5] - wide.trainEnd[5], int64_t(5));  // floor(0.2 * 25)
    QCOMPARE(s.userStart[6] - wide.validEnd[5], int64_t(7));    // floor(0.3 * 25)
    QCOMPARE(QString::fromStdString(wide.name), QString("ratio 50:20:30 per user by time"));
    // The same data gives the same split.
    m6::Split again = m6::makeSplit(s, splitting("ratio-time"));
    QVERIFY(again.part == sp.part);
  }

  void globalTimeCutsEveryUserAtTheSameTimes()
  {
    m6::DatasetSnapshot s = bySizes({1, 2, 3, 10, 20, 25, 40});
    // A user whose interactions all come after the cuts: held out, nothing to train on.
    s.userIds.push_back("late");
    for (int j = 0; j < 4; ++j)
    {
      s.user.push_back(7);
      s.item.push_back(j);
      s.ts.push_back(100000 + j);
    }
    s.userStart.push_back(static_cast<int64_t>(s.user.size()));
    m6::Split sp = m6::makeSplit(s, splitting("global-time"));
    checkPartition(s, sp);
    QVERIFY(sp.validFrom > 0 && sp.validFrom < sp.testFrom);
    for (size_t n = 0; n < s.ts.size(); ++n)
    {
      const int64_t t = s.ts[n];
      const SplitPart want = t >= sp.testFrom    ? SplitPart::Test
                             : t >= sp.validFrom ? SplitPart::Valid
                                                 : SplitPart::Train;
      QVERIFY(sp.part[n] == want);
    }
    // The cuts are the 80% and 90% quantiles of all times.
    const double n = static_cast<double>(s.numInteractions());
    QVERIFY(std::abs(double(sp.numTest) / n - 0.1) < 0.02);
    QVERIFY(std::abs(double(sp.numValid + sp.numTest) / n - 0.2) < 0.02);
    QCOMPARE(sp.trainEnd[7], s.userStart[7]);  // "late" has no training interactions
    QVERIFY(sp.testIndex[7] >= 0);
    QVERIFY(
        QString::fromStdString(sp.name).startsWith("global time split 80:10:10 (validation from "));
  }

  void leaveOneOutIsTheDefaultAndUnchanged()
  {
    m6::DatasetSnapshot s = handBuilt();
    m6::Split a = m6::makeSplit(s, splitting("auto"));
    m6::Split b = m6::makeSplit(s, splitting("loo-time"));
    checkPartition(s, a);
    QVERIFY(a.part == b.part);
    QCOMPARE(a.testIndex, b.testIndex);
    QCOMPARE(QString::fromStdString(m6::wordOf(a.kind)), QString("loo-time"));
    QVERIFY(!a.multiTarget());
    const std::string line = "leave-one-out by time; full ranking; K=10";
    QCOMPARE(m6::withSplitName(line, a), line);
    m6::Split r = m6::makeSplit(bySizes({10}), splitting("ratio-time"));
    QCOMPARE(QString::fromStdString(m6::withSplitName(line, r)),
             QString("ratio 80:10:10 per user by time; full ranking; K=10"));
    s.ts.clear();
    s.shuffledWithinUser = true;
    m6::Split random = m6::makeSplit(s, splitting("auto"));
    QCOMPARE(QString::fromStdString(m6::wordOf(random.kind)), QString("loo-random"));
    QVERIFY(random.part == m6::makeSplit(s, splitting("loo-random")).part);
    m6::Split ratio = m6::makeSplit(s, splitting("ratio-random"));
    checkPartition(s, ratio);
    QVERIFY(QString::fromStdString(ratio.name).startsWith("ratio 80:10:10 per user at random"));
  }

  void splitsThatDoNotFitTheDataAreRefused()
  {
    m6::DatasetSnapshot timed = handBuilt();
    m6::DatasetSnapshot untimed = handBuilt();
    untimed.ts.clear();
    for (const char* kind : {"loo-time", "ratio-time", "global-time"})
    {
      QVERIFY(m6::splitProblem(kindNamed(kind), true).empty());
      QVERIFY(QString::fromStdString(m6::splitProblem(kindNamed(kind), false))
                  .contains("needs interaction times"));
      QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m6::makeSplit(untimed, splitting(kind)));
    }
    for (const char* kind : {"loo-random", "ratio-random", "global-random"})
    {
      QVERIFY(m6::splitProblem(kindNamed(kind), false).empty());
      QVERIFY(m6::splitProblem(kindNamed(kind), true).empty());
    }
    QVERIFY(m6::splitProblem(m6::SplitKind::Auto, true).empty() &&
            m6::splitProblem(m6::SplitKind::Auto, false).empty());
    m6::RunConfig c;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m6::applySetting(c, "train.split=8:1:1"));
  }

  void randomSplitsOfTimedDataDrawTheirHeldOutInteractions()
  {
    const std::vector<int> sizes = {1, 2, 3, 10, 20, 25, 40, 40, 40, 40};
    const m6::DatasetSnapshot s = bySizes(sizes);
    const m6::Split byTime = m6::makeSplit(s, splitting("ratio-time"));
    for (const char* kind : {"loo-random", "ratio-random"})
    {
      QVERIFY(m6::splitReorders(s, splitting(kind)));
      QVERIFY_THROWS_EXCEPTION(std::logic_error, m6::makeSplit(s, splitting(kind)));
      const m6::SplitView view = m6::splitView(s, splitting(kind));
      QVERIFY(view.reordered);
      QVERIFY(view.split.randomDraw);
      QCOMPARE(QString::fromStdString(m6::wordOf(view.split.kind)), QString(kind));
      checkReordering(s, view);
      // Drawn, not the last ones: most users with 10 or more interactions hold out earlier ones.
      QVERIFY2(usersHeldOutBeforeTheirEnd(s, view) >= 5, kind);
      // The same counts as the split by time, per user.
      for (size_t u = 0; u < sizes.size(); ++u)
      {
        const int64_t n = s.userStart[u + 1] - s.userStart[u];
        const int64_t test = s.userStart[u + 1] - view.split.validEnd[u];
        const int64_t valid = view.split.validEnd[u] - view.split.trainEnd[u];
        if (std::string(kind) == "loo-random")
        {
          QCOMPARE(test, n >= 3 ? int64_t(1) : int64_t(0));
          QCOMPARE(valid, test);
        }
        else
        {
          QCOMPARE(test, s.userStart[u + 1] - byTime.validEnd[u]);
          QCOMPARE(valid, byTime.validEnd[u] - byTime.trainEnd[u]);
        }
      }
      // A property of the data, not of the run's seed.
      m6::TrainConfig other = splitting(kind);
      other.seed = 777;
      const m6::SplitView again = m6::splitView(s, other);
      QVERIFY(again.reordered->item == view.reordered->item);
      QVERIFY(again.reordered->ts == view.reordered->ts);
      QVERIFY(again.split.part == view.split.part);
    }
    const m6::SplitView loo = m6::splitView(s, splitting("loo-random"));
    QCOMPARE(QString::fromStdString(loo.split.name),
             QString("leave-one-out at random (a fixed draw per user; the rest in time order)"));
    QVERIFY(!loo.split.multiTarget());
    QVERIFY(QString::fromStdString(m6::splitDescription(loo.split)).contains("drawn at random"));
    const m6::SplitView ratio = m6::splitView(s, splitting("ratio-random"));
    QVERIFY(QString::fromStdString(ratio.split.name)
                .startsWith("ratio 80:10:10 per user at random (a fixed draw per user"));
    // Without timestamps the import's shuffle already is the draw: nothing is reordered.
    m6::DatasetSnapshot untimed = s;
    untimed.ts.clear();
    untimed.shuffledWithinUser = true;
    QVERIFY(!m6::splitReorders(untimed, splitting("ratio-random")));
    QVERIFY(!m6::splitView(untimed, splitting("ratio-random")).reordered);
  }

  void globalRandomHoldsOutAShareOfAllInteractions()
  {
    const m6::DatasetSnapshot s = bySizes({1, 2, 3, 10, 20, 25, 40, 40, 40, 40, 3, 7});
    const int64_t n = s.numInteractions();
    for (bool timed : {true, false})
    {
      m6::DatasetSnapshot d = s;
      if (!timed)
      {
        d.ts.clear();
      }
      QVERIFY(m6::splitReorders(d, splitting("global-random")));
      const m6::SplitView view = m6::splitView(d, splitting("global-random", 0.2, 0.1));
      if (timed)
      {
        checkReordering(d, view);
        QVERIFY(usersHeldOutBeforeTheirEnd(d, view) >= 3);
      }
      else
      {
        checkPartition(view.data(d), view.split);
      }
      // Exact shares of all interactions; a user may lose all of them, or none.
      QCOMPARE(view.split.numTest, static_cast<int64_t>(std::floor(0.1 * double(n))));
      QCOMPARE(view.split.numValid, static_cast<int64_t>(std::floor(0.2 * double(n))));
      QVERIFY(view.split.multiTarget());
      QCOMPARE(QString::fromStdString(view.split.name),
               QString("random 70:20:10 over all interactions (a fixed draw)"));
    }
  }

  void withoutTimestampsTheFileOrderDecides()
  {
    m6::DatasetSnapshot s = handBuilt();
    s.ts.clear();
    m6::Split sp = m6::splitLeaveOneOut(s);
    QCOMPARE(sp.testIndex, (std::vector<int64_t>{4, -1, 9, -1}));
  }

  void inconsistentSnapshotsAreRejected()
  {
    m6::DatasetSnapshot s = handBuilt();
    s.userStart.back() = 9;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m6::splitLeaveOneOut(s));
    s = handBuilt();
    s.user[5] = 0;  // an interaction of u1 labelled as u0's
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m6::splitLeaveOneOut(s));
  }

  void demoCounts()
  {
    m6::DemoOptions o;
    o.users = 50;
    o.items = 100;
    o.interactions = 1000;
    auto s = m6::generateDemoDataset(o);
    auto sp = m6::splitLeaveOneOut(s);
    QCOMPARE(sp.numValid, int64_t(50));  // every demo user has at least five interactions
    QCOMPARE(sp.numTrain + sp.numValid + sp.numTest, s.numInteractions());
  }

  void coldItemsAreAFixedShareOfTheCatalogue()
  {
    m6::DemoOptions o;
    o.users = 50;
    o.items = 200;
    o.interactions = 1000;
    auto s = m6::generateDemoDataset(o);
    QCOMPARE(m6::coldItemCount(200, 0.1), int64_t(20));
    QCOMPARE(m6::coldItemCount(200, 0.0), int64_t(0));
    QCOMPARE(m6::coldItemCount(7, 0.25), int64_t(2));
    std::vector<uint8_t> mask = m6::coldItemMask(s, 0.1);
    QCOMPARE(std::count(mask.begin(), mask.end(), uint8_t(1)), long(20));
    QVERIFY(mask == m6::coldItemMask(s, 0.1));  // fixed per dataset
    // By external id: reordering the catalogue keeps the same items cold.
    m6::DatasetSnapshot r = s;
    std::reverse(r.itemIds.begin(), r.itemIds.end());
    std::vector<uint8_t> reversed = m6::coldItemMask(r, 0.1);
    std::reverse(reversed.begin(), reversed.end());
    QVERIFY(reversed == mask);
    // Not simply the first ids.
    QVERIFY(std::count(mask.begin(), mask.begin() + 20, uint8_t(1)) < 20);
    std::vector<uint8_t> none = m6::coldItemMask(s, 0);
    QCOMPARE(std::count(none.begin(), none.end(), uint8_t(1)), long(0));
  }

  void trainFractionSubsetsNest()
  {
    int64_t tenth = 0;
    int64_t quarter = 0;
    const int64_t n = 100000;
    for (int64_t i = 0; i < n; ++i)
    {
      bool a = m6::inTrainFraction(i, 0.1);
      bool b = m6::inTrainFraction(i, 0.25);
      QVERIFY(!a || b);
      QVERIFY(m6::inTrainFraction(i, 1.0));
      tenth += a ? 1 : 0;
      quarter += b ? 1 : 0;
    }
    QVERIFY(std::abs(double(tenth) / n - 0.1) < 0.005);
    QVERIFY(std::abs(double(quarter) / n - 0.25) < 0.005);
  }

  void rankingExcludesThePastAndKeepsTheTargets()
  {
    // u0 met a, b, c, d, e at times 10..50: leave-one-out holds d (validation) and e (test) out.
    // u0 then meets a again as its test item in a second snapshot below.
    const m6::DatasetSnapshot s = handBuilt();
    const m6::Split split = m6::splitLeaveOneOut(s);
    const auto test = m6::rankingTargets(s, split, m6::SplitPart::Test);
    QCOMPARE(int(test.size()), 2);  // u0 and u2 (u1 has two interactions, u3 none)
    QCOMPARE(test[0].query, int64_t(4));
    QCOMPARE(test[0].items, std::vector<int32_t>({4}));
    m6::RankingExclusion ex(s.numItems());
    const int64_t candidates = ex.mark(s, test[0]);
    // The test ranking excludes train and validation (a, b, c, d): e alone is a candidate.
    QCOMPARE(candidates, int64_t(1));
    for (int i = 0; i < 4; ++i)
    {
      QVERIFY(ex.excludes(i));
    }
    QVERIFY(!ex.excludes(4));
    const std::vector<float> scores = {5, 4, 3, 2, 1};
    const m6::UserMetricRow row = m6::rankedRow(s, split, test[0], scores.data(), 5, ex.flags());
    QCOMPARE(row.user, 0);
    QCOMPARE(row.item, 4);
    QCOMPARE(row.rank, int64_t(0));  // the better-scored items are all in the past
    QCOMPARE(row.trainInteractions, int64_t(3));
    QCOMPARE(row.prediction, 1.0);
    ex.unmark(s, test[0]);
    for (int i = 0; i < 5; ++i)
    {
      QVERIFY(!ex.excludes(i));
    }
    // Validation: only the train block is past.
    const auto valid = m6::rankingTargets(s, split, m6::SplitPart::Valid);
    QCOMPARE(ex.mark(s, valid[0]), int64_t(2));  // d and e
    QVERIFY(!ex.excludes(3) && !ex.excludes(4) && ex.excludes(2));
    ex.unmark(s, valid[0]);

    // A target the user met before stays a candidate, and so does one the base excludes.
    m6::DatasetSnapshot again = handBuilt();
    again.item[4] = 0;  // u0's test item is a, met at time 10
    const m6::Split splitAgain = m6::splitLeaveOneOut(again);
    const auto t2 = m6::rankingTargets(again, splitAgain, m6::SplitPart::Test);
    std::vector<uint8_t> base = {1, 0, 0, 0, 1};  // a and e are no candidates by themselves
    m6::RankingExclusion ex2(again.numItems(), &base);
    QCOMPARE(ex2.mark(again, t2[0]), int64_t(1));  // a only: b, c, d past, e in the base
    QVERIFY(!ex2.excludes(0));
    QVERIFY(ex2.excludes(4));
    ex2.unmark(again, t2[0]);
    QVERIFY(ex2.excludes(0) && ex2.inBase(0) && !ex2.excludes(1));
  }

  void severalTargetsAreRankedInOneList()
  {
    // Ratio 8:1:1 by time: a user with 20 interactions has two test targets.
    const m6::DatasetSnapshot s = bySizes({20});
    const m6::Split split = m6::makeSplit(s, splitting("ratio-time"));
    const auto test = m6::rankingTargets(s, split, m6::SplitPart::Test);
    QCOMPARE(int(test.size()), 1);
    QCOMPARE(test[0].items, std::vector<int32_t>({18, 19}));
    m6::RankingExclusion ex(s.numItems());
    ex.mark(s, test[0]);
    std::vector<float> scores(30, 0.f);
    scores[25] = 3;  // an unseen item above both targets
    scores[18] = 2;
    scores[19] = 1;
    scores[0] = 9;  // a past item: excluded
    const m6::UserMetricRow row = m6::rankedRow(s, split, test[0], scores.data(), 30, ex.flags());
    QCOMPARE(row.rank, int64_t(1));
    QCOMPARE(row.ranks, std::vector<int64_t>({1, 2}));  // the other target counts above
    // Keeping only some targets (the cold protocol's subsets) drops the others.
    std::vector<uint8_t> keep(30, 0);
    keep[19] = 1;
    QCOMPARE(m6::rankingTargets(s, split, m6::SplitPart::Test, &keep)[0].items,
             std::vector<int32_t>({19}));
  }

  void listPositionIsThePlaceInTheRecommendationList()
  {
    // Random scores with ties and NaN, random exclusions: the position equals the index in the
    // full topK list, and an excluded item still gets the place it would take.
    m6::DemoRng rng(11);
    const int64_t n = 700;
    std::vector<float> sc(static_cast<size_t>(n));
    std::vector<uint8_t> ex(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
    {
      sc[static_cast<size_t>(i)] =
          rng.below(40) == 0 ? std::nanf("") : static_cast<float>(rng.below(30));
      ex[static_cast<size_t>(i)] = rng.below(8) == 0 ? 1 : 0;
    }
    const std::vector<int32_t> list = m6::topK(sc.data(), n, static_cast<int>(n), ex.data());
    for (size_t pos = 0; pos < list.size(); ++pos)
    {
      QCOMPARE(m6::listPosition(sc.data(), n, list[pos], ex.data()), int64_t(pos));
    }
    for (int64_t i = 0; i < n; ++i)
    {
      if (ex[static_cast<size_t>(i)])
      {
        std::vector<uint8_t> without = ex;
        without[static_cast<size_t>(i)] = 0;
        const auto full = m6::topK(sc.data(), n, static_cast<int>(n), without.data());
        const auto at = std::find(full.begin(), full.end(), static_cast<int32_t>(i)) - full.begin();
        QCOMPARE(m6::listPosition(sc.data(), n, i, ex.data()), int64_t(at));
        break;
      }
    }
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, m6::listPosition(sc.data(), n, n, nullptr));
  }
};

QTEST_APPLESS_MAIN(TestSplit)
#include "test_split.moc"
