#include "ui/train_page.h"

#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <thread>

#include "app/bridge/training_controller.h"
#include "app/runner/run_groups.h"
#include "ui/duration_text.h"
#include "ui/epoch_plot.h"
#include "ui/loss_plot.h"
#include "ui/run_compare.h"

namespace m6
{

int TrainPage::processes() const
{
  return processes_->value();
}

int TrainPage::seeds() const
{
  return seeds_->value();
}

TrainPage::TrainPage(TrainingController* controller, QWidget* parent)
    : QWidget(parent), controller_(controller)
{
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buildControls());
  layout->addLayout(buildProgress());
  layout->addWidget(buildPlotsAndLog(), 1);
  connectControls();
  connectController();
  epochs_->clear(QStringLiteral("ranking"));
  updateButtons();
}

QHBoxLayout* TrainPage::buildControls()
{
  train_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Train"), this);
  pause_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPause), tr("Pause"), this);
  stop_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Stop"), this);
  queue_ = new QPushButton(tr("Add to queue"), this);
  queue_->setToolTip(
      tr("Queue a run with the Configure page's settings (and these Processes and Seeds): it "
         "starts when the queue runs and the jobs before it have ended"));
  pause_->setToolTip(tr("Pause training between two steps, or resume it (Space, Ctrl+P)"));
  stop_->setToolTip(
      tr("Stop training (Esc, Ctrl+.): the best checkpoint is kept, the run is evaluated on test "
         "and recorded as stopped; it can be resumed from the Runs page"));
  processes_ = new QSpinBox(this);
  processes_->setObjectName(QStringLiteral("trainProcesses"));
  processes_->setRange(1, std::max(1, static_cast<int>(std::thread::hardware_concurrency())));
  processes_->setValue(1);
  processes_->setPrefix(tr("Processes: "));
  processes_->setToolTip(
      tr("Train the next run (or resume) data-parallel in this many local processes, one thread "
         "each, on PyTorch's c10d with Gloo over 127.0.0.1. Each process takes batch_size "
         "examples per step, so the global batch is batch_size x processes at the configured "
         "learning rate; Pause and Stop reach every process. With Seeds > 1: train this many "
         "members of the group at once, each in its own process; a hyperparameter search trains "
         "this many trials at once (their curves are on the Runs page). 1: this process only"));
  seeds_ = new QSpinBox(this);
  seeds_->setObjectName(QStringLiteral("trainSeeds"));
  seeds_->setRange(1, kMaxGroupSeeds);
  seeds_->setValue(1);
  seeds_->setPrefix(tr("Seeds: "));
  seeds_->setToolTip(
      tr("Train the next run N times with seeds train.seed, +1, …, as a run group (one after "
         "another, or Processes at once): the Runs page shows it as one row with each metric's "
         "mean ± sd and 95% interval, and Significance compares groups user by user. 1: a "
         "single run"));
  title_ = new QLabel(tr("No run yet: configure one and press Train (Ctrl+T)."), this);
  title_->setObjectName(QStringLiteral("trainTitle"));
  title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  status_ = new QLabel(this);
  auto* top = new QHBoxLayout;
  top->addWidget(train_);
  top->addWidget(pause_);
  top->addWidget(stop_);
  top->addWidget(queue_);
  top->addWidget(processes_);
  top->addWidget(seeds_);
  top->addSpacing(12);
  top->addWidget(title_, 1);
  top->addWidget(status_);
  return top;
}

QHBoxLayout* TrainPage::buildProgress()
{
  bar_ = new QProgressBar(this);
  bar_->setRange(0, 1000);
  bar_->setValue(0);
  bar_->setFormat(tr("idle"));
  bar_->setTextVisible(true);
  bar_->setToolTip(tr("Training examples done of all epochs (early stopping may end sooner)"));
  speed_ = new QLabel(this);
  elapsed_ = new QLabel(this);
  eta_ = new QLabel(this);
  speed_->setToolTip(tr("Training examples per second (evaluation excluded)"));
  elapsed_->setToolTip(tr("Time since this training call started"));
  eta_->setToolTip(tr("Estimated time to the end of the last epoch, without early stopping"));
  for (QLabel* l : {speed_, elapsed_, eta_})
  {
    l->setMinimumWidth(120);
  }
  auto* progress = new QHBoxLayout;
  progress->addWidget(bar_, 1);
  progress->addWidget(speed_);
  progress->addWidget(elapsed_);
  progress->addWidget(eta_);
  return progress;
}

