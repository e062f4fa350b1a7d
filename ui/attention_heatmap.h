// AttentionHeatmap: the attention behind one (user, item) score: a QCPColorMap of
// heads (rows) x tokens (columns: user, context, then each history item, oldest first, labelled
// with its title) for one fusion layer, its colour scale, and below it a bar chart of the weights
// averaged over the heads, on the same token axis. Hovering a cell or bar shows the exact weight
// and the item. The colour range is set from outside so two heatmaps compare on one scale. The
// frame's Save… writes the plot as PNG or PDF.
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

#include "app/bridge/inspect_types.h"

class QCPAxisRect;
class QCPBars;
class QCPColorMap;
class QCPColorScale;
class QCustomPlot;
class QMouseEvent;

namespace m6
{

class PlotFrame;

class AttentionHeatmap : public QWidget
{
  Q_OBJECT
 public:
  AttentionHeatmap(const QString& title, const QString& fileStem, QWidget* parent = nullptr);

  /// Shows `map` at `layer` with the colours spanning [0, maxWeight] (maxWeight <= 0: the map's
  /// own maximum over every layer).
  void setMap(const AttentionMap& map, int layer, double maxWeight = 0);
  /// Empties the plot and writes `message` in it.
  void clear(const QString& message);

  const AttentionMap& map() const { return map_; }
  int layer() const { return layer_; }
  bool hasMap() const { return map_.valid; }
  PlotFrame* frame() const { return frame_; }
  QCustomPlot* plot() const;
  QCPColorMap* colorMap() const { return colorMap_; }

  /// The value drawn in a cell (head row, token column) and a bar (mean over heads).
  double cell(int head, int token) const;
  double bar(int token) const;
  /// The token axis' tick labels, left to right.
  QStringList tickLabels() const;
  /// What hovering at a point of the plot shows ("" outside the cells and bars).
  QString tooltipAt(const QPoint& pos) const;
  /// The largest weight of a map over all its layers.
  static double maxWeight(const AttentionMap& map);

 private:
  void onMouseMove(QMouseEvent* event);
  QString tokenText(int token) const;

  PlotFrame* frame_ = nullptr;
  QCPAxisRect* heatRect_ = nullptr;
  QCPAxisRect* barRect_ = nullptr;
  QCPColorMap* colorMap_ = nullptr;
  QCPColorScale* scale_ = nullptr;
  QCPBars* bars_ = nullptr;
  AttentionMap map_;
  int layer_ = 0;
};

}  // namespace m6
