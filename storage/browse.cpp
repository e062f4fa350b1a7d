// Over 500 lines: one query builder for every browse table (filters, keyset paging, sort indexes,
// counts) and the cell conversions it needs.

#include "storage/browse.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "model/core/json.h"
#include "storage/sqlite.h"
#include "storage/workspace_db.h"

namespace m6
{

std::string likeEscape(const std::string& s)
{
  std::string out;
  for (char c : s)
  {
    if (c == '%' || c == '_' || c == '\\')
    {
      out += '\\';
    }
    out += c;
  }
  return out;
}

namespace
{

// The sequence numbers of one item's interactions (binds: dataset id, item index), from its
// JSON array in item_seqs (schema version 8).
constexpr const char* kSeqsOfItem =
    "(SELECT value FROM json_each((SELECT seqs FROM item_seqs WHERE dataset_id = ? AND "
    "item_idx = ?)))";

// An item's sequence numbers from its item_seqs array ("[3,17,42]", ascending as written).
std::vector<int64_t> parseSeqList(const std::string& json)
{
  std::vector<int64_t> out;
  const char* p = json.c_str();
  while (*p)
  {
    if (*p >= '0' && *p <= '9')
    {
      char* end = nullptr;
      out.push_back(std::strtoll(p, &end, 10));
      p = end;
    }
    else
    {
      ++p;
    }
  }
  std::sort(out.begin(), out.end());  // written sorted; kept so even if a writer did not
  return out;
}

void bindCell(sql::Stmt& s, int i, const Cell& c)
{
  if (std::holds_alternative<int64_t>(c))
  {
    s.bind(i, std::get<int64_t>(c));
  }
  else if (std::holds_alternative<double>(c))
  {
    s.bind(i, std::get<double>(c));
  }
  else if (std::holds_alternative<std::string>(c))
  {
    s.bind(i, std::get<std::string>(c));
  }
  else
  {
    s.bindNull(i);
  }
}

Cell readCell(const sql::Stmt& s, int col, CellKind kind)
{
  if (s.isNull(col))
  {
    return std::monostate{};
  }
  switch (kind)
  {
    case CellKind::Index:
    case CellKind::Count:
    case CellKind::Time:
      return s.columnInt(col);
    case CellKind::Rating:
    case CellKind::Number:
      return s.columnDouble(col);
    case CellKind::Id:
    case CellKind::Text:
      return s.columnText(col);
  }
  return std::monostate{};
}

Json cellToJson(const Cell& c)
{
  if (std::holds_alternative<int64_t>(c))
  {
    return Json(std::get<int64_t>(c));
  }
  if (std::holds_alternative<double>(c))
  {
    return Json(std::get<double>(c));
  }
  if (std::holds_alternative<std::string>(c))
  {
    return Json(std::get<std::string>(c));
  }
  return Json();
}

Cell cellFromJson(const Json& j)
{
  if (j.isInt())
  {
    return j.asInt();
  }
  if (j.isNumber())
  {
    return j.asDouble();
  }
  if (j.isString())
  {
    return j.asString();
  }
  return std::monostate{};
}

}  // namespace

BrowseQuery::BrowseQuery(Workspace& ws, int64_t datasetId, BrowseTable table, BrowseFilter filter,
                         int sortColumn, bool descending)
    : ws_(ws),
      datasetId_(datasetId),
      table_(table),
      filter_(std::move(filter)),
      sortColumn_(sortColumn),
      descending_(descending)
{
}

Status BrowseQuery::prepare()
{
  if (prepared_)
  {
    return {};
  }
  try
  {
    sql::Db& db = workspaceDb(ws_);
    switch (table_)
    {
      case BrowseTable::Users:
        columns_ = {
            {"#", CellKind::Index}, {"User", CellKind::Id}, {"Interactions", CellKind::Count}};
        break;
      case BrowseTable::Items:
        columns_ = {{"#", CellKind::Index},
                    {"Item", CellKind::Id},
                    {"Title", CellKind::Text},
                    {"Interactions", CellKind::Count}};
        break;
      case BrowseTable::Interactions:
        columns_ = {{"#", CellKind::Index},       {"User", CellKind::Id},
                    {"Item", CellKind::Id},       {"Title", CellKind::Text, false},
                    {"Rating", CellKind::Rating}, {"Time", CellKind::Time}};
        break;
    }
    if (table_ != BrowseTable::Interactions)
    {
      auto all = ws_.fields(datasetId_);
      if (!all)
      {
        return errorOf(all);
      }
      FieldEntity want = table_ == BrowseTable::Users ? FieldEntity::User : FieldEntity::Item;
      for (const auto& f : *all)
      {
        if (f.entity != want || (want == FieldEntity::Item && f.name == "title"))
        {
          continue;
        }
        fields_.push_back(f);
        CellKind k = f.kind == FieldKind::Numeric     ? CellKind::Number
                     : f.kind == FieldKind::Timestamp ? CellKind::Time
                                                      : CellKind::Text;
        columns_.push_back({f.name, k, false});
      }
    }
    if (table_ == BrowseTable::Interactions)
    {
      if (filter_.userIdx)
      {
        auto s = db.prepare(
            "SELECT first_seq, n_interactions FROM users WHERE dataset_id = ? AND idx = ?");
        s.bind(1, datasetId_).bind(2, *filter_.userIdx);
        userRange_ = s.step() ? std::make_pair(s.columnInt(0), s.columnInt(0) + s.columnInt(1) - 1)
                              : std::make_pair(int64_t(0), int64_t(-1));
      }
      if (filter_.itemIdx && filter_.text.empty() && !filter_.ratingMin && !filter_.ratingMax &&
          !filter_.timeMin && !filter_.timeMax)
      {
        // Only the item (and perhaps a user): its list is the rows, counted and paged here.
        auto s = db.prepare("SELECT seqs FROM item_seqs WHERE dataset_id = ? AND item_idx = ?");
        s.bind(1, datasetId_).bind(2, *filter_.itemIdx);
        itemSeqs_ = s.step() ? parseSeqList(s.columnText(0)) : std::vector<int64_t>();
        if (userRange_)
        {
          auto& v = *itemSeqs_;
          v.erase(std::remove_if(v.begin(), v.end(),
                                 [&](int64_t q)
                                 { return q < userRange_->first || q > userRange_->second; }),
                  v.end());
        }
      }
      if (!filter_.text.empty())
      {
        auto u = db.prepare("SELECT idx FROM users WHERE dataset_id = ? AND external_id = ?");
        u.bind(1, datasetId_).bind(2, filter_.text);
        while (u.step())
        {
          textUsers_.push_back(u.columnInt(0));
        }
        auto i = db.prepare("SELECT idx FROM items WHERE dataset_id = ? AND external_id = ?");
        i.bind(1, datasetId_).bind(2, filter_.text);
        while (i.step())
        {
          textItems_.push_back(i.columnInt(0));
        }
      }
    }
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(e.what());
  }
  prepared_ = true;
  return {};
}

Result<std::vector<BrowseColumn>> BrowseQuery::columns()
{
  if (auto ok = prepare(); !ok)
  {
    return errorOf(ok);
  }
  return columns_;
}

std::string BrowseQuery::whereClause(std::vector<Cell>* binds) const
{
  std::string w;
  auto add = [&](const std::string& cond) { w += " AND " + cond; };
  switch (table_)
  {
    case BrowseTable::Users:
      w = "u.dataset_id = ?";
      binds->push_back(datasetId_);
      if (!filter_.text.empty())
      {
        add("u.external_id LIKE ? ESCAPE '\\'");
        binds->push_back("%" + likeEscape(filter_.text) + "%");
      }
      break;
    case BrowseTable::Items:
      w = "i.dataset_id = ?";
      binds->push_back(datasetId_);
      if (!filter_.text.empty())
      {
        add("(i.external_id LIKE ? ESCAPE '\\' OR i.title LIKE ? ESCAPE '\\')");
        binds->push_back("%" + likeEscape(filter_.text) + "%");
        binds->push_back("%" + likeEscape(filter_.text) + "%");
      }
      break;
    case BrowseTable::Interactions:
    {
      // The id is ours (an integer), written as a literal so that the per-dataset partial
      // sort indexes (see ensureSortIndex) match the query.
      w = "x.dataset_id = " + std::to_string(datasetId_);
      if (userRange_)
      {
        add("x.seq BETWEEN ? AND ?");
        binds->push_back(userRange_->first);
        binds->push_back(userRange_->second);
      }
      if (filter_.itemIdx)
      {
        add("x.seq IN " + std::string(kSeqsOfItem));
        binds->push_back(datasetId_);
        binds->push_back(*filter_.itemIdx);
      }
      if (!filter_.text.empty())
      {
        // One list of sequence numbers (titles, then exact user and item ids) that drives the
        // primary key; an OR of the three would scan every interaction of the dataset.
        std::string any =
            "x.seq IN (SELECT j.value FROM items i JOIN item_seqs s ON s.dataset_id = "
            "i.dataset_id AND s.item_idx = i.idx, json_each(s.seqs) j WHERE i.dataset_id = ? AND "
            "i.title LIKE ? ESCAPE '\\'";
        binds->push_back(datasetId_);
        binds->push_back("%" + likeEscape(filter_.text) + "%");
        for (int64_t u : textUsers_)
        {
          any +=
              " UNION ALL SELECT seq FROM interactions WHERE dataset_id = ? AND seq BETWEEN "
              "(SELECT first_seq FROM users WHERE dataset_id = ? AND idx = ?) AND (SELECT "
              "first_seq + n_interactions - 1 FROM users WHERE dataset_id = ? AND idx = ?)";
          binds->insert(binds->end(), {datasetId_, datasetId_, u, datasetId_, u});
        }
        for (int64_t i : textItems_)
        {
          any +=
              " UNION ALL SELECT value FROM json_each((SELECT seqs FROM item_seqs WHERE "
              "dataset_id = ? AND item_idx = ?))";
          binds->push_back(datasetId_);
          binds->push_back(i);
        }
        add(any + ")");
      }
      if (filter_.ratingMin)
      {
        add("x.rating >= ?");
        binds->push_back(*filter_.ratingMin);
      }
      if (filter_.ratingMax)
      {
        add("x.rating <= ?");
        binds->push_back(*filter_.ratingMax);
      }
      if (filter_.timeMin)
      {
        add("x.ts >= ?");
        binds->push_back(*filter_.timeMin);
      }
      if (filter_.timeMax)
      {
        add("x.ts <= ?");
        binds->push_back(*filter_.timeMax);
      }
      break;
    }
  }
  return w;
}

std::string BrowseQuery::orderExpr() const
{
  switch (table_)
  {
    case BrowseTable::Users:
    {
      static const char* e[] = {"u.idx", "u.external_id", "u.n_interactions"};
      return sortColumn_ >= 0 && sortColumn_ < 3 ? e[sortColumn_] : "u.idx";
    }
    case BrowseTable::Items:
    {
      static const char* e[] = {"i.idx", "i.external_id", "i.title", "i.n_interactions"};
      return sortColumn_ >= 0 && sortColumn_ < 4 ? e[sortColumn_] : "i.idx";
    }
    case BrowseTable::Interactions:
    {
      static const char* e[] = {"x.seq", "x.user_idx", "x.item_idx", "x.seq", "x.rating", "x.ts"};
      return sortColumn_ >= 0 && sortColumn_ < 6 ? e[sortColumn_] : "x.seq";
    }
  }
  return "";
}

std::string BrowseQuery::sortIndexColumn() const
{
  if (table_ != BrowseTable::Interactions)
  {
    return "";
  }
  const std::string order = orderExpr();
  if (boundedRows())
  {
    return "";  // sorted in memory: no dataset-wide order needed
  }
  return order == "x.rating" ? "rating" : order == "x.ts" ? "ts" : "";
}

bool BrowseQuery::boundedRows() const
{
  // A user's or an item's interactions (up to kSortInMemoryRows), or the text box's list (a user,
  // an item, the items of a title word): sorting those rows beats walking a dataset-wide sort
  // index, which SQLite would otherwise pick and read to its end for a few matches (12 s for a
  // 116-row item at 25M).
  constexpr int64_t kSortInMemoryRows = 100000;
  if (table_ != BrowseTable::Interactions)
  {
    return false;
  }
  return !filter_.text.empty() ||
         (userRange_ && userRange_->second - userRange_->first < kSortInMemoryRows) ||
         (itemSeqs_ && static_cast<int64_t>(itemSeqs_->size()) <= kSortInMemoryRows);
}

bool BrowseQuery::buildsSortOrder()
{
  const std::string column = sortIndexColumn();
  if (column.empty())
  {
    return false;
  }
  try
  {
    auto exists =
        workspaceDb(ws_).prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?");
    exists.bind(1, "interactions_by_" + column + "_" + std::to_string(datasetId_));
    return !exists.step();
  }
  catch (const sql::SqliteError&)
  {
    return false;  // fetch() will report what is wrong
  }
}

Status BrowseQuery::ensureSortIndex(const std::string& column)
{
  // Sorting 10 million interactions by rating or time needs an index, but maintaining one on
  // every import would double import time. So the first sort of a dataset builds a partial index
  // for that dataset only (one bulk sort, seconds at 10M rows); later pages and sorts are
  // instant. Workspace::deleteDataset drops them.
  const std::string name = "interactions_by_" + column + "_" + std::to_string(datasetId_);
  try
  {
    sql::Db& db = workspaceDb(ws_);
    auto exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?");
    exists.bind(1, name);
    if (exists.step())
    {
      return {};
    }
    db.exec("CREATE INDEX IF NOT EXISTS " + name + " ON interactions(dataset_id, " + column +
            ", seq) WHERE dataset_id = " + std::to_string(datasetId_));
    return {};
  }
  catch (const sql::SqliteError& e)
  {
    if (e.code() == SQLITE_INTERRUPT)
    {
      return cancelledError();
    }
    return makeError("cannot prepare the sort order: " + std::string(e.what()));
  }
}

Result<int64_t> BrowseQuery::count()
{
  if (auto ok = prepare(); !ok)
  {
    return errorOf(ok);
  }
  try
  {
    if (filter_.isEmpty())
    {
      auto info = ws_.datasetById(datasetId_);
      if (!info)
      {
        return errorOf(info);
      }
      return table_ == BrowseTable::Users   ? info->users
             : table_ == BrowseTable::Items ? info->items
                                            : info->interactions;
    }
    if (itemSeqs_)
    {
      return static_cast<int64_t>(itemSeqs_->size());
    }
    if (table_ == BrowseTable::Interactions && userRange_ && filter_.text.empty() &&
        !filter_.itemIdx && !filter_.ratingMin && !filter_.ratingMax && !filter_.timeMin &&
        !filter_.timeMax)
    {
      return std::max<int64_t>(0, userRange_->second - userRange_->first + 1);
    }
    std::vector<Cell> binds;
    std::string where = whereClause(&binds);
    const char* from = table_ == BrowseTable::Users   ? "users u"
                       : table_ == BrowseTable::Items ? "items i"
                                                      : "interactions x";
    auto s =
        workspaceDb(ws_).prepare(std::string("SELECT count(*) FROM ") + from + " WHERE " + where);
    for (size_t k = 0; k < binds.size(); ++k)
    {
      bindCell(s, static_cast<int>(k) + 1, binds[k]);
    }
    s.step();
    return s.columnInt(0);
  }
  catch (const sql::SqliteError& e)
  {
    if (e.code() == SQLITE_INTERRUPT)
    {
      return cancelledError();
    }
    return makeError(e.what());
  }
}

Result<std::vector<BrowseRow>> BrowseQuery::fetch(int64_t offset, int64_t limit,
                                                  const std::string& after)
{
  if (auto ok = prepare(); !ok)
  {
    return errorOf(ok);
  }
  if (offset < 0 || limit < 0)
  {
    return makeError("negative page offset or size");
  }
  try
  {
    std::string select;
    std::string from;
    std::string key;
    switch (table_)
    {
      case BrowseTable::Users:
        select = "u.idx, u.external_id, u.n_interactions";
        from = "users u";
        key = "u.idx";
        for (const auto& f : fields_)
        {
          select +=
              ", (SELECT group_concat(value, ', ') FROM (SELECT value FROM field_values "
              "WHERE field_id = " +
              std::to_string(f.id) + " AND entity_idx = u.idx ORDER BY ord))";
        }
        break;
      case BrowseTable::Items:
        select = "i.idx, i.external_id, i.title, i.n_interactions";
        from = "items i";
        key = "i.idx";
        for (const auto& f : fields_)
        {
          select +=
              ", (SELECT group_concat(value, ', ') FROM (SELECT value FROM field_values "
              "WHERE field_id = " +
              std::to_string(f.id) + " AND entity_idx = i.idx ORDER BY ord))";
        }
        break;
      case BrowseTable::Interactions:
        select =
            "x.seq, (SELECT external_id FROM users WHERE dataset_id = x.dataset_id AND idx = "
            "x.user_idx), it.external_id, it.title, x.rating, x.ts";
        from =
            "interactions x JOIN items it ON it.dataset_id = x.dataset_id AND it.idx = x.item_idx";
        key = "x.seq";
        break;
    }
    const std::string order = orderExpr();
    const bool natural = order == key;
    if (const std::string column = sortIndexColumn(); !column.empty())
    {
      if (auto ok = ensureSortIndex(column); !ok)
      {
        return errorOf(ok);
      }
    }
    const char* dir = descending_ ? "DESC" : "ASC";
    // For bounded rows the sort column is written "+x.rating": SQLite then cannot use an index
    // for it, in the ORDER BY nor in the keyset bounds, and sorts the few rows instead.
    const std::string sortBy = (!natural && boundedRows() ? "+" : "") + order;
    if (itemSeqs_ && natural)
    {
      // One item's interactions in sequence order: the page is a slice of its list, looked up by
      // primary key, whatever the item's size (no list built per page, no OFFSET).
      return readRows("SELECT " + select + ", " + order + " FROM " + from +
                          " WHERE x.dataset_id = " + std::to_string(datasetId_) +
                          " AND x.seq IN (SELECT value FROM json_each(?)) ORDER BY x.seq " + dir,
                      {itemSeqsPage(offset, limit, after)}, order);
    }
    std::vector<Cell> binds;
    std::string where = whereClause(&binds);
    bool useOffset = true;
    if (!after.empty())
    {
      // Keyset continuation from the previous row's (sort value, key).
      Json tok = Json::parse(after);
      Cell v = cellFromJson(tok.asArray().at(0));
      int64_t k = tok.asArray().at(1).asInt();
      const char* cmp = descending_ ? "<" : ">";
      if (natural)
      {
        // Under a list of sequence numbers (an item, the text box) the bound must not drive the
        // scan ("+" keeps it off the index): SQLite would walk the rest of the table instead.
        const bool listed = filter_.itemIdx || !filter_.text.empty();
        where += std::string(" AND ") + (listed ? "+" : "") + key + " " + cmp + " ?";
        binds.emplace_back(k);
      }
      else if (std::holds_alternative<std::monostate>(v))
      {
        where += descending_ ? " AND (" + sortBy + " IS NULL AND " + key + " < ?)"
                             : " AND ((" + sortBy + " IS NULL AND " + key + " > ?) OR " + sortBy +
                                   " IS NOT NULL)";
        binds.emplace_back(k);
      }
      else
      {
        where += " AND (" + sortBy + " " + cmp + " ? OR (" + sortBy + " = ? AND " + key + " " +
                 cmp + " ?)" + (descending_ ? " OR " + sortBy + " IS NULL" : std::string()) + ")";
        binds.push_back(v);
        binds.push_back(v);
        binds.emplace_back(k);
      }
      useOffset = false;
    }
    else if (natural && filter_.isEmpty() && !descending_)
    {
      // Row r of the unfiltered natural order is key r: a primary-key range, no OFFSET.
      where += " AND " + key + " >= ?";
      binds.emplace_back(offset);
      useOffset = false;
    }
    else if (natural && table_ == BrowseTable::Interactions && userRange_ && !descending_ &&
             filter_.text.empty() && !filter_.itemIdx && !filter_.ratingMin && !filter_.ratingMax &&
             !filter_.timeMin && !filter_.timeMax)
    {
      where += " AND x.seq >= ?";
      binds.emplace_back(userRange_->first + offset);
      useOffset = false;
    }
    std::string q = "SELECT " + select + ", " + order + " FROM " + from + " WHERE " + where +
                    " ORDER BY " + sortBy + " " + dir;
    if (!natural)
    {
      q += std::string(", ") + key + " " + dir;
    }
    q += " LIMIT ?";
    binds.emplace_back(limit);
    if (useOffset)
    {
      q += " OFFSET ?";
      binds.emplace_back(offset);
    }
    return readRows(q, binds, order);
  }
  catch (const sql::SqliteError& e)
  {
    if (e.code() == SQLITE_INTERRUPT)
    {
      return cancelledError();
    }
    return makeError(e.what());
  }
  catch (const std::exception& e)
  {
    return makeError(std::string("bad page token: ") + e.what());
  }
}

std::vector<BrowseRow> BrowseQuery::readRows(const std::string& q, const std::vector<Cell>& binds,
                                             const std::string& order) const
{
  auto s = workspaceDb(ws_).prepare(q);
  for (size_t k = 0; k < binds.size(); ++k)
  {
    bindCell(s, static_cast<int>(k) + 1, binds[k]);
  }
  std::vector<BrowseRow> rows;
  const int sortCol = static_cast<int>(columns_.size());
  while (s.step())
  {
    BrowseRow r;
    r.key = s.columnInt(0);
    for (size_t c = 0; c < columns_.size(); ++c)
    {
      r.cells.push_back(readCell(s, static_cast<int>(c), columns_[c].kind));
    }
    Cell sortValue;
    if (!s.isNull(sortCol))
    {
      sortValue = (order == "x.rating") ? Cell(s.columnDouble(sortCol))
                  : (order == "u.external_id" || order == "i.external_id" || order == "i.title")
                      ? Cell(s.columnText(sortCol))
                      : Cell(s.columnInt(sortCol));
    }
    Json tok = Json::array();
    tok.push_back(cellToJson(sortValue));
    tok.push_back(r.key);
    r.sortKey = tok.dump();
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string BrowseQuery::itemSeqsPage(int64_t offset, int64_t limit, const std::string& after) const
{
  // Positions in the displayed order: the list itself, or read from its end when descending.
  const std::vector<int64_t>& v = *itemSeqs_;
  const auto n = static_cast<int64_t>(v.size());
  int64_t pos = offset;
  if (!after.empty())
  {
    const int64_t k = Json::parse(after).asArray().at(1).asInt();
    pos = descending_ ? n - (std::lower_bound(v.begin(), v.end(), k) - v.begin())
                      : std::upper_bound(v.begin(), v.end(), k) - v.begin();
  }
  std::string json = "[";
  for (int64_t r = std::max<int64_t>(pos, 0); r < std::min(n, pos + limit); ++r)
  {
    json += (json.size() > 1 ? "," : "") +
            std::to_string(v[static_cast<size_t>(descending_ ? n - 1 - r : r)]);
  }
  return json + "]";
}

}  // namespace m6
