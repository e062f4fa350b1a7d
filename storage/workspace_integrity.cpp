// The workspace's damage checks: SQLite's quick_check of a new file once per process (or of its
// small tables when it is large), of each bulk table before the first write to it, and the
// thorough check on request.
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include "storage/sqlite.h"
#include "storage/workspace.h"
#include "storage/workspace_internal.h"

namespace m6
{

namespace
{

// Files up to this size are checked whole with SQLite's quick_check when a process first opens
// them (about 4 ms per MB here when the file is in the page cache, 60 ms per MB when it is not:
// 0.3-4 s at this size). Larger files get the tables that do not grow with the data checked on
// open, and the bulk tables each before the first write to it (Workspace::checkBeforeWriting).
constexpr std::uintmax_t kQuickCheckLimitBytes = 64u << 20;

// The tables with rows per interaction, user, item or per user of a run.
const std::set<std::string>& bulkTables()
{
  static const std::set<std::string> tables = {"interactions", "item_seqs",    "users",
                                               "items",        "field_values", "run_user_metrics"};
  return tables;
}

// What this process has checked, per workspace path: table names, or "*" for the whole file.
std::mutex checkedMutex;
std::map<std::string, std::set<std::string>>& checkedTables()
{
  static std::map<std::string, std::set<std::string>> checked;
  return checked;
}

bool wasChecked(const std::string& path, const std::string& table)
{
  std::lock_guard<std::mutex> lock(checkedMutex);
  const auto it = checkedTables().find(path);
  return it != checkedTables().end() && (it->second.count("*") || it->second.count(table));
}

void markChecked(const std::string& path, const std::vector<std::string>& tables)
{
  std::lock_guard<std::mutex> lock(checkedMutex);
  checkedTables()[path].insert(tables.begin(), tables.end());
}

// Runs `pragma` (quick_check or integrity_check, with its argument) and returns up to three of
// the problems it names and their count (20 means "20 or more"). Busy and locked propagate.
int problemsOf(sql::Db& db, const std::string& pragma, std::string* problems)
{
  int count = 0;
  try
  {
    auto q = db.prepare("PRAGMA " + pragma);
    while (q.step())
    {
      const std::string line = q.columnText(0);
      if (line == "ok")
      {
        break;
      }
      if (++count <= 3)
      {
        *problems += (problems->empty() ? "" : "; ") + line.substr(0, 200);
      }
    }
  }
  catch (const sql::SqliteError& e)
  {
    if ((e.code() & 0xff) == SQLITE_BUSY || (e.code() & 0xff) == SQLITE_LOCKED ||
        (e.code() & 0xff) == SQLITE_INTERRUPT)
    {
      throw;
    }
    *problems = e.what();
    count = 1;
  }
  return count;
}

// PRAGMA quick_check of one table. The names come from the file's own schema: quoted as an
// identifier, so a hostile file's table name is a name, never SQL.
std::string quickCheckOf(const std::string& table)
{
  std::string quoted = "\"";
  for (char c : table)
  {
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return "quick_check(" + quoted + "\")";
}

std::string damagedMessage(const std::string& path, const std::string& where, int count,
                           const std::string& problems)
{
  return "workspace " + path + " is damaged (SQLite's quick_check" + where + " found " +
         (count >= 20 ? std::string("20 or more problems")
                      : std::to_string(count) + " problem(s)") +
         ": " + problems +
         "); nothing was written to it. Keep a copy of the file; sqlite3 "
         "FILE \".recover\" | sqlite3 NEW.m6ws saves what can be read";
}

}  // namespace

// Damaged pages are reported before anything writes to the file (a write can spread the damage).
Status workspace_detail::checkIntact(sql::Db& db, const std::string& path)
{
  if (wasChecked(path, "*"))
  {
    return {};  // once per process: the GUI opens the same workspace on several threads
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec)
  {
    return {};
  }
  std::vector<std::string> tables;
  if (size <= kQuickCheckLimitBytes)
  {
    tables.emplace_back("*");
  }
  else
  {
    auto q = db.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    while (q.step())
    {
      std::string name = q.columnText(0);
      if (!bulkTables().count(name) && !wasChecked(path, name))
      {
        tables.push_back(std::move(name));
      }
    }
  }
  for (const auto& table : tables)
  {
    std::string problems;
    const bool whole = table == "*";
    if (const int count =
            problemsOf(db, whole ? "quick_check(20)" : quickCheckOf(table), &problems))
    {
      return makeError(damagedMessage(path, whole ? "" : " of table " + table, count, problems));
    }
  }
  markChecked(path, tables);
  return {};
}

Status Workspace::checkBeforeWriting(const std::vector<std::string>& tables,
                                     const ProgressFn& progress)
{
  std::vector<std::string> due;
  for (const auto& t : tables)
  {
    if (!wasChecked(path_, t))
    {
      due.push_back(t);
    }
  }
  try
  {
    for (size_t k = 0; k < due.size(); ++k)
    {
      if (progress)
      {
        StorageProgress p;
        p.phase = "Checking the workspace for damage before writing";
        p.done = static_cast<int64_t>(k);
        p.total = static_cast<int64_t>(due.size());
        progress(p);
      }
      std::string problems;
      if (const int count = problemsOf(*db_, quickCheckOf(due[k]), &problems))
      {
        return makeError(damagedMessage(path_, " of table " + due[k], count, problems));
      }
    }
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot check the workspace before writing: ") + e.what());
  }
  markChecked(path_, due);
  return {};
}

Result<IntegrityReport> Workspace::checkIntegrity(bool thorough)
{
  IntegrityReport r;
  std::error_code ec;
  r.bytes = static_cast<int64_t>(std::filesystem::file_size(path_, ec));
  const auto start = std::chrono::steady_clock::now();
  try
  {
    std::string problems;
    r.problems = problemsOf(*db_, thorough ? "integrity_check(20)" : "quick_check(20)", &problems);
    r.summary = problems;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot check the workspace: ") + e.what());
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (r.problems == 0)
  {
    markChecked(path_, {"*"});
  }
  return r;
}

}  // namespace m6
