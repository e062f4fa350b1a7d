// Import throughput benchmark (DESIGN.md section 5, issue 2): our MovieLens-CSV import of a
// generated ratings.csv beside the sqlite3 shell's `.import` of the same file into a bare table.
// Prints figures; asserts nothing (this machine is shared and noisy).
//
// usage: bench_import [--rows N]... [--dir DIR] [--keep]
//   default rows: 1000000 and 10000000; files go to DIR (default: a temporary folder).
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_support.h"

namespace fs = std::filesystem;

using m6bench::Measure;

int main(int argc, char** argv)
{
  std::vector<int64_t> sizes;
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
    else if (a == "--keep")
    {
      keep = true;
    }
    else
    {
      std::fprintf(stderr, "usage: bench_import [--rows N]... [--dir DIR] [--keep]\n");
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
      "bench_import: MovieLens-style ratings.csv, our import vs sqlite3 .import (bare table)\n");
  std::printf("%12s %10s %12s %12s %12s %10s %12s\n", "rows", "file MB", "ours s", "ours rows/s",
              "sqlite3 s", "ratio", "peak MiB");
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
    double mb = static_cast<double>(fs::file_size(csv)) / 1e6;
    const std::string wsPath = (folder / "bench.m6ws").string();
    Measure ours = m6bench::importInChild(wsPath, folder.string(), "bench");
    const double shellSeconds = m6bench::sqliteShellImportSeconds(csv, folder.string());
    std::printf("%12lld %10.1f %12.2f %12.0f %12.2f %10.2f %12.0f%s\n",
                static_cast<long long>(rows), mb, ours.seconds,
                static_cast<double>(rows) / ours.seconds, shellSeconds, ours.seconds / shellSeconds,
                static_cast<double>(ours.peakKiB) / 1024.0, ours.ok ? "" : "  (import FAILED)");
    std::fflush(stdout);
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
      "import\n");
  return 0;
}
