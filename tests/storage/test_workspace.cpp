// The workspace file: schema and migrations, refusing files that are not workspaces, lossless
// dataset round trips, rename/delete, exact statistics, cancel leaving nothing behind.
//
// Over 500 lines: the workspace file's whole life (open, migrate, write, read, damage) on shared
// fixtures.
#include <QtTest>
#include <atomic>
#include <cmath>

#include "fixtures.h"
#include "model/core/demo_data.h"
#include "storage/demo_dataset.h"
#include "storage/schema_reader.h"
#include "storage/sqlite.h"
#include "storage/stats.h"
#include "storage/workspace.h"
#include "storage/workspace_db.h"

using m6::DatasetSnapshot;
using m6::Workspace;

namespace
{

/// 3 users, 4 items: u0 has 3 interactions, u1 has 2, u2 has 1. Item 3 is never used.
DatasetSnapshot tinySnapshot(const std::string& name)
{
  DatasetSnapshot ds;
  ds.name = name;
  ds.userIds = {"10", "20", "30"};
  ds.itemIds = {"a", "b", "c", "d"};
  ds.itemTitles = {"Alpha", "Beta", "Gamma", "Delta"};
  ds.user = {0, 0, 0, 1, 1, 2};
  ds.item = {0, 1, 2, 0, 1, 0};
  ds.rating = {5, 4, 3.5f, 5, std::nanf(""), 1};
  // 2024-01-15, 2024-01-20, 2024-02-01, 2024-02-02, 2024-03-31 23:59:59, 2024-04-01
  ds.ts = {1705276800, 1705708800, 1706745600, 1706832000, 1711929599, 1711929600};
  ds.userStart = {0, 3, 5, 6};
  m6::FieldColumn gender{"gender", m6::FieldKind::Categorical, {0, 1, -1}, {}, {"F", "M"}, {}, {}};
  m6::FieldColumn age{"age", m6::FieldKind::Numeric, {}, {}, {}, {31, std::nan(""), 22}, {}};
  m6::FieldColumn tags{
      "tags", m6::FieldKind::Multi, {0, 1, 1, 2}, {0, 2, 2, 3, 4}, {"x", "y", "z"}, {}, {}};
  m6::FieldColumn title{
      "title", m6::FieldKind::Text, {}, {}, {}, {}, {"Alpha", "Beta", "Gamma", "Delta"}};
  m6::FieldColumn device{
      "device", m6::FieldKind::Categorical, {0, 0, 1, 1, 0, -1}, {}, {"phone", "tv"}, {}, {}};
  ds.userFields = {gender, age};
  ds.itemFields = {tags, title};
  ds.contextFields = {device};
  ds.groundTruthJson = R"({"k":1})";
  return ds;
}

/// The generator's demo at 200 users, 300 items, 8,000 interactions.
DatasetSnapshot smallDemo()
{
  m6::DemoOptions o;
  o.users = 200;
  o.items = 300;
  o.interactions = 8000;
  return m6::generateDemoDataset(o);
}

int64_t countRows(Workspace& ws, const char* table)
{
  return workspaceDb(ws).queryInt(std::string("SELECT count(*) FROM ") + table);
}

}  // namespace

