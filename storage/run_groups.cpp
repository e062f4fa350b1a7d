#include "storage/run_groups.h"

#include "model/core/json.h"
#include "storage/record_support.h"
#include "storage/sqlite.h"
#include "storage/workspace_db.h"

namespace m6
{

using records::guarded;

namespace
{

const char* kGroupColumns =
    "g.id, g.name, g.dataset_id, d.name, g.config_json, g.seeds_json, g.created_at, g.note";

RunGroupRecord readGroup(const sql::Stmt& s)
{
  RunGroupRecord g;
  g.id = s.columnInt(0);
  g.name = s.columnText(1);
  g.datasetId = s.columnInt(2);
  g.datasetName = s.columnText(3);
  g.configJson = s.columnText(4);
  try
  {
    const Json seeds = Json::parse(s.columnText(5));
    for (const Json& seed : seeds.asArray())
    {
      g.seeds.push_back(seed.asInt());
    }
  }
  catch (const std::exception&)
  {
    g.seeds.clear();  // a damaged record lists no planned seeds rather than failing the list
  }
  g.createdAt = s.columnInt(6);
  g.note = s.columnText(7);
  return g;
}

}  // namespace

Result<int64_t> GroupStore::create(RunGroupRecord& g)
{
  if (auto ok = checkDisplayName(g.name, "group name"); !g.name.empty() && !ok)
  {
    return errorOf(ok);
  }
  try
  {
    sql::Db& db = workspaceDb(ws_);
    sql::Transaction tx(db);
    auto id = ws_.allocateId("run_groups");
    if (!id)
    {
      return errorOf(id);
    }
    g.id = *id;
    g.createdAt = g.createdAt ? g.createdAt : unixSeconds();
    if (g.name.empty())
    {
      g.name = "group " + std::to_string(g.id);
    }
    Json seeds = Json::array();
    for (int64_t seed : g.seeds)
    {
      seeds.push_back(seed);
    }
    auto s = db.prepare(
        "INSERT INTO run_groups(id, name, dataset_id, config_json, seeds_json, created_at, note) "
        "VALUES (?,?,?,?,?,?,?)");
    s.bind(1, g.id)
        .bind(2, g.name)
        .bind(3, g.datasetId)
        .bind(4, g.configJson)
        .bind(5, seeds.dump())
        .bind(6, g.createdAt)
        .bind(7, g.note);
    s.run();
    tx.commit();
    return g.id;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot record the run group: ") + e.what());
  }
}

Result<RunGroupRecord> GroupStore::group(int64_t id)
{
  try
  {
    auto s = workspaceDb(ws_).prepare(std::string("SELECT ") + kGroupColumns +
                                      " FROM run_groups g JOIN datasets d ON d.id = g.dataset_id "
                                      "WHERE g.id = ?");
    s.bind(1, id);
    if (!s.step())
    {
      return makeError("no run group " + std::to_string(id) + " (m6-cli groups lists them)");
    }
    return readGroup(s);
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot read the run group: ") + e.what());
  }
}

Result<std::vector<RunGroupRecord>> GroupStore::groups(std::optional<int64_t> datasetId)
{
  try
  {
    std::string q = std::string("SELECT ") + kGroupColumns +
                    " FROM run_groups g JOIN datasets d ON d.id = g.dataset_id";
    if (datasetId)
    {
      q += " WHERE g.dataset_id = ?";
    }
    q += " ORDER BY g.id";
    auto s = workspaceDb(ws_).prepare(q);
    if (datasetId)
    {
      s.bind(1, *datasetId);
    }
    std::vector<RunGroupRecord> out;
    while (s.step())
    {
      out.push_back(readGroup(s));
    }
    return out;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot list run groups: ") + e.what());
  }
}

Status GroupStore::rename(int64_t id, const std::string& name)
{
  if (auto ok = checkDisplayName(name, "group name"); !ok)
  {
    return ok;
  }
  return guarded("cannot rename the run group",
                 [&]
                 {
                   auto s = workspaceDb(ws_).prepare("UPDATE run_groups SET name = ? WHERE id = ?");
                   s.bind(1, name).bind(2, id);
                   s.run();
                 });
}

Status GroupStore::remove(int64_t id)
{
  return guarded("cannot delete the run group",
                 [&]
                 {
                   sql::Db& db = workspaceDb(ws_);
                   sql::Transaction tx(db);
                   auto u = db.prepare("UPDATE runs SET group_id = NULL WHERE group_id = ?");
                   u.bind(1, id);
                   u.run();
                   auto s = db.prepare("DELETE FROM run_groups WHERE id = ?");
                   s.bind(1, id);
                   s.run();
                   tx.commit();
                 });
}

}  // namespace m6
