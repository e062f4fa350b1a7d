// Browse queries: the right rows for a page and a filter, keyset paging equal to offset paging,
// jumping from a user or item to its interactions, and hostile filter text that finds nothing
// and changes nothing.
#include <QtTest>

#include "fixtures.h"
#include "model/core/demo_data.h"
#include "storage/browse.h"
#include "storage/schema.h"
#include "storage/sqlite.h"
#include "storage/workspace.h"
#include "storage/workspace_db.h"

using m6::BrowseFilter;
using m6::BrowseQuery;
using m6::BrowseTable;

namespace
{

std::string text(const m6::Cell& c)
{
  if (std::holds_alternative<std::string>(c))
  {
    return std::get<std::string>(c);
  }
  if (std::holds_alternative<int64_t>(c))
  {
    return std::to_string(std::get<int64_t>(c));
  }
  if (std::holds_alternative<double>(c))
  {
    return std::to_string(std::get<double>(c));
  }
  return "";
}

}  // namespace

class TestBrowse : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::unique_ptr<m6::Workspace> ws_;
  m6::DatasetSnapshot ds_;
  int64_t id_ = 0;

 private Q_SLOTS:
  void initTestCase()
  {
    auto ws = m6::Workspace::open(m6test::path(dir_, "browse.m6ws"));
    QVERIFY(ws.ok());
    ws_ = std::move(*ws);
    m6::DemoOptions o;
    o.users = 300;
    o.items = 400;
    o.interactions = 12000;
    ds_ = m6::generateDemoDataset(o);
    auto id = ws_->writeDataset(ds_, {"demo", "", ""}, nullptr);
    QVERIFY(id.ok());
    id_ = *id;
  }

  void naturalOrderPagesAreExact()
  {
    BrowseQuery q(*ws_, id_, BrowseTable::Interactions, {});
    QCOMPARE(*q.count(), int64_t(12000));
    auto cols = q.columns();
    QCOMPARE(cols->size(), size_t(6));
    auto page = q.fetch(5000, 100);
    QVERIFY2(page.ok(), page.error().c_str());
    QCOMPARE(page->size(), size_t(100));
    for (size_t k = 0; k < page->size(); ++k)
    {
      const auto& row = (*page)[k];
      size_t n = 5000 + k;
      QCOMPARE(row.key, int64_t(n));
      QCOMPARE(text(row.cells[1]), ds_.userIds[size_t(ds_.user[n])]);
      QCOMPARE(text(row.cells[2]), ds_.itemIds[size_t(ds_.item[n])]);
      QCOMPARE(text(row.cells[3]), ds_.itemTitles[size_t(ds_.item[n])]);
      QCOMPARE(std::get<int64_t>(row.cells[5]), ds_.ts[n]);
    }
    // Past the end: a short page, then nothing.
    QCOMPARE(q.fetch(11990, 100)->size(), size_t(10));
    QVERIFY(q.fetch(12000, 100)->empty());
  }

  void usersAndItemsShowFeatures()
  {
    BrowseQuery users(*ws_, id_, BrowseTable::Users, {});
    auto cols = *users.columns();
    QCOMPARE(QString::fromStdString(cols[3].title), QString("region"));
    auto page = *users.fetch(0, 3);
    QCOMPARE(text(page[1].cells[1]), std::string("u2"));
    QCOMPARE(std::get<int64_t>(page[1].cells[2]), ds_.userStart[2] - ds_.userStart[1]);
    BrowseQuery items(*ws_, id_, BrowseTable::Items, {});
    auto icols = *items.columns();
    std::vector<std::string> names;
    for (const auto& c : icols)
    {
      names.push_back(c.title);
    }
    QCOMPARE(names, (std::vector<std::string>{"#", "Item", "Title", "Interactions", "category",
                                              "tags", "year"}));  // "title" is not repeated
    auto ipage = *items.fetch(7, 1);
    const auto& tags = ds_.itemFields[1];
    std::string expected;
    for (int64_t k = tags.offsets[7]; k < tags.offsets[8]; ++k)
    {
      expected += (expected.empty() ? "" : ", ") + tags.vocab[size_t(tags.codes[size_t(k)])];
    }
    QCOMPARE(text(ipage[0].cells[5]), expected);
  }

  void filtersSelectTheRightRows()
  {
    // Title substring on items.
    BrowseFilter f;
    f.text = "galaxy";
    BrowseQuery q(*ws_, id_, BrowseTable::Items, f);
    int64_t expected = 0;
    for (const auto& t : ds_.itemTitles)
    {
      QString s = QString::fromStdString(t);
      expected += s.contains("galaxy", Qt::CaseInsensitive);
    }
    QVERIFY(expected > 0);
    QCOMPARE(*q.count(), expected);
    auto titled = q.fetch(0, 1000);
    for (const auto& row : *titled)
    {
      QVERIFY(QString::fromStdString(text(row.cells[2])).contains("Galaxy"));
    }
    // Interactions of one user, with a rating range.
    BrowseFilter g;
    g.userIdx = 17;
    g.ratingMin = 4;
    BrowseQuery qi(*ws_, id_, BrowseTable::Interactions, g);
    int64_t n = 0;
    for (int64_t k = ds_.userStart[17]; k < ds_.userStart[18]; ++k)
    {
      n += ds_.rating[size_t(k)] >= 4;
    }
    QCOMPARE(*qi.count(), n);
    auto rated = qi.fetch(0, 1000);
    for (const auto& row : *rated)
    {
      QCOMPARE(text(row.cells[1]), std::string("u18"));
      QVERIFY(std::get<double>(row.cells[4]) >= 4);
    }
    // Interactions of one item; and the exact external id in the text box.
    BrowseFilter h;
    h.itemIdx = ds_.item[0];
    int64_t m = std::count(ds_.item.begin(), ds_.item.end(), ds_.item[0]);
    QCOMPARE(*BrowseQuery(*ws_, id_, BrowseTable::Interactions, h).count(), m);
    BrowseFilter byId;
    byId.text = "u3";
    QCOMPARE(*BrowseQuery(*ws_, id_, BrowseTable::Interactions, byId).count(),
             ds_.userStart[3] - ds_.userStart[2]);
    // Time range.
    BrowseFilter t;
    t.timeMin = ds_.ts[100];
    t.timeMax = ds_.ts[100];
    auto rows = *BrowseQuery(*ws_, id_, BrowseTable::Interactions, t).fetch(0, 10);
    QVERIFY(!rows.empty());
    QCOMPARE(std::get<int64_t>(rows[0].cells[5]), ds_.ts[100]);
  }

  // An item's interactions (from its sequence list) and a title word in the interactions' text box
  // give exactly the rows of those items, each once, in sequence order.
  void itemAndTitleFiltersGiveExactlyThoseItemsRows()
  {
    auto seqsOf = [](BrowseQuery& q)
    {
      std::vector<int64_t> keys;
      const auto rows = q.fetch(0, 100000);  // held: a range-for over *temporary would dangle
      for (const auto& row : *rows)
      {
        keys.push_back(row.key);
      }
      return keys;
    };
    for (int32_t item : {ds_.item[0], ds_.item[777], int32_t(0)})
    {
      std::vector<int64_t> expected;
      for (size_t n = 0; n < ds_.item.size(); ++n)
      {
        if (ds_.item[n] == item)
        {
          expected.push_back(int64_t(n));
        }
      }
      BrowseFilter f;
      f.itemIdx = item;
      BrowseQuery q(*ws_, id_, BrowseTable::Interactions, f);
      QCOMPARE(seqsOf(q), expected);
    }
    std::vector<int64_t> expected;
    for (size_t n = 0; n < ds_.item.size(); ++n)
    {
      if (QString::fromStdString(ds_.itemTitles[size_t(ds_.item[n])])
              .contains("galaxy", Qt::CaseInsensitive))
      {
        expected.push_back(int64_t(n));
      }
    }
    QVERIFY(expected.size() > 10);
    BrowseFilter t;
    t.text = "galaxy";
    BrowseQuery q(*ws_, id_, BrowseTable::Interactions, t);
    QCOMPARE(*q.count(), int64_t(expected.size()));
    QCOMPARE(seqsOf(q), expected);
  }

  // A workspace written before schema version 8 (one item-index row per interaction) is migrated
  // when opened: its item filter finds the same rows, and the old table is gone.
  void aVersionSevenItemIndexIsMigrated()
  {
    const std::string p = m6test::path(dir_, "v7.m6ws");
    {
      m6::sql::Db db;
      db.open(p, true);
      for (size_t v = 0; v < 7; ++v)
      {
        db.exec(m6::schema::migrations()[v]);
      }
      db.exec("PRAGMA application_id=" + std::to_string(0x4D36574B));
      db.exec("PRAGMA user_version=7");
      db.exec(
          "INSERT INTO datasets(id, name, source_format, created_at, n_users, n_items, "
          "n_interactions, has_ratings, has_timestamps) VALUES (5, 'old', 'csv', 0, 2, 2, 4, 0, "
          "0);"
          "INSERT INTO users VALUES (5, 0, 'a', 0, 2), (5, 1, 'b', 2, 2);"
          "INSERT INTO items VALUES (5, 0, 'x', 'X', 3), (5, 1, 'y', 'Y', 1);"
          "INSERT INTO interactions VALUES (5, 0, 0, 0, NULL, NULL), (5, 1, 0, 1, NULL, NULL), "
          "(5, 2, 1, 0, NULL, NULL), (5, 3, 1, 0, NULL, NULL);"
          "INSERT INTO item_interactions VALUES (5, 0, 0), (5, 0, 2), (5, 0, 3), (5, 1, 1);");
    }
    std::vector<std::pair<int, int>> upgrades;  // what the caller was told, and when
    auto tell = [&](int from, int to) { upgrades.emplace_back(from, to); };
    auto ws = m6::Workspace::open(p, false, tell);
    QVERIFY2(ws.ok(), ws.error().c_str());
    QCOMPARE(upgrades, (std::vector<std::pair<int, int>>{{7, 8}}));
    QCOMPARE(workspaceDb(**ws).queryInt(
                 "SELECT count(*) FROM sqlite_schema WHERE name = 'item_interactions'"),
             int64_t(0));
    // Current or new files are not upgraded, and say nothing.
    QVERIFY(m6::Workspace::open(p, false, tell).ok());
    QVERIFY(m6::Workspace::open(m6test::path(dir_, "new8.m6ws"), true, tell).ok());
    QCOMPARE(upgrades.size(), size_t(1));
    for (auto [item, expected] :
         {std::pair{0, std::vector<int64_t>{0, 2, 3}}, std::pair{1, std::vector<int64_t>{1}}})
    {
      BrowseFilter f;
      f.itemIdx = item;
      std::vector<int64_t> keys;
      const auto rows = BrowseQuery(**ws, 5, BrowseTable::Interactions, f).fetch(0, 10);
      for (const auto& row : *rows)
      {
        keys.push_back(row.key);
      }
      QCOMPARE(keys, expected);
    }
  }

  void keysetPagingMatchesOffsetPaging_data()
  {
    QTest::addColumn<int>("table");
    QTest::addColumn<int>("column");
    QTest::addColumn<bool>("descending");
    QTest::addColumn<QString>("filter");  // "", "item" (the most popular), "user+item", "title"
    const auto I = int(BrowseTable::Interactions);
    QTest::newRow("interactions by rating") << I << 4 << false << "";
    QTest::newRow("interactions by time desc") << I << 5 << true << "";
    QTest::newRow("items by title") << int(BrowseTable::Items) << 2 << false << "";
    QTest::newRow("users by interactions desc") << int(BrowseTable::Users) << 2 << true << "";
    QTest::newRow("interactions natural") << I << -1 << false << "";
    QTest::newRow("an item's interactions") << I << -1 << false << "item";
    QTest::newRow("an item's interactions desc") << I << -1 << true << "item";
    QTest::newRow("an item's interactions by rating") << I << 4 << false << "item";
    QTest::newRow("a user's interactions of an item") << I << -1 << false << "user+item";
    QTest::newRow("a title word") << I << -1 << false << "title";
    QTest::newRow("a title word desc") << I << -1 << true << "title";
    QTest::newRow("a title word by rating") << I << 4 << false << "title";
    QTest::newRow("a user's interactions by time desc") << I << 5 << true << "user";
  }
  void keysetPagingMatchesOffsetPaging()
  {
    QFETCH(int, table);
    QFETCH(int, column);
    QFETCH(bool, descending);
    QFETCH(QString, filter);
    // The most popular item; with "user+item" the first user who has it.
    std::vector<int64_t> perItem(ds_.itemIds.size(), 0);
    for (int32_t i : ds_.item)
    {
      ++perItem[size_t(i)];
    }
    const auto top = int64_t(std::max_element(perItem.begin(), perItem.end()) - perItem.begin());
    BrowseFilter f;
    if (filter.contains("item"))
    {
      f.itemIdx = top;
    }
    if (filter == "user+item")
    {
      f.userIdx =
          ds_.user[size_t(std::find(ds_.item.begin(), ds_.item.end(), top) - ds_.item.begin())];
    }
    if (filter == "title")
    {
      f.text = "galaxy";
    }
    if (filter == "user")
    {
      f.userIdx = 17;
    }
    // In sequence order, what the filter should give (for the natural order).
    std::vector<int64_t> expected;
    for (size_t n = 0; n < ds_.item.size(); ++n)
    {
      const bool item = !f.itemIdx || ds_.item[n] == top;
      const bool user = !f.userIdx || ds_.user[n] == int32_t(*f.userIdx);
      const bool title =
          f.text.empty() || QString::fromStdString(ds_.itemTitles[size_t(ds_.item[n])])
                                .contains("galaxy", Qt::CaseInsensitive);
      if (item && user && title)
      {
        expected.push_back(int64_t(n));
      }
    }
    if (descending)
    {
      std::reverse(expected.begin(), expected.end());
    }
    const int64_t want = filter.isEmpty() ? 700 : int64_t(expected.size());
    const int64_t pageSize = filter.isEmpty() ? 97 : 7;
    BrowseQuery q(*ws_, id_, BrowseTable(table), f, column, descending);
    auto whole = *q.fetch(0, want);
    std::vector<int64_t> viaKeyset;
    std::vector<int64_t> viaOffsetPages;
    std::string after;
    for (int64_t offset = 0; offset < want; offset += pageSize)
    {
      auto page = q.fetch(offset, pageSize, after);
      QVERIFY2(page.ok(), page.error().c_str());
      for (const auto& r : *page)
      {
        if (int64_t(viaKeyset.size()) < want)
        {
          viaKeyset.push_back(r.key);
        }
      }
      if (page->empty())
      {
        break;
      }
      after = page->back().sortKey;
      const auto byOffset = q.fetch(offset, pageSize);  // the same page by offset
      for (const auto& r : *byOffset)
      {
        if (int64_t(viaOffsetPages.size()) < want)
        {
          viaOffsetPages.push_back(r.key);
        }
      }
    }
    QVERIFY(whole.size() >= (filter.isEmpty() ? 300u : 1u));
    std::vector<int64_t> viaOffset;
    for (const auto& r : whole)
    {
      viaOffset.push_back(r.key);
    }
    QCOMPARE(viaKeyset, viaOffset);
    QCOMPARE(viaOffsetPages, viaOffset);
    if (table == int(BrowseTable::Interactions) && column >= 4)  // rating or time, in order
    {
      for (size_t k = 1; k < whole.size(); ++k)
      {
        const auto& a = whole[k - 1].cells[size_t(column)];
        const auto& b = whole[k].cells[size_t(column)];
        const double x = column == 4 ? std::get<double>(a) : double(std::get<int64_t>(a));
        const double y = column == 4 ? std::get<double>(b) : double(std::get<int64_t>(b));
        QVERIFY(descending ? x >= y : x <= y);
      }
    }
    if (!filter.isEmpty())
    {
      QCOMPARE(*q.count(), int64_t(expected.size()));
      if (column < 0)
      {
        QCOMPARE(viaOffset, expected);
      }
    }
  }

  void sortingByRatingOrTimeBuildsAPerDatasetIndexOnce()
  {
    const std::string name = "interactions_by_rating_" + std::to_string(id_);
    auto indexCount = [&]
    {
      return workspaceDb(*ws_).queryInt(
          "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '" + name + "'");
    };
    BrowseQuery q(*ws_, id_, BrowseTable::Interactions, {}, 4, false);
    auto page = q.fetch(0, 50);
    QVERIFY2(page.ok(), page.error().c_str());
    QCOMPARE(indexCount(), int64_t(1));
    // The sorted page query reads that index instead of sorting the whole table.
    std::string plan;
    auto s = workspaceDb(*ws_).prepare(
        "EXPLAIN QUERY PLAN SELECT x.seq FROM interactions x WHERE x.dataset_id = " +
        std::to_string(id_) + " ORDER BY x.rating ASC LIMIT 10");
    while (s.step())
    {
      plan += s.columnText(3) + "; ";
    }
    QVERIFY2(QString::fromStdString(plan).contains(QString::fromStdString(name)), plan.c_str());
    QVERIFY2(!QString::fromStdString(plan).contains("TEMP B-TREE"), plan.c_str());
    // Ratings come out sorted.
    for (size_t k = 1; k < page->size(); ++k)
    {
      QVERIFY(std::get<double>((*page)[k - 1].cells[4]) <= std::get<double>((*page)[k].cells[4]));
    }
    // A dataset deleted drops its sort indexes.
    auto ws2 = m6::Workspace::open(m6test::path(dir_, "sortdrop.m6ws"));
    m6::DemoOptions o;
    o.users = 20;
    o.items = 60;
    o.interactions = 300;
    int64_t other = *(*ws2)->writeDataset(m6::generateDemoDataset(o), {"demo", "", ""}, nullptr);
    BrowseQuery byTime(**ws2, other, BrowseTable::Interactions, {}, 5, true);
    QVERIFY(byTime.buildsSortOrder());  // the first sort by time builds the order
    QVERIFY(!BrowseQuery(**ws2, other, BrowseTable::Interactions, {}).buildsSortOrder());
    QVERIFY(byTime.fetch(0, 10).ok());
    QVERIFY(!byTime.buildsSortOrder());
    QVERIFY(!BrowseQuery(**ws2, other, BrowseTable::Interactions, {}, 5, false).buildsSortOrder());
    QVERIFY(BrowseQuery(**ws2, other, BrowseTable::Interactions, {}, 4, false).buildsSortOrder());
    // A user's or an item's few interactions are sorted as they are: no dataset-wide order built.
    BrowseFilter oneUser;
    oneUser.userIdx = 3;
    BrowseFilter oneItem;
    oneItem.itemIdx = 5;
    for (const auto& bounded : {oneUser, oneItem})
    {
      BrowseQuery q(**ws2, other, BrowseTable::Interactions, bounded, 4, true);
      QVERIFY(q.fetch(0, 10).ok());
      QVERIFY(!q.buildsSortOrder());
    }
    QCOMPARE(workspaceDb(**ws2).queryInt("SELECT count(*) FROM sqlite_master WHERE name = "
                                         "'interactions_by_rating_" +
                                         std::to_string(other) + "'"),
             int64_t(0));
    const std::string tsIndex = "interactions_by_ts_" + std::to_string(other);
    QCOMPARE(workspaceDb(**ws2).queryInt("SELECT count(*) FROM sqlite_master WHERE name = '" +
                                         tsIndex + "'"),
             int64_t(1));
    QVERIFY((*ws2)->deleteDataset("demo").ok());
    QCOMPARE(workspaceDb(**ws2).queryInt("SELECT count(*) FROM sqlite_master WHERE name = '" +
                                         tsIndex + "'"),
             int64_t(0));
  }

  void hostileFilterTextFindsNothingAndChangesNothing()
  {
    const int64_t before = workspaceDb(*ws_).queryInt("SELECT count(*) FROM interactions");
    for (const char* evil : {"'; DROP TABLE interactions; --", "%", "_", "\\", "\" OR 1=1 --"})
    {
      for (auto table : {BrowseTable::Users, BrowseTable::Items, BrowseTable::Interactions})
      {
        BrowseFilter f;
        f.text = evil;
        BrowseQuery q(*ws_, id_, table, f);
        auto c = q.count();
        QVERIFY2(c.ok(), c.error().c_str());
        QCOMPARE(*c, int64_t(0));  // % and _ are literal, not wildcards
        QVERIFY(q.fetch(0, 50)->empty());
      }
    }
    QCOMPARE(workspaceDb(*ws_).queryInt("SELECT count(*) FROM interactions"), before);
    QCOMPARE(QString::fromStdString(workspaceDb(*ws_).queryText("PRAGMA integrity_check")),
             QString("ok"));
  }
};

QTEST_APPLESS_MAIN(TestBrowse)
#include "test_browse.moc"
