// m6-cli's contract (DESIGN.md 1a): --json prints exactly one JSON object as the last line,
// exit code 0 on success, non-zero with one "error: ..." line otherwise; and a process killed in
// the middle of an import leaves the workspace intact and without the dataset.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>

#include "cli_runner.h"
#include "model/core/json.h"
#include "storage/schema.h"
#include "storage/sqlite.h"
#include "storage/workspace.h"
#include "storage/workspace_db.h"

using m6test::lastJson;

class TestCli : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;

  static void writeFile(const QString& path, const QByteArray& bytes)
  {
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
  }

  m6test::CliResult cli(const QStringList& args)
  {
    return m6test::runCli(dir_.filePath("cli.m6ws"), args);
  }

  void writeRatings(const QString& path, int rows)
  {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QByteArray buf = "userId,movieId,rating,timestamp\n";
    for (int k = 0; k < rows; ++k)
    {
      buf += QByteArray::number(k % 20011) + "," + QByteArray::number((k * 7) % 9973) + "," +
             QByteArray::number(1 + k % 5) + ".0," + QByteArray::number(1000000000 + k) + "\n";
      if (buf.size() > (1 << 20))
      {
        f.write(buf);
        buf.clear();
      }
    }
    f.write(buf);
  }

 private Q_SLOTS:
  void initTestCase() { QVERIFY2(QFile::exists(m6test::kCli), qPrintable(m6test::kCli)); }

  void demoDataDatasetsAndStatsSpeakJson()
  {
    auto r = cli({"demo-data", "--name", "demo", "--users", "100", "--items", "200",
                  "--interactions", "3000", "--json"});
    QCOMPARE(r.code, 0);
    auto j = lastJson(r);
    QCOMPARE(QString::fromStdString(j.at("dataset").asString()), QString("demo"));
    QCOMPARE(j.at("interactions").asInt(), int64_t(3000));

    r = cli({"datasets", "--json"});
    QCOMPARE(r.code, 0);
    j = lastJson(r);
    QCOMPARE(j.at("datasets").size(), size_t(1));
    QCOMPARE(j.at("datasets")[0].at("users").asInt(), int64_t(100));

    r = cli({"stats", "demo", "--json"});
    QCOMPARE(r.code, 0);
    j = lastJson(r);
    QCOMPARE(j.at("items").asInt(), int64_t(200));
    QVERIFY(j.at("sparsity").asDouble() > 0.8);
    QVERIFY(j.contains("rating_histogram"));

    // Human output is the default.
    r = cli({"datasets"});
    QVERIFY(r.out.contains("demo"));
    QVERIFY(!r.out.trimmed().startsWith('{'));

    // The whole file checked for damage on request.
    r = cli({"check", "--thorough", "--json"});
    QCOMPARE(r.code, 0);
    j = lastJson(r);
    QVERIFY(j.at("intact").asBool());
    QCOMPARE(QString::fromStdString(j.at("check").asString()), QString("integrity_check"));
    QCOMPARE(j.at("bytes").asInt(), QFileInfo(dir_.filePath("cli.m6ws")).size());
    r = cli({"check"});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.startsWith("No damage found (quick_check of "), qPrintable(r.out));
  }

  void importReportsRejectedRowsInJson()
  {
    QDir().mkpath(dir_.filePath("ml"));
    QFile f(dir_.filePath("ml/ratings.csv"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(
        "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,2,x,964982704\n2,1,5.0,964982705\n");
    f.close();
    auto r = cli({"import", dir_.filePath("ml"), "--name", "ml", "--json"});
    QCOMPARE(r.code, 0);
    auto j = lastJson(r);
    QCOMPARE(j.at("interactions").asInt(), int64_t(2));
    QCOMPARE(j.at("rejected").asInt(), int64_t(1));
    QCOMPARE(j.at("rejected_examples")[0].at("line").asInt(), int64_t(3));
    QCOMPARE(QString::fromStdString(j.at("rejected_examples")[0].at("file").asString()),
             QString("ratings.csv"));
    QVERIFY(j.at("seconds").asDouble() >= 0);
    r = cli({"report", "ml", "--json"});
    QCOMPARE(lastJson(r).at("rejected_rows")[0].at("line").asInt(), int64_t(3));
  }

  void errorsAreOneLineWithNonZeroExit_data()
  {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown command") << QStringList{"frobnicate"} << "unknown command";
    QTest::newRow("unknown dataset")
        << QStringList{"stats", "nope", "--json"} << "no dataset named";
    QTest::newRow("unknown option")
        << QStringList{"datasets", "--colour"} << "unknown option --colour";
    QTest::newRow("missing name") << QStringList{"import", "/tmp"} << "--name";
    QTest::newRow("bad number") << QStringList{"demo-data", "--users", "ten"} << "whole number";
    QTest::newRow("missing path") << QStringList{"import", "/does/not/exist", "--name", "x"}
                                  << "does not exist";
    QTest::newRow("bad mapping") << QStringList{"import", "/tmp",      "--name",
                                                "y",      "--mapping", "/does/not/exist.json"}
                                 << "cannot read";
  }
  void errorsAreOneLineWithNonZeroExit()
  {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    auto r = cli(args);
    QVERIFY(r.code != 0);
    QStringList lines = r.err.split('\n', Qt::SkipEmptyParts);
    QVERIFY2(!lines.isEmpty(), "no error line");
    QVERIFY2(lines.last().startsWith("error: "), qPrintable(r.err));
    QVERIFY2(lines.last().contains(message), qPrintable(lines.last()));
    QVERIFY(r.out.isEmpty());
  }

  void readingCommandsDoNotCreateWorkspaces()
  {
    const QString typo = dir_.filePath("nested/typo/wrkspace.m6ws");
    auto r = m6test::runCli(typo, {"datasets"});
    QVERIFY(r.code != 0);
    QVERIFY2(r.lastErrorLine().contains("does not exist"), qPrintable(r.err));
    QVERIFY(!QFile::exists(typo));
    QVERIFY(!QDir(dir_.filePath("nested")).exists());
  }

  void severalProblemsStillMakeOneErrorLine()
  {
    QCOMPARE(cli({"demo-data", "--name", "cfg", "--users", "20", "--items", "60", "--interactions",
                  "200"})
                 .code,
             0);
    auto r = cli({"train", "--dataset", "cfg", "--set", "train.lr=0", "--set",
                  "model.history_length=-1", "--set", "train.batch_size=0"});
    QVERIFY(r.code != 0);
    QStringList lines = r.err.trimmed().split('\n');
    QVERIFY2(lines.last().startsWith("error: invalid configuration"), qPrintable(r.err));
    QVERIFY(lines.last().contains("train.lr") && lines.last().contains("model.history_length") &&
            lines.last().contains("train.batch_size"));
    QCOMPARE(r.err.count("error:"), 1);
  }

  void prepareMakesANewDatasetAndSaysHow()
  {
    // Repeated rows (as the Amazon 2018 files have), a rarely rated item and a user with one
    // rating: dedupe, then a 2-core.
    QDir().mkpath(dir_.filePath("raw"));
    QFile f(dir_.filePath("raw/ratings.csv"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(
        "userId,movieId,rating,timestamp\n"
        "1,10,5,100\n1,10,5,100\n1,20,4,200\n1,30,4,300\n"
        "2,10,3,100\n2,20,5,200\n2,20,5,200\n2,30,2,300\n"
        "3,10,4,100\n3,20,4,200\n3,40,4,300\n"
        "4,40,1,100\n");
    f.close();
    auto r = cli({"import", dir_.filePath("raw"), "--name", "raw", "--json"});
    QCOMPARE(r.code, 0);
    r = cli({"prepare", "raw", "--out", "clean", "--dedupe", "exact", "--k-core", "2", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    auto j = lastJson(r);
    QCOMPARE(j.at("interactions").asInt(), int64_t(8));
    QCOMPARE(j.at("users").asInt(), int64_t(3));
    QCOMPARE(j.at("items").asInt(), int64_t(3));
    const auto steps = j.at("steps");
    QCOMPARE(steps.size(), size_t(3));
    QCOMPARE(QString::fromStdString(steps[1].at("step").asString()), QString("dedupe exact"));
    QCOMPARE(steps[1].at("interactions").asInt(), int64_t(10));
    QCOMPARE(QString::fromStdString(steps[2].at("step").asString()), QString("2-core"));
    // Item 40 had two ratings, but user 4's went with the user: the 2-core is iterated.
    QCOMPARE(steps[2].at("items").asInt(), int64_t(3));

    r = cli({"stats", "clean", "--json"});
    j = lastJson(r);
    QCOMPARE(QString::fromStdString(j.at("preparation").at("description").asString()),
             QString("dedupe exact, 2-core"));
    QCOMPARE(QString::fromStdString(j.at("preparation").at("parent").asString()), QString("raw"));
    r = cli({"stats", "raw", "--json"});
    j = lastJson(r);
    QCOMPARE(j.at("interactions").asInt(), int64_t(12));  // the source is untouched
    QCOMPARE(j.at("repeated_pairs").asInt(), int64_t(2));

    // Every protocol line on the prepared dataset names the preparation.
    r = cli({"baselines", "--dataset", "clean", "--set", "train.eval_k=2", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    j = lastJson(r);
    QVERIFY2(j.at("protocol").asString().find("dataset prepared: dedupe exact, 2-core") !=
                 std::string::npos,
             j.at("protocol").asString().c_str());

    // Without timestamps the importer shuffles each user's interactions, the split is at random,
    // and the protocol line says so.
    writeFile(dir_.filePath("counts/plays.tsv"),
              "1\t10\t3\n1\t20\t1\n1\t30\t2\n2\t10\t5\n2\t20\t1\n2\t30\t4\n3\t10\t1\n"
              "3\t20\t2\n3\t30\t1\n");
    writeFile(dir_.filePath("counts/mapping.json"),
              "{\"interactions\": {\"file\": \"plays.tsv\", \"delimiter\": \"\\t\", "
              "\"header\": false, \"user\": 0, \"item\": 1, \"rating\": 2}}");
    r = cli({"import", dir_.filePath("counts/plays.tsv"), "--name", "counts", "--mapping",
             dir_.filePath("counts/mapping.json"), "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = cli({"baselines", "--dataset", "counts", "--set", "train.eval_k=2", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    j = lastJson(r);
    QVERIFY2(j.at("protocol").asString().rfind("leave-one-out at random", 0) == 0,
             j.at("protocol").asString().c_str());

    // Bad recipes: one clear line each, nothing written.
    r = cli({"prepare", "raw", "--out", "x", "--dedupe", "twice"});
    QVERIFY(r.code != 0);
    QVERIFY2(r.lastErrorLine().contains("--dedupe"), qPrintable(r.lastErrorLine()));
    r = cli({"prepare", "raw", "--out", "clean", "--k-core", "2"});
    QVERIFY(r.code != 0);
    QVERIFY2(r.lastErrorLine().contains("clean"), qPrintable(r.lastErrorLine()));
    r = cli({"prepare", "raw", "--out", "x", "--k-core", "2", "--min-user", "3"});
    QVERIFY(r.code != 0);
    r = cli({"prepare", "raw", "--out", "x", "--from", "yesterday"});
    QVERIFY2(r.lastErrorLine().contains("not a date"), qPrintable(r.lastErrorLine()));
    r = cli({"prepare", "raw", "--out", "x", "--k-core", "50"});
    QVERIFY2(r.lastErrorLine().contains("keeps no interaction"), qPrintable(r.lastErrorLine()));
    r = cli({"stats", "x"});
    QVERIFY(r.code != 0);  // no failed recipe wrote anything
    QVERIFY2(r.lastErrorLine().contains("x"), qPrintable(r.lastErrorLine()));
  }

  void renameAndDelete()
  {
    QCOMPARE(cli({"demo-data", "--name", "tmp", "--users", "20", "--items", "60", "--interactions",
                  "200"})
                 .code,
             0);
    QCOMPARE(cli({"rename", "tmp", "tmp2"}).code, 0);
    // Without a terminal (as here) and without --yes nothing is deleted.
    auto refused = cli({"delete", "tmp2"});
    QVERIFY(refused.code != 0);
    QVERIFY2(refused.err.contains("--yes"), qPrintable(refused.err));
    QCOMPARE(cli({"stats", "tmp2"}).code, 0);
    auto r = cli({"delete", "tmp2", "--yes", "--json"});
    QCOMPARE(r.code, 0);
    QCOMPARE(QString::fromStdString(lastJson(r).at("deleted").asString()), QString("tmp2"));
    QVERIFY(cli({"stats", "tmp2"}).code != 0);
  }

  // A second writer waits for the first (here: this test process holding the write lock) instead
  // of failing after a few seconds, and says which process holds the workspace.
  void aSecondWriterWaitsAndSaysWhoHoldsTheWorkspace()
  {
    const QString ws = dir_.filePath("locked.m6ws");
    QCOMPARE(m6test::runCli(ws, {"demo-data", "--name", "d", "--users", "20", "--items", "60",
                                 "--interactions", "200"})
                 .code,
             0);
    m6::sql::Db holder;
    holder.open(ws.toStdString(), false);
    holder.exec("BEGIN IMMEDIATE");  // the write lock, held until ROLLBACK
    QProcess second;
    second.start(m6test::kCli, {"--workspace", ws, "rename", "d", "d2"});
    QVERIFY(second.waitForStarted());
    // Longer than SQLite's usual 5 s, after which the command used to give up.
    QVERIFY(!second.waitForFinished(6500));
    holder.exec("ROLLBACK");
    QVERIFY(second.waitForFinished(60000));
    const QString err = QString::fromUtf8(second.readAllStandardError());
    QVERIFY2(second.exitCode() == 0, qPrintable(err));
    QVERIFY2(err.contains("waiting for the workspace: process " +
                          QString::number(QCoreApplication::applicationPid())),
             qPrintable(err));
    QVERIFY2(err.contains("test_cli"), qPrintable(err));  // the holder's command line
    holder.close();
    auto r = m6test::runCli(ws, {"datasets", "--json"});
    QCOMPARE(QString::fromStdString(lastJson(r).at("datasets").asArray()[0].at("name").asString()),
             QString("d2"));
  }

  // A workspace of an older schema is upgraded when a command first opens it; the command says
  // so on stderr before that wait (half a minute for a 25M dataset from schema 7) and then works.
  void anOlderWorkspaceIsUpgradedWithANotice()
  {
    const QString p = dir_.filePath("schema7.m6ws");
    {
      m6::sql::Db db;
      db.open(p.toStdString(), true);
      for (size_t v = 0; v < 7; ++v)
      {
        db.exec(m6::schema::migrations()[v]);
      }
      db.exec("PRAGMA application_id=" + std::to_string(0x4D36574B));
      db.exec("PRAGMA user_version=7");
    }
    const auto r = m6test::runCli(p, {"datasets", "--json"});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.err.contains("upgrading workspace") &&
                 r.err.contains(
                     QString("from schema 7 to %1").arg(m6::Workspace::latestSchemaVersion())),
             qPrintable(r.err));
    QVERIFY(m6test::lastJson(r).at("datasets").isArray());
    const auto again = m6test::runCli(p, {"datasets", "--json"});
    QCOMPARE(again.code, 0);
    QVERIFY2(!again.err.contains("upgrading"), qPrintable(again.err));
  }

  void helpForEveryCommand()
  {
    auto r = cli({"--help"});
    QCOMPARE(r.code, 0);
    for (const QString& c :
         QStringList{"import", "datasets", "stats", "demo-data", "rename", "delete"})
    {
      QVERIFY2(r.out.contains(c), qPrintable(c));
      auto h = cli({c, "--help"});
      QCOMPARE(h.code, 0);
      QVERIFY(h.out.startsWith("usage: m6-cli"));
    }
  }

  void dataCommandsRunWithoutTheEngine()
  {
    // m6-cli itself does not link LibTorch: the data commands start without loading it.
    QProcess ldd;
    ldd.start("ldd", {m6test::kCli});
    QVERIFY(ldd.waitForFinished(30000));
    const QString libs = QString::fromUtf8(ldd.readAllStandardOutput());
    QVERIFY2(libs.contains("libsqlite3"), qPrintable(libs));
    QVERIFY2(!libs.contains("libtorch") && !libs.contains("libc10"), qPrintable(libs));
    // The other commands go to m6-engine beside it, with their arguments, output and exit code.
    auto keys = cli({"config-keys", "--json"});
    QCOMPARE(keys.code, 0);
    QVERIFY(lastJson(keys).find("keys"));
    auto bad = cli({"train", "--json"});
    QVERIFY(bad.code != 0);
    QVERIFY2(bad.lastErrorLine().startsWith("error: "), qPrintable(bad.err));
    // Without m6-engine beside it, a data command still works and a model command says why not.
    QTemporaryDir alone;
    const QString copy = alone.filePath("m6-cli");
    QVERIFY(QFile::copy(m6test::kCli, copy));
    QProcess p;
    p.start(copy, {"--workspace", dir_.filePath("cli.m6ws"), "formats", "--json"});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(QString::fromUtf8(p.readAllStandardOutput()).contains("movielens"));
    p.start(copy, {"--workspace", dir_.filePath("cli.m6ws"), "runs"});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 1);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.startsWith("error: cannot start ") && err.contains("m6-engine"), qPrintable(err));
  }

  void killedImportLeavesWorkspaceIntact_data()
  {
    QTest::addColumn<QString>("killAt");
    QTest::newRow("while reading") << "Reading ratings.csv";
    QTest::newRow("while writing") << "Writing interactions";
  }
  void killedImportLeavesWorkspaceIntact()
  {
    QFETCH(QString, killAt);
    const QString folder = dir_.filePath("big");
    if (!QFile::exists(folder + "/ratings.csv"))
    {
      QDir().mkpath(folder);
      writeRatings(folder + "/ratings.csv", 3000000);
    }
    const QString wsPath = dir_.filePath("killed.m6ws");
    QProcess p;
    p.start(m6test::kCli, {"--workspace", wsPath, "import", folder, "--name", "big"});
    QVERIFY(p.waitForStarted());
    QString seen;
    bool killed = false;
    while (p.state() != QProcess::NotRunning && !killed)
    {
      p.waitForReadyRead(100);
      seen += QString::fromUtf8(p.readAllStandardError());
      if (seen.contains(killAt))
      {
        ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
        killed = true;
      }
    }
    p.waitForFinished();
    QVERIFY2(killed, qPrintable("the import ended before \"" + killAt + "\": " + seen));
    QCOMPARE(p.exitStatus(), QProcess::CrashExit);

    auto ws = m6::Workspace::open(wsPath.toStdString(), false);
    QVERIFY2(ws.ok(), ws.error().c_str());
    QCOMPARE(QString::fromStdString(workspaceDb(**ws).queryText("PRAGMA integrity_check")),
             QString("ok"));
    QVERIFY((*ws)->datasets()->empty());
    QCOMPARE(workspaceDb(**ws).queryInt("SELECT count(*) FROM interactions"), int64_t(0));
    QCOMPARE(workspaceDb(**ws).queryInt("SELECT count(*) FROM users"), int64_t(0));
  }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
