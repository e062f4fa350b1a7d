// Hyperparameter search through the window: the search dialog writes exactly the space the CLI's
// parser reads (lists, ranges with log scale and steps, per-row errors, keys that change what is
// measured not offered, grid sizes and halving rungs in its summary); a search started from it
// trains each trial with real LibTorch on the small demo while the Train page follows the trials;
// the Runs page shows the search as one row with its trials under it and the best one marked; the
// search's results dialog lists the trials, draws their parallel coordinates and sends the best
// configuration to the Configure page; a search stopped in its second trial resumes from its row
// (the stopped trial continues, nothing finished is trained again) and a search row deletes with
// its trials. The run queue: runs, a run group and a search added from the Train page and the
// search dialog keep their order (and a move) across closing and reopening the window, run one
// after another in that order when the queue runs, and Stop on a queued job pauses the queue.
//
// Over 500 lines: the cases share one workspace and its recorded search, the expensive part of the
// test.
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QtTest>

#include "../app/train_test_support.h"
#include "app/bridge/run_library.h"
#include "app/bridge/run_queue.h"
#include "app/bridge/snapshot_store.h"
#include "app/bridge/training_controller.h"
#include "gui_test_main.h"
#include "storage/searches.h"
#include "ui/config_form.h"
#include "ui/configure_page.h"
#include "ui/dataset_list_panel.h"
#include "ui/dataset_view.h"
#include "ui/epoch_plot.h"
#include "ui/hyperparam_view.h"
#include "ui/main_window.h"
#include "ui/model_pages.h"
#include "ui/prompts.h"
#include "ui/queue_panel.h"
#include "ui/run_table_model.h"
#include "ui/runs_page.h"
#include "ui/search_dialog.h"
#include "ui/search_results_dialog.h"
#include "ui/train_page.h"
#include "window_test_support.h"

using namespace m6;

