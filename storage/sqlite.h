// Thin RAII wrappers over the sqlite3 C API, used inside storage/ only.
//
// They throw SqliteError; the public storage functions catch it and return Result<T>, so no
// exception leaves storage/. A Db (one sqlite3 connection) belongs to the thread that uses it:
// SQLite connections here are opened in "multi-thread" mode, so one connection must never be
// used by two threads at once. Workers open their own connection to the same file.
#pragma once

#ifdef M6_UI_LAYER
#error "ui/ never builds SQL: storage/sqlite.h is for storage/ (and its tests) only"
#endif

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace m6::sql
{

class SqliteError : public std::runtime_error
{
 public:
  SqliteError(const std::string& what, int code) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

class Stmt;

class Db
{
 public:
  Db() = default;
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  Db(Db&& o) noexcept : db_(o.db_), path_(std::move(o.path_)), busy_(std::move(o.busy_))
  {
    o.db_ = nullptr;
    o.busy_ = std::make_unique<BusyWait>();
  }
  Db& operator=(Db&& o) noexcept;

  /// Opens (and creates when `create`) the file. Throws SqliteError with the path in the message.
  void open(const std::string& path, bool create, bool readOnly = false);
  void close();
  bool isOpen() const { return db_ != nullptr; }

  void exec(const std::string& sql);
  Stmt prepare(const std::string& sql);
  int64_t lastInsertRowId() const;
  int changes() const;
  /// Aborts the statement running on this connection from another thread (sqlite3_interrupt).
  void interrupt();
  sqlite3* handle() const { return db_; }
  std::string path() const { return path_; }

  /// Scalar helpers: the first column of the first row.
  int64_t queryInt(const std::string& sql, int64_t fallback = 0);
  std::string queryText(const std::string& sql);

  /// How long a statement waits for another connection's lock before SQLITE_BUSY (default 5 s),
  /// and what it calls once when a wait has lasted a second (on this connection's thread).
  void setBusyTimeout(int milliseconds);
  void setBusyNotice(std::function<void()> notice);
  /// While waiting for another writer, give up as soon as *cancel is true (nullptr: never).
  void setBusyCancel(const std::atomic<bool>* cancel);

  struct BusyWait
  {
    int timeoutMs = 5000;
    std::function<void()> notice;
    const std::atomic<bool>* cancel = nullptr;  // true: stop waiting (the statement fails busy)
    std::chrono::steady_clock::time_point start;
    bool noticed = false;
  };

 private:
  static int busyHandler(void* state, int count);

  sqlite3* db_ = nullptr;
  std::string path_;
  std::unique_ptr<BusyWait> busy_ = std::make_unique<BusyWait>();  // stable across moves
};

/// Who holds the write lock of the SQLite file `path` (in WAL mode), read from /proc/locks
/// without opening the file (closing a descriptor of it would drop this process's own SQLite
/// locks): "process 1234 (m6-cli import ...)", or "" when it is this process or unknown.
std::string writeLockHolder(const std::string& path);

class Stmt
{
 public:
  Stmt() = default;
  Stmt(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& o) noexcept : db_(o.db_), s_(o.s_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept;

  // Parameters are 1-based, as in SQLite.
  Stmt& bind(int i, int64_t v);
  Stmt& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Stmt& bind(int i, double v);  // NaN binds NULL
  Stmt& bind(int i, const std::string& v);
  Stmt& bind(int i, const char* v, int n);  // n bytes, copied
  Stmt& bindNull(int i);
  Stmt& bindBlob(int i, const void* data, int n);

  /// true when a row is available, false when done. Throws on error.
  bool step();
  /// Runs a statement that returns no rows, then resets it for reuse.
  void run();
  void reset();

  bool isNull(int col) const;
  int64_t columnInt(int col) const;
  double columnDouble(int col) const;  // NULL reads as NaN
  std::string columnText(int col) const;
  const void* columnBlob(int col, int* bytes) const;
  int columnCount() const;

 private:
  void check(int rc, const char* what);
  sqlite3* db_ = nullptr;
  sqlite3_stmt* s_ = nullptr;
};

/// RAII transaction: BEGIN IMMEDIATE on construction, ROLLBACK in the destructor unless commit().
class Transaction
{
 public:
  explicit Transaction(Db& db);
  ~Transaction();
  void commit();

 private:
  Db& db_;
  bool done_ = false;
};

}  // namespace m6::sql
