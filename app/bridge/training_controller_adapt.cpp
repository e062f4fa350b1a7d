// TrainingController's adaptation jobs: startAdapt() and startCompare(), and the
// relay of the worker's comparison signals. Same one-job-at-a-time contract as the rest.
#include "app/bridge/training_controller.h"

namespace m6
{

void TrainingController::connectAdaptJobs()
{
  TrainWorker* w = thread_->worker();
  connect(w, &TrainWorker::armStarted, this,
          [this](quint64 token, const QString& text, int index, int total)
          {
            if (current(token))
            {
              Q_EMIT armStarted(text, index, total);
            }
          });
  connect(w, &TrainWorker::comparisonFinished, this,
          [this](quint64 token, const m6::AdaptComparison& comparison)
          {
            if (current(token))
            {
              drain();
              Q_EMIT comparisonFinished(comparison);
              end();
            }
          });
}

quint64 TrainingController::startAdapt(const AdaptRequest& request)
{
  if (busy())
  {
    return 0;
  }
  activeDataset_ = request.datasetId;
  const quint64 token = begin(Job::Training);
  thread_->invoke([w = thread_->worker(), token, request] { w->adapt(token, request); });
  return token;
}

quint64 TrainingController::startCompare(const CompareJob& job)
{
  if (busy())
  {
    return 0;
  }
  activeDataset_ = job.datasetId;
  const quint64 token = begin(Job::Comparison);
  thread_->invoke([w = thread_->worker(), token, job] { w->compare(token, job); });
  return token;
}

}  // namespace m6
