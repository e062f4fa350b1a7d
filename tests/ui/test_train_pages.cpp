// Training through the main window, with real LibTorch runs of the small demo: Train on the
// Configure page trains on the worker, the live curves receive points, the status reaches
// finished and the run appears in the run table with metrics; Pause/Resume and Stop from the
// Train page; a stopped run, then an interrupted one (record "running", lock free), is resumed
// from the run list and its curves continue (not while another process holds its lock); two runs
// overlay with their names, the config diff lists exactly the differing fields, the parallel
// coordinates draw one line per run and the curves export as one CSV; the baselines appear in
// the table; two runs compare by significance (figures, histogram, swap, another metric, a
// refusal); deleting a run removes its checkpoints; closing the window during training asks,
// stops the run cleanly (recorded "stopped") and leaves an intact workspace. Also the EMA
// smoothing against hand-computed values, and a run trained data-parallel in two processes from
// the Train page (pause holds both, stop ends both).
//
// Over 500 lines: the cases share the window and its trained runs, the expensive part of the test.
#include <qcustomplot.h>
#include <sys/wait.h>

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTableWidget>
#include <QtTest>

#include "../app/train_test_support.h"
#include "app/bridge/run_library.h"
#include "app/bridge/snapshot_store.h"
#include "app/bridge/training_controller.h"
#include "gui_test_main.h"
#include "storage/run_groups.h"
#include "storage/run_lock.h"
#include "storage/runs.h"
#include "ui/config_form.h"
#include "ui/configure_page.h"
#include "ui/dataset_list_panel.h"
#include "ui/dataset_view.h"
#include "ui/epoch_plot.h"
#include "ui/hyperparam_view.h"
#include "ui/loss_plot.h"
#include "ui/loss_smoothing.h"
#include "ui/main_window.h"
#include "ui/model_pages.h"
#include "ui/prompts.h"
#include "ui/run_compare_view.h"
#include "ui/run_table_model.h"
#include "ui/runs_page.h"
#include "ui/significance_dialog.h"
#include "ui/train_page.h"
#include "window_test_support.h"

using namespace m6;

