// LossPlot: the training loss per step, live: the raw loss as a faint line and the smoothed
// loss (TensorBoard's debiased EMA, loss_smoothing.h) on top, with a smoothing slider, zoom and
// pan, reset view, log y axis, legend, save PNG/PDF and copy CSV (PlotControls).
//
// Drawing is bounded: the full history stays in memory (and in the workspace), but at most
// kMaxShownPoints points per graph are drawn; beyond that every n-th step is shown (n doubles as
// needed, the graphs are rebuilt then). addSteps() does one addData per graph and one queued
// replot, so callers coalesce steps and call it a few times a second.
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>
#include <vector>

#include "app/bridge/train_types.h"
#include "ui/loss_smoothing.h"

class QCPGraph;
class QCustomPlot;
class QLabel;
class QSlider;

namespace m6
{

class PlotControls;
class PlotFrame;

class LossPlot : public QWidget
{
  Q_OBJECT
 public:
  static constexpr int kMaxShownPoints = 20000;

  explicit LossPlot(QWidget* parent = nullptr);

  void clear();
  /// Appends live steps (in step order).
  void addSteps(const StepBatch& steps);
  /// Replaces everything with recorded steps.
  void setSteps(const std::vector<StepRecord>& steps);
  /// Puts a resumed run's recorded steps before the live ones already shown (recorded steps at
  /// or after the first live step are dropped: the live ones replace them).
  void prependHistory(const std::vector<StepRecord>& steps);

  /// 0 (raw) .. 0.99.
  double smoothing() const { return smoothing_; }
  void setSmoothing(double weight);

  int stepCount() const { return static_cast<int>(steps_.size()); }
  int shownStride() const { return stride_; }
  QCustomPlot* plot() const;
  PlotFrame* frame() const { return frame_; }
  PlotControls* controls() const { return controls_; }
  QCPGraph* rawGraph() const { return raw_; }
  QCPGraph* smoothGraph() const { return smooth_; }
  QSlider* slider() const { return slider_; }

 private:
  void append(double step, double loss);
  void rebuild();
  void resetView();
  void replot();

  PlotFrame* frame_ = nullptr;
  PlotControls* controls_ = nullptr;
  QSlider* slider_ = nullptr;
  QLabel* sliderValue_ = nullptr;
  QCPGraph* raw_ = nullptr;
  QCPGraph* smooth_ = nullptr;
  std::vector<double> steps_;
  std::vector<double> losses_;
  std::vector<double> smoothed_;
  EmaSmoother ema_;
  double smoothing_ = 0.9;
  int stride_ = 1;
  bool followData_ = true;  // keep the view on all data until the user zooms or pans
};

}  // namespace m6
