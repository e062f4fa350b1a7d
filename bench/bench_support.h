// What the benchmarks share: a clock, a MovieLens-style ratings.csv generator, running a step in
// a child process (so its peak memory is its own), and this process's memory.
// Header-only; benchmarks are plain executables that print figures.
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "model/core/rng.h"
#include "storage/formats.h"
#include "storage/importer.h"
#include "storage/workspace.h"

namespace m6bench
{

inline double now()
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// MovieLens-like ratings.csv: `users` users (each 20 + an exponential number of ratings, so the
/// mean is rows / users), items drawn from `items` with Zipf(0.9) popularity (a long tail), half-
/// star ratings, increasing times per user, rows grouped by user as in the real files.
inline void writeRatings(const std::string& path, int64_t rows, int64_t users, int64_t items)
{
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f)
  {
    std::perror(path.c_str());
    std::exit(1);
  }
  std::fputs("userId,movieId,rating,timestamp\n", f);
  m6::DemoRng rng(7);
  users = std::max<int64_t>(1, users);
  const double meanExtra =
      std::max(1.0, static_cast<double>(rows) / static_cast<double>(users) - 20);
  std::vector<double> cum(static_cast<size_t>(items));
  double acc = 0;
  for (int64_t i = 0; i < items; ++i)
  {
    acc += 1.0 / std::pow(static_cast<double>(i) + 1.0, 0.9);
    cum[static_cast<size_t>(i)] = acc;
  }
  int64_t written = 0;
  for (int64_t u = 1; written < rows; ++u)
  {
    int64_t n = u == users
                    ? rows - written
                    : std::min<int64_t>(rows - written,
                                        20 + static_cast<int64_t>(rng.exponential(meanExtra)));
    int64_t t = 1000000000 + static_cast<int64_t>(rng.below(500000000));
    for (int64_t k = 0; k < n; ++k)
    {
      double r = rng.uniform() * acc;
      int64_t item = std::upper_bound(cum.begin(), cum.end(), r) - cum.begin() + 1;
      t += 1 + static_cast<int64_t>(rng.below(5000));
      std::fprintf(f, "%lld,%lld,%.1f,%lld\n", static_cast<long long>((u - 1) % users + 1),
                   static_cast<long long>(item), 0.5 * (1 + static_cast<double>(rng.below(10))),
                   static_cast<long long>(t));
    }
    written += n;
  }
  std::fclose(f);
}

struct Measure
{
  double seconds = 0;
  long peakKiB = 0;
  bool ok = false;
};

/// Runs `work` in a child process, so its peak memory is its own.
template <typename Work>
Measure inChild(Work&& work)
{
  double t0 = now();
  pid_t pid = fork();
  if (pid == 0)
  {
    std::_Exit(work() ? 0 : 1);
  }
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  Measure m;
  m.seconds = now() - t0;
  m.peakKiB = ru.ru_maxrss;
  m.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return m;
}

/// Our MovieLens-CSV import of the folder `folder` into a new workspace `wsPath` (an old one is
/// removed first) as dataset `name`, in a child process.
inline Measure importInChild(const std::string& wsPath, const std::string& folder,
                             const std::string& name, const std::string& format = "movielens-csv")
{
  for (const char* suffix : {"", "-wal", "-shm"})
  {
    std::filesystem::remove(wsPath + suffix);
  }
  return inChild(
      [&]
      {
        auto ws = m6::Workspace::open(wsPath);
        if (!ws)
        {
          std::fprintf(stderr, "%s\n", ws.error().c_str());
          return false;
        }
        auto spec = m6::specForFormat(format, folder);
        if (!spec)
        {
          std::fprintf(stderr, "%s\n", spec.error().c_str());
          return false;
        }
        auto r = m6::importDataset(**ws, *spec, name);
        if (!r)
        {
          std::fprintf(stderr, "import failed: %s\n", r.error().c_str());
        }
        return r.ok();
      });
}

/// Seconds the sqlite3 shell takes to `.import` the ratings file `csv` into a bare table of a
/// scratch database in `scratchDir` (removed afterwards); NaN without the shell or on failure.
inline double sqliteShellImportSeconds(const std::string& csv, const std::string& scratchDir)
{
  if (std::system("command -v sqlite3 >/dev/null 2>&1") != 0)
  {
    return std::nan("");
  }
  const std::string bare = (std::filesystem::path(scratchDir) / "bare.db").string();
  std::filesystem::remove(bare);
  const std::string cmd = "sqlite3 '" + bare +
                          "' 'CREATE TABLE ratings(userId, movieId, rating, timestamp);' "
                          "'.mode csv' '.import --skip 1 " +
                          csv + " ratings'";
  const double t0 = now();
  const double seconds = std::system(cmd.c_str()) == 0 ? now() - t0 : std::nan("");
  std::filesystem::remove(bare);
  return seconds;
}

/// A line of /proc/self/status in MiB ("VmRSS", "VmHWM"), or -1.
inline double statusMiB(const char* key)
{
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(key) + ":";
  while (std::getline(in, line))
  {
    if (line.rfind(prefix, 0) == 0)
    {
      return std::atof(line.c_str() + prefix.size()) / 1024.0;
    }
  }
  return -1;
}

}  // namespace m6bench