class TestTrainPages : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString path_;
  Prompts saved_;
  std::unique_ptr<MainWindow> window_;

  ModelPages* pages() const { return window_->modelPages(); }

  /// A window on the training workspace with the demo selected and the form ready.
  void openWindow() { m6test::openWindowOn(window_, path_, "demo"); }

  /// Fills the form (quick preset with these changes) and names the run.
  void configure(const QString& name, int epochs, int batch, const Json& changes = Json::object())
  {
    ConfigurePage* c = pages()->configurePage();
    QVERIFY(c->applyPreset("quick"));
    c->form()->setFieldValue("train.epochs", Json(epochs));
    c->form()->setFieldValue("train.batch_size", Json(batch));
    c->form()->setFieldValue("train.patience", Json(0));
    for (const auto& [key, value] : changes.asObject())
    {
      QVERIFY(c->form()->setFieldValue(QString::fromStdString(key), value));
    }
    c->nameEdit()->setText(name);
    QVERIFY2(c->canTrain(), qPrintable(c->trainBlocker()));
  }

  void waitIdle() { QTRY_VERIFY_WITH_TIMEOUT(!pages()->controller()->busy(), 120000); }

  int rowOf(const QString& name) const
  {
    const RunTableModel* m = pages()->runsPage()->model();
    for (int r = 0; r < m->rowCount(); ++r)
    {
      if (m->data(m->index(r, RunTableModel::Name)).toString() == name)
      {
        return r;
      }
    }
    return -1;
  }

  qint64 idOf(const QString& name) const
  {
    const int r = rowOf(name);
    const RunTableModel* m = pages()->runsPage()->model();
    return r < 0 ? 0 : m->entry(m->index(r, 0))->record.id;
  }

  RunRecord recordOf(qint64 id) const
  {
    const RunTableModel* m = pages()->runsPage()->model();
    for (int r = 0; r < m->rowCount(); ++r)
    {
      if (m->entry(m->index(r, 0))->record.id == id)
      {
        return m->entry(m->index(r, 0))->record;
      }
    }
    return {};
  }

  QString cell(const QString& run, int column) const
  {
    const RunTableModel* m = pages()->runsPage()->model();
    return m->data(m->index(rowOf(run), column)).toString();
  }

 private Q_SLOTS:
  void initTestCase()
  {
    saved_ = prompts();
    path_ = dir_.filePath("window.m6ws");
    qputenv("M6_CLI", M6_BINARY_DIR "/app/exe/m6-cli");  // the other ranks' program
    m6test::makeTrainWorkspace(path_);
  }

  void cleanup() { prompts() = saved_; }

  void cleanupTestCase() { window_.reset(); }

  void smoothingIsTensorBoardsDebiasedEma()
  {
    const auto flat = smoothSeries({1, 1, 1}, 0.9);  // debiasing keeps a constant constant
    for (double v : flat)
    {
      QVERIFY(qAbs(v - 1.0) < 1e-12);
    }
    const auto raw = smoothSeries({3, 1, 4}, 0.0);
    QCOMPARE(raw, std::vector<double>({3, 1, 4}));
    const auto s = smoothSeries({1, 2}, 0.5);  // 0.5/0.5 = 1; (0.25 + 1)/0.75
    QVERIFY(qAbs(s[0] - 1.0) < 1e-12);
    QVERIFY(qAbs(s[1] - 1.25 / 0.75) < 1e-12);
  }

  void trainThroughTheWindow()
  {
    openWindow();
    configure("first run", 2, 64);
    ConfigurePage* c = pages()->configurePage();
    TrainPage* t = pages()->trainPage();
    QTest::mouseClick(c->trainButton(), Qt::LeftButton);
    QCOMPARE(window_->datasetView()->currentWidget(), t);
    QVERIFY(pages()->controller()->busy());
    QVERIFY(!c->trainButton()->isEnabled());
    QVERIFY(!t->trainButton()->isEnabled());
    QVERIFY(t->stopButton()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(t->lossPlot()->rawGraph()->dataCount() > 0, 60000);
    waitIdle();
    QVERIFY2(t->statusText().startsWith("Finished"), qPrintable(t->statusText()));
    QVERIFY(t->statusText().contains("ndcg@10"));
    QVERIFY(t->lossPlot()->stepCount() > 100);
    QCOMPARE(t->lossPlot()->rawGraph()->dataCount(), t->lossPlot()->stepCount());
    QCOMPARE(t->lossPlot()->smoothGraph()->dataCount(), t->lossPlot()->stepCount());
    QCOMPARE(t->epochPlot()->epochCount(), 2);
    QVERIFY(t->epochPlot()->graph("ndcg@10"));
    QCOMPARE(t->epochPlot()->graph("ndcg@10")->dataCount(), 2);
    QVERIFY(t->epochPlot()->graph("hr@10"));
    QVERIFY(t->epochPlot()->bestEpoch() >= 1);
    QCOMPARE(t->progressBar()->value(), 1000);
    QVERIFY(t->logText().contains("finished after 2 epoch(s)"));
    QVERIFY(t->logText().contains(QString("epoch %1 is the best so far: best checkpoint saved")
                                      .arg(t->epochPlot()->bestEpoch())));
    QVERIFY(t->trainButton()->isEnabled());
    // The run is in the table with its metrics.
    QTRY_VERIFY(rowOf("first run") >= 0);
    QTRY_COMPARE(cell("first run", RunTableModel::Status), QString("finished"));
    QVERIFY(cell("first run", RunTableModel::Test).startsWith("ndcg@10 0."));
    QVERIFY(cell("first run", RunTableModel::BestValid).contains("(epoch"));
    QCOMPARE(cell("first run", RunTableModel::Dataset), QString("demo"));
    // Smoothing the curve changes the smoothed graph only.
    const double before = t->lossPlot()->smoothGraph()->data()->at(50)->value;
    t->lossPlot()->setSmoothing(0.0);
    QCOMPARE(t->lossPlot()->smoothGraph()->data()->at(50)->value,
             t->lossPlot()->rawGraph()->data()->at(50)->value);
    QVERIFY(before != t->lossPlot()->rawGraph()->data()->at(50)->value);
    t->lossPlot()->setSmoothing(0.6);
  }

  void pauseStopAndResumeFromTheRunList()
  {
    TrainPage* t = pages()->trainPage();
    configure("stop me", 4, 32);
    // The keyboard: Ctrl+T trains, Ctrl+P pauses, Space (on the Train page) resumes.
    QApplication::setActiveWindow(window_.get());
    QVERIFY(QTest::qWaitForWindowActive(window_.get()));
    QTest::keyClick(window_.get(), Qt::Key_T, Qt::ControlModifier);
    QVERIFY(pages()->controller()->busy());
    QTRY_VERIFY_WITH_TIMEOUT(t->lossPlot()->stepCount() > 0, 60000);
    QTest::keyClick(window_.get(), Qt::Key_P, Qt::ControlModifier);
    QVERIFY(pages()->controller()->paused());
    QCOMPARE(t->pauseButton()->text(), QString("Resume"));
    QCOMPARE(t->statusText(), QString("Paused"));
    t->setFocus();
    QTest::keyClick(t, Qt::Key_Space);
    QVERIFY(!pages()->controller()->paused());
    QCOMPARE(t->pauseButton()->text(), QString("Pause"));
    QTest::mouseClick(t->pauseButton(), Qt::LeftButton);
    QVERIFY(pages()->controller()->paused());
    QTest::mouseClick(t->pauseButton(), Qt::LeftButton);
    QVERIFY(!pages()->controller()->paused());
    // Stop once the first epoch is validated: best.pt exists, the run ends "stopped".
    QTRY_VERIFY_WITH_TIMEOUT(t->epochPlot()->epochCount() >= 1, 60000);
    QTest::mouseClick(t->stopButton(), Qt::LeftButton);
    waitIdle();
    QVERIFY2(t->statusText().startsWith("Stopped"), qPrintable(t->statusText()));
    QTRY_COMPARE(cell("stop me", RunTableModel::Status), QString("stopped"));
    const qint64 id = idOf("stop me");
    RunsPage* runs = pages()->runsPage();
    QTRY_VERIFY(runs->canResume(id));
    const int epochsBefore = t->epochPlot()->epochCount();
    QVERIFY(epochsBefore >= 1 && epochsBefore < 4);

    // As if the program had been killed mid-run: the record says "running", nobody holds the
    // run's lock. The table calls it interrupted and offers to resume it...
    const std::string folder = runs->model()->find(idOf("stop me"))->record.folder;
    {
      auto ws = m6test::openWorkspace(path_);
      QVERIFY(RunStore(*ws).setStatus(id, m6::RunStatus::Running, "").ok());
    }
    pages()->library()->refresh();
    QTRY_COMPARE(cell("stop me", RunTableModel::Status), QString("interrupted"));
    QVERIFY(runs->canResume(id));
    {
      // ...but not while another process trains it (holds its lock).
      auto lock = RunLock::acquire(folder);
      QVERIFY(lock.ok());
      pages()->library()->refresh();
      QTRY_COMPARE(cell("stop me", RunTableModel::Status), QString("running"));
      QVERIFY(!runs->canResume(id));
    }
    pages()->library()->refresh();
    QTRY_COMPARE(cell("stop me", RunTableModel::Status), QString("interrupted"));

    runs->selectRuns({id});
    runs->resumeSelected();
    QVERIFY(pages()->controller()->busy());
    QCOMPARE(window_->datasetView()->currentWidget(), t);
    waitIdle();
    QVERIFY2(t->statusText().startsWith("Finished"), qPrintable(t->statusText()));
    QCOMPARE(t->run().id, id);
    // The recorded epochs come first, the resumed ones continue them: all 4 on one plot.
    QCOMPARE(t->epochPlot()->epochCount(), 4);
    QCOMPARE(t->epochPlot()->graph("ndcg@10")->dataCount(), 4);
    QVERIFY(t->lossPlot()->rawGraph()->data()->at(0)->key == 1.0);
    QTRY_COMPARE(cell("stop me", RunTableModel::Status), QString("finished"));
  }

  void twoProcessesFromTheTrainPage()
  {
    TrainPage* t = pages()->trainPage();
    QVERIFY(t->processesBox()->maximum() >= 1);
    t->processesBox()->setMaximum(2);  // this machine may have one core; the job still runs
    t->processesBox()->setValue(2);
    configure("two processes", 2, 32);
    QVERIFY(pages()->startTraining());
    // Processes is read when a job starts: editable during the run (for a job to queue), and
    // changing it does not touch the run (its log says 2 ranks below).
    QVERIFY(t->processesBox()->isEnabled());
    t->processesBox()->setValue(1);
    QTRY_VERIFY_WITH_TIMEOUT(t->lossPlot()->stepCount() > 0, 60000);
    // Pause holds every rank (their exchange waits with rank 0), Resume releases them.
    // The log keeps earlier jobs' lines (an earlier test's pause may have held too): only what
    // this job writes after the click counts.
    const qsizetype logBefore = t->logText().size();
    QTest::mouseClick(t->pauseButton(), Qt::LeftButton);
    // Rank 0 says where the job holds; the plot has every step up to there.
    const QRegularExpression holds(QStringLiteral("paused after step (\\d+): holding"));
    QTRY_VERIFY_WITH_TIMEOUT(holds.match(t->logText().mid(logBefore)).hasMatch(), 60000);
    const int held = holds.match(t->logText().mid(logBefore)).captured(1).toInt();
    QTRY_COMPARE_WITH_TIMEOUT(t->lossPlot()->stepCount(), held, 30000);
    QTest::mouseClick(t->pauseButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(
        t->logText().mid(logBefore).contains(QStringLiteral("resumed at step %1").arg(held + 1)),
        60000);
    waitIdle();
    QVERIFY2(t->statusText().startsWith("Finished"), qPrintable(t->statusText()));
    QVERIFY2(t->logText().contains("2 ranks x 32 examples per step"), qPrintable(t->logText()));
    QCOMPARE(t->epochPlot()->epochCount(), 2);
    QTRY_COMPARE(cell("two processes", RunTableModel::Status), QString("finished"));
    auto ws = m6test::openWorkspace(path_);
    auto run = RunStore(*ws).run(idOf("two processes"));
    QVERIFY(run.ok());
    const Json* how = run->summary.find("distributed");
    QVERIFY(how);
    QCOMPARE(how->at("world_size").asInt(), int64_t(2));
    QCOMPARE(how->at("global_batch").asInt(), int64_t(64));
    // A step is one global batch: half as many steps as one process at batch 32 would take.
    QCOMPARE(int64_t(t->lossPlot()->stepCount()),
             2 * ((run->summary.at("train_examples").asInt() + 63) / 64));

    // Stop ends every rank: the run is "stopped" and no rank process is left behind.
    configure("two stopped", 6, 32);
    QVERIFY(pages()->startTraining());
    QTRY_VERIFY_WITH_TIMEOUT(t->lossPlot()->stepCount() > 0, 60000);
    QTest::mouseClick(t->stopButton(), Qt::LeftButton);
    waitIdle();
    QVERIFY2(t->statusText().startsWith("Stopped"), qPrintable(t->statusText()));
    QTRY_COMPARE(cell("two stopped", RunTableModel::Status), QString("stopped"));
    QCOMPARE(::waitpid(-1, nullptr, WNOHANG), pid_t(-1));  // no child process remains
    t->processesBox()->setValue(1);
  }

  void overlayDiffHyperparametersAndExport()
  {
    configure("narrow", 2, 64, Json::parse(R"({"model.dim": 16, "train.lr": 0.005})"));
    QVERIFY(pages()->startTraining());
    waitIdle();
    QTRY_VERIFY(rowOf("narrow") >= 0);
    RunsPage* runs = pages()->runsPage();
    const qint64 a = idOf("first run");
    const qint64 b = idOf("narrow");
    runs->selectRuns({a, b});
    QCOMPARE(runs->selectedRuns().size(), 2);
    QTRY_VERIFY(runs->curvesShown());
    RunCompareView* cmp = runs->compare();
    QCOMPARE(int(cmp->curves().size()), 2);
    QCustomPlot* overlay = cmp->overlayPlot();
    QCOMPARE(overlay->graphCount(), 2);
    QStringList names{overlay->graph(0)->name(), overlay->graph(1)->name()};
    names.sort();
    QCOMPARE(names, QStringList({"first run", "narrow"}));
    QVERIFY(overlay->graph(0)->dataCount() > 10);
    cmp->setSeries("valid:ndcg@10");
    QCOMPARE(overlay->graphCount(), 2);
    QCOMPARE(overlay->graph(0)->dataCount(), 2);
    // Exactly the fields that differ (quick preset both; dim and lr changed).
    QCOMPARE(cmp->diffKeys(), QStringList({"model.dim", "train.lr"}));
    QCOMPARE(cmp->diffTable()->columnCount(), 2);
    QCOMPARE(cmp->metricsTable()->columnCount(), 2);
    HyperparamView* h = cmp->hyperparams();
    QCOMPARE(int(h->axes().size()), 3);  // dim, lr, the metric
    // Judged by validation, the figure a configuration is chosen by; test is a choice after it.
    QCOMPARE(h->axes().back().key, QString("valid:ndcg@10"));
    QCOMPARE(h->metricCombo()->currentText(), QString("validation ndcg@10"));
    QVERIFY(h->metricCombo()->findData("test:ndcg@10") > h->metricCombo()->findData("valid:hr@10"));
    QCOMPARE(h->lineCount(), 2);
    QCOMPARE(h->table()->rowCount(), 2);
    const int metricColumn = h->table()->columnCount() - 1;
    QCOMPARE(h->table()->horizontalHeaderItem(metricColumn)->text(), QString("validation ndcg@10"));
    for (int row = 0; row < 2; ++row)
    {
      const QString name = h->table()->item(row, 0)->text();
      const RunRecord record = recordOf(idOf(name));
      QCOMPARE(h->table()->item(row, metricColumn)->data(Qt::DisplayRole).toDouble(),
               record.valid.get("ndcg@10"));
      QVERIFY(record.valid.get("ndcg@10") != record.test.get("ndcg@10"));
    }
    h->setMetric("test:ndcg@10");
    QCOMPARE(h->axes().back().key, QString("test:ndcg@10"));
    QCOMPARE(h->table()->item(0, metricColumn)->data(Qt::DisplayRole).toDouble(),
             recordOf(idOf(h->table()->item(0, 0)->text())).test.get("ndcg@10"));
    // One CSV with both runs' curves.
    const QString csv = dir_.filePath("curves.csv");
    QString error;
    QVERIFY2(runs->exportCurvesTo(csv, &error), qPrintable(error));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(f.readAll());
    QVERIFY(text.startsWith("run_id,run_name,curve,step,epoch,value\n"));
    QVERIFY(text.contains(QString("%1,first run,train_loss,1,1,").arg(a)));
    QVERIFY(text.contains(QString("%1,narrow,valid_ndcg@10,,2,").arg(b)));
  }

  void baselinesAppearInTheTable()
  {
    QVERIFY(pages()->startBaselines());
    waitIdle();
    QTRY_VERIFY(rowOf("most popular") >= 0 && rowOf("BPR-MF") >= 0);
    QCOMPARE(cell("BPR-MF", RunTableModel::Kind), QString("BPR-MF"));
    QVERIFY(cell("most popular", RunTableModel::Test).startsWith("ndcg@10 0."));
  }

  void significanceBetweenTwoRuns()
  {
    QTRY_VERIFY(rowOf("ItemKNN") >= 0 && rowOf("most popular") >= 0);
    RunsPage* runs = pages()->runsPage();
    const qint64 knn = idOf("ItemKNN");
    const qint64 pop = idOf("most popular");
    runs->selectRuns({knn});
    QVERIFY(!runs->compareSignificance());  // one run: nothing to compare
    runs->selectRuns({knn, pop});
    SignificanceDialog* d = runs->compareSignificance();
    QVERIFY(d);
    QTRY_VERIFY_WITH_TIMEOUT(d->result().has_value(), 60000);
    const PairedComparison c = d->result()->comparison;
    QCOMPARE(c.metric, std::string("ndcg@10"));
    QVERIFY(c.users > 0);
    QCOMPARE(int64_t(c.differences.size()), c.users);
    QCOMPARE(c.better + c.worse + c.tied, c.users);
    QVERIFY(!d->verdict()->text().isEmpty());
    QVERIFY(d->reportText().contains("95% interval"));
    // The histogram counts exactly the users who are not tied.
    QCustomPlot* p = d->plot();
    QCOMPARE(p->plottableCount(), c.better + c.worse > 0 ? 1 : 0);
    if (auto* bars = qobject_cast<QCPBars*>(p->plottable(0)))
    {
      double users = 0;
      for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
      {
        users += it->value;
      }
      QCOMPARE(qint64(users), qint64(c.better + c.worse));
    }
    // Swapping A and B flips the sign and the counts.
    const qint64 a = d->runA();
    d->swapRuns();
    QCOMPARE(d->runA(), a == knn ? pop : knn);
    QTRY_VERIFY_WITH_TIMEOUT(d->result().has_value(), 60000);
    QCOMPARE(d->result()->comparison.meanDifference, -c.meanDifference);
    QCOMPARE(d->result()->comparison.better, c.worse);
    // Another metric, typed; a metric that does not fit says why and shows no figures.
    d->metric()->setCurrentText("hr@20");
    d->compute();
    QTRY_VERIFY_WITH_TIMEOUT(d->result().has_value(), 60000);
    QCOMPARE(d->result()->comparison.metric, std::string("hr@20"));
    d->metric()->setCurrentText("auc");
    d->compute();
    QTRY_VERIFY_WITH_TIMEOUT(!d->busy(), 60000);
    QVERIFY(!d->result().has_value());
    QVERIFY2(d->status()->text().contains("does not fit a ranking run"),
             qPrintable(d->status()->text()));
    QCOMPARE(p->plottableCount(), 0);
    d->close();
  }

  void runGroupsShowAsOneRowWithTheirSpread()
  {
    // Two groups of two seeds, recorded as `m6-cli train --seeds 2` records them: the quick
    // preset, and the same with a learning rate too small to learn (a planted worse group).
    std::vector<int64_t> groupIds;
    for (double lr : {0.01, 1e-7})
    {
      RunConfig c = m6test::quickConfig(2);
      c.train.lr = lr;
      groupIds.push_back(m6test::trainGroup(path_, "demo", c, lr > 1e-3 ? "learns" : "stalls", 2));
      QVERIFY(groupIds.back() != 0);
    }
    RunsPage* runs = pages()->runsPage();
    pages()->library()->refresh();
    RunTableModel* m = runs->model();
    QTRY_VERIFY(m->indexOfGroup(groupIds[0]).isValid() && m->indexOfGroup(groupIds[1]).isValid());
    const QModelIndex row = m->indexOfGroup(groupIds[0]);
    const RunGroupRow* g = m->group(row);
    QVERIFY(g);
    QCOMPARE(m->rowCount(row), 2);  // its two runs, under it
    QCOMPARE(m->data(row.siblingAtColumn(RunTableModel::Kind)).toString(), QString("M6 × 2 seeds"));
    QCOMPARE(m->data(row.siblingAtColumn(RunTableModel::Status)).toString(), QString("finished"));
    // The test cell: the members' mean ± sample sd and the t interval of the primary metric.
    const RunEntry* a = m->entry(m->index(0, 0, row));
    const RunEntry* b = m->entry(m->index(1, 0, row));
    QVERIFY(a && b && a->group.id == groupIds[0]);
    const double va = a->record.test.get("ndcg@10");
    const double vb = b->record.test.get("ndcg@10");
    const Spread expected = spreadOf({va, vb});
    const QString test = m->data(row.siblingAtColumn(RunTableModel::Test)).toString();
    QVERIFY2(test.startsWith(QString("ndcg@10 %1 ± %2 [%3, %4]")
                                 .arg(expected.mean, 0, 'f', 4)
                                 .arg(expected.sd, 0, 'f', 4)
                                 .arg(expected.low, 0, 'f', 4)
                                 .arg(expected.high, 0, 'f', 4)),
             qPrintable(test));
    QVERIFY(m->data(row.siblingAtColumn(RunTableModel::Test), Qt::ToolTipRole)
                .toString()
                .contains("Student's t"));
    // Selecting the group row selects its runs (their curves, export), and two group rows are the
    // two sides of a significance test between groups.
    runs->selectGroups({groupIds[0]});
    QList<qint64> members = runs->selectedRuns();  // in table order (newest first by default)
    std::sort(members.begin(), members.end());
    QCOMPARE(members, (QList<qint64>{a->record.id, b->record.id}));
    QCOMPARE(runs->selectedSides().size(), 1);
    // Their curves: the group's mean over a ± sd band (lower, upper, mean), or each run.
    QTRY_VERIFY(runs->curvesShown());
    RunCompareView* compare = runs->compare();
    compare->setSeries("valid:ndcg@10");
    QCOMPARE(compare->overlayPlot()->graphCount(), 3);
    QCOMPARE(compare->overlayPlot()->legend->itemCount(), 1);
    QCPGraph* mean = compare->overlayPlot()->graph(2);
    QVERIFY(mean->name().startsWith("learns (mean ± sd of 2 runs)"));
    double first = 0;
    for (const RunCurves& c : compare->curves())
    {
      first += c.epochs.front().valid.get("ndcg@10") / 2;
    }
    QVERIFY(std::fabs(mean->data()->at(0)->value - first) < 1e-9);
    compare->bandsCheck()->setChecked(false);
    QCOMPARE(compare->overlayPlot()->graphCount(), 2);
    compare->bandsCheck()->setChecked(true);
    runs->selectGroups({groupIds[0], groupIds[1]});
    QCOMPARE(runs->selectedSides().size(), 2);
    SignificanceDialog* d = runs->compareSignificance();
    QVERIFY(d);
    QTRY_VERIFY_WITH_TIMEOUT(d->result().has_value(), 60000);
    const RunSignificance& r = *d->result();
    QVERIFY(r.groupA && r.groupB);
    QCOMPARE(r.membersA.size() + r.membersB.size(), size_t(4));
    const bool learnsIsA = r.groupA->id == groupIds[0];
    QVERIFY((r.comparison.meanDifference > 0) == learnsIsA);
    QVERIFY(std::fabs((learnsIsA ? r.comparison.meanA : r.comparison.meanB) - expected.mean) <
            1e-9);
    d->close();
    // A member selected with its own group row is not a side of its own.
    runs->select({a->record.id}, {groupIds[0]});
    QCOMPARE(runs->selectedSides().size(), 1);
    // Deleting a group row deletes its runs and then the group's record.
    prompts().confirm = [](QWidget*, const QString&, const QString&) { return true; };
    runs->selectGroups({groupIds[1]});
    runs->deleteSelected();
    QTRY_VERIFY(!m->indexOfGroup(groupIds[1]).isValid());
    QTRY_VERIFY_WITH_TIMEOUT(
        [&]
        {
          auto ws = Workspace::open(path_.toStdString(), false);
          return ws && !GroupStore(**ws).group(groupIds[1]).ok();
        }(),
        10000);
  }

  void trainAGroupFromTheTrainPageStopAndResumeIt()
  {
    TrainPage* t = pages()->trainPage();
    RunsPage* runs = pages()->runsPage();
    configure("seeded", 15, 256);
    t->seedsBox()->setValue(3);
    t->processesBox()->setValue(1);  // one after another in this process, with live curves
    QSignalSpy started(pages()->controller(), &TrainingController::runStarted);
    QVERIFY(pages()->startTraining());
    // Stop the group while its second seed trains: the first is finished, the second stopped.
    QTRY_VERIFY_WITH_TIMEOUT(started.count() == 2 && t->epochPlot()->epochCount() >= 1, 60000);
    const qint64 first = started.at(0).at(0).value<RunRecord>().id;
    const qint64 second = started.at(1).at(0).value<RunRecord>().id;
    QCOMPARE(t->run().id, second);               // the Train page follows the member being trained
    QVERIFY(t->epochPlot()->epochCount() < 15);  // its curves started anew
    QTest::mouseClick(t->stopButton(), Qt::LeftButton);
    waitIdle();
    pages()->library()->refresh();
    RunTableModel* m = runs->model();
    QTRY_VERIFY(m->find(second) && m->find(second)->record.status == m6::RunStatus::Stopped);
    const int64_t group = m->find(first)->group.id;
    QVERIFY(group != 0);
    QCOMPARE(m->find(first)->record.status, m6::RunStatus::Finished);
    const QModelIndex row = m->indexOfGroup(group);
    QCOMPARE(m->data(row.siblingAtColumn(RunTableModel::Status)).toString(), QString("incomplete"));
    QCOMPARE(m->data(row.siblingAtColumn(RunTableModel::Name)).toString(), QString("seeded"));
    // Resume on the group row continues the stopped seed, then trains the third.
    runs->selectGroups({group});
    QVERIFY(runs->canResumeGroup(group));
    runs->resumeSelected();
    QVERIFY(pages()->controller()->busy());
    waitIdle();
    QVERIFY2(t->statusText().startsWith("Finished"), qPrintable(t->statusText()));
    QVERIFY2(t->logText().contains("run group") && t->logText().contains("95% interval"),
             qPrintable(t->logText()));
    pages()->library()->refresh();
    QTRY_COMPARE(m->data(m->indexOfGroup(group).siblingAtColumn(RunTableModel::Status)).toString(),
                 QString("finished"));
    const RunGroupRow* g = m->group(m->indexOfGroup(group));
    QCOMPARE(g->members.size(), size_t(3));
    QCOMPARE(g->summary.members[1].id, second);  // continued, not trained again
    QCOMPARE(g->summary.members[1].epochsRun, 15);
    QVERIFY(!runs->canResumeGroup(group));
    t->seedsBox()->setValue(1);
  }

  // Seeds with Processes: the members train that many at once, each in an m6-cli process of its
  // own; the page follows them by their log lines, the Runs page shows the group.
  void aGroupTrainsItsMembersAtOnceWithProcesses()
  {
    TrainPage* t = pages()->trainPage();
    RunsPage* runs = pages()->runsPage();
    configure("at once", 2, 256);
    t->seedsBox()->setValue(2);
    t->processesBox()->setMaximum(2);  // this machine may have one core; the job still runs
    t->processesBox()->setValue(2);
    QSignalSpy started(pages()->controller(), &TrainingController::runStarted);
    QVERIFY(pages()->startTraining());
    waitIdle();
    QVERIFY2(t->statusText().startsWith("Finished"), qPrintable(t->statusText()));
    const QString log = t->logText();
    const int first = log.indexOf("training in process");
    const int second = log.indexOf("training in process", first + 1);
    QVERIFY2(first >= 0 && second > first, qPrintable(log));
    QVERIFY2(second < log.indexOf(" ended)"), qPrintable(log));  // both before either ended
    QVERIFY2(log.contains("(2 of 2 ended)") && log.contains("95% interval"), qPrintable(log));
    QCOMPARE(started.count(), 0);  // no member trained in this process
    pages()->library()->refresh();
    RunTableModel* m = runs->model();
    int64_t group = 0;
    {
      auto ws = Workspace::open(path_.toStdString(), false);
      QVERIFY(ws.ok());
      const auto groups = GroupStore(**ws).groups();
      QVERIFY(groups.ok());
      for (const auto& g : *groups)
      {
        group = g.name == "at once" ? g.id : group;
      }
    }
    QVERIFY(group != 0);
    QTRY_COMPARE(m->data(m->indexOfGroup(group).siblingAtColumn(RunTableModel::Status)).toString(),
                 QString("finished"));
    QCOMPARE(m->group(m->indexOfGroup(group))->members.size(), size_t(2));
    t->seedsBox()->setValue(1);
    t->processesBox()->setValue(1);
  }

  void sortingAndDeletingRuns()
  {
    RunsPage* runs = pages()->runsPage();
    QSortFilterProxyModel* proxy = runs->proxy();
    proxy->sort(RunTableModel::Test, Qt::DescendingOrder);
    double last = 2;
    for (int r = 0; r < proxy->rowCount(); ++r)
    {
      const double v =
          proxy->data(proxy->index(r, RunTableModel::Test), RunTableModel::kSortRole).toDouble();
      QVERIFY(v <= last);
      last = v;
    }
    const qint64 id = idOf("narrow");
    const QString folder =
        QString::fromStdString(runs->model()->find(idOf("narrow"))->record.folder);
    QVERIFY(QFileInfo::exists(folder + "/best.pt"));
    QStringList asked;
    prompts().confirm = [&asked](QWidget*, const QString&, const QString& text)
    {
      asked << text;
      return true;
    };
    runs->selectRuns({id});
    runs->deleteSelected();
    QCOMPARE(asked.size(), 1);
    QVERIFY(asked[0].contains("\"narrow\""));
    QTRY_COMPARE(rowOf("narrow"), -1);
    QVERIFY(!QFileInfo::exists(folder));
  }

  void closingDuringTrainingStopsCleanly()
  {
    configure("abandoned", 30, 16);
    QVERIFY(pages()->startTraining());
    QTRY_VERIFY_WITH_TIMEOUT(pages()->trainPage()->lossPlot()->stepCount() > 0, 60000);
    int asked = 0;
    prompts().confirm = [&asked](QWidget*, const QString&, const QString& text)
    {
      ++asked;
      return text.contains("training");
    };
    QVERIFY(!window_->close());  // asks, stops, closes when the run has ended
    QCOMPARE(asked, 1);
    QTRY_VERIFY_WITH_TIMEOUT(!window_->isVisible(), 60000);
    QCOMPARE(asked, 1);
    window_.reset();
    QCOMPARE(m6test::integrity(path_), QString("ok"));
    auto ws = m6test::openWorkspace(path_);
    auto all = RunStore(*ws).runs();
    QVERIFY(all.ok());
    const auto it = std::find_if(all->begin(), all->end(),
                                 [](const RunRecord& r) { return r.name == "abandoned"; });
    QVERIFY(it != all->end());
    QCOMPARE(QString::fromStdString(m6::wordOf(it->status)), QString("stopped"));
  }
};

M6_GUI_TEST_MAIN(TestTrainPages)
#include "test_train_pages.moc"
