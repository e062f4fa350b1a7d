// What the libFuzzer harnesses share: the readers under test take paths, so each input is
// written to a private file first (under $TMPDIR, one folder per fuzzing process); and the check
// that an imported snapshot's interactions index its tables.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "model/core/dataset.h"

namespace m6fuzz
{

inline const std::string& workDir()
{
  static const std::string dir = []
  {
    const char* tmp = std::getenv("TMPDIR");
    std::string d =
        std::string(tmp && *tmp ? tmp : "/tmp") + "/m6-fuzz-" + std::to_string(::getpid());
    if (::mkdir(d.c_str(), 0700) != 0 && errno != EEXIST)
    {
      std::perror(d.c_str());  // every input would test only "no such file"
      std::abort();
    }
    return d;
  }();
  return dir;
}

/// Writes bytes to workDir()/name (replacing it) and returns the path.
inline std::string writeInput(const std::string& name, const uint8_t* data, size_t size)
{
  const std::string path = workDir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out.flush())
  {
    std::perror(path.c_str());
    std::abort();
  }
  return path;
}

/// Traps (a finding) unless every interaction's user and item index the snapshot's tables.
inline void checkIndexes(const m6::DatasetSnapshot& s)
{
  for (size_t k = 0; k < s.user.size(); ++k)
  {
    if (s.user[k] < 0 || static_cast<size_t>(s.user[k]) >= s.userIds.size() || s.item[k] < 0 ||
        static_cast<size_t>(s.item[k]) >= s.itemIds.size())
    {
      __builtin_trap();
    }
  }
}

}  // namespace m6fuzz
