// CompareChart: the adaptation comparison as a grouped bar chart (QCustomPlot QCPBars): one group
// per share of the target's training data, the adapted run's test metric beside the scratch
// run's, and the zero-shot figure (the parent before any fine-tuning; it does not depend on the
// share) as a dashed horizontal line. Each bar is labelled with its value. Zoom, pan, legend,
// "copy data as CSV" and PNG/PDF saving come from PlotFrame and PlotControls.
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

#include "app/bridge/adapt_types.h"

class QCPBars;
class QCPGraph;

namespace m6
{

class PlotFrame;

class CompareChart : public QWidget
{
  Q_OBJECT
 public:
  explicit CompareChart(QWidget* parent = nullptr);

  /// Draws `metric` (a test metric name, "ndcg@10") of every arm.
  void setComparison(const AdaptComparison& comparison, const QString& metric);
  void clear();

  PlotFrame* frame() const { return frame_; }
  QCPBars* adaptedBars() const { return adapted_; }
  QCPBars* scratchBars() const { return scratch_; }
  /// The zero-shot line (a two-point graph; empty when there is no zero-shot figure).
  QCPGraph* zeroShotLine() const { return zeroShot_; }
  /// The target's most-popular baseline as a line (empty when the comparison has none).
  QCPGraph* popularLine() const { return popular_; }

 private:
  PlotFrame* frame_ = nullptr;
  QCPBars* adapted_ = nullptr;
  QCPBars* scratch_ = nullptr;
  QCPGraph* zeroShot_ = nullptr;
  QCPGraph* popular_ = nullptr;
  double left_ = -0.6, right_ = 0.6, top_ = 1;  // the view "Reset view" returns to
};

}  // namespace m6
