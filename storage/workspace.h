// The workspace: one SQLite file holding datasets (users, items, interactions, typed feature
// fields), import reports and, later, runs.
//
// Schema: see storage/schema.cpp (versioned with PRAGMA user_version, forward migrations only).
// Interactions of a dataset are stored sorted by (user, time) under a dense sequence number, so
// loading a whole dataset for training is one sequential read of a primary-key range.
//
// Thread affinity: a Workspace owns one SQLite connection and must be used by one thread at a
// time. Threads that work on the same file in parallel (import worker, browse worker, trainer)
// each open their own Workspace on the same path; WAL mode lets readers and one writer coexist.
// Nothing here shows UI or throws: failures come back as Result with a message for a person.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/core/dataset.h"
#include "model/core/json.h"
#include "storage/result.h"

namespace m6
{

namespace sql
{
class Db;
}

struct DatasetInfo
{
  int64_t id = 0;
  std::string name;
  std::string sourceFormat;  // "movielens-100k", "demo", "csv", ...
  std::string sourcePath;
  int64_t createdAt = 0;  // Unix seconds
  int64_t users = 0;
  int64_t items = 0;
  int64_t interactions = 0;
  bool hasRatings = false;
  bool hasTimestamps = false;
  std::string note;
};

struct FieldInfo
{
  int64_t id = 0;
  FieldEntity entity = FieldEntity::User;
  std::string name;
  FieldKind kind = FieldKind::Categorical;
};

struct RejectedRow
{
  std::string file;
  int64_t line = 0;
  std::string reason;
  std::string content;  // the start of the offending line, for the report
};

struct ImportReport
{
  std::string format;
  std::string source;
  double seconds = 0;
  int64_t rowsRead = 0;      // data rows seen in all files (blank lines and headers excluded)
  int64_t rowsRejected = 0;  // all rejected rows, even beyond those kept in `rejected`
  std::vector<RejectedRow> rejected;  // the first ones, in file order
  std::vector<std::string> warnings;  // non-fatal remarks (for example an ignored column)
};

/// What a long storage operation reports while it runs. Called on the thread doing the work.
struct StorageProgress
{
  std::string phase;  // "Reading u.data", "Writing interactions", ...
  int64_t done = 0;
  int64_t total = 0;  // bytes or rows; 0 when unknown
  int64_t rows = 0;
  int64_t rejected = 0;
};
using ProgressFn = std::function<void(const StorageProgress&)>;

/// Where a dataset came from, stored with it.
struct DatasetOrigin
{
  std::string sourceFormat;
  std::string sourcePath;
  std::string note;
  // A prepared dataset (storage/prepare.h): {"parent", "recipe", "description", "steps"}, kept
  // in the dataset's statistics (key "preparation"); null for an import. (A default member
  // initializer, so that {format, path, note} stays a complete initializer.)
  Json preparation = Json();
};

/// The rules every name a person gives (datasets, runs) follows: not empty or blank, at most
/// 100 bytes, no control characters (newlines, terminal escape codes). `what` names it in the
/// message ("dataset name").
Status checkDisplayName(const std::string& name, const std::string& what);

/// What a whole-file check found (Workspace::checkIntegrity).
struct IntegrityReport
{
  int64_t bytes = 0;    // the file's size
  int problems = 0;     // 0: intact; 20 means 20 or more
  std::string summary;  // up to three of SQLite's problem lines, "; "-separated
  double seconds = 0;
};

class Workspace
{
 public:
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  /// Opens the workspace file, creating it (and its folder) when `create` is true, and migrates
  /// its schema forward. Fails with a clear message for a file that is not a workspace or that a
  /// newer program wrote, and for a damaged one before anything is written to it: the first open
  /// in a process runs SQLite's quick_check over the whole file up to 64 MiB; above that, over
  /// the tables that do not grow with the data, and checkBeforeWriting covers the rest.
  /// `upgrading(from, to)`, when given, is called on this thread just before the schema of an
  /// existing workspace is migrated (from schema 7, converting a 25M dataset's item index took
  /// 8 s on a quiet machine here and 38 s beside other work), so the caller can say why it waits.
  static Result<std::unique_ptr<Workspace>> open(
      const std::string& path, bool create = true,
      const std::function<void(int from, int to)>& upgrading = {});

  /// $XDG_DATA_HOME/m6-workbench/workspace.m6ws (default ~/.local/share/...).
  static std::string defaultPath();

