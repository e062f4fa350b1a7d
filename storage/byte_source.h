// ByteSource: the bytes of an input file, decompressed while streaming when the file is gzip
// (detected by its magic bytes, not its name: a renamed file is still read right). Plain files
// are read as they are. Progress is measured over the file's own (compressed) bytes, so a
// progress bar over totalBytes() is honest for both.
//
// A truncated or damaged gzip file is an error (std::runtime_error naming the file), never a
// silent early end of the data.
//
// Thread affinity: none; one source per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "storage/result.h"

namespace m6
{

enum class Compression
{
  None,
  Gzip,
  Zip  // recognised so that it can be refused with a clear message
};

/// "gzip", "zip" or "" for a plain file.
const char* compressionName(Compression c);

/// Looks at the first bytes of `path`. None when the file cannot be read (open() then says why).
Compression detectCompression(const std::string& path);

class ByteSource
{
 public:
  ByteSource() = default;
  ~ByteSource();
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  Status open(const std::string& path);

  /// Reads up to `n` bytes into `out`; returns 0 at the end of the data. Throws
  /// std::runtime_error on a read error or a truncated / damaged gzip stream.
  size_t read(char* out, size_t n);

  Compression compression() const { return compression_; }
  /// Bytes of the file consumed so far (compressed bytes for gzip).
  int64_t position() const;
  /// The file's size on disk.
  int64_t totalBytes() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  void close();

  std::string path_;
  Compression compression_ = Compression::None;
  std::FILE* file_ = nullptr;
  void* gz_ = nullptr;  // gzFile; zlib stays out of the header
  int64_t size_ = 0;
  int64_t plainPos_ = 0;
};

}  // namespace m6
