// PlotFrame: a QCustomPlot with a title and a "Save…" button (and the same entries in the
// plot's context menu) that writes the plot as PNG or PDF. Pages may add their own controls to
// the header (addHeaderWidget) and entries to the context menu (addMenuAction).
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

class QAction;
class QCustomPlot;
class QHBoxLayout;
class QLabel;

namespace m6
{

class PlotFrame : public QWidget
{
  Q_OBJECT
 public:
  PlotFrame(const QString& title, const QString& fileStem, QWidget* parent = nullptr);

  QCustomPlot* plot() const { return plot_; }
  /// Writes the plot atomically; the format follows the suffix (.png or .pdf). Returns false
  /// (and `error`, a sentence for the user) on failure.
  bool saveTo(const QString& path, QString* error = nullptr);
  /// Shows a file dialog, then saves. `pdf` picks the default suffix.
  void saveWithDialog(bool pdf);

  /// Adds a control to the header, left of the Save button.
  void addHeaderWidget(QWidget* widget);
  /// Adds an entry to the plot's context menu, above the save entries.
  void addMenuAction(QAction* action);
  void setTitle(const QString& title);

 private:
  void showMenu(const QPoint& pos);

  QCustomPlot* plot_ = nullptr;
  QLabel* title_ = nullptr;
  QHBoxLayout* header_ = nullptr;
  QList<QAction*> menuActions_;
  QString stem_;
};

}  // namespace m6
