// TrainingController's adaptation jobs: startAdapt() and startCompare(). Same one-job-at-a-time
// contract as the rest; their signals are relayed with the others (connectWorker()).
#include "app/bridge/training_controller.h"

namespace m6
{

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
