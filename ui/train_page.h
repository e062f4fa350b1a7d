// TrainPage: a training run as it happens: Train / Pause-Resume / Stop, a progress bar with
// epoch and step, examples per second, elapsed time and ETA, the live loss curve (LossPlot), the
// validation metrics per epoch with the best epoch marked (EpochPlot), and a log panel with the
// engine's messages (epochs, early stop, divergence, the final result).
//
// It only listens to a TrainingController (GUI-thread signals, coalesced steps) and asks for a
// new run through trainRequested(); what to train comes from the Configure page (ModelPages
// wires the two). "Processes" (1 to the machine's cores) makes the next run or resume
// data-parallel over that many local processes. "Add to queue" asks for the same job to wait in the
// run queue instead (queueRequested()); the queue's panel sits beside the log. Shortcuts on the
// page: Space pauses or resumes, Esc stops.
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

#include "app/bridge/train_types.h"

class QHBoxLayout;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QSplitter;

namespace m6
{

class EpochPlot;
class LossPlot;
class TrainingController;

class TrainPage : public QWidget
{
  Q_OBJECT
 public:
  explicit TrainPage(TrainingController* controller, QWidget* parent = nullptr);

  /// Whether Train may start a run now, and why not (shown as the button's tooltip).
  void setTrainEnabled(bool enabled, const QString& why);
  /// Whether "Add to queue" may queue the Configure page's settings, and why not.
  void setQueueEnabled(bool enabled, const QString& why);
  /// The recorded curves of the run being resumed, shown before its live steps.
  void showHistory(const RunCurves& curves);

  LossPlot* lossPlot() const { return loss_; }
  EpochPlot* epochPlot() const { return epochs_; }
  QProgressBar* progressBar() const { return bar_; }
  QPushButton* trainButton() const { return train_; }
  QPushButton* pauseButton() const { return pause_; }
  QPushButton* stopButton() const { return stop_; }
  /// "Add to queue": the Configure page's settings (with Processes and Seeds) as a queued job.
  QPushButton* queueButton() const { return queue_; }
  /// Puts the run queue's panel beside the log.
  void setQueuePanel(QWidget* panel);
  /// "Processes": how many local processes train the next run or resume (1: this one only).
  int processes() const;
  QSpinBox* processesBox() const { return processes_; }
  /// "Seeds": > 1 trains the next run as a run group of that many seeds (one after another).
  int seeds() const;
  QSpinBox* seedsBox() const { return seeds_; }
  QString statusText() const;
  QString logText() const;
  /// The run shown (id 0 before the first run).
  const RunRecord& run() const { return run_; }

 Q_SIGNALS:
  void trainRequested();
  void queueRequested();
  void statusMessage(QString message);

 private:
  // The constructor's steps.
  QHBoxLayout* buildControls();
  QHBoxLayout* buildProgress();
  QWidget* buildPlotsAndLog();
  void connectControls();
  void connectController();

  void onJobStarted();
  void onRunStarted(const RunRecord& run);
  void onProgress(const Progress& p);
  void onRunFinished(const RunRecord& run);
  void onJobEnded();
  void onEpochEnded(const EpochStats& e);
  void onPausedChanged(bool paused);
  void onBaselinesFinished(const RunRecordList& runs);
  void onSearchFinished(const SearchResult& r);
  /// A group's members or a search's trials training in processes of their own: a count.
  void showProcesses(const QString& title, const QString& count, int ended, int total);
  void setStatus(const QString& text, const QString& colour = QString());
  void appendLog(const QString& line);
  void updateButtons();

  TrainingController* controller_;
  RunRecord run_;
  std::vector<EpochStats> liveEpochs_;  // of the current job, to merge a resumed run's history
  bool trainAllowed_ = false;
  bool queueAllowed_ = false;
  QString trainWhy_;
  QPushButton* train_ = nullptr;
  QPushButton* pause_ = nullptr;
  QPushButton* stop_ = nullptr;
  QPushButton* queue_ = nullptr;
  QSplitter* bottom_ = nullptr;  // the log, and the queue panel when set
  QSpinBox* processes_ = nullptr;
  QSpinBox* seeds_ = nullptr;
  QLabel* title_ = nullptr;
  QLabel* status_ = nullptr;
  QProgressBar* bar_ = nullptr;
  QLabel* speed_ = nullptr;
  QLabel* elapsed_ = nullptr;
  QLabel* eta_ = nullptr;
  LossPlot* loss_ = nullptr;
  EpochPlot* epochs_ = nullptr;
  QPlainTextEdit* log_ = nullptr;
};

}  // namespace m6
