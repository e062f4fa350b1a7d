// Feature tables: the snapshot's fields turned into tensors once, so a batch is a few
// index_select calls (private to model/; includes torch).
//
// Every entity table (users, items, interactions) has one tensor per encoded field with one row
// per entity plus a final "missing" row (index rows()) that queries without an entity row use:
//  - Categorical: int64 [n+1], code + 1, 0 = missing.
//  - Bag (multi-valued and text): int64 [n+1, width], codes or hashed n-grams + 1, 0 = padding.
//  - Numeric (numeric and timestamp fields): float [n+1, 2] = (standardised value clipped to
//    [-5, 5], missing flag); missing values are (0, 1).
// The interaction table also carries the time context derived from timestamps (when the dataset
// has them and model.time_context is on): "@hour" (hour of day + 1), "@weekday" (day of week + 1,
// 0 = Sunday) and "@recency" (bucket of the gap to the user's previous interaction).
//
// Thread affinity: built once, then read-only; may be read from any thread.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "model/core/config.h"
#include "model/core/dataset.h"
#include "model/core/split.h"

namespace m6
{

enum class ColumnKind
{
  Categorical,
  Bag,
  Numeric
};

struct ColumnSpec
{
  std::string name;        // field name as the dataset spells it, or "@hour" etc.
  std::string moduleName;  // stable, module-safe name used as checkpoint key ("f_category")
  ColumnKind kind = ColumnKind::Categorical;
  FieldKind fieldKind = FieldKind::Categorical;
  int64_t cardinality = 0;  // embedding rows including the 0 row (categorical and bag)
};

struct FeatureColumnData
{
  ColumnSpec spec;
  torch::Tensor data;  // categorical codes are int64, or uint8 (the time columns); read them
                       // through EntityTable::gather()/all(), which give int64
};

struct EntityTable
{
  int64_t rows = 0;
  std::vector<FeatureColumnData> columns;

  std::vector<ColumnSpec> specs() const;
  /// Rows `index` (int64 [n]; the value rows selects the missing row) of every column (codes as
  /// int64).
  std::vector<torch::Tensor> gather(const torch::Tensor& index) const;
  /// The first `rows` rows of every column (the whole entity set, no missing row).
  std::vector<torch::Tensor> all() const;
};

/// Buckets of a time gap in seconds: 1 (< 1 min) ... kRecencyBuckets (>= 1 year); 0 = unknown.
constexpr int64_t kRecencyBuckets = 12;
int64_t recencyBucket(int64_t gapSeconds);
int hourOfDay(int64_t unixSeconds);  // 0..23, UTC
int dayOfWeek(int64_t unixSeconds);  // 0 = Sunday .. 6

struct FeatureTables
{
  EntityTable users;
  EntityTable items;
  EntityTable context;  // per interaction
  int hourColumn = -1;  // index in context.columns, or -1 without time context
  int weekdayColumn = -1;
  bool hasTimestamps = false;
  std::vector<int32_t> itemCategory;  // per item, for intra-list diversity; -1 unknown
};

/// Per item, the category that intra-list diversity is measured by (-1 unknown): a categorical
/// item field named "category" or "genre", else the first categorical field, else the first
/// value of the first multi-valued field.
std::vector<int32_t> itemCategories(const DatasetSnapshot& snapshot);

/// The same, with the field's name and vocabulary (name "" and no vocabulary when there is none).
struct ItemCategoryField
{
  std::string name;
  std::vector<std::string> vocab;
  std::vector<int32_t> codes;  // per item, -1 unknown
};
ItemCategoryField itemCategoryField(const DatasetSnapshot& snapshot);

/// The popularity prior (model.popularity_prior): appends to `items` the numeric column
/// "@popularity" (module "prior_popularity"): per item log(1 + its training interactions),
/// standardised over the catalogue. Counts only interactions in the Train part of `split` and
/// never those of `coldItems` (held out of training), so held-out interactions cannot leak.
void addPopularityPrior(EntityTable& items, const DatasetSnapshot& snapshot, const Split& split,
                        const std::vector<uint8_t>& coldItems);

/// Builds the tables for the fields selected by `config`. Throws std::invalid_argument naming
/// the field when a column's arrays do not match the entity count.
FeatureTables buildFeatures(const DatasetSnapshot& snapshot, const ModelConfig& config);

}  // namespace m6