QWidget* TrainPage::buildPlotsAndLog()
{
  loss_ = new LossPlot(this);
  epochs_ = new EpochPlot(this);
  log_ = new QPlainTextEdit(this);
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(5000);
  log_->setToolTip(tr("The engine's messages: epochs, best checkpoints, early stop, divergence"));
  log_->setPlaceholderText(tr("The engine's messages appear here."));
  QFont mono(QStringLiteral("monospace"));
  mono.setStyleHint(QFont::TypeWriter);
  log_->setFont(mono);
  auto* plots = new QSplitter(Qt::Horizontal, this);
  plots->addWidget(loss_);
  plots->addWidget(epochs_);
  plots->setSizes({600, 450});
  bottom_ = new QSplitter(Qt::Horizontal, this);
  bottom_->addWidget(log_);
  auto* vertical = new QSplitter(Qt::Vertical, this);
  vertical->addWidget(plots);
  vertical->addWidget(bottom_);
  vertical->setStretchFactor(0, 4);
  vertical->setStretchFactor(1, 1);
  vertical->setSizes({480, 180});
  return vertical;
}

void TrainPage::connectControls()
{
  connect(train_, &QPushButton::clicked, this, &TrainPage::trainRequested);
  connect(queue_, &QPushButton::clicked, this, &TrainPage::queueRequested);
  connect(pause_, &QPushButton::clicked, this,
          [this] { controller_->setPaused(!controller_->paused()); });
  connect(stop_, &QPushButton::clicked, controller_, &TrainingController::stop);
  auto* space = new QShortcut(QKeySequence(Qt::Key_Space), this);
  space->setContext(Qt::WidgetWithChildrenShortcut);
  connect(space, &QShortcut::activated, pause_, &QPushButton::click);
  auto* esc = new QShortcut(QKeySequence(Qt::Key_Escape), this);
  esc->setContext(Qt::WidgetWithChildrenShortcut);
  connect(esc, &QShortcut::activated, stop_, &QPushButton::click);
}

void TrainPage::connectController()
{
  connect(controller_, &TrainingController::jobStarted, this, &TrainPage::onJobStarted);
  connect(controller_, &TrainingController::phaseChanged, this,
          [this](const QString& text)
          {
            if (!text.isEmpty())
            {
              setStatus(text);
            }
          });
  connect(controller_, &TrainingController::runStarted, this, &TrainPage::onRunStarted);
  // A comparison trains one run per arm; its runs' steps stay out of the live plot (each arm
  // restarts at step 1), so the page says which arm is under way.
  connect(controller_, &TrainingController::armStarted, this,
          [this](const QString& text, int, int)
          {
            // text: "adapted, 10% of the training data (1 of 6)"; the worker logs it too.
            title_->setText(tr("<b>Adaptation comparison</b>: %1").arg(text.toHtmlEscaped()));
          });
  connect(controller_, &TrainingController::membersProgress, this,
          [this](qint64 groupId, int ended, int running, int total)
          {
            showProcesses(
                tr("<b>Run group %1</b>: members in processes of their own (their "
                   "curves are on the Runs page)")
                    .arg(groupId),
                tr("%1 of %2 members ended · %3 training").arg(ended).arg(total).arg(running),
                ended, total);
          });
  connect(controller_, &TrainingController::trialsProgress, this,
          [this](qint64 searchId, int ended, int running, int total)
          {
            showProcesses(
                tr("<b>Search %1</b>: trials in processes of their own (their curves "
                   "are on the Runs page)")
                    .arg(searchId),
                tr("%1 of %2 trials ended · %3 training").arg(ended).arg(total).arg(running), ended,
                total);
          });
  connect(controller_, &TrainingController::stepsArrived, loss_, &LossPlot::addSteps);
  connect(controller_, &TrainingController::progressChanged, this, &TrainPage::onProgress);
  connect(controller_, &TrainingController::epochEnded, this, &TrainPage::onEpochEnded);
  connect(controller_, &TrainingController::logLine, this, &TrainPage::appendLog);
  connect(controller_, &TrainingController::pausedChanged, this, &TrainPage::onPausedChanged);
  connect(controller_, &TrainingController::runFinished, this, &TrainPage::onRunFinished);
  connect(controller_, &TrainingController::baselinesFinished, this,
          &TrainPage::onBaselinesFinished);
  connect(controller_, &TrainingController::searchFinished, this, &TrainPage::onSearchFinished);
  connect(controller_, &TrainingController::jobFailed, this,
          [this](const QString& message)
          {
            setStatus(tr("Failed"), QStringLiteral("#b00020"));
            appendLog(tr("error: %1").arg(message));
            Q_EMIT statusMessage(tr("Training failed: %1").arg(message.section('\n', 0, 0)));
          });
  connect(controller_, &TrainingController::jobCancelled, this,
          [this]
          {
            setStatus(tr("Stopped before training began"));
            appendLog(tr("stopped before training began; nothing was recorded"));
          });
  connect(controller_, &TrainingController::jobEnded, this, &TrainPage::onJobEnded);
}

