// m6-cli's model commands end to end on a small demo dataset: train (JSON contract, run
// recorded), runs, evaluate, recommend (K items, history excluded), explain (rows sum to 1),
// baselines (recorded as runs), and clear errors for bad settings and missing checkpoints.
//
// Over 500 lines: the train command's cases share one imported workspace and its trained runs.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "cli_runner.h"
#include "model/core/json.h"
#include "model/core/metrics.h"
#include "storage/runs.h"
#include "storage/workspace.h"

using m6test::lastJson;

class TestCliTrain : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  int64_t run_ = 0;

  m6test::CliResult cli(const QStringList& args)
  {
    return m6test::runCli(dir_.filePath("t.m6ws"), args);
  }

 private Q_SLOTS:
  void initTestCase()
  {
    auto r = cli(
        {"demo-data", "--name", "d", "--users", "150", "--items", "300", "--interactions", "6000"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
  }

  void trainRecordsARun()
  {
    auto r = cli({"train", "--dataset", "d", "--preset", "quick", "--set", "train.epochs=2",
                  "--name", "first", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    auto j = lastJson(r);
    run_ = j.at("run").asInt();
    QCOMPARE(QString::fromStdString(j.at("status").asString()), QString("finished"));
    QVERIFY(j.at("best_epoch").asInt() >= 1);
    for (const char* m : {"ndcg@10", "hr@10", "mrr@10", "recall@10"})
    {
      double v = j.at("test").at(m).asDouble();
      QVERIFY2(v >= 0 && v <= 1, m);
    }
    QVERIFY(QString::fromStdString(j.at("protocol").asString()).contains("full ranking"));
    QVERIFY(j.at("examples_per_s").asDouble() > 0);
    QVERIFY(j.at("seconds_per_epoch").asDouble() > 0);
    QVERIFY(r.err.contains("epoch 2"));  // a progress line per epoch

    auto runs = lastJson(cli({"runs", "--json"}));
    QCOMPARE(runs.at("runs").size(), size_t(1));
    QCOMPARE(QString::fromStdString(runs.at("runs")[0].at("name").asString()), QString("first"));

    // The workspace holds the curves and per-user rows.
    auto ws = m6::Workspace::open(dir_.filePath("t.m6ws").toStdString(), false);
    QVERIFY(ws.ok());
    m6::RunStore store(**ws);
    QVERIFY(!store.steps(run_)->empty());
    QCOMPARE(store.epochs(run_)->size(), size_t(2));
    QVERIFY(!store.userMetrics(run_, "test")->empty());
  }

  void evaluateReproducesTheRecordedTestMetrics()
  {
    auto train = lastJson(cli({"runs", "--json"})).at("runs")[0];
    auto r = cli({"evaluate", QString::number(run_), "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    auto j = lastJson(r);
    QCOMPARE(j.at("test").at("ndcg@10").asDouble(), train.at("test").at("ndcg@10").asDouble());
    QCOMPARE(j.at("test_by_activity").size(), size_t(3));
  }

  void recommendExcludesHistoryAndIsSorted()
  {
    auto r = cli({"recommend", "first", "--user", "u7", "-k", "15", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    auto j = lastJson(r);
    const auto& items = j.at("items").asArray();
    QCOMPARE(items.size(), size_t(15));
    double prev = INFINITY;
    std::set<std::string> ids;
    for (const auto& it : items)
    {
      QVERIFY(it.at("score").asDouble() <= prev);
      prev = it.at("score").asDouble();
      ids.insert(it.at("item").asString());
    }
    QCOMPARE(ids.size(), size_t(15));
    // None of them is in u7's training history (all but the last two interactions).
    auto ws = m6::Workspace::open(dir_.filePath("t.m6ws").toStdString(), false);
    auto ds = (*ws)->loadSnapshot((*ws)->dataset("d")->id);
    int64_t u = 6;  // "u7"
    for (int64_t n = ds->userStart[size_t(u)]; n < ds->userStart[size_t(u) + 1] - 2; ++n)
    {
      QVERIFY(!ids.count(ds->itemIds[size_t(ds->item[size_t(n)])]));
    }
  }

  void explainRowsSumToOne()
  {
    auto r = cli({"explain", QString::number(run_), "--user", "u7", "--item", "i3", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    auto j = lastJson(r);
    const auto& tokens = j.at("tokens").asArray();
    QCOMPARE(QString::fromStdString(tokens[0].asString()), QString("user"));
    QCOMPARE(QString::fromStdString(tokens[1].asString()), QString("context"));
    for (const auto& layer : j.at("weights").asArray())
    {
      for (const auto& head : layer.asArray())
      {
        QCOMPARE(head.size(), tokens.size());
        double sum = 0;
        for (const auto& w : head.asArray())
        {
          sum += w.asDouble();
        }
        QVERIFY(std::fabs(sum - 1.0) < 1e-4);
      }
    }
  }

  void exportsWriteCsvFiles()
  {
    const QString recs = dir_.filePath("recs.csv");
    auto r =
        cli({"export-recommendations", QString::number(run_), "--out", recs, "-k", "4", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QFile f(recs);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.first(), QString("user,rank,item,score"));
    QCOMPARE(lines.size(), 1 + 150 * 4);
    QVERIFY(lines[1].startsWith("u1,1,i"));
    QVERIFY(lines[4].startsWith("u1,4,i"));
    QVERIFY(!QFile::exists(recs + ".tmp"));
    QCOMPARE(lastJson(r).at("bytes").asInt(), int64_t(f.size()));

    const QString hist = dir_.filePath("history.csv");
    r = cli({"export-history", QString::number(run_), "--out", hist});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QFile h(hist);
    QVERIFY(h.open(QIODevice::ReadOnly));
    QStringList rows = QString::fromUtf8(h.readAll()).split('\n', Qt::SkipEmptyParts);
    QVERIFY(rows.first().startsWith("run,run_name,kind,step,epoch,loss,lr,valid_"));
    const int columns = rows.first().count(',');
    int epochRows = 0;
    for (const auto& row : rows.mid(1))
    {
      QCOMPARE(row.count(','), columns);  // every row has every column
      epochRows += !row.endsWith(',');    // epoch rows carry the validation metrics
    }
    QCOMPARE(epochRows, 2);
    // A file that cannot be written is an error, and no partial file is left behind.
    r = cli({"export-history", QString::number(run_), "--out", "/nonexistent/dir/x.csv"});
    QVERIFY(r.code != 0);
    QVERIFY(r.lastErrorLine().startsWith("error: cannot write"));
  }

  void baselinesAreRecordedBesideTheRuns()
  {
    auto r = cli({"baselines", "--dataset", "d", "--preset", "quick", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    auto j = lastJson(r);
    QVERIFY(j.at("pop").at("test").at("ndcg@10").asDouble() >= 0);
    QVERIFY(j.at("bpr").at("test").at("hr@10").asDouble() >= 0);
    QVERIFY(j.at("bpr").at("params").at("lr").asDouble() > 0);  // tuned on validation
    QVERIFY(QString::fromStdString(j.at("protocol").asString()).contains("leave-one-out"));
    // The item-item baselines name what validation chose; nothing was skipped at 300 items.
    QVERIFY(j.at("ease").at("params").at("lambda").asDouble() > 0);
    QVERIFY(j.at("itemknn").at("params").at("neighbours").asInt() > 0);
    QVERIFY(j.at("itemknn").at("test").at("ndcg@10").asDouble() > 0);
    QCOMPARE(j.at("skipped").size(), size_t(0));
    auto runs = lastJson(cli({"runs", "--json"})).at("runs");
    QCOMPARE(runs.size(), size_t(5));
    QCOMPARE(QString::fromStdString(runs[1].at("kind").asString()), QString("baseline-pop"));
    QCOMPARE(QString::fromStdString(runs[4].at("kind").asString()), QString("baseline-ease"));
    // A baseline has no checkpoint: recommend says so with exit code 2.
    auto rec = cli({"recommend", QString::number(runs[1].at("run").asInt()), "--user", "u1"});
    QCOMPARE(rec.code, 2);
    QVERIFY2(rec.err.trimmed().split('\n').last().startsWith("error: ") &&
                 rec.err.contains("no model checkpoint"),
             qPrintable(rec.err));
  }

  void baselinesOnlyRunsWhatIsAsked()
  {
    const size_t before = lastJson(cli({"runs", "--json"})).at("runs").size();
    auto r = cli({"baselines", "--dataset", "d", "--preset", "quick", "--only", "ease", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    auto j = lastJson(r);
    QVERIFY((j.find("ease") != nullptr));
    QVERIFY(!(j.find("pop") != nullptr) && !(j.find("bpr") != nullptr) &&
            !(j.find("itemknn") != nullptr));
    QCOMPARE(lastJson(cli({"runs", "--json"})).at("runs").size(), before + 1);
    r = cli({"baselines", "--dataset", "d", "--only", "ease,sasrec"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.lastErrorLine().contains("unknown baseline 'sasrec'"), qPrintable(r.err));
    QCOMPARE(lastJson(cli({"runs", "--json"})).at("runs").size(), before + 1);  // nothing ran
  }

  /// The id of the first run of `kind` in the run list.
  int64_t runOfKind(const std::string& kind)
  {
    const m6::Json runs = lastJson(cli({"runs", "--json"}));
    for (const auto& run : runs.at("runs").asArray())
    {
      if (run.at("kind").asString() == kind)
      {
        return run.at("run").asInt();
      }
    }
    return -1;
  }

  void significanceBetweenRuns()
  {
    // The same configuration trained again is the same model (seeded, one thread): every user's
    // result is tied, the difference and its interval are 0, and p = 1.
    auto r = cli({"train", "--dataset", "d", "--preset", "quick", "--set", "train.epochs=2",
                  "--name", "again", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const int64_t again = lastJson(r).at("run").asInt();
    r = cli({"significance", QString::number(run_), QString::number(again), "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    auto j = lastJson(r);
    QCOMPARE(QString::fromStdString(j.at("metric").asString()), QString("ndcg@10"));
    QCOMPARE(j.at("users").asInt(), int64_t(150));
    QCOMPARE(j.at("mean_difference").asDouble(), 0.0);
    QCOMPARE(j.at("ci95")[0].asDouble(), 0.0);
    QCOMPARE(j.at("ci95")[1].asDouble(), 0.0);
    QCOMPARE(j.at("p_value").asDouble(), 1.0);
    QCOMPARE(j.at("tied").asInt(), int64_t(150));
    QCOMPARE(j.at("better").asInt() + j.at("worse").asInt(), int64_t(0));

    // A clearly better model: ItemKNN against most-popular on this demo (the planted item-to-item
    // patterns). Significant, with the sign right both ways round.
    const int64_t knn = runOfKind("baseline-itemknn");
    const int64_t bpr = runOfKind("baseline-pop");
    QVERIFY(knn > 0 && bpr > 0);
    r = cli({"significance", QString::number(knn), QString::number(bpr), "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    j = lastJson(r);
    const double diff = j.at("mean_difference").asDouble();
    QVERIFY(diff > 0);
    QVERIFY(j.at("ci95")[0].asDouble() > 0);  // the interval excludes 0
    QVERIFY(j.at("ci95")[0].asDouble() < diff && diff < j.at("ci95")[1].asDouble());
    QVERIFY(j.at("p_value").asDouble() < 0.05);
    QVERIFY(j.at("better").asInt() > j.at("worse").asInt());
    QCOMPARE(j.at("better").asInt() + j.at("worse").asInt() + j.at("tied").asInt(),
             j.at("users").asInt());
    r = cli({"significance", QString::number(bpr), QString::number(knn), "--json"});
    auto swapped = lastJson(r);
    QCOMPARE(swapped.at("mean_difference").asDouble(), -diff);
    QCOMPARE(swapped.at("p_value").asDouble(), j.at("p_value").asDouble());
    QCOMPARE(swapped.at("better").asInt(), j.at("worse").asInt());
    // The same seed gives the same interval; the readable report says who is better.
    r = cli({"significance", QString::number(knn), QString::number(bpr)});
    QVERIFY2(r.out.contains("A is better, significantly"), qPrintable(r.out));
    QVERIFY(lastJson(cli({"significance", QString::number(knn), QString::number(bpr), "--json"}))
                .at("ci95")[0]
                .asDouble() == j.at("ci95")[0].asDouble());
    // Any K: ranks are stored.
    r = cli({"significance", QString::number(knn), QString::number(bpr), "--metric", "hr@20",
             "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(QString::fromStdString(lastJson(r).at("metric").asString()), QString("hr@20"));

    // Refusals, one clear line each.
    r = cli({"significance", QString::number(knn), QString::number(knn)});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.lastErrorLine().contains("two different runs"), qPrintable(r.err));
    r = cli({"significance", QString::number(knn), QString::number(bpr), "--metric", "auc"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.lastErrorLine().contains("does not fit a ranking run"), qPrintable(r.err));
    r = cli({"significance", QString::number(knn), "9999"});
    QVERIFY(r.code != 0);
    QVERIFY(r.lastErrorLine().startsWith("error: "));
    r = cli({"demo-data", "--name", "other", "--users", "60", "--items", "80", "--interactions",
             "1200"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = cli({"baselines", "--dataset", "other", "--only", "pop", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const int64_t otherPop = lastJson(r).at("pop").at("run").asInt();
    r = cli({"significance", QString::number(knn), QString::number(otherPop)});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.lastErrorLine().contains("only runs on the same dataset"), qPrintable(r.err));
  }

  void runOfAProcessThatDiedShowsAsInterrupted()
  {
    // A record left "running" by a process that was killed (nobody holds its lock).
    int64_t id = 0;
    {
      auto ws = m6::Workspace::open(dir_.filePath("t.m6ws").toStdString(), false);
      QVERIFY2(ws.ok(), ws.error().c_str());
      m6::RunStore store(**ws);
      m6::RunRecord r;
      r.datasetId = (*ws)->dataset("d")->id;
      r.name = "killed";
      r.kind = m6::RunKind::M6;
      r.task = m6::Task::Ranking;
      r.configJson = "{}";
      r.status = m6::RunStatus::Running;
      auto created = store.create(r);
      QVERIFY2(created.ok(), created.error().c_str());
      id = *created;
    }
    auto r = cli({"runs", "--json"});
    QCOMPARE(r.code, 0);
    bool found = false;
    const m6::Json listed = lastJson(r);  // kept alive while the loop reads it
    for (const auto& run : listed.at("runs").asArray())
    {
      if (run.at("run").asInt() == id)
      {
        found = true;
        QCOMPARE(QString::fromStdString(run.at("status").asString()), QString("interrupted"));
      }
    }
    QVERIFY(found);
    auto text = cli({"runs"});
    QVERIFY2(text.out.contains(QString("m6-cli resume %1").arg(id)), qPrintable(text.out));
    // Tidy up so later cases see only their own runs.
    auto ws = m6::Workspace::open(dir_.filePath("t.m6ws").toStdString(), false);
    QVERIFY(m6::RunStore(**ws).remove(id).ok());
  }

  void divergedRunExitsNonZeroWithItsJson()
  {
    // An absurd learning rate without clipping: the run diverges, is recorded as such, and a
    // script sees a failure (exit code 3, one error line) besides the run's JSON.
    auto r = cli({"train", "--dataset", "d", "--preset", "quick", "--set", "train.epochs=1",
                  "--set", "train.optimizer=sgd", "--set", "train.lr=1000000", "--set",
                  "train.grad_clip=0", "--json"});
    QCOMPARE(r.code, 3);
    QCOMPARE(QString::fromStdString(lastJson(r).at("status").asString()), QString("diverged"));
    QVERIFY2(r.err.contains("error: training diverged"), qPrintable(r.err));
  }

  void badSettingsAreRefusedBeforeTraining_data()
  {
    QTest::addColumn<QStringList>("sets");
    QTest::addColumn<QString>("message");
    QTest::newRow("heads") << QStringList{"--set", "model.dim=30", "--set", "model.heads=4"}
                           << "model.heads";
    QTest::newRow("lr") << QStringList{"--set", "train.lr=0"} << "train.lr";
    QTest::newRow("unknown key") << QStringList{"--set", "model.colour=red"} << "model.colour";
    QTest::newRow("history") << QStringList{"--set", "model.history_length=-1"}
                             << "model.history_length";
  }
  void badSettingsAreRefusedBeforeTraining()
  {
    QFETCH(QStringList, sets);
    QFETCH(QString, message);
    auto before = lastJson(cli({"runs", "--json"})).at("runs").size();
    auto r = cli(QStringList{"train", "--dataset", "d"} + sets);
    QVERIFY(r.code != 0);
    QVERIFY2(r.err.trimmed().split('\n').last().startsWith("error: "), qPrintable(r.err));
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QCOMPARE(lastJson(cli({"runs", "--json"})).at("runs").size(), before);  // nothing recorded
  }

  void missingCheckpointIsAClearError()
  {
    auto ws = m6::Workspace::open(dir_.filePath("t.m6ws").toStdString(), false);
    m6::RunStore store(**ws);
    std::filesystem::remove_all(store.run(run_)->folder);
    auto r = cli({"recommend", QString::number(run_), "--user", "u1"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("has no checkpoint"), qPrintable(r.err));
  }

  void ratioSplitHoldsOutSeveralItemsPerUser()
  {
    // 8:1:1 per user by time: the demo's users have 20-60 interactions, so most hold out 2 or
    // more test items, ranked in one list each.
    auto r = cli({"train", "--dataset", "d", "--preset", "quick", "--set", "train.epochs=1",
                  "--set", "train.split=ratio-time", "--name", "ratio", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    auto j = lastJson(r);
    const int64_t run = j.at("run").asInt();
    const QString protocol = QString::fromStdString(j.at("protocol").asString());
    QVERIFY2(protocol.startsWith("ratio 80:10:10 per user by time; full ranking"),
             qPrintable(protocol));
    const double ndcg = j.at("test").at("ndcg@10").asDouble();
    const double hr = j.at("test").at("hr@10").asDouble();
    const double recall = j.at("test").at("recall@10").asDouble();
    QVERIFY(recall < hr);  // several targets: a hit is not all of them
    // The recorded per-user rows carry every target's rank and give the same means.
    {
      auto ws = m6::Workspace::open(dir_.filePath("t.m6ws").toStdString(), false);
      QVERIFY(ws.ok());
      m6::RunStore store(**ws);
      auto rows = *store.userMetrics(run, "test");
      QCOMPARE(rows.size(), size_t(150));
      size_t several = 0;
      double sum = 0;
      for (const auto& row : rows)
      {
        several += row.ranks.size() > 1 ? 1 : 0;
        sum += m6::rowRankingMetric(row, "ndcg", 10);
      }
      QVERIFY(several > 75);
      QVERIFY(std::fabs(sum / double(rows.size()) - ndcg) < 1e-9);
    }
    auto ev = lastJson(cli({"evaluate", QString::number(run), "--json"}));
    QCOMPARE(ev.at("test").at("ndcg@10").asDouble(), ndcg);
    // Baselines on the same split compare with it; a leave-one-out run does not.
    r = cli({"baselines", "--dataset", "d", "--only", "pop", "--preset", "quick", "--set",
             "train.split=ratio-time", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const int64_t pop = lastJson(r).at("pop").at("run").asInt();
    r = cli({"significance", QString::number(run), QString::number(pop), "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(lastJson(r).at("mean_a").asDouble(), ndcg);
    r = cli({"significance", QString::number(run), QString::number(run_)});
    QVERIFY(r.code != 0);
    QVERIFY2(r.err.contains("different protocols"), qPrintable(r.err));
  }

  // One rule, one sentence, in every front end (app/runner/run_config.h): a baseline has no M6
  // weights to adapt and nothing to resume.
  void baselinesCannotBeResumedOrAdapted()
  {
    auto r = cli({"baselines", "--dataset", "d", "--only", "pop", "--preset", "quick", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QString pop = QString::number(lastJson(r).at("pop").at("run").asInt());
    r = cli({"resume", pop});
    QVERIFY(r.code != 0);
    QVERIFY2(r.lastErrorLine().contains("is a baseline (most popular); there is nothing to resume"),
             qPrintable(r.err));
    r = cli({"adapt", pop, "--dataset", "d"});
    QVERIFY(r.code != 0);
    QVERIFY2(r.lastErrorLine().contains("only a trained M6 run can be adapted"), qPrintable(r.err));
  }

  void randomSplitsOfTimedDataRunEndToEnd()
  {
    // ctr on a random 8:1:1 of all interactions, as CTR papers split the demo's timed data:
    // trained, evaluated again by another process to the same figure (the draw is fixed),
    // recommended from.
    auto r = cli({"train", "--dataset", "d", "--preset", "quick", "--set", "train.epochs=1",
                  "--set", "model.task=ctr", "--set", "train.split=global-random", "--name",
                  "ctr-random", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    auto j = lastJson(r);
    const QString protocol = QString::fromStdString(j.at("protocol").asString());
    QVERIFY2(protocol.startsWith("random 80:10:10 over all interactions (a fixed draw)"),
             qPrintable(protocol));
    const double auc = j.at("test").at("auc").asDouble();
    QVERIFY(auc > 0 && auc < 1);
    const QString ctrRun = QString::number(j.at("run").asInt());
    {
      // One recorded row per user, its held-out interactions as points: the stored rows give
      // the run's AUC again.
      auto ws = m6::Workspace::open(dir_.filePath("t.m6ws").toStdString(), false);
      QVERIFY(ws.ok());
      m6::RunStore store(**ws);
      auto rows = *store.userMetrics(j.at("run").asInt(), "test");
      QVERIFY(!rows.empty() && rows.size() <= 150);
      QVERIFY(std::any_of(rows.begin(), rows.end(),
                          [](const m6::UserMetricRow& r) { return r.points.size() > 1; }));
      QVERIFY(std::fabs(m6::aggregateRows(rows, m6::Task::Ctr, 10, "").get("auc") - auc) < 1e-12);
    }
    auto ev = lastJson(cli({"evaluate", ctrRun, "--json"}));
    QCOMPARE(ev.at("test").at("auc").asDouble(), auc);
    r = cli({"recommend", ctrRun, "--user", "u1", "-k", "3", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(lastJson(r).at("items").size(), size_t(3));

    // Ranking on a per-user random draw: the baselines draw the same held-out interactions, so
    // the two compare user by user.
    r = cli({"train", "--dataset", "d", "--preset", "quick", "--set", "train.epochs=1", "--set",
             "train.split=ratio-random", "--name", "ratio-random", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    j = lastJson(r);
    QVERIFY2(QString::fromStdString(j.at("protocol").asString())
                 .startsWith("ratio 80:10:10 per user at random (a fixed draw per user"),
             j.at("protocol").asString().c_str());
    const QString run = QString::number(j.at("run").asInt());
    r = cli({"baselines", "--dataset", "d", "--only", "pop", "--preset", "quick", "--set",
             "train.split=ratio-random", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QString pop = QString::number(lastJson(r).at("pop").at("run").asInt());
    r = cli({"significance", run, pop, "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(lastJson(r).at("users").asInt(), int64_t(150));
  }

  // Without --preset, "auto" picks by the dataset's interaction count (thorough up to 150,000,
  // balanced above), says so in a note on stderr, and the run records the picked configuration.
  void autoPresetIsTheDefaultAndPicksBySize()
  {
    for (const auto& [name, count] :
         {std::pair<QString, QString>{"edge", "150000"}, {"over", "150001"}})
    {
      auto made = cli({"demo-data", "--name", name, "--users", "2000", "--items", "300",
                       "--interactions", count});
      QVERIFY2(made.code == 0, qPrintable(made.err));
    }
    auto shown = [&](const QStringList& args, int dim, const QString& note)
    {
      auto r = cli(QStringList{"config-show", "--json"} + args);
      QVERIFY2(r.code == 0, qPrintable(r.err));
      QCOMPARE(lastJson(r).at("model").at("dim").asInt(), int64_t(dim));
      QVERIFY2(note.isEmpty() ? !r.err.contains("note:") : r.err.contains(note), qPrintable(r.err));
    };
    shown({"--dataset", "d"}, 128, "preset auto picked thorough for 6,000 interactions");
    shown({"--dataset", "edge"}, 128, "preset auto picked thorough for 150,000 interactions");
    shown({"--dataset", "over"}, 64, "preset auto picked balanced for 150,001 interactions");
    shown({"--dataset", "over", "--preset", "auto"}, 64, "picked balanced");
    shown({"--dataset", "d", "--preset", "quick"}, 32, "");
    shown({}, 64, "");  // no dataset to pick by: balanced, as before
    auto noDataset = cli({"config-show", "--preset", "auto"});
    QVERIFY(noDataset.code != 0);
    QVERIFY2(noDataset.err.contains("add --dataset"), qPrintable(noDataset.err));

    auto r =
        cli({"train", "--dataset", "d", "--set", "train.epochs=1", "--name", "auto", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains("preset auto picked thorough"), qPrintable(r.err));
    auto ws = m6::Workspace::open(dir_.filePath("t.m6ws").toStdString(), false);
    QVERIFY(ws.ok());
    auto record = m6::RunStore(**ws).run(lastJson(r).at("run").asInt());
    QVERIFY(record.ok());
    const auto config = m6::Json::parse(record->configJson);
    QCOMPARE(config.at("model").at("dim").asInt(), int64_t(128));
    QCOMPARE(config.at("model").at("history_length").asInt(), int64_t(50));
    QCOMPARE(config.at("train").at("epochs").asInt(), int64_t(1));  // --set still applies
  }
};

QTEST_GUILESS_MAIN(TestCliTrain)
#include "test_cli_train.moc"
