// RunCompareView: the selected runs side by side, in tabs:
//  - Curves: one plot overlaying a curve per run (legend = run names): the training loss per
//    step (smoothed like the Train page), the training loss per epoch, or a validation metric
//    per epoch; zoom, pan, reset, log axis, save, copy CSV. Runs of one run group (several
//    seeds) are drawn as their mean with a band of ± one sample sd ("Seeds as mean ± sd", on by
//    default) wherever at least two of them have a value.
//  - Config diff: only the configuration fields whose values differ, one column per run.
//  - Metrics: validation and test metrics, best epoch, throughput, one column per run.
//  - Hyperparameters: HyperparamView (table and parallel coordinates).
//
// Fed with the runs' stored curves (RunLibrary::loadCurves, read off the GUI thread).
//
// Thread affinity: GUI thread.
#pragma once

#include <QHash>
#include <QTabWidget>
#include <QVector>
#include <utility>
#include <vector>

#include "app/bridge/train_types.h"

class QCheckBox;
class QColor;
class QComboBox;
class QCustomPlot;
class QTableWidget;

namespace m6
{

class HyperparamView;
class PlotControls;
class PlotFrame;

class RunCompareView : public QTabWidget
{
  Q_OBJECT
 public:
  enum Tab
  {
    CurvesTab,
    DiffTab,
    MetricsTab,
    HyperparamTab
  };

  explicit RunCompareView(QWidget* parent = nullptr);

  void setCurves(const CurveSet& curves);
  /// Names of the run groups the curves' runs may belong to (for the band's legend entry).
  void setGroupNames(const QHash<qint64, QString>& names) { groupNames_ = names; }
  const CurveSet& curves() const { return curves_; }

  /// "loss-step", "loss-epoch" or "valid:<metric>".
  QString series() const;
  void setSeries(const QString& series);

  QCustomPlot* overlayPlot() const;
  PlotFrame* overlayFrame() const { return overlay_; }
  QComboBox* seriesCombo() const { return series_; }
  QCheckBox* bandsCheck() const { return bands_; }
  QTableWidget* diffTable() const { return diff_; }
  QTableWidget* metricsTable() const { return metrics_; }
  HyperparamView* hyperparams() const { return hyper_; }
  /// The keys the config diff lists, top to bottom.
  QStringList diffKeys() const;

 private:
  /// The (x, y) points of one run's curve `s` (see series()).
  static std::pair<QVector<double>, QVector<double>> seriesOf(const RunCurves& c, const QString& s);
  /// A group's runs as a mean curve (in the legend as `name`) over a ± sd band.
  static void drawBand(QCustomPlot* p, const std::vector<const RunCurves*>& runs, const QString& s,
                       const QString& name, const QColor& colour, bool markers);
  void drawOverlay();
  void resetView();
  void fillDiff();
  void fillMetrics();

  CurveSet curves_;
  QHash<qint64, QString> groupNames_;
  QCheckBox* bands_ = nullptr;
  PlotFrame* overlay_ = nullptr;
  PlotControls* controls_ = nullptr;
  QComboBox* series_ = nullptr;
  QTableWidget* diff_ = nullptr;
  QTableWidget* metrics_ = nullptr;
  HyperparamView* hyper_ = nullptr;
};

}  // namespace m6
