// Import throughput benchmark (DESIGN.md section 5, issues 2 and 12): our MovieLens-CSV import
// of a generated ratings.csv beside the sqlite3 shell's `.import` of the same file into a bare
// table; then the same rows gzip-compressed, and as Amazon-style JSON lines (plain and gzip).
// Prints figures; asserts nothing (this machine is shared and noisy).
//
// usage: bench_import [--rows N]... [--json-rows N] [--dir DIR] [--keep]
//   default rows: 1000000 and 10000000; JSON lines: 1000000 (0: skip); files go to DIR
//   (default: a temporary folder).
#include <unistd.h>
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_support.h"

namespace fs = std::filesystem;

using m6bench::Measure;

namespace
{

/// Compresses `src` into `dst` with zlib's default level (what `gzip` does).
bool gzipFile(const std::string& src, const std::string& dst)
{
  std::FILE* in = std::fopen(src.c_str(), "rb");
  gzFile out = gzopen(dst.c_str(), "wb");
  if (!in || !out)
  {
    return false;
  }
  std::vector<char> buf(1 << 20);
  size_t got = 0;
  bool ok = true;
  while ((got = std::fread(buf.data(), 1, buf.size(), in)) > 0)
  {
    ok = ok && gzwrite(out, buf.data(), static_cast<unsigned>(got)) == static_cast<int>(got);
  }
  std::fclose(in);
  return gzclose(out) == Z_OK && ok;
}

/// An Amazon-2018-style review file: the four keys the importer reads plus the text keys real
/// files carry (about 330 bytes a line).
void writeReviews(const std::string& path, int64_t rows, int64_t users, int64_t items)
{
  std::FILE* f = std::fopen(path.c_str(), "wb");
  uint64_t x = 88172645463325252ULL;
  auto next = [&x]
  {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int64_t r = 0; r < rows; ++r)
  {
    std::fprintf(f,
                 "{\"overall\": %d.0, \"verified\": true, \"reviewTime\": \"08 22, 2013\", "
                 "\"reviewerID\": \"A%09llu\", \"asin\": \"B%09llu\", \"reviewerName\": "
                 "\"Some Name\", \"reviewText\": \"Works as described and arrived on time; the "
                 "fit is right and the price was fair for what it is.\", \"summary\": "
                 "\"Works fine\", \"unixReviewTime\": %lld}\n",
                 static_cast<int>(1 + next() % 5),
                 static_cast<unsigned long long>(next() % static_cast<uint64_t>(users)),
                 static_cast<unsigned long long>(next() % static_cast<uint64_t>(items)),
                 static_cast<long long>(1300000000 + r));
  }
  std::fclose(f);
}

void printRow(const char* what, int64_t rows, const std::string& file, const Measure& m,
              double shellSeconds)
{
  const double mb = static_cast<double>(fs::file_size(file)) / 1e6;
  std::printf("%-16s %12lld %10.1f %12.2f %12.0f %12.2f %10.2f %12.0f%s\n", what,
              static_cast<long long>(rows), mb, m.seconds, static_cast<double>(rows) / m.seconds,
              shellSeconds, shellSeconds > 0 ? m.seconds / shellSeconds : std::nan(""),
              static_cast<double>(m.peakKiB) / 1024.0, m.ok ? "" : "  (import FAILED)");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv)
{
  std::vector<int64_t> sizes;
  int64_t jsonRows = 1000000;
  std::string dir;
  bool keep = false;
  for (int i = 1; i < argc; ++i)
  {
    std::string a = argv[i];
    if (a == "--rows" && i + 1 < argc)
    {
      sizes.push_back(std::atoll(argv[++i]));
    }
    else if (a == "--dir" && i + 1 < argc)
    {
      dir = argv[++i];
    }
    else if (a == "--json-rows" && i + 1 < argc)
    {
      jsonRows = std::atoll(argv[++i]);
    }
    else if (a == "--keep")
    {
      keep = true;
    }
    else
    {
      std::fprintf(stderr,
                   "usage: bench_import [--rows N]... [--json-rows N] [--dir DIR] [--keep]\n");
      return 2;
    }
  }
  if (sizes.empty())
  {
    sizes = {1000000, 10000000};
  }
  if (dir.empty())
  {
    dir = (fs::temp_directory_path() / ("m6-bench-import-" + std::to_string(getpid()))).string();
  }
  fs::create_directories(dir);
  std::printf(
      "bench_import: MovieLens-style ratings.csv, our import vs sqlite3 .import (bare "
      "table); the same rows gzip-compressed; Amazon-style JSON lines\n");
  std::printf("%-16s %12s %10s %12s %12s %12s %10s %12s\n", "file", "rows", "file MB", "ours s",
              "ours rows/s", "sqlite3 s", "ratio", "peak MiB");
  for (int64_t rows : sizes)
  {
    fs::path folder = fs::path(dir) / ("r" + std::to_string(rows));
    fs::create_directories(folder);
    std::string csv = (folder / "ratings.csv").string();
    if (!fs::exists(csv))
    {
      m6bench::writeRatings(csv, rows, std::max<int64_t>(10, rows / 150),
                            std::max<int64_t>(10, rows / 400));
    }
    const std::string wsPath = (folder / "bench.m6ws").string();
    Measure ours = m6bench::importInChild(wsPath, folder.string(), "bench");
    const double shellSeconds = m6bench::sqliteShellImportSeconds(csv, folder.string());
    printRow("ratings.csv", rows, csv, ours, shellSeconds);
    // The same file gzip-compressed, alone in its folder.
    fs::path gzFolder = folder / "gz";
    fs::create_directories(gzFolder);
    const std::string gz = (gzFolder / "ratings.csv.gz").string();
    if (gzipFile(csv, gz))
    {
      printRow(
          "ratings.csv.gz", rows, gz,
          m6bench::importInChild((gzFolder / "bench.m6ws").string(), gzFolder.string(), "bench"),
          std::nan(""));
    }
    if (!keep)
    {
      fs::remove_all(folder);
    }
  }
  if (jsonRows > 0)
  {
    fs::path folder = fs::path(dir) / "json";
    fs::create_directories(folder);
    const std::string json = (folder / "reviews.json").string();
    writeReviews(json, jsonRows, std::max<int64_t>(10, jsonRows / 10),
                 std::max<int64_t>(10, jsonRows / 50));
    const std::string wsPath = (folder / "bench.m6ws").string();
    printRow("reviews.json", jsonRows, json,
             m6bench::importInChild(wsPath, json, "bench", "amazon-reviews"), std::nan(""));
    const std::string gz = json + ".gz";
    if (gzipFile(json, gz))
    {
      printRow("reviews.json.gz", jsonRows, gz,
               m6bench::importInChild(wsPath, gz, "bench", "amazon-reviews"), std::nan(""));
    }
    if (!keep)
    {
      fs::remove_all(folder);
    }
  }
  if (!keep)
  {
    fs::remove_all(dir);
  }
  std::printf(
      "ratio = our seconds / sqlite3 seconds (target: under 2); peak = resident memory of the "
      "import; file MB = bytes on disk (compressed for .gz)\n");
  return 0;
}
