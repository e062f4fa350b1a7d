// EmbeddingMapView: the "Embedding map" tab of the Inspect page: the engine's 2-D PCA of
// the item tokens or of the user vectors as a QCustomPlot scatter, coloured by category (items) or
// by a chosen colouring (users: their most frequent category or a user feature). Hovering names the
// nearest point; clicking opens it (a user in the User tab, an item's interactions). Above the
// cap the worker sends a deterministic sample and the plot says so.
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

#include "app/bridge/inspect_types.h"

class QComboBox;
class QLabel;
class QMouseEvent;

namespace m6
{

class PlotFrame;

class EmbeddingMapView : public QWidget
{
  Q_OBJECT
 public:
  explicit EmbeddingMapView(QWidget* parent = nullptr);

  void setMap(const EmbeddingMap& map);
  void clear(const QString& message);
  bool hasMap() const { return has_; }
  const EmbeddingMap& map() const { return map_; }
  /// Items (true) or users (false) asked for.
  bool itemsSelected() const;
  QComboBox* kindBox() const { return kind_; }
  QComboBox* colourBox() const { return colour_; }
  PlotFrame* frame() const { return frame_; }
  QString noteText() const;
  /// The point nearest to a widget position of the plot within `radius` pixels, or -1.
  int pointAt(const QPoint& pos, double radius = 8) const;
  /// What hovering point `i` shows.
  QString pointText(int i) const;

 Q_SIGNALS:
  /// The user switched between items and users.
  void kindChanged(bool items);
  void userActivated(qint32 user);
  void itemActivated(qint32 item, QString itemId);

 private:
  void redraw();
  void onMouseMove(QMouseEvent* event);
  void onMousePress(QMouseEvent* event);

  QComboBox* kind_ = nullptr;
  QComboBox* colour_ = nullptr;
  QLabel* note_ = nullptr;
  PlotFrame* frame_ = nullptr;
  EmbeddingMap map_;
  bool has_ = false;
};

}  // namespace m6
