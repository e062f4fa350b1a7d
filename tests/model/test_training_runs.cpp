// Run mechanics: determinism, callbacks, pause, cancel and exact resume, divergence, checkpoint
// round trip and checkpoint files that are missing, corrupt, truncated or for another model.
#include <QFile>
#include <QFileInfo>
#include <QtTest>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <thread>

#include "model/engine.h"
#include "model_test_util.h"

using m6::RunConfig;
using m6::TrainOutcome;

namespace
{

m6::DatasetSnapshot data()
{
  return m6test::demo(150, 200, 4000, 11);
}

RunConfig config()
{
  RunConfig c = m6test::smallConfig();
  c.train.epochs = 4;
  c.model.attentionDropout = 0.2;  // dropout draws from torch's generator: resume must restore it
  return c;
}

bool sameHistory(const TrainOutcome& a, const TrainOutcome& b)
{
  if (a.history.size() != b.history.size())
  {
    return false;
  }
  for (size_t i = 0; i < a.history.size(); ++i)
  {
    if (a.history[i].trainLoss != b.history[i].trainLoss ||
        !(a.history[i].valid == b.history[i].valid))
    {
      return false;
    }
  }
  return true;
}

bool sameRows(const std::vector<m6::UserMetricRow>& a, const std::vector<m6::UserMetricRow>& b)
{
  if (a.size() != b.size())
  {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i)
  {
    if (a[i].user != b[i].user || a[i].rank != b[i].rank || a[i].prediction != b[i].prediction)
    {
      return false;
    }
  }
  return true;
}

QString messageOf(const std::function<void()>& f)
{
  try
  {
    f();
  }
  catch (const std::runtime_error& e)
  {
    return QString::fromStdString(e.what());
  }
  return QString();
}

}  // namespace

