#include "storage/searches.h"

#include <chrono>

#include "storage/record_support.h"
#include "storage/sqlite.h"
#include "storage/workspace_db.h"

namespace m6
{

using records::guarded;

namespace
{

Json parsedOr(const std::string& text, Json fallback)
{
  try
  {
    return text.empty() ? fallback : Json::parse(text);
  }
  catch (const std::exception&)
  {
    return fallback;  // a damaged record reads as empty rather than failing the whole list
  }
}

const char* kSearchColumns =
    "s.id, s.name, s.dataset_id, d.name, s.spec_json, s.status, s.message, s.created_at, "
    "s.finished_at, s.best_run";

SearchRecord readSearch(const sql::Stmt& s)
{
  SearchRecord r;
  r.id = s.columnInt(0);
  r.name = s.columnText(1);
  r.datasetId = s.columnInt(2);
  r.datasetName = s.columnText(3);
  r.spec = parsedOr(s.columnText(4), Json::object());
  r.status = s.columnText(5);
  r.message = s.columnText(6);
  r.createdAt = s.columnInt(7);
  r.finishedAt = s.columnInt(8);
  if (!s.isNull(9))
  {
    r.bestRun = s.columnInt(9);
  }
  return r;
}

}  // namespace

Result<int64_t> SearchStore::create(SearchRecord& r)
{
  if (auto ok = checkDisplayName(r.name, "search name"); !r.name.empty() && !ok)
  {
    return errorOf(ok);
  }
  try
  {
    sql::Db& db = workspaceDb(ws_);
    sql::Transaction tx(db);
    auto id = ws_.allocateId("searches");
    if (!id)
    {
      return errorOf(id);
    }
    r.createdAt = r.createdAt ? r.createdAt : unixSeconds();
    r.id = *id;
    if (r.name.empty())
    {
      r.name = "search " + std::to_string(r.id);
    }
    auto s = db.prepare(
        "INSERT INTO searches(id, name, dataset_id, spec_json, status, message, created_at) "
        "VALUES (?,?,?,?,?,?,?)");
    s.bind(1, r.id)
        .bind(2, r.name)
        .bind(3, r.datasetId)
        .bind(4, r.spec.dump())
        .bind(5, r.status)
        .bind(6, r.message)
        .bind(7, r.createdAt);
    s.run();
    tx.commit();
    return r.id;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot record the search: ") + e.what());
  }
}

Result<SearchRecord> SearchStore::search(int64_t id)
{
  try
  {
    auto s = workspaceDb(ws_).prepare(std::string("SELECT ") + kSearchColumns +
                                      " FROM searches s JOIN datasets d ON d.id = s.dataset_id "
                                      "WHERE s.id = ?");
    s.bind(1, id);
    if (!s.step())
    {
      return makeError("no search " + std::to_string(id) + " (m6-cli searches lists them)");
    }
    return readSearch(s);
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot read the search: ") + e.what());
  }
}

Result<std::vector<SearchRecord>> SearchStore::searches(std::optional<int64_t> datasetId)
{
  try
  {
    std::string q = std::string("SELECT ") + kSearchColumns +
                    " FROM searches s JOIN datasets d ON d.id = s.dataset_id";
    if (datasetId)
    {
      q += " WHERE s.dataset_id = ?";
    }
    q += " ORDER BY s.id DESC";
    auto s = workspaceDb(ws_).prepare(q);
    if (datasetId)
    {
      s.bind(1, *datasetId);
    }
    std::vector<SearchRecord> out;
    while (s.step())
    {
      out.push_back(readSearch(s));
    }
    return out;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot list searches: ") + e.what());
  }
}

Status SearchStore::setStatus(int64_t id, const std::string& status, const std::string& message)
{
  return guarded("cannot update the search",
                 [&]
                 {
                   auto s = workspaceDb(ws_).prepare(
                       "UPDATE searches SET status = ?, message = ?, finished_at = ? WHERE id = ?");
                   s.bind(1, status)
                       .bind(2, message)
                       .bind(3, status == "running" ? int64_t(0) : unixSeconds())
                       .bind(4, id);
                   s.run();
                 });
}

Status SearchStore::setBestRun(int64_t id, std::optional<int64_t> runId)
{
  return guarded("cannot update the search",
                 [&]
                 {
                   auto s =
                       workspaceDb(ws_).prepare("UPDATE searches SET best_run = ? WHERE id = ?");
                   if (runId)
                   {
                     s.bind(1, *runId);
                   }
                   else
                   {
                     s.bindNull(1);
                   }
                   s.bind(2, id);
                   s.run();
                 });
}

Status SearchStore::putTrial(int64_t searchId, const SearchTrialRecord& t)
{
  return guarded("cannot record the trial",
                 [&]
                 {
                   auto s = workspaceDb(ws_).prepare(
                       "INSERT OR REPLACE INTO search_trials(search_id, trial, run_id, "
                       "values_json, decision) VALUES (?,?,?,?,?)");
                   s.bind(1, searchId).bind(2, t.trial);
                   if (t.runId)
                   {
                     s.bind(3, *t.runId);
                   }
                   else
                   {
                     s.bindNull(3);
                   }
                   s.bind(4, t.values.dump()).bind(5, t.decision);
                   s.run();
                 });
}

Status SearchStore::setDecision(int64_t searchId, int trial, const std::string& decision)
{
  return guarded("cannot record the trial",
                 [&]
                 {
                   auto s = workspaceDb(ws_).prepare(
                       "UPDATE search_trials SET decision = ? WHERE search_id = ? AND trial = ?");
                   s.bind(1, decision).bind(2, searchId).bind(3, trial);
                   s.run();
                 });
}

Result<std::vector<SearchTrialRecord>> SearchStore::trials(int64_t searchId)
{
  try
  {
    auto s = workspaceDb(ws_).prepare(
        "SELECT trial, run_id, values_json, decision FROM search_trials WHERE search_id = ? "
        "ORDER BY trial");
    s.bind(1, searchId);
    std::vector<SearchTrialRecord> out;
    while (s.step())
    {
      SearchTrialRecord t;
      t.trial = static_cast<int>(s.columnInt(0));
      if (!s.isNull(1))
      {
        t.runId = s.columnInt(1);
      }
      t.values = parsedOr(s.columnText(2), Json::object());
      t.decision = s.columnText(3);
      out.push_back(std::move(t));
    }
    return out;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot read the search's trials: ") + e.what());
  }
}

Result<std::optional<std::pair<int64_t, int>>> SearchStore::trialOfRun(int64_t runId)
{
  try
  {
    auto s =
        workspaceDb(ws_).prepare("SELECT search_id, trial FROM search_trials WHERE run_id = ?");
    s.bind(1, runId);
    std::optional<std::pair<int64_t, int>> out;
    if (s.step())
    {
      out = std::make_pair(s.columnInt(0), static_cast<int>(s.columnInt(1)));
    }
    return out;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot read the search's trials: ") + e.what());
  }
}

Status SearchStore::remove(int64_t id)
{
  return guarded("cannot delete the search",
                 [&]
                 {
                   sql::Db& db = workspaceDb(ws_);
                   sql::Transaction tx(db);
                   for (const char* q : {"DELETE FROM search_trials WHERE search_id = ?",
                                         "DELETE FROM searches WHERE id = ?"})
                   {
                     auto s = db.prepare(q);
                     s.bind(1, id);
                     s.run();
                   }
                   tx.commit();
                 });
}

}  // namespace m6
