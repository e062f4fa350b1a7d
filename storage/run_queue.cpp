#include "storage/run_queue.h"

#include <algorithm>

#include "storage/record_support.h"
#include "storage/sqlite.h"
#include "storage/workspace_db.h"

namespace m6
{

using records::guarded;

namespace
{

const char* kJobColumns =
    "q.id, q.position, q.dataset_id, d.name, q.kind, q.name, q.job_json, q.created_at";

QueuedJob readJob(const sql::Stmt& s)
{
  QueuedJob j;
  j.id = s.columnInt(0);
  j.position = static_cast<int>(s.columnInt(1));
  j.datasetId = s.columnInt(2);
  j.datasetName = s.columnText(3);
  j.kind = s.columnText(4);
  j.name = s.columnText(5);
  try
  {
    j.job = Json::parse(s.columnText(6));
  }
  catch (const std::exception&)
  {
    j.job = Json::object();  // a damaged row is listed (and refused when started), not fatal
  }
  j.createdAt = s.columnInt(7);
  return j;
}

std::vector<QueuedJob> readAll(sql::Db& db)
{
  auto s = db.prepare(std::string("SELECT ") + kJobColumns +
                      " FROM run_queue q JOIN datasets d ON d.id = q.dataset_id "
                      "ORDER BY q.position, q.id");
  std::vector<QueuedJob> out;
  while (s.step())
  {
    out.push_back(readJob(s));
  }
  return out;
}

// Positions 0, 1, 2, ... in the given order.
void renumber(sql::Db& db, const std::vector<QueuedJob>& order)
{
  auto s = db.prepare("UPDATE run_queue SET position = ? WHERE id = ?");
  for (size_t i = 0; i < order.size(); ++i)
  {
    s.reset();
    s.bind(1, static_cast<int64_t>(i)).bind(2, order[i].id);
    s.run();
  }
}

}  // namespace

Result<int64_t> QueueStore::add(QueuedJob& job, bool first)
{
  if (job.kind != "run" && job.kind != "group" && job.kind != "search")
  {
    return makeError("unknown kind of queued job \"" + job.kind + "\" (run, group or search)");
  }
  try
  {
    sql::Db& db = workspaceDb(ws_);
    sql::Transaction tx(db);
    auto id = ws_.allocateId("run_queue");
    if (!id)
    {
      return errorOf(id);
    }
    job.id = *id;
    job.position = first ? -1 : static_cast<int>(db.queryInt("SELECT COUNT(*) FROM run_queue"));
    job.createdAt = job.createdAt ? job.createdAt : unixSeconds();
    auto s = db.prepare(
        "INSERT INTO run_queue(id, position, dataset_id, kind, name, job_json, created_at) "
        "VALUES (?,?,?,?,?,?,?)");
    s.bind(1, job.id)
        .bind(2, static_cast<int64_t>(job.position))
        .bind(3, job.datasetId)
        .bind(4, job.kind)
        .bind(5, job.name)
        .bind(6, job.job.dump())
        .bind(7, job.createdAt);
    s.run();
    if (first)
    {
      renumber(db, readAll(db));
      job.position = 0;
    }
    tx.commit();
    return job.id;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot add the job to the queue: ") + e.what());
  }
}

Result<std::vector<QueuedJob>> QueueStore::jobs()
{
  try
  {
    return readAll(workspaceDb(ws_));
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot read the run queue: ") + e.what());
  }
}

Status QueueStore::move(int64_t id, int index)
{
  bool found = false;
  auto ok = guarded("cannot reorder the run queue",
                    [&]
                    {
                      sql::Db& db = workspaceDb(ws_);
                      sql::Transaction tx(db);
                      std::vector<QueuedJob> order = readAll(db);
                      auto it = std::find_if(order.begin(), order.end(),
                                             [&](const QueuedJob& j) { return j.id == id; });
                      if (it == order.end())
                      {
                        return;
                      }
                      found = true;
                      const QueuedJob moved = *it;
                      order.erase(it);
                      const int at = std::clamp(index, 0, static_cast<int>(order.size()));
                      order.insert(order.begin() + at, moved);
                      renumber(db, order);
                      tx.commit();
                    });
  if (ok && !found)
  {
    return makeError("no queued job " + std::to_string(id) + " (it may have started)");
  }
  return ok;
}

Status QueueStore::remove(int64_t id)
{
  return guarded("cannot remove the job from the queue",
                 [&]
                 {
                   sql::Db& db = workspaceDb(ws_);
                   sql::Transaction tx(db);
                   auto s = db.prepare("DELETE FROM run_queue WHERE id = ?");
                   s.bind(1, id);
                   s.run();
                   renumber(db, readAll(db));
                   tx.commit();
                 });
}

Result<std::optional<QueuedJob>> QueueStore::takeFirst()
{
  try
  {
    sql::Db& db = workspaceDb(ws_);
    sql::Transaction tx(db);
    std::vector<QueuedJob> order = readAll(db);
    if (order.empty())
    {
      return std::optional<QueuedJob>();
    }
    QueuedJob first = order.front();
    auto s = db.prepare("DELETE FROM run_queue WHERE id = ?");
    s.bind(1, first.id);
    s.run();
    order.erase(order.begin());
    renumber(db, order);
    tx.commit();
    return std::optional<QueuedJob>(first);
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot take the next job from the queue: ") + e.what());
  }
}

}  // namespace m6
