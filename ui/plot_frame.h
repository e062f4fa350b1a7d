// PlotFrame: a QCustomPlot with a title and a "Save…" button (and the same entries in the
// plot's context menu) that writes the plot as PNG or PDF.
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

class QCustomPlot;
class QLabel;

namespace m6
{

class PlotFrame : public QWidget
{
  Q_OBJECT
 public:
  PlotFrame(const QString& title, const QString& fileStem, QWidget* parent = nullptr);

  QCustomPlot* plot() const { return plot_; }
  /// Writes the plot; the format follows the suffix (.png or .pdf). Returns false on failure.
  bool saveTo(const QString& path);
  /// Shows a file dialog, then saves. `pdf` picks the default suffix.
  void saveWithDialog(bool pdf);

 private:
  void showMenu(const QPoint& pos);

  QCustomPlot* plot_ = nullptr;
  QString stem_;
};

}  // namespace m6
