#include "storage/sqlite.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

namespace m6::sql
{

namespace
{

// SQLite's own words for a full disk, "database or disk is full", leave the reader to guess which;
// the workspace is a file, so it is the disk (or the file system's quota). Said the way the
// project's file writers say it (model/core/atomic_file.h). "database is locked" after the
// busy timeout says neither who holds the workspace nor what to do: name the holder.
std::string described(sqlite3* db, int rc, const std::string& msg)
{
  if ((rc & 0xff) == SQLITE_FULL)
  {
    return "the disk is full (SQLite: " + msg + ")";
  }
  if ((rc & 0xff) == SQLITE_BUSY && db)
  {
    const char* file = sqlite3_db_filename(db, "main");
    const std::string holder = file && *file ? writeLockHolder(file) : std::string();
    return "the workspace is busy: " +
           (holder.empty() ? std::string("another connection") : holder) +
           " was writing to it for longer than this waits; try again when it is done (SQLite: " +
           msg + ")";
  }
  return msg;
}

}  // namespace

Db::~Db()
{
  close();
}

Db& Db::operator=(Db&& o) noexcept
{
  if (this != &o)
  {
    close();
    db_ = o.db_;
    path_ = std::move(o.path_);
    busy_ = std::move(o.busy_);
    o.db_ = nullptr;
    o.busy_ = std::make_unique<BusyWait>();
  }
  return *this;
}

void Db::open(const std::string& path, bool create, bool readOnly)
{
  close();
  int flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (create && !readOnly)
  {
    flags |= SQLITE_OPEN_CREATE;
  }
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK)
  {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError("cannot open workspace " + path + ": " + described(db_, rc, msg), rc);
  }
  path_ = path;
  sqlite3_extended_result_codes(db_, 1);
  // Other connections (workers, other processes) may hold a write lock; wait rather than fail.
  sqlite3_busy_handler(db_, &busyHandler, busy_.get());
}

void Db::setBusyTimeout(int milliseconds)
{
  busy_->timeoutMs = milliseconds;
}

void Db::setBusyNotice(std::function<void()> notice)
{
  busy_->notice = std::move(notice);
}

void Db::setBusyCancel(const std::atomic<bool>* cancel)
{
  busy_->cancel = cancel;
}

int Db::busyHandler(void* state, int count)
{
  auto* b = static_cast<BusyWait*>(state);
  const auto now = std::chrono::steady_clock::now();
  if (count == 0)
  {
    b->start = now;
    b->noticed = false;
  }
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - b->start).count();
  if (waited >= b->timeoutMs || (b->cancel && b->cancel->load()))
  {
    return 0;
  }
  if (b->notice && !b->noticed && waited >= 1000)
  {
    b->noticed = true;
    b->notice();
  }
  // Short sleeps first (most waits are another worker's small write), then 50 ms.
  const int64_t sleep = std::min<int64_t>(
      {count < 10 ? 2 * (count + 1) : 50, static_cast<int64_t>(b->timeoutMs) - waited});
  std::this_thread::sleep_for(std::chrono::milliseconds(std::max<int64_t>(sleep, 1)));
  return 1;
}

std::string writeLockHolder(const std::string& path)
{
  // SQLite's WAL write lock is byte 120 of the "-shm" file.
  struct stat st;
  if (::stat((path + "-shm").c_str(), &st) != 0)
  {
    return "";
  }
  std::ifstream locks("/proc/locks");
  std::string line;
  while (std::getline(locks, line))
  {
    // "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 120 120"
    std::istringstream in(line);
    std::string n, kind, mode, type, dev, start, end;
    long pid = 0;
    if (!(in >> n >> kind >> mode >> type >> pid >> dev >> start >> end) || kind != "POSIX" ||
        type != "WRITE" || pid == ::getpid())
    {
      continue;
    }
    const size_t colon = dev.rfind(':');
    if (colon == std::string::npos ||
        std::strtoull(dev.c_str() + colon + 1, nullptr, 10) != static_cast<uint64_t>(st.st_ino))
    {
      continue;
    }
    const long long from = std::atoll(start.c_str());
    const bool toEof = end == "EOF";
    const long long to = toEof ? 0 : std::atoll(end.c_str());
    if (from > 120 || (!toEof && to < 120))
    {
      continue;
    }
    std::ifstream cmd("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    std::string args((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
    std::replace(args.begin(), args.end(), '\0', ' ');
    while (!args.empty() && args.back() == ' ')
    {
      args.pop_back();
    }
    if (args.size() > 120)
    {
      args = args.substr(0, 117) + "...";
    }
    return "process " + std::to_string(pid) + (args.empty() ? "" : " (" + args + ")");
  }
  return "";
}

void Db::close()
{
  if (db_)
  {
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }
}

void Db::exec(const std::string& sql)
{
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK)
  {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw SqliteError(described(db_, rc, msg), rc);
  }
}

