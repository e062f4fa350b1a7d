// The adaptation bridge without widgets, on two tiny demo domains and a copy of the
// second without ratings, with a parent trained by the runner:
//  - AdaptInfo lists the datasets, describes a target and previews an adaptation; of two
//    previews asked back to back only the latest is answered here; a baseline parent is an
//    answer with a sentence, not a failure;
//  - TrainingController::startAdapt refuses a rating task on a dataset without ratings with the
//    field named, and records an adapted run with its parent and report;
//  - startCompare with one share ends with zero-shot, adapted and scratch arms and an arm signal
//    per trained arm; stop() during the first arm ends it as cancelled;
//  - RunExporter refuses a baseline with a sentence, and writes a model file that opens.
#include <QSignalSpy>
#include <QtTest>

#include "app/bridge/adapt_info.h"
#include "app/bridge/run_exporter.h"
#include "app/bridge/snapshot_store.h"
#include "app/bridge/training_controller.h"
#include "app/runner/training_session.h"
#include "model/package.h"
#include "storage/runs.h"
#include "train_test_support.h"

using namespace m6;

class TestAdaptBridge : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString path_;
  qint64 source_ = 0;
  qint64 target_ = 0;
  qint64 plain_ = 0;
  qint64 parent_ = 0;
  qint64 baseline_ = 0;

  static DemoOptions tiny(const std::string& name, int domain)
  {
    DemoOptions o;
    o.name = name;
    o.users = 120;
    o.items = 240;
    o.interactions = 4800;
    o.domain = domain;
    return o;
  }

 private Q_SLOTS:
  void initTestCase()
  {
    registerBridgeTypes();
    path_ = dir_.filePath("adapt.m6ws");
    auto ws = m6test::openWorkspace(path_);
    source_ = m6test::addDemo(*ws, tiny("source", 0));
    target_ = m6test::addDemo(*ws, tiny("target", 1));
    DatasetSnapshot plain = generateDemoDataset(tiny("plain", 1));
    plain.rating.clear();
    auto id = ws->writeDataset(plain, {"demo", "", ""}, nullptr);
    QVERIFY(id.ok());
    plain_ = *id;
    auto info = ws->datasetById(source_);
    auto snap = ws->loadSnapshot(source_);
    QVERIFY(info.ok() && snap.ok());
    TrainingSession session(*ws, *info, *snap);
    const RunConfig c = m6test::quickConfig(1);
    auto run = session.createRun(c, "parent");
    QVERIFY(run.ok());
    auto trained = session.train(*run, c, false);
    QVERIFY(trained.ok());
    parent_ = trained->id;
    RunRecord b;
    b.name = "most popular";
    b.datasetId = source_;
    b.kind = m6::RunKind::BaselinePop;
    b.task = m6::Task::Ranking;
    b.status = m6::RunStatus::Finished;
    auto bid = RunStore(*ws).create(b);
    QVERIFY(bid.ok());
    baseline_ = *bid;
  }

  void previewsAnswerTheLatestOnly()
  {
    AdaptInfo info(path_, std::make_shared<SnapshotStore>());
    QSignalSpy lists(&info, &AdaptInfo::datasetsListed);
    QSignalSpy schemas(&info, &AdaptInfo::schemaReady);
    QSignalSpy previews(&info, &AdaptInfo::previewReady);
    info.listDatasets();
    QTRY_COMPARE(lists.count(), 1);
    QCOMPARE(int(lists.first().at(0).value<DatasetList>().size()), 3);
    info.describe(plain_);
    QTRY_COMPARE_WITH_TIMEOUT(schemas.count(), 1, 30000);
    QVERIFY(!schemas.first().at(0).value<SchemaInfo>().schema.hasRatings);

    const RunConfig c = m6test::quickConfig(1);
    AdaptOptions first;
    AdaptOptions peft;
    peft.parameterEfficient = true;
    info.preview(parent_, target_, c, first);
    info.preview(parent_, target_, adaptedConfig(c, peft), peft);
    QTRY_COMPARE_WITH_TIMEOUT(previews.count(), 1, 60000);
    // The worker answers in order: once a later request is answered, a late answer for the
    // superseded preview would be in.
    info.listDatasets();
    QTRY_COMPARE_WITH_TIMEOUT(lists.count(), 2, 30000);
    QCOMPARE(previews.count(), 1);
    const AdaptPreview p = previews.first().at(0).value<AdaptPreview>();
    QVERIFY2(p.ok, qPrintable(p.error));
    QVERIFY(p.report.trainableShare < 0.2);  // the PEFT one, not the first
    QVERIFY(!p.report.names("added").empty());

    info.preview(baseline_, target_, c, first);
    QTRY_COMPARE_WITH_TIMEOUT(previews.count(), 2, 60000);
    const AdaptPreview b = previews.last().at(0).value<AdaptPreview>();
    QVERIFY(!b.ok);
    QVERIFY(b.error.contains("baseline"));
  }

  void adaptRefusesAnInvalidTaskAndRecordsAnAdaptedRun()
  {
    TrainingController c(path_, std::make_shared<SnapshotStore>());
    QSignalSpy failed(&c, &TrainingController::jobFailed);
    QSignalSpy finished(&c, &TrainingController::runFinished);
    QSignalSpy ended(&c, &TrainingController::jobEnded);
    QSignalSpy log(&c, &TrainingController::logLine);
    AdaptRequest r;
    r.parentRun = parent_;
    r.datasetId = plain_;
    r.config = m6test::quickConfig(1);
    r.config.model.task = m6::Task::Rating;
    r.name = "refused";
    QVERIFY(c.startAdapt(r) > 0);
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 60000);
    QCOMPARE(failed.count(), 1);
    QVERIFY(failed.first().at(0).toString().contains("model.task"));

    r.datasetId = target_;
    r.config.model.task = m6::Task::Ranking;
    r.name = "adapted";
    QVERIFY(c.startAdapt(r) > 0);
    QCOMPARE(c.startAdapt(r), quint64(0));  // one job at a time
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 2, 120000);
    QCOMPARE(finished.count(), 1);
    const RunRecord run = finished.first().at(0).value<RunRecord>();
    QCOMPARE(run.status, m6::RunStatus::Finished);
    QVERIFY(run.parentRun && *run.parentRun == parent_);
    QVERIFY(run.summary.find("adaptation"));
    bool reportLogged = false;
    for (const auto& args : log)
    {
      reportLogged = reportLogged || args.at(0).toString().contains("parameters trainable");
    }
    QVERIFY(reportLogged);
  }

  void compareEndsWithEveryArm()
  {
    TrainingController c(path_, std::make_shared<SnapshotStore>());
    QSignalSpy arms(&c, &TrainingController::armStarted);
    QSignalSpy done(&c, &TrainingController::comparisonFinished);
    QSignalSpy ended(&c, &TrainingController::jobEnded);
    CompareJob job;
    job.parentRun = parent_;
    job.datasetId = target_;
    job.request.config = m6test::quickConfig(1);
    job.request.fractions = {0.5};
    QVERIFY(c.startCompare(job) > 0);
    QCOMPARE(c.job(), TrainingController::Job::Comparison);
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 180000);
    QCOMPARE(done.count(), 1);
    QCOMPARE(arms.count(), 2);
    QCOMPARE(arms.at(1).at(1).toInt(), 2);
    QCOMPARE(arms.at(1).at(2).toInt(), 2);
    const AdaptComparison r = done.first().at(0).value<AdaptComparison>();
    QVERIFY(r.find("zero-shot", 0));
    QVERIFY(r.find("adapted", 0.5) && r.find("adapted", 0.5)->runId > 0);
    QVERIFY(r.find("scratch", 0.5) && r.find("scratch", 0.5)->runId > 0);

    // Stopped in its first arm: cancelled, the arm recorded as stopped.
    QSignalSpy cancelled(&c, &TrainingController::jobCancelled);
    job.request.config = m6test::quickConfig(50, 16);
    QVERIFY(c.startCompare(job) > 0);
    QTRY_COMPARE_WITH_TIMEOUT(arms.count(), 3, 60000);
    c.stop();
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 2, 120000);
    QCOMPARE(cancelled.count(), 1);
    QCOMPARE(done.count(), 1);
  }

  void exporterRefusesABaselineAndWritesAModel()
  {
    RunExporter x(path_, std::make_shared<SnapshotStore>());
    QSignalSpy failed(&x, &RunExporter::failed);
    QSignalSpy finished(&x, &RunExporter::finished);
    QVERIFY(x.exportModel(baseline_, dir_.filePath("b.m6model")) > 0);
    QCOMPARE(x.exportModel(parent_, dir_.filePath("p.m6model")), quint64(0));  // busy
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 60000);
    QVERIFY(failed.first().at(0).toString().contains("baseline"));
    QVERIFY(!QFileInfo::exists(dir_.filePath("b.m6model")));
    QVERIFY(x.exportModel(parent_, dir_.filePath("p.m6model")) > 0);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    const ExportResult r = finished.first().at(0).value<ExportResult>();
    QCOMPARE(r.bytes, QFileInfo(dir_.filePath("p.m6model")).size());
    QCOMPARE(ModelPackage::open(r.path.toStdString())->card().name, std::string("parent"));
  }
};

QTEST_GUILESS_MAIN(TestAdaptBridge)
#include "test_adapt_bridge.moc"
