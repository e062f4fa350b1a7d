// Workspace::writeDataset: one transaction that writes a snapshot (users, items, interactions,
// the item index, feature values, statistics and the import report) in multi-row INSERTs.
#include <algorithm>
#include <cmath>
#include <unordered_map>

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

}  // namespace

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

}  // namespace m6
