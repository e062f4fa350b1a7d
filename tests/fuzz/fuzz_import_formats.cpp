// libFuzzer harness: each import format's row parsing, through readImport (nothing is written to
// a workspace). The first byte picks the format; the input, split at the first blank line, is
// the format's interactions file and, after it, its items file (for the review layouts, the item
// side file that the importer finds beside the reviews by its name).
#include <filesystem>
#include <string>

#include "fuzz_input.h"
#include "storage/formats.h"
#include "storage/importer.h"

namespace
{

struct FormatFiles
{
  const char* format;
  const char* interactions;
  const char* items;
  bool folder;  // the format reads a folder; otherwise the interactions file itself
};

// The file names each format looks for in a folder (storage/formats.cpp).
const FormatFiles kFormats[] = {
    {"movielens-100k", "u.data", "u.item", true},
    {"movielens-1m", "ratings.dat", "movies.dat", true},
    {"movielens-csv", "ratings.csv", "movies.csv", true},
    {"recbole", "fuzz.inter", "fuzz.item", true},
    {"amazon-reviews", "reviews_Fuzz_5.json", "meta_Fuzz.json", false},
    {"amazon-reviews-2023", "Fuzz.jsonl", "meta_Fuzz.jsonl", false},
    {"yelp-reviews", "yelp_academic_dataset_review.json", "yelp_academic_dataset_business.json",
     false},
    {"goodreads", "goodreads_interactions_fuzz.json", "goodreads_books_fuzz.json", false},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  if (size < 1)
  {
    return 0;
  }
  const FormatFiles& f = kFormats[data[0] % (sizeof kFormats / sizeof kFormats[0])];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t blank = text.find("\n\n");
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(m6fuzz::workDir()) / f.format;
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  const std::string interactions = text.substr(0, blank);
  m6fuzz::writeInput(std::string(f.format) + "/" + f.interactions,
                     reinterpret_cast<const uint8_t*>(interactions.data()), interactions.size());
  if (f.items && blank != std::string::npos)
  {
    const std::string items = text.substr(blank + 2);
    m6fuzz::writeInput(std::string(f.format) + "/" + f.items,
                       reinterpret_cast<const uint8_t*>(items.data()), items.size());
  }
  auto spec =
      m6::specForFormat(f.format, f.folder ? dir.string() : (dir / f.interactions).string());
  if (!spec)
  {
    return 0;
  }
  auto parsed = m6::readImport(*spec, "fuzz");
  if (parsed)
  {
    m6fuzz::checkIndexes(parsed->snapshot);
  }
  return 0;
}
