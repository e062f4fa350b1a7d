// EpochPlot: the validation metrics per epoch of a run, on their own plot: NDCG@K, HR@K and
// MRR@K for ranking; AUC (left axis) and LogLoss (right axis) for ctr; RMSE and MAE for rating.
// The best epoch (the one best.pt holds) is marked by a vertical line and a label. Zoom, pan,
// reset view, log axis, legend, save and copy CSV come from PlotControls.
//
// Thread affinity: GUI thread.
#pragma once

#include <QMap>
#include <QWidget>
#include <vector>

#include "app/bridge/train_types.h"

class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCustomPlot;

namespace m6
{

class PlotControls;
class PlotFrame;

class EpochPlot : public QWidget
{
  Q_OBJECT
 public:
  explicit EpochPlot(QWidget* parent = nullptr);

  /// Empties the plot for a run of this task ("ranking", "ctr", "rating").
  void clear(const QString& task);
  /// A live epoch; isBest moves the best-epoch mark to it.
  void addEpoch(const EpochStats& epoch);
  /// Recorded epochs of a run whose best epoch is `bestEpoch` (0: none).
  void setEpochs(const std::vector<EpochRecord>& epochs, int bestEpoch, const QString& task);

  int bestEpoch() const { return bestEpoch_; }
  int epochCount() const { return epochs_; }
  /// The graph of a metric ("ndcg@10"), or nullptr.
  QCPGraph* graph(const QString& metric) const { return graphs_.value(metric, nullptr); }
  QStringList metricNames() const { return graphs_.keys(); }
  QCustomPlot* plot() const;
  PlotFrame* frame() const { return frame_; }
  PlotControls* controls() const { return controls_; }

 private:
  void add(int epoch, const MetricSet& valid);
  void markBest(int epoch);
  bool shown(const std::string& metric) const;
  void resetView();

  PlotFrame* frame_ = nullptr;
  PlotControls* controls_ = nullptr;
  QString task_ = QStringLiteral("ranking");
  QMap<QString, QCPGraph*> graphs_;
  QCPItemStraightLine* bestLine_ = nullptr;
  QCPItemText* bestLabel_ = nullptr;
  int bestEpoch_ = 0;
  int epochs_ = 0;
};

}  // namespace m6
