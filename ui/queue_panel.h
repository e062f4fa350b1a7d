// QueuePanel: the run queue beside the Train page's log: the waiting jobs in order (position, name,
// kind, dataset, when added), Up / Down / Remove on the selected job, and Run queue / Pause queue.
// A status line says how many jobs wait and whether the queue runs. Everything goes through
// RunQueue (the workspace holds the queue; nothing here touches it directly).
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

#include "app/bridge/train_types.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace m6
{

class RunQueue;

class QueuePanel : public QWidget
{
  Q_OBJECT
 public:
  explicit QueuePanel(RunQueue* queue, QWidget* parent = nullptr);

  QTableWidget* table() const { return table_; }
  QPushButton* runButton() const { return run_; }
  QPushButton* upButton() const { return up_; }
  QPushButton* downButton() const { return down_; }
  QPushButton* removeButton() const { return remove_; }
  QLabel* status() const { return status_; }
  /// The selected job's id (0: none).
  qint64 selectedJob() const;
  void selectJob(qint64 jobId);

 private:
  void rebuild();
  void updateButtons();
  void moveSelected(int delta);

  RunQueue* queue_;
  QTableWidget* table_ = nullptr;
  QPushButton* run_ = nullptr;
  QPushButton* up_ = nullptr;
  QPushButton* down_ = nullptr;
  QPushButton* remove_ = nullptr;
  QLabel* status_ = nullptr;
};

}  // namespace m6
