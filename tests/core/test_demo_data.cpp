// The demo dataset generator: deterministic by seed, sized as asked, with its planted rules
// visible in the data.
#include <QtTest>

#include <map>
#include <numeric>
#include <set>

#include "model/core/demo_data.h"
#include "model/core/json.h"

class TestDemoData : public QObject
{
  Q_OBJECT
 private:
  static int categoryIndex(const m6::DatasetSnapshot& ds, const std::string& name)
  {
    const auto& vocab = ds.itemFields[0].vocab;
    return static_cast<int>(std::find(vocab.begin(), vocab.end(), name) - vocab.begin());
  }

 private Q_SLOTS:
  void sizesAndShape()
  {
    m6::DemoOptions o;
    o.users = 300;
    o.items = 500;
    o.interactions = 20000;
    auto ds = m6::generateDemoDataset(o);
    QCOMPARE(ds.numUsers(), int64_t(300));
    QCOMPARE(ds.numItems(), int64_t(500));
    QCOMPARE(ds.numInteractions(), int64_t(20000));
    QCOMPARE(ds.userStart.size(), size_t(301));
    QCOMPARE(ds.userStart.back(), int64_t(20000));
    for (int64_t u = 0; u < ds.numUsers(); ++u)
    {
      std::set<int32_t> items;
      QVERIFY(ds.userStart[u + 1] - ds.userStart[u] >= 5);
      for (int64_t n = ds.userStart[u]; n < ds.userStart[u + 1]; ++n)
      {
        QCOMPARE(ds.user[n], int32_t(u));
        QVERIFY(items.insert(ds.item[n]).second);  // no repeats in a history
        if (n > ds.userStart[u])
        {
          QVERIFY(ds.ts[n] > ds.ts[n - 1]);  // time order
        }
        QVERIFY(ds.rating[n] >= 1 && ds.rating[n] <= 5);
      }
    }
    // Long tail: the most popular item is far more frequent than the median one.
    std::vector<int> count(500);
    for (auto i : ds.item)
    {
      ++count[i];
    }
    std::sort(count.rbegin(), count.rend());
    int64_t top = std::accumulate(count.begin(), count.begin() + 50, int64_t(0));
    QVERIFY(double(top) / ds.numInteractions() > 0.3);  // the top 10% of items take 30%+
    QVERIFY(count[0] > 5 * std::max(1, count[250]));
  }

  void deterministicBySeed()
  {
    m6::DemoOptions o;
    o.users = 100;
    o.items = 200;
    o.interactions = 3000;
    auto a = m6::generateDemoDataset(o);
    auto b = m6::generateDemoDataset(o);
    QVERIFY(a.item == b.item);
    QVERIFY(a.ts == b.ts);
    QVERIFY(a.rating == b.rating);
    QVERIFY(a.itemTitles == b.itemTitles);
    QCOMPARE(a.groundTruthJson, b.groundTruthJson);
    o.seed = 43;
    auto c = m6::generateDemoDataset(o);
    QVERIFY(a.item != c.item);
  }

  void triggerRuleIsVisible()
  {
    auto ds = m6::generateDemoDataset(m6::DemoOptions{});
    auto gt = m6::Json::parse(ds.groundTruthJson);
    const auto& cat = ds.itemFields[0].codes;
    const int nCat = static_cast<int>(ds.itemFields[0].vocab.size());
    for (const auto& pair : gt.at("trigger_pairs").asArray())
    {
      int trig = categoryIndex(ds, pair.at("trigger").asString());
      int follow = categoryIndex(ds, pair.at("follow").asString());
      QVERIFY(trig < nCat && follow < nCat);
      int64_t afterTrigger = 0;
      int64_t followHits = 0;
      int64_t followOverall = 0;
      for (int64_t u = 0; u < ds.numUsers(); ++u)
      {
        for (int64_t n = ds.userStart[u] + 1; n < ds.userStart[u + 1]; ++n)
        {
          if (cat[ds.item[n]] == follow)
          {
            ++followOverall;
          }
          if (cat[ds.item[n - 1]] == trig)
          {
            ++afterTrigger;
            followHits += cat[ds.item[n]] == follow;
          }
        }
      }
      double pFollow = double(followHits) / afterTrigger;
      double base = double(followOverall) / ds.numInteractions();
      qInfo("trigger %s -> %s: %.3f after the trigger vs %.3f overall",
            pair.at("trigger").asString().c_str(), pair.at("follow").asString().c_str(), pFollow,
            base);
      QVERIFY(afterTrigger > 500);
      QVERIFY(pFollow > 0.5);
      QVERIFY(pFollow > 4 * base);
    }
  }

  void contextShiftsCategories()
  {
    auto ds = m6::generateDemoDataset(m6::DemoOptions{});
    auto gt = m6::Json::parse(ds.groundTruthJson);
    std::set<int> nightCats;
    for (const auto& c : gt.at("night_categories").asArray())
    {
      nightCats.insert(categoryIndex(ds, c.asString()));
    }
    int64_t night = 0, nightHits = 0, day = 0, dayHits = 0;
    for (int64_t n = 0; n < ds.numInteractions(); ++n)
    {
      int hour = static_cast<int>((ds.ts[n] % 86400) / 3600);
      bool isNight = hour >= 22 || hour < 4;
      bool nightCat = nightCats.count(ds.itemFields[0].codes[ds.item[n]]) > 0;
      (isNight ? night : day) += 1;
      (isNight ? nightHits : dayHits) += nightCat;
    }
    double pn = double(nightHits) / night, pd = double(dayHits) / day;
    qInfo("night categories: %.3f of night interactions, %.3f of day ones", pn, pd);
    QVERIFY(pn > 2 * pd);
  }

  void clustersShowInUserFeatures()
  {
    auto ds = m6::generateDemoDataset(m6::DemoOptions{});
    auto gt = m6::Json::parse(ds.groundTruthJson);
    const auto& uc = gt.at("user_cluster").asArray();
    QCOMPARE(int64_t(uc.size()), ds.numUsers());
    int64_t match = 0;
    for (int64_t u = 0; u < ds.numUsers(); ++u)
    {
      match += ds.userFields[0].codes[u] == uc[u].asInt() % 5;
    }
    QVERIFY(double(match) / ds.numUsers() > 0.6);  // region follows the cluster
  }

  void invalidOptionsAreRefused()
  {
    m6::DemoOptions o;
    o.users = 5;
    QVERIFY(!m6::validateDemoOptions(o).empty());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m6::generateDemoDataset(o));
    o = m6::DemoOptions{};
    o.interactions = 10;
    QVERIFY(QString::fromStdString(m6::validateDemoOptions(o)).contains("interactions"));
  }
};

QTEST_APPLESS_MAIN(TestDemoData)
#include "test_demo_data.moc"
