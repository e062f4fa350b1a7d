// Over 500 lines: every query of the run store (records, curves, per-user metrics, notes,
// deletion): one family of tables, one file.

#include "storage/runs.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "storage/record_support.h"
#include "storage/run_lock.h"
#include "storage/sqlite.h"
#include "storage/workspace_db.h"

namespace m6
{

using records::guarded;

namespace
{

MetricSet metricsFrom(const std::string& text)
{
  if (text.empty() || text == "{}")
  {
    return {};
  }
  try
  {
    return MetricSet::fromJson(Json::parse(text));
  }
  catch (const std::exception&)
  {
    return {};  // a damaged record shows no metrics rather than failing the whole list
  }
}

// A pointwise row's points as stored: "prediction:label" pairs, semicolon-separated, each
// number written so that it reads back exactly.
std::string pointsText(const std::vector<std::pair<double, double>>& points)
{
  std::string out;
  char buf[64];
  for (const auto& [p, l] : points)
  {
    std::snprintf(buf, sizeof buf, "%.17g:%.17g", p, l);
    out += (out.empty() ? "" : ";") + std::string(buf);
  }
  return out;
}

// The points of pointsText; a damaged entry ends the list (a hand-edited file).
std::vector<std::pair<double, double>> pointsOf(const std::string& text)
{
  std::vector<std::pair<double, double>> out;
  const char* p = text.c_str();
  while (*p)
  {
    char* end = nullptr;
    const double prediction = std::strtod(p, &end);
    if (end == p || *end != ':')
    {
      break;
    }
    p = end + 1;
    const double label = std::strtod(p, &end);
    if (end == p)
    {
      break;
    }
    out.emplace_back(prediction, label);
    if (*end != ';')
    {
      break;
    }
    p = end + 1;
  }
  return out;
}

const char* kRunColumns =
    "r.id, r.name, r.dataset_id, d.name, r.kind, r.task, r.config_json, r.parent_run, r.status, "
    "r.message, r.created_at, r.started_at, r.finished_at, r.folder, r.best_epoch, r.epochs_run, "
    "r.valid_json, r.test_json, r.summary_json, r.note, r.group_id";

RunRecord readRun(const sql::Stmt& s, const Workspace& ws)
{
  RunRecord r;
  r.id = s.columnInt(0);
  r.name = s.columnText(1);
  r.datasetId = s.columnInt(2);
  r.datasetName = s.columnText(3);
  // Only this program writes kind and status. A word it does not know (a newer version's) reads
  // as an M6 run that failed, which nothing will resume or adapt by mistake.
  r.kind = enumFromWord<RunKind>(s.columnText(4)).value_or(RunKind::M6);
  // Only this program writes the column; a word it does not know reads as ranking, the task of
  // every run before the column had other values.
  r.task = enumFromWord<Task>(s.columnText(5)).value_or(Task::Ranking);
  r.configJson = s.columnText(6);
  if (!s.isNull(7))
  {
    r.parentRun = s.columnInt(7);
  }
  r.status = enumFromWord<RunStatus>(s.columnText(8)).value_or(RunStatus::Failed);
  r.message = s.columnText(9);
  r.createdAt = s.columnInt(10);
  r.startedAt = s.columnInt(11);
  r.finishedAt = s.columnInt(12);
  r.folder = ws.runFolder(r.id);
  r.bestEpoch = static_cast<int>(s.columnInt(14));
  r.epochsRun = static_cast<int>(s.columnInt(15));
  r.valid = metricsFrom(s.columnText(16));
  r.test = metricsFrom(s.columnText(17));
  try
  {
    r.summary = Json::parse(s.columnText(18));
  }
  catch (const std::exception&)
  {
    r.summary = Json::object();
  }
  r.note = s.columnText(19);
  if (!s.isNull(20))
  {
    r.groupId = s.columnInt(20);
  }
  return r;
}

}  // namespace

std::string RunStore::runFolder(int64_t runId) const
{
  return ws_.runFolder(runId);
}

bool RunStore::isActive(int64_t runId) const
{
  return RunLock::isHeld(runFolder(runId));
}

Result<int64_t> RunStore::create(RunRecord& r)
{
  if (auto ok = checkDisplayName(r.name, "run name"); !r.name.empty() && !ok)
  {
    return errorOf(ok);
  }
  try
  {
    sql::Db& db = workspaceDb(ws_);
    sql::Transaction tx(db);
    auto id = ws_.allocateId("runs");
    if (!id)
    {
      return errorOf(id);
    }
    // The folder column stays empty: a run's folder is derived from the workspace's own path
    // (runFolder), so a copied or moved workspace never points at another one's checkpoints.
    auto s = db.prepare(
        "INSERT INTO runs(id, name, dataset_id, kind, task, config_json, parent_run, status, "
        "message, created_at, folder, summary_json, note, group_id) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,'',?,?,?)");
    r.createdAt = r.createdAt ? r.createdAt : unixSeconds();
    s.bind(1, *id)
        .bind(2, r.name)
        .bind(3, r.datasetId)
        .bind(4, wordOf(r.kind))
        .bind(5, wordOf(r.task))
        .bind(6, r.configJson);
    if (r.parentRun)
    {
      s.bind(7, *r.parentRun);
    }
    else
    {
      s.bindNull(7);
    }
    s.bind(8, wordOf(r.status)).bind(9, r.message).bind(10, r.createdAt);
    s.bind(11, r.summary.dump()).bind(12, r.note);
    if (r.groupId)
    {
      s.bind(13, *r.groupId);
    }
    else
    {
      s.bindNull(13);
    }
    s.run();
    r.id = *id;
    if (r.name.empty())
    {
      r.name = "run " + std::to_string(r.id);
      auto n = db.prepare("UPDATE runs SET name = ? WHERE id = ?");
      n.bind(1, r.name).bind(2, r.id);
      n.run();
    }
    r.folder = runFolder(r.id);
    tx.commit();
    return r.id;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot record the run: ") + e.what());
  }
}

Status RunStore::markStarted(int64_t runId)
{
  return guarded("cannot update the run",
                 [&]
                 {
                   auto s = workspaceDb(ws_).prepare(
                       "UPDATE runs SET status = 'running', started_at = ? WHERE id = ?");
                   s.bind(1, unixSeconds()).bind(2, runId);
                   s.run();
                 });
}

Status RunStore::setStatus(int64_t runId, RunStatus status, const std::string& message)
{
  return guarded(
      "cannot update the run",
      [&]
      {
        auto s = workspaceDb(ws_).prepare("UPDATE runs SET status = ?, message = ? WHERE id = ?");
        s.bind(1, wordOf(status)).bind(2, message).bind(3, runId);
        s.run();
      });
}

Status RunStore::appendSteps(int64_t runId, const std::vector<StepRecord>& steps)
{
  if (steps.empty())
  {
    return {};
  }
  return guarded("cannot record training steps",
                 [&]
                 {
                   sql::Db& db = workspaceDb(ws_);
                   sql::Transaction tx(db);
                   // OR REPLACE: a resumed run repeats the steps after its last checkpoint.
                   auto s = db.prepare("INSERT OR REPLACE INTO run_steps VALUES (?,?,?,?,?)");
                   for (const auto& st : steps)
                   {
                     s.bind(1, runId)
                         .bind(2, st.step)
                         .bind(3, static_cast<int64_t>(st.epoch))
                         .bind(4, st.loss)
                         .bind(5, st.lr);
                     s.run();
                   }
                   tx.commit();
                 });
}

Status RunStore::appendEpoch(int64_t runId, const EpochRecord& e)
{
  return guarded(
      "cannot record an epoch",
      [&]
      {
        auto s = workspaceDb(ws_).prepare("INSERT OR REPLACE INTO run_epochs VALUES (?,?,?,?,?,?)");
        s.bind(1, runId)
            .bind(2, static_cast<int64_t>(e.epoch))
            .bind(3, e.trainLoss)
            .bind(4, e.valid.toJson().dump())
            .bind(5, e.seconds)
            .bind(6, e.examplesPerSecond);
        s.run();
        auto r = workspaceDb(ws_).prepare(
            "UPDATE runs SET epochs_run = max(epochs_run, ?) WHERE id = ?");
        r.bind(1, static_cast<int64_t>(e.epoch)).bind(2, runId);
        r.run();
      });
}

Status RunStore::finish(int64_t runId, const RunRecord& r)
{
  return guarded("cannot record the run's result",
                 [&]
                 {
                   auto s = workspaceDb(ws_).prepare(
                       "UPDATE runs SET status = ?, message = ?, finished_at = ?, best_epoch = ?, "
                       "epochs_run = ?, "
                       "valid_json = ?, test_json = ?, summary_json = ? WHERE id = ?");
                   s.bind(1, wordOf(r.status))
                       .bind(2, r.message)
                       .bind(3, unixSeconds())
                       .bind(4, static_cast<int64_t>(r.bestEpoch))
                       .bind(5, static_cast<int64_t>(r.epochsRun))
                       .bind(6, r.valid.empty() ? std::string("{}") : r.valid.toJson().dump())
                       .bind(7, r.test.empty() ? std::string("{}") : r.test.toJson().dump())
                       .bind(8, r.summary.dump())
                       .bind(9, runId);
                   s.run();
                 });
}

Status RunStore::storeUserMetrics(int64_t runId, const std::string& split,
                                  const std::vector<UserMetricRow>& rows)
{
  if (auto ok = ws_.checkBeforeWriting({"run_user_metrics"}); !ok)
  {
    return ok;
  }
  return guarded("cannot record per-user metrics",
                 [&]
                 {
                   sql::Db& db = workspaceDb(ws_);
                   sql::Transaction tx(db);
                   auto del =
                       db.prepare("DELETE FROM run_user_metrics WHERE run_id = ? AND split = ?");
                   del.bind(1, runId).bind(2, split);
                   del.run();
                   auto s = db.prepare(
                       "INSERT INTO run_user_metrics(run_id, split, user_idx, item_idx, "
                       "train_interactions, rank, prediction, label, ranks, points) "
                       "VALUES (?,?,?,?,?,?,?,?,?,?)");
                   for (const auto& row : rows)
                   {
                     s.bind(1, runId)
                         .bind(2, split)
                         .bind(3, static_cast<int64_t>(row.user))
                         .bind(4, static_cast<int64_t>(row.item))
                         .bind(5, row.trainInteractions)
                         .bind(6, row.rank)
                         .bind(7, row.prediction)
                         .bind(8, row.label);
                     if (row.ranks.empty())
                     {
                       s.bindNull(9);
                     }
                     else
                     {
                       std::string list;
                       for (int64_t r : row.ranks)
                       {
                         list += (list.empty() ? "" : ",") + std::to_string(r);
                       }
                       s.bind(9, list);
                     }
                     if (row.points.empty())
                     {
                       s.bindNull(10);
                     }
                     else
                     {
                       s.bind(10, pointsText(row.points));
                     }
                     s.run();
                   }
                   tx.commit();
                 });
}

Result<std::vector<RunRecord>> RunStore::runs(std::optional<int64_t> datasetId)
{
  try
  {
    std::string q = std::string("SELECT ") + kRunColumns +
                    " FROM runs r JOIN datasets d ON d.id = r.dataset_id";
    if (datasetId)
    {
      q += " WHERE r.dataset_id = ?";
    }
    q += " ORDER BY r.id";
    auto s = workspaceDb(ws_).prepare(q);
    if (datasetId)
    {
      s.bind(1, *datasetId);
    }
    std::vector<RunRecord> out;
    while (s.step())
    {
      out.push_back(readRun(s, ws_));
    }
    return out;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot list runs: ") + e.what());
  }
}

Result<std::vector<RunRecord>> RunStore::runsOfGroup(int64_t groupId)
{
  try
  {
    auto s = workspaceDb(ws_).prepare(std::string("SELECT ") + kRunColumns +
                                      " FROM runs r JOIN datasets d ON d.id = r.dataset_id"
                                      " WHERE r.group_id = ? ORDER BY r.id");
    s.bind(1, groupId);
    std::vector<RunRecord> out;
    while (s.step())
    {
      out.push_back(readRun(s, ws_));
    }
    return out;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot list the group's runs: ") + e.what());
  }
}

Result<RunRecord> RunStore::run(int64_t runId)
{
  try
  {
    auto s = workspaceDb(ws_).prepare(
        std::string("SELECT ") + kRunColumns +
        " FROM runs r JOIN datasets d ON d.id = r.dataset_id WHERE r.id = ?");
    s.bind(1, runId);
    if (!s.step())
    {
      return makeError("no run " + std::to_string(runId));
    }
    return readRun(s, ws_);
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot read the run: ") + e.what());
  }
}

Result<std::vector<StepRecord>> RunStore::steps(int64_t runId)
{
  try
  {
    auto s = workspaceDb(ws_).prepare(
        "SELECT step, epoch, loss, lr FROM run_steps WHERE run_id = ? ORDER BY step");
    s.bind(1, runId);
    std::vector<StepRecord> out;
    while (s.step())
    {
      out.push_back(
          {s.columnInt(0), static_cast<int>(s.columnInt(1)), s.columnDouble(2), s.columnDouble(3)});
    }
    return out;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(e.what());
  }
}

Result<std::vector<EpochRecord>> RunStore::epochs(int64_t runId)
{
  try
  {
    auto s = workspaceDb(ws_).prepare(
        "SELECT epoch, train_loss, valid_json, seconds, examples_per_s FROM run_epochs "
        "WHERE run_id = ? ORDER BY epoch");
    s.bind(1, runId);
    std::vector<EpochRecord> out;
    while (s.step())
    {
      EpochRecord e;
      e.epoch = static_cast<int>(s.columnInt(0));
      e.trainLoss = s.columnDouble(1);
      e.valid = metricsFrom(s.columnText(2));
      e.seconds = s.columnDouble(3);
      e.examplesPerSecond = s.columnDouble(4);
      out.push_back(e);
    }
    return out;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(e.what());
  }
}

Result<std::vector<UserMetricRow>> RunStore::userMetrics(int64_t runId, const std::string& split)
{
  return userMetrics(runId, split, -1, -1);
}

Result<std::vector<UserMetricRow>> RunStore::userMetrics(int64_t runId, const std::string& split,
                                                         int64_t afterUser, int64_t limit)
{
  try
  {
    // A negative LIMIT is SQLite's "no limit".
    auto s = workspaceDb(ws_).prepare(
        "SELECT user_idx, item_idx, train_interactions, rank, prediction, label, ranks, points "
        "FROM run_user_metrics WHERE run_id = ? AND split = ? AND user_idx > ? ORDER BY user_idx "
        "LIMIT ?");
    s.bind(1, runId).bind(2, split).bind(3, afterUser).bind(4, limit);
    std::vector<UserMetricRow> out;
    while (s.step())
    {
      UserMetricRow r;
      r.user = static_cast<int32_t>(s.columnInt(0));
      r.item = static_cast<int32_t>(s.columnInt(1));
      r.trainInteractions = s.columnInt(2);
      r.rank = s.columnInt(3);
      r.prediction = s.columnDouble(4);
      r.label = s.columnDouble(5);
      if (!s.isNull(6))
      {
        // Comma-separated integers; anything else (a hand-edited file) ends the list.
        const std::string list = s.columnText(6);
        const char* p = list.c_str();
        char* end = nullptr;
        for (long long v = std::strtoll(p, &end, 10); end != p; v = std::strtoll(p, &end, 10))
        {
          r.ranks.push_back(v);
          p = *end == ',' ? end + 1 : end;
          if (*end != ',')
          {
            break;
          }
        }
      }
      if (!s.isNull(7))
      {
        r.points = pointsOf(s.columnText(7));
      }
      out.push_back(r);
    }
    return out;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(e.what());
  }
}

Status RunStore::rename(int64_t runId, const std::string& name)
{
  if (auto ok = checkDisplayName(name, "run name"); !ok)
  {
    return ok;
  }
  return guarded("cannot rename the run",
                 [&]
                 {
                   auto s = workspaceDb(ws_).prepare("UPDATE runs SET name = ? WHERE id = ?");
                   s.bind(1, name).bind(2, runId);
                   s.run();
                 });
}

Status RunStore::setNote(int64_t runId, const std::string& note)
{
  return guarded("cannot save the note",
                 [&]
                 {
                   auto s = workspaceDb(ws_).prepare("UPDATE runs SET note = ? WHERE id = ?");
                   s.bind(1, note).bind(2, runId);
                   s.run();
                 });
}

Status RunStore::remove(int64_t runId)
{
  auto r = run(runId);
  if (!r)
  {
    return errorOf(r);
  }
  if (isActive(runId))
  {
    return makeError("run " + std::to_string(runId) + " (" + r->name +
                     ") is being trained; stop it before deleting it");
  }
  auto st =
      guarded("cannot delete the run",
              [&]
              {
                sql::Db& db = workspaceDb(ws_);
                sql::Transaction tx(db);
                for (const char* q : {"DELETE FROM run_user_metrics WHERE run_id = ?",
                                      "DELETE FROM run_steps WHERE run_id = ?",
                                      "DELETE FROM run_epochs WHERE run_id = ?",
                                      "UPDATE runs SET parent_run = NULL WHERE parent_run = ?",
                                      "DELETE FROM runs WHERE id = ?"})
                {
                  auto s = db.prepare(q);
                  s.bind(1, runId);
                  s.run();
                }
                tx.commit();
              });
  if (!st)
  {
    return st;
  }
  std::error_code ec;
  std::filesystem::remove_all(runFolder(runId),
                              ec);  // the record is gone; a stale folder is harmless
  return {};
}

}  // namespace m6