void TrainPage::showProcesses(const QString& title, const QString& count, int ended, int total)
{
  // Members of a group, or trials of a search, each in a process of its own: a count.
  title_->setText(title);
  bar_->setValue(total > 0 ? ended * 1000 / total : 0);
  bar_->setFormat(count);
}

void TrainPage::onEpochEnded(const EpochStats& e)
{
  liveEpochs_.push_back(e);
  epochs_->addEpoch(e);
  if (e.isBest)
  {
    appendLog(tr("epoch %1 is the best so far: best checkpoint saved").arg(e.epoch));
  }
}

void TrainPage::onPausedChanged(bool paused)
{
  if (controller_->busy() && !controller_->stopping())
  {
    setStatus(paused ? tr("Paused") : tr("Training…"),
              paused ? QStringLiteral("#a06000") : QString());
    // The engine's own lines say when it holds and goes on ("paused after step N").
    appendLog(paused ? tr("pause requested") : tr("resume requested"));
  }
  updateButtons();
}

void TrainPage::onBaselinesFinished(const RunRecordList& runs)
{
  setStatus(tr("Baselines recorded (%n run(s))", nullptr, int(runs.size())),
            QStringLiteral("#006030"));
  for (const auto& r : runs)
  {
    appendLog(tr("%1: test %2")
                  .arg(QString::fromStdString(r.name),
                       QString::fromStdString(r.test.valuesJson().dump())));
  }
}

void TrainPage::onSearchFinished(const SearchResult& r)
{
  const bool finished = r.search.status == "finished";
  QString text = finished ? tr("Search finished") : tr("Search stopped");
  if (r.bestRun)
  {
    for (const SearchTrialResult& t : r.trials)
    {
      if (t.run && t.run->id == *r.bestRun)
      {
        text += tr(" · best: trial %1 (run %2), %3 %4 on validation")
                    .arg(t.trial + 1)
                    .arg(t.run->id)
                    .arg(QString::fromStdString(r.metric))
                    .arg(t.value, 0, 'f', 4);
      }
    }
  }
  setStatus(text, finished ? QStringLiteral("#006030") : QStringLiteral("#a06000"));
  Q_EMIT statusMessage(
      tr("Search %1: %2")
          .arg(QString::fromStdString(r.search.name), QString::fromStdString(r.search.message)));
}

void TrainPage::setTrainEnabled(bool enabled, const QString& why)
{
  trainAllowed_ = enabled;
  trainWhy_ = why;
  updateButtons();
}

