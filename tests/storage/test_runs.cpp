// Run records: create, curves in batches, final metrics with protocol, per-user rows, listing,
// rename/note/delete (with the checkpoint folder), cascade on dataset delete, and the forward
// migration of a version-1 workspace.
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "fixtures.h"
#include "model/core/demo_data.h"
#include "storage/run_groups.h"
#include "storage/run_lock.h"
#include "storage/run_queue.h"
#include "storage/runs.h"
#include "storage/schema.h"
#include "storage/sqlite.h"
#include "storage/workspace.h"
#include "storage/workspace_db.h"

using m6::RunRecord;
using m6::RunStore;

class TestRuns : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;

  static m6::DatasetSnapshot small(const std::string& name)
  {
    m6::DemoOptions o;
    o.name = name;
    o.users = 30;
    o.items = 80;
    o.interactions = 400;
    return m6::generateDemoDataset(o);
  }

 private Q_SLOTS:
  void theRunQueueKeepsItsOrderAcrossReopening()
  {
    const std::string path = m6test::path(dir_, "queue.m6ws");
    int64_t ds = 0;
    {
      auto ws = std::move(*m6::Workspace::open(path));
      ds = *ws->writeDataset(small("q"), {"demo", "", ""}, nullptr);
      m6::QueueStore queue(*ws);
      for (const char* name : {"a", "b", "c", "d"})
      {
        m6::QueuedJob j;
        j.datasetId = ds;
        j.kind = "run";
        j.name = name;
        j.job["config"] = m6::Json::object();
        j.job["seeds"] = 1;
        QVERIFY(queue.add(j).ok());
        QCOMPARE(j.position, static_cast<int>(name[0] - 'a'));
      }
      m6::QueuedJob bad;
      bad.datasetId = ds;
      bad.kind = "train";  // not a kind the queue knows
      QVERIFY(QString::fromStdString(queue.add(bad).error()).contains("run, group or search"));
      const auto names = [&]
      {
        std::string out;
        const auto jobs = queue.jobs();  // kept alive: the loop reads into it
        for (const auto& j : *jobs)
        {
          out += j.name;
        }
        return QString::fromStdString(out);
      };
      QCOMPARE(names(), QString("abcd"));
      const auto jobs = *queue.jobs();
      QVERIFY(queue.move(jobs[3].id, 0).ok());  // d first
      QCOMPARE(names(), QString("dabc"));
      QVERIFY(queue.move(jobs[0].id, 99).ok());  // a last (clamped)
      QCOMPARE(names(), QString("dbca"));
      QVERIFY(queue.remove(jobs[2].id).ok());  // c
      QCOMPARE(names(), QString("dba"));
      QVERIFY(!queue.move(jobs[2].id, 0).ok());  // removed: refused with a reason
      m6::QueuedJob first;
      first.datasetId = ds;
      first.kind = "search";
      first.name = "s";
      QVERIFY(queue.add(first, true).ok());  // put back in front
      QCOMPARE(first.position, 0);
      QCOMPARE(names(), QString("sdba"));
      const auto taken = queue.takeFirst();
      QVERIFY(taken.ok() && taken->has_value());
      QCOMPARE(QString::fromStdString((*taken)->name), QString("s"));
      QCOMPARE(QString::fromStdString((*taken)->kind), QString("search"));
      QCOMPARE(names(), QString("dba"));
      const auto positions = *queue.jobs();
      for (size_t i = 0; i < positions.size(); ++i)
      {
        QCOMPARE(positions[i].position, static_cast<int>(i));
        QCOMPARE(QString::fromStdString(positions[i].datasetName), QString("q"));
      }
    }
    // Another process opening the workspace sees the same queue, in the same order.
    auto ws = std::move(*m6::Workspace::open(path));
    m6::QueueStore queue(*ws);
    auto jobs = *queue.jobs();
    QCOMPARE(jobs.size(), size_t(3));
    QCOMPARE(QString::fromStdString(jobs[0].name + jobs[1].name + jobs[2].name), QString("dba"));
    QCOMPARE(jobs[0].job.value("seeds", 0), 1);
    for (int i = 0; i < 3; ++i)
    {
      QVERIFY(queue.takeFirst()->has_value());
    }
    QVERIFY(!queue.takeFirst()->has_value());  // empty: nothing, not an error
    // Deleting the dataset empties its part of the queue.
    m6::QueuedJob j;
    j.datasetId = ds;
    j.kind = "run";
    QVERIFY(queue.add(j).ok());
    QVERIFY(ws->deleteDataset("q").ok());
    QVERIFY(queue.jobs()->empty());
  }

  void recordsAndReadsBackARun()
  {
    auto ws = std::move(*m6::Workspace::open(m6test::path(dir_, "runs.m6ws")));
    int64_t ds = *ws->writeDataset(small("d"), {"demo", "", ""}, nullptr);
    RunStore store(*ws);
    RunRecord r;
    r.datasetId = ds;
    r.task = m6::Task::Ranking;
    r.configJson = R"({"model": {"dim": 32}})";
    auto id = store.create(r);
    QVERIFY2(id.ok(), id.error().c_str());
    QCOMPARE(QString::fromStdString(r.name), QString("run %1").arg(*id));
    QVERIFY(QString::fromStdString(r.folder).endsWith(QString("runs-runs/%1").arg(*id)));
    QVERIFY(store.markStarted(*id).ok());

    std::vector<m6::StepRecord> steps;
    for (int k = 1; k <= 250; ++k)
    {
      steps.push_back({k, 1 + (k - 1) / 100, 5.0 / k, 0.001});
    }
    QVERIFY(store.appendSteps(*id, {steps.begin(), steps.begin() + 100}).ok());
    QVERIFY(store.appendSteps(*id, {steps.begin() + 100, steps.end()}).ok());
    // A resumed run repeats steps: they replace, not duplicate.
    QVERIFY(store.appendSteps(*id, {steps.begin() + 200, steps.end()}).ok());
    m6::EpochRecord e;
    e.epoch = 1;
    e.trainLoss = 2.5;
    e.valid.protocol = "leave-one-out; full ranking; K=10";
    e.valid.set("ndcg@10", 0.123);
    e.seconds = 3.5;
    e.examplesPerSecond = 1000;
    QVERIFY(store.appendEpoch(*id, e).ok());

    RunRecord fin = *store.run(*id);
    fin.status = m6::RunStatus::Finished;
    fin.bestEpoch = 1;
    fin.valid = e.valid;
    fin.test.protocol = e.valid.protocol;
    fin.test.set("ndcg@10", 0.111);
    fin.test.set("hr@10", 0.2);
    fin.summary["examples_per_s"] = 1000.0;
    QVERIFY(store.finish(*id, fin).ok());
    std::vector<m6::UserMetricRow> rows(3);
    for (int u = 0; u < 3; ++u)
    {
      rows[size_t(u)].user = u;
      rows[size_t(u)].item = 10 + u;
      rows[size_t(u)].trainInteractions = 5 * u;
      rows[size_t(u)].rank = u;
      rows[size_t(u)].prediction = 0.5;
    }
    rows[1].ranks = {1, 4, 12};  // a user with several test targets (a ratio split)
    // A pointwise user with several held-out interactions: every (prediction, label), exactly.
    rows[2].points = {{0.1, 1.0}, {1.0 / 3.0, 0.0}, {std::nan(""), 1.0}};
    QVERIFY(store.storeUserMetrics(*id, "test", rows).ok());

    auto back = store.run(*id);
    QVERIFY(back.ok());
    QCOMPARE(back->status, m6::RunStatus::Finished);
    QCOMPARE(QString::fromStdString(back->datasetName), QString("d"));
    QCOMPARE(back->test.get("hr@10"), 0.2);
    QCOMPARE(QString::fromStdString(back->test.protocol),
             QString("leave-one-out; full ranking; K=10"));
    QCOMPARE(back->epochsRun, 1);
    QVERIFY(back->finishedAt >= back->startedAt && back->startedAt > 0);
    QCOMPARE(back->summary.at("examples_per_s").asDouble(), 1000.0);
    auto st = *store.steps(*id);
    QCOMPARE(st.size(), size_t(250));
    QCOMPARE(st[249].loss, 5.0 / 250);
    auto ep = *store.epochs(*id);
    QCOMPARE(ep.size(), size_t(1));
    QCOMPARE(ep[0].valid.get("ndcg@10"), 0.123);
    auto um = *store.userMetrics(*id, "test");
    QCOMPARE(um.size(), size_t(3));
    QCOMPARE(um[2].item, 12);
    QCOMPARE(um[2].trainInteractions, int64_t(10));
    QVERIFY(std::isnan(um[0].label));
    QVERIFY(um[0].ranks.empty());
    QCOMPARE(um[1].ranks, (std::vector<int64_t>{1, 4, 12}));
    QVERIFY(um[2].ranks.empty());
    QVERIFY(um[0].points.empty());
    QCOMPARE(um[2].points.size(), size_t(3));
    QCOMPARE(um[2].points[1].first, 1.0 / 3.0);
    QCOMPARE(um[2].points[1].second, 0.0);
    QVERIFY(std::isnan(um[2].points[2].first));
    // Pages in user order: two rows after none, then the rest after the last user read.
    auto first = *store.userMetrics(*id, "test", -1, 2);
    QCOMPARE(first.size(), size_t(2));
    QCOMPARE(first[1].user, um[1].user);
    auto rest = *store.userMetrics(*id, "test", first.back().user, 2);
    QCOMPARE(rest.size(), size_t(1));
    QCOMPARE(rest[0].user, um[2].user);
    QCOMPARE(rest[0].ranks, um[2].ranks);
    QVERIFY(store.userMetrics(*id, "test", um[2].user, 2)->empty());

    QVERIFY(store.rename(*id, "baseline idea").ok());
    QVERIFY(!store.rename(*id, "").ok());
    // Run names follow the dataset-name rules: no newlines, no terminal escapes, at most 100 bytes.
    QVERIFY(!store.rename(*id, "two\nlines").ok());
    QVERIFY(!store.rename(*id, "\x1b[31mred").ok());
    QVERIFY(!store.rename(*id, std::string(101, 'x')).ok());
    QVERIFY(QString::fromStdString(store.rename(*id, "   ").error()).contains("run name"));
    QCOMPARE(QString::fromStdString(store.run(*id)->name), QString("baseline idea"));
    RunRecord escaped;
    escaped.datasetId = ds;
    escaped.name = "bell\a";
    escaped.kind = m6::RunKind::M6;
    escaped.task = m6::Task::Ranking;
    escaped.configJson = "{}";
    escaped.status = m6::RunStatus::Created;
    QVERIFY(!store.create(escaped).ok());
    QVERIFY(store.setNote(*id, "lr too high?").ok());
    QCOMPARE(QString::fromStdString(store.run(*id)->note), QString("lr too high?"));

    // Children keep existing when their parent is deleted; the folder goes with the run.
    RunRecord child;
    child.datasetId = ds;
    child.task = m6::Task::Ranking;
    child.configJson = "{}";
    child.parentRun = *id;
    int64_t childId = *store.create(child);
    std::filesystem::create_directories(back->folder);
    std::ofstream(back->folder + "/best.pt") << "x";
    QVERIFY(store.remove(*id).ok());
    QVERIFY(!std::filesystem::exists(back->folder));
    QVERIFY(!store.run(*id).ok());
    QVERIFY(!store.run(childId)->parentRun.has_value());
    QCOMPARE(workspaceDb(*ws).queryInt("SELECT count(*) FROM run_steps"), int64_t(0));
  }

  // Kind, status and task are enums in C++ and the same words as before in the workspace; a word
  // this version does not know (a newer one wrote it) reads as a failed M6 run, not a crash.
  void kindStatusAndTaskAreStoredAsWords()
  {
    auto ws = std::move(*m6::Workspace::open(m6test::path(dir_, "words.m6ws")));
    int64_t ds = *ws->writeDataset(small("d"), {"demo", "", ""}, nullptr);
    RunStore store(*ws);
    RunRecord r;
    r.datasetId = ds;
    r.kind = m6::RunKind::BaselineEase;
    r.task = m6::Task::Rating;
    r.status = m6::RunStatus::Stopped;
    r.configJson = "{}";
    auto id = store.create(r);
    QVERIFY2(id.ok(), id.error().c_str());
    m6::sql::Db& db = workspaceDb(*ws);
    QCOMPARE(db.queryText("SELECT kind || ' ' || status || ' ' || task FROM runs WHERE id = " +
                          std::to_string(*id)),
             std::string("baseline-ease stopped rating"));
    auto back = store.run(*id);
    QVERIFY(back.ok());
    QVERIFY(back->kind == m6::RunKind::BaselineEase && back->task == m6::Task::Rating &&
            back->status == m6::RunStatus::Stopped);
    QCOMPARE(m6::baselineName(back->kind), std::string("ease"));
    QVERIFY(m6::baselineKind("ease") == m6::RunKind::BaselineEase);
    QVERIFY(!m6::baselineKind("m6") && !m6::baselineName(m6::RunKind::M6).size());
    QVERIFY(!m6::hasEnded(m6::RunStatus::Stopped) && m6::hasEnded(m6::RunStatus::Diverged));

    db.exec(
        "UPDATE runs SET kind = 'baseline-future', status = 'paused', task = 'slate' "
        "WHERE id = " +
        std::to_string(*id));
    back = store.run(*id);
    QVERIFY(back.ok());
    QVERIFY(back->kind == m6::RunKind::M6 && back->status == m6::RunStatus::Failed &&
            back->task == m6::Task::Ranking);
  }

  void deletingADatasetDeletesItsRuns()
  {
    auto ws = std::move(*m6::Workspace::open(m6test::path(dir_, "cascade.m6ws")));
    int64_t a = *ws->writeDataset(small("a"), {"demo", "", ""}, nullptr);
    int64_t b = *ws->writeDataset(small("b"), {"demo", "", ""}, nullptr);
    RunStore store(*ws);
    RunRecord ra;
    ra.datasetId = a;
    ra.task = m6::Task::Ranking;
    ra.configJson = "{}";
    int64_t ida = *store.create(ra);
    RunRecord rb = ra;
    rb.datasetId = b;
    rb.folder.clear();
    rb.name.clear();
    int64_t idb = *store.create(rb);
    std::filesystem::create_directories(ra.folder);
    QVERIFY(store.appendSteps(ida, {{1, 1, 1.0, 0.1}}).ok());
    QVERIFY(ws->deleteDataset("a").ok());
    QVERIFY(!std::filesystem::exists(ra.folder));
    QCOMPARE(store.runs()->size(), size_t(1));
    QCOMPARE(store.runs()->at(0).id, idb);
    QCOMPARE(store.runs(b)->size(), size_t(1));
    QCOMPARE(workspaceDb(*ws).queryInt("SELECT count(*) FROM run_steps"), int64_t(0));
  }

  void runFoldersBelongToTheWorkspaceFile()
  {
    // A relative path is made absolute, and the folder follows the file it was opened as.
    QString cwd = QDir::currentPath();
    QDir::setCurrent(dir_.path());
    auto rel = std::move(*m6::Workspace::open("relative.m6ws"));
    QDir::setCurrent(cwd);
    QVERIFY(std::filesystem::path(rel->path()).is_absolute());
    QCOMPARE(QString::fromStdString(rel->runFolder(7)),
             QDir(dir_.path()).filePath("relative-runs/7"));

    // Deleting a dataset in a copy of a workspace never touches the original's checkpoints.
    std::string original = m6test::path(dir_, "orig.m6ws");
    int64_t runId = 0;
    std::string folder;
    {
      auto ws = std::move(*m6::Workspace::open(original));
      int64_t ds = *ws->writeDataset(small("d"), {"demo", "", ""}, nullptr);
      RunStore store(*ws);
      RunRecord r;
      r.datasetId = ds;
      r.task = m6::Task::Ranking;
      r.configJson = "{}";
      runId = *store.create(r);
      folder = r.folder;
      std::filesystem::create_directories(folder);
      std::ofstream(folder + "/best.pt") << "weights";
    }
    std::string copy = m6test::path(dir_, "copy.m6ws");
    std::filesystem::copy_file(original, copy);
    {
      auto ws = std::move(*m6::Workspace::open(copy, false));
      RunStore store(*ws);
      QVERIFY(store.run(runId)->folder != folder);
      QVERIFY(ws->deleteDataset("d").ok());
    }
    QVERIFY(std::filesystem::exists(folder + "/best.pt"));
  }

  void runningRunsAreProtected()
  {
    auto ws = std::move(*m6::Workspace::open(m6test::path(dir_, "locks.m6ws")));
    int64_t ds = *ws->writeDataset(small("d"), {"demo", "", ""}, nullptr);
    RunStore store(*ws);
    RunRecord r;
    r.datasetId = ds;
    r.task = m6::Task::Ranking;
    r.configJson = "{}";
    int64_t id = *store.create(r);
    QVERIFY(!store.isActive(id));
    {
      auto lock = m6::RunLock::acquire(r.folder);
      QVERIFY2(lock.ok(), lock.error().c_str());
      QVERIFY(store.isActive(id));
      QVERIFY(!m6::RunLock::acquire(r.folder).ok());  // one trainer per run
      auto del = ws->deleteDataset("d");
      QVERIFY(!del.ok());
      QVERIFY2(QString::fromStdString(del.error()).contains("is being trained on"),
               del.error().c_str());
      auto rm = store.remove(id);
      QVERIFY(!rm.ok());
      QVERIFY(QString::fromStdString(rm.error()).contains("being trained"));
    }
    // Released (as when the process ends): an interrupted run may go.
    QVERIFY(!store.isActive(id));
    QVERIFY(ws->deleteDataset("d").ok());
  }

  void idsAreNeverReused()
  {
    auto ws = std::move(*m6::Workspace::open(m6test::path(dir_, "ids.m6ws")));
    int64_t a = *ws->writeDataset(small("a"), {"demo", "", ""}, nullptr);
    QVERIFY(ws->deleteDataset("a").ok());
    int64_t b = *ws->writeDataset(small("b"), {"demo", "", ""}, nullptr);
    QVERIFY(b > a);
    RunStore store(*ws);
    RunRecord r;
    r.datasetId = b;
    r.task = m6::Task::Ranking;
    r.configJson = "{}";
    int64_t first = *store.create(r);
    QVERIFY(store.remove(first).ok());
    RunRecord again = r;
    again.name.clear();
    QVERIFY(*store.create(again) > first);
  }

  void concurrentFirstOpensAllSucceed()
  {
    // The GUI opens a new workspace from several workers at once; exactly one migrates.
    for (int round = 0; round < 5; ++round)
    {
      std::string p = m6test::path(dir_, QString("race%1.m6ws").arg(round));
      std::vector<std::thread> threads;
      std::atomic<int> failures{0};
      std::string lastError;
      std::mutex m;
      for (int t = 0; t < 6; ++t)
      {
        threads.emplace_back(
            [&]
            {
              auto ws = m6::Workspace::open(p);
              if (!ws)
              {
                std::lock_guard<std::mutex> g(m);
                lastError = ws.error();
                ++failures;
              }
            });
      }
      for (auto& t : threads)
      {
        t.join();
      }
      QVERIFY2(failures == 0, lastError.c_str());
      auto ws = m6::Workspace::open(p, false);
      QCOMPARE((*ws)->schemaVersion(), m6::Workspace::latestSchemaVersion());
    }
  }

  void versionOneWorkspaceIsMigrated()
  {
    std::string p = m6test::path(dir_, "v1.m6ws");
    {
      m6::sql::Db db;
      db.open(p, true);
      db.exec(m6::schema::migrations()[0]);
      db.exec("PRAGMA application_id=" + std::to_string(0x4D36574B));
      db.exec("PRAGMA user_version=1");
      db.exec(
          "INSERT INTO datasets(name, source_format, created_at, n_users, n_items, "
          "n_interactions, has_ratings, has_timestamps) VALUES ('old', 'csv', 0, 0, 0, 0, 0, 0)");
    }
    auto ws = m6::Workspace::open(p, false);
    QVERIFY2(ws.ok(), ws.error().c_str());
    QCOMPARE((*ws)->schemaVersion(), m6::Workspace::latestSchemaVersion());
    QVERIFY((*ws)->dataset("old").ok());  // data kept
    RunStore store(**ws);
    QVERIFY(store.runs()->empty());  // the new tables exist
    // Version 4's and 7's columns are there: rows with several ranks or points can be recorded.
    QCOMPARE(
        workspaceDb(**ws).queryInt("SELECT count(*) FROM pragma_table_info('run_user_metrics') "
                                   "WHERE name IN ('ranks', 'points')"),
        int64_t(2));
    // Version 5's run groups: a group is recorded, a run names it, and deleting the group keeps
    // the run, ungrouped.
    m6::GroupStore groups(**ws);
    m6::RunGroupRecord g;
    g.datasetId = (*ws)->dataset("old")->id;
    g.configJson = "{}";
    g.seeds = {3, 4};
    QVERIFY(groups.create(g).ok());
    QCOMPARE(g.name, std::string("group ") + std::to_string(g.id));
    QCOMPARE(groups.group(g.id)->seeds, (std::vector<int64_t>{3, 4}));
    m6::RunRecord r;
    r.datasetId = g.datasetId;
    r.task = m6::Task::Ranking;
    r.configJson = "{}";
    r.groupId = g.id;
    QVERIFY(store.create(r).ok());
    QCOMPARE(*store.run(r.id)->groupId, g.id);
    QCOMPARE(store.runsOfGroup(g.id)->size(), size_t(1));
    QVERIFY(groups.remove(g.id).ok());
    QVERIFY(!store.run(r.id)->groupId.has_value());
    QVERIFY(!groups.group(g.id).ok());
  }
};

QTEST_APPLESS_MAIN(TestRuns)
#include "test_runs.moc"
