// The workspace's dataset catalogue: listing, looking up, naming, noting and deleting datasets,
// their fields, statistics and import reports.
#include <algorithm>
#include <filesystem>

#include "storage/run_lock.h"
#include "storage/sqlite.h"
#include "storage/workspace.h"
#include "storage/workspace_db.h"

namespace m6
{

namespace
{

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

}  // namespace

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
    if (auto ok = checkBeforeWriting(
            {"users", "items", "interactions", "item_seqs", "field_values", "run_user_metrics"});
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
    run("DELETE FROM item_seqs WHERE dataset_id = ?");
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

}  // namespace m6
