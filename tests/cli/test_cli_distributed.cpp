// Data-parallel training with real m6-cli processes talking over 127.0.0.1: two ranks
// end with identical weights and the metrics of one process trained with the same global batch,
// --nproc does the same by itself, a killed rank ends the job with an error naming it (and the
// run resumes), adapted runs train and resume the same way, and ranks given different data or
// settings, or the same rank number, are refused before any step.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <thread>

#include "cli_runner.h"

using m6::Json;
using m6test::lastJson;

namespace
{

int freePort()
{
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// The settings of every run here: no dropout, so the only difference between one process with
// batch 2B and two ranks with batch B each is the order of floating-point sums in the gradient
// average (measured: the metrics agree to every printed digit).
// `rows`: train.sparse_rows (on: the id tables' gradients travel as their touched rows).
QStringList settings(int batch, int epochs, const QString& rows = "auto")
{
  return {"--preset",       "quick",
          "--set",          "train.epochs=" + QString::number(epochs),
          "--set",          "model.attention_dropout=0",
          "--set",          "train.threads=1",
          "--set",          "train.batch_size=" + QString::number(batch),
          "--set",          "train.sparse_rows=" + rows,
          "--dist-timeout", "30"};
}

QStringList rankArgs(int rank, int port)
{
  return {"--rank",       QString::number(rank),
          "--world-size", "2",
          "--master",     "127.0.0.1:" + QString::number(port)};
}

double ndcg(const Json& j, const char* part)
{
  return j.at(part).at("ndcg@10").asDouble();
}

}  // namespace

class TestCliDistributed : public QObject
{
  Q_OBJECT

  QTemporaryDir dir_;
  QString ws_;

  m6test::CliResult cli(const QStringList& args) { return m6test::runCli(ws_, args); }

  void startRank(QProcess& p, const QStringList& args)
  {
    p.start(m6test::kCli, QStringList{"--workspace", ws_} + args);
    QVERIFY(p.waitForStarted());
  }

