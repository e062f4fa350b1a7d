// BrowseTableModel: one browser table (users, items or interactions of a dataset) as a
// QAbstractTableModel over a windowed sparse cache, backed by a BrowseWorker on its own thread.
//
// How it stays instant at 10 million rows:
//  - rowCount() is the count the worker reported (unfiltered counts are stored figures);
//  - data() of a row not in the cache shows a placeholder and asks for its chunk (kChunkRows
//    rows); requests are coalesced to one per chunk per event-loop turn, and a chunk that
//    follows a cached one passes that chunk's last continuation token (keyset paging);
//  - at most kMaxChunks chunks are kept; the ones farthest from the latest request are evicted.
// Every change of dataset, filter or sort starts a new generation: the worker drops queued work
// of older generations and interrupts a stale running statement; replies of older generations
// that still arrive are dropped here.
//
// Thread affinity: GUI thread. The worker thread is owned by this model and ends with it.
#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>
#include <QString>
#include <memory>
#include <vector>

#include "app/bridge/browse_worker.h"
#include "app/bridge/worker_thread.h"

namespace m6
{

class BrowseTableModel : public QAbstractTableModel
{
  Q_OBJECT
 public:
  static constexpr int kChunkRows = 256;
  static constexpr int kMaxChunks = 128;
  /// Role returning the row's key (user or item index, interaction sequence) as qlonglong.
  static constexpr int kKeyRole = Qt::UserRole + 1;

  /// `worker`: this table's own browse worker (WorkspaceServices::newBrowseWorker()).
  BrowseTableModel(std::unique_ptr<WorkerThread<BrowseWorker>> worker, BrowseTable table,
                   QObject* parent = nullptr);
  ~BrowseTableModel() override;

  BrowseTable table() const { return table_; }
  qint64 datasetId() const { return datasetId_; }
  const BrowseFilter& filter() const { return filter_; }
  int sortColumn() const { return sortColumn_; }
  Qt::SortOrder sortOrder() const { return descending_ ? Qt::DescendingOrder : Qt::AscendingOrder; }
  bool isSortable(int column) const;
  /// True until the count of the current generation arrived.
  bool isLoading() const { return loading_; }
  /// True while the worker builds the dataset's order for the current sort (its first sort by
  /// rating or time), until the first page of that order arrives.
  bool isBuildingSortOrder() const { return buildingOrder_; }
  bool isRowLoaded(int row) const;
  /// Replies dropped because a newer generation had started (diagnostics, tests).
  int staleRepliesDropped() const { return staleDropped_; }
  const std::vector<BrowseColumn>& columns() const { return columns_; }

  /// Shows the dataset (0: nothing). Starts a new generation.
  void setDataset(qint64 datasetId);
  void setFilter(const BrowseFilter& filter);
  /// Reloads count and rows (F5).
  void refresh();
  /// Requests the chunks of rows [first, last] now (data() requests lazily, once per turn).
  void prefetch(int first, int last);
  /// Requests the worker skipped or interrupted as stale (a thread-safe read, for tests).
  int workerStaleDropped() const { return worker_->worker()->staleDropped(); }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
  void sort(int column, Qt::SortOrder order) override;

 Q_SIGNALS:
  /// The count of the current generation arrived (after the model reset).
  void countChanged(qint64 rows);
  void loadFailed(QString message);
  /// isBuildingSortOrder() changed.
  void sortOrderBuildingChanged(bool building);

 private:
  struct Chunk
  {
    std::vector<BrowseRow> rows;
  };

  void restart();
  void requestChunk(qint64 chunk) const;
  void flushRequests();
  void onCount(const m6::BrowseCount& count);
  void onPage(const m6::BrowseRows& page);
  void onFailed(quint64 token, quint64 generation, const QString& message);
  void setBuildingOrder(bool building);
  void evict();
  BrowseRequest baseRequest() const;
  QVariant display(const Cell& cell, CellKind kind) const;

  BrowseTable table_;
  std::unique_ptr<WorkerThread<BrowseWorker>> worker_;
  qint64 datasetId_ = 0;
  BrowseFilter filter_;
  int sortColumn_ = -1;
  bool descending_ = false;
  quint64 generation_ = 0;
  quint64 lastToken_ = 0;
  bool loading_ = false;
  bool failed_ = false;
  bool buildingOrder_ = false;
  qint64 rows_ = 0;
  std::vector<BrowseColumn> columns_;
  QHash<qint64, Chunk> chunks_;
  mutable QSet<qint64> wanted_;  // asked for by data(), not yet requested
  QSet<qint64> pending_;         // requested in this generation, reply not yet in
  mutable bool flushScheduled_ = false;
  qint64 lastRequested_ = 0;
  int staleDropped_ = 0;
};

}  // namespace m6
