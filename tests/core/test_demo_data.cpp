// The demo dataset generator: deterministic by seed, sized as asked, with its planted rules
// visible in the data.
#include <QtTest>
#include <map>
#include <numeric>
#include <set>

#include "model/core/demo_data.h"
#include "model/core/json.h"

// The fingerprint of generateDemoDataset({users 120, items 160, interactions 3000, seed 5}) as
// released before the second domain was added.
const char* const kFirstDomainFingerprint = "e0b215905991726d";

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
    o = m6::DemoOptions{};
    o.domain = 2;
    QVERIFY(QString::fromStdString(m6::validateDemoOptions(o)).contains("domain"));
    o.domain = 0;
    o.sharedUsers = true;
    QVERIFY(QString::fromStdString(m6::validateDemoOptions(o)).contains("second domain"));
  }

  void firstDomainOutputIsFixed()
  {
    // A fingerprint of the first domain's whole output: splitting the generator into stages for
    // the second domain must not change a byte of it (runs and figures depend on it).
    m6::DemoOptions o;
    o.users = 120;
    o.items = 160;
    o.interactions = 3000;
    o.seed = 5;
    auto ds = m6::generateDemoDataset(o);
    uint64_t h = 1469598103934665603ULL;
    auto add = [&h](const void* p, size_t n)
    {
      for (size_t i = 0; i < n; ++i)
      {
        h = (h ^ static_cast<const unsigned char*>(p)[i]) * 1099511628211ULL;
      }
    };
    for (const auto& id : ds.itemTitles)
    {
      add(id.data(), id.size());
    }
    add(ds.item.data(), ds.item.size() * sizeof(int32_t));
    add(ds.ts.data(), ds.ts.size() * sizeof(int64_t));
    add(ds.rating.data(), ds.rating.size() * sizeof(float));
    add(ds.groundTruthJson.data(), ds.groundTruthJson.size());
    QCOMPARE(QString::number(h, 16), QString("%1").arg(kFirstDomainFingerprint));
  }

  void secondDomainSharesContentAndTastesNotIds()
  {
    m6::DemoOptions o;
    o.users = 300;
    o.items = 400;
    o.interactions = 12000;
    auto first = m6::generateDemoDataset(o);
    o.domain = 1;
    auto second = m6::generateDemoDataset(o);
    o.sharedUsers = true;
    auto shared = m6::generateDemoDataset(o);
    // The same categories and tag vocabulary, other items.
    QCOMPARE(second.itemFields[0].vocab, first.itemFields[0].vocab);
    QCOMPARE(second.itemFields[1].vocab, first.itemFields[1].vocab);
    std::set<std::string> ids(first.itemIds.begin(), first.itemIds.end());
    for (const auto& id : second.itemIds)
    {
      QVERIFY(!ids.count(id));
    }
    QVERIFY(second.itemIds[0] == "b1" && second.userIds[0] == "v1");
    QVERIFY(first.item != second.item);
    // The same cluster tastes.
    auto a = m6::Json::parse(first.groundTruthJson);
    auto b = m6::Json::parse(second.groundTruthJson);
    QCOMPARE(b.at("cluster_top_categories"), a.at("cluster_top_categories"));
    QCOMPARE(b.at("trigger_pairs"), a.at("trigger_pairs"));
    QCOMPARE(b.at("domain").asInt(), int64_t(1));
    QVERIFY(!a.contains("domain"));
    // Shared users are the first domain's people, in new histories.
    auto c = m6::Json::parse(shared.groundTruthJson);
    QCOMPARE(shared.userIds, first.userIds);
    QCOMPARE(c.at("user_cluster"), a.at("user_cluster"));
    QCOMPARE(shared.userFields[0].codes, first.userFields[0].codes);
    QVERIFY(shared.item != second.item);
    QVERIFY(b.at("user_cluster") != a.at("user_cluster"));
    // Users of a cluster prefer its categories in the second domain too.
    const auto& tops = b.at("cluster_top_categories").asArray();
    const auto& uc = b.at("user_cluster").asArray();
    int64_t liked = 0;
    for (int64_t n = 0; n < second.numInteractions(); ++n)
    {
      const auto& top = tops[static_cast<size_t>(uc[second.user[n]].asInt())].asArray();
      std::string cat = second.itemFields[0].vocab[second.itemFields[0].codes[second.item[n]]];
      for (const auto& t : top)
      {
        liked += t.asString() == cat ? 1 : 0;
      }
    }
    qInfo("second domain: %.3f of interactions in the user's cluster's top-3 categories",
          double(liked) / second.numInteractions());
    QVERIFY(double(liked) / second.numInteractions() > 0.5);
  }
};

QTEST_APPLESS_MAIN(TestDemoData)
#include "test_demo_data.moc"
