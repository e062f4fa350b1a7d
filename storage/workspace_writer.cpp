// Workspace::writeDataset: one transaction that writes a snapshot (users, items, interactions,
// the item index, feature values, statistics and the import report) in multi-row INSERTs.
//
// Over 500 lines: SnapshotWriter's named steps and the one template that writes categorical,
// numeric and text values.
#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_map>
#include <utility>

#include "model/core/clock.h"
#include "storage/sqlite.h"
#include "storage/stats.h"
#include "storage/workspace.h"
#include "storage/workspace_db.h"
#include "storage/workspace_internal.h"

namespace m6
{

namespace
{

using workspace_detail::Cancelled;
using workspace_detail::cancelled;

constexpr int kValueRowsPerInsert = 64;  // multi-row INSERTs amortise statement overhead

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

// The rows of one snapshot, written inside the caller's transaction: each table a named step,
// progress counted in rows over the whole write.
class SnapshotWriter
{
 public:
  SnapshotWriter(sql::Db& db, const DatasetSnapshot& ds, int64_t id, const ImportReport* report,
                 const ProgressFn& progress, const std::atomic<bool>* cancel)
      : db_(db), ds_(ds), id_(id), report_(report), progress_(progress), cancel_(cancel)
  {
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
    totalRows_ = ds.numUsers() + ds.numItems() + 2 * ds.numInteractions() + fieldValueRows;
  }

  void users()
  {
    const int64_t nU = ds_.numUsers();
    insertRows(
        db_, "users", 5, nU,
        [&](sql::Stmt& s, int p, int64_t u)
        {
          const auto k = static_cast<size_t>(u);
          s.bind(p, id_)
              .bind(p + 1, u)
              .bind(p + 2, ds_.userIds[k])
              .bind(p + 3, ds_.userStart[k])
              .bind(p + 4, ds_.userStart[k + 1] - ds_.userStart[k]);
        },
        cancel_, phase("Writing users"));
    rowsDone_ += nU;
  }

  void items()
  {
    const int64_t nI = ds_.numItems();
    std::vector<int64_t> itemCount(static_cast<size_t>(nI), 0);
    for (int32_t i : ds_.item)
    {
      ++itemCount[static_cast<size_t>(i)];
    }
    insertRows(
        db_, "items", 5, nI,
        [&](sql::Stmt& s, int p, int64_t i)
        {
          const auto k = static_cast<size_t>(i);
          s.bind(p, id_).bind(p + 1, i).bind(p + 2, ds_.itemIds[k]);
          s.bind(p + 3, k < ds_.itemTitles.size() ? ds_.itemTitles[k] : std::string());
          s.bind(p + 4, itemCount[k]);
        },
        cancel_, phase("Writing items"));
    rowsDone_ += nI;
  }

  void interactions()
  {
    const bool hasR = ds_.hasRatings();
    const bool hasT = ds_.hasTimestamps();
    insertRows(
        db_, "interactions", 6, ds_.numInteractions(),
        [&](sql::Stmt& s, int p, int64_t n)
        {
          const auto k = static_cast<size_t>(n);
          s.bind(p, id_).bind(p + 1, n).bind(p + 2, ds_.user[k]).bind(p + 3, ds_.item[k]);
          if (hasR)
          {
            s.bind(p + 4, static_cast<double>(ds_.rating[k]));
          }
          else
          {
            s.bindNull(p + 4);
          }
          if (hasT && ds_.ts[k] != DatasetSnapshot::kMissingTs)
          {
            s.bind(p + 5, ds_.ts[k]);
          }
          else
          {
            s.bindNull(p + 5);
          }
        },
        cancel_, phase("Writing interactions"));
    rowsDone_ += ds_.numInteractions();
  }

