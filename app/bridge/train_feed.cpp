#include "app/bridge/train_feed.h"

#include <utility>

namespace m6
{

bool TrainFeed::markNotified()
{
  const bool notify = !notified_;
  notified_ = true;
  return notify;
}

bool TrainFeed::pushStep(const StepStats& step)
{
  std::lock_guard<std::mutex> lock(mutex_);
  steps_.push_back(step);
  return markNotified();
}

bool TrainFeed::setProgress(const Progress& progress)
{
  std::lock_guard<std::mutex> lock(mutex_);
  progress_ = progress;
  hasProgress_ = true;
  return markNotified();
}

TrainFeed::Drained TrainFeed::drain()
{
  Drained out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    out.steps.swap(steps_);  // O(1) under the lock; the copy-out happens outside it
    out.progress = progress_;
    out.hasProgress = hasProgress_;
    hasProgress_ = false;
    notified_ = false;
  }
  return out;
}

void TrainFeed::clear()
{
  std::lock_guard<std::mutex> lock(mutex_);
  steps_.clear();
  hasProgress_ = false;
  notified_ = false;
}

}  // namespace m6
