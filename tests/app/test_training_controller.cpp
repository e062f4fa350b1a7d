// The training bridge on real threads, a real workspace and real LibTorch training of the small
// demo: a run's steps all arrive (coalesced) and match what was recorded, epochs and the final
// record follow; stop mid-run leaves a "stopped" run whose best checkpoint evaluates to the
// recorded test metrics, and resume finishes it; pause halts step progress and unpausing
// continues it; the baselines are recorded as runs; schema and estimate come from the worker
// with stale estimates dropped; destroying the controller mid-run stops cleanly.
#include <QtTest>

#include "app/bridge/model_info.h"
#include "app/bridge/run_library.h"
#include "app/bridge/snapshot_store.h"
#include "app/bridge/training_controller.h"
#include "storage/runs.h"
#include "train_test_support.h"

using namespace m6;

namespace
{

/// Collects every step the controller delivers, in order.
struct StepLog
{
  std::vector<StepStats> steps;
  int batches = 0;
  void connectTo(TrainingController& c)
  {
    QObject::connect(&c, &TrainingController::stepsArrived, &c,
                     [this](const m6::StepBatch& b)
                     {
                       ++batches;
                       steps.insert(steps.end(), b.begin(), b.end());
                     });
  }
};

}  // namespace

class TestTrainingController : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString path_;
  qint64 datasetId_ = 0;

  RunRecord waitForRun(TrainingController& c, QSignalSpy& finished, QSignalSpy& failed)
  {
    if (!QTest::qWaitFor([&c] { return !c.busy(); }, 120000))
    {
      qWarning("the job did not end");
      return {};
    }
    if (!failed.isEmpty())
    {
      qWarning("failed: %s", qPrintable(failed.first().first().toString()));
    }
    if (finished.size() != 1)
    {
      return {};
    }
    return finished.first().first().value<RunRecord>();
  }

 private Q_SLOTS:
  void initTestCase()
  {
    registerBridgeTypes();
    QVERIFY(dir_.isValid());
    path_ = dir_.filePath("train.m6ws");
    datasetId_ = m6test::makeTrainWorkspace(path_);
  }

  void trainingDeliversEveryStepAndRecordsTheRun()
  {
    TrainingController c(path_, std::make_shared<SnapshotStore>());
    StepLog log;
    log.connectTo(c);
    QSignalSpy started(&c, &TrainingController::runStarted);
    QSignalSpy epochs(&c, &TrainingController::epochEnded);
    QSignalSpy progress(&c, &TrainingController::progressChanged);
    QSignalSpy lines(&c, &TrainingController::logLine);
    QSignalSpy finished(&c, &TrainingController::runFinished);
    QSignalSpy failed(&c, &TrainingController::jobFailed);
    QSignalSpy ended(&c, &TrainingController::jobEnded);
    const quint64 token = c.startTraining(datasetId_, m6test::quickConfig(2, 64), "first");
    QVERIFY(token > 0);
    QVERIFY(c.busy());
    QCOMPARE(c.startTraining(datasetId_, m6test::quickConfig(2), "second"), quint64(0));
    const RunRecord run = waitForRun(c, finished, failed);
    QCOMPARE(ended.size(), 1);
    QCOMPARE(QString::fromStdString(m6::wordOf(run.status)), QString("finished"));
    QCOMPARE(QString::fromStdString(run.name), QString("first"));
    QCOMPARE(started.size(), 1);
    QCOMPARE(started.first().first().value<RunRecord>().id, run.id);
    QCOMPARE(epochs.size(), 2);
    QVERIFY(!run.test.empty());
    QVERIFY(run.test.has("ndcg@10"));
    QVERIFY(progress.size() >= 1);
    QVERIFY(!lines.isEmpty());
    // Every step arrived once, in order, and equals what the workspace recorded.
    QVERIFY(log.steps.size() > 20);
    QVERIFY(log.batches >= 1);
    auto ws = m6test::openWorkspace(path_);
    auto stored = RunStore(*ws).steps(run.id);
    QVERIFY(stored.ok());
    QCOMPARE(log.steps.size(), stored->size());
    for (size_t i = 0; i < log.steps.size(); ++i)
    {
      QCOMPARE(log.steps[i].step, int64_t(i + 1));
      QCOMPARE(log.steps[i].loss, (*stored)[i].loss);
    }
    const Progress last = progress.last().first().value<Progress>();
    QCOMPARE(last.epoch, 2);
    QCOMPARE(last.step, last.stepsPerEpoch);
    QVERIFY(last.examplesPerSecond > 0);
  }

  void stopKeepsTheBestCheckpointAndResumeFinishes()
  {
    TrainingController c(path_, std::make_shared<SnapshotStore>());
    QSignalSpy finished(&c, &TrainingController::runFinished);
    QSignalSpy failed(&c, &TrainingController::jobFailed);
    // Stop as soon as the first epoch has been validated (best.pt exists from then on).
    connect(&c, &TrainingController::epochEnded, &c, [&c] { c.stop(); });
    QVERIFY(c.startTraining(datasetId_, m6test::quickConfig(4, 32), "stopped run") > 0);
    const RunRecord run = waitForRun(c, finished, failed);
    QCOMPARE(QString::fromStdString(m6::wordOf(run.status)), QString("stopped"));
    QCOMPARE(run.bestEpoch, 1);
    QCOMPARE(run.epochsRun, 1);
    QVERIFY(!run.test.empty());

    // The best checkpoint loads and gives the recorded test metrics again.
    ModelInfo info(path_, std::make_shared<SnapshotStore>());
    QSignalSpy evaluated(&info, &ModelInfo::evaluated);
    QSignalSpy evalFailed(&info, &ModelInfo::requestFailed);
    const quint64 token = info.evaluate(run.id);
    QTRY_VERIFY_WITH_TIMEOUT(evaluated.size() + evalFailed.size() == 1, 60000);
    QVERIFY2(evalFailed.isEmpty(), qPrintable(evalFailed.value(0).value(1).toString()));
    QCOMPARE(evaluated.first().first().toULongLong(), token);
    const auto summary = evaluated.first().at(1).value<EvaluationSummary>();
    QVERIFY(summary.checkpoint.endsWith("best.pt"));
    QVERIFY(qAbs(summary.test.get("ndcg@10") - run.test.get("ndcg@10")) < 1e-9);

    // Resume continues after epoch 1 and ends the planned 4 epochs.
    disconnect(&c, &TrainingController::epochEnded, &c, nullptr);
    QSignalSpy epochs(&c, &TrainingController::epochEnded);
    finished.clear();
    QVERIFY(c.resumeRun(run.id) > 0);
    const RunRecord resumed = waitForRun(c, finished, failed);
    QCOMPARE(resumed.id, run.id);
    QCOMPARE(QString::fromStdString(m6::wordOf(resumed.status)), QString("finished"));
    QCOMPARE(resumed.epochsRun, 4);
    QCOMPARE(epochs.size(), 3);
    QCOMPARE(epochs.first().first().value<EpochStats>().epoch, 2);
  }

  void pauseHaltsStepsAndUnpauseContinues()
  {
    TrainingController c(path_, std::make_shared<SnapshotStore>());
    StepLog log;
    log.connectTo(c);
    QSignalSpy finished(&c, &TrainingController::runFinished);
    QSignalSpy failed(&c, &TrainingController::jobFailed);
    QSignalSpy paused(&c, &TrainingController::pausedChanged);
    QVERIFY(c.startTraining(datasetId_, m6test::quickConfig(3, 16), "paused run") > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!log.steps.empty(), 60000);
    QStringList lines;
    connect(&c, &TrainingController::logLine, &c, [&](const QString& l) { lines << l; });
    c.setPaused(true);
    QVERIFY(c.paused());
    QCOMPARE(paused.size(), 1);
    // The engine says where it holds (the step in flight when the flag was set may land first);
    // every step up to there reaches the plot, and none after it while paused.
    QTRY_VERIFY_WITH_TIMEOUT(!lines.filter("paused after step ").isEmpty(), 30000);
    const QString hold = lines.filter("paused after step ").first();
    const size_t seen = hold.section(' ', 3, 3).section(':', 0, 0).toULongLong();
    QVERIFY2(seen > 0, qPrintable(hold));
    QTRY_COMPARE_WITH_TIMEOUT(log.steps.size(), seen, 30000);
    QVERIFY(c.busy());
    c.setPaused(false);
    QVERIFY(!c.paused());
    QTRY_VERIFY_WITH_TIMEOUT(lines.contains(QStringLiteral("resumed at step %1").arg(seen + 1)),
                             30000);
    QTRY_VERIFY_WITH_TIMEOUT(log.steps.size() > seen, 30000);
    c.stop();
    const RunRecord run = waitForRun(c, finished, failed);
    QCOMPARE(QString::fromStdString(m6::wordOf(run.status)), QString("stopped"));
    for (size_t i = 0; i < log.steps.size(); ++i)
    {
      QCOMPARE(log.steps[i].step, int64_t(i + 1));  // nothing lost or repeated around the pause
    }
  }

  void baselinesAreRecordedAsRuns()
  {
    TrainingController c(path_, std::make_shared<SnapshotStore>());
    RunLibrary library(path_);
    QSignalSpy done(&c, &TrainingController::baselinesFinished);
    QSignalSpy failed(&c, &TrainingController::jobFailed);
    QVERIFY(c.startBaselines(datasetId_, m6test::quickConfig(2)) > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!c.busy(), 120000);
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
    QCOMPARE(done.size(), 1);
    const auto runs = done.first().first().value<RunRecordList>();
    QCOMPARE(runs.size(), baselineNames().size());
    QSignalSpy listed(&library, &RunLibrary::runsChanged);
    library.refresh();
    QTRY_COMPARE(listed.size(), 1);
    QStringList kinds;
    for (const auto& e : library.runs())
    {
      kinds << QString::fromStdString(m6::wordOf(e.record.kind));
    }
    QVERIFY(kinds.contains("baseline-pop"));
    QVERIFY(kinds.contains("baseline-bpr"));
    QVERIFY(kinds.contains("baseline-itemknn"));
    QVERIFY(kinds.contains("baseline-ease"));
    QVERIFY(!library.find(runs[0].id)->record.test.empty());
    // What validation chose is kept with the run.
    QVERIFY(library.find(runs[3].id)->record.summary.find("params") != nullptr);
  }

  void schemaAndEstimateWithStaleRequestsDropped()
  {
    ModelInfo info(path_, std::make_shared<SnapshotStore>());
    QSignalSpy schema(&info, &ModelInfo::schemaReady);
    info.describe(datasetId_);
    QTRY_VERIFY_WITH_TIMEOUT(schema.size() == 1, 60000);
    const auto s = schema.first().first().value<SchemaInfo>();
    QCOMPARE(s.datasetId, datasetId_);
    QCOMPARE(s.schema.numItems, qint64(300));
    QVERIFY(s.schema.hasRatings);

    QSignalSpy estimates(&info, &ModelInfo::estimateReady);
    quint64 last = 0;
    for (int dim : {16, 24, 32, 40, 48})
    {
      RunConfig c = m6test::quickConfig(2);
      c.model.dim = dim;
      last = info.estimate(datasetId_, c);
    }
    QTRY_VERIFY_WITH_TIMEOUT(info.staleDropped() + info.staleSkipped() == 4, 60000);
    QTRY_COMPARE(estimates.size(), 1);
    QCOMPARE(estimates.first().first().toULongLong(), last);
    const auto r = estimates.first().at(1).value<EstimateResult>();
    QVERIFY(r.ok);
    QVERIFY(r.estimate.parameters > 0);
    QVERIFY(r.estimate.examplesPerEpoch > 5000);

    RunConfig bad = m6test::quickConfig(2);
    bad.model.heads = 3;  // 32 is not divisible by 3
    info.estimate(datasetId_, bad);
    QTRY_COMPARE(estimates.size(), 2);
    const auto invalid = estimates.last().at(1).value<EstimateResult>();
    QVERIFY(!invalid.ok);
    QVERIFY2(invalid.error.contains("model.heads"), qPrintable(invalid.error));
  }

  void destroyingTheControllerMidRunStopsCleanly()
  {
    qint64 runId = 0;
    {
      TrainingController c(path_, std::make_shared<SnapshotStore>());
      connect(&c, &TrainingController::runStarted, &c,
              [&runId](const m6::RunRecord& r) { runId = r.id; });
      QSignalSpy steps(&c, &TrainingController::stepsArrived);
      QVERIFY(c.startTraining(datasetId_, m6test::quickConfig(20, 16), "abandoned") > 0);
      QTRY_VERIFY_WITH_TIMEOUT(!steps.isEmpty(), 60000);
    }
    QVERIFY(runId > 0);
    QCOMPARE(m6test::integrity(path_), QString("ok"));
    auto ws = m6test::openWorkspace(path_);
    auto run = RunStore(*ws).run(runId);
    QVERIFY(run.ok());
    QCOMPARE(QString::fromStdString(m6::wordOf(run->status)), QString("stopped"));
  }
};

QTEST_GUILESS_MAIN(TestTrainingController)
#include "test_training_controller.moc"
