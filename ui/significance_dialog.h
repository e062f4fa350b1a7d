// SignificanceDialog: "Significance…" on the Runs page for two selected runs or run groups: is
// run A really better than run B? (A group's per-user value is the mean over its members.) The
// paired comparison over users of app/runner/run_significance.h, computed on the run worker
// (RunLibrary::significance; 10,000 seeded bootstrap resamples), shown as the mean of each run, the
// mean difference A - B with its 95% paired-bootstrap interval, the Wilcoxon signed-rank p-value,
// the users where A is better, worse or tied, a one-line verdict and a histogram of the per-user
// differences (tied users left out, a line at 0 and at the mean). The metric is chosen
// (ndcg/hr/mrr/recall at any K for ranking runs; logloss; abs_error, squared_error) or typed; "Swap
// A and B" reverses the direction; "Copy" puts the figures on the clipboard. Runs that do not
// compare (different datasets, splits, protocols, tasks, no per-user results) get the reason in the
// dialog and nothing else.
//
// Thread affinity: GUI thread.
#pragma once

#include <QDialog>
#include <optional>

#include "app/bridge/train_types.h"

class QComboBox;
class QCustomPlot;
class QLabel;
class QPushButton;

namespace m6
{

class PlotFrame;
class RunLibrary;

class SignificanceDialog : public QDialog
{
  Q_OBJECT
 public:
  /// `task` is run A's task (it chooses the metrics offered); `defaultMetric` is selected first.
  SignificanceDialog(RunLibrary* library, qint64 runA, qint64 runB, const QString& task,
                     const QString& defaultMetric, QWidget* parent = nullptr);
  /// Between runs or run groups (a group's users are valued by the mean over its members).
  SignificanceDialog(RunLibrary* library, const SignificanceSide& a, const SignificanceSide& b,
                     const QString& task, const QString& defaultMetric, QWidget* parent = nullptr);

  QComboBox* metric() const { return metric_; }
  QPushButton* swapButton() const { return swap_; }
  QLabel* verdict() const { return verdict_; }
  QLabel* status() const { return status_; }
  QCustomPlot* plot() const;
  /// The comparison shown, or nothing (still computing, or refused).
  const std::optional<RunSignificance>& result() const { return result_; }
  /// Whether a request is in flight.
  bool busy() const { return token_ != 0; }
  qint64 runA() const { return a_.id; }
  qint64 runB() const { return b_.id; }
  const SignificanceSide& sideA() const { return a_; }
  const SignificanceSide& sideB() const { return b_; }

  /// Asks for the comparison on the metric in the combo box.
  void compute();
  void swapRuns();
  /// The figures as plain text, as "Copy" puts them on the clipboard.
  QString reportText() const;

 Q_SIGNALS:
  /// A result or a refusal arrived (for tests and the status bar).
  void answered();

 private:
  void showResult(const RunSignificance& r);
  void fail(const QString& message);
  void drawHistogram(const RunSignificance& r);
  void clearFigures();

  RunLibrary* library_;
  SignificanceSide a_;
  SignificanceSide b_;
  quint64 token_ = 0;
  std::optional<RunSignificance> result_;
  QComboBox* metric_ = nullptr;
  QPushButton* swap_ = nullptr;
  QPushButton* copy_ = nullptr;
  QLabel* runs_ = nullptr;
  QLabel* protocol_ = nullptr;
  QLabel* means_ = nullptr;
  QLabel* difference_ = nullptr;
  QLabel* interval_ = nullptr;
  QLabel* wilcoxon_ = nullptr;
  QLabel* counts_ = nullptr;
  QLabel* verdict_ = nullptr;
  QLabel* status_ = nullptr;
  PlotFrame* frame_ = nullptr;
};

}  // namespace m6
