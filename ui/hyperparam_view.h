// HyperparamView: how the varied hyperparameters of the selected runs relate to a chosen metric:
// a table (one row per run: the fields that differ and the metric) and a parallel-coordinates
// plot drawn with QCustomPlot (one vertical axis per varied field plus the metric, one line per
// run coloured by the metric on a colour scale).
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>
#include <vector>

#include "app/bridge/train_types.h"
#include "ui/run_compare.h"

class QComboBox;
class QCPColorScale;
class QCustomPlot;
class QTableWidget;

namespace m6
{

class PlotFrame;

class HyperparamView : public QWidget
{
  Q_OBJECT
 public:
  explicit HyperparamView(QWidget* parent = nullptr);

  void setRuns(const std::vector<RunRecord>& runs);
  /// The metric shown, as a key of metricChoices ("valid:ndcg@10"); validation's primary metric
  /// until the user picks another.
  QString metric() const;
  void setMetric(const QString& metric);

  QTableWidget* table() const { return table_; }
  QComboBox* metricCombo() const { return metric_; }
  QCustomPlot* plot() const;
  PlotFrame* frame() const { return frame_; }
  const std::vector<ParallelAxis>& axes() const { return axes_; }
  /// The lines drawn (one per run with a value on every axis... or gaps where it has none).
  int lineCount() const { return lines_; }

 private:
  void rebuild();
  void fillTable(const std::vector<ConfigDiffRow>& rows);
  void drawAxes();
  void drawLines();

  std::vector<RunRecord> runs_;
  std::vector<ParallelAxis> axes_;
  QComboBox* metric_ = nullptr;
  QTableWidget* table_ = nullptr;
  PlotFrame* frame_ = nullptr;
  QCPColorScale* scale_ = nullptr;
  int lines_ = 0;
};

}  // namespace m6
