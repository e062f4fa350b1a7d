// A small description of a dataset's shape: which fields it has, whether it has ratings and
// timestamps, and its counts. validate() (config.h) checks a config against it, and the GUI
// builds it once per dataset to offer field names, without holding the whole snapshot.
//
// Thread affinity: none; plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/core/dataset.h"

namespace m6
{

struct SchemaField
{
  std::string name;
  FieldKind kind = FieldKind::Categorical;
  int64_t cardinality = 0;  // vocabulary size (categorical, multi); 0 otherwise
};

struct DatasetSchema
{
  std::vector<SchemaField> userFields;
  std::vector<SchemaField> itemFields;
  std::vector<SchemaField> contextFields;  // per-interaction fields
  bool hasRatings = false;                 // at least one interaction has a rating
  bool hasTimestamps = false;              // at least one interaction has a time
  double ratingMin = 0;                    // over the present ratings (0 when none)
  double ratingMax = 0;
  int64_t numUsers = 0;
  int64_t numItems = 0;
  int64_t numInteractions = 0;

  static DatasetSchema fromSnapshot(const DatasetSnapshot& snapshot);

  /// The fields of one entity.
  const std::vector<SchemaField>& fields(FieldEntity entity) const;
};

}  // namespace m6
