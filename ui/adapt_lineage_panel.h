// AdaptLineagePanel: the Runs page's detail of the selected run beside the table: where it comes
// from (its parent run, a link that selects the parent's row), the runs adapted from it (links),
// and, when present in its summary, the adaptation report (trainable share, what was carried,
// re-initialised, added or frozen, the decisions), the zero-shot figures (the parent evaluated
// on this run's dataset before fine-tuning) and the cold-item figures (cold-item protocol: the
// held-out items ranked by content, beside a random ranking).
//
// It reads the RunList the Runs page already holds; nothing here touches the workspace.
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

#include "app/bridge/train_types.h"

class QLabel;

namespace m6
{

class AdaptLineagePanel : public QWidget
{
  Q_OBJECT
 public:
  explicit AdaptLineagePanel(QWidget* parent = nullptr);

  void setRuns(const RunList& runs);
  /// Shows one run (0: none, or several selected).
  void showRun(qint64 runId);
  qint64 shownRun() const { return shown_; }

  /// The panel's text as shown (rich text), for tests and screenshots.
  QString text() const;
  /// Ids of the runs adapted from `runId`, in id order.
  QList<qint64> childrenOf(qint64 runId) const;
  /// Follows a link of the panel ("run:12" asks for run 12 to be selected).
  void openLink(const QString& link);

 Q_SIGNALS:
  void runActivated(qint64 runId);

 private:
  void render();
  const RunEntry* find(qint64 runId) const;

  RunList runs_;
  qint64 shown_ = 0;
  QLabel* body_ = nullptr;
};

/// The metrics of a set, "ndcg@10 0.1234 · hr@10 0.2345 · mrr@10 0.0456" (the first `max`).
QString metricSummary(const MetricSet& metrics, int max = 3);

}  // namespace m6
