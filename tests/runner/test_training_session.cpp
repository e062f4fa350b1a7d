// TrainingSession records runs even when the workspace is busy (a long import holds the write
// lock) and refuses to train a run that is already being trained.
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <chrono>
#include <thread>

#include "app/runner/training_session.h"
#include "model/core/demo_data.h"
#include "storage/sqlite.h"
#include "storage/workspace.h"

class TestTrainingSession : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;

  static m6::RunConfig smallConfig()
  {
    m6::RunConfig c = m6::preset("quick");
    c.train.epochs = 2;
    c.train.batchSize = 64;
    return c;
  }

 private Q_SLOTS:
  void recordsEverythingWhileTheWorkspaceIsBusy()
  {
    const std::string path = dir_.filePath("busy.m6ws").toStdString();
    auto ws = std::move(*m6::Workspace::open(path));
    m6::DemoOptions o;
    o.users = 60;
    o.items = 120;
    o.interactions = 2400;
    auto snap = m6::generateDemoDataset(o);
    auto id = ws->writeDataset(snap, {"demo", "", ""}, nullptr);
    QVERIFY(id.ok());
    auto info = *ws->datasetById(*id);
    auto loaded = *ws->loadSnapshot(*id);
    m6::TrainingSession session(*ws, info, loaded);
    auto run = session.createRun(smallConfig(), "busy", std::nullopt);
    QVERIFY(run.ok());

    // Another connection takes the write lock at the first step and keeps it for 7 s, as an
    // import's commit would.
    std::atomic<bool> started{false};
    std::atomic<bool> released{false};
    std::thread blocker(
        [&]
        {
          while (!started)
          {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
          }
          m6::sql::Db other;
          other.open(path, false);
          other.exec("BEGIN IMMEDIATE");
          other.exec("INSERT INTO settings(key, value) VALUES ('blocker', 'x')");
          std::this_thread::sleep_for(std::chrono::seconds(7));  // longer than the default 5 s wait
          other.exec("COMMIT");
          released = true;
        });
    int64_t lastStep = 0;
    int epochs = 0;
    m6::TrainCallbacks hooks;
    hooks.onStep = [&](const m6::StepStats& s)
    {
      started = true;
      lastStep = s.step;
    };
    hooks.onEpoch = [&](const m6::EpochStats&) { ++epochs; };
    auto result = session.train(*run, smallConfig(), false, hooks);
    blocker.join();
    QVERIFY2(result.ok(), result.error().c_str());
    QCOMPARE(QString::fromStdString(m6::wordOf(result->status)), QString("finished"));
    QVERIFY(released);
    m6::RunStore store(*ws);
    auto steps = *store.steps(run->id);
    QCOMPARE(int64_t(steps.size()), lastStep);  // none lost while the lock was held
    QCOMPARE(steps.back().step, lastStep);
    QCOMPARE(int(store.epochs(run->id)->size()), epochs);
    QVERIFY(!result->test.empty());
  }

  void aRunIsTrainedOnceAtATime()
  {
    const std::string path = dir_.filePath("twice.m6ws").toStdString();
    auto ws = std::move(*m6::Workspace::open(path));
    m6::DemoOptions o;
    o.users = 40;
    o.items = 80;
    o.interactions = 1200;
    auto id = *ws->writeDataset(m6::generateDemoDataset(o), {"demo", "", ""}, nullptr);
    auto info = *ws->datasetById(id);
    auto loaded = *ws->loadSnapshot(id);
    m6::TrainingSession session(*ws, info, loaded);
    auto run = *session.createRun(smallConfig(), "once", std::nullopt);

    std::atomic<bool> pause{false};
    std::atomic<bool> paused{false};
    std::thread trainer(
        [&]
        {
          auto ws2 = std::move(*m6::Workspace::open(path, false));
          m6::TrainingSession s2(*ws2, info, loaded);
          m6::TrainCallbacks hooks;
          hooks.pause = &pause;
          hooks.onStep = [&](const m6::StepStats& s)
          {
            if (s.step == 2)
            {
              pause = true;  // hold the run open while the main thread tries again
              paused = true;
            }
          };
          auto r = s2.train(run, smallConfig(), false, hooks);
          QVERIFY(r.ok());
        });
    QTRY_VERIFY_WITH_TIMEOUT(paused.load(), 60000);
    m6::RunStore store(*ws);
    QVERIFY(store.isActive(run.id));
    auto second = session.train(run, smallConfig(), false);
    QVERIFY(!second.ok());
    QVERIFY2(QString::fromStdString(second.error()).contains("already being trained"),
             second.error().c_str());
    pause = false;
    trainer.join();
    QVERIFY(!store.isActive(run.id));
    QCOMPARE(QString::fromStdString(m6::wordOf(store.run(run.id)->status)), QString("finished"));
  }
};

QTEST_GUILESS_MAIN(TestTrainingSession)
#include "test_training_session.moc"