  static m6test::CliResult finished(QProcess& p, int ms = 300000)
  {
    if (!p.waitForFinished(ms))
    {
      p.kill();
      p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
  }

  /// Rank 0's and rank 1's validation and test NDCG@10 against one process's: within 1e-4 of it
  /// (the order of floating-point sums differs), and the same on both ranks.
  static void verifyMetricsOfOneProcess(const Json& zero, const Json& first, const Json& one)
  {
    for (const char* part : {"valid", "test"})
    {
      QVERIFY2(std::abs(ndcg(zero, part) - ndcg(one, part)) < 1e-4,
               qPrintable(QString("%1: two ranks %2, one process %3")
                              .arg(part)
                              .arg(ndcg(zero, part))
                              .arg(ndcg(one, part))));
      QCOMPARE(ndcg(first, part), ndcg(zero, part));
    }
  }

  /// Waits until `p` (rank 0, or a process alone) has logged the shape of an epoch, i.e. training
  /// has begun; returns what it logged so far.
  static QString waitUntilTraining(QProcess& p)
  {
    QString log;
    QElapsedTimer waited;
    waited.start();
    while (!log.contains("steps per epoch") && waited.elapsed() < 120000)
    {
      p.waitForReadyRead(200);
      log += QString::fromUtf8(p.readAllStandardError());
    }
    return log;
  }

  /// The run recorded under `name` (0: none), and its status.
  int64_t runNamed(const QString& name, std::string* status = nullptr)
  {
    auto runs = cli({"runs", "--json"});
    const Json listed = lastJson(runs);
    for (const auto& run : listed.at("runs").asArray())
    {
      if (run.at("name").asString() == name.toStdString())
      {
        if (status)
        {
          *status = run.at("status").asString();
        }
        return run.at("run").asInt();
      }
    }
    return 0;
  }

 private slots:
  void initTestCase()
  {
    ws_ = dir_.filePath("t.m6ws");
    auto r = cli(
        {"demo-data", "--name", "d", "--users", "150", "--items", "300", "--interactions", "6000"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = cli({"demo-data", "--name", "e", "--seed", "7", "--users", "150", "--items", "300",
             "--interactions", "6000"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
  }

  void twoRanksMatchOneProcessWithTheGlobalBatch_data()
  {
    QTest::addColumn<QString>("rows");
    QTest::newRow("dense gradients") << QString("off");
    QTest::newRow("row-sparse id gradients") << QString("on");
  }
  void twoRanksMatchOneProcessWithTheGlobalBatch()
  {
    QFETCH(QString, rows);
    auto single = cli(QStringList{"train", "--dataset", "d", "--json"} + settings(64, 2, rows));
    QVERIFY2(single.code == 0, qPrintable(single.err));
    const Json one = lastJson(single);
    QCOMPARE(one.at("world_size").asInt(), int64_t(1));

    const int port = freePort();
    QProcess follower;
    startRank(follower, QStringList{"train", "--dataset", "d", "--json"} + settings(32, 2, rows) +
                            rankArgs(1, port));
    auto lead = cli(QStringList{"train", "--dataset", "d", "--json"} + settings(32, 2, rows) +
                    rankArgs(0, port));
    auto other = finished(follower);
    QVERIFY2(lead.code == 0, qPrintable(lead.err));
    QVERIFY2(other.code == 0, qPrintable(other.err));
    const Json zero = lastJson(lead);
    const Json first = lastJson(other);

    // Rank 0 recorded the run and says how it was trained; rank 1 recorded nothing.
    QCOMPARE(zero.at("world_size").asInt(), int64_t(2));
    const Json& how = zero.at("distributed");
    QCOMPARE(how.at("per_rank_batch").asInt(), int64_t(32));
    QCOMPARE(how.at("global_batch").asInt(), int64_t(64));
    QCOMPARE(QString::fromStdString(how.at("backend").asString()), QString("gloo"));
    QCOMPARE(first.at("rank").asInt(), int64_t(1));
    QVERIFY(!first.contains("run"));

    // Identical parameters on both ranks at the end of training.
    QCOMPARE(QString::fromStdString(first.at("weights_checksum").asString()),
             QString::fromStdString(how.at("weights_checksum").asString()));

    // The metrics of one process with the same global batch, on every rank (the evaluation was
    // split across the ranks and gathered).
    verifyMetricsOfOneProcess(zero, first, one);
    if (QTest::currentTestFailed())
    {
      return;
    }
    QVERIFY(ndcg(one, "valid") > 0);

    // --nproc 2 starts the second rank itself and trains the same run (how the ranks start does
    // not depend on the gradients' layout: checked once).
    if (rows != "off")
    {
      return;
    }
    auto local = cli(QStringList{"train", "--dataset", "d", "--json", "--nproc", "2"} +
                     settings(32, 2, rows));
    QVERIFY2(local.code == 0, qPrintable(local.err));
    const Json byNproc = lastJson(local);
    QCOMPARE(byNproc.at("world_size").asInt(), int64_t(2));
    QCOMPARE(ndcg(byNproc, "valid"), ndcg(zero, "valid"));
    QCOMPARE(QString::fromStdString(byNproc.at("distributed").at("weights_checksum").asString()),
             QString::fromStdString(how.at("weights_checksum").asString()));
  }

  void killedRankEndsTheJobAndTheRunResumes()
  {
    const int port = freePort();
    QProcess lead;
    QProcess follower;
    startRank(lead, QStringList{"train", "--dataset", "d", "--json", "--name", "killed"} +
                        settings(16, 8) + rankArgs(0, port));
    startRank(follower, QStringList{"train", "--dataset", "d", "--json"} + settings(16, 8) +
                            rankArgs(1, port));
    const QString log = waitUntilTraining(lead);
    QVERIFY2(log.contains("steps per epoch"), qPrintable(log));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    follower.kill();
    follower.waitForFinished();
    QElapsedTimer ending;
    ending.start();
    auto r = finished(lead, 60000);
    // Rank 0 notices at its next exchange (the connection closes) and then gives the survivors
    // three seconds to check in before it names the missing rank: well inside the timeout.
    QVERIFY2(ending.elapsed() < 30000, qPrintable(QString::number(ending.elapsed())));
    QVERIFY(r.code != 0);
    const QString err = log + r.err;
    QVERIFY2(err.contains("rank 1 stopped answering"), qPrintable(err));

    std::string status;
    const int64_t id = runNamed("killed", &status);
    QVERIFY(id > 0);
    QCOMPARE(QString::fromStdString(status), QString("failed"));

    // The run continues in one process from its last checkpoint.
    auto resumed = cli({"resume", QString::number(id), "--json"});
    QVERIFY2(resumed.code == 0, qPrintable(resumed.err));
    const Json j = lastJson(resumed);
    QCOMPARE(QString::fromStdString(j.at("status").asString()), QString("finished"));
    QCOMPARE(j.at("world_size").asInt(), int64_t(1));
    QVERIFY(ndcg(j, "test") > 0);
  }

  void adaptedRunsTrainDataParallelAndResume()
  {
    auto parent = cli(QStringList{"train", "--dataset", "d", "--json", "--name", "dp parent"} +
                      settings(64, 1));
    QVERIFY2(parent.code == 0, qPrintable(parent.err));
    const QString parentId = QString::number(lastJson(parent).at("run").asInt());
    // Adapted to another dataset with the encoders frozen: one process with batch 64, then two
    // ranks with 32 each, started as two machines would start them (the same command on each).
    const QStringList adapt = {"adapt",    parentId,   "--dataset", "e",
                               "--freeze", "encoders", "--json"};
    auto single = cli(adapt + settings(64, 2));
    QVERIFY2(single.code == 0, qPrintable(single.err));
    const Json one = lastJson(single);

    const int port = freePort();
    QProcess follower;
    startRank(follower, adapt + settings(32, 2) + rankArgs(1, port));
    auto lead = cli(adapt + settings(32, 2) + rankArgs(0, port));
    auto other = finished(follower);
    QVERIFY2(lead.code == 0, qPrintable(lead.err));
    QVERIFY2(other.code == 0, qPrintable(other.err));
    const Json zero = lastJson(lead);
    const Json first = lastJson(other);
    QCOMPARE(zero.at("world_size").asInt(), int64_t(2));
    QCOMPARE(QString::number(zero.at("parent").asInt()), parentId);
    QVERIFY(!first.contains("run"));
    QCOMPARE(QString::fromStdString(first.at("weights_checksum").asString()),
             QString::fromStdString(zero.at("distributed").at("weights_checksum").asString()));
    // The same parameters were carried and frozen as in one process.
    const Json& frozen = zero.at("adaptation").at("frozen");
    QVERIFY(frozen.size() > 0);
    QCOMPARE(frozen.dump(), one.at("adaptation").at("frozen").dump());
    QCOMPARE(zero.at("adaptation").at("carried").asInt(),
             one.at("adaptation").at("carried").asInt());
    // Zero-shot: the parent's carried weights, evaluated across both ranks.
    QVERIFY(zero.at("zero_shot").at("available").asBool());
    QVERIFY(std::abs(zero.at("zero_shot").at("test").at("ndcg@10").asDouble() -
                     one.at("zero_shot").at("test").at("ndcg@10").asDouble()) < 1e-6);
    // Trained, the metrics of one process with the global batch (as for a plain run).
    verifyMetricsOfOneProcess(zero, first, one);
    if (QTest::currentTestFailed())
    {
      return;
    }

    // --nproc starts the other rank itself: the same run.
    auto local = cli(adapt + settings(32, 2) + QStringList{"--nproc", "2"});
    QVERIFY2(local.code == 0, qPrintable(local.err));
    const Json byNproc = lastJson(local);
    QCOMPARE(byNproc.at("world_size").asInt(), int64_t(2));
    QCOMPARE(ndcg(byNproc, "valid"), ndcg(zero, "valid"));

    // An adapted run killed in one process continues with two.
    QProcess killed;
    startRank(killed, adapt + settings(16, 8) + QStringList{"--name", "killed adaptation"});
    const QString log = waitUntilTraining(killed);
    QVERIFY2(log.contains("steps per epoch"), qPrintable(log));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    killed.kill();
    killed.waitForFinished();
    const int64_t id = runNamed("killed adaptation");
    QVERIFY(id > 0);
    auto resumed = cli({"resume", QString::number(id), "--nproc", "2", "--json"});
    QVERIFY2(resumed.code == 0, qPrintable(resumed.err));
    QVERIFY2(resumed.err.contains("resuming after epoch"), qPrintable(resumed.err));
    const Json j = lastJson(resumed);
    QCOMPARE(QString::fromStdString(j.at("status").asString()), QString("finished"));
    QCOMPARE(j.at("world_size").asInt(), int64_t(2));
    QCOMPARE(j.at("adaptation").at("frozen").dump(), frozen.dump());  // as recorded
    QVERIFY(ndcg(j, "test") > 0);
  }

  void ranksWithDifferentDataOrSettingsAreRefused()
  {
    for (const auto& [leadArgs, otherArgs, what] :
         {std::tuple{QStringList{"--dataset", "d"}, QStringList{"--dataset", "e"},
                     QString("another dataset")},
          std::tuple{QStringList{"--dataset", "d"},
                     QStringList{"--dataset", "d", "--set", "train.lr=0.01"},
                     QString("another configuration")}})
    {
      const int port = freePort();
      QProcess follower;
      startRank(follower,
                QStringList{"train", "--json"} + otherArgs + settings(32, 2) + rankArgs(1, port));
      QElapsedTimer t;
      t.start();
      auto lead =
          cli(QStringList{"train", "--json"} + leadArgs + settings(32, 2) + rankArgs(0, port));
      auto other = finished(follower);
      QVERIFY(lead.code != 0);
      QVERIFY(other.code != 0);
      QVERIFY2(lead.lastErrorLine().contains(what), qPrintable(lead.err));
      QVERIFY2(other.lastErrorLine().contains(what), qPrintable(other.err));
      QVERIFY2(!lead.err.contains("epoch 1"), qPrintable(lead.err));  // before any training
      QVERIFY2(t.elapsed() < 25000, qPrintable(QString::number(t.elapsed())));
    }
  }

  void aRankNumberGivenTwiceIsRefused()
  {
    const int port = freePort();
    QProcess a;
    QProcess b;
    startRank(
        a, QStringList{"train", "--dataset", "d", "--json"} + settings(32, 1) + rankArgs(1, port));
    startRank(
        b, QStringList{"train", "--dataset", "d", "--json"} + settings(32, 1) + rankArgs(1, port));
    auto lead =
        cli(QStringList{"train", "--dataset", "d", "--json"} + settings(32, 1) + rankArgs(0, port));
    auto first = finished(a);
    auto second = finished(b);
    // Whichever of the two claims rank 1 second is refused; rank 0 either trains with the
    // other one or, when it saw both claims first, refuses the job.
    const bool refused = first.err.contains("already joined as rank 1") ||
                         second.err.contains("already joined as rank 1") ||
                         lead.err.contains("two processes joined as rank 1");
    QVERIFY2(refused, qPrintable(lead.err + first.err + second.err));
    QVERIFY(first.code != 0 || second.code != 0);
  }

  void badJobOptionsAreRefusedAtOnce()
  {
    auto r = cli(
        {"train", "--dataset", "d", "--rank", "0", "--world-size", "2", "--master", "localhost"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.lastErrorLine().contains("HOST:PORT"), qPrintable(r.err));
    r = cli({"train", "--dataset", "d", "--rank", "0", "--world-size", "2", "--master",
             "127.0.0.1:70000"});
    QCOMPARE(r.code, 2);
    r = cli({"train", "--dataset", "d", "--nproc", "2", "--rank", "1"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.lastErrorLine().contains("--nproc"), qPrintable(r.err));
    r = cli({"train", "--dataset", "d", "--rank", "1"});
    QCOMPARE(r.code, 2);
    r = cli({"train", "--dataset", "d", "--rank", "2", "--world-size", "2", "--master",
             "127.0.0.1:29500"});
    QVERIFY(r.code != 0);
    // A port that is in use: rank 0 says so at once instead of waiting for the others.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    QVERIFY(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    QVERIFY(::listen(fd, 1) == 0);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    QElapsedTimer t;
    t.start();
    r = cli(QStringList{"train", "--dataset", "d"} + settings(32, 1) +
            rankArgs(0, ntohs(addr.sin_port)));
    ::close(fd);
    QVERIFY(r.code != 0);
    QVERIFY2(r.lastErrorLine().contains("in use"), qPrintable(r.err));
    QVERIFY2(t.elapsed() < 20000, qPrintable(QString::number(t.elapsed())));
  }
};

QTEST_GUILESS_MAIN(TestCliDistributed)
#include "test_cli_distributed.moc"
