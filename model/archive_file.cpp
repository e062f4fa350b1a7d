#include "model/archive_file.h"

#include "model/checkpoint.h"
#include "model/core/atomic_file.h"

namespace m6
{

void writeArchiveFile(
    const std::string& path, const std::string& what,
    const std::function<void(const std::function<size_t(const void*, size_t)>&)>& produce)
{
  AtomicFile file(path);
  // Claims every byte was written, so LibTorch never throws mid-archive (nor from a destructor);
  // the file knows what really happened.
  auto sink = [&file](const void* data, size_t size) -> size_t
  {
    file.write(data, size);
    return size;
  };
  try
  {
    produce(sink);
  }
  catch (const std::exception& e)
  {
    throw std::runtime_error(what + " " + path + ": cannot be written: " + firstLine(e.what()));
  }
  if (!file.commit())
  {
    throw std::runtime_error(what + " " + path + ": cannot be written: " + file.reason());
  }
}

void saveArchiveFile(torch::serialize::OutputArchive& archive, const std::string& path,
                     const std::string& what)
{
  writeArchiveFile(path, what, [&archive](const auto& sink) { archive.save_to(sink); });
}

}  // namespace m6
