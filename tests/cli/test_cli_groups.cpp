// Run groups end to end with the real m6-cli on a small demo: train --seeds N records N runs with
// consecutive seeds as one group whose spreads are the members' mean, sample sd and t interval;
// groups lists and shows it; significance compares two groups per user (a planted worse group
// loses, significantly, with the sign right); a killed group resumes its interrupted member and
// trains only the seeds it had not started; --parallel trains members at once in processes of
// their own with the same results, and Ctrl+C stops them together; bad requests are refused
// before anything trains.
#include <signal.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <chrono>
#include <cmath>
#include <functional>
#include <thread>

#include "cli_runner.h"
#include "model/core/json.h"
#include "storage/run_groups.h"
#include "storage/runs.h"
#include "storage/workspace.h"

using m6test::lastJson;

class TestCliGroups : public QObject
{
  Q_OBJECT
 private:
  using Json = m6::Json;
  QTemporaryDir dir_;
  int64_t good_ = 0;

  m6test::CliResult cli(const QStringList& args)
  {
    return m6test::runCli(dir_.filePath("t.m6ws"), args);
  }

  int runCount()
  {
    auto ws = m6::Workspace::open(dir_.filePath("t.m6ws").toStdString(), false);
    auto runs = m6::RunStore(**ws).runs();
    return runs ? static_cast<int>(runs->size()) : -1;
  }

  // Polls the workspace (up to 2 minutes) until the group named `name` has members whose epoch
  // counts (in the order they were recorded) satisfy `ready`; returns the group's id and those
  // members then, or 0 and none.
  std::pair<int64_t, std::vector<m6::RunRecord>> waitForMembers(
      const std::string& name, const std::function<bool(const std::vector<size_t>&)>& ready)
  {
    for (int i = 0; i < 1200; ++i)
    {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      auto ws = m6::Workspace::open(dir_.filePath("t.m6ws").toStdString(), false);
      if (!ws)
      {
        continue;
      }
      auto groups = m6::GroupStore(**ws).groups();
      if (!groups || groups->empty() || groups->back().name != name)
      {
        continue;
      }
      m6::RunStore runs(**ws);
      auto members = runs.runsOfGroup(groups->back().id);
      if (!members)
      {
        continue;
      }
      std::vector<size_t> epochs;
      for (const auto& m : *members)
      {
        auto e = runs.epochs(m.id);
        epochs.push_back(e ? e->size() : 0);
      }
      if (ready(epochs))
      {
        return {groups->back().id, *members};
      }
    }
    return {0, {}};
  }

