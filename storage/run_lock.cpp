#include "storage/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace m6
{

namespace
{

std::string lockPath(const std::string& folder)
{
  return folder + "/.lock";
}

}  // namespace

Result<std::unique_ptr<RunLock>> RunLock::acquire(const std::string& folder)
{
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec)
  {
    return makeError("cannot create the run folder " + folder + ": " + ec.message());
  }
  int fd = ::open(lockPath(folder).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
  {
    return makeError("cannot create " + lockPath(folder) + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0)
  {
    ::close(fd);
    return makeError("the run in " + folder +
                     " is already being trained (by this window or another process)");
  }
  return std::unique_ptr<RunLock>(new RunLock(fd));
}

bool RunLock::isHeld(const std::string& folder)
{
  int fd = ::open(lockPath(folder).c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0)
  {
    return false;  // no lock file: never trained, or its folder is gone
  }
  bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // closing releases the probe's lock, if it got one
  return held;
}

RunLock::~RunLock()
{
  if (fd_ >= 0)
  {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
}

}  // namespace m6
