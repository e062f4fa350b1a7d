// The importer's building blocks (private to storage/): trimming and number parsing of fields,
// the string interner for ids and values, the per-field value collector that becomes a
// FieldColumn, and the natural order of external ids.
//
// Thread affinity: the importing thread.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/core/dataset.h"
#include "storage/import_spec.h"
#include "storage/text_reader.h"

namespace m6::import_detail
{

/// `s` without leading and trailing spaces and tabs.
std::string_view trim(std::string_view s);

/// `s` in single quotes, cut to 60 characters, for rejection reasons.
std::string quoted(std::string_view s);

/// A finite number, with an optional leading '+', around spaces; false otherwise.
bool parseNumber(std::string_view s, double* out);

/// Strings to dense indices, without allocating for lookups.
class Interner
{
 public:
  int32_t find(std::string_view s) const
  {
    auto it = map_.find(s);
    return it == map_.end() ? -1 : it->second;
  }
  int32_t add(std::string_view s)
  {
    auto it = map_.find(s);
    if (it != map_.end())
    {
      return it->second;
    }
    store_.emplace_back(s);
    auto idx = static_cast<int32_t>(store_.size() - 1);
    map_.emplace(store_.back(), idx);
    return idx;
  }
  int32_t size() const { return static_cast<int32_t>(store_.size()); }
  const std::string& at(int32_t i) const { return store_[static_cast<size_t>(i)]; }

 private:
  std::deque<std::string> store_;  // deque: references stay valid as it grows
  std::unordered_map<std::string_view, int32_t> map_;
};

/// Collects one feature field's values, per entity index, then produces a FieldColumn.
class FieldBuilder
{
 public:
  FieldBuilder(FieldSpec spec, std::vector<int> flagIndex, int column)
      : spec_(std::move(spec)), flagIndex_(std::move(flagIndex)), column_(column)
  {
  }

  const FieldSpec& spec() const { return spec_; }

  /// Parses this field from the record into a pending value; returns a reason when it cannot.
  std::string parse(const Record& rec);

  /// Stores the pending value for entity `e` (overwriting: a rejected row's slot is reused).
  void commit(int64_t e);

  /// Adds one value to the multi-valued list of entity `e` (item_values files).
  void appendValue(int64_t e, std::string_view v);

  /// The column for n entities; newIndexOf[old] gives each entity's final index (or identity
  /// when empty).
  FieldColumn finish(int64_t n, const std::vector<int32_t>& order);

 private:
  FieldSpec spec_;
  std::vector<int> flagIndex_;
  int column_;
  Interner vocab_;
  std::vector<int32_t> codes_;
  std::vector<std::vector<int32_t>> lists_;
  std::vector<double> numbers_;
  std::vector<std::string> texts_;
  std::vector<int32_t> pendingMulti_;
  std::string pendingText_;
  double pendingNumber_ = 0;
  int32_t pendingCode_ = -1;
};

/// Natural order of external ids: numeric when every id is an integer, else lexicographic.
/// Returns order[newIndex] = oldIndex.
std::vector<int32_t> naturalOrder(const Interner& ids);

}  // namespace m6::import_detail
