#include "model/core/dataset_schema.h"

#include <algorithm>
#include <cmath>

namespace m6
{

namespace
{

std::vector<SchemaField> describe(const std::vector<FieldColumn>& columns)
{
  std::vector<SchemaField> out;
  for (const auto& c : columns)
  {
    SchemaField f;
    f.name = c.name;
    f.kind = c.kind;
    if (c.kind == FieldKind::Categorical || c.kind == FieldKind::Multi)
    {
      f.cardinality = static_cast<int64_t>(c.vocab.size());
    }
    out.push_back(f);
  }
  return out;
}

}  // namespace

DatasetSchema DatasetSchema::fromSnapshot(const DatasetSnapshot& s)
{
  DatasetSchema d;
  d.userFields = describe(s.userFields);
  d.itemFields = describe(s.itemFields);
  d.contextFields = describe(s.contextFields);
  d.numUsers = s.numUsers();
  d.numItems = s.numItems();
  d.numInteractions = s.numInteractions();
  bool first = true;
  for (float r : s.rating)
  {
    if (std::isnan(r))
    {
      continue;
    }
    d.hasRatings = true;
    d.ratingMin = first ? r : std::min<double>(d.ratingMin, r);
    d.ratingMax = first ? r : std::max<double>(d.ratingMax, r);
    first = false;
  }
  d.hasTimestamps = std::any_of(s.ts.begin(), s.ts.end(),
                                [](int64_t t) { return t != DatasetSnapshot::kMissingTs; });
  return d;
}

const std::vector<SchemaField>& DatasetSchema::fields(FieldEntity entity) const
{
  switch (entity)
  {
    case FieldEntity::User:
      return userFields;
    case FieldEntity::Item:
      return itemFields;
    case FieldEntity::Interaction:
      break;
  }
  return contextFields;
}

}  // namespace m6
