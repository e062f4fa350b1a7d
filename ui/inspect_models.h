// Table models of the inspection pages, each over a small vector that arrived from the
// InspectWorker (tens to a few thousand rows, so held whole):
//  - RecommendationModel: the top K (rank, how the rank moved under a context override, item,
//    title, category / tags, score, popularity, held-out truth marker);
//  - HistoryModel: the user's timeline (date, item, title, category / tags, rating, part), the
//    held-out validation and test interactions marked and the model's input window in bold;
//  - UserMetricsModel: one row per evaluated user (rank of the test item, NDCG, hit, history
//    length, activity bucket), sortable through kSortRole, and its CSV.
//
// Thread affinity: GUI thread.
#pragma once

#include <QAbstractTableModel>
#include <vector>

#include "app/bridge/inspect_types.h"

namespace m6
{

/// Sort key role shared by the models (numbers sort as numbers).
constexpr int kInspectSortRole = Qt::UserRole + 1;
/// Item index (recommendations, history) or user index (metrics) of a row.
constexpr int kInspectIndexRole = Qt::UserRole + 2;

class RecommendationModel : public QAbstractTableModel
{
  Q_OBJECT
 public:
  enum Column
  {
    Rank,
    Move,
    Truth,  // held-out and cold markers, next to the rank so they are seen first
    Item,
    Title,
    Category,
    Score,
    Popularity,
    ColumnCount
  };
  using QAbstractTableModel::QAbstractTableModel;

  void setRows(const std::vector<RecommendationRow>& rows, bool compared);
  const std::vector<RecommendationRow>& rows() const { return rows_; }
  /// The row of an item, or -1.
  int rowOfItem(qint32 item) const;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  std::vector<RecommendationRow> rows_;
  bool compared_ = false;
};

class HistoryModel : public QAbstractTableModel
{
  Q_OBJECT
 public:
  enum Column
  {
    Number,
    Date,
    Item,
    Title,
    Category,
    Rating,
    Part,
    ColumnCount
  };
  using QAbstractTableModel::QAbstractTableModel;

  void setHistory(const std::vector<HistoryEntry>& history);
  const std::vector<HistoryEntry>& history() const { return rows_; }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  std::vector<HistoryEntry> rows_;
};

class UserMetricsModel : public QAbstractTableModel
{
  Q_OBJECT
 public:
  enum Column
  {
    User,
    TestItem,
    Rank,
    Ndcg,
    Hit,
    History,
    Bucket,
    ColumnCount
  };
  using QAbstractTableModel::QAbstractTableModel;

  /// Takes a new table, sorted as the view last asked (sort()).
  void setTable(const UserMetricsTable& table);
  const UserMetricsTable& table() const { return table_; }
  /// Sorts the rows themselves by a column's kInspectSortRole value (ties keep their order): at
  /// 162,000 users a proxy's sort through QVariants held the window for most of a second.
  void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
  /// "user,test_item,title,rank,ndcg@K,hit@K,history,bucket" with one line per row given (all
  /// rows when `rows` is null): 1-based ranks, like the table.
  QString csv(const std::vector<int>* rows = nullptr) const;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  void sortRows();

  UserMetricsTable table_;
  int sortColumn_ = -1;
  Qt::SortOrder sortOrder_ = Qt::AscendingOrder;
};

}  // namespace m6
