// An exclusive lock on a run's checkpoint folder, held for as long as the run trains.
//
// It is an OS file lock (flock on "<folder>/.lock"), so it is released automatically when the
// process ends, however it ends: a run whose record still says "running" but whose lock is free
// was interrupted, and may be resumed or deleted; one whose lock is held is being trained (by this
// process or another) and must not be.
//
// Thread affinity: none; a RunLock may be released on any thread.
#pragma once

#include <memory>
#include <string>

#include "storage/result.h"

namespace m6
{

class RunLock
{
 public:
  /// Takes the lock (creating the folder if needed) without waiting; fails when it is held.
  static Result<std::unique_ptr<RunLock>> acquire(const std::string& folder);
  /// True when some process (this one included) holds the folder's lock right now.
  static bool isHeld(const std::string& folder);

  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  explicit RunLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace m6
