#include "app/bridge/run_queue.h"

#include <exception>

#include "app/bridge/run_library.h"
#include "app/bridge/training_controller.h"

namespace m6
{

RunQueue::RunQueue(RunLibrary* library, TrainingController* controller, QObject* parent)
    : QObject(parent), library_(library), controller_(controller)
{
  // Every queue operation answers with the whole queue; the list is small.
  connect(library_, &RunLibrary::queueListed, this,
          [this](quint64, const m6::QueueList& jobs)
          {
            jobs_ = jobs;
            loaded_ = true;
            Q_EMIT changed();
          });
  connect(library_, &RunLibrary::queueTaken, this,
          [this](quint64 token, const m6::QueuedJob& job)
          {
            if (token == takeToken_)
            {
              takeToken_ = 0;
              onTaken(job);
            }
          });
  connect(library_, &RunLibrary::requestFailed, this,
          [this](quint64 token, const QString& text)
          {
            if (token == takeToken_)
            {
              takeToken_ = 0;
              setRunning(false);
              Q_EMIT message(tr("Run queue: %1").arg(text));
            }
          });
  connect(controller_, &TrainingController::jobEnded, this,
          [this]
          {
            if (!running_)
            {
              return;
            }
            if (controller_->lastJobStopped())
            {
              setRunning(false);
              Q_EMIT message(tr("Run queue paused: the job was stopped"));
              return;
            }
            takeNext();
          });
  refresh();
}

void RunQueue::refresh()
{
  library_->listQueue();
}

void RunQueue::enqueue(const TrainRequest& request)
{
  library_->enqueue(queuedJob(request));
}

void RunQueue::move(qint64 jobId, int index)
{
  library_->moveQueued(jobId, index);
}

void RunQueue::remove(qint64 jobId)
{
  library_->removeQueued(jobId);
}

void RunQueue::start()
{
  if (running_)
  {
    return;
  }
  setRunning(true);
  if (!controller_->busy())
  {
    takeNext();
  }
}

void RunQueue::pause()
{
  setRunning(false);
}

void RunQueue::setRunning(bool running)
{
  if (running != running_)
  {
    running_ = running;
    Q_EMIT runningChanged(running);
  }
}

void RunQueue::takeNext()
{
  if (takeToken_ == 0)
  {
    takeToken_ = library_->takeQueued();
  }
}

void RunQueue::onTaken(const QueuedJob& job)
{
  if (job.id == 0)
  {
    setRunning(false);
    Q_EMIT message(tr("Run queue finished: no job left"));
    return;
  }
  if (!running_ || controller_->busy())
  {
    // Paused, or a job was started by hand meanwhile: the job goes back to the front.
    library_->enqueue(job, true);
    return;
  }
  try
  {
    const TrainRequest request = trainRequestOf(job);
    if (controller_->start(request) == 0)
    {
      throw std::runtime_error("the controller refused it");
    }
    Q_EMIT jobStarted(job);
    Q_EMIT message(tr("Run queue: started \"%1\"").arg(QString::fromStdString(job.name)));
  }
  catch (const std::exception& e)
  {
    Q_EMIT message(tr("Run queue: job \"%1\" could not start: %2")
                       .arg(QString::fromStdString(job.name), QString::fromUtf8(e.what())));
    takeNext();
  }
}

}  // namespace m6