class TestSearchPages : public QObject
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

  /// The quick preset with these epochs on the Configure page.
  void configure(int epochs)
  {
    ConfigurePage* c = pages()->configurePage();
    QVERIFY(c->applyPreset("quick"));
    c->form()->setFieldValue("train.epochs", Json(epochs));
    c->form()->setFieldValue("train.batch_size", Json(256));
    c->form()->setFieldValue("train.patience", Json(0));
    QVERIFY2(c->canTrain(), qPrintable(c->trainBlocker()));
  }

  /// Opens the dialog from the Configure page's button: a grid over these learning rates.
  SearchDialog* writeLearningRateGrid(const QString& name, const QString& rates)
  {
    QTest::mouseClick(pages()->configurePage()->searchButton(), Qt::LeftButton);
    auto* d = window_->findChild<SearchDialog*>();
    if (!d)
    {
      return nullptr;
    }
    d->setChoices(0, rates);  // the first row is train.lr
    d->strategy()->setCurrentIndex(d->strategy()->findData("grid"));
    d->name()->setText(name);
    return d;
  }

  void waitIdle() { QTRY_VERIFY_WITH_TIMEOUT(!pages()->controller()->busy(), 180000); }

  static qint64 searchIdOf(const RunTableModel* m, const QString& name)
  {
    for (int r = 0; r < m->rowCount(); ++r)
    {
      const QModelIndex i = m->index(r, RunTableModel::Name);
      if (m->search(i) && m->data(i).toString() == name)
      {
        return m->search(i)->search.id;
      }
    }
    return 0;
  }

 private Q_SLOTS:
  void initTestCase()
  {
    saved_ = prompts();
    path_ = dir_.filePath("search.m6ws");
    m6test::makeTrainWorkspace(path_);
  }

  void cleanup() { prompts() = saved_; }

  void cleanupTestCase() { window_.reset(); }

  void dialogWritesTheSpaceTheParserReads()
  {
    RunConfig base = m6test::quickConfig(4);
    base.train.lr = 0.003;
    SearchDialog d(base, "demo");
    // The first row: the learning rate around the base value, on a log scale, three grid steps.
    QCOMPARE(d.table()->rowCount(), 1);
    QVERIFY2(d.problem().isEmpty(), qPrintable(d.problem()));
    Json space = d.spaceJson();
    const Json& lr = space.at("train.lr");
    QVERIFY(std::fabs(lr.at("min").asDouble() - 0.001) < 1e-12);
    QVERIFY(std::fabs(lr.at("max").asDouble() - 0.009) < 1e-12);
    QCOMPARE(lr.at("log").asBool(), true);
    QCOMPARE(lr.at("steps").asInt(), int64_t(3));
    QVERIFY2(d.summary()->text().startsWith("10 random trials"), qPrintable(d.summary()->text()));
    // Keys that change what is measured are not offered.
    auto* keys = qobject_cast<QComboBox*>(d.table()->cellWidget(0, SearchDialog::Key));
    QVERIFY(keys->findData("train.lr") >= 0);
    QVERIFY(keys->findData("model.heads") >= 0);
    for (const char* measured : {"train.split", "model.task", "train.eval_k"})
    {
      QCOMPARE(keys->findData(measured), -1);
    }
    // A second row: a list of heads. The grid is 3 x 2.
    const int heads = d.addDimension("model.heads");
    QCOMPARE(heads, 1);
    d.setChoices(heads, "1, 2");
    d.strategy()->setCurrentIndex(d.strategy()->findData("grid"));
    QVERIFY2(d.summary()->text().startsWith("Grid: 6 configurations"),
             qPrintable(d.summary()->text()));
    d.trials()->setValue(4);
    QVERIFY2(d.summary()->text().startsWith("Grid: the first 4 of 6"),
             qPrintable(d.summary()->text()));
    space = d.spaceJson();
    QCOMPARE(QString::fromStdString(space.at("model.heads").dump()), QString("[1, 2]"));
    const SearchRequest r = d.request();
    QCOMPARE(r.strategy, SearchStrategy::Grid);
    QCOMPARE(r.trials, 4);
    QCOMPARE(r.space.dimensions.size(), size_t(2));
    QCOMPARE(r.space.dimensions[0].key, std::string("train.lr"));
    QVERIFY(r.space.dimensions[0].log);
    QCOMPARE(r.base.train.lr, 0.003);
    QCOMPARE(static_cast<int>(gridTrials(r.space, 100).size()), 6);
    // Errors name the row, and Start search is disabled while there is one.
    QPushButton* ok = d.buttons()->button(QDialogButtonBox::Ok);
    QVERIFY(ok->isEnabled());
    d.setChoices(heads, "1, x");
    QVERIFY2(d.problem().contains("row 2 (model.heads)") && d.problem().contains("whole number"),
             qPrintable(d.problem()));
    QVERIFY(!ok->isEnabled());
    d.setChoices(heads, "1, 3");  // the parser's own check of the knob's bounds still passes
    QVERIFY2(d.problem().isEmpty(), qPrintable(d.problem()));
    d.setRange(0, 0.01, 0.001, true, 3);  // min above max: the parser says so, naming the key
    QVERIFY2(d.problem().contains("train.lr"), qPrintable(d.problem()));
    QVERIFY(!ok->isEnabled());
    d.setRange(0, 0.001, 0.01, true, 0);  // a real range without steps cannot be gridded
    QVERIFY2(d.problem().contains("grid needs Steps"), qPrintable(d.problem()));
    d.strategy()->setCurrentIndex(d.strategy()->findData("halving"));
    QVERIFY2(d.problem().isEmpty(), qPrintable(d.problem()));
    QVERIFY(d.minEpochs()->isEnabled());
    d.minEpochs()->setValue(1);
    d.eta()->setValue(2);
    QVERIFY2(d.summary()->text().contains("stopped after epoch 1, 2"),  // rungs below 4 epochs
             qPrintable(d.summary()->text()));
    d.removeDimension(heads);
    QCOMPARE(d.spaceJson().size(), size_t(1));
    d.removeDimension(0);
    QVERIFY(!d.problem().isEmpty());
    QVERIFY(!ok->isEnabled());
  }

  void aSearchBetweenTwoTrialsIsRunningNotInterrupted()
  {
    // The search is recorded "running"; its first trial has finished and the next one has not
    // started: while the window's job runs, that trial is still its active run.
    RunEntry trial;
    trial.record.id = 41;
    trial.record.name = "between trial 1";
    trial.record.status = m6::RunStatus::Finished;
    trial.search.id = 7;
    trial.search.name = "between";
    trial.search.status = "running";
    trial.trial = 0;
    RunTableModel m;
    m.setRuns({trial});
    const QModelIndex row = m.indexOfSearch(7);
    QVERIFY(row.isValid());
    auto status = [&] { return m.data(row.siblingAtColumn(RunTableModel::Status)).toString(); };
    m.setActiveRun(41);
    QCOMPARE(status(), QString("running"));
    // No job any more (or another process's search that ended): interrupted, resumable.
    m.setActiveRun(0);
    QCOMPARE(status(), QString("interrupted"));
  }

  void searchFromTheWindowFollowsItsTrials()
  {
    openWindow();
    configure(3);
    SearchDialog* d = writeLearningRateGrid("sweep", "0.01, 1e-7");
    QVERIFY(d);
    QVERIFY2(d->problem().isEmpty(), qPrintable(d->problem()));
    QSignalSpy started(pages()->controller(), &TrainingController::runStarted);
    QSignalSpy finished(pages()->controller(), &TrainingController::searchFinished);
    d->buttons()->button(QDialogButtonBox::Ok)->click();
    QVERIFY(pages()->controller()->busy());
    QCOMPARE(pages()->controller()->job(), TrainingController::Job::Search);
    waitIdle();
    QCOMPARE(started.count(), 2);  // the Train page followed each trial
    QCOMPARE(finished.count(), 1);
    const SearchResult result = finished.at(0).at(0).value<SearchResult>();
    QCOMPARE(result.search.status, std::string("finished"));
    QCOMPARE(result.trials.size(), size_t(2));
    TrainPage* t = pages()->trainPage();
    QCOMPARE(t->run().id, started.at(1).at(0).value<RunRecord>().id);
    QVERIFY2(t->statusText().startsWith("Search finished · best: trial 1"),
             qPrintable(t->statusText()));
    QVERIFY2(t->logText().contains("trial 2 (run") && t->logText().contains("train.lr=1e-07"),
             qPrintable(t->logText()));

    // The Runs page: one search row, its trials under it, the best (lr 0.01) bold.
    RunsPage* runs = pages()->runsPage();
    RunTableModel* m = runs->model();
    QTRY_VERIFY(searchIdOf(m, "sweep") == result.search.id);
    // The row may come from a refresh when a trial ended, before the search's own end.
    QTRY_COMPARE(m->data(m->indexOfSearch(result.search.id).siblingAtColumn(RunTableModel::Status))
                     .toString(),
                 QString("finished"));
    const QModelIndex row = m->indexOfSearch(result.search.id);
    QCOMPARE(m->rowCount(row), 2);
    QCOMPARE(m->data(row.siblingAtColumn(RunTableModel::Kind)).toString(),
             QString("search, 2 trials"));
    QCOMPARE(m->data(row.siblingAtColumn(RunTableModel::Status)).toString(), QString("finished"));
    const RunEntry* first = m->entry(m->index(0, 0, row));
    const RunEntry* second = m->entry(m->index(1, 0, row));
    QVERIFY(first && second);
    QCOMPARE(first->trial, 0);
    QCOMPARE(first->record.name, std::string("sweep trial 1"));
    QCOMPARE(*result.bestRun, first->record.id);
    QVERIFY(first->record.valid.get("ndcg@10") > second->record.valid.get("ndcg@10"));
    QVERIFY(m->data(m->index(0, RunTableModel::Name, row), Qt::FontRole).value<QFont>().bold());
    QVERIFY(!m->data(m->index(1, RunTableModel::Name, row), Qt::FontRole).value<QFont>().bold());
    QVERIFY2(m->data(row.siblingAtColumn(RunTableModel::BestValid))
                 .toString()
                 .endsWith(QString("(run %1)").arg(first->record.id)),
             qPrintable(m->data(row.siblingAtColumn(RunTableModel::BestValid)).toString()));
    // Selecting the search row selects its trials; it is not a side of a significance test.
    runs->selectSearches({result.search.id});
    QList<qint64> ids = runs->selectedRuns();
    std::sort(ids.begin(), ids.end());
    QCOMPARE(ids, (QList<qint64>{first->record.id, second->record.id}));
    QVERIFY(runs->selectedSides().isEmpty());
    QCOMPARE(runs->searchOfSelection(), qint64(result.search.id));
    QVERIFY(runs->searchResultsButton()->isEnabled());
    QVERIFY(!runs->canResumeSearch(result.search.id));  // finished

    // Its results: the trial table, the parallel coordinates, the best config to Configure.
    SearchResultsDialog* results = runs->openSearchResults(result.search.id);
    QTRY_VERIFY_WITH_TIMEOUT(results->result().has_value(), 30000);
    QCOMPARE(results->table()->rowCount(), 2);
    QVERIFY2(
        results->header()->text().contains(QString("best: trial 1 (run %1)").arg(first->record.id)),
        qPrintable(results->header()->text()));
    QCOMPARE(results->hyperparams()->lineCount(), 2);
    QVERIFY(results->useBestButton()->isEnabled());
    ConfigurePage* c = pages()->configurePage();
    c->form()->setFieldValue("train.lr", Json(0.5));
    QTest::mouseClick(results->useBestButton(), Qt::LeftButton);
    QCOMPARE(c->config().train.lr, 0.01);
    QCOMPARE(window_->datasetView()->currentWidget(), static_cast<QWidget*>(c));
    results->close();
  }

  void trialsTrainAtOnceWithProcesses()
  {
    // Processes 2 on the Train page: the search's two trials train at once in m6-cli processes;
    // the page counts them (no trial trains in this process, so no live curves).
    qputenv("M6_CLI", M6_BINARY_DIR "/app/exe/m6-cli");
    configure(3);
    TrainPage* t = pages()->trainPage();
    t->processesBox()->setMaximum(2);  // this machine may have one core; the job still runs
    t->processesBox()->setValue(2);
    SearchDialog* d = writeLearningRateGrid("at once", "0.01, 1e-7");
    QVERIFY(d);
    QSignalSpy started(pages()->controller(), &TrainingController::runStarted);
    QSignalSpy progress(pages()->controller(), &TrainingController::trialsProgress);
    QSignalSpy finished(pages()->controller(), &TrainingController::searchFinished);
    d->buttons()->button(QDialogButtonBox::Ok)->click();
    waitIdle();
    t->processesBox()->setValue(1);
    QCOMPARE(finished.count(), 1);
    const SearchResult result = finished.at(0).at(0).value<SearchResult>();
    QCOMPARE(result.search.status, std::string("finished"));
    QCOMPARE(result.trials.size(), size_t(2));
    for (const auto& trial : result.trials)
    {
      QVERIFY(trial.run);
      QCOMPARE(trial.run->status, m6::RunStatus::Finished);
      QCOMPARE(trial.run->epochsRun, 3);
    }
    QCOMPARE(started.count(), 0);
    // Two starts, then two ends: the second started before the first ended.
    QCOMPARE(progress.count(), 4);
    QCOMPARE(progress.at(1).at(2).toInt(), 2);  // two training
    QCOMPARE(progress.at(3).at(1).toInt(), 2);  // two ended
    QCOMPARE(progress.at(3).at(3).toInt(), 2);  // of two
    QVERIFY2(t->logText().contains("up to 2 trials at once"), qPrintable(t->logText()));
    QVERIFY2(t->statusText().startsWith("Search finished"), qPrintable(t->statusText()));

    // Queued with Processes 2, the search keeps them: the queue says so and runs it that way.
    QueuePanel* panel = pages()->queuePanel();
    RunQueue* queue = pages()->queue();
    QTRY_VERIFY(queue->loaded());
    t->processesBox()->setValue(2);
    d = writeLearningRateGrid("queued at once", "0.01, 0.003");
    QVERIFY(d);
    QTest::mouseClick(d->queueButton(), Qt::LeftButton);
    t->processesBox()->setValue(1);
    QTRY_COMPARE(panel->table()->rowCount(), 1);
    QCOMPARE(panel->table()->item(0, 1)->text(), QString("search, 2 at once"));
    progress.clear();
    finished.clear();
    queue->start();
    QTRY_VERIFY_WITH_TIMEOUT(!queue->running(), 180000);
    waitIdle();
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).value<SearchResult>().search.status, std::string("finished"));
    QCOMPARE(progress.count(), 4);
    QCOMPARE(progress.at(1).at(2).toInt(), 2);  // both trials at once
    QCOMPARE(started.count(), 0);
  }

  void aStoppedSearchResumesFromItsRowAndDeletesWithItsTrials()
  {
    configure(12);
    SearchDialog* d = writeLearningRateGrid("interrupted", "0.01, 0.003, 0.001");
    QVERIFY(d);
    QSignalSpy started(pages()->controller(), &TrainingController::runStarted);
    d->buttons()->button(QDialogButtonBox::Ok)->click();
    TrainPage* t = pages()->trainPage();
    QTRY_VERIFY_WITH_TIMEOUT(started.count() == 2 && t->epochPlot()->epochCount() >= 1, 90000);
    const qint64 stopped = started.at(1).at(0).value<RunRecord>().id;
    QTest::mouseClick(t->stopButton(), Qt::LeftButton);
    waitIdle();
    QVERIFY2(t->statusText().startsWith("Search stopped"), qPrintable(t->statusText()));

    RunsPage* runs = pages()->runsPage();
    RunTableModel* m = runs->model();
    QTRY_VERIFY(searchIdOf(m, "interrupted") != 0);
    const qint64 search = searchIdOf(m, "interrupted");
    QTRY_COMPARE(
        m->data(m->indexOfSearch(search).siblingAtColumn(RunTableModel::Status)).toString(),
        QString("stopped"));
    QCOMPARE(m->rowCount(m->indexOfSearch(search)), 2);
    runs->selectSearches({search});
    QVERIFY(runs->canResumeSearch(search));
    runs->resumeSelected();
    QVERIFY(pages()->controller()->busy());
    waitIdle();
    QVERIFY2(t->statusText().startsWith("Search finished"), qPrintable(t->statusText()));
    QTRY_COMPARE(
        m->data(m->indexOfSearch(search).siblingAtColumn(RunTableModel::Status)).toString(),
        QString("finished"));
    const QModelIndex row = m->indexOfSearch(search);
    QCOMPARE(m->rowCount(row), 3);
    const RunEntry* second = m->entry(m->index(1, 0, row));
    QCOMPARE(second->record.id, stopped);  // continued, not trained again from scratch
    QCOMPARE(second->record.epochsRun, 12);
    QCOMPARE(started.count(), 4);  // trials 1 and 2, then 2 (continued) and 3
    QVERIFY(!runs->canResumeSearch(search));

    // Deleting the search row deletes its trials' runs and then the search's record.
    QList<qint64> trials;
    for (int i = 0; i < 3; ++i)
    {
      trials << m->entry(m->index(i, 0, row))->record.id;
    }
    prompts().confirm = [](QWidget*, const QString&, const QString&) { return true; };
    runs->selectSearches({search});
    runs->deleteSelected();
    QTRY_VERIFY(!m->indexOfSearch(search).isValid());
    for (qint64 id : trials)
    {
      QVERIFY(!m->find(id));
    }
    QTRY_VERIFY_WITH_TIMEOUT(
        [&]
        {
          auto ws = Workspace::open(path_.toStdString(), false);
          return ws && !SearchStore(**ws).search(search).ok();
        }(),
        10000);
  }

  void theQueueKeepsItsOrderAcrossARestartAndRunsInIt()
  {
    configure(2);
    ConfigurePage* c = pages()->configurePage();
    TrainPage* t = pages()->trainPage();
    QueuePanel* panel = pages()->queuePanel();
    RunQueue* queue = pages()->queue();
    QTRY_VERIFY(queue->loaded());
    QCOMPARE(panel->table()->rowCount(), 0);
    QVERIFY(!panel->runButton()->isEnabled());  // nothing to run
    c->nameEdit()->setText("queued one");
    QTest::mouseClick(t->queueButton(), Qt::LeftButton);
    c->nameEdit()->setText("queued pair");
    t->seedsBox()->setValue(2);
    QTest::mouseClick(t->queueButton(), Qt::LeftButton);
    t->seedsBox()->setValue(1);
    SearchDialog* d = writeLearningRateGrid("queued search", "0.01, 0.003");
    QVERIFY(d);
    QTest::mouseClick(d->queueButton(), Qt::LeftButton);
    QTRY_COMPARE(panel->table()->rowCount(), 3);
    QVERIFY(!pages()->controller()->busy());  // queued, nothing started
    // Move the search to the front.
    panel->selectJob(queue->jobs()[2].id);
    QTest::mouseClick(panel->upButton(), Qt::LeftButton);
    QTRY_COMPARE(panel->table()->item(1, 0)->text(), QString("2. queued search"));
    QTest::mouseClick(panel->upButton(), Qt::LeftButton);
    QTRY_COMPARE(panel->table()->item(0, 0)->text(), QString("1. queued search"));
    QCOMPARE(panel->table()->item(1, 1)->text(), QString("run"));
    QCOMPARE(panel->table()->item(2, 1)->text(), QString("2 seeds"));

    // The queue is the workspace's: a new window on it shows the same jobs in the same order.
    window_.reset();
    openWindow();
    panel = pages()->queuePanel();
    queue = pages()->queue();
    QTRY_COMPARE(panel->table()->rowCount(), 3);
    QCOMPARE(panel->table()->item(0, 0)->text(), QString("1. queued search"));
    QCOMPARE(panel->table()->item(1, 0)->text(), QString("2. queued one"));
    QCOMPARE(panel->table()->item(2, 0)->text(), QString("3. queued pair"));
    QVERIFY(!queue->running());  // a restart does not start it

    // Run queue: the jobs one after another, in that order, then the queue stops by itself.
    QSignalSpy started(pages()->controller(), &TrainingController::runStarted);
    QSignalSpy taken(queue, &RunQueue::jobStarted);
    QTest::mouseClick(panel->runButton(), Qt::LeftButton);
    QVERIFY(queue->running());
    QCOMPARE(panel->runButton()->text(), QString("Pause queue"));
    QTRY_VERIFY_WITH_TIMEOUT(!queue->running(), 180000);
    waitIdle();
    QCOMPARE(taken.count(), 3);
    QStringList names;
    for (const QList<QVariant>& args : started)
    {
      names << QString::fromStdString(args.at(0).value<RunRecord>().name);
    }
    QCOMPARE(names, (QStringList{"queued search trial 1", "queued search trial 2", "queued one",
                                 "queued pair seed 42", "queued pair seed 43"}));
    QTRY_COMPARE(panel->table()->rowCount(), 0);
    QCOMPARE(panel->runButton()->text(), QString("Run queue"));
  }

  void stoppingAQueuedJobPausesTheQueue()
  {
    configure(30);
    ConfigurePage* c = pages()->configurePage();
    TrainPage* t = pages()->trainPage();
    QueuePanel* panel = pages()->queuePanel();
    RunQueue* queue = pages()->queue();
    for (const char* name : {"first", "second"})
    {
      c->nameEdit()->setText(name);
      QTest::mouseClick(t->queueButton(), Qt::LeftButton);
    }
    QTRY_COMPARE(panel->table()->rowCount(), 2);
    QSignalSpy started(pages()->controller(), &TrainingController::runStarted);
    queue->start();
    QTRY_VERIFY_WITH_TIMEOUT(started.count() == 1 && t->epochPlot()->epochCount() >= 1, 60000);
    QCOMPARE(QString::fromStdString(started.at(0).at(0).value<RunRecord>().name), QString("first"));
    QTRY_COMPARE(panel->table()->rowCount(), 1);  // taken out when it started
    // While it trains another job can still be queued.
    QVERIFY(t->queueButton()->isEnabled());
    QTest::mouseClick(t->stopButton(), Qt::LeftButton);
    waitIdle();
    QVERIFY(!queue->running());
    QCOMPARE(started.count(), 1);  // "second" waits
    QCOMPARE(panel->table()->rowCount(), 1);
    QCOMPARE(panel->table()->item(0, 0)->text(), QString("1. second"));
    // Remove it: the queue is empty and cannot run.
    panel->selectJob(queue->jobs()[0].id);
    QTest::mouseClick(panel->removeButton(), Qt::LeftButton);
    QTRY_COMPARE(panel->table()->rowCount(), 0);
    QVERIFY(!panel->runButton()->isEnabled());
  }
};

M6_GUI_TEST_MAIN(TestSearchPages)
#include "test_search_pages.moc"
