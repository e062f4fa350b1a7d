#include "storage/byte_source.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <stdexcept>

namespace m6
{

const char* compressionName(Compression c)
{
  switch (c)
  {
    case Compression::Gzip:
      return "gzip";
    case Compression::Zip:
      return "zip";
    case Compression::None:
      break;
  }
  return "";
}

Compression detectCompression(const std::string& path)
{
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f)
  {
    return Compression::None;
  }
  unsigned char magic[4] = {0, 0, 0, 0};
  const size_t got = std::fread(magic, 1, sizeof magic, f);
  std::fclose(f);
  if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
  {
    return Compression::Gzip;
  }
  if (got >= 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4)
  {
    return Compression::Zip;
  }
  return Compression::None;
}

ByteSource::~ByteSource()
{
  close();
}

void ByteSource::close()
{
  if (gz_)
  {
    gzclose_r(static_cast<gzFile>(gz_));
    gz_ = nullptr;
  }
  if (file_)
  {
    std::fclose(file_);
    file_ = nullptr;
  }
}

Status ByteSource::open(const std::string& path)
{
  close();
  path_ = path;
  plainPos_ = 0;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
  {
    return makeError(path + " is a folder, not a file");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec)
  {
    return makeError("cannot open " + path + ": " + ec.message());
  }
  size_ = static_cast<int64_t>(size);
  compression_ = detectCompression(path);
  if (compression_ == Compression::Zip)
  {
    return makeError(path +
                     " is a zip archive: import it whole when it holds a dataset folder "
                     "(MovieLens, RecBole), else unpack it and pick the file inside");
  }
  if (compression_ == Compression::Gzip)
  {
    gzFile gz = gzopen(path.c_str(), "rb");
    if (!gz)
    {
      return makeError("cannot open " + path + ": " + std::strerror(errno));
    }
    // A large buffer: zlib's default of 8 KiB costs a system call per 8 KiB.
    gzbuffer(gz, 1 << 20);
    gz_ = gz;
    return {};
  }
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_)
  {
    return makeError("cannot open " + path + ": " + std::strerror(errno));
  }
  return {};
}

size_t ByteSource::read(char* out, size_t n)
{
  if (gz_)
  {
    auto gz = static_cast<gzFile>(gz_);
    const auto want = static_cast<unsigned>(std::min<size_t>(n, std::numeric_limits<int>::max()));
    const int got = gzread(gz, out, want);
    int err = Z_OK;
    const char* msg = gzerror(gz, &err);
    // zlib reports a stream that ends before its trailer as Z_BUF_ERROR, not as -1, and hands
    // out the data it could decompress first: the error counts once a read returns nothing.
    // Without this check a truncated download would import as a shorter file.
    if (got < 0 || (got == 0 && err != Z_OK && err != Z_STREAM_END))
    {
      const std::string what = err == Z_BUF_ERROR ? "the gzip data ends early (truncated file?)"
                                                  : std::string(msg ? msg : "read error");
      throw std::runtime_error("cannot read " + path_ + ": " + what);
    }
    return static_cast<size_t>(got);
  }
  if (!file_)
  {
    return 0;
  }
  const size_t got = std::fread(out, 1, n, file_);
  if (got == 0 && std::ferror(file_))
  {
    throw std::runtime_error("error reading " + path_ + ": " + std::strerror(errno));
  }
  plainPos_ += static_cast<int64_t>(got);
  return got;
}

int64_t ByteSource::position() const
{
  if (gz_)
  {
    const auto off = gzoffset(static_cast<gzFile>(gz_));
    return off < 0 ? 0 : static_cast<int64_t>(off);
  }
  return plainPos_;
}

}  // namespace m6