  // item_seqs: each item's interaction sequence numbers as one JSON array (a counting sort of
  // seq by item), one row per item in key order. Progress counts the interactions covered.
  void itemIndex()
  {
    const int64_t nX = ds_.numInteractions();
    const int64_t nI = ds_.numItems();
    std::vector<int64_t> start(static_cast<size_t>(nI) + 1, 0);
    for (int32_t i : ds_.item)
    {
      ++start[static_cast<size_t>(i) + 1];
    }
    for (size_t i = 1; i < start.size(); ++i)
    {
      start[i] += start[i - 1];
    }
    // Row numbers in 32 bits (a snapshot numbers its rows so, see snapshot_assembly.h): 100 MB
    // less at 25M rows, in the phase where the import's memory peaks.
    std::vector<uint32_t> bySeq(static_cast<size_t>(nX));
    {
      std::vector<int64_t> next(start.begin(), start.end() - 1);
      for (int64_t n = 0; n < nX; ++n)
      {
        bySeq[static_cast<size_t>(next[static_cast<size_t>(ds_.item[static_cast<size_t>(n)])]++)] =
            static_cast<uint32_t>(n);
      }
    }
    const auto onProgress = phase("Writing item index");
    auto ins = db_.prepare("INSERT INTO item_seqs(dataset_id, item_idx, seqs) VALUES (?,?,?)");
    std::string seqs;
    for (int64_t i = 0; i < nI; ++i)
    {
      seqs = "[";
      for (int64_t r = start[static_cast<size_t>(i)]; r < start[static_cast<size_t>(i) + 1]; ++r)
      {
        if (r > start[static_cast<size_t>(i)])
        {
          seqs += ',';
        }
        seqs += std::to_string(bySeq[static_cast<size_t>(r)]);
      }
      seqs += ']';
      ins.bind(1, id_).bind(2, i).bind(3, seqs);
      ins.run();
      if (i % 1024 == 0)
      {
        if (cancelled(cancel_))
        {
          throw Cancelled{};
        }
        onProgress(start[static_cast<size_t>(i)]);
      }
    }
    onProgress(nX);
    rowsDone_ += nX;
  }

  void fields()
  {
    auto addField = db_.prepare(
        "INSERT INTO fields(dataset_id, entity, name, kind, position) VALUES (?,?,?,?,?)");
    for (const auto& [group, entity] : {std::pair{&ds_.userFields, FieldEntity::User},
                                        std::pair{&ds_.itemFields, FieldEntity::Item},
                                        std::pair{&ds_.contextFields, FieldEntity::Interaction}})
    {
      int position = 0;
      for (const auto& f : *group)
      {
        addField.bind(1, id_)
            .bind(2, std::string(fieldEntityName(entity)))
            .bind(3, f.name)
            .bind(4, std::string(fieldKindName(f.kind)))
            .bind(5, position++);
        addField.run();
        fieldValues(db_.lastInsertRowId(), f);
      }
    }
  }

  void importReport()
  {
    if (!report_)
    {
      return;
    }
    auto rep = db_.prepare(
        "INSERT INTO import_reports(dataset_id, created_at, format, source, seconds, rows_read, "
        "rows_rejected, warnings_json) VALUES (?,?,?,?,?,?,?,?)");
    Json warnings = Json::array();
    for (const auto& w : report_->warnings)
    {
      warnings.push_back(w);
    }
    rep.bind(1, id_)
        .bind(2, unixSeconds())
        .bind(3, report_->format)
        .bind(4, report_->source)
        .bind(5, report_->seconds)
        .bind(6, report_->rowsRead)
        .bind(7, report_->rowsRejected)
        .bind(8, warnings.dump());
    rep.run();
    const int64_t rid = db_.lastInsertRowId();
    insertRows(db_, "import_rejects", 6, static_cast<int64_t>(report_->rejected.size()),
               [&](sql::Stmt& s, int p, int64_t r)
               {
                 const auto& row = report_->rejected[static_cast<size_t>(r)];
                 s.bind(p, rid)
                     .bind(p + 1, r)
                     .bind(p + 2, row.file)
                     .bind(p + 3, row.line)
                     .bind(p + 4, row.reason)
                     .bind(p + 5, row.content.substr(0, 300));
               },
               cancel_, {});
  }

  /// The last progress report before the commit.
  void committing() { tell("Committing", totalRows_ - rowsDone_); }

 private:
  void tell(const char* phase, int64_t doneInPhase) const
  {
    if (progress_)
    {
      StorageProgress p;
      p.phase = phase;
      p.done = rowsDone_ + doneInPhase;
      p.total = totalRows_;
      if (report_)
      {
        p.rows = report_->rowsRead;
        p.rejected = report_->rowsRejected;
      }
      progress_(p);
    }
  }

  std::function<void(int64_t)> phase(const char* name) const
  {
    return [this, name](int64_t done) { tell(name, done); };
  }