void TrainPage::updateButtons()
{
  const bool busy = controller_->busy();
  train_->setEnabled(trainAllowed_ && !busy);
  train_->setToolTip(busy ? tr("A job is running; stop it first")
                     : trainAllowed_
                         ? tr("Train a new run with the Configure page's settings (Ctrl+T)")
                         : trainWhy_);
  pause_->setEnabled(busy && !controller_->stopping());
  pause_->setText(controller_->paused() ? tr("Resume") : tr("Pause"));
  pause_->setIcon(
      style()->standardIcon(controller_->paused() ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
  stop_->setEnabled(busy && !controller_->stopping());
  queue_->setEnabled(queueAllowed_);  // a job may be queued while another trains
  // Processes and Seeds are read when a run starts or is queued, so they stay editable.
}

void TrainPage::setQueueEnabled(bool enabled, const QString& why)
{
  queueAllowed_ = enabled;
  queue_->setToolTip(enabled ? tr("Queue a run with the Configure page's settings (and these "
                                  "Processes and Seeds): it starts when the queue runs and the "
                                  "jobs before it have ended")
                             : why);
  updateButtons();
}

void TrainPage::setQueuePanel(QWidget* panel)
{
  bottom_->addWidget(panel);
  bottom_->setSizes({700, 420});
}

QString TrainPage::statusText() const
{
  return status_->text();
}

QString TrainPage::logText() const
{
  return log_->toPlainText();
}

void TrainPage::setStatus(const QString& text, const QString& colour)
{
  status_->setText(text);
  status_->setStyleSheet(
      colour.isEmpty() ? QString() : QStringLiteral("color: %1; font-weight: bold").arg(colour));
}

void TrainPage::appendLog(const QString& line)
{
  log_->appendPlainText(QStringLiteral("[%1] %2").arg(
      QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), line));
}

void TrainPage::onJobStarted()
{
  liveEpochs_.clear();
  run_ = RunRecord();
  loss_->clear();
  bar_->setValue(0);
  bar_->setFormat(tr("starting…"));
  speed_->clear();
  elapsed_->clear();
  eta_->clear();
  const bool baselines = controller_->job() == TrainingController::Job::Baselines;
  const bool comparison = controller_->job() == TrainingController::Job::Comparison;
  const bool search = controller_->job() == TrainingController::Job::Search;
  title_->setText(baselines    ? tr("<b>Baselines</b>: most popular and BPR-MF")
                  : comparison ? tr("<b>Adaptation comparison</b>: zero-shot, adapted and from "
                                    "scratch (the comparison view shows the results)")
                  : search     ? tr("<b>Hyperparameter search</b>: each trial's curves in turn "
                                        "(the Runs page's search row has every trial)")
                               : tr("Starting…"));
  epochs_->clear(QStringLiteral("ranking"));
  setStatus(tr("Starting…"));
  appendLog(baselines ? tr("baselines started")
            : search  ? tr("search started")
                      : tr("job started"));
  updateButtons();
}

void TrainPage::onRunStarted(const RunRecord& run)
{
  if (run_.id != 0 && run_.id != run.id)
  {
    // The next run of the same job (a run group's next seed): its curves start anew.
    liveEpochs_.clear();
    loss_->clear();
    bar_->setValue(0);
  }
  run_ = run;
  epochs_->clear(QString::fromStdString(wordOf(run.task)));
  for (const EpochStats& e : liveEpochs_)
  {
    epochs_->addEpoch(e);
  }
  title_->setText(tr("<b>%1</b> (run %2) on %3 · %4")
                      .arg(QString::fromStdString(run.name).toHtmlEscaped())
                      .arg(run.id)
                      .arg(QString::fromStdString(run.datasetName).toHtmlEscaped(),
                           QString::fromStdString(wordOf(run.task))));
  setStatus(controller_->paused() ? tr("Paused") : tr("Training…"));
  Q_EMIT statusMessage(tr("Training %1…").arg(QString::fromStdString(run.name)));
}

void TrainPage::showHistory(const RunCurves& curves)
{
  if (curves.record.id != run_.id)
  {
    return;
  }
  loss_->prependHistory(curves.steps);
  const int firstLive = liveEpochs_.empty() ? INT_MAX : liveEpochs_.front().epoch;
  std::vector<EpochRecord> earlier;
  for (const EpochRecord& e : curves.epochs)
  {
    if (e.epoch < firstLive)
    {
      earlier.push_back(e);
    }
  }
  epochs_->setEpochs(earlier, curves.record.bestEpoch, QString::fromStdString(wordOf(run_.task)));
  for (const EpochStats& e : liveEpochs_)
  {
    epochs_->addEpoch(e);
  }
}

void TrainPage::onProgress(const Progress& p)
{
  const double share =
      p.examplesTotal > 0 ? static_cast<double>(p.examplesDone) / p.examplesTotal : 0.0;
  bar_->setValue(static_cast<int>(std::lround(share * 1000)));
  bar_->setFormat(tr("Epoch %1/%2 · step %3/%4 · %5 %")
                      .arg(p.epoch)
                      .arg(p.epochs)
                      .arg(QLocale().toString(static_cast<qlonglong>(p.step)),
                           QLocale().toString(static_cast<qlonglong>(p.stepsPerEpoch)))
                      .arg(share * 100, 0, 'f', 1));
  speed_->setText(tr("%1 examples/s").arg(QLocale().toString(p.examplesPerSecond, 'f', 0)));
  elapsed_->setText(tr("elapsed %1").arg(formatDuration(p.elapsedSeconds)));
  eta_->setText(tr("ETA %1").arg(formatDuration(p.etaSeconds)));
}

void TrainPage::onRunFinished(const RunRecord& run)
{
  run_ = run;
  const QString status = QString::fromStdString(wordOf(run.status));
  QString text = run.status == RunStatus::Finished   ? tr("Finished")
                 : run.status == RunStatus::Stopped  ? tr("Stopped")
                 : run.status == RunStatus::Diverged ? tr("Diverged")
                                                     : status;
  const QString colour = run.status == RunStatus::Finished   ? QStringLiteral("#006030")
                         : run.status == RunStatus::Diverged ? QStringLiteral("#b00020")
                                                             : QStringLiteral("#a06000");
  const QString metric = primaryMetric(run);
  if (run.test.has(metric.toStdString()))
  {
    text += tr(" · test %1 %2").arg(metric).arg(run.test.get(metric.toStdString()), 0, 'f', 4);
  }
  setStatus(text, colour);
  if (run.status == RunStatus::Finished || run.status == RunStatus::Stopped)
  {
    bar_->setFormat(bar_->format().section(QStringLiteral(" · "), 0, 1) + QStringLiteral(" · ") +
                    text.section(QStringLiteral(" · "), 0, 0));
  }
  Q_EMIT statusMessage(
      tr("Run %1 %2: %3")
          .arg(QString::fromStdString(run.name), status, QString::fromStdString(run.message)));
}

void TrainPage::onJobEnded()
{
  updateButtons();
}

}  // namespace m6
