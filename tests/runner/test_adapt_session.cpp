// Adaptation through the runner: an adapted run is recorded with its parent, its
// adaptation report and zero-shot figures; compare runs zero-shot, adapted and scratch arms on the
// same budget; baselines save BPR's factors in their run folder; bad parents are refused.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <filesystem>

#include "app/runner/adapt_compare.h"
#include "app/runner/exports.h"
#include "app/runner/training_session.h"
#include "model/core/demo_data.h"
#include "model/package.h"
#include "storage/workspace.h"

class TestAdaptSession : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::unique_ptr<m6::Workspace> ws_;
  m6::DatasetInfo source_;
  m6::DatasetInfo target_;
  m6::DatasetSnapshot sourceData_;
  m6::DatasetSnapshot targetData_;
  m6::RunRecord parent_;

  static m6::RunConfig smallConfig()
  {
    m6::RunConfig c = m6::preset("quick");
    c.train.epochs = 1;
    c.train.batchSize = 64;
    return c;
  }

  m6::DatasetInfo addDemo(const std::string& name, int domain)
  {
    m6::DemoOptions o;
    o.name = name;
    o.users = 120;
    o.items = 240;
    o.interactions = 4800;
    o.domain = domain;
    auto id = ws_->writeDataset(m6::generateDemoDataset(o), {name, "", ""}, nullptr);
    if (!id.ok())
    {
      qFatal("%s", id.error().c_str());
    }
    return *ws_->datasetById(*id);
  }

 private Q_SLOTS:
  void initTestCase()
  {
    ws_ = std::move(*m6::Workspace::open(dir_.filePath("adapt.m6ws").toStdString()));
    source_ = addDemo("source", 0);
    target_ = addDemo("target", 1);
    sourceData_ = *ws_->loadSnapshot(source_.id);
    targetData_ = *ws_->loadSnapshot(target_.id);
    m6::TrainingSession session(*ws_, source_, sourceData_);
    auto run = session.createRun(smallConfig(), "parent");
    QVERIFY(run.ok());
    auto done = session.train(*run, smallConfig(), false);
    QVERIFY2(done.ok(), done.error().c_str());
    parent_ = *done;
  }

  void adaptedRunIsRecordedWithItsParentAndReport()
  {
    m6::TrainingSession session(*ws_, target_, targetData_);
    m6::AdaptOptions o;
    o.freezeAttention = true;
    auto run = session.createRun(smallConfig(), "adapted", parent_.id);
    QVERIFY(run.ok());
    auto done = session.adapt(*run, smallConfig(), parent_, o);
    QVERIFY2(done.ok(), done.error().c_str());
    QCOMPARE(QString::fromStdString(m6::wordOf(done->status)), QString("finished"));
    QCOMPARE(done->parentRun.value_or(0), parent_.id);
    const m6::Json* report = done->summary.find("adaptation");
    QVERIFY(report);
    const m6::AdaptReport r = m6::AdaptReport::fromJson(*report);
    QVERIFY(!r.names("frozen").empty());
    for (const auto& name : r.names("frozen"))
    {
      QVERIFY2(
          name.find("attention") != std::string::npos || name.find("fusion") != std::string::npos,
          name.c_str());
    }
    QVERIFY(!r.names("carried").empty());
    QVERIFY(r.trainableShare > 0 && r.trainableShare < 1);
    // Same task and scorer: the parent could be evaluated on the target before fine-tuning.
    const m6::ZeroShotResult z = m6::ZeroShotResult::fromJson(*done->summary.find("zero_shot"));
    QVERIFY(z.available);
    QVERIFY(z.test.has("ndcg@10"));
    QVERIFY(std::filesystem::exists(std::filesystem::path(done->folder) / "adapt.json"));
  }

  void newHeadMeansNoZeroShotAndColdItemsStayCold()
  {
    // Adapted to its own dataset with a tenth of the items cold: the parent learned ids for
    // those items, but the cold protocol must rank them by content only.
    m6::TrainingSession session(*ws_, source_, sourceData_);
    m6::RunConfig c = smallConfig();
    c.train.coldItemShare = 0.1;
    m6::AdaptOptions o;
    o.newHead = true;
    auto run = session.createRun(c, "cold, new head", parent_.id);
    QVERIFY(run.ok());
    auto done = session.adapt(*run, c, parent_, o);
    QVERIFY2(done.ok(), done.error().c_str());
    const m6::ZeroShotResult z = m6::ZeroShotResult::fromJson(*done->summary.find("zero_shot"));
    QVERIFY(!z.available);  // the head is new: the parent's figures would be a random head's
    QVERIFY2(z.note.find("new head") != std::string::npos, z.note.c_str());
    QVERIFY(done->summary.find("cold"));
    auto predictor = m6::Predictor::open(done->folder, sourceData_, c);
    const std::vector<uint8_t>& cold = predictor->coldItems();
    int coldCount = 0;
    for (const auto& w : m6::readWeights(done->folder))
    {
      if (w.name != "item_encoder.id.weight")
      {
        continue;
      }
      const int64_t dim = w.shape[1];
      for (size_t item = 0; item < cold.size(); ++item)
      {
        if (!cold[item])
        {
          continue;
        }
        ++coldCount;
        for (int64_t k = 0; k < dim; ++k)
        {
          QCOMPARE(w.values[item * static_cast<size_t>(dim) + static_cast<size_t>(k)], 0.0f);
        }
      }
    }
    QCOMPARE(coldCount, 24);  // 10% of 240 items
  }

  void baselinesAreLockedWhileTheyRunAndRunsCannotBeExportedWhileTraining()
  {
    m6::TrainingSession session(*ws_, source_, sourceData_);
    m6::RunStore store(*ws_);
    int checked = 0;
    m6::TrainCallbacks hooks;
    hooks.onEpoch = [&](const m6::EpochStats&)
    {
      const auto runs = store.runs();  // kept alive: the loop reads into it
      for (const auto& r : *runs)
      {
        if (r.kind != m6::RunKind::M6 && r.status == m6::RunStatus::Running)
        {
          QVERIFY(store.isActive(r.id));  // shown as running, not "interrupted"
          ++checked;
        }
      }
    };
    auto baselines = session.baselines(smallConfig(), hooks);
    QVERIFY2(baselines.ok(), baselines.error().c_str());
    QVERIFY(checked >= 2);
    for (const auto& r : *baselines)
    {
      QVERIFY(!store.isActive(r.id));
    }

    auto run = session.createRun(smallConfig(), "exported too early");
    QVERIFY(run.ok());
    std::string refused;
    m6::TrainCallbacks train;
    train.onEpoch = [&](const m6::EpochStats&)
    {
      auto current = store.run(run->id);
      auto info = m6::exportRunModel(store, *current, sourceData_,
                                     dir_.filePath("early.m6model").toStdString());
      refused = info.ok() ? "" : info.error();
    };
    QVERIFY(session.train(*run, smallConfig(), false, train).ok());
    QVERIFY2(refused.find("still training") != std::string::npos, refused.c_str());
    QVERIFY(!QFile::exists(dir_.filePath("early.m6model")));
    auto after = m6::exportRunModel(store, *store.run(run->id), sourceData_,
                                    dir_.filePath("done.m6model").toStdString());
    QVERIFY2(after.ok(), after.error().c_str());
  }

  void refusesABaselineParent()
  {
    m6::TrainingSession source(*ws_, source_, sourceData_);
    auto baselines = source.baselines(smallConfig());
    QVERIFY2(baselines.ok(), baselines.error().c_str());
    QCOMPARE(baselines->size(), m6::baselineNames().size());
    const m6::RunRecord& bpr = baselines->at(1);
    QCOMPARE(QString::fromStdString(m6::wordOf(bpr.kind)), QString("baseline-bpr"));
    // BPR's factors are kept in its run folder, for recommendations without retraining.
    const std::string factors = bpr.summary.value("factors", std::string());
    QVERIFY(!factors.empty());
    QVERIFY(factors.rfind(bpr.folder, 0) == 0);
    QVERIFY(std::filesystem::exists(factors));

    m6::TrainingSession session(*ws_, target_, targetData_);
    auto run = session.createRun(smallConfig(), "from a baseline", bpr.id);
    QVERIFY(run.ok());
    auto done = session.adapt(*run, smallConfig(), bpr, {});
    QVERIFY(!done.ok());
    QVERIFY2(done.error().find("baseline") != std::string::npos, done.error().c_str());
    m6::RunStore store(*ws_);
    QCOMPARE(QString::fromStdString(m6::wordOf(store.run(run->id)->status)), QString("failed"));
  }

  void compareRunsEveryArmOnTheSameBudget()
  {
    m6::TrainingSession session(*ws_, target_, targetData_);
    m6::CompareRequest request;
    request.config = smallConfig();
    request.fractions = {0.25, 1.0};
    std::vector<std::string> announced;
    auto result = compareAdaptation(session, parent_, request, {},
                                    [&](const std::string& s) { announced.push_back(s); });
    QVERIFY2(result.ok(), result.error().c_str());
    QCOMPARE(int(announced.size()), 4);
    // zero-shot, the target's most popular and BPR-MF, then 2 x (adapted, scratch)
    QCOMPARE(int(result->arms.size()), 7);
    QCOMPARE(QString::fromStdString(result->arms[0].arm), QString("zero-shot"));
    QCOMPARE(QString::fromStdString(result->arms[1].arm), QString("pop"));
    QCOMPARE(QString::fromStdString(result->arms[2].arm), QString("bpr"));
    for (const char* baseline : {"pop", "bpr"})
    {
      const m6::CompareArm* b = result->find(baseline, 1.0);
      QVERIFY(b && b->runId > 0 && m6::isBaselineArm(b->arm));
      QCOMPARE(QString::fromStdString(m6::wordOf(m6::RunStore(*ws_).run(b->runId)->kind)),
               QString("baseline-") + baseline);
      QCOMPARE(b->test.protocol, result->protocol);  // the same split and ranking
      QVERIFY(b->test.has("ndcg@10"));
    }
    QVERIFY(!result->protocol.empty());
    m6::RunStore store(*ws_);
    for (double f : request.fractions)
    {
      const m6::CompareArm* a = result->find("adapted", f);
      const m6::CompareArm* s = result->find("scratch", f);
      QVERIFY(a && s);
      QVERIFY(a->runId != s->runId);
      QCOMPARE(a->trainExamples, s->trainExamples);  // the same data and budget
      QVERIFY(a->test.has("ndcg@10") && s->test.has("ndcg@10"));
      QCOMPARE(store.run(a->runId)->parentRun.value_or(0), parent_.id);
      QVERIFY(!store.run(s->runId)->parentRun.has_value());
    }
    // A quarter of the data is a quarter of the examples (to rounding).
    const double ratio = double(result->find("adapted", 0.25)->trainExamples) /
                         double(result->find("adapted", 1.0)->trainExamples);
    QVERIFY2(ratio > 0.2 && ratio < 0.3, QByteArray::number(ratio));
    const m6::Json j = result->toJson();
    QCOMPARE(int(j.at("arms").size()), 7);
  }

  void compareStopsWhenCancelledAndKeepsWhatRan()
  {
    m6::TrainingSession session(*ws_, target_, targetData_);
    m6::CompareRequest request;
    request.config = smallConfig();
    request.fractions = {0.1, 0.5};
    std::atomic<bool> cancel{false};
    m6::TrainCallbacks hooks;
    hooks.cancel = &cancel;
    int arms = 0;
    m6::RunStore store(*ws_);
    const size_t before = store.runs()->size();
    auto result = compareAdaptation(session, parent_, request, hooks,
                                    [&](const std::string&)
                                    {
                                      if (++arms == 2)
                                      {
                                        cancel = true;  // the second arm stops at once
                                      }
                                    });
    QVERIFY(!result.ok());
    QVERIFY(m6::isCancelled(result));
    QCOMPARE(store.runs()->size(), before + 2);  // the finished arm and the stopped one

    request.fractions = {0.0};
    auto bad = compareAdaptation(session, parent_, request);
    QVERIFY(!bad.ok());
    QVERIFY2(bad.error().find("(0, 1]") != std::string::npos, bad.error().c_str());
  }
};

QTEST_GUILESS_MAIN(TestAdaptSession)
#include "test_adapt_session.moc"