  // One row per present value of entities 0..n-1 (a missing value is an absent row), ordinal 0.
  template <typename Present, typename Bind>
  void presentValues(int64_t fid, size_t n, Present&& present, Bind&& bindValue)
  {
    std::vector<int64_t> rows;
    for (size_t e = 0; e < n; ++e)
    {
      if (present(e))
      {
        rows.push_back(static_cast<int64_t>(e));
      }
    }
    insertRows(
        db_, "field_values", 4, static_cast<int64_t>(rows.size()),
        [&](sql::Stmt& s, int p, int64_t r)
        {
          const int64_t e = rows[static_cast<size_t>(r)];
          s.bind(p, fid).bind(p + 1, e).bind(p + 2, int64_t(0));
          bindValue(s, p + 3, static_cast<size_t>(e));
        },
        cancel_, phase("Writing feature values"));
    rowsDone_ += static_cast<int64_t>(n);
  }

  void fieldValues(int64_t fid, const FieldColumn& f)
  {
    switch (f.kind)
    {
      case FieldKind::Categorical:
        presentValues(
            fid, f.codes.size(), [&](size_t e) { return f.codes[e] >= 0; },
            [&](sql::Stmt& s, int p, size_t e)
            { s.bind(p, f.vocab[static_cast<size_t>(f.codes[e])]); });
        break;
      case FieldKind::Multi:
        multiValues(fid, f);
        break;
      case FieldKind::Numeric:
      case FieldKind::Timestamp:
        presentValues(
            fid, f.values.size(), [&](size_t e) { return !std::isnan(f.values[e]); },
            [&](sql::Stmt& s, int p, size_t e) { s.bind(p, f.values[e]); });
        break;
      case FieldKind::Text:
        presentValues(
            fid, f.texts.size(), [&](size_t e) { return !f.texts[e].empty(); },
            [&](sql::Stmt& s, int p, size_t e) { s.bind(p, f.texts[e]); });
        break;
    }
  }

  // One row per value; the entity and ordinal of value r found by walking the offsets.
  void multiValues(int64_t fid, const FieldColumn& f)
  {
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
        db_, "field_values", 4, static_cast<int64_t>(f.codes.size()),
        [&](sql::Stmt& s, int p, int64_t r)
        {
          const auto k = static_cast<size_t>(r);
          s.bind(p, fid)
              .bind(p + 1, owner[k])
              .bind(p + 2, ordinal[k])
              .bind(p + 3, f.vocab[static_cast<size_t>(f.codes[k])]);
        },
        cancel_, phase("Writing feature values"));
    rowsDone_ += static_cast<int64_t>(f.codes.size());
  }

  sql::Db& db_;
  const DatasetSnapshot& ds_;
  const int64_t id_;
  const ImportReport* report_;
  const ProgressFn& progress_;
  const std::atomic<bool>* cancel_;
  int64_t totalRows_ = 0;
  int64_t rowsDone_ = 0;
};

}  // namespace

Result<int64_t> Workspace::writeDataset(const DatasetSnapshot& ds, const DatasetOrigin& origin,
                                        const ImportReport* report, const ProgressFn& progress,
                                        const std::atomic<bool>* cancel)
{
  if (auto ok = checkDatasetName(ds.name); !ok)
  {
    return errorOf(ok);
  }
  if (auto ok = checkBeforeWriting({"users", "items", "interactions", "item_seqs", "field_values"},
                                   progress);
      !ok)
  {
    return errorOf(ok);
  }
  if (static_cast<int64_t>(ds.userStart.size()) != ds.numUsers() + 1)
  {
    return makeError("internal error: dataset snapshot has no per-user index");
  }
  Json stats = computeDatasetStats(ds);
  if (origin.preparation.isObject())
  {
    stats["preparation"] = origin.preparation;
  }
  try
  {
    // The workspace's own 64 MiB page cache: every big table goes in in its key order (appends),
    // so a larger one (256 MiB here before) only raised the peak memory of a 25M import, by the
    // cache's size, without making it faster.
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
    ins.bind(1, *newId)
        .bind(2, ds.name)
        .bind(3, origin.sourceFormat)
        .bind(4, origin.sourcePath)
        .bind(5, unixSeconds())
        .bind(6, ds.numUsers())
        .bind(7, ds.numItems())
        .bind(8, ds.numInteractions())
        .bind(9, static_cast<int64_t>(ds.hasRatings()))
        .bind(10, static_cast<int64_t>(ds.hasTimestamps()))
        .bind(11, stats.dump())
        .bind(12, ds.groundTruthJson)
        .bind(13, origin.note);
    ins.run();
    SnapshotWriter writer(*db_, ds, *newId, report, progress, cancel);
    writer.users();
    writer.items();
    writer.interactions();
    writer.itemIndex();
    writer.fields();
    writer.importReport();
    if (cancelled(cancel))
    {
      throw Cancelled{};
    }
    writer.committing();
    tx.commit();
    return *newId;
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

}  // namespace m6
