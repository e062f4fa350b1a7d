// Leave-one-out by time on a hand-built snapshot: exactly which interactions are held out.
#include <QtTest>

#include "model/core/demo_data.h"
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
};

QTEST_APPLESS_MAIN(TestSplit)
#include "test_split.moc"
