// Interactive plot controls shared by the training and comparison plots: mouse zoom (wheel) and
// pan (drag), "Reset view", a linear/logarithmic y axis, the legend, and "Copy data as CSV".
// PlotControls puts them in a PlotFrame's header and its context menu.
//
// Thread affinity: GUI thread.
#pragma once

#include <QObject>
#include <QString>
#include <functional>

class QAction;
class QCustomPlot;
class QCPAxis;

namespace m6
{

class PlotFrame;

/// Every graph and curve of the plot as long-format CSV: "series,x,y" with one row per point
/// (graphs may have different x values, so a wide table would need gaps).
QString plotCsv(QCustomPlot* plot);

/// Wheel zooms, drag pans (both axes), clicking a legend entry selects it.
void enableZoomPan(QCustomPlot* plot);

/// Linear or logarithmic (log10 ticks) scale of an axis.
void setLogScale(QCPAxis* axis, bool log);

class PlotControls : public QObject
{
  Q_OBJECT
 public:
  /// `resetView` rescales the plot to its data; the default rescales every axis and replots.
  PlotControls(PlotFrame* frame, QCPAxis* valueAxis, std::function<void()> reset = {});

  QAction* resetAction() const { return reset_; }
  QAction* logAction() const { return log_; }
  QAction* copyAction() const { return copy_; }
  bool logScale() const;
  void setLogScale(bool log);
  void resetView();

 Q_SIGNALS:
  void logScaleChanged(bool log);

 private:
  PlotFrame* frame_;
  QCPAxis* axis_;
  std::function<void()> resetView_;
  QAction* reset_ = nullptr;
  QAction* log_ = nullptr;
  QAction* copy_ = nullptr;
};

}  // namespace m6