class TestWorkspace : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;

  static QByteArray fileBytes(const std::string& path)
  {
    QFile f(QString::fromStdString(path));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
  }

  // A copy of one workspace over 64 MiB (a demo dataset and a large setting), under `name`, with
  // `table`'s root page overwritten (none: intact). The original is written under another name:
  // this process checked the tables it wrote to (once per process and path), and each copy must
  // be new to it.
  std::string largeWorkspace(const QString& name, const char* table = nullptr)
  {
    const QString original = QString::fromStdString(m6test::path(dir_, "large.m6ws.original"));
    if (!QFile::exists(original))
    {
      auto ws = fresh("large.m6ws.original");
      if (!ws->writeDataset(smallDemo(), {"demo", "", ""}, nullptr).ok() ||
          !ws->setSetting("padding", std::string(65 << 20, 'x')).ok())
      {
        qFatal("cannot write the large workspace");
      }
    }
    const std::string path = m6test::path(dir_, name);
    if (!QFile::copy(original, QString::fromStdString(path)))
    {
      qFatal("cannot copy the large workspace");
    }
    if (!table)
    {
      return path;
    }
    int64_t root = 0;
    int64_t pageSize = 0;
    {
      m6::sql::Db db;
      db.open(path, false);
      auto q = db.prepare("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?");
      q.bind(1, std::string(table));
      if (q.step())
      {
        root = q.columnInt(0);
      }
      pageSize = db.queryInt("PRAGMA page_size");
    }
    QFile f(QString::fromStdString(path));
    if (root < 2 || !f.open(QIODevice::ReadWrite) || !f.seek((root - 1) * pageSize))
    {
      qFatal("cannot damage %s", table);
    }
    f.write(QByteArray(static_cast<int>(pageSize), '\xff'));
    return path;
  }

  std::unique_ptr<Workspace> fresh(const QString& name)
  {
    auto ws = Workspace::open(m6test::path(dir_, name));
    if (!ws)
    {
      qFatal("%s", ws.error().c_str());
    }
    return std::move(*ws);
  }

 private Q_SLOTS:
  void newWorkspaceHasCurrentSchemaAndWal()
  {
    auto ws = fresh("new/deeper/w.m6ws");  // folders are created
    QCOMPARE(ws->schemaVersion(), Workspace::latestSchemaVersion());
    QCOMPARE(QString::fromStdString(workspaceDb(*ws).queryText("PRAGMA journal_mode")),
             QString("wal"));
    QCOMPARE(workspaceDb(*ws).queryInt("PRAGMA foreign_keys"), int64_t(1));
    QVERIFY(ws->datasets()->empty());
    ws.reset();
    auto again = Workspace::open(m6test::path(dir_, "new/deeper/w.m6ws"), false);
    QVERIFY2(again.ok(), again.error().c_str());
  }

  void refusesFilesThatAreNotWorkspaces()
  {
    auto garbage = m6test::writeFile(dir_, "garbage.m6ws", QByteArray(4096, '\x5a'));
    auto r1 = Workspace::open(garbage, false);
    QVERIFY(!r1.ok());
    QVERIFY2(QString::fromStdString(r1.error()).contains("not an M6 workspace"),
             r1.error().c_str());

    std::string foreign = m6test::path(dir_, "foreign.db");
    {
      m6::sql::Db db;
      db.open(foreign, true);
      db.exec("CREATE TABLE t(x)");
    }
    auto r2 = Workspace::open(foreign, false);
    QVERIFY(!r2.ok());
    QVERIFY(QString::fromStdString(r2.error()).contains("not an M6 workspace"));

    std::string newer = m6test::path(dir_, "newer.m6ws");
    fresh("newer.m6ws").reset();
    {
      m6::sql::Db db;
      db.open(newer, false);
      db.exec("PRAGMA user_version=99");
    }
    auto r3 = Workspace::open(newer, false);
    QVERIFY(!r3.ok());
    QVERIFY(QString::fromStdString(r3.error()).contains("newer"));

    auto r4 = Workspace::open(m6test::path(dir_, "missing.m6ws"), false);
    QVERIFY(!r4.ok());
    QVERIFY(QString::fromStdString(r4.error()).contains("does not exist"));
  }

  // Damaged pages are reported when the workspace is opened, before anything writes to it.
  void damagedPagesAreReportedBeforeAnyWrite()
  {
    const std::string path = m6test::path(dir_, "damaged.m6ws");
    {
      auto ws = fresh("damaged.m6ws");
      QVERIFY(ws->writeDataset(smallDemo(), {"demo", "", ""}, nullptr).ok());
    }
    QFile f(QString::fromStdString(path));
    QVERIFY(f.open(QIODevice::ReadWrite));
    const qint64 page = (f.size() / 2) & ~qint64(4095);  // inside the interactions
    QVERIFY(f.seek(page));
    f.write(QByteArray(4096, '\xff'));
    f.close();
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray before = f.readAll();
    f.close();

    auto r = Workspace::open(path, false);
    QVERIFY(!r.ok());
    QVERIFY2(QString::fromStdString(r.error()).contains("is damaged"), r.error().c_str());
    QVERIFY2(QString::fromStdString(r.error()).contains(".recover"), r.error().c_str());
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll() == before);  // nothing was written
  }

  // Above 64 MiB the whole-file check would make every open wait seconds: the tables that do not
  // grow with the data are checked on open, each bulk table before the first write to it.
  void largeWorkspacesAreCheckedTableByTable()
  {
    const std::string bulk = largeWorkspace("large-bulk.m6ws", "interactions");
    const QByteArray before = fileBytes(bulk);
    {
      auto ws = Workspace::open(bulk, false);
      QVERIFY2(ws.ok(), ws.error().c_str());  // the damage is not in what opening checks
      auto written = (*ws)->writeDataset(tinySnapshot("more"), {"test", "", ""}, nullptr);
      QVERIFY(!written.ok());
      QVERIFY2(QString::fromStdString(written.error()).contains("is damaged"),
               written.error().c_str());
      QVERIFY2(QString::fromStdString(written.error()).contains("of table interactions"),
               written.error().c_str());
      auto removed = (*ws)->deleteDataset("demo");
      QVERIFY(!removed.ok());
      QVERIFY2(QString::fromStdString(removed.error()).contains("is damaged"),
               removed.error().c_str());
      auto whole = (*ws)->checkIntegrity();
      QVERIFY2(whole.ok(), whole.error().c_str());
      QVERIFY(whole->problems > 0);
      QVERIFY(!whole->summary.empty());
      QVERIFY(whole->bytes > (64 << 20));
    }
    QVERIFY(fileBytes(bulk) == before);  // nothing was written

    // A damaged table that opening checks refuses the open itself.
    const std::string small = largeWorkspace("large-runs.m6ws", "runs");
    auto r = Workspace::open(small, false);
    QVERIFY(!r.ok());
    QVERIFY2(QString::fromStdString(r.error()).contains("of table runs"), r.error().c_str());

    // An intact large workspace opens, writes and passes the whole check.
    const std::string intact = largeWorkspace("large-intact.m6ws");
    auto ws = Workspace::open(intact, false);
    QVERIFY2(ws.ok(), ws.error().c_str());
    auto more = (*ws)->writeDataset(tinySnapshot("more"), {"test", "", ""}, nullptr);
    QVERIFY2(more.ok(), more.error().c_str());
    auto whole = (*ws)->checkIntegrity(true);
    QVERIFY2(whole.ok(), whole.error().c_str());
    QCOMPARE(whole->problems, 0);
  }

  void emptySqliteFileIsMigrated()
  {
    std::string p = m6test::path(dir_, "empty.m6ws");
    {
      m6::sql::Db db;
      db.open(p, true);
    }
    auto ws = Workspace::open(p, false);
    QVERIFY2(ws.ok(), ws.error().c_str());
    QCOMPARE((*ws)->schemaVersion(), Workspace::latestSchemaVersion());
  }

  void datasetRoundTripIsLossless()
  {
    auto ws = fresh("roundtrip.m6ws");
    auto in = tinySnapshot("tiny");
    auto id = ws->writeDataset(in, {"test", "/nowhere", "a note"}, nullptr);
    QVERIFY2(id.ok(), id.error().c_str());
    auto out = ws->loadSnapshot(*id);
    QVERIFY2(out.ok(), out.error().c_str());
    QCOMPARE(out->userIds, in.userIds);
    QCOMPARE(out->itemIds, in.itemIds);
    QCOMPARE(out->itemTitles, in.itemTitles);
    QCOMPARE(out->user, in.user);
    QCOMPARE(out->item, in.item);
    QCOMPARE(out->ts, in.ts);
    QCOMPARE(out->userStart, in.userStart);
    QCOMPARE(out->rating.size(), in.rating.size());
    QVERIFY(std::isnan(out->rating[4]));
    QCOMPARE(out->rating[2], 3.5f);
    QCOMPARE(out->groundTruthJson, in.groundTruthJson);
    QCOMPARE(out->userFields.size(), size_t(2));
    QCOMPARE(out->userFields[0].codes, in.userFields[0].codes);
    QCOMPARE(out->userFields[0].vocab, in.userFields[0].vocab);
    QVERIFY(std::isnan(out->userFields[1].values[1]));
    QCOMPARE(out->userFields[1].values[2], 22.0);
    QCOMPARE(out->itemFields[0].offsets, in.itemFields[0].offsets);
    QCOMPARE(out->itemFields[0].codes, in.itemFields[0].codes);
    QCOMPARE(out->itemFields[1].texts, in.itemFields[1].texts);
    QCOMPARE(out->contextFields[0].codes, in.contextFields[0].codes);
    auto info = ws->dataset("tiny");
    QCOMPARE(info->users, int64_t(3));
    QCOMPARE(info->interactions, int64_t(6));
    QCOMPARE(QString::fromStdString(info->note), QString("a note"));
    QVERIFY(info->hasRatings && info->hasTimestamps);
  }

  void demoDatasetRoundTrip()
  {
    auto ws = fresh("demo.m6ws");
    auto in = smallDemo();
    auto id = ws->writeDataset(in, {"demo", "", ""}, nullptr);
    QVERIFY2(id.ok(), id.error().c_str());
    auto out = ws->loadSnapshot(*id);
    QVERIFY(out.ok());
    QCOMPARE(out->item, in.item);
    QCOMPARE(out->rating, in.rating);
    QCOMPARE(out->itemFields.size(), in.itemFields.size());
    for (size_t f = 0; f < in.itemFields.size(); ++f)
    {
      QCOMPARE(out->itemFields[f].name, in.itemFields[f].name);
      // Vocabularies come back sorted; compare decoded values.
      const auto& a = in.itemFields[f];
      const auto& b = out->itemFields[f];
      if (a.kind == m6::FieldKind::Categorical)
      {
        for (size_t i = 0; i < a.codes.size(); ++i)
        {
          QCOMPARE(b.vocab[size_t(b.codes[i])], a.vocab[size_t(a.codes[i])]);
        }
      }
    }
  }

  void schemaReadFromTablesEqualsTheSnapshots()
  {
    auto ws = fresh("schema.m6ws");
    DatasetSnapshot demo = smallDemo();
    DatasetSnapshot tiny = tinySnapshot("tiny");
    tiny.rating.clear();  // no ratings at all
    for (const DatasetSnapshot* in : {&demo, &tiny})
    {
      auto id = ws->writeDataset(*in, {"test", "", ""}, nullptr);
      QVERIFY2(id.ok(), id.error().c_str());
      auto snap = ws->loadSnapshot(*id);
      QVERIFY(snap.ok());
      const m6::DatasetSchema want = m6::DatasetSchema::fromSnapshot(*snap);
      auto got = m6::readDatasetSchema(*ws, *id);
      QVERIFY2(got.ok(), got.error().c_str());
      QCOMPARE(got->numUsers, want.numUsers);
      QCOMPARE(got->numItems, want.numItems);
      QCOMPARE(got->numInteractions, want.numInteractions);
      QCOMPARE(got->hasRatings, want.hasRatings);
      QCOMPARE(got->hasTimestamps, want.hasTimestamps);
      QCOMPARE(got->ratingMin, want.ratingMin);
      QCOMPARE(got->ratingMax, want.ratingMax);
      for (auto entity :
           {m6::FieldEntity::User, m6::FieldEntity::Item, m6::FieldEntity::Interaction})
      {
        const auto& g = got->fields(entity);
        const auto& w = want.fields(entity);
        QCOMPARE(g.size(), w.size());
        for (size_t f = 0; f < w.size(); ++f)
        {
          QCOMPARE(g[f].name, w[f].name);
          QCOMPARE(g[f].kind, w[f].kind);
          QCOMPARE(g[f].cardinality, w[f].cardinality);
        }
      }
    }
    QVERIFY(!m6::readDatasetSchema(*ws, 999).ok());
  }

  void statisticsAreExact()
  {
    auto ws = fresh("stats.m6ws");
    auto id = ws->writeDataset(tinySnapshot("tiny"), {"test", "", ""}, nullptr);
    QVERIFY(id.ok());
    auto s = ws->stats(*id);
    QVERIFY(s.ok());
    const m6::Json& j = *s;
    QCOMPARE(j.at("interactions").asInt(), int64_t(6));
    QCOMPARE(j.at("sparsity").asDouble(), 1.0 - 6.0 / 12.0);
    QCOMPARE(j.at("history_mean").asDouble(), 2.0);
    QCOMPARE(j.at("history_median").asDouble(), 2.0);
    QCOMPARE(j.at("users_under_5").asInt(), int64_t(3));
    QCOMPARE(j.at("items_under_5").asInt(), int64_t(4));
    QCOMPARE(j.at("items_without_interactions").asInt(), int64_t(1));
    QCOMPARE(j.at("rated_interactions").asInt(), int64_t(5));
    QCOMPARE(j.at("rating_mean").asDouble(), (5 + 4 + 3.5 + 5 + 1) / 5.0);
    // Histogram: 1 -> 1, 3.5 -> 1, 4 -> 1, 5 -> 2.
    const auto& h = j.at("rating_histogram").asArray();
    QCOMPARE(h.size(), size_t(4));
    QCOMPARE(h[0].at("value").asDouble(), 1.0);
    QCOMPARE(h[3].at("value").asDouble(), 5.0);
    QCOMPARE(h[3].at("count").asInt(), int64_t(2));
    // Months: Jan 2, Feb 2, Mar 1 (23:59:59 on the 31st), Apr 1.
    const auto& m = j.at("interactions_per_month").asArray();
    QCOMPARE(m.size(), size_t(4));
    QCOMPARE(QString::fromStdString(m[0].at("month").asString()), QString("2024-01"));
    QCOMPARE(m[0].at("count").asInt(), int64_t(2));
    QCOMPARE(QString::fromStdString(m[2].at("month").asString()), QString("2024-03"));
    QCOMPARE(m[2].at("count").asInt(), int64_t(1));
    QCOMPARE(m[3].at("count").asInt(), int64_t(1));
    // Popularity: item a 3, b 2, c 1.
    const auto& p = j.at("popularity").asArray();
    QCOMPARE(p.size(), size_t(3));
    QCOMPARE(p[0].at("count").asInt(), int64_t(3));
    QCOMPARE(p[2].at("count").asInt(), int64_t(1));
    // History lengths: one user each with 1, 2 and 3.
    const auto& hl = j.at("history_lengths").asArray();
    QCOMPARE(hl.size(), size_t(3));
    QCOMPARE(hl[0].at("from").asInt(), int64_t(1));
    QCOMPARE(hl[0].at("users").asInt(), int64_t(1));

    // The same figures as values, as the Statistics page reads them.
    const m6::DatasetStatistics v = m6::DatasetStatistics::fromJson(j);
    QCOMPARE(v.interactions, int64_t(6));
    QCOMPARE(v.sparsity, 1.0 - 6.0 / 12.0);
    QCOMPARE(v.usersUnder5, int64_t(3));
    QVERIFY(v.ratingMean && *v.ratingMean == (5 + 4 + 3.5 + 5 + 1) / 5.0);
    QVERIFY(v.timeSpan && v.timeSpan->first == j.at("time_min").asInt());
    QCOMPARE(v.ratingHistogram.size(), size_t(4));
    QCOMPARE(v.ratingHistogram[3], std::make_pair(5.0, int64_t(2)));
    QCOMPARE(v.perMonth[2], std::make_pair(std::string("2024-03"), int64_t(1)));
    QCOMPARE(v.popularity.size(), size_t(3));
    QCOMPARE(v.popularity[0].second, int64_t(3));
    QCOMPARE(v.historyLengths.size(), size_t(3));
    QCOMPARE(v.historyLengths[0].users, int64_t(1));
    QVERIFY(!v.preparation);
    // Statistics of an older workspace lack keys: they read as absent, not as an error; a key
    // of the wrong type is an error that says what it read.
    const m6::DatasetStatistics old =
        m6::DatasetStatistics::fromJson(m6::Json::parse(R"({"users": 3, "items": 4})"));
    QCOMPARE(old.users, int64_t(3));
    QVERIFY(!old.ratingMean && !old.timeSpan && old.perMonth.empty());
    bool refused = false;
    try
    {
      m6::DatasetStatistics::fromJson(m6::Json::parse(R"({"rating_histogram": [{"value": "x"}]})"));
    }
    catch (const std::runtime_error& e)
    {
      refused = QString(e.what()).contains("statistics");
    }
    QVERIFY(refused);
  }

  void namesAreCheckedAndRenameDeleteWork()
  {
    auto ws = fresh("names.m6ws");
    QVERIFY(ws->writeDataset(tinySnapshot("first"), {"test", "", ""}, nullptr).ok());
    QVERIFY(ws->writeDataset(tinySnapshot("second"), {"test", "", ""}, nullptr).ok());
    auto dup = ws->writeDataset(tinySnapshot("FIRST"), {"test", "", ""}, nullptr);
    QVERIFY(!dup.ok());
    QVERIFY(QString::fromStdString(dup.error()).contains("already exists"));
    QVERIFY(!ws->checkDatasetName("").ok());
    QVERIFY(!ws->checkDatasetName("tab\there").ok());
    QVERIFY(!ws->checkDatasetName(std::string(101, 'x')).ok());
    QVERIFY(!ws->renameDataset("first", "second").ok());
    QVERIFY(ws->renameDataset("first", "First").ok());  // a change of case only is allowed
    QVERIFY(ws->renameDataset("First", "renamed").ok());
    QVERIFY(!ws->dataset("first").ok());
    QVERIFY(ws->dataset("renamed").ok());
    QVERIFY(!ws->renameDataset("nope", "x").ok());

    QVERIFY(ws->deleteDataset("renamed").ok());
    QVERIFY(!ws->dataset("renamed").ok());
    QCOMPARE(ws->datasets()->size(), size_t(1));
    // Nothing of the deleted dataset remains in any table.
    int64_t other = ws->dataset("second")->id;
    QCOMPARE(workspaceDb(*ws).queryInt("SELECT count(*) FROM interactions WHERE dataset_id <> " +
                                       std::to_string(other)),
             int64_t(0));
    QCOMPARE(countRows(*ws, "users"), int64_t(3));
    QCOMPARE(countRows(*ws, "fields"), int64_t(5));
    QCOMPARE(QString::fromStdString(workspaceDb(*ws).queryText("PRAGMA integrity_check")),
             QString("ok"));
  }

  void cancelledWriteLeavesNothing()
  {
    auto ws = fresh("cancel.m6ws");
    m6::DemoOptions o;
    o.users = 500;
    o.items = 500;
    o.interactions = 60000;
    auto ds = m6::generateDemoDataset(o);
    std::atomic<bool> cancel{false};
    int calls = 0;
    auto r = ws->writeDataset(
        ds, {"demo", "", ""}, nullptr,
        [&](const m6::StorageProgress& p)
        {
          // Cancel once interactions are being written.
          if (p.phase == "Writing interactions" && ++calls == 2)
          {
            cancel = true;
          }
        },
        &cancel);
    QVERIFY(!r.ok());
    QCOMPARE(QString::fromStdString(r.error()), QString("cancelled"));
    QVERIFY(calls >= 2);
    QCOMPARE(countRows(*ws, "datasets"), int64_t(0));
    QCOMPARE(countRows(*ws, "interactions"), int64_t(0));
    QCOMPARE(countRows(*ws, "users"), int64_t(0));
    QCOMPARE(QString::fromStdString(workspaceDb(*ws).queryText("PRAGMA integrity_check")),
             QString("ok"));
    // The workspace is still usable afterwards.
    QVERIFY(ws->writeDataset(tinySnapshot("after"), {"test", "", ""}, nullptr).ok());
  }

  void demoDatasetComesWithAReport()
  {
    auto ws = fresh("demoreport.m6ws");
    m6::DemoOptions o;
    o.name = "demo";
    o.users = 50;
    o.items = 100;
    o.interactions = 1000;
    auto out = m6::writeDemoDataset(*ws, o);
    QVERIFY2(out.ok(), out.error().c_str());
    QCOMPARE(out->dataset.interactions, int64_t(1000));
    auto report = ws->importReport(out->dataset.id);
    QVERIFY2(report.ok(), report.error().c_str());
    QCOMPARE(QString::fromStdString(report->format), QString("demo"));
    QCOMPARE(report->rowsRead, int64_t(1000));
    QVERIFY(QString::fromStdString(report->warnings.at(0)).contains("seed 42"));
    QVERIFY(!m6::writeDemoDataset(*ws, o).ok());  // the name is taken
    o.name = "bad";
    o.users = 1;
    QVERIFY(!m6::writeDemoDataset(*ws, o).ok());
  }

  void settingsPersist()
  {
    {
      auto ws = fresh("settings.m6ws");
      QVERIFY(ws->setSetting("k", "v1").ok());
      QVERIFY(ws->setSetting("k", "v2").ok());
    }
    auto ws = fresh("settings.m6ws");
    QCOMPARE(QString::fromStdString(*ws->setting("k")), QString("v2"));
    QCOMPARE(QString::fromStdString(*ws->setting("absent", "fb")), QString("fb"));
  }
};

QTEST_APPLESS_MAIN(TestWorkspace)
#include "test_workspace.moc"
