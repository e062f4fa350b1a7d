#include "model/core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace m6
{

std::string writeErrorText(int err)
{
  std::string sys = std::strerror(err);  // not const: the default case moves it out
  switch (err)
  {
    case ENOSPC:
    case EDQUOT:
      return "the disk is full (" + sys + ")";
    case EFBIG:
      return "the file would be larger than this system allows (" + sys + ")";
    case EROFS:
      return "the folder is on a read-only file system (" + sys + ")";
    case EACCES:
    case EPERM:
      return "permission denied (" + sys + ")";
    case EIO:
      return "the disk reported an input/output error (" + sys + ")";
    default:
      return sys;
  }
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), tmp_(path_ + ".tmp")
{
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0)
  {
    failWith(errno, "cannot write");
  }
}

AtomicFile::~AtomicFile()
{
  if (!committed_)
  {
    discard();
  }
}

void AtomicFile::failWith(int err, const char* doing)
{
  if (error_.empty())
  {
    reason_ = writeErrorText(err);
    error_ = std::string(doing) + " " + path_ + ": " + reason_;
  }
  discard();
}

void AtomicFile::discard()
{
  if (fd_ >= 0)
  {
    ::close(fd_);
    fd_ = -1;
  }
  if (!committed_)
  {
    ::unlink(tmp_.c_str());  // may not exist (open failed): nothing to say then
  }
}

bool AtomicFile::write(const void* data, size_t size)
{
  const char* p = static_cast<const char*>(data);
  while (ok() && size > 0)
  {
    const ssize_t n = ::write(fd_, p, size);
    if (n < 0)
    {
      if (errno == EINTR)
      {
        continue;
      }
      failWith(errno, "cannot write");
      break;
    }
    p += n;
    size -= static_cast<size_t>(n);
    written_ += static_cast<size_t>(n);
  }
  return ok();
}

bool AtomicFile::commit()
{
  if (!ok() || committed_)
  {
    return ok();
  }
  // A full disk may only show at fsync or close (delayed allocation): both are checked.
  if (::fsync(fd_) != 0)
  {
    failWith(errno, "cannot write");
    return false;
  }
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0)
  {
    failWith(errno, "cannot write");
    return false;
  }
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
  {
    failWith(errno, "cannot replace");
    return false;
  }
  committed_ = true;
  return true;
}

std::string writeFileAtomically(const std::string& path, const std::string& content)
{
  AtomicFile f(path);
  f.write(content);
  f.commit();
  return f.error();
}

}  // namespace m6
