#include "storage/schema_reader.h"

#include "storage/sqlite.h"
#include "storage/workspace_db.h"

namespace m6
{

Result<DatasetSchema> readDatasetSchema(Workspace& ws, int64_t datasetId)
{
  auto info = ws.datasetById(datasetId);
  if (!info)
  {
    return errorOf(info);
  }
  auto fieldList = ws.fields(datasetId);
  if (!fieldList)
  {
    return errorOf(fieldList);
  }
  try
  {
    DatasetSchema d;
    d.numUsers = info->users;
    d.numItems = info->items;
    d.numInteractions = info->interactions;
    // The snapshot's vocabulary is the distinct values as text (loadSnapshot codes them so).
    auto distinct = workspaceDb(ws).prepare(
        "SELECT COUNT(DISTINCT CAST(value AS TEXT)) FROM field_values WHERE field_id = ? AND "
        "value IS NOT NULL");
    for (const FieldInfo& fi : *fieldList)
    {
      SchemaField f;
      f.name = fi.name;
      f.kind = fi.kind;
      if (fi.kind == FieldKind::Categorical || fi.kind == FieldKind::Multi)
      {
        distinct.bind(1, fi.id);
        f.cardinality = distinct.step() ? distinct.columnInt(0) : 0;
        distinct.reset();
      }
      (fi.entity == FieldEntity::User   ? d.userFields
       : fi.entity == FieldEntity::Item ? d.itemFields
                                        : d.contextFields)
          .push_back(f);
    }
    // One pass over the dataset's interactions (its primary-key range), no rows kept.
    auto range = workspaceDb(ws).prepare(
        "SELECT MIN(rating), MAX(rating), COUNT(rating), COUNT(ts) FROM interactions "
        "WHERE dataset_id = ?");
    range.bind(1, datasetId);
    if (range.step() && range.columnInt(2) > 0)
    {
      d.hasRatings = true;
      d.ratingMin = range.columnDouble(0);
      d.ratingMax = range.columnDouble(1);
    }
    d.hasTimestamps = range.columnInt(3) > 0;
    return d;
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot read the dataset's fields: ") + e.what());
  }
}

}  // namespace m6
