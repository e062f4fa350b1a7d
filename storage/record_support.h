// Small pieces the record stores (runs.cpp, searches.cpp) share: the wall clock in seconds and
// a wrapper that turns an SQLite failure into a Status naming what was being done.
//
// Thread affinity: none.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "model/core/clock.h"
#include "storage/result.h"
#include "storage/sqlite.h"

namespace m6::records
{

/// Runs `f`; an SqliteError becomes "<what>: <sqlite message>".
template <typename F>
Status guarded(const char* what, F&& f)
{
  try
  {
    f();
    return {};
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string(what) + ": " + e.what());
  }
}

}  // namespace m6::records
