// Paged, filtered, sorted reads of a dataset's users, items and interactions, for the browser
// tables. Built so that the first page of a 10-million-row table is instant:
//  - the unfiltered default order reads a primary-key range (row r is seq/idx r: no OFFSET),
//  - sequential scrolling in other orders continues after the last row's key (keyset paging),
//  - a user's interactions are a seq range, an item's come from the item index,
//  - sorting interactions by rating or time builds a per-dataset index on first use (seconds at
//    10M rows, once), so sorted pages are keyset range reads too.
// Everything typed by the user reaches SQL only as bound parameters.
//
// Thread affinity: a BrowseQuery uses the Workspace it was given, on the caller's thread; the GUI
// runs it on a storage worker with that worker's own Workspace, never on the GUI thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "storage/result.h"
#include "storage/workspace.h"

namespace m6
{

enum class BrowseTable
{
  Users,
  Items,
  Interactions
};

struct BrowseFilter
{
  std::string text;  // users: id contains; items: id or title contains; interactions: user id,
                     // item id (exact) or title contains
  std::optional<int64_t> userIdx;  // interactions of one user
  std::optional<int64_t> itemIdx;  // interactions of one item
  std::optional<double> ratingMin;
  std::optional<double> ratingMax;
  std::optional<int64_t> timeMin;  // Unix seconds, inclusive
  std::optional<int64_t> timeMax;
  bool isEmpty() const
  {
    return text.empty() && !userIdx && !itemIdx && !ratingMin && !ratingMax && !timeMin && !timeMax;
  }
};

using Cell = std::variant<std::monostate, int64_t, double, std::string>;

enum class CellKind
{
  Index,
  Id,
  Text,
  Count,
  Rating,
  Time,
  Number
};

struct BrowseColumn
{
  std::string title;
  CellKind kind;
  bool sortable = true;
};

struct BrowseRow
{
  int64_t key = 0;  // idx (users, items) or seq (interactions)
  std::vector<Cell> cells;
  std::string sortKey;  // opaque continuation token for keyset paging
};

class BrowseQuery
{
 public:
  /// `sortColumn` -1 means the natural order (index / sequence).
  BrowseQuery(Workspace& ws, int64_t datasetId, BrowseTable table, BrowseFilter filter,
              int sortColumn = -1, bool descending = false);

  /// Columns of this table, including the dataset's feature fields for users and items.
  Result<std::vector<BrowseColumn>> columns();

  /// Number of rows matching the filter (instant when unfiltered).
  Result<int64_t> count();

  /// True when the next fetch() first builds this dataset's rating or time order (the first sort
  /// of its interactions by that column: about 36 s at 25 million rows, once).
  bool buildsSortOrder();

  /// Rows [offset, offset + limit). `after` may carry the sortKey of row offset-1 to continue
  /// without OFFSET (keyset paging); pass "" when unknown.
  Result<std::vector<BrowseRow>> fetch(int64_t offset, int64_t limit,
                                       const std::string& after = "");

 private:
  Status prepare();
  Status ensureSortIndex(const std::string& column);
  // "rating" or "ts" when this query sorts interactions by a column that needs an index.
  std::string sortIndexColumn() const;
  // True when the filter bounds the rows to a few (a user, an item, the text box's list).
  bool boundedRows() const;
  std::string whereClause(std::vector<Cell>* binds) const;
  std::string orderExpr() const;
  // Runs a page query whose columns are the table's, then the sort value.
  std::vector<BrowseRow> readRows(const std::string& q, const std::vector<Cell>& binds,
                                  const std::string& order) const;
  // One page of itemSeqs_ in the displayed order, as a JSON array for json_each.
  std::string itemSeqsPage(int64_t offset, int64_t limit, const std::string& after) const;

  Workspace& ws_;
  int64_t datasetId_;
  BrowseTable table_;
  BrowseFilter filter_;
  int sortColumn_;
  bool descending_;
  bool prepared_ = false;
  std::vector<BrowseColumn> columns_;
  std::vector<FieldInfo> fields_;                         // feature columns shown (users or items)
  std::optional<std::pair<int64_t, int64_t>> userRange_;  // seq range for filter_.userIdx
  std::vector<int64_t> textUsers_;  // interactions: users whose id equals the text
  std::vector<int64_t> textItems_;  // interactions: items whose id equals the text
  // Interactions of one item with no other filter but a user: their sequence numbers, ascending.
  std::optional<std::vector<int64_t>> itemSeqs_;
};

/// Escapes % _ and \ for a LIKE pattern with ESCAPE '\'.
std::string likeEscape(const std::string& s);

}  // namespace m6
