// Task adaptation through the window, on two tiny demo domains (~120 users, 240 items,
// 4,800 interactions each; the second shares the first's tags and tastes, not its ids) and a
// copy of the second without ratings, with a parent run trained by the runner in initTestCase:
//  - the Adapt dialog's preview lists frozen parameters once a freeze box is ticked, and its
//    trainable share drops in parameter-efficient mode;
//  - a rating task on the dataset without ratings blocks Start with a message naming ratings;
//  - an adaptation started from the dialog trains on the Train page (log with the report), the
//    new run shows its parent in the table and its lineage beside it (parent link selects the
//    parent's row, which lists it as a child); stopped after an epoch it resumes from the run
//    list and finishes; with Processes 2 it trains data-parallel (an m6-cli process beside);
//  - "Adapt run…" and the model exports are disabled, saying why, for a baseline or no run;
//  - a run under the cold-item protocol shows its cold-item figures beside the table;
//  - the comparison view fills its table and bars from a real comparison with two shares, and
//    exports CSV and PNG;
//  - Export model writes a file ModelPackage::open reads, recommendations and metric history
//    write CSV files, embeddings write the projector pair; a baseline cannot be exported.
//
// Over 500 lines: the cases share the trained parent run, the expensive part of the test.
#include <qcustomplot.h>

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QtTest>

#include "../app/train_test_support.h"
#include "app/bridge/run_exporter.h"
#include "app/bridge/run_library.h"
#include "app/bridge/snapshot_store.h"
#include "app/bridge/training_controller.h"
#include "app/runner/training_session.h"
#include "gui_test_main.h"
#include "model/package.h"
#include "storage/runs.h"
#include "ui/adapt_actions.h"
#include "ui/adapt_dialog.h"
#include "ui/adapt_lineage_panel.h"
#include "ui/adapt_options_box.h"
#include "ui/adapt_report_model.h"
#include "ui/compare_chart.h"
#include "ui/compare_dialog.h"
#include "ui/config_form.h"
#include "ui/configure_page.h"
#include "ui/dataset_list_panel.h"
#include "ui/dataset_view.h"
#include "ui/export_actions.h"
#include "ui/main_window.h"
#include "ui/model_pages.h"
#include "ui/plot_frame.h"
#include "ui/run_table_model.h"
#include "ui/runs_page.h"
#include "ui/train_page.h"
#include "window_test_support.h"

using namespace m6;

namespace
{

DemoOptions tinyDemo(const std::string& name, int domain)
{
  DemoOptions o;
  o.name = name;
  o.users = 120;
  o.items = 240;
  o.interactions = 4800;
  o.domain = domain;
  return o;
}

}  // namespace