class TestTrainingRuns : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_ = m6test::makeTempDir();
  m6::DatasetSnapshot data_ = data();
  TrainOutcome reference_;  // uninterrupted run of config() in "reference"

 private Q_SLOTS:
  void initTestCase()
  {
    QVERIFY(dir_.isValid());
    int epochs = 0;
    int64_t steps = 0;
    m6::Progress last;
    m6::TrainCallbacks cb;
    cb.onEpoch = [&](const m6::EpochStats&) { ++epochs; };
    cb.onStep = [&](const m6::StepStats& s)
    {
      ++steps;
      QCOMPARE(s.step, steps);
    };
    cb.onProgress = [&](const m6::Progress& p) { last = p; };
    reference_ = m6::train(data_, config(), m6test::runDir(dir_, "reference"), cb);
    QCOMPARE(reference_.status, m6::RunStatus::Finished);
    m6::ParamEstimate e = m6::estimate(data_, config());
    QCOMPARE(reference_.parameters, e.parameters);
    QCOMPARE(epochs, 4);
    QCOMPARE(steps, 4 * e.stepsPerEpoch);
    QCOMPARE(last.examplesDone, last.examplesTotal);
    QCOMPARE(last.examplesTotal, 4 * e.examplesPerEpoch);
    QCOMPARE(e.examplesPerEpoch, int64_t(4000 - 2 * 150));  // all but the held-out pairs
    QCOMPARE(e.evalUsers, int64_t(150));
    QVERIFY(!e.parametersByPart.empty());
  }

  void sameSeedSameMetrics()
  {
    TrainOutcome again = m6::train(data_, config(), m6test::runDir(dir_, "again"));
    QVERIFY(again.test == reference_.test);
    QVERIFY(again.valid == reference_.valid);
    QVERIFY(sameHistory(again, reference_));
    QVERIFY(sameRows(again.testRows, reference_.testRows));
    RunConfig other = config();
    other.train.seed = 43;
    TrainOutcome different = m6::train(data_, other, m6test::runDir(dir_, "seed43"));
    QVERIFY(different.history.front().trainLoss != reference_.history.front().trainLoss);
  }

  void openingModelsWhileTrainingDoesNotMoveTheRun()
  {
    // The GUI inspects (opens predictors, estimates) on another thread while a run trains. Those
    // build networks from torch's shared generator with their own seed; the run must still
    // follow its own seed exactly (dropout draws from that generator too).
    std::atomic<bool> done{false};
    std::atomic<int> opened{0};
    RunConfig otherSeed = config();
    otherSeed.train.seed = 99;
    const std::string reference = m6test::runDir(dir_, "reference");
    std::thread inspector(
        [&]
        {
          while (!done)
          {
            auto p = m6::Predictor::open(reference, data_, otherSeed);
            (void)m6::estimate(data_, otherSeed);
            ++opened;
          }
        });
    TrainOutcome concurrent = m6::train(data_, config(), m6test::runDir(dir_, "concurrent"));
    done = true;
    inspector.join();
    QVERIFY(opened > 0);
    QVERIFY(sameHistory(concurrent, reference_));
    QVERIFY(concurrent.test == reference_.test);
  }

  void cancelThenResumeReachesTheSameMetrics()
  {
    std::atomic<bool> cancel{false};
    m6::TrainCallbacks cb;
    cb.cancel = &cancel;
    const int64_t stepsPerEpoch = m6::estimate(data_, config()).stepsPerEpoch;
    cb.onStep = [&](const m6::StepStats& s)
    {
      if (s.step == stepsPerEpoch + 3)  // three steps into epoch 2
      {
        cancel = true;
      }
    };
    const std::string run = m6test::runDir(dir_, "interrupted");
    TrainOutcome stopped = m6::train(data_, config(), run, cb);
    QCOMPARE(stopped.status, m6::RunStatus::Stopped);
    QCOMPARE(stopped.epochsRun, 1);
    QCOMPARE(stopped.bestEpoch, 1);
    QVERIFY(!stopped.test.empty());  // the best checkpoint so far is evaluated

    TrainOutcome resumed = m6::train(data_, config(), run, {}, /*resume=*/true);
    QCOMPARE(resumed.status, m6::RunStatus::Finished);
    QCOMPARE(resumed.epochsRun, 4);
    QCOMPARE(resumed.bestEpoch, reference_.bestEpoch);
    QVERIFY(sameHistory(resumed, reference_));
    QVERIFY(resumed.valid == reference_.valid);
    QVERIFY(resumed.test == reference_.test);
    QVERIFY(sameRows(resumed.testRows, reference_.testRows));

    // Resuming a finished run only evaluates again.
    TrainOutcome done = m6::train(data_, config(), run, {}, true);
    QVERIFY(done.test == reference_.test);
    QCOMPARE(done.history.size(), size_t(4));

    // A different experiment cannot continue this one.
    RunConfig changed = config();
    changed.train.lr = 1e-2;
    QString msg = messageOf([&] { m6::train(data_, changed, run, {}, true); });
    QVERIFY2(msg.contains("train.lr"), qPrintable(msg));
    msg = messageOf([&] { m6::train(data_, config(), m6test::runDir(dir_, "never"), {}, true); });
    QVERIFY2(msg.contains("last.pt"), qPrintable(msg));
  }

  void pauseBlocksAndCancelEndsAPausedRun()
  {
    std::atomic<bool> pause{true};
    std::atomic<bool> cancel{false};
    std::atomic<int64_t> steps{0};
    std::mutex logMutex;
    std::vector<std::string> lines;
    m6::TrainCallbacks cb;
    cb.pause = &pause;
    cb.cancel = &cancel;
    cb.onStep = [&](const m6::StepStats&) { ++steps; };
    cb.onLog = [&](const std::string& line)
    {
      std::lock_guard<std::mutex> lock(logMutex);
      lines.push_back(line);
    };
    // The loop's own word that it holds (polled; no fixed wait).
    auto logged = [&](const std::string& part)
    {
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (std::chrono::steady_clock::now() < until)
      {
        {
          std::lock_guard<std::mutex> lock(logMutex);
          for (const auto& l : lines)
          {
            if (l.find(part) != std::string::npos)
            {
              return true;
            }
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      return false;
    };
    RunConfig c = config();
    c.train.epochs = 1;
    TrainOutcome out;
    std::thread worker([&] { out = m6::train(data_, c, m6test::runDir(dir_, "paused"), cb); });
    QVERIFY(logged("paused after step 0: holding until resumed"));
    QCOMPARE(steps.load(), int64_t(0));  // held before the first step
    pause = false;
    worker.join();
    QCOMPARE(out.status, m6::RunStatus::Finished);
    QVERIFY(logged("resumed at step 1"));
    QVERIFY(steps.load() > 0);

    pause = true;
    steps = 0;
    lines.clear();
    std::thread second([&] { out = m6::train(data_, c, m6test::runDir(dir_, "paused2"), cb); });
    QVERIFY(logged("paused after step 0"));
    cancel = true;
    second.join();
    QCOMPARE(out.status, m6::RunStatus::Stopped);
    QCOMPARE(steps.load(), int64_t(0));
    QVERIFY(logged("stopped while paused"));
  }

  void absurdLearningRateDivergesAndKeepsACheckpoint()
  {
    RunConfig c = config();
    c.train.optimizer = m6::Optimizer::Sgd;
    c.train.lr = 1e6;
    c.train.gradClip = 0;
    const std::string run = m6test::runDir(dir_, "diverged");
    TrainOutcome out = m6::train(data_, c, run);
    QCOMPARE(out.status, m6::RunStatus::Diverged);
    QVERIFY2(QString::fromStdString(out.message).contains("step"), out.message.c_str());
    qInfo("%s", out.message.c_str());
    // The last good checkpoint loads and scores finitely.
    auto p = m6::Predictor::open(run + "/last.pt", data_, c);
    QVERIFY(m6test::allFinite(p->scoreAll(0)));
    // No epoch was validated, so the folder has no best.pt: named, never silently substituted.
    QString msg = messageOf([&] { m6::Predictor::open(run, data_, c); });
    QVERIFY2(msg.contains("has no best.pt"), qPrintable(msg));
  }

  void checkpointRoundTripGivesTheSameScores()
  {
    const std::string run = m6test::runDir(dir_, "reference");
    // Valid metrics were measured on the in-memory model before best.pt was written.
    m6::EvaluationOutcome e = m6::evaluate(data_, config(), run);
    QVERIFY(e.valid == reference_.valid);
    QVERIFY(e.test == reference_.test);
    QVERIFY(sameRows(e.testRows, reference_.testRows));
    auto a = m6::Predictor::open(run, data_, config());
    auto b = m6::Predictor::open(run + "/best.pt", data_, config());
    QCOMPARE(a->checkpointPath(), run + "/best.pt");
    QVERIFY(a->scoreAll(5) == b->scoreAll(5));
    QCOMPARE(a->parameterCount(), reference_.parameters);
  }

  void badCheckpointFilesGiveClearErrors_data()
  {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing") << "missing"
                             << "no such file";
    QTest::newRow("empty") << "empty"
                           << "not a readable checkpoint";
    QTest::newRow("garbage") << "garbage"
                             << "not a readable checkpoint";
    QTest::newRow("truncated") << "truncated"
                               << "not a readable checkpoint";
    QTest::newRow("zeroed tail") << "tail"
                                 << "not a readable checkpoint";
    // Tensor bytes changed in place: the archive still parses, the weights checksum does not match.
    QTest::newRow("changed weights") << "weights"
                                     << "is corrupted";
    QTest::newRow("NaN weights") << "nan"
                                 << "is corrupted";
    QTest::newRow("empty run folder") << "folder"
                                      << "no best.pt or last.pt";
    // last.pt is where training stopped, not the run's model: never used in best.pt's place.
    QTest::newRow("run folder with only last.pt") << "only-last"
                                                  << "has no best.pt";
    QTest::newRow("another architecture") << "architecture"
                                          << "another architecture";
  }

  void badCheckpointFilesGiveClearErrors()
  {
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    QFile good(QString::fromStdString(m6test::runDir(dir_, "reference") + "/best.pt"));
    QVERIFY(good.open(QIODevice::ReadOnly));
    QByteArray bytes = good.readAll();
    QString path = dir_.path() + "/bad-" + kind + ".pt";
    RunConfig c = config();
    if (kind == "folder")
    {
      QDir().mkpath(path);
    }
    else if (kind == "only-last")
    {
      QDir().mkpath(path);
      QVERIFY(QFile::copy(good.fileName().replace("best.pt", "last.pt"), path + "/last.pt"));
    }
    else if (kind == "architecture")
    {
      path = QString::fromStdString(m6test::runDir(dir_, "reference"));
      c.model.dim = 32;
    }
    else if (kind != "missing")
    {
      QFile f(path);
      QVERIFY(f.open(QIODevice::WriteOnly));
      if (kind == "garbage")
      {
        f.write(QByteArray("this is not a checkpoint at all ").repeated(100));
      }
      else if (kind == "truncated")
      {
        f.write(bytes.left(bytes.size() / 2));
      }
      else if (kind == "tail")
      {
        f.write(bytes.left(bytes.size() - 200) + QByteArray(200, '\0'));
      }
      else if (kind == "weights" || kind == "nan")
      {
        // The middle of the file is the embedding tables' data (records are 64-byte aligned,
        // so a multiple of 4 is a float boundary).
        const float value = kind == "nan" ? std::numeric_limits<float>::quiet_NaN() : 0.5f;
        QByteArray changed = bytes;
        const int at = (bytes.size() / 2) & ~3;
        for (int k = 0; k < 16; ++k)
        {
          std::memcpy(changed.data() + at + 4 * k, &value, 4);
        }
        QVERIFY(changed != bytes);
        f.write(changed);
      }
    }
    QString msg = messageOf([&] { m6::Predictor::open(path.toStdString(), data_, c); });
    QVERIFY2(msg.contains(expected), qPrintable(msg));
    QVERIFY2(msg.contains(path), qPrintable(msg));
    QString viaEvaluate = messageOf([&] { m6::evaluate(data_, c, path.toStdString()); });
    QVERIFY2(viaEvaluate.contains(expected), qPrintable(viaEvaluate));
  }

  // A resume point is checksummed whole: a changed byte in the optimiser state, the random
  // generator state or the metadata (epoch, step, best so far) is refused, not trained on.
  void damagedResumePointIsRefused_data()
  {
    QTest::addColumn<QString>("kind");
    QTest::newRow("optimiser state") << "optimizer";
    QTest::newRow("metadata") << "meta";
    QTest::newRow("random generator state") << "rng";
  }

  void damagedResumePointIsRefused()
  {
    QFETCH(QString, kind);
    const QString reference = QString::fromStdString(m6test::runDir(dir_, "reference"));
    QFile last(reference + "/last.pt");
    QVERIFY(last.open(QIODevice::ReadOnly));
    const QByteArray bytes = last.readAll();
    const qint64 bestSize = QFileInfo(reference + "/best.pt").size();
    QByteArray changed = bytes;
    if (kind == "optimizer")
    {
      // Records follow registration order: the weights (about best.pt's size), then the
      // optimiser's bytes (twice the weights for Adam), then the generator state.
      const int at = static_cast<int>((bestSize + bytes.size()) / 2) & ~3;
      for (int k = 0; k < 16; ++k)
      {
        changed[at + k] = static_cast<char>(changed[at + k] ^ 0x40);
      }
    }
    else if (kind == "meta")
    {
      const int at = bytes.indexOf("\"global_step\": ");
      QVERIFY(at > 0);
      char& digit = changed.data()[at + 15];
      QVERIFY(digit >= '0' && digit <= '9');
      digit = digit == '9' ? '1' : static_cast<char>(digit + 1);
    }
    else
    {
      // The generator state is the last tensor record, so its bytes end where the local zip
      // header of the pickled structure begins (30 bytes before that header's file name).
      const int header = bytes.indexOf("archive/data.pkl") - 30;
      QVERIFY(header > 100);
      changed[header - 100] = static_cast<char>(changed[header - 100] ^ 0x01);
    }
    QVERIFY(changed != bytes);
    const QString run = dir_.path() + "/damaged-" + kind;
    QDir().mkpath(run);
    QVERIFY(QFile::copy(reference + "/best.pt", run + "/best.pt"));
    QFile out(run + "/last.pt");
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(changed);
    out.close();
    QString msg = messageOf([&] { m6::train(data_, config(), run.toStdString(), {}, true); });
    QVERIFY2(msg.contains("is corrupted"), qPrintable(msg));
    QVERIFY2(msg.contains("last.pt"), qPrintable(msg));
  }

  void invalidConfigIsRefusedBeforeTraining()
  {
    RunConfig c = config();
    c.model.heads = 3;  // 16 is not divisible by 3
    c.train.lr = 0;
    try
    {
      m6::train(data_, c, m6test::runDir(dir_, "invalid"));
      QFAIL("expected std::invalid_argument");
    }
    catch (const std::invalid_argument& e)
    {
      QString msg = QString::fromStdString(e.what());
      QVERIFY(msg.contains("model.heads"));
      QVERIFY(msg.contains("train.lr"));
    }
    QVERIFY(!QFile::exists(dir_.path() + "/invalid/last.pt"));
  }
};

QTEST_APPLESS_MAIN(TestTrainingRuns)
#include "test_training_runs.moc"
