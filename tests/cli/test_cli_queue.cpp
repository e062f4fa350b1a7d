// The run queue from the real m6-cli: jobs added (runs and run groups, first or last), listed in
// order, moved and removed; a configuration the dataset cannot train is refused when it is
// added; queue-run trains the jobs in queue order, reports a damaged job and goes on, and leaves
// the queue empty. The queue is the workspace's, the one the workbench shows.
#include <QTemporaryDir>
#include <QtTest>

#include "cli_runner.h"
#include "model/core/json.h"
#include "storage/run_queue.h"
#include "storage/runs.h"
#include "storage/workspace.h"

using m6test::lastJson;

class TestCliQueue : public QObject
{
  Q_OBJECT
 private:
  using Json = m6::Json;
  QTemporaryDir dir_;

  m6test::CliResult cli(const QStringList& args)
  {
    return m6test::runCli(dir_.filePath("t.m6ws"), args);
  }

  // The queued jobs' names, first to start first.
  QStringList names()
  {
    QStringList out;
    const Json j = lastJson(cli({"queue", "--json"}));
    int64_t position = 0;
    for (const auto& e : j.at("jobs").asArray())
    {
      if (e.at("position").asInt() != position++)
      {
        return {"positions out of order"};
      }
      out << QString::fromStdString(e.at("name").asString());
    }
    return out;
  }

  int64_t add(const QStringList& extra)
  {
    auto r = cli(QStringList{"queue-add", "--dataset", "d", "--preset", "quick", "--set",
                             "train.epochs=1", "--json"} +
                 extra);
    if (r.code != 0)
    {
      qWarning("%s", qPrintable(r.err));
      return -1;
    }
    return lastJson(r).at("job").asInt();
  }

 private Q_SLOTS:
  void initTestCase()
  {
    auto r = cli(
        {"demo-data", "--name", "d", "--users", "150", "--items", "300", "--interactions", "6000"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
  }

  void jobsAreAddedListedMovedAndRemoved()
  {
    auto r = cli({"queue"});
    QVERIFY2(r.code == 0 && r.out.contains("The run queue is empty"), qPrintable(r.out));
    const int64_t a = add({"--name", "A"});
    const int64_t b = add({"--name", "B", "--seeds", "2", "--nproc", "2"});
    const int64_t c = add({"--name", "C", "--first"});
    QVERIFY(a > 0 && b > 0 && c > 0);
    QCOMPARE(names(), (QStringList{"C", "A", "B"}));
    const Json j = lastJson(cli({"queue", "--json"}));
    QCOMPARE(QString::fromStdString(j.at("jobs").asArray()[2].at("kind").asString()),
             QString("group"));
    QVERIFY(QString::fromStdString(j.at("jobs").asArray()[2].at("what").asString())
                .contains("2 seeds, 2 processes"));

    r = cli({"queue-move", QString::number(b), "0", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(lastJson(r).at("position").asInt(), int64_t(0));
    QCOMPARE(names(), (QStringList{"B", "C", "A"}));
    QVERIFY2(cli({"queue-remove", QString::number(c)}).code == 0, "remove");
    QCOMPARE(names(), (QStringList{"B", "A"}));

    // Refused, with the reason, and nothing changes.
    r = cli({"queue-remove", "9999"});
    QVERIFY(r.code != 0);
    QVERIFY2(r.err.contains("no queued job 9999"), qPrintable(r.err));
    r = cli({"queue-move", QString::number(a), "first"});
    QVERIFY(r.code != 0);
    QVERIFY2(r.err.contains("POSITION must be a whole number"), qPrintable(r.err));
    r = cli({"queue-add", "--dataset", "d", "--set", "model.dim=30", "--set", "model.heads=4"});
    QVERIFY(r.code != 0);
    QVERIFY2(r.err.contains("model.heads"), qPrintable(r.err));
    r = cli({"queue-add", "--dataset", "d", "--nproc", "0"});
    QVERIFY(r.code != 0);
    QCOMPARE(names(), (QStringList{"B", "A"}));
  }

  void queueRunTrainsInOrderAndGoesOnAfterAFailure()
  {
    {
      // A job some other program damaged: reported, and the queue goes on.
      auto ws = m6::Workspace::open(dir_.filePath("t.m6ws").toStdString(), false);
      QVERIFY(ws.ok());
      m6::QueuedJob broken;
      broken.datasetId = (*ws)->dataset("d")->id;
      broken.kind = "run";
      broken.name = "broken";
      broken.job = Json::parse(R"({"config": 5})");
      QVERIFY(m6::QueueStore(**ws).add(broken).ok());
    }
    QCOMPARE(names(), (QStringList{"B", "A", "broken"}));
    auto r = cli({"queue-run", "--json"});
    QCOMPARE(r.code, 3);
    QVERIFY2(r.err.contains("1 of 3 queued jobs failed"), qPrintable(r.err));
    const Json j = lastJson(r);
    const auto& jobs = j.at("jobs").asArray();
    QCOMPARE(jobs.size(), size_t(3));
    QCOMPARE(QString::fromStdString(jobs[0].at("name").asString()), QString("B"));
    QCOMPARE(QString::fromStdString(jobs[0].at("status").asString()), QString("finished"));
    QVERIFY(jobs[0].at("group").asInt() > 0);
    QVERIFY2(r.err.count(" started in process ") == 2, qPrintable(r.err));  // members at once
    QCOMPARE(QString::fromStdString(jobs[1].at("name").asString()), QString("A"));
    QCOMPARE(QString::fromStdString(jobs[1].at("status").asString()), QString("finished"));
    const int64_t run = jobs[1].at("run").asInt();
    QCOMPARE(QString::fromStdString(jobs[2].at("status").asString()), QString("failed"));
    QVERIFY2(jobs[2].at("error").asString().find("damaged") != std::string::npos,
             jobs[2].at("error").asString().c_str());
    QCOMPARE(j.at("left").asInt(), int64_t(0));
    QVERIFY(names().isEmpty());
    // What the queue trained is recorded like any run: two group members and run A.
    auto ws = m6::Workspace::open(dir_.filePath("t.m6ws").toStdString(), false);
    auto runs = *m6::RunStore(**ws).runs();
    QCOMPARE(runs.size(), size_t(3));
    QCOMPARE(QString::fromStdString(m6::RunStore(**ws).run(run)->name), QString("A"));
  }
};

QTEST_GUILESS_MAIN(TestCliQueue)
#include "test_cli_queue.moc"
