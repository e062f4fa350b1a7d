// libFuzzer harness: a dataset downloaded as a zip archive (storage/zip_archive.h, the zip path of
// storage/formats.h), from arbitrary bytes: list the archive, find the dataset folder in it, unpack
// its members and import them (nothing is written to a workspace). Every failure must be an error
// result; nothing may be written outside the temporary folder the import unpacks into.
#include <filesystem>
#include <string>

#include "fuzz_input.h"
#include "storage/formats.h"
#include "storage/importer.h"
#include "storage/zip_archive.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  const std::string zip = m6fuzz::writeInput("dataset.zip", data, size);
  auto members = m6::listZipFiles(zip);
  if (!members)
  {
    return 0;
  }
  auto found = m6::zipDataset(zip);
  if (!found)
  {
    return 0;
  }
  auto spec = m6::specForFormat(found->format, zip);
  if (!spec)
  {
    return 0;
  }
  auto parsed = m6::readImport(*spec, "fuzz");
  if (parsed)
  {
    m6fuzz::checkIndexes(parsed->snapshot);
  }
  // The members went to a temporary folder beside the harness's own (both under $TMPDIR) that
  // the import removed when it finished; a path inside the archive reaches no other place.
  namespace fs = std::filesystem;
  const fs::path own(m6fuzz::workDir());
  std::error_code ec;
  int left = 0;
  for (const auto& e : fs::directory_iterator(own.parent_path(), ec))
  {
    left += e.path().filename() != own.filename() ? 1 : 0;
  }
  for (const auto& e : fs::directory_iterator(own, ec))
  {
    left += e.path().filename() != "dataset.zip" ? 1 : 0;
  }
  if (left != 0)
  {
    __builtin_trap();
  }
  return 0;
}
