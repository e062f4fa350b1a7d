// The last step of an import: what the importer read, column by column in file order, becomes a
// DatasetSnapshot. Users and items take their natural id order, interactions are grouped by user
// and ordered by time (without times: a fixed shuffle within each user), and each field builder
// produces its column in the new order. Private to storage/.
//
// Thread affinity: none; the caller owns the columns.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/core/dataset.h"
#include "storage/field_builder.h"

namespace m6::import_detail
{

/// What an import has read: interned ids, per-interaction columns in file order, and the builders
/// of the user, item and context fields.
struct ImportColumns
{
  Interner users;
  Interner items;
  std::vector<std::string> titles;  // per item index (may be shorter than the items)
  std::vector<std::unique_ptr<FieldBuilder>> userFields;
  std::vector<std::unique_ptr<FieldBuilder>> itemFields;
  std::vector<std::unique_ptr<FieldBuilder>> contextFields;
  bool hasRatings = false;
  bool hasTimes = false;
  std::vector<int32_t> user;  // per interaction: user index
  std::vector<int32_t> item;  // per interaction: item index
  std::vector<float> rating;
  std::vector<int64_t> ts;
};

/// The snapshot named `name` of the columns. Takes the per-interaction columns over, reordered
/// in place (an import of tens of millions of rows would otherwise hold them twice), so they are
/// empty afterwards. At most kMaxRows interactions (rows are numbered in 32 bits); the importer
/// refuses more before calling it.
DatasetSnapshot assembleSnapshot(const std::string& name, ImportColumns& columns);
inline constexpr int64_t kMaxRows = 2147483647;

}  // namespace m6::import_detail