Stmt Db::prepare(const std::string& sql)
{
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &s, nullptr);
  if (rc != SQLITE_OK)
  {
    throw SqliteError(std::string(sqlite3_errmsg(db_)) + " in: " + sql.substr(0, 200), rc);
  }
  return Stmt(db_, s);
}

int64_t Db::lastInsertRowId() const
{
  return sqlite3_last_insert_rowid(db_);
}
int Db::changes() const
{
  return sqlite3_changes(db_);
}
void Db::interrupt()
{
  if (db_)
  {
    sqlite3_interrupt(db_);
  }
}

int64_t Db::queryInt(const std::string& sql, int64_t fallback)
{
  Stmt s = prepare(sql);
  if (s.step() && !s.isNull(0))
  {
    return s.columnInt(0);
  }
  return fallback;
}

std::string Db::queryText(const std::string& sql)
{
  Stmt s = prepare(sql);
  if (s.step())
  {
    return s.columnText(0);
  }
  return {};
}

Stmt::~Stmt()
{
  if (s_)
  {
    sqlite3_finalize(s_);
  }
}

Stmt& Stmt::operator=(Stmt&& o) noexcept
{
  if (this != &o)
  {
    if (s_)
    {
      sqlite3_finalize(s_);
    }
    db_ = o.db_;
    s_ = o.s_;
    o.s_ = nullptr;
  }
  return *this;
}

void Stmt::check(int rc, const char* what)
{
  if (rc != SQLITE_OK)
  {
    throw SqliteError(std::string(what) + ": " + described(db_, rc, sqlite3_errmsg(db_)), rc);
  }
}

Stmt& Stmt::bind(int i, int64_t v)
{
  check(sqlite3_bind_int64(s_, i, v), "bind");
  return *this;
}

Stmt& Stmt::bind(int i, double v)
{
  if (std::isnan(v))
  {
    return bindNull(i);
  }
  check(sqlite3_bind_double(s_, i, v), "bind");
  return *this;
}

Stmt& Stmt::bind(int i, const std::string& v)
{
  check(sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT), "bind");
  return *this;
}

Stmt& Stmt::bind(int i, const char* v, int n)
{
  check(sqlite3_bind_text(s_, i, v, n, SQLITE_TRANSIENT), "bind");
  return *this;
}

Stmt& Stmt::bindNull(int i)
{
  check(sqlite3_bind_null(s_, i), "bind");
  return *this;
}

Stmt& Stmt::bindBlob(int i, const void* data, int n)
{
  check(sqlite3_bind_blob(s_, i, data, n, SQLITE_TRANSIENT), "bind");
  return *this;
}

bool Stmt::step()
{
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW)
  {
    return true;
  }
  if (rc == SQLITE_DONE)
  {
    return false;
  }
  std::string msg = described(db_, rc, sqlite3_errmsg(db_));
  sqlite3_reset(s_);
  throw SqliteError(msg, rc);
}

void Stmt::run()
{
  while (step())
  {
  }
  reset();
}

void Stmt::reset()
{
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

bool Stmt::isNull(int col) const
{
  return sqlite3_column_type(s_, col) == SQLITE_NULL;
}
int64_t Stmt::columnInt(int col) const
{
  return sqlite3_column_int64(s_, col);
}
double Stmt::columnDouble(int col) const
{
  return isNull(col) ? std::nan("") : sqlite3_column_double(s_, col);
}
std::string Stmt::columnText(int col) const
{
  const unsigned char* t = sqlite3_column_text(s_, col);
  if (!t)
  {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(t),
                     static_cast<size_t>(sqlite3_column_bytes(s_, col)));
}
const void* Stmt::columnBlob(int col, int* bytes) const
{
  *bytes = sqlite3_column_bytes(s_, col);
  return sqlite3_column_blob(s_, col);
}
int Stmt::columnCount() const
{
  return sqlite3_column_count(s_);
}

Transaction::Transaction(Db& db) : db_(db)
{
  db_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction()
{
  if (!done_)
  {
    try
    {
      db_.exec("ROLLBACK");
    }
    catch (...)
    {
      // The transaction may already be gone (for example after an interrupt); nothing to undo.
    }
  }
}

void Transaction::commit()
{
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace m6::sql
