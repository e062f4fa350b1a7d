// m6-cli search / searches against the real binary on a small demo: the grid is trained exactly,
// every trial is an ordinary run with its values, halving stops a trial that cannot compete, bad
// spaces are refused before training, and a killed search resumes without repeating a trial.
// With --parallel the trials train in processes of their own: halving decides as one after
// another, Ctrl+C stops them together and --resume continues them.
#include <signal.h>

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <functional>
#include <set>
#include <thread>

#include "cli_runner.h"
#include "storage/runs.h"
#include "storage/searches.h"

using m6test::lastJson;

class TestCliSearch : public QObject
{
  Q_OBJECT

  QTemporaryDir dir_;
  m6::Json halving_;  // halvingStopsATrialThatCannotCompete's result, trials one after another

  m6test::CliResult cli(const QStringList& args)
  {
    return m6test::runCli(dir_.filePath("t.m6ws"), args);
  }

  // Polls the workspace until the newest search is called `name` and `ready` holds for its
  // trials' recorded epochs (-1: a trial without a run yet); its id and its trials' runs.
  std::pair<int64_t, std::vector<int64_t>> waitForTrials(
      const std::string& name, const std::function<bool(const std::vector<int>&)>& ready)
  {
    for (int i = 0; i < 1200; ++i)
    {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      auto ws = m6::Workspace::open(dir_.filePath("t.m6ws").toStdString(), false);
      if (!ws)
      {
        continue;
      }
      m6::SearchStore searches(**ws);
      m6::RunStore runs(**ws);
      auto all = searches.searches();
      if (!all || all->empty() || all->front().name != name)
      {
        continue;
      }
      auto trials = searches.trials(all->front().id);
      if (!trials)
      {
        continue;
      }
      std::vector<int> epochs;
      std::vector<int64_t> ids;
      for (const auto& t : *trials)
      {
        auto e = t.runId ? runs.epochs(*t.runId)
                         : m6::Result<std::vector<m6::EpochRecord>>(std::vector<m6::EpochRecord>());
        epochs.push_back(t.runId && e ? static_cast<int>(e->size()) : -1);
        ids.push_back(t.runId ? *t.runId : 0);
      }
      if (ready(epochs))
      {
        return {all->front().id, ids};
      }
    }
    return {0, {}};
  }

  // A halving search over two learning rates (1e-7 cannot compete with 0.01), 3 epochs each.
  QStringList halvingArgs()
  {
    const QString space = spaceFile("lr.json", R"({"train.lr": [0.0000001, 0.01]})");
    return {"search",
            "--dataset",
            "d",
            "--space",
            space,
            "--strategy",
            "halving",
            "--trials",
            "2",
            "--eta",
            "2",
            "--seed",
            "1",
            "--preset",
            "quick",
            "--set",
            "train.epochs=3",
            "--set",
            "train.patience=0"};
  }

  QString spaceFile(const char* name, const char* text)
  {
    const QString path = dir_.filePath(name);
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(text);
    return path;
  }

