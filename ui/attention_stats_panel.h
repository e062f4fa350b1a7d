// AttentionStatsPanel: the "Attention across users" tab of the Inspect page, drawn from
// the engine's AttentionStats: for one fusion layer, the mean share of attention on the user
// token, the context token and each history position (1 = the most recent item), one line per
// head and the mean of the heads in bold; the distribution of attention entropy per head (which
// heads are sharp, which diffuse; the legend gives each head's mean normalised entropy); and,
// when the dataset carries the demo's planted trigger categories, the mean weight on a trigger
// item against another history item (the engine's figure), else the reason it is missing.
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

#include "app/bridge/inspect_types.h"

class QComboBox;
class QCustomPlot;
class QLabel;
class QPushButton;

namespace m6
{

class PlotFrame;

class AttentionStatsPanel : public QWidget
{
  Q_OBJECT
 public:
  explicit AttentionStatsPanel(QWidget* parent = nullptr);

  void setStats(const AttentionStatsView& stats);
  /// No statistics (not computed yet, or the model has none): shows `message` instead.
  void clear(const QString& message);
  bool hasStats() const { return has_; }
  const AttentionStats& stats() const { return stats_; }

  int layer() const;
  QComboBox* layerBox() const { return layer_; }
  PlotFrame* sharesFrame() const { return shares_; }
  PlotFrame* entropyFrame() const { return entropy_; }
  PlotFrame* triggerFrame() const { return trigger_; }
  QString triggerText() const;
  QString summary() const;
  /// Per point of the shares plot for the mean of heads: user, context, history 1..L.
  std::vector<double> meanShares(int layer) const;

 Q_SIGNALS:
  /// Compute (again) asked by the user.
  void computeRequested();

 private:
  /// Where head `head` of layer `layer` is in the statistics' per-head list.
  size_t headIndex(int layer, int head) const
  {
    return static_cast<size_t>(layer) * static_cast<size_t>(stats_.heads) +
           static_cast<size_t>(head);
  }
  void redraw();
  void drawShares();
  void drawEntropy();
  void drawTrigger();

  QComboBox* layer_ = nullptr;
  QPushButton* compute_ = nullptr;
  QLabel* summary_ = nullptr;
  QLabel* triggerText_ = nullptr;
  PlotFrame* shares_ = nullptr;
  PlotFrame* entropy_ = nullptr;
  PlotFrame* trigger_ = nullptr;
  AttentionStats stats_;
  bool has_ = false;
};

}  // namespace m6