class TestAdaptPages : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString path_;
  qint64 parent_ = 0;
  qint64 cold_ = 0;
  std::unique_ptr<MainWindow> window_;

  ModelPages* pages() const { return window_->modelPages(); }
  RunsPage* runs() const { return pages()->runsPage(); }
  void waitIdle() { QTRY_VERIFY_WITH_TIMEOUT(!pages()->controller()->busy(), 180000); }

  const RunEntry* entryNamed(const QString& name) const
  {
    const RunTableModel* m = runs()->model();
    for (int r = 0; r < m->rowCount(); ++r)
    {
      const RunEntry* e = m->entry(m->index(r, 0));
      if (e && QString::fromStdString(e->record.name) == name)
      {
        return e;
      }
    }
    return nullptr;
  }

  AdaptDialog* openDialog(const QString& target)
  {
    [&] { QTRY_VERIFY_WITH_TIMEOUT(runs()->model()->indexOf(parent_).isValid(), 30000); }();
    runs()->selectRuns({parent_});
    AdaptActions* a = pages()->adaptActions();
    [&] { QTRY_VERIFY2(a->adaptAction()->isEnabled(), qPrintable(a->adaptAction()->toolTip())); }();
    a->adaptAction()->trigger();
    AdaptDialog* d = a->adaptDialog();
    if (!d)
    {
      return nullptr;
    }
    [&] { QTRY_VERIFY(d->targetCombo()->count() >= 3); }();
    d->selectTarget(target);
    return d;
  }

  /// Waits for the preview of the dialog's current settings.
  static void waitPreview(AdaptDialog* d)
  {
    QTRY_VERIFY_WITH_TIMEOUT(d->previewCurrent(), 60000);
    QVERIFY2(d->previewOk(), qPrintable(d->summaryText()));
  }

 private Q_SLOTS:
  void initTestCase()
  {
    path_ = dir_.filePath("adapt.m6ws");
    auto ws = m6test::openWorkspace(path_);
    const int64_t source = m6test::addDemo(*ws, tinyDemo("source", 0));
    m6test::addDemo(*ws, tinyDemo("target", 1));
    DatasetSnapshot plain = generateDemoDataset(tinyDemo("noratings", 1));
    plain.rating.clear();
    QVERIFY(ws->writeDataset(plain, {"demo", "", ""}, nullptr).ok());
    // The parent: one epoch of the quick preset on the first domain, through the runner.
    auto snap = ws->loadSnapshot(source);
    QVERIFY(snap.ok());
    auto list = ws->datasets();
    QVERIFY(list.ok());
    DatasetInfo info;
    for (const DatasetInfo& d : *list)
    {
      if (d.id == source)
      {
        info = d;
      }
    }
    TrainingSession session(*ws, info, *snap);
    const RunConfig config = m6test::quickConfig(1);
    auto run = session.createRun(config, "parent");
    QVERIFY(run.ok());
    auto trained = session.train(*run, config, false);
    QVERIFY2(trained.ok(), trained.ok() ? "" : trained.error().c_str());
    parent_ = trained->id;
    // A run under the cold-item protocol: 10% of the items never trained on.
    RunConfig cold = config;
    cold.train.coldItemShare = 0.1;
    auto coldRun = session.createRun(cold, "cold items");
    QVERIFY(coldRun.ok());
    auto coldTrained = session.train(*coldRun, cold, false);
    QVERIFY(coldTrained.ok() && coldTrained->summary.find("cold"));
    cold_ = coldTrained->id;

    m6test::openWindowOn(window_, path_, "source");
  }

  void cleanupTestCase() { window_.reset(); }

  void previewShowsFrozenAndPeftShare()
  {
    AdaptDialog* d = openDialog("target");
    QVERIFY(d);
    waitPreview(d);
    QVERIFY(d->reportModel()->rowCount() > 5);
    QCOMPARE(d->reportModel()->frozenCount(), 0);
    const double full = d->reportModel()->report().trainableShare;
    QVERIFY(full > 0.5);
    // Different item ids: the id table is carried only partly (by nothing) or not at all.
    QVERIFY(!d->reportModel()->report().names("carried").empty());

    d->optionsBox()->freezeEncoders()->setChecked(true);
    waitPreview(d);
    QVERIFY(d->reportModel()->frozenCount() > 0);
    const auto frozen = d->reportModel()->report().names("frozen");
    QVERIFY(!frozen.empty());
    bool encoder = false;
    for (const std::string& n : frozen)
    {
      encoder = encoder || QString::fromStdString(n).contains("encoder");
    }
    QVERIFY(encoder);
    const int frozenRow = [&]
    {
      for (int r = 0; r < d->reportModel()->rowCount(); ++r)
      {
        if (d->reportModel()->data(d->reportModel()->index(r, AdaptReportModel::Training)) ==
            "frozen")
        {
          return r;
        }
      }
      return -1;
    }();
    QVERIFY(frozenRow >= 0);
    const double frozenShare = d->reportModel()->report().trainableShare;
    QVERIFY(frozenShare < full);

    d->optionsBox()->parameterEfficient()->setChecked(true);
    QVERIFY(d->adapterWidthSpin()->value() > 0);  // PEFT needs adapters: set for the user
    waitPreview(d);
    const double peft = d->reportModel()->report().trainableShare;
    QVERIFY2(peft < frozenShare && peft < 0.2, qPrintable(d->summaryText()));
    QVERIFY(!d->reportModel()->report().names("added").empty());  // the adapters
    QVERIFY(d->summaryText().contains("parameters trainable"));
    QVERIFY(d->canStart());
    QVERIFY(d->startButton()->isEnabled());
    d->reject();
  }

  void ratingTaskWithoutRatingsBlocksStart()
  {
    AdaptDialog* d = openDialog("noratings");
    QVERIFY(d);
    QTRY_VERIFY_WITH_TIMEOUT(d->form()->hasSchema(), 60000);
    QTRY_VERIFY(d->canStart());
    d->taskCombo()->setCurrentText("rating");
    QVERIFY(!d->canStart());
    QVERIFY(!d->startButton()->isEnabled());
    QVERIFY2(d->messageLabel()->text().contains("ratings"), qPrintable(d->messageLabel()->text()));
    QVERIFY(d->messageLabel()->text().contains("model.task"));
    QSignalSpy started(d, &AdaptDialog::startRequested);
    QTest::mouseClick(d->startButton(), Qt::LeftButton);
    QCOMPARE(started.count(), 0);
    // Back to ranking: allowed again.
    d->taskCombo()->setCurrentText("ranking");
    QTRY_VERIFY(d->canStart());
    d->reject();
  }

  void adaptThroughTheWindowThenResume()
  {
    AdaptDialog* d = openDialog("target");
    QVERIFY(d);
    d->epochsSpin()->setValue(3);
    d->nameEdit()->setText("adapted");
    waitPreview(d);
    QSignalSpy epochs(pages()->controller(), &TrainingController::epochEnded);
    QTest::mouseClick(d->startButton(), Qt::LeftButton);
    QVERIFY(pages()->controller()->busy());
    QCOMPARE(window_->datasetView()->currentWidget(), pages()->trainPage());
    // Stopped once the first epoch is validated: a stopped adapted run to resume.
    QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 1, 120000);
    pages()->controller()->stop();
    waitIdle();
    QTRY_VERIFY(entryNamed("adapted") &&
                entryNamed("adapted")->record.status == m6::RunStatus::Stopped);
    const qint64 id = entryNamed("adapted")->record.id;
    QTRY_VERIFY(runs()->canResume(id));
    QVERIFY(pages()->resumeRun(id));
    waitIdle();
    QTRY_VERIFY(entryNamed("adapted")->record.status == m6::RunStatus::Finished);
    QCOMPARE(entryNamed("adapted")->record.epochsRun, 3);
    QVERIFY(entryNamed("adapted")->record.summary.find("adaptation"));

    // Lineage in the table: the parent column, sortable; the detail beside it links both ways.
    const RunTableModel* m = runs()->model();
    QCOMPARE(m->data(m->indexOf(id, RunTableModel::Parent)).toString(),
             QString("parent (run %1)").arg(parent_));
    QCOMPARE(m->data(m->indexOf(parent_, RunTableModel::Parent)).toString(), QString());
    runs()->view()->sortByColumn(RunTableModel::Parent, Qt::AscendingOrder);
    QCOMPARE(runs()->view()->model()->index(0, RunTableModel::Id).data().toLongLong(), id);
    runs()->selectRuns({id});
    QCOMPARE(runs()->lineage()->shownRun(), id);
    QVERIFY(runs()->lineage()->text().contains("Adapted from"));
    QVERIFY(runs()->lineage()->text().contains(QString("run:%1").arg(parent_)));
    QVERIFY(runs()->lineage()->text().contains("parameters trainable"));
    QVERIFY(runs()->lineage()->text().contains("Zero-shot"));
    runs()->lineage()->openLink(QString("run:%1").arg(parent_));
    QCOMPARE(runs()->selectedRuns(), QList<qint64>{parent_});
    QCOMPARE(runs()->lineage()->childrenOf(parent_), QList<qint64>{id});
    QVERIFY(runs()->lineage()->text().contains(QString("run:%1").arg(id)));
    QVERIFY(pages()->trainPage()->logText().contains("adaptation: "));
  }

  void adaptInTwoProcesses()
  {
    qputenv("M6_CLI", M6_BINARY_DIR "/app/exe/m6-cli");  // the other rank's program
    AdaptDialog* d = openDialog("target");
    QVERIFY(d);
    d->epochsSpin()->setValue(1);
    d->nameEdit()->setText("adapted in two");
    d->processesSpin()->setMaximum(2);  // this machine may have one core; the job still runs
    d->processesSpin()->setValue(2);
    waitPreview(d);
    QCOMPARE(d->request().processes, 2);
    QTest::mouseClick(d->startButton(), Qt::LeftButton);
    waitIdle();
    QTRY_VERIFY(entryNamed("adapted in two") &&
                entryNamed("adapted in two")->record.status == m6::RunStatus::Finished);
    const RunRecord& run = entryNamed("adapted in two")->record;
    const Json* how = run.summary.find("distributed");
    QVERIFY2(how, run.summary.dump().c_str());
    QCOMPARE(how->value("world_size", int64_t(0)), int64_t(2));
    QVERIFY(run.summary.find("adaptation"));
    QVERIFY(run.parentRun && *run.parentRun == parent_);
  }

  void adaptAndExportRefusedForABaseline()
  {
    runs()->selectRuns({});
    AdaptActions* a = pages()->adaptActions();
    QVERIFY(!a->adaptAction()->isEnabled());
    QVERIFY(a->adaptAction()->toolTip().contains("Select one run"));
    QVERIFY(a->adaptBlocker(999999).contains("Select one run"));
    QVERIFY(!a->openAdaptDialog(999999));
    // A baseline record (as the baselines job writes one): no weights to carry or export.
    qint64 baseline = 0;
    {
      auto ws = m6test::openWorkspace(path_);
      RunRecord r;
      r.name = "most popular";
      r.datasetId = runs()->model()->find(parent_)->record.datasetId;
      r.kind = m6::RunKind::BaselinePop;
      r.task = m6::Task::Ranking;
      r.status = m6::RunStatus::Finished;
      auto id = RunStore(*ws).create(r);
      QVERIFY(id.ok());
      baseline = *id;
    }
    pages()->library()->refresh();
    QTRY_VERIFY(runs()->model()->indexOf(baseline).isValid());
    runs()->selectRuns({baseline});
    QVERIFY(!a->adaptAction()->isEnabled());
    QVERIFY(a->adaptAction()->toolTip().contains("baseline"));
    QVERIFY(!a->openAdaptDialog(baseline));
    ExportActions* x = pages()->exportActions();
    QVERIFY(!x->modelAction()->isEnabled());
    QVERIFY(x->modelAction()->toolTip().contains("baseline"));
    QVERIFY(x->historyAction()->isEnabled());
    // Both menus carry the entries.
    QVERIFY(runs()->runMenu()->actions().contains(a->adaptAction()));
    QVERIFY(runs()->runMenu()->actions().contains(x->modelAction()));
  }

  void comparisonFillsTableAndBars()
  {
    const qint64 target = [&]
    {
      const auto& list = window_->datasetList()->model()->datasets();
      for (const DatasetInfo& d : list)
      {
        if (d.name == "target")
        {
          return d.id;
        }
      }
      return int64_t(0);
    }();
    CompareDialog* c = pages()->adaptActions()->openCompare(parent_, target);
    QVERIFY(c);
    QTRY_COMPARE(c->targetDataset(), target);
    QTRY_COMPARE(c->parentRun(), parent_);
    c->setFractions({0.25, 1.0});
    c->epochsSpin()->setValue(1);
    QSignalSpy arms(pages()->controller(), &TrainingController::armStarted);
    QVERIFY(c->start());
    QVERIFY(c->stopButton()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!c->running(), 240000);
    QVERIFY2(c->statusLabel()->text().startsWith("Finished"), qPrintable(c->statusLabel()->text()));
    QCOMPARE(arms.count(), 4);
    QCOMPARE(arms.last().at(1).toInt(), 4);
    // The Train page says which arm ran last (the comparison's steps stay off its plot).
    auto* title = window_->findChild<QLabel*>(QStringLiteral("trainTitle"));
    QVERIFY(title);
    QVERIFY2(title->text().contains("Adaptation comparison") && title->text().contains("(4 of 4)"),
             qPrintable(title->text()));
    const AdaptComparison& r = c->comparison();
    QVERIFY(r.find("zero-shot", 0));
    QCOMPARE(int(r.arms.size()), 7);
    QCOMPARE(c->table()->rowCount(), 7);
    QCOMPARE(c->table()->horizontalHeaderItem(2)->text(), QString("ndcg@10"));
    QCOMPARE(c->table()->item(0, 0)->text(), QString("zero-shot"));
    QVERIFY(!c->table()->item(1, 2)->text().isEmpty());
    QVERIFY(c->protocolLabel()->text().contains("Protocol"));
    QCOMPARE(c->chart()->adaptedBars()->data()->size(), 2);
    QCOMPARE(c->chart()->scratchBars()->data()->size(), 2);
    QCOMPARE(c->chart()->zeroShotLine()->dataCount(), 2);
    QCOMPARE(c->table()->item(1, 0)->text(), QString("most popular (target)"));
    QCOMPARE(c->chart()->popularLine()->dataCount(), 2);
    QCOMPARE(c->chart()->popularLine()->data()->at(0)->value,
             r.find("pop", 1.0)->test.get("ndcg@10"));
    QCOMPARE(c->chart()->adaptedBars()->data()->at(1)->value,
             r.find("adapted", 1.0)->test.get("ndcg@10"));
    // Every trained arm is a run in the table; the adapted ones have the parent.
    QTRY_VERIFY(runs()->model()->indexOf(r.find("adapted", 0.25)->runId).isValid());
    QCOMPARE(*runs()->model()->find(r.find("adapted", 0.25)->runId)->record.parentRun, parent_);
    const QString csv = dir_.filePath("compare.csv");
    QVERIFY(c->exportCsvTo(csv));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 8);
    QVERIFY(lines[0].startsWith("arm,share,"));
    QVERIFY2(lines[2].startsWith("pop,1,"), qPrintable(lines[2]));
    QString error;
    QVERIFY2(c->chart()->frame()->saveTo(dir_.filePath("compare.png"), &error), qPrintable(error));
    QVERIFY(QFileInfo(dir_.filePath("compare.png")).size() > 1000);
    c->close();
  }

  void comparisonConfigMustFitTheTarget()
  {
    qint64 noRatings = 0;
    for (const DatasetInfo& d : window_->datasetList()->model()->datasets())
    {
      noRatings = d.name == "noratings" ? d.id : noRatings;
    }
    QVERIFY(noRatings > 0);
    CompareDialog* c = pages()->adaptActions()->openCompare(parent_, noRatings);
    QVERIFY(c);
    QTRY_COMPARE(c->targetDataset(), noRatings);
    QTRY_VERIFY_WITH_TIMEOUT(c->hasSchema(), 60000);
    c->taskCombo()->setCurrentText(QStringLiteral("rating"));
    QVERIFY(!c->start());
    QVERIFY(!pages()->controller()->busy());
    QVERIFY2(c->statusLabel()->text().contains("model.task"), qPrintable(c->statusLabel()->text()));
    c->close();
  }

  void coldItemFiguresInTheRunDetail()
  {
    QTRY_VERIFY(runs()->model()->indexOf(cold_).isValid());
    runs()->selectRuns({cold_});
    const QString text = runs()->lineage()->text();
    QVERIFY2(text.contains("Cold items"), qPrintable(text));
    QVERIFY(text.contains("held out of training"));
    QVERIFY(text.contains("random ranking: ndcg@10"));
    QVERIFY(text.contains("ranked among the cold items"));  // the cold figures' protocol
    QVERIFY(text.contains("Trained from scratch"));
    runs()->selectRuns({parent_});
    QVERIFY(!runs()->lineage()->text().contains("Cold items"));
  }

  void exportsFromTheRunTable()
  {
    runs()->selectRuns({parent_});
    ExportActions* x = pages()->exportActions();
    x->setShowErrors(false);
    QVERIFY(x->modelAction()->isEnabled());
    QSignalSpy ended(x, &ExportActions::exportEnded);
    const QString model = dir_.filePath("parent.m6model");
    QVERIFY(x->exportModelTo(parent_, model));
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 60000);
    QVERIFY2(ended.last().at(0).toBool(), qPrintable(ended.last().at(1).toString()));
    QVERIFY(x->lastMessage().contains(model));
    QVERIFY(x->lastMessage().contains("KB") || x->lastMessage().contains("MB"));
    auto package = ModelPackage::open(model.toStdString());
    QCOMPARE(package->card().name, std::string("parent"));
    QCOMPARE(package->numUsers(), int64_t(120));

    const QString recs = dir_.filePath("recs.csv");
    QVERIFY(x->exportRecommendationsTo(parent_, recs, 5));
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 2, 60000);
    QVERIFY2(ended.last().at(0).toBool(), qPrintable(ended.last().at(1).toString()));
    QFile f(recs);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.first(), QString("user,rank,item,score"));
    QCOMPARE(lines.size(), 1 + 120 * 5);

    const QString emb = dir_.filePath("emb");
    QVERIFY(x->exportEmbeddingsTo(parent_, emb));
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 3, 60000);
    QVERIFY2(ended.last().at(0).toBool(), qPrintable(ended.last().at(1).toString()));
    QVERIFY(QFileInfo::exists(emb + "/projector/items/vectors.tsv"));
    QVERIFY(QFileInfo::exists(emb + "/projector/items/metadata.tsv"));
    QVERIFY(QFileInfo::exists(emb + "/item_embeddings.csv"));

    const QString hist = dir_.filePath("history.csv");
    QVERIFY(x->exportHistoryTo({parent_}, hist));
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 4, 60000);
    QVERIFY(ended.last().at(0).toBool());
    QVERIFY(QFileInfo(hist).size() > 100);

    // Cancel, even before the worker has started the export: no file, a sentence.
    const QString cancelled = dir_.filePath("cancelled.csv");
    QVERIFY(x->exportRecommendationsTo(parent_, cancelled, 5));
    QVERIFY(x->exporter()->busy());
    QVERIFY(!x->modelAction()->isEnabled());  // one export at a time
    x->exporter()->cancel();
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 5, 60000);
    QVERIFY(!ended.last().at(0).toBool());
    QVERIFY(ended.last().at(1).toString().contains("cancelled"));
    QVERIFY(!QFileInfo::exists(cancelled));
    QVERIFY(x->modelAction()->isEnabled());

    // An error is a sentence, and no file appears.
    QVERIFY(x->exportModelTo(parent_, dir_.filePath("no/such/dir/x.m6model")));
    QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 6, 60000);
    QVERIFY(!ended.last().at(0).toBool());
    QVERIFY(ended.last().at(1).toString().startsWith("Export failed: "));
    QVERIFY(!QFileInfo::exists(dir_.filePath("no/such/dir/x.m6model")));
  }
};

M6_GUI_TEST_MAIN(TestAdaptPages)
#include "test_adapt_pages.moc"
