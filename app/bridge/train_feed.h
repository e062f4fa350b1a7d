// TrainFeed: the buffer between the training worker and the GUI for what arrives at every step
// (the step's loss and the progress figures). "The worker emits, the GUI coalesces": the worker
// appends under a short lock and notifies once per drain (the push that finds the feed
// un-notified returns true, and only then does the worker emit a signal); the GUI drains on a
// 30-50 ms single-shot timer and copies out. So 10,000 steps a minute cost the GUI a few dozen
// queued signals and redraws a second, not 170.
//
// Thread affinity: thread-safe; the worker pushes, the GUI drains.
#pragma once

#include <mutex>

#include "app/bridge/train_types.h"

namespace m6
{

class TrainFeed
{
 public:
  struct Drained
  {
    StepBatch steps;
    Progress progress;
    bool hasProgress = false;
  };

  /// Appends a step. True when the reader must be notified (first data since the last drain).
  bool pushStep(const StepStats& step);
  /// Replaces the latest progress. True when the reader must be notified.
  bool setProgress(const Progress& progress);
  /// Takes everything pushed since the last drain.
  Drained drain();
  /// Forgets everything (a new job starts).
  void clear();

 private:
  bool markNotified();

  std::mutex mutex_;
  StepBatch steps_;
  Progress progress_;
  bool hasProgress_ = false;
  bool notified_ = false;
};

}  // namespace m6
