// The README's examples of using an exported .m6model outside the workbench: the C++
// program (tests/examples/recommend.cpp, LibTorch and nlohmann-json only) and the Python script
// (tests/examples/recommend.py, Debian's python3-torch) print the same top 10 with the same
// scores as `m6-cli recommend --model FILE --history ...`; the README shows both files verbatim.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_runner.h"

namespace
{

struct Line
{
  QString item;
  double score = 0;
};

// "ITEM SCORE TITLE..." lines.
QList<Line> parseLines(const QString& out)
{
  QList<Line> lines;
  for (const QString& l : out.split('\n', Qt::SkipEmptyParts))
  {
    const QStringList parts = l.split(' ');
    if (parts.size() >= 2)
    {
      lines.append({parts[0], parts[1].toDouble()});
    }
  }
  return lines;
}

QString readText(const QString& path)
{
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

}  // namespace

class TestCliModelMethods : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_{qEnvironmentVariable("M6_TEST_TMP", QDir::tempPath()) + "/m6-methods-XXXXXX"};
  QString model_;
  QString history_;
  QList<Line> expected_;

  QString ws() const { return dir_.filePath("w.m6ws"); }

  void compare(const QList<Line>& got)
  {
    QCOMPARE(got.size(), expected_.size());
    for (qsizetype i = 0; i < got.size(); ++i)
    {
      QCOMPARE(got[i].item, expected_[i].item);
      QVERIFY2(std::fabs(got[i].score - expected_[i].score) <=
                   1e-5 * std::max(1.0, std::fabs(expected_[i].score)),
               qPrintable(QString("rank %1: %2 vs %3")
                              .arg(i)
                              .arg(got[i].score, 0, 'g', 9)
                              .arg(expected_[i].score, 0, 'g', 9)));
    }
  }

 private Q_SLOTS:
  void initTestCase()
  {
    QVERIFY(dir_.isValid());
    QCOMPARE(m6test::runCli(ws(), {"demo-data", "--name", "d", "--users", "150", "--items", "220",
                                   "--interactions", "5000"})
                 .code,
             0);
    auto r = m6test::runCli(ws(), {"train", "--dataset", "d", "--preset", "quick", "--set",
                                   "model.dim=16", "--set", "train.epochs=1", "--json"});
    QCOMPARE(r.code, 0);
    const QString run = QString::number(m6test::lastJson(r).at("run").asInt());
    model_ = dir_.filePath("model.m6model");
    QCOMPARE(m6test::runCli(ws(), {"export", run, "--out", model_}).code, 0);
    // A history: five items the model knows (a known user's recommendations).
    r = m6test::runCli(ws(), {"recommend", "--model", model_, "--user", "u3", "-k", "5", "--json"});
    QCOMPARE(r.code, 0);
    QStringList ids;
    const m6::Json known = m6test::lastJson(r);
    for (const auto& x : known.at("items").asArray())
    {
      ids << QString::fromStdString(x.at("item").asString());
    }
    QCOMPARE(ids.size(), 5);
    history_ = ids.join(',');
    r = m6test::runCli(
        ws(), {"recommend", "--model", model_, "--history", history_, "-k", "10", "--json"});
    QCOMPARE(r.code, 0);
    const m6::Json fresh = m6test::lastJson(r);
    for (const auto& x : fresh.at("items").asArray())
    {
      expected_.append({QString::fromStdString(x.at("item").asString()), x.at("score").asDouble()});
    }
    QCOMPARE(expected_.size(), 10);
  }

  void theCppExampleRecommendsLikeTheCli()
  {
    QProcess p;
    p.start(M6_BINARY_DIR "/tests/examples/m6_example_recommend", {model_, history_});
    QVERIFY(p.waitForFinished(120000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    compare(parseLines(QString::fromUtf8(p.readAllStandardOutput())));
  }

  void thePythonExampleRecommendsLikeTheCli()
  {
    // Debian's interpreter first: another python3 earlier on PATH (pyenv, a venv) may lack torch.
    QString python;
    for (const QString& candidate : {QString("/usr/bin/python3"), QString("python3")})
    {
      QProcess probe;
      probe.start(candidate, {"-c", "import torch"});
      if (probe.waitForFinished(120000) && probe.exitStatus() == QProcess::NormalExit &&
          probe.exitCode() == 0)
      {
        python = candidate;
        break;
      }
    }
    if (python.isEmpty())
    {
      QSKIP(
          "no python3 here can import torch: install Debian's python3-torch to run the Python "
          "example");
    }
    QProcess p;
    p.start(python, {M6_SOURCE_DIR "/tests/examples/recommend.py", model_, history_});
    QVERIFY(p.waitForFinished(120000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    compare(parseLines(QString::fromUtf8(p.readAllStandardOutput())));
  }

  void theReadmeShowsTheTestedExamples()
  {
    const QString readme = readText(M6_SOURCE_DIR "/README.md");
    for (const char* file : {"/tests/examples/recommend.py", "/tests/examples/recommend.cpp"})
    {
      const QString text = readText(QString(M6_SOURCE_DIR) + file);
      QVERIFY(!text.isEmpty());
      QVERIFY2(readme.contains(text), file);
    }
  }
};

QTEST_GUILESS_MAIN(TestCliModelMethods)
#include "test_cli_model_methods.moc"
