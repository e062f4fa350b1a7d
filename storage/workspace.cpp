#include "storage/workspace.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "model/core/clock.h"
#include "storage/run_lock.h"
#include "storage/schema.h"
#include "storage/sqlite.h"
#include "storage/stats.h"
#include "storage/workspace_db.h"

namespace m6
{

namespace
{

constexpr int64_t kApplicationId = 0x4D36574B;  // "M6WK"
constexpr int kValueRowsPerInsert = 64;         // multi-row INSERTs amortise statement overhead

bool cancelled(const std::atomic<bool>* cancel)
{
  return cancel && cancel->load(std::memory_order_relaxed);
}

struct Cancelled
{
};

DatasetInfo readDatasetRow(const sql::Stmt& s)
{
  DatasetInfo d;
  d.id = s.columnInt(0);
  d.name = s.columnText(1);
  d.sourceFormat = s.columnText(2);
  d.sourcePath = s.columnText(3);
  d.createdAt = s.columnInt(4);
  d.users = s.columnInt(5);
  d.items = s.columnInt(6);
  d.interactions = s.columnInt(7);
  d.hasRatings = s.columnInt(8) != 0;
  d.hasTimestamps = s.columnInt(9) != 0;
  d.note = s.columnText(10);
  return d;
}

const char* kDatasetColumns =
    "id, name, source_format, source_path, created_at, n_users, n_items, n_interactions, "
    "has_ratings, has_timestamps, note";

FieldEntity entityFromText(const std::string& s)
{
  if (s == "item")
  {
    return FieldEntity::Item;
  }
  if (s == "interaction")
  {
    return FieldEntity::Interaction;
  }
  return FieldEntity::User;
}

std::string placeholders(int rows, int cols)
{
  std::string one = "(";
  for (int c = 0; c < cols; ++c)
  {
    one += c ? ",?" : "?";
  }
  one += ")";
  std::string all;
  for (int r = 0; r < rows; ++r)
  {
    if (r)
    {
      all += ",";
    }
    all += one;
  }
  return all;
}

/// Inserts rows produced by an indexed generator: gen(stmt, firstParam, rowIndex).
template <typename Gen>
void insertRows(sql::Db& db, const std::string& table, int cols, int64_t n, Gen&& gen,
                const std::atomic<bool>* cancel, const std::function<void(int64_t)>& onProgress)
{
  if (n <= 0)
  {
    return;
  }
  sql::Stmt full =
      db.prepare("INSERT INTO " + table + " VALUES " + placeholders(kValueRowsPerInsert, cols));
  int64_t r = 0;
  for (; r + kValueRowsPerInsert <= n; r += kValueRowsPerInsert)
  {
    for (int k = 0; k < kValueRowsPerInsert; ++k)
    {
      gen(full, k * cols + 1, r + k);
    }
    full.run();
    if ((r / kValueRowsPerInsert) % 2048 == 0)
    {
      if (cancelled(cancel))
      {
        throw Cancelled{};
      }
      if (onProgress)
      {
        onProgress(r);
      }
    }
  }
  int64_t rest = n - r;
  if (rest > 0)
  {
    sql::Stmt part = db.prepare("INSERT INTO " + table + " VALUES " +
                                placeholders(static_cast<int>(rest), cols));
    for (int64_t k = 0; k < rest; ++k)
    {
      gen(part, static_cast<int>(k) * cols + 1, r + k);
    }
    part.run();
  }
  if (onProgress)
  {
    onProgress(n);
  }
}

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

// Files up to this size are checked whole with SQLite's quick_check when a process first opens
// them (about 4 ms per MB here when the file is in the page cache, 60 ms per MB when it is not:
// 0.3-4 s at this size). Larger files get the tables that do not grow with the data checked on
// open, and the bulk tables each before the first write to it (Workspace::checkBeforeWriting).
constexpr std::uintmax_t kQuickCheckLimitBytes = 64u << 20;

// The tables with rows per interaction, user, item or per user of a run.
const std::set<std::string>& bulkTables()
{
  static const std::set<std::string> tables = {
      "interactions", "item_interactions", "users", "items", "field_values", "run_user_metrics"};
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

// Damaged pages are reported before anything writes to the file (a write can spread the damage).
Status checkIntact(sql::Db& db, const std::string& path)
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

}  // namespace

Result<std::unique_ptr<Workspace>> Workspace::open(const std::string& path, bool create)
{
  // Switching a new file to WAL needs a moment of exclusive access, which SQLite reports as
  // "busy" without waiting when several connections open the same new file at once: try again.
  for (int attempt = 0;; ++attempt)
  {
    bool busy = false;
    auto ws = openOnce(path, create, &busy);
    if (ws || !busy || attempt >= 100)
    {
      return ws;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Result<std::unique_ptr<Workspace>> Workspace::openOnce(const std::string& pathIn, bool create,
                                                       bool* busy)
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
      if (auto ok = checkIntact(db, path); !ok)
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

Result<std::vector<DatasetInfo>> Workspace::datasets()
{
  try
  {
    std::vector<DatasetInfo> out;
    auto s = db_->prepare(std::string("SELECT ") + kDatasetColumns +
                          " FROM datasets ORDER BY name COLLATE NOCASE");
    while (s.step())
    {
      out.push_back(readDatasetRow(s));
    }
    return out;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot list datasets: ") + e.what());
  }
}

Result<DatasetInfo> Workspace::dataset(const std::string& name)
{
  try
  {
    auto s =
        db_->prepare(std::string("SELECT ") + kDatasetColumns + " FROM datasets WHERE name = ?");
    s.bind(1, name);
    if (!s.step())
    {
      return makeError("no dataset named \"" + name + "\"");
    }
    return readDatasetRow(s);
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot read dataset: ") + e.what());
  }
}

Result<DatasetInfo> Workspace::datasetById(int64_t id)
{
  try
  {
    auto s = db_->prepare(std::string("SELECT ") + kDatasetColumns + " FROM datasets WHERE id = ?");
    s.bind(1, id);
    if (!s.step())
    {
      return makeError("no dataset with id " + std::to_string(id));
    }
    return readDatasetRow(s);
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot read dataset: ") + e.what());
  }
}

Result<std::vector<FieldInfo>> Workspace::fields(int64_t datasetId)
{
  try
  {
    std::vector<FieldInfo> out;
    auto s = db_->prepare(
        "SELECT id, entity, name, kind FROM fields WHERE dataset_id = ? ORDER BY entity, position");
    s.bind(1, datasetId);
    while (s.step())
    {
      FieldInfo f;
      f.id = s.columnInt(0);
      f.entity = entityFromText(s.columnText(1));
      f.name = s.columnText(2);
      parseFieldKind(s.columnText(3), &f.kind);
      out.push_back(f);
    }
    return out;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot read fields: ") + e.what());
  }
}

Status checkDisplayName(const std::string& name, const std::string& what)
{
  if (name.empty() || std::all_of(name.begin(), name.end(), [](char c) { return c == ' '; }))
  {
    return makeError("the " + what + " must not be empty");
  }
  if (name.size() > 100)
  {
    return makeError("the " + what + " is longer than 100 characters");
  }
  for (unsigned char c : name)
  {
    if (c < 0x20 || c == 0x7f)
    {
      return makeError("the " + what + " must not contain control characters");
    }
  }
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

Status Workspace::checkDatasetName(const std::string& name, bool checkUnique)
{
  if (auto ok = checkDisplayName(name, "dataset name"); !ok)
  {
    return ok;
  }
  if (checkUnique)
  {
    try
    {
      auto s = db_->prepare("SELECT name FROM datasets WHERE name = ?");
      s.bind(1, name);
      if (s.step())
      {
        return makeError("a dataset named \"" + s.columnText(0) + "\" already exists");
      }
    }
    catch (const sql::SqliteError& e)
    {
      return makeError(e.what());
    }
  }
  return {};
}

Status Workspace::renameDataset(const std::string& from, const std::string& to)
{
  auto existing = dataset(from);
  if (!existing)
  {
    return errorOf(existing);
  }
  bool sameIgnoringCase = false;
  if (from.size() == to.size())
  {
    sameIgnoringCase = std::equal(from.begin(), from.end(), to.begin(),
                                  [](char a, char b)
                                  {
                                    return std::tolower(static_cast<unsigned char>(a)) ==
                                           std::tolower(static_cast<unsigned char>(b));
                                  });
  }
  if (auto ok = checkDatasetName(to, !sameIgnoringCase); !ok)
  {
    return ok;
  }
  try
  {
    auto s = db_->prepare("UPDATE datasets SET name = ? WHERE id = ?");
    s.bind(1, to).bind(2, existing->id);
    s.run();
    return {};
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot rename dataset: ") + e.what());
  }
}

Status Workspace::setDatasetNote(const std::string& name, const std::string& note)
{
  try
  {
    auto s = db_->prepare("UPDATE datasets SET note = ? WHERE name = ?");
    s.bind(1, note).bind(2, name);
    s.run();
    if (db_->changes() == 0)
    {
      return makeError("no dataset named \"" + name + "\"");
    }
    return {};
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(e.what());
  }
}

Status Workspace::deleteDataset(const std::string& name)
{
  auto existing = dataset(name);
  if (!existing)
  {
    return errorOf(existing);
  }
  try
  {
    const int64_t id = existing->id;
    std::vector<std::string> runFolders;
    {
      auto f = db_->prepare("SELECT id, name FROM runs WHERE dataset_id = ?");
      f.bind(1, id);
      while (f.step())
      {
        std::string folder = runFolder(f.columnInt(0));
        if (RunLock::isHeld(folder))
        {
          return makeError("dataset \"" + name + "\" is being trained on (run " +
                           std::to_string(f.columnInt(0)) + ", " + f.columnText(1) +
                           "); stop that run before deleting the dataset");
        }
        runFolders.push_back(folder);
      }
    }
    if (auto ok = checkBeforeWriting({"users", "items", "interactions", "item_interactions",
                                      "field_values", "run_user_metrics"});
        !ok)
    {
      return errorOf(ok);
    }
    sql::Transaction tx(*db_);
    // Child tables first, explicitly: faster than letting ON DELETE CASCADE walk row by row,
    // and the cascade still guards anything added later.
    auto run = [&](const char* q)
    {
      auto s = db_->prepare(q);
      s.bind(1, id);
      s.run();
    };
    run("DELETE FROM field_values WHERE field_id IN (SELECT id FROM fields WHERE dataset_id = ?)");
    run("DELETE FROM fields WHERE dataset_id = ?");
    run("DELETE FROM item_interactions WHERE dataset_id = ?");
    run("DELETE FROM interactions WHERE dataset_id = ?");
    run("DELETE FROM users WHERE dataset_id = ?");
    run("DELETE FROM items WHERE dataset_id = ?");
    run("DELETE FROM import_rejects WHERE report_id IN "
        "(SELECT id FROM import_reports WHERE dataset_id = ?)");
    run("DELETE FROM import_reports WHERE dataset_id = ?");
    run("DELETE FROM search_trials WHERE search_id IN "
        "(SELECT id FROM searches WHERE dataset_id = ?)");
    run("DELETE FROM searches WHERE dataset_id = ?");
    run("DELETE FROM run_user_metrics WHERE run_id IN (SELECT id FROM runs WHERE dataset_id = ?)");
    run("DELETE FROM run_steps WHERE run_id IN (SELECT id FROM runs WHERE dataset_id = ?)");
    run("DELETE FROM run_epochs WHERE run_id IN (SELECT id FROM runs WHERE dataset_id = ?)");
    run("UPDATE runs SET parent_run = NULL WHERE parent_run IN "
        "(SELECT id FROM runs WHERE dataset_id = ?)");
    run("DELETE FROM runs WHERE dataset_id = ?");
    run("DELETE FROM datasets WHERE id = ?");
    for (const char* column : {"rating", "ts"})
    {
      db_->exec("DROP INDEX IF EXISTS interactions_by_" + std::string(column) + "_" +
                std::to_string(id));
    }
    tx.commit();
    for (const auto& folder : runFolders)
    {
      std::error_code ec;
      std::filesystem::remove_all(folder, ec);  // checkpoints of the deleted runs
    }
    return {};
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot delete dataset: ") + e.what());
  }
}

Result<int64_t> Workspace::writeDataset(const DatasetSnapshot& ds, const DatasetOrigin& origin,
                                        const ImportReport* report, const ProgressFn& progress,
                                        const std::atomic<bool>* cancel)
{
  if (auto ok = checkDatasetName(ds.name); !ok)
  {
    return errorOf(ok);
  }
  if (auto ok = checkBeforeWriting(
          {"users", "items", "interactions", "item_interactions", "field_values"}, progress);
      !ok)
  {
    return errorOf(ok);
  }
  const int64_t nU = ds.numUsers();
  const int64_t nI = ds.numItems();
  const int64_t nX = ds.numInteractions();
  if (static_cast<int64_t>(ds.userStart.size()) != nU + 1)
  {
    return makeError("internal error: dataset snapshot has no per-user index");
  }
  int64_t fieldValueRows = 0;
  for (const auto* group : {&ds.userFields, &ds.itemFields, &ds.contextFields})
  {
    for (const auto& f : *group)
    {
      fieldValueRows += f.kind == FieldKind::Multi
                            ? static_cast<int64_t>(f.codes.size())
                            : std::max({f.codes.size(), f.values.size(), f.texts.size()});
    }
  }
  const int64_t totalRows = nU + nI + 2 * nX + fieldValueRows;
  int64_t rowsDone = 0;
  auto tell = [&](const char* phase, int64_t doneInPhase)
  {
    if (progress)
    {
      StorageProgress p;
      p.phase = phase;
      p.done = rowsDone + doneInPhase;
      p.total = totalRows;
      if (report)
      {
        p.rows = report->rowsRead;
        p.rejected = report->rowsRejected;
      }
      progress(p);
    }
  };

  std::vector<int64_t> itemCount(static_cast<size_t>(nI), 0);
  for (int32_t i : ds.item)
  {
    ++itemCount[static_cast<size_t>(i)];
  }
  Json stats = computeDatasetStats(ds);
  if (origin.preparation.isObject())
  {
    stats["preparation"] = origin.preparation;
  }

  try
  {
    // A bigger page cache keeps the item index in memory while 10M rows go in.
    db_->exec("PRAGMA cache_size=-262144");
    struct RestoreCache
    {
      sql::Db& db;
      ~RestoreCache()
      {
        try
        {
          db.exec("PRAGMA cache_size=-65536");
        }
        catch (...)
        {
        }
      }
    } restore{*db_};

    sql::Transaction tx(*db_);
    // Again under the write lock: another import of the same name may have committed while this
    // one was reading its file (the first check only spares that reading when the name is taken).
    if (auto ok = checkDatasetName(ds.name); !ok)
    {
      return errorOf(ok);
    }
    auto newId = allocateId("datasets");
    if (!newId)
    {
      return errorOf(newId);
    }
    auto ins = db_->prepare(
        "INSERT INTO datasets(id, name, source_format, source_path, created_at, n_users, n_items, "
        "n_interactions, has_ratings, has_timestamps, stats_json, ground_truth_json, note) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    ins.bind(13, origin.note).bind(1, *newId);
    ins.bind(2, ds.name)
        .bind(3, origin.sourceFormat)
        .bind(4, origin.sourcePath)
        .bind(5, unixSeconds())
        .bind(6, nU)
        .bind(7, nI)
        .bind(8, nX)
        .bind(9, static_cast<int64_t>(ds.hasRatings()))
        .bind(10, static_cast<int64_t>(ds.hasTimestamps()))
        .bind(11, stats.dump())
        .bind(12, ds.groundTruthJson);
    ins.run();
    const int64_t id = *newId;

    insertRows(
        *db_, "users", 5, nU,
        [&](sql::Stmt& s, int p, int64_t u)
        {
          s.bind(p, id)
              .bind(p + 1, u)
              .bind(p + 2, ds.userIds[static_cast<size_t>(u)])
              .bind(p + 3, ds.userStart[static_cast<size_t>(u)])
              .bind(p + 4, ds.userStart[static_cast<size_t>(u) + 1] -
                               ds.userStart[static_cast<size_t>(u)]);
        },
        cancel, [&](int64_t d) { tell("Writing users", d); });
    rowsDone += nU;

    insertRows(
        *db_, "items", 5, nI,
        [&](sql::Stmt& s, int p, int64_t i)
        {
          s.bind(p, id).bind(p + 1, i).bind(p + 2, ds.itemIds[static_cast<size_t>(i)]);
          if (static_cast<size_t>(i) < ds.itemTitles.size())
          {
            s.bind(p + 3, ds.itemTitles[static_cast<size_t>(i)]);
          }
          else
          {
            s.bind(p + 3, std::string());
          }
          s.bind(p + 4, itemCount[static_cast<size_t>(i)]);
        },
        cancel, [&](int64_t d) { tell("Writing items", d); });
    rowsDone += nI;

    const bool hasR = ds.hasRatings();
    const bool hasT = ds.hasTimestamps();
    insertRows(
        *db_, "interactions", 6, nX,
        [&](sql::Stmt& s, int p, int64_t n)
        {
          const auto k = static_cast<size_t>(n);
          s.bind(p, id).bind(p + 1, n).bind(p + 2, ds.user[k]).bind(p + 3, ds.item[k]);
          if (hasR)
          {
            s.bind(p + 4, static_cast<double>(ds.rating[k]));
          }
          else
          {
            s.bindNull(p + 4);
          }
          if (hasT && ds.ts[k] != DatasetSnapshot::kMissingTs)
          {
            s.bind(p + 5, ds.ts[k]);
          }
          else
          {
            s.bindNull(p + 5);
          }
        },
        cancel, [&](int64_t d) { tell("Writing interactions", d); });
    rowsDone += nX;

    // item_interactions in key order: a counting sort of seq by item.
    {
      std::vector<int64_t> start(static_cast<size_t>(nI) + 1, 0);
      for (int32_t i : ds.item)
      {
        ++start[static_cast<size_t>(i) + 1];
      }
      for (size_t i = 1; i < start.size(); ++i)
      {
        start[i] += start[i - 1];
      }
      std::vector<int64_t> bySeq(static_cast<size_t>(nX));
      for (int64_t n = 0; n < nX; ++n)
      {
        bySeq[static_cast<size_t>(start[static_cast<size_t>(ds.item[static_cast<size_t>(n)])]++)] =
            n;
      }
      insertRows(
          *db_, "item_interactions", 3, nX,
          [&](sql::Stmt& s, int p, int64_t r)
          {
            const int64_t n = bySeq[static_cast<size_t>(r)];
            s.bind(p, id)
                .bind(p + 1, static_cast<int64_t>(ds.item[static_cast<size_t>(n)]))
                .bind(p + 2, n);
          },
          cancel, [&](int64_t d) { tell("Writing item index", d); });
    }

    auto addField = db_->prepare(
        "INSERT INTO fields(dataset_id, entity, name, kind, position) VALUES (?,?,?,?,?)");
    auto writeFields = [&](const std::vector<FieldColumn>& group, FieldEntity entity)
    {
      int position = 0;
      for (const auto& f : group)
      {
        addField.bind(1, id)
            .bind(2, std::string(fieldEntityName(entity)))
            .bind(3, f.name)
            .bind(4, std::string(fieldKindName(f.kind)))
            .bind(5, position++);
        addField.run();
        const int64_t fid = db_->lastInsertRowId();
        auto phase = [&](int64_t d) { tell("Writing feature values", d); };
        switch (f.kind)
        {
          case FieldKind::Categorical:
          {
            // Missing values (-1) are simply absent rows.
            std::vector<int64_t> present;
            for (size_t e = 0; e < f.codes.size(); ++e)
            {
              if (f.codes[e] >= 0)
              {
                present.push_back(static_cast<int64_t>(e));
              }
            }
            insertRows(
                *db_, "field_values", 4, static_cast<int64_t>(present.size()),
                [&](sql::Stmt& s, int p, int64_t r)
                {
                  int64_t e = present[static_cast<size_t>(r)];
                  s.bind(p, fid)
                      .bind(p + 1, e)
                      .bind(p + 2, int64_t(0))
                      .bind(p + 3, f.vocab[static_cast<size_t>(f.codes[static_cast<size_t>(e)])]);
                },
                cancel, phase);
            rowsDone += static_cast<int64_t>(f.codes.size());
            break;
          }
          case FieldKind::Multi:
          {
            // One row per value; entity of value r found by walking offsets.
            std::vector<int64_t> owner(f.codes.size());
            std::vector<int64_t> ordinal(f.codes.size());
            for (size_t e = 0; e + 1 < f.offsets.size(); ++e)
            {
              for (int64_t r = f.offsets[e]; r < f.offsets[e + 1]; ++r)
              {
                owner[static_cast<size_t>(r)] = static_cast<int64_t>(e);
                ordinal[static_cast<size_t>(r)] = r - f.offsets[e];
              }
            }
            insertRows(
                *db_, "field_values", 4, static_cast<int64_t>(f.codes.size()),
                [&](sql::Stmt& s, int p, int64_t r)
                {
                  s.bind(p, fid)
                      .bind(p + 1, owner[static_cast<size_t>(r)])
                      .bind(p + 2, ordinal[static_cast<size_t>(r)])
                      .bind(p + 3, f.vocab[static_cast<size_t>(f.codes[static_cast<size_t>(r)])]);
                },
                cancel, phase);
            rowsDone += static_cast<int64_t>(f.codes.size());
            break;
          }
          case FieldKind::Numeric:
          case FieldKind::Timestamp:
          {
            std::vector<int64_t> present;
            for (size_t e = 0; e < f.values.size(); ++e)
            {
              if (!std::isnan(f.values[e]))
              {
                present.push_back(static_cast<int64_t>(e));
              }
            }
            insertRows(
                *db_, "field_values", 4, static_cast<int64_t>(present.size()),
                [&](sql::Stmt& s, int p, int64_t r)
                {
                  int64_t e = present[static_cast<size_t>(r)];
                  s.bind(p, fid)
                      .bind(p + 1, e)
                      .bind(p + 2, int64_t(0))
                      .bind(p + 3, f.values[static_cast<size_t>(e)]);
                },
                cancel, phase);
            rowsDone += static_cast<int64_t>(f.values.size());
            break;
          }
          case FieldKind::Text:
          {
            std::vector<int64_t> present;
            for (size_t e = 0; e < f.texts.size(); ++e)
            {
              if (!f.texts[e].empty())
              {
                present.push_back(static_cast<int64_t>(e));
              }
            }
            insertRows(
                *db_, "field_values", 4, static_cast<int64_t>(present.size()),
                [&](sql::Stmt& s, int p, int64_t r)
                {
                  int64_t e = present[static_cast<size_t>(r)];
                  s.bind(p, fid)
                      .bind(p + 1, e)
                      .bind(p + 2, int64_t(0))
                      .bind(p + 3, f.texts[static_cast<size_t>(e)]);
                },
                cancel, phase);
            rowsDone += static_cast<int64_t>(f.texts.size());
            break;
          }
        }
      }
    };
    writeFields(ds.userFields, FieldEntity::User);
    writeFields(ds.itemFields, FieldEntity::Item);
    writeFields(ds.contextFields, FieldEntity::Interaction);

    if (report)
    {
      auto rep = db_->prepare(
          "INSERT INTO import_reports(dataset_id, created_at, format, source, seconds, rows_read, "
          "rows_rejected, warnings_json) VALUES (?,?,?,?,?,?,?,?)");
      Json warnings = Json::array();
      for (const auto& w : report->warnings)
      {
        warnings.push_back(w);
      }
      rep.bind(1, id)
          .bind(2, unixSeconds())
          .bind(3, report->format)
          .bind(4, report->source)
          .bind(5, report->seconds)
          .bind(6, report->rowsRead)
          .bind(7, report->rowsRejected)
          .bind(8, warnings.dump());
      rep.run();
      const int64_t rid = db_->lastInsertRowId();
      insertRows(*db_, "import_rejects", 6, static_cast<int64_t>(report->rejected.size()),
                 [&](sql::Stmt& s, int p, int64_t r)
                 {
                   const auto& row = report->rejected[static_cast<size_t>(r)];
                   s.bind(p, rid)
                       .bind(p + 1, r)
                       .bind(p + 2, row.file)
                       .bind(p + 3, row.line)
                       .bind(p + 4, row.reason)
                       .bind(p + 5, row.content.substr(0, 300));
                 },
                 cancel, {});
    }
    if (cancelled(cancel))
    {
      throw Cancelled{};
    }
    tell("Committing", totalRows - rowsDone);
    tx.commit();
    return id;
  }
  catch (const Cancelled&)
  {
    return cancelledError();
  }
  catch (const sql::SqliteError& e)
  {
    if (e.code() == SQLITE_INTERRUPT)
    {
      return cancelledError();
    }
    return makeError(std::string("cannot write dataset: ") + e.what());
  }
}

Result<DatasetSnapshot> Workspace::loadSnapshot(int64_t datasetId, const ProgressFn& progress,
                                                const std::atomic<bool>* cancel)
{
  auto info = datasetById(datasetId);
  if (!info)
  {
    return errorOf(info);
  }
  try
  {
    DatasetSnapshot ds;
    ds.name = info->name;
    ds.datasetId = datasetId;
    const int64_t nU = info->users;
    const int64_t nI = info->items;
    const int64_t nX = info->interactions;
    ds.groundTruthJson = db_->queryText("SELECT ground_truth_json FROM datasets WHERE id = " +
                                        std::to_string(datasetId));
    ds.shuffledWithinUser =
        db_->queryText(
            "SELECT coalesce(json_extract(stats_json, '$.interaction_order'), '') "
            "FROM datasets WHERE id = " +
            std::to_string(datasetId)) == "shuffled";
    ds.preparation = db_->queryText(
        "SELECT coalesce(json_extract(stats_json, '$.preparation.description'), '') FROM "
        "datasets WHERE id = " +
        std::to_string(datasetId));
    auto tick = [&](const char* phase, int64_t done, int64_t total)
    {
      if (progress)
      {
        StorageProgress p;
        p.phase = phase;
        p.done = done;
        p.total = total;
        progress(p);
      }
      if (cancelled(cancel))
      {
        throw Cancelled{};
      }
    };

    ds.userIds.resize(static_cast<size_t>(nU));
    ds.userStart.assign(static_cast<size_t>(nU) + 1, 0);
    {
      auto s = db_->prepare(
          "SELECT idx, external_id, first_seq, n_interactions FROM users WHERE dataset_id = ? "
          "ORDER BY idx");
      s.bind(1, datasetId);
      while (s.step())
      {
        auto u = static_cast<size_t>(s.columnInt(0));
        if (u >= ds.userIds.size())
        {
          return makeError("workspace is inconsistent: user index out of range");
        }
        ds.userIds[u] = s.columnText(1);
        ds.userStart[u] = s.columnInt(2);
        ds.userStart[u + 1] = s.columnInt(2) + s.columnInt(3);
      }
    }
    ds.itemIds.resize(static_cast<size_t>(nI));
    ds.itemTitles.resize(static_cast<size_t>(nI));
    {
      auto s = db_->prepare(
          "SELECT idx, external_id, title FROM items WHERE dataset_id = ? ORDER BY idx");
      s.bind(1, datasetId);
      while (s.step())
      {
        auto i = static_cast<size_t>(s.columnInt(0));
        if (i >= ds.itemIds.size())
        {
          return makeError("workspace is inconsistent: item index out of range");
        }
        ds.itemIds[i] = s.columnText(1);
        ds.itemTitles[i] = s.columnText(2);
      }
    }
    ds.user.resize(static_cast<size_t>(nX));
    ds.item.resize(static_cast<size_t>(nX));
    if (info->hasRatings)
    {
      ds.rating.resize(static_cast<size_t>(nX));
    }
    if (info->hasTimestamps)
    {
      ds.ts.resize(static_cast<size_t>(nX));
    }
    {
      auto s = db_->prepare(
          "SELECT seq, user_idx, item_idx, rating, ts FROM interactions WHERE dataset_id = ? "
          "ORDER BY seq");
      s.bind(1, datasetId);
      int64_t n = 0;
      while (s.step())
      {
        auto k = static_cast<size_t>(s.columnInt(0));
        if (k >= ds.user.size())
        {
          return makeError("workspace is inconsistent: interaction sequence out of range");
        }
        ds.user[k] = static_cast<int32_t>(s.columnInt(1));
        ds.item[k] = static_cast<int32_t>(s.columnInt(2));
        if (info->hasRatings)
        {
          ds.rating[k] = static_cast<float>(s.columnDouble(3));
        }
        if (info->hasTimestamps)
        {
          ds.ts[k] = s.isNull(4) ? DatasetSnapshot::kMissingTs : s.columnInt(4);
        }
        if ((++n & 0xFFFF) == 0)
        {
          tick("Reading interactions", n, nX);
        }
      }
      if (n != nX)
      {
        return makeError("workspace is inconsistent: expected " + std::to_string(nX) +
                         " interactions, found " + std::to_string(n));
      }
    }

    auto fieldList = fields(datasetId);
    if (!fieldList)
    {
      return errorOf(fieldList);
    }
    auto values = db_->prepare(
        "SELECT entity_idx, ord, value FROM field_values WHERE field_id = ? "
        "ORDER BY entity_idx, ord");
    for (const auto& fi : *fieldList)
    {
      int64_t n = fi.entity == FieldEntity::User ? nU : fi.entity == FieldEntity::Item ? nI : nX;
      FieldColumn col;
      col.name = fi.name;
      col.kind = fi.kind;
      values.bind(1, fi.id);
      std::unordered_map<std::string, int32_t> vocab;
      auto code = [&](const std::string& v)
      {
        auto [it, added] = vocab.emplace(v, static_cast<int32_t>(col.vocab.size()));
        if (added)
        {
          col.vocab.push_back(v);
        }
        return it->second;
      };
      switch (fi.kind)
      {
        case FieldKind::Categorical:
          col.codes.assign(static_cast<size_t>(n), -1);
          while (values.step())
          {
            col.codes[static_cast<size_t>(values.columnInt(0))] = code(values.columnText(2));
          }
          break;
        case FieldKind::Multi:
        {
          col.offsets.assign(static_cast<size_t>(n) + 1, 0);
          int64_t last = -1;
          while (values.step())
          {
            int64_t e = values.columnInt(0);
            col.codes.push_back(code(values.columnText(2)));
            ++col.offsets[static_cast<size_t>(e) + 1];
            last = e;
          }
          (void)last;
          for (size_t e = 1; e < col.offsets.size(); ++e)
          {
            col.offsets[e] += col.offsets[e - 1];
          }
          break;
        }
        case FieldKind::Numeric:
        case FieldKind::Timestamp:
          col.values.assign(static_cast<size_t>(n), std::nan(""));
          while (values.step())
          {
            col.values[static_cast<size_t>(values.columnInt(0))] = values.columnDouble(2);
          }
          break;
        case FieldKind::Text:
          col.texts.assign(static_cast<size_t>(n), std::string());
          while (values.step())
          {
            col.texts[static_cast<size_t>(values.columnInt(0))] = values.columnText(2);
          }
          break;
      }
      values.reset();
      // Vocabularies come back in first-use order; sort them so codes are stable and readable.
      if (fi.kind == FieldKind::Categorical || fi.kind == FieldKind::Multi)
      {
        std::vector<int32_t> order(col.vocab.size());
        for (size_t v = 0; v < order.size(); ++v)
        {
          order[v] = static_cast<int32_t>(v);
        }
        std::sort(order.begin(), order.end(),
                  [&](int32_t a, int32_t b) {
                    return col.vocab[static_cast<size_t>(a)] < col.vocab[static_cast<size_t>(b)];
                  });
        std::vector<int32_t> remap(col.vocab.size());
        std::vector<std::string> sorted(col.vocab.size());
        for (size_t r = 0; r < order.size(); ++r)
        {
          remap[static_cast<size_t>(order[r])] = static_cast<int32_t>(r);
          sorted[r] = col.vocab[static_cast<size_t>(order[r])];
        }
        for (auto& c : col.codes)
        {
          if (c >= 0)
          {
            c = remap[static_cast<size_t>(c)];
          }
        }
        col.vocab = std::move(sorted);
      }
      (fi.entity == FieldEntity::User   ? ds.userFields
       : fi.entity == FieldEntity::Item ? ds.itemFields
                                        : ds.contextFields)
          .push_back(std::move(col));
      tick("Reading features", 0, 0);
    }
    return ds;
  }
  catch (const Cancelled&)
  {
    return cancelledError();
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot read dataset: ") + e.what());
  }
}

Result<Json> Workspace::stats(int64_t datasetId)
{
  try
  {
    auto s = db_->prepare("SELECT stats_json FROM datasets WHERE id = ?");
    s.bind(1, datasetId);
    if (!s.step())
    {
      return makeError("no dataset with id " + std::to_string(datasetId));
    }
    return Json::parse(s.columnText(0));
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(e.what());
  }
  catch (const JsonParseError& e)
  {
    return makeError(std::string("stored statistics are damaged: ") + e.what());
  }
}

Result<ImportReport> Workspace::importReport(int64_t datasetId, int64_t maxRejected)
{
  try
  {
    auto s = db_->prepare(
        "SELECT id, format, source, seconds, rows_read, rows_rejected, warnings_json "
        "FROM import_reports WHERE dataset_id = ? ORDER BY id DESC LIMIT 1");
    s.bind(1, datasetId);
    if (!s.step())
    {
      return makeError("this dataset has no import report");
    }
    ImportReport r;
    int64_t rid = s.columnInt(0);
    r.format = s.columnText(1);
    r.source = s.columnText(2);
    r.seconds = s.columnDouble(3);
    r.rowsRead = s.columnInt(4);
    r.rowsRejected = s.columnInt(5);
    try
    {
      const Json warnings = Json::parse(s.columnText(6));  // kept alive for the loop
      for (const auto& w : warnings.asArray())
      {
        r.warnings.push_back(w.asString());
      }
    }
    catch (const std::exception&)
    {
      r.warnings.emplace_back("(stored warnings are damaged)");
    }
    auto rows = db_->prepare(
        "SELECT file, line, reason, content FROM import_rejects WHERE report_id = ? ORDER BY n "
        "LIMIT ?");
    rows.bind(1, rid).bind(2, maxRejected);
    while (rows.step())
    {
      r.rejected.push_back(
          {rows.columnText(0), rows.columnInt(1), rows.columnText(2), rows.columnText(3)});
    }
    return r;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(e.what());
  }
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
