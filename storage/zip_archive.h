// Zip archives as datasets are downloaded (MovieLens ml-1m.zip, ml-25m.zip, ml-latest-small.zip,
// RecBole's atomic files), read with libarchive: the list of their files, and the files of one
// folder unpacked into a temporary folder that the importer reads like any other and removes.
//
// Hostile archives are refused, not trusted: only regular files are listed and only their plain
// names are written (no path inside the archive reaches the file system), a member that inflates
// beyond its declared size stops the unpacking, and the declared sizes are checked against the
// free space before anything is written.
//
// Thread affinity: none; each call opens its own reader.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/result.h"
#include "storage/workspace.h"

namespace m6
{

struct ZipMember
{
  std::string path;    // inside the archive: "ml-latest-small/ratings.csv"
  std::string name;    // the plain file name: "ratings.csv"
  std::string folder;  // the folder inside the archive: "ml-latest-small" ("" at the top)
  int64_t size = -1;   // declared (uncompressed) size, -1 when the archive does not say
};

/// The regular files of a zip archive, in archive order. An error names the archive and what
/// libarchive found wrong (not a zip, truncated, damaged).
Result<std::vector<ZipMember>> listZipFiles(const std::string& zip);

/// A fresh folder under the system's temporary directory ($TMPDIR, else /tmp), removed with
/// everything in it when the object goes.
class TempFolder
{
 public:
  static Result<TempFolder> create(const std::string& prefix);
  TempFolder() = default;
  TempFolder(TempFolder&& other) noexcept;
  TempFolder& operator=(TempFolder&& other) noexcept;
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  ~TempFolder();

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Writes the archive's members `paths` (ZipMember::path) into `folder` under their plain names.
/// Progress reports "Unpacking NAME" over the archive's compressed bytes; `cancel` is checked
/// between blocks (then an error "cancelled"). Refuses before writing when the declared sizes do
/// not fit the free space, and stops when a member inflates beyond its declared size.
Status unpackZipMembers(const std::string& zip, const std::vector<std::string>& paths,
                        const std::string& folder, const ProgressFn& progress = nullptr,
                        const std::atomic<bool>* cancel = nullptr);

}  // namespace m6