  /// The schema version this program writes.
  static int latestSchemaVersion();

  /// The workspace file, as an absolute path.
  const std::string& path() const { return path_; }

  /// Where a run's checkpoints live: <workspace folder>/<workspace file stem>-runs/<run id>.
  std::string runFolder(int64_t runId) const;
  int schemaVersion() const;

  Result<std::vector<DatasetInfo>> datasets();
  Result<DatasetInfo> dataset(const std::string& name);
  Result<DatasetInfo> datasetById(int64_t id);
  Result<std::vector<FieldInfo>> fields(int64_t datasetId);

  /// Checks a proposed dataset name: not empty, at most 100 characters, no control characters,
  /// and (when `checkUnique`) not used by another dataset (compared case-insensitively).
  Status checkDatasetName(const std::string& name, bool checkUnique = true);
  Status renameDataset(const std::string& from, const std::string& to);
  /// Deletes the dataset, its runs and their checkpoint folders. Refused while one of its runs is
  /// being trained (see RunLock).
  Status deleteDataset(const std::string& name);
  Status setDatasetNote(const std::string& name, const std::string& note);

  /// Writes a whole dataset in one transaction and computes its statistics. A cancel (the flag
  /// becoming true) or any error rolls everything back. Returns the new dataset's id.
  Result<int64_t> writeDataset(const DatasetSnapshot& snapshot, const DatasetOrigin& origin,
                               const ImportReport* report, const ProgressFn& progress = {},
                               const std::atomic<bool>* cancel = nullptr);

  /// Reads a whole dataset back (one sequential read per table).
  Result<DatasetSnapshot> loadSnapshot(int64_t datasetId, const ProgressFn& progress = {},
                                       const std::atomic<bool>* cancel = nullptr);

  /// Summary figures and plot data computed at import (see storage/stats.h for the keys).
  Result<Json> stats(int64_t datasetId);

  /// The stored import report, with up to `maxRejected` rejected rows.
  Result<ImportReport> importReport(int64_t datasetId, int64_t maxRejected = 1000);

  /// Workspace-wide key/value settings (presets and the like).
  Result<std::string> setting(const std::string& key, const std::string& fallback = "");
  Status setSetting(const std::string& key, const std::string& value);

  /// Aborts the SQL statement running on this workspace's connection (any thread may call it).
  void interrupt();

  /// How long a write waits for another connection's write to end before failing (default 5 s).
  void setBusyTimeout(int milliseconds);
  /// Called once per wait that lasts over a second, on the thread using this workspace, with who
  /// holds the write lock ("process 1234 (m6-cli import ...)", or "" when unknown).
  void setBusyNotice(std::function<void(const std::string& holder)> notice);
  /// While waiting for another writer, give up as soon as *cancel is true (the write then fails
  /// as busy); nullptr: wait the whole timeout. The flag must outlive the setting.
  void setBusyCancel(const std::atomic<bool>* cancel);

  /// For a workspace too large to check whole on open: SQLite's quick_check of each of `tables`
  /// (with their indexes) that this process has not checked yet, so a damaged table is named
  /// before a write can spread the damage. Called by the writers of the bulk tables (datasets,
  /// per-user metrics). `progress` hears "Checking the workspace for damage before writing".
  Status checkBeforeWriting(const std::vector<std::string>& tables,
                            const ProgressFn& progress = {});

  /// The whole file: quick_check, or integrity_check when `thorough` (also compares every index
  /// with its table; slower). Seconds per GB; interrupt() stops it.
  Result<IntegrityReport> checkIntegrity(bool thorough = false);

  /// A fresh id for a new row of `table` ("datasets", "runs"): never one used before, even by a
  /// deleted row. Call inside the transaction that inserts the row.
  Result<int64_t> allocateId(const std::string& table);

 private:
  // The connection, for storage/ code that builds queries: storage/workspace_db.h, which the
  // layers above never include (ui/ cannot: it builds with M6_UI_LAYER, and that header refuses).
  friend sql::Db& workspaceDb(Workspace& workspace);

  Workspace();
  static Result<std::unique_ptr<Workspace>> openOnce(
      const std::string& path, bool create, bool* busy,
      const std::function<void(int from, int to)>& upgrading);
  std::unique_ptr<sql::Db> db_;
  std::string path_;
};

}  // namespace m6
