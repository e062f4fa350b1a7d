// A full disk: training, resuming and every export meet a real "No space left on
// device" from a small tmpfs mounted over the run folder or the destination, inside a private
// mount namespace (unshare), and must end with one clear error, no temporary file left behind,
// the run marked failed with its last good checkpoint, and a resume that works once there is
// space; and a workspace on a read-only file system says so. Skipped, with the reason, where this
// machine cannot mount (no user namespaces).
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_runner.h"

using m6::Json;
using m6test::lastJson;

namespace
{

// Runs in the namespace: the mounts vanish with it. Every command's exit code and output go to
// files under $out for the test to read.
const char* kScript = R"SH(set -u
cli=$1 ws=$2 runs=$3 out=$4 small=$5
mount -t tmpfs -o size="$small" m6-full "$runs" 2>"$out/mount.err" || exit 77
m6() { name=$1; shift; "$cli" --workspace "$ws" "$@" --json >"$out/$name.out" 2>"$out/$name.err"; echo $? >"$out/$name.rc"; }
m6 train train --dataset demo --preset quick --set train.epochs=2
find "$runs" -type f >"$out/train.files"
m6 runs runs
mount -o remount,size=64m "$runs"
m6 resume resume "$(ls "$runs")"
umount "$runs"
mkdir -p "$out/small" && mount -t tmpfs -o size=16k m6-small "$out/small"
m6 export export 1 --out "$out/small/model.m6model"
m6 recs export-recommendations 1 --out "$out/small/recs.csv"
m6 embeddings export-embeddings 1 --out-dir "$out/small/embeddings"
find "$out/small" -type f >"$out/small.files"
umount "$out/small"
# A workspace on a read-only file system: one sentence that says so.
mkdir -p "$out/ro" && mount -t tmpfs -o size=16m m6-ro "$out/ro"
cp "$ws" "$out/ro/ws.m6" && mount -o remount,ro "$out/ro"
ws0=$ws ws="$out/ro/ws.m6"
m6 readonly datasets
ws=$ws0
# An import into a workspace on a nearly full disk: refused whole, the workspace as it was.
mkdir -p "$out/full" && mount -t tmpfs -o size="$(( $(stat -c %s "$ws") / 1024 + 256 ))k" m6-ws "$out/full"
cp "$ws" "$out/full/ws.m6"
ws="$out/full/ws.m6"
m6 import import "$out/../ratings.csv" --name big --mapping "$out/../mapping.json"
m6 datasets datasets
exit 0
)SH";

QString readText(const QString& path)
{
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// 100,000 ratings (about 2 MB as text, more in the workspace) and the mapping that reads them.
void writeRatings(const QString& csv, const QString& mapping)
{
  QFile f(csv);
  QVERIFY(f.open(QIODevice::WriteOnly));
  QByteArray text = "user,item,rating,time\n";
  for (int i = 0; i < 100000; ++i)
  {
    text += QByteArray::number(i % 997) + ",item" + QByteArray::number(i % 4093) + "," +
            QByteArray::number(1 + i % 5) + "," + QByteArray::number(1500000000 + i) + "\n";
  }
  f.write(text);
  QFile m(mapping);
  QVERIFY(m.open(QIODevice::WriteOnly));
  m.write(R"({"format": "csv", "interactions": {"file": "ratings.csv", "delimiter": ",",
    "header": true, "user": "user", "item": "item", "rating": "rating", "timestamp": "time"}})");
}

}  // namespace

class TestCliDiskFull : public QObject
{
  Q_OBJECT

  QTemporaryDir dir_;
  QString ws_;
  QString out_;

  QString text(const QString& name) { return readText(out_ + "/" + name); }
  int rc(const QString& name) { return text(name + ".rc").trimmed().toInt(); }

