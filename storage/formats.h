// The dataset formats the workbench knows, detected from a folder or file the user picks, and
// turned into an ImportSpec.
//
//  movielens-100k  folder with u.data (tab: user, item, rating, time), u.user (|: age, gender,
//                  occupation, zip), u.item (| latin-1: title, release date, 19 genre flags),
//                  u.genre (genre names)
//  movielens-1m    ratings.dat (::), users.dat (1M only), movies.dat (title, genres|), tags.dat
//                  (10M: user::item::tag::time, becomes the multi-valued item field "tags")
//  movielens-csv   ratings.csv (userId,movieId,rating,timestamp), movies.csv (quoted titles,
//                  |-separated genres), optional tags.csv (item field "tags")
//  recbole         NAME.inter with optional NAME.user and NAME.item, tab-separated, typed headers
//                  (user_id:token, genre:token_seq, rating:float, timestamp:float, ...)
//  csv             any delimited file, described by a mapping (storage/import_spec.h)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/import_spec.h"
#include "storage/result.h"

namespace m6
{

struct FormatInfo
{
  std::string id;     // "movielens-100k", ...
  std::string label;  // "MovieLens 100K"
};

const std::vector<FormatInfo>& knownFormats();

/// Guesses the format of a folder, file or zip archive of a folder. "csv" when nothing specific
/// matches a file; an error when a folder holds nothing importable.
Result<std::string> detectFormat(const std::string& path);

/// A dataset folder inside a zip archive (a MovieLens or RecBole download as it comes).
struct ZipDataset
{
  std::string format;              // as detectFormat names a folder's
  std::string folder;              // inside the archive, "" at the top
  std::vector<std::string> paths;  // the members the format reads (storage/zip_archive.h)
  std::vector<std::string> names;  // their plain names
  int64_t bytes = 0;               // their declared size
};

/// The shallowest folder of the archive that holds a known dataset, or an error that says what
/// the archive holds instead (or why it cannot be read).
Result<ZipDataset> zipDataset(const std::string& zip);

/// Builds the ImportSpec for a format (not "csv": that one needs a mapping). `path` is the folder
/// or one of the format's files, or a zip archive of the folder: then the spec only names the
/// archive (ImportSpec::archive) and the import unpacks it first.
Result<ImportSpec> specForFormat(const std::string& format, const std::string& path);

/// Guesses a dialect for a delimited file from its first lines: delimiter (, tab ; | ::),
/// header or not, encoding (utf-8 unless the sample is not valid UTF-8).
Dialect sniffDialect(const std::string& path);

/// The first rows of a delimited file split with the dialect (decoded to UTF-8), for previews.
struct Preview
{
  std::vector<std::string> header;  // empty when the dialect has no header
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> problems;  // per-row problems ("line 3: invalid UTF-8 ...")
};
Result<Preview> previewFile(const std::string& path, const Dialect& dialect, int maxRows = 50);

}  // namespace m6
