// StatsPage: the Statistics page of a dataset: summary figures and four plots (rating
// histogram, interactions per month, item popularity long tail on log-log axes, history length
// distribution), each savable as PNG or PDF. The figures come from the statistics JSON stored
// with the dataset (storage/stats.h), read by the session's DatasetWorker.
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

#include "app/bridge/bridge_types.h"

class QCustomPlot;
class QLabel;

namespace m6
{

class PlotFrame;
class WorkspaceSession;

class StatsPage : public QWidget
{
  Q_OBJECT
 public:
  enum class Plot
  {
    Ratings,
    Months,
    Popularity,
    History
  };

  explicit StatsPage(WorkspaceSession* session, QWidget* parent = nullptr);

  /// Asks the session for the dataset's statistics (0: clears the page).
  void setDataset(qint64 datasetId);
  /// Shows statistics now.
  void setStats(const DatasetStatistics& stats);

  QCustomPlot* plot(Plot which) const;
  PlotFrame* frame(Plot which) const;
  /// The summary figure shown for a stats key ("users", "sparsity", ...), as displayed.
  QString summaryText(const QString& key) const;
  /// Where a prepared dataset came from and what its recipe left after each step ("" for an
  /// imported dataset), and a hint when interactions repeat user-item pairs.
  QString provenanceText() const;

 Q_SIGNALS:
  void statusMessage(QString message);

 private:
  void clear(const QString& message);
  void fillSummary(const DatasetStatistics& s);
  void fillRatings(const DatasetStatistics& s);
  void fillMonths(const DatasetStatistics& s);
  void fillPopularity(const DatasetStatistics& s);
  void fillHistory(const DatasetStatistics& s);

  WorkspaceSession* session_;
  qint64 datasetId_ = 0;
  quint64 token_ = 0;
  QLabel* note_ = nullptr;
  QLabel* provenance_ = nullptr;
  QMap<QString, QLabel*> summary_;
  PlotFrame* frames_[4] = {};
};

}  // namespace m6
