// Workspace: opening (creating, migrating, the read-only and busy cases), ids, run folders and
// settings. The dataset catalogue, the snapshot writer and reader and the damage checks are in
// workspace_catalogue.cpp, workspace_writer.cpp, workspace_reader.cpp and
// workspace_integrity.cpp.
#include "storage/workspace.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "storage/run_lock.h"
#include "storage/schema.h"
#include "storage/sqlite.h"
#include "storage/workspace_db.h"
#include "storage/workspace_internal.h"

namespace m6
{

namespace
{

constexpr int64_t kApplicationId = 0x4D36574B;  // "M6WK"

}  // namespace

Workspace::Workspace() = default;
Workspace::~Workspace() = default;

int Workspace::latestSchemaVersion()
{
  return static_cast<int>(schema::migrations().size());
}

std::string Workspace::defaultPath()
{
  std::filesystem::path base;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
  {
    base = xdg;
  }
  else if (const char* home = std::getenv("HOME"); home && *home)
  {
    base = std::filesystem::path(home) / ".local" / "share";
  }
  else
  {
    base = std::filesystem::temp_directory_path();
  }
  return (base / "m6-workbench" / "workspace.m6ws").string();
}

namespace
{

// SQLite keeps its write-ahead log and shared-memory index beside the workspace, so even reading
// needs the folder to be writable: say so, instead of SQLite's "attempt to write a readonly
// database" behind "not an M6 workspace".
Status checkWritable(const std::string& path)
{
  const std::string folder = std::filesystem::path(path).parent_path().string();
  for (const std::string& p : {path, folder.empty() ? std::string(".") : folder})
  {
    if (::access(p.c_str(), W_OK) != 0 && (errno == EACCES || errno == EROFS || errno == EPERM))
    {
      const bool fs = errno == EROFS;
      return makeError("workspace " + path + " is read-only" +
                       (fs ? std::string(" (it is on a read-only file system)")
                           : " (" + std::string(p == path ? "the file" : "its folder " + p) +
                                 " cannot be written by this user)") +
                       ": M6 Workbench keeps SQLite's journal beside the workspace, so it needs "
                       "the file and its folder writable even to read it; copy the workspace to "
                       "a writable folder, or change the permissions");
    }
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<Workspace>> Workspace::open(
    const std::string& path, bool create, const std::function<void(int from, int to)>& upgrading)
{
  // Switching a new file to WAL needs a moment of exclusive access, which SQLite reports as
  // "busy" without waiting when several connections open the same new file at once: try again.
  for (int attempt = 0;; ++attempt)
  {
    bool busy = false;
    auto ws = openOnce(path, create, &busy, upgrading);
    if (ws || !busy || attempt >= 100)
    {
      return ws;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Result<std::unique_ptr<Workspace>> Workspace::openOnce(
    const std::string& pathIn, bool create, bool* busy,
    const std::function<void(int from, int to)>& upgrading)
{
  namespace fs = std::filesystem;
  std::error_code ec;
  // An absolute path, so that run folders derived from it do not depend on the current folder.
  const std::string path = fs::absolute(pathIn, ec).lexically_normal().string();
  std::unique_ptr<Workspace> ws(new Workspace());
  ws->path_ = path.empty() ? pathIn : path;
  ws->db_ = std::make_unique<sql::Db>();
  try
  {
    bool existed = fs::exists(path, ec);
    if (!existed && !create)
    {
      return makeError("workspace " + path + " does not exist");
    }
    if (!existed)
    {
      fs::path parent = fs::path(path).parent_path();
      if (!parent.empty())
      {
        fs::create_directories(parent, ec);
        if (ec)
        {
          return makeError("cannot create folder " + parent.string() + ": " + ec.message());
        }
      }
    }
    else if (fs::is_directory(path, ec))
    {
      return makeError(path + " is a folder, not a workspace file");
    }
    if (existed)
    {
      if (auto ok = checkWritable(path); !ok)
      {
        return errorOf(ok);
      }
    }
    sql::Db& db = *ws->db_;
    db.open(path, create);
    // Identify the file before changing anything in it.
    auto identify = [&](int64_t* appId, int64_t* version, int64_t* objects) -> Status
    {
      try
      {
        *appId = db.queryInt("PRAGMA application_id");
        *version = db.queryInt("PRAGMA user_version");
        *objects = db.queryInt("SELECT count(*) FROM sqlite_master");
      }
      catch (const sql::SqliteError& e)
      {
        if ((e.code() & 0xff) == SQLITE_BUSY || (e.code() & 0xff) == SQLITE_LOCKED)
        {
          throw;  // not an answer about the file: try again
        }
        if ((e.code() & 0xff) == SQLITE_CORRUPT)
        {
          return makeError("workspace " + path + " is damaged (" + e.what() +
                           "); nothing was written to it. Keep a copy of the file; sqlite3 FILE "
                           "\".recover\" | sqlite3 NEW.m6ws saves what can be read");
        }
        return makeError(path + " is not an M6 workspace (" + e.what() + ")");
      }
      if (*appId != 0 && *appId != kApplicationId)
      {
        return makeError(path + " is an SQLite file of another program, not an M6 workspace");
      }
      if (*appId == 0 && *objects > 0)
      {
        return makeError(path + " is an SQLite database but not an M6 workspace");
      }
      if (*version > latestSchemaVersion())
      {
        return makeError("workspace " + path + " was written by a newer M6 Workbench (schema " +
                         std::to_string(*version) + "; this program knows up to " +
                         std::to_string(latestSchemaVersion()) + ")");
      }
      return {};
    };
    int64_t appId = 0;
    int64_t version = 0;
    int64_t objects = 0;
    {
      // One read transaction, so the three figures come from the same state of the file even
      // when another connection is migrating it right now.
      db.exec("BEGIN");
      Status ok = identify(&appId, &version, &objects);
      db.exec("ROLLBACK");
      if (!ok)
      {
        return errorOf(ok);
      }
    }
    if (existed && objects > 0)
    {
      if (auto ok = workspace_detail::checkIntact(db, path); !ok)
      {
        return errorOf(ok);
      }
    }
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=NORMAL");
    db.exec("PRAGMA foreign_keys=ON");
    db.exec("PRAGMA temp_store=MEMORY");
    db.exec("PRAGMA cache_size=-65536");  // 64 MiB page cache
    const auto& steps = schema::migrations();
    if (version < static_cast<int64_t>(steps.size()))
    {
      // Several connections may open a new workspace at once (the GUI's workers do): take the
      // write lock first, then look again, so exactly one of them migrates.
      sql::Transaction tx(db);
      if (auto ok = identify(&appId, &version, &objects); !ok)
      {
        return errorOf(ok);
      }
      if (upgrading && version > 0 && version < static_cast<int64_t>(steps.size()))
      {
        upgrading(static_cast<int>(version), static_cast<int>(steps.size()));
      }
      for (int64_t v = version; v < static_cast<int64_t>(steps.size()); ++v)
      {
        db.exec(steps[static_cast<size_t>(v)]);
      }
      db.exec("PRAGMA application_id=" + std::to_string(kApplicationId));
      db.exec("PRAGMA user_version=" + std::to_string(steps.size()));
      tx.commit();
    }
  }
  catch (const sql::SqliteError& e)
  {
    *busy = (e.code() & 0xff) == SQLITE_BUSY || (e.code() & 0xff) == SQLITE_LOCKED;
    return makeError(e.what());
  }
  catch (const std::exception& e)
  {
    return makeError(std::string("cannot open workspace ") + path + ": " + e.what());
  }
  return ws;
}

std::string Workspace::runFolder(int64_t runId) const
{
  std::filesystem::path ws(path_);
  return (ws.parent_path() / (ws.stem().string() + "-runs") / std::to_string(runId)).string();
}

void Workspace::setBusyTimeout(int milliseconds)
{
  db_->setBusyTimeout(milliseconds);
}

void Workspace::setBusyCancel(const std::atomic<bool>* cancel)
{
  db_->setBusyCancel(cancel);
}

void Workspace::setBusyNotice(std::function<void(const std::string& holder)> notice)
{
  if (!notice)
  {
    db_->setBusyNotice(nullptr);
    return;
  }
  db_->setBusyNotice([notice = std::move(notice), path = path_]
                     { notice(sql::writeLockHolder(path)); });
}

Result<int64_t> Workspace::allocateId(const std::string& table)
{
  // Ids are never reused, even after a delete (SQLite would reuse the largest freed rowid), so
  // caches keyed by id and run folders named by id never meet a different object.
  try
  {
    const std::string key = "next_id." + table;
    int64_t next = 0;
    auto get = db_->prepare("SELECT value FROM settings WHERE key = ?");
    get.bind(1, key);
    if (get.step())
    {
      next = std::stoll(get.columnText(0));
    }
    next = std::max(next, db_->queryInt("SELECT coalesce(max(id), 0) + 1 FROM " + table));
    auto put = db_->prepare(
        "INSERT INTO settings(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    put.bind(1, key).bind(2, std::to_string(next + 1));
    put.run();
    return next;
  }
  catch (const std::exception& e)
  {
    return makeError(std::string("cannot allocate an id: ") + e.what());
  }
}

int Workspace::schemaVersion() const
{
  try
  {
    return static_cast<int>(db_->queryInt("PRAGMA user_version"));
  }
  catch (const sql::SqliteError&)
  {
    return -1;
  }
}

void Workspace::interrupt()
{
  db_->interrupt();
}

Result<std::string> Workspace::setting(const std::string& key, const std::string& fallback)
{
  try
  {
    auto s = db_->prepare("SELECT value FROM settings WHERE key = ?");
    s.bind(1, key);
    if (s.step())
    {
      return s.columnText(0);
    }
    return fallback;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(e.what());
  }
}

Status Workspace::setSetting(const std::string& key, const std::string& value)
{
  try
  {
    auto s = db_->prepare(
        "INSERT INTO settings(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    s.bind(1, key).bind(2, value);
    s.run();
    return {};
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(e.what());
  }
}

sql::Db& workspaceDb(Workspace& workspace)
{
  return *workspace.db_;
}

}  // namespace m6
