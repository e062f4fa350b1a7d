// RunQueue: the GUI's run queue for one workspace: training jobs (a run, a run group, a search)
// waiting their turn, stored in the workspace (storage/run_queue.h) so they and their order
// survive a restart, reordered and removed by the user, and started one at a time on the
// TrainingController while the queue runs.
//
// Running: start() takes the first job as soon as no job runs (at once, or when the running job
// ends); each job's end takes the next, until the queue is empty (then runningChanged(false)).
// Stop on a queued job pauses the queue too (the user asked to halt); a job that fails or cannot
// start is reported through message() and the queue goes on with the next. A job leaves the queue
// when it starts: a run it started and a restart interrupted resumes from the Runs page like any
// run. Whether the queue runs is not stored: after a restart it waits for start().
//
// Thread affinity: GUI thread.
#pragma once

#include <QObject>

#include "app/bridge/train_types.h"

namespace m6
{

class RunLibrary;
class TrainingController;

class RunQueue : public QObject
{
  Q_OBJECT
 public:
  RunQueue(RunLibrary* library, TrainingController* controller, QObject* parent = nullptr);

  /// The queue as last read, first job first.
  const QueueList& jobs() const { return jobs_; }
  bool loaded() const { return loaded_; }
  bool running() const { return running_; }

  /// Appends a job (recorded in the workspace; changed() follows).
  void enqueue(const TrainRequest& request);
  /// Moves a job to `index` (0: next to start).
  void move(qint64 jobId, int index);
  void remove(qint64 jobId);
  void refresh();
  /// Runs the queue: the first job now if no job runs, else when the running one ends.
  void start();
  /// Starts no further job (the running one goes on).
  void pause();

 Q_SIGNALS:
  void changed();
  void runningChanged(bool running);
  /// A queued job was taken and handed to the controller.
  void jobStarted(m6::QueuedJob job);
  void message(QString text);

 private:
  void takeNext();
  void onTaken(const QueuedJob& job);
  void setRunning(bool running);

  RunLibrary* library_;
  TrainingController* controller_;
  QueueList jobs_;
  bool loaded_ = false;
  bool running_ = false;
  quint64 takeToken_ = 0;  // a takeQueued() in flight
};

}  // namespace m6