 private Q_SLOTS:
  void initTestCase()
  {
    auto r = cli(
        {"demo-data", "--name", "d", "--users", "150", "--items", "300", "--interactions", "6000"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
  }

  void seedsTrainAGroupReportedWithItsSpread()
  {
    auto r = cli({"train", "--dataset", "d", "--preset", "quick", "--set", "train.epochs=3",
                  "--set", "train.seed=7", "--seeds", "3", "--name", "good", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const Json j = lastJson(r);
    good_ = j.at("group").asInt();
    QCOMPARE(QString::fromStdString(j.at("status").asString()), QString("finished"));
    QCOMPARE(j.at("with_results").asInt(), int64_t(3));
    const auto& members = j.at("runs").asArray();
    QCOMPARE(members.size(), size_t(3));
    std::vector<double> ndcg;
    for (size_t i = 0; i < members.size(); ++i)
    {
      QCOMPARE(members[i].at("seed").asInt(), int64_t(7 + i));
      QCOMPARE(QString::fromStdString(members[i].at("status").asString()), QString("finished"));
      ndcg.push_back(members[i].at("test").at("ndcg@10").asDouble());
    }
    QVERIFY2(ndcg[0] != ndcg[1] || ndcg[1] != ndcg[2], "three seeds gave identical results");
    // The spread is the members' mean, sample sd and Student-t 95% interval (t(0.975, 2)).
    const double mean = (ndcg[0] + ndcg[1] + ndcg[2]) / 3;
    double ss = 0;
    for (double v : ndcg)
    {
      ss += (v - mean) * (v - mean);
    }
    const double sd = std::sqrt(ss / 2);
    const double half = 4.302652730 * sd / std::sqrt(3.0);
    const Json& spread = j.at("test").at("ndcg@10");
    QVERIFY(std::fabs(spread.at("mean").asDouble() - mean) < 1e-12);
    QVERIFY(std::fabs(spread.at("sd").asDouble() - sd) < 1e-12);
    QVERIFY(std::fabs(spread.at("ci95")[0].asDouble() - (mean - half)) < 1e-9);
    QVERIFY(std::fabs(spread.at("ci95")[1].asDouble() - (mean + half)) < 1e-9);
    QCOMPARE(spread.at("n").asInt(), int64_t(3));
    QVERIFY(j.at("valid").contains("ndcg@10"));
    QVERIFY2(r.err.contains("seed 9, 3 of 3"), qPrintable(r.err));  // progress names the member

    // The members are ordinary runs that name their group, with their own seed in the config.
    auto ws = m6::Workspace::open(dir_.filePath("t.m6ws").toStdString(), false);
    m6::RunStore runs(**ws);
    auto stored = runs.runsOfGroup(good_);
    QCOMPARE(stored->size(), size_t(3));
    QCOMPARE(QString::fromStdString((*stored)[1].name), QString("good seed 8"));
    QVERIFY(Json::parse((*stored)[1].configJson).at("train").at("seed").asInt() == 8);
    auto listed = lastJson(cli({"runs", "--json"}));
    QCOMPARE(listed.at("runs")[0].at("group").asInt(), good_);

    // groups lists it; groups NAME shows the same summary.
    auto all = lastJson(cli({"groups", "--json"}));
    QCOMPARE(all.at("groups").size(), size_t(1));
    QCOMPARE(all.at("groups")[0].at("group").asInt(), good_);
    auto one = cli({"groups", "good"});
    QVERIFY2(one.code == 0, qPrintable(one.err));
    QVERIFY2(one.out.contains("3 of 3 seeds") && one.out.contains("ndcg@10"), qPrintable(one.out));
  }

  void significanceComparesGroupsPerUser()
  {
    // A planted worse group: the same model trained with a learning rate too small to learn.
    auto worse = cli({"train", "--dataset", "d", "--preset", "quick", "--set", "train.epochs=3",
                      "--set", "train.lr=0.000001", "--seeds", "2", "--name", "worse", "--json"});
    QVERIFY2(worse.code == 0, qPrintable(worse.err));
    const Json w = lastJson(worse);
    const int64_t bad = w.at("group").asInt();

    auto r = cli({"significance", "group:" + QString::number(good_), "group:worse", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const Json j = lastJson(r);
    QCOMPARE(j.at("group_a").asInt(), good_);
    QCOMPARE(j.at("group_b").asInt(), bad);
    QCOMPARE(j.at("runs_a").size(), size_t(3));
    QCOMPARE(j.at("runs_b").size(), size_t(2));
    QVERIFY(j.at("mean_difference").asDouble() > 0);
    QVERIFY(j.at("p_value").asDouble() < 0.05);
    QVERIFY(j.at("ci95")[0].asDouble() > 0);
    // Each user's value is the mean over the members, so side A's mean is the group's mean.
    const Json good = lastJson(cli({"groups", QString::number(good_), "--json"}));
    QVERIFY(std::fabs(j.at("mean_a").asDouble() -
                      good.at("test").at("ndcg@10").at("mean").asDouble()) < 1e-9);
    QVERIFY(std::fabs(j.at("mean_b").asDouble() -
                      w.at("test").at("ndcg@10").at("mean").asDouble()) < 1e-9);
    // Swapped: the sign turns.
    auto swapped = lastJson(cli({"significance", "group:worse", "group:good", "--json"}));
    QVERIFY(std::fabs(swapped.at("mean_difference").asDouble() +
                      j.at("mean_difference").asDouble()) < 1e-12);
    // A group against one of its own members, or itself, is refused.
    const int64_t member = good.at("runs")[0].at("run").asInt();
    auto own = cli({"significance", "group:good", QString::number(member)});
    QCOMPARE(own.code, 1);
    QVERIFY2(own.lastErrorLine().contains("on both sides"), qPrintable(own.err));
    auto self = cli({"significance", "group:good", "group:good"});
    QCOMPARE(self.code, 1);
    auto missing = cli({"significance", "group:nope", QString::number(member)});
    QCOMPARE(missing.code, 1);
    QVERIFY2(missing.lastErrorLine().contains("no run group"), qPrintable(missing.err));
  }

  // --parallel 2: the same members as one after another (same seeds, same figures), trained two
  // at a time in processes of their own.
  void parallelMembersGiveTheSameRunsAsOneAfterAnother()
  {
    QVERIFY(good_ > 0);
    auto r =
        cli({"train", "--dataset", "d", "--preset", "quick", "--set", "train.epochs=3", "--set",
             "train.seed=7", "--seeds", "3", "--parallel", "2", "--name", "parallel", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const Json j = lastJson(r);
    QCOMPARE(QString::fromStdString(j.at("status").asString()), QString("finished"));
    const Json sequential = lastJson(cli({"groups", QString::number(good_), "--json"}));
    const auto& members = j.at("runs").asArray();
    QCOMPARE(members.size(), size_t(3));
    for (size_t i = 0; i < members.size(); ++i)
    {
      QCOMPARE(members[i].at("seed").asInt(), int64_t(7 + i));
      QCOMPARE(members[i].at("test").at("ndcg@10").asDouble(),
               sequential.at("runs")[i].at("test").at("ndcg@10").asDouble());
    }
    QCOMPARE(j.at("test").at("ndcg@10").at("mean").asDouble(),
             sequential.at("test").at("ndcg@10").at("mean").asDouble());
    // Two members started, in two processes, before the first one ended.
    const QStringList lines = r.err.split('\n');
    QStringList started;
    int firstEnd = -1;
    for (int i = 0; i < lines.size(); ++i)
    {
      if (lines[i].contains(" started in process "))
      {
        started << lines[i];
      }
      if (firstEnd < 0 && lines[i].contains(" ended)"))
      {
        firstEnd = static_cast<int>(started.size());
      }
    }
    QCOMPARE(started.size(), 3);
    QVERIFY2(firstEnd == 2, qPrintable(r.err));
    QVERIFY(started[0].section("process ", 1).section(' ', 0, 0) !=
            started[1].section("process ", 1).section(' ', 0, 0));
    // One member alone: a finished one has nothing left to do.
    const int before = runCount();
    auto one = cli({"resume", "group:" + QString::number(j.at("group").asInt()), "--seed", "8"});
    QVERIFY2(one.code == 0, qPrintable(one.err));
    QCOMPARE(runCount(), before);
    auto bad = cli({"resume", "group:" + QString::number(j.at("group").asInt()), "--seed", "99"});
    QCOMPARE(bad.code, 1);
    QVERIFY2(bad.lastErrorLine().contains("has no seed 99"), qPrintable(bad.err));
  }

  // Ctrl+C stops every member being trained (each keeps its checkpoint); resuming with
  // --parallel continues them.
  void parallelMembersStopTogetherAndResume()
  {
    QProcess p;
    p.start(m6test::kCli,
            {"--workspace", dir_.filePath("t.m6ws"), "train", "--dataset", "d", "--preset", "quick",
             "--set", "train.epochs=12", "--set", "train.patience=0", "--seeds", "3", "--parallel",
             "2", "--name", "stopped together"});
    QVERIFY(p.waitForStarted());
    const int64_t group =
        waitForMembers("stopped together", [](const std::vector<size_t>& epochs)
                       { return epochs.size() == 2 && epochs[0] >= 1 && epochs[1] >= 1; })
            .first;
    QVERIFY2(group != 0, "the two members never trained an epoch each");
    ::kill(static_cast<pid_t>(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(120000));
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains("Stopping the group's members"), qPrintable(err));
    // The two that trained are stopped; the third seed was never started.
    auto shown = lastJson(cli({"groups", QString::number(group), "--json"}));
    QCOMPARE(QString::fromStdString(shown.at("status").asString()), QString("incomplete"));
    QCOMPARE(shown.at("runs").size(), size_t(2));
    for (const Json& m : shown.at("runs").asArray())
    {
      QCOMPARE(QString::fromStdString(m.at("status").asString()), QString("stopped"));
    }
    const int before = runCount();
    auto r = cli({"resume", "group:" + QString::number(group), "--parallel", "2", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(QString::fromStdString(lastJson(r).at("status").asString()), QString("finished"));
    QCOMPARE(runCount(), before + 1);  // the two continued, the third new
  }

  void badRequestsTrainNothing()
  {
    const int before = runCount();
    auto one = cli({"train", "--dataset", "d", "--preset", "quick", "--seeds", "1"});
    QCOMPARE(one.code, 1);
    QVERIFY2(one.lastErrorLine().contains("2 to 100 seeds"), qPrintable(one.err));
    auto parallel =
        cli({"train", "--dataset", "d", "--preset", "quick", "--seeds", "2", "--nproc", "2"});
    QCOMPARE(parallel.code, 1);
    auto invalid = cli(
        {"train", "--dataset", "d", "--preset", "quick", "--set", "model.heads=3", "--seeds", "2"});
    QVERIFY(invalid.code != 0);
    QCOMPARE(runCount(), before);
  }

  void killedGroupResumesWhereItStopped()
  {
    QProcess p;
    p.start(m6test::kCli, {"--workspace", dir_.filePath("t.m6ws"), "train", "--dataset", "d",
                           "--preset", "quick", "--set", "train.epochs=20", "--set",
                           "train.patience=0", "--seeds", "3", "--name", "killed"});
    QVERIFY(p.waitForStarted());
    // Kill it while the second member trains (the first finished, the second has a checkpoint).
    const auto waited = waitForMembers("killed", [](const std::vector<size_t>& epochs)
                                       { return epochs.size() == 2 && epochs[1] >= 2; });
    const int64_t group = waited.first;
    const int64_t first = waited.second.size() == 2 ? waited.second[0].id : 0;
    const int64_t second = waited.second.size() == 2 ? waited.second[1].id : 0;
    QVERIFY2(second != 0, "the second member never reached its second epoch");
    p.kill();
    p.waitForFinished();
    const int runsBefore = runCount();
    auto shown = lastJson(cli({"groups", QString::number(group), "--json"}));
    QCOMPARE(QString::fromStdString(shown.at("status").asString()), QString("incomplete"));
    QCOMPARE(shown.at("with_results").asInt(), int64_t(1));

    auto r = cli({"resume", "group:" + QString::number(group), "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains("resuming after epoch"), qPrintable(r.err));
    const Json j = lastJson(r);
    QCOMPARE(QString::fromStdString(j.at("status").asString()), QString("finished"));
    const auto& members = j.at("runs").asArray();
    QCOMPARE(members.size(), size_t(3));
    QCOMPARE(members[0].at("run").asInt(), first);   // kept as it was
    QCOMPARE(members[1].at("run").asInt(), second);  // continued, not started again
    QCOMPARE(runCount(), runsBefore + 1);            // only the third seed is a new run
    // A finished group has nothing left to train.
    auto again = cli({"resume", "group:" + QString::number(group), "--json"});
    QCOMPARE(again.code, 0);
    QCOMPARE(runCount(), runsBefore + 1);
  }
};

QTEST_GUILESS_MAIN(TestCliGroups)
#include "test_cli_groups.moc"