 private Q_SLOTS:
  void initTestCase()
  {
    QVERIFY(dir_.isValid());
    ws_ = dir_.filePath("ws.m6");
    out_ = dir_.filePath("out");
    QVERIFY(QDir().mkpath(out_));
    auto r = m6test::runCli(ws_, {"demo-data", "--name", "demo", "--users", "300", "--items", "200",
                                  "--interactions", "6000"});
    QCOMPARE(r.code, 0);
    // Run 1 trains on the real disk: its best.pt says how large a checkpoint is.
    r = m6test::runCli(ws_, {"train", "--dataset", "demo", "--preset", "quick", "--set",
                             "train.epochs=1", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    writeRatings(dir_.filePath("ratings.csv"), dir_.filePath("mapping.json"));
    const QString runs = dir_.filePath("ws-runs");
    const qint64 checkpoint = QFileInfo(runs + "/1/best.pt").size();
    QVERIFY(checkpoint > 100000);
    // Room for the first last.pt (written before any step) but not for best.pt beside it.
    const QString small = QString::number(checkpoint * 3 / 2 / 1024) + "k";

    if (QStandardPaths::findExecutable("unshare").isEmpty())
    {
      QSKIP("no unshare(1) on this machine: cannot mount a small file system to fill");
    }
    QProcess p;
    // As root a mount namespace is enough; otherwise a user namespace maps us to root in it.
    const QStringList ns = ::geteuid() == 0 ? QStringList{"-m"} : QStringList{"-r", "-m"};
    p.start("unshare",
            ns + QStringList{"sh", "-c", kScript, "sh", m6test::kCli, ws_, runs, out_, small});
    QVERIFY(p.waitForFinished(600000));
    if (p.exitCode() == 77 || (p.exitCode() != 0 && !QFile::exists(out_ + "/train.rc")))
    {
      QSKIP(qPrintable("cannot mount a tmpfs here (" + text("mount.err").trimmed() +
                       QString::fromUtf8(p.readAllStandardError()).trimmed() + ")"));
    }
    QCOMPARE(p.exitCode(), 0);
  }

  void trainingOnAFullDiskFailsClearlyAndLeavesNoTemporaryFile()
  {
    QCOMPARE(rc("train"), 1);
    const QString err = text("train.err").trimmed().split('\n').last();
    qInfo("%s", qPrintable(err));
    QVERIFY2(err.startsWith("error: "), qPrintable(err));
    QVERIFY2(err.contains("the disk is full"), qPrintable(err));
    QVERIFY2(err.contains("can be resumed"), qPrintable(err));
    QVERIFY2(!err.contains("terminate"), qPrintable(err));
    const QString files = text("train.files");
    QVERIFY2(files.contains("last.pt"), qPrintable(files));  // the last good checkpoint
    QVERIFY2(!files.contains(".tmp"), qPrintable(files));
  }

  void theRunIsMarkedFailedAndResumesOnceThereIsSpace()
  {
    const Json runs = Json::parse(text("runs.out").trimmed().split('\n').last().toStdString());
    const Json list = runs.at("runs");
    bool found = false;
    for (const auto& r : list.asArray())
    {
      if (r.at("run").asInt() == 2)
      {
        found = true;
        QCOMPARE(QString::fromStdString(r.at("status").asString()), QString("failed"));
      }
    }
    QVERIFY(found);
    QVERIFY2(rc("resume") == 0, qPrintable(text("resume.err")));
    const Json resumed = Json::parse(text("resume.out").trimmed().split('\n').last().toStdString());
    QCOMPARE(QString::fromStdString(resumed.at("status").asString()), QString("finished"));
    QCOMPARE(resumed.at("best_epoch").asInt(), int64_t(2));
  }

  void exportsToAFullDiskFailClearlyAndLeaveNothing_data()
  {
    QTest::addColumn<QString>("name");
    QTest::newRow("model file") << "export";
    QTest::newRow("recommendations") << "recs";
    QTest::newRow("embeddings") << "embeddings";
  }

  void exportsToAFullDiskFailClearlyAndLeaveNothing()
  {
    QFETCH(QString, name);
    QVERIFY(rc(name) != 0);
    const QString err = text(name + ".err").trimmed().split('\n').last();
    qInfo("%s", qPrintable(err));
    QVERIFY2(err.startsWith("error: "), qPrintable(err));
    QVERIFY2(err.contains("the disk is full"), qPrintable(err));
    QVERIFY2(text("small.files").trimmed().isEmpty(), qPrintable(text("small.files")));
  }

  void aReadOnlyWorkspaceSaysSo()
  {
    QVERIFY(rc("readonly") != 0);
    const QString err = text("readonly.err").trimmed().split('\n').last();
    qInfo("%s", qPrintable(err));
    QVERIFY2(err.contains("is read-only"), qPrintable(err));
    QVERIFY2(!err.contains("not an M6 workspace"), qPrintable(err));
  }

  void anImportThatFillsTheDiskLeavesTheWorkspaceAsItWas()
  {
    QVERIFY(rc("import") != 0);
    const QString err = text("import.err").trimmed().split('\n').last();
    qInfo("%s", qPrintable(err));
    QVERIFY2(err.startsWith("error: "), qPrintable(err));
    QVERIFY2(err.contains("the disk is full"), qPrintable(err));
    QVERIFY2(rc("datasets") == 0, qPrintable(text("datasets.err")));
    const Json list =
        Json::parse(text("datasets.out").trimmed().split('\n').last().toStdString()).at("datasets");
    QCOMPARE(list.asArray().size(), size_t(1));
    QCOMPARE(QString::fromStdString(list.asArray()[0].at("name").asString()), QString("demo"));
  }
};

QTEST_GUILESS_MAIN(TestCliDiskFull)
#include "test_cli_disk_full.moc"
