// A file written whole or not at all: bytes go to "<path>.tmp" in the same folder, which is
// flushed to disk and renamed over `path` by commit(). A failed or abandoned write removes the
// temporary file, so neither a full disk nor a killed process leaves a torn file under the real
// name or a stray "*.tmp" beside it (a kill -9 can still leave the .tmp; the next write replaces
// it).
//
// Errors are kept, not thrown: the first failing write is remembered with the reason in words
// ("the disk is full"), later writes are ignored, and commit() reports it. That is what lets the
// writer sit under code that must not see an exception mid-stream (LibTorch's archive writer
// terminates the process when its destructor throws).
//
// Thread affinity: one thread at a time per object.
#pragma once

#include <cstddef>
#include <string>

namespace m6
{

class AtomicFile
{
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();  // removes the temporary file unless commit() succeeded
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// Appends bytes. False once any write (or the opening) has failed.
  bool write(const void* data, size_t size);
  bool write(const std::string& s) { return write(s.data(), s.size()); }

  /// Flushes, syncs and renames. False (and the temporary file removed) when anything failed.
  bool commit();

  bool ok() const { return error_.empty(); }
  /// "cannot write PATH: the disk is full (No space left on device)", or "" while all is well.
  const std::string& error() const { return error_; }
  /// Just the reason ("the disk is full (No space left on device)"), or "".
  const std::string& reason() const { return reason_; }
  const std::string& path() const { return path_; }
  size_t bytesWritten() const { return written_; }

 private:
  void failWith(int err, const char* doing);
  void discard();

  std::string path_;
  std::string tmp_;
  int fd_ = -1;
  size_t written_ = 0;
  bool committed_ = false;
  std::string error_;
  std::string reason_;
};

/// The reason for an errno in words a person understands, with the system's own text after it.
std::string writeErrorText(int err);

/// Writes `content` to `path` through an AtomicFile. Returns "" or the error text.
std::string writeFileAtomically(const std::string& path, const std::string& content);

}  // namespace m6
