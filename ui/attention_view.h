// AttentionView: the attention panel of the per-user view: a layer selector, "compare
// with" another recommended item (the two heatmaps side by side on one colour scale), the export
// of the weights as CSV (each heatmap's Save… writes PNG or PDF), and a line for notes (an item
// never seen in training, a user without history). For a model without attention (a baseline)
// the whole panel is replaced by the reason.
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>
#include <vector>

#include "app/bridge/inspect_types.h"

class QComboBox;
class QLabel;
class QSplitter;
class QStackedWidget;
class QToolButton;

namespace m6
{

class AttentionHeatmap;

/// Every weight of a map: "item,layer,head,token_index,token,token_item,weight".
QString attentionCsv(const std::vector<AttentionMap>& maps);

class AttentionView : public QWidget
{
  Q_OBJECT
 public:
  explicit AttentionView(QWidget* parent = nullptr);

  /// The recommendations the comparison can pick from (keeps the choice when still listed).
  void setRecommendations(const std::vector<RecommendationRow>& rows);
  /// Shows one map, or two side by side when `second` is valid.
  void setAttention(const AttentionMap& first, const AttentionMap& second = {});
  /// The model has no attention (or none for this selection): shows `why` instead.
  void setUnavailable(const QString& why);
  /// Waiting for an answer: the current maps stay, greyed.
  void setPending(bool pending);

  int layer() const;
  void setLayer(int layer);
  /// The item chosen to compare with, or -1.
  qint32 compareItem() const;
  void setCompareItem(qint32 item);

  AttentionHeatmap* first() const { return first_; }
  AttentionHeatmap* second() const { return second_; }
  QComboBox* layerCombo() const { return layer_; }
  QComboBox* compareCombo() const { return compare_; }
  QString noteText() const;
  bool unavailable() const;

  /// Writes attentionCsv() of the maps shown. False (and `error`) when it cannot.
  bool exportCsv(const QString& path, QString* error = nullptr) const;

 Q_SIGNALS:
  /// The user picked another item to compare with (-1: no comparison).
  void compareRequested(qint32 item);
  void statusMessage(QString message);

 private:
  void redraw();
  void exportWithDialog();

  QStackedWidget* stack_ = nullptr;
  QLabel* unavailable_ = nullptr;
  QComboBox* layer_ = nullptr;
  QComboBox* compare_ = nullptr;
  QToolButton* export_ = nullptr;
  QLabel* note_ = nullptr;
  QSplitter* split_ = nullptr;
  AttentionHeatmap* first_ = nullptr;
  AttentionHeatmap* second_ = nullptr;
  AttentionMap a_;
  AttentionMap b_;
};

}  // namespace m6