 private slots:
  void initTestCase()
  {
    auto r = cli(
        {"demo-data", "--name", "d", "--users", "150", "--items", "300", "--interactions", "6000"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
  }

  void gridTrainsExactlyTheGridAsRuns()
  {
    const QString space =
        spaceFile("grid.json", R"({"model.history_length": [1, 5], "train.lr": [0.001, 0.01]})");
    auto r = cli({"search", "--dataset", "d", "--space", space, "--strategy", "grid", "--preset",
                  "quick", "--set", "train.epochs=1", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const Json j = lastJson(r);
    QCOMPARE(QString::fromStdString(j.at("status").asString()), QString("finished"));
    QCOMPARE(QString::fromStdString(j.at("metric").asString()), QString("ndcg@10"));
    const auto& trials = j.at("trials").asArray();
    QCOMPARE(trials.size(), size_t(4));
    std::set<std::string> configs;
    std::set<int64_t> runs;
    int64_t best = 0;
    double bestValue = -1;
    auto ws = m6::Workspace::open(dir_.filePath("t.m6ws").toStdString(), false);
    QVERIFY2(ws.ok(), ws.error().c_str());
    m6::RunStore store(**ws);
    for (const auto& t : trials)
    {
      configs.insert(t.at("config").dump());
      const int64_t run = t.at("run").asInt();
      runs.insert(run);
      QCOMPARE(QString::fromStdString(t.at("status").asString()), QString("finished"));
      const double v = t.at("valid").at("ndcg@10").asDouble();
      QCOMPARE(t.at("value").asDouble(), v);
      if (v > bestValue)
      {
        bestValue = v;
        best = run;
      }
      // The run is an ordinary run trained with the trial's values.
      auto rec = store.run(run);
      QVERIFY2(rec.ok(), rec.error().c_str());
      const Json config = Json::parse(rec->configJson);
      QCOMPARE(config.at("model").at("history_length").asInt(),
               t.at("config").at("model.history_length").asInt());
      QCOMPARE(config.at("train").at("lr").asDouble(), t.at("config").at("train.lr").asDouble());
      QCOMPARE(config.at("train").at("epochs").asInt(), int64_t(1));  // --set reaches every trial
    }
    std::set<std::string> grid;
    for (const char* c : {R"({"model.history_length":1,"train.lr":0.001})",
                          R"({"model.history_length":1,"train.lr":0.01})",
                          R"({"model.history_length":5,"train.lr":0.001})",
                          R"({"model.history_length":5,"train.lr":0.01})"})
    {
      grid.insert(Json::parse(c).dump());
    }
    QCOMPARE(configs, grid);
    QCOMPARE(runs.size(), size_t(4));
    QCOMPARE(j.at("best_run").asInt(), best);
    // Listed, and shown again without training.
    auto list = cli({"searches", "--json"});
    QCOMPARE(list.code, 0);
    QCOMPARE(lastJson(list).at("searches").size(), size_t(1));
    auto shown = cli({"searches", QString::number(j.at("search").asInt()), "--json"});
    QVERIFY2(shown.code == 0, qPrintable(shown.err));
    QCOMPARE(lastJson(shown).at("best_run").asInt(), best);
    QCOMPARE(lastJson(shown).at("trials").size(), size_t(4));
  }

  void halvingStopsATrialThatCannotCompete()
  {
    // A learning rate of 1e-7 barely moves the model in one epoch; 0.01 learns. Every 1e-7
    // trial that comes after a 0.01 trial is stopped at the first rung; 0.01 trials go on.
    auto r = cli(halvingArgs() << "--json");
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const Json j = lastJson(r);
    halving_ = j;
    const auto& trials = j.at("trials").asArray();
    QCOMPARE(trials.size(), size_t(2));  // a two-value space has two distinct trials
    bool sawGood = false;
    int halved = 0;
    for (const auto& t : trials)
    {
      const bool good = t.at("config").at("train.lr").asDouble() > 1e-3;
      const QString decision = QString::fromStdString(t.at("decision").asString());
      if (good)
      {
        QVERIFY2(decision.isEmpty(), qPrintable(decision));
        QCOMPARE(t.at("epochs").asInt(), int64_t(3));
        QCOMPARE(j.at("best_run").asInt(), t.at("run").asInt());
        sawGood = true;
      }
      else if (sawGood)
      {
        QVERIFY2(decision.startsWith("halved after epoch 1"), qPrintable(decision));
        QCOMPARE(QString::fromStdString(t.at("status").asString()), QString("stopped"));
        QCOMPARE(t.at("epochs").asInt(), int64_t(1));
        ++halved;
      }
    }
    QVERIFY(sawGood);
    // Seed 1 draws 0.01 first, so the 1e-7 trial meets a better one at the rung and stops.
    QVERIFY(trials[0].at("config").at("train.lr").asDouble() > 1e-3);
    QCOMPARE(halved, 1);
  }

  void parallelTrialsDecideAsOneAfterAnother()
  {
    // The halving search above, its two trials in two processes at once: the trial at the rung
    // waits for the one before it, so the 1e-7 trial is stopped exactly as it was.
    QVERIFY(halving_.isObject());
    auto r = cli(halvingArgs() << "--parallel"
                               << "2"
                               << "--json");
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const Json j = lastJson(r);
    QCOMPARE(QString::fromStdString(j.at("status").asString()), QString("finished"));
    const auto& trials = j.at("trials").asArray();
    const auto& before = halving_.at("trials").asArray();
    QCOMPARE(trials.size(), before.size());
    for (size_t i = 0; i < trials.size(); ++i)
    {
      QCOMPARE(trials[i].at("config").dump(), before[i].at("config").dump());
      QCOMPARE(trials[i].at("status").asString(), before[i].at("status").asString());
      QCOMPARE(trials[i].at("epochs").asInt(), before[i].at("epochs").asInt());
      QCOMPARE(trials[i].at("value").asDouble(), before[i].at("value").asDouble());
      QCOMPARE(trials[i].at("decision").asString(), before[i].at("decision").asString());
      QVERIFY(trials[i].at("run").asInt() != before[i].at("run").asInt());
    }
    QCOMPARE(j.at("best_run").asInt(), trials[0].at("run").asInt());
    // Both trials started before the first one ended.
    const QStringList lines = r.err.split('\n');
    int starts = 0;
    int startsBeforeFirstEnd = -1;
    for (const QString& line : lines)
    {
      if (line.startsWith("== trial ") && line.contains("): "))
      {
        ++starts;
      }
      else if (startsBeforeFirstEnd < 0 && line.startsWith("== trial ") && line.contains(") "))
      {
        startsBeforeFirstEnd = starts;
      }
    }
    QCOMPARE(starts, 2);
    QVERIFY2(startsBeforeFirstEnd == 2, qPrintable(r.err));
  }

  void oneTrialAloneAndBadProcessOptions()
  {
    const QString space = spaceFile("lr.json", R"({"train.lr": [0.0000001, 0.01]})");
    auto r = cli({"search", "--dataset", "d", "--space", space, "--trial", "1"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.lastErrorLine().contains("--resume"), qPrintable(r.err));
    const QString search = QString::number(halving_.at("search").asInt());
    r = cli({"search", "--resume", search, "--trial", "3"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.lastErrorLine().contains("there is no trial 3"), qPrintable(r.err));
    r = cli({"search", "--resume", search, "--trial", "1", "--parallel", "2"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.lastErrorLine().contains("--parallel"), qPrintable(r.err));
    // A settled trial has nothing left to train, and the search keeps its status.
    const int before = runCount();
    r = cli({"search", "--resume", search, "--trial", "2", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(runCount(), before);
    QCOMPARE(lastJson(r).at("trials").size(), size_t(1));
    auto listed = lastJson(cli({"searches", search, "--json"}));
    QCOMPARE(QString::fromStdString(listed.at("status").asString()), QString("finished"));
  }

  void badSpacesAreRefusedBeforeTraining()
  {
    const QString before = QString::number(runCount());
    auto bad = cli({"search", "--dataset", "d", "--space",
                    spaceFile("bad.json", R"({"model.heads": [2, 99]})"), "--preset", "quick"});
    QCOMPARE(bad.code, 1);
    QVERIFY2(bad.lastErrorLine().contains("model.heads"), qPrintable(bad.err));
    auto invalid = cli({"search", "--dataset", "d", "--space",
                        spaceFile("odd.json", R"({"model.dim": [30, 50]})"), "--preset", "quick",
                        "--set", "model.heads=4"});
    QCOMPARE(invalid.code, 1);
    QVERIFY2(invalid.lastErrorLine().contains("no trial"), qPrintable(invalid.err));
    auto missing = cli({"search", "--dataset", "d"});
    QCOMPARE(missing.code, 1);
    QCOMPARE(QString::number(runCount()), before);
  }

  void killedSearchResumesWithoutRepeatingTrials()
  {
    const QString space = spaceFile("kill.json", R"({"model.history_length": [1, 2, 3]})");
    QProcess p;
    p.start(m6test::kCli, {"--workspace", dir_.filePath("t.m6ws"), "search", "--dataset", "d",
                           "--space", space, "--strategy", "grid", "--preset", "quick", "--set",
                           "train.epochs=40", "--set", "train.patience=0", "--name", "killed"});
    QVERIFY(p.waitForStarted());
    // Kill it while trial 2 trains (trial 1 finished, trial 2 has a checkpoint).
    const auto [search, runs] = waitForTrials("killed", [](const std::vector<int>& epochs)
                                              { return epochs.size() == 2 && epochs[1] >= 2; });
    const int64_t firstRun = runs.empty() ? 0 : runs[0];
    const int64_t secondRun = runs.empty() ? 0 : runs[1];
    QVERIFY2(secondRun != 0, "trial 2 never reached its second epoch");
    p.kill();
    p.waitForFinished();
    const int runsBefore = runCount();
    auto listed = cli({"searches", "--json"});
    QCOMPARE(QString::fromStdString(lastJson(listed).at("searches")[0].at("status").asString()),
             QString("interrupted"));

    auto r = cli({"search", "--resume", QString::number(search), "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const Json j = lastJson(r);
    QCOMPARE(QString::fromStdString(j.at("status").asString()), QString("finished"));
    const auto& trials = j.at("trials").asArray();
    QCOMPARE(trials.size(), size_t(3));
    QCOMPARE(trials[0].at("run").asInt(), firstRun);   // kept as it was
    QCOMPARE(trials[1].at("run").asInt(), secondRun);  // continued, not started again
    QVERIFY2(r.err.contains("resuming after epoch"), qPrintable(r.err));
    for (const auto& t : trials)
    {
      QCOMPARE(QString::fromStdString(t.at("status").asString()), QString("finished"));
      QCOMPARE(t.at("epochs").asInt(), int64_t(40));
    }
    QCOMPARE(runCount(), runsBefore + 1);  // only trial 3 is a new run
    // Resuming a finished search trains nothing.
    auto again = cli({"search", "--resume", QString::number(search), "--json"});
    QCOMPARE(again.code, 0);
    QCOMPARE(runCount(), runsBefore + 1);
    auto redefine = cli({"search", "--resume", QString::number(search), "--trials", "9"});
    QCOMPARE(redefine.code, 1);
  }

  void parallelSearchStopsTogetherAndResumes()
  {
    // Two trials at once, Ctrl+C to the search: both stop (resumable), the third never starts;
    // --resume --parallel 2 continues the two and trains the third.
    const QString space = spaceFile("stop.json", R"({"model.history_length": [1, 2, 3]})");
    QProcess p;
    p.start(m6test::kCli, {"--workspace",
                           dir_.filePath("t.m6ws"),
                           "search",
                           "--dataset",
                           "d",
                           "--space",
                           space,
                           "--strategy",
                           "grid",
                           "--preset",
                           "quick",
                           "--set",
                           "train.epochs=12",
                           "--set",
                           "train.patience=0",
                           "--name",
                           "together",
                           "--parallel",
                           "2",
                           "--json"});
    QVERIFY(p.waitForStarted());
    const auto [search, trialRuns] =
        waitForTrials("together", [](const std::vector<int>& epochs)
                      { return epochs.size() == 2 && epochs[0] >= 1 && epochs[1] >= 1; });
    QVERIFY2(!trialRuns.empty(), "the two trials never trained at the same time");
    ::kill(static_cast<pid_t>(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(120000));
    const Json stopped = lastJson({p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
                                   QString::fromUtf8(p.readAllStandardError())});
    QCOMPARE(QString::fromStdString(stopped.at("status").asString()), QString("stopped"));
    QCOMPARE(stopped.at("trials").size(), size_t(2));
    for (const auto& t : stopped.at("trials").asArray())
    {
      QCOMPARE(QString::fromStdString(t.at("status").asString()), QString("stopped"));
      QVERIFY(t.at("epochs").asInt() < 12);
    }
    const int runsBefore = runCount();
    auto r = cli({"search", "--resume", QString::number(search), "--parallel", "2", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const Json j = lastJson(r);
    QCOMPARE(QString::fromStdString(j.at("status").asString()), QString("finished"));
    const auto& trials = j.at("trials").asArray();
    QCOMPARE(trials.size(), size_t(3));
    QCOMPARE(trials[0].at("run").asInt(), trialRuns[0]);  // continued, not started again
    QCOMPARE(trials[1].at("run").asInt(), trialRuns[1]);
    for (const auto& t : trials)
    {
      QCOMPARE(QString::fromStdString(t.at("status").asString()), QString("finished"));
      QCOMPARE(t.at("epochs").asInt(), int64_t(12));
    }
    QCOMPARE(runCount(), runsBefore + 1);  // only trial 3 is a new run
  }

 private:
  using Json = m6::Json;

  int runCount()
  {
    auto ws = m6::Workspace::open(dir_.filePath("t.m6ws").toStdString(), false);
    auto runs = m6::RunStore(**ws).runs();
    return runs ? static_cast<int>(runs->size()) : -1;
  }
};

QTEST_GUILESS_MAIN(TestCliSearch)
#include "test_cli_search.moc"
