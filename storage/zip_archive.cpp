#include "storage/zip_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>

namespace m6
{

namespace fs = std::filesystem;

namespace
{

struct ReaderDeleter
{
  void operator()(archive* a) const { archive_read_free(a); }
};
using Reader = std::unique_ptr<archive, ReaderDeleter>;

struct FileCloser
{
  void operator()(std::FILE* f) const { std::fclose(f); }
};

std::string megabytes(int64_t bytes)
{
  return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MB";
}

// A zip reader over `zip`, or the error that names the archive and libarchive's reason.
Result<Reader> openZip(const std::string& zip)
{
  Reader a(archive_read_new());
  if (!a)
  {
    return makeError("not enough memory to open " + zip);
  }
  archive_read_support_format_zip(a.get());
  if (archive_read_open_filename(a.get(), zip.c_str(), 1 << 16) != ARCHIVE_OK)
  {
    return makeError(zip + " cannot be read as a zip archive: " + archive_error_string(a.get()));
  }
  return a;
}

std::string damaged(const std::string& zip, archive* a)
{
  const char* why = archive_error_string(a);
  return zip + " is a damaged or truncated zip archive: " + (why ? why : "no reason given");
}

ZipMember memberOf(archive_entry* e)
{
  ZipMember m;
  m.path = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
  const fs::path p(m.path);
  m.name = p.filename().string();
  m.folder = p.parent_path().generic_string();
  m.size = archive_entry_size_is_set(e) ? static_cast<int64_t>(archive_entry_size(e)) : -1;
  return m;
}

bool isRegularFile(archive_entry* e)
{
  return archive_entry_filetype(e) == AE_IFREG && archive_entry_pathname(e) != nullptr;
}

}  // namespace

Result<std::vector<ZipMember>> listZipFiles(const std::string& zip)
{
  auto a = openZip(zip);
  if (!a)
  {
    return errorOf(a);
  }
  std::vector<ZipMember> out;
  archive_entry* e = nullptr;
  int r = ARCHIVE_OK;
  while ((r = archive_read_next_header(a->get(), &e)) == ARCHIVE_OK)
  {
    if (isRegularFile(e))
    {
      out.push_back(memberOf(e));
    }
    if (archive_read_data_skip(a->get()) != ARCHIVE_OK)
    {
      return makeError(damaged(zip, a->get()));
    }
  }
  if (r != ARCHIVE_EOF)
  {
    return makeError(damaged(zip, a->get()));
  }
  return out;
}

Result<TempFolder> TempFolder::create(const std::string& prefix)
{
  std::error_code ec;
  const fs::path base = fs::temp_directory_path(ec);
  if (ec)
  {
    return makeError("no temporary folder to unpack into: " + ec.message());
  }
  std::string pattern = (base / (prefix + "XXXXXX")).string();
  if (!::mkdtemp(pattern.data()))
  {
    return makeError("cannot create a temporary folder in " + base.string() + ": " +
                     std::error_code(errno, std::generic_category()).message());
  }
  TempFolder t;
  t.path_ = pattern;
  return t;
}

TempFolder::TempFolder(TempFolder&& other) noexcept : path_(std::move(other.path_))
{
  other.path_.clear();
}

TempFolder& TempFolder::operator=(TempFolder&& other) noexcept
{
  if (this != &other)
  {
    std::error_code ec;
    if (!path_.empty())
    {
      fs::remove_all(path_, ec);
    }
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

TempFolder::~TempFolder()
{
  if (!path_.empty())
  {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
}

Status unpackZipMembers(const std::string& zip, const std::vector<std::string>& paths,
                        const std::string& folder, const ProgressFn& progress,
                        const std::atomic<bool>* cancel)
{
  auto listed = listZipFiles(zip);
  if (!listed)
  {
    return errorOf(listed);
  }
  // The declared sizes against the free space, before anything is written. A member whose size
  // is not declared is limited to what is free.
  int64_t declared = 0;
  for (const auto& m : *listed)
  {
    for (const auto& p : paths)
    {
      declared += m.path == p && m.size > 0 ? m.size : 0;
    }
  }
  std::error_code ec;
  const auto space = fs::space(folder, ec);
  const int64_t free = ec ? -1 : static_cast<int64_t>(space.available);
  constexpr int64_t kReserve = 64 << 20;  // what the workspace's own writes may need
  if (free >= 0 && declared + kReserve > free)
  {
    return makeError("unpacking " + zip + " needs " + megabytes(declared) + " in " + folder +
                     " and " + megabytes(free) +
                     " are free (set TMPDIR to a folder with more space, or unpack it yourself "
                     "and import the folder)");
  }
  auto a = openZip(zip);
  if (!a)
  {
    return errorOf(a);
  }
  std::error_code sizeEc;
  const int64_t total = static_cast<int64_t>(fs::file_size(zip, sizeEc));
  std::vector<char> buffer(1 << 16);
  archive_entry* e = nullptr;
  int r = ARCHIVE_OK;
  size_t written = 0;
  while ((r = archive_read_next_header(a->get(), &e)) == ARCHIVE_OK)
  {
    const ZipMember m = isRegularFile(e) ? memberOf(e) : ZipMember{};
    bool wanted = false;
    for (const auto& p : paths)
    {
      wanted = wanted || (!m.path.empty() && m.path == p);
    }
    if (!wanted || m.name.empty() || m.name == "." || m.name == "..")
    {
      if (archive_read_data_skip(a->get()) != ARCHIVE_OK)
      {
        return makeError(damaged(zip, a->get()));
      }
      continue;
    }
    // Only the plain name reaches the file system: no path inside the archive can escape.
    const fs::path target = fs::path(folder) / m.name;
    std::unique_ptr<std::FILE, FileCloser> out(std::fopen(target.c_str(), "wb"));
    if (!out)
    {
      return makeError("cannot write " + target.string() + ": " +
                       std::error_code(errno, std::generic_category()).message());
    }
    const int64_t limit = m.size >= 0 ? m.size : (free >= 0 ? free - kReserve : INT64_MAX);
    int64_t bytes = 0;
    int64_t lastReport = -1;
    for (;;)
    {
      if (cancel && cancel->load())
      {
        return cancelledError();
      }
      const la_ssize_t n = archive_read_data(a->get(), buffer.data(), buffer.size());
      if (n < 0)
      {
        return makeError(damaged(zip, a->get()));
      }
      if (n == 0)
      {
        break;
      }
      bytes += n;
      if (bytes > limit)
      {
        return makeError(
            m.path + " in " + zip + " inflates beyond " +
            (m.size >= 0 ? "its declared size of " + megabytes(m.size) : "the free space") +
            ": a damaged or hostile archive, nothing was imported");
      }
      if (std::fwrite(buffer.data(), 1, static_cast<size_t>(n), out.get()) !=
          static_cast<size_t>(n))
      {
        return makeError("cannot write " + target.string() + " (disk full?)");
      }
      const int64_t at = archive_filter_bytes(a->get(), -1);
      if (progress && at - lastReport >= (4 << 20))
      {
        lastReport = at;
        StorageProgress p;
        p.phase = "Unpacking " + m.name;
        p.done = at;
        p.total = total;
        progress(p);
      }
    }
    if (std::fflush(out.get()) != 0)
    {
      return makeError("cannot write " + target.string() + " (disk full?)");
    }
    ++written;
  }
  if (r != ARCHIVE_EOF)
  {
    return makeError(damaged(zip, a->get()));
  }
  if (written < paths.size())
  {
    return makeError(zip + " changed while it was read: " + std::to_string(paths.size() - written) +
                     " of its files were not found again");
  }
  return {};
}

}  // namespace m6
