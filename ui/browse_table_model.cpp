#include "ui/browse_table_model.h"

#include <QBrush>
#include <QDateTime>
#include <QPalette>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace m6
{

BrowseTableModel::BrowseTableModel(std::unique_ptr<WorkerThread<BrowseWorker>> worker,
                                   BrowseTable table, QObject* parent)
    : QAbstractTableModel(parent), table_(table), worker_(std::move(worker))
{
  BrowseWorker* w = worker_->worker();
  connect(w, &BrowseWorker::countReady, this, &BrowseTableModel::onCount);
  connect(w, &BrowseWorker::pageReady, this, &BrowseTableModel::onPage);
  connect(w, &BrowseWorker::failed, this, &BrowseTableModel::onFailed);
  connect(w, &BrowseWorker::buildingSortOrder, this,
          [this](quint64, quint64 generation)
          {
            if (generation == generation_)
            {
              setBuildingOrder(true);
            }
          });
}

BrowseTableModel::~BrowseTableModel() = default;

bool BrowseTableModel::isSortable(int column) const
{
  return column >= 0 && column < static_cast<int>(columns_.size()) &&
         columns_[static_cast<size_t>(column)].sortable;
}

bool BrowseTableModel::isRowLoaded(int row) const
{
  auto it = chunks_.constFind(row / kChunkRows);
  return it != chunks_.constEnd() && static_cast<size_t>(row % kChunkRows) < it->rows.size();
}

void BrowseTableModel::setDataset(qint64 datasetId)
{
  datasetId_ = datasetId;
  filter_ = BrowseFilter();
  sortColumn_ = -1;
  descending_ = false;
  restart();
}

void BrowseTableModel::setFilter(const BrowseFilter& filter)
{
  filter_ = filter;
  restart();
}

void BrowseTableModel::refresh()
{
  restart();
}

BrowseRequest BrowseTableModel::baseRequest() const
{
  BrowseRequest r;
  r.generation = generation_;
  r.datasetId = datasetId_;
  r.table = table_;
  r.filter = filter_;
  r.sortColumn = sortColumn_;
  r.descending = descending_;
  return r;
}

void BrowseTableModel::restart()
{
  ++generation_;
  worker_->worker()->supersede(generation_);
  beginResetModel();
  chunks_.clear();
  wanted_.clear();
  pending_.clear();
  rows_ = 0;
  failed_ = false;
  loading_ = datasetId_ != 0;
  endResetModel();
  setBuildingOrder(false);
  if (datasetId_ == 0)
  {
    return;
  }
  BrowseRequest r = baseRequest();
  r.token = ++lastToken_;
  worker_->invoke([w = worker_->worker(), r] { w->count(r); });
}

void BrowseTableModel::sort(int column, Qt::SortOrder order)
{
  // Column 0 ("#") is the natural order; columns the storage cannot sort keep the current order.
  const int wanted = column < 0 ? -1 : column;
  if (wanted >= 0 && !isSortable(wanted))
  {
    return;
  }
  const bool desc = order == Qt::DescendingOrder;
  if (wanted == sortColumn_ && desc == descending_)
  {
    return;
  }
  sortColumn_ = wanted;
  descending_ = desc;
  restart();
}

int BrowseTableModel::rowCount(const QModelIndex& parent) const
{
  if (parent.isValid())
  {
    return 0;
  }
  return static_cast<int>(std::min<qint64>(rows_, std::numeric_limits<int>::max()));
}

int BrowseTableModel::columnCount(const QModelIndex& parent) const
{
  if (parent.isValid())
  {
    return 0;
  }
  return static_cast<int>(columns_.size());
}

QVariant BrowseTableModel::display(const Cell& cell, CellKind kind) const
{
  if (std::holds_alternative<std::monostate>(cell))
  {
    return QVariant();
  }
  if (const auto* s = std::get_if<std::string>(&cell))
  {
    return QString::fromStdString(*s);
  }
  if (const auto* d = std::get_if<double>(&cell))
  {
    if (std::isnan(*d))
    {
      return QVariant();
    }
    return kind == CellKind::Rating ? QString::number(*d, 'f', 1) : QString::number(*d, 'g', 6);
  }
  const qint64 v = std::get<int64_t>(cell);
  if (kind == CellKind::Time)
  {
    return QDateTime::fromSecsSinceEpoch(v, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
  }
  if (kind == CellKind::Rating)
  {
    return QString::number(static_cast<double>(v), 'f', 1);
  }
  return v;
}

QVariant BrowseTableModel::data(const QModelIndex& index, int role) const
{
  if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount())
  {
    return QVariant();
  }
  const qint64 chunk = index.row() / kChunkRows;
  auto it = chunks_.constFind(chunk);
  const auto& col = columns_[static_cast<size_t>(index.column())];
  if (it == chunks_.constEnd())
  {
    if (role == Qt::DisplayRole)
    {
      requestChunk(chunk);
      return QStringLiteral("…");
    }
    if (role == Qt::ForegroundRole)
    {
      return QBrush(QPalette().color(QPalette::Disabled, QPalette::Text));
    }
    return QVariant();
  }
  const size_t r = static_cast<size_t>(index.row() % kChunkRows);
  if (r >= it->rows.size())
  {
    return QVariant();
  }
  const BrowseRow& row = it->rows[r];
  switch (role)
  {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
      return index.column() < static_cast<int>(row.cells.size())
                 ? display(row.cells[static_cast<size_t>(index.column())], col.kind)
                 : QVariant();
    case Qt::TextAlignmentRole:
      return (col.kind == CellKind::Index || col.kind == CellKind::Count ||
              col.kind == CellKind::Rating || col.kind == CellKind::Number)
                 ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                 : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case kKeyRole:
      return static_cast<qlonglong>(row.key);
    default:
      return QVariant();
  }
}

QVariant BrowseTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
  if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
  {
    return QAbstractTableModel::headerData(section, orientation, role);
  }
  const auto& col = columns_[static_cast<size_t>(section)];
  if (role == Qt::DisplayRole)
  {
    return QString::fromStdString(col.title) +
           (col.kind == CellKind::Time ? QStringLiteral(" (UTC)") : QString());
  }
  if (role == Qt::ToolTipRole)
  {
    return col.sortable ? tr("Click to sort by %1").arg(QString::fromStdString(col.title))
                        : tr("%1 cannot be sorted").arg(QString::fromStdString(col.title));
  }
  return QVariant();
}

void BrowseTableModel::requestChunk(qint64 chunk) const
{
  if (failed_ || pending_.contains(chunk) || wanted_.contains(chunk))
  {
    return;
  }
  wanted_.insert(chunk);
  if (!flushScheduled_)
  {
    // data() is called for every visible cell during one paint: gather, then ask once per chunk.
    flushScheduled_ = true;
    auto* self = const_cast<BrowseTableModel*>(this);
    QTimer::singleShot(0, self, [self] { self->flushRequests(); });
  }
}

void BrowseTableModel::prefetch(int first, int last)
{
  for (qint64 chunk = first / kChunkRows; chunk <= last / kChunkRows; ++chunk)
  {
    if (!chunks_.contains(chunk))
    {
      wanted_.insert(chunk);
    }
  }
  flushRequests();
}

void BrowseTableModel::flushRequests()
{
  flushScheduled_ = false;
  QList<qint64> list = wanted_.values();
  std::sort(list.begin(), list.end());
  wanted_.clear();
  for (qint64 chunk : list)
  {
    if (pending_.contains(chunk) || chunks_.contains(chunk) || chunk * kChunkRows >= rows_)
    {
      continue;
    }
    BrowseRequest r = baseRequest();
    r.token = ++lastToken_;
    r.offset = chunk * kChunkRows;
    r.limit = kChunkRows;
    auto prev = chunks_.constFind(chunk - 1);
    if (prev != chunks_.constEnd() && prev->rows.size() == static_cast<size_t>(kChunkRows))
    {
      r.after = prev->rows.back().sortKey;  // keyset continuation: no deep OFFSET
    }
    pending_.insert(chunk);
    lastRequested_ = chunk;
    worker_->invoke([w = worker_->worker(), r] { w->fetchPage(r); });
  }
}

void BrowseTableModel::onCount(const m6::BrowseCount& count)
{
  if (count.generation != generation_)
  {
    ++staleDropped_;
    return;
  }
  beginResetModel();
  columns_ = count.columns;
  rows_ = count.rows;
  loading_ = false;
  endResetModel();
  Q_EMIT countChanged(rows_);
}

void BrowseTableModel::onPage(const m6::BrowseRows& page)
{
  if (page.generation != generation_)
  {
    ++staleDropped_;
    return;
  }
  setBuildingOrder(false);
  const qint64 chunk = page.offset / kChunkRows;
  pending_.remove(chunk);
  chunks_[chunk] = Chunk{page.rows};
  evict();
  const qint64 first = chunk * kChunkRows;
  const qint64 last = std::min<qint64>(first + kChunkRows, rows_) - 1;
  if (last >= first)
  {
    Q_EMIT dataChanged(index(static_cast<int>(first), 0),
                       index(static_cast<int>(last), columnCount() - 1));
  }
}

void BrowseTableModel::onFailed(quint64, quint64 generation, const QString& message)
{
  if (generation != generation_)
  {
    ++staleDropped_;
    return;
  }
  loading_ = false;
  setBuildingOrder(false);
  failed_ = true;  // no more requests until the next generation (avoids a retry storm)
  pending_.clear();
  Q_EMIT loadFailed(message);
}

void BrowseTableModel::setBuildingOrder(bool building)
{
  if (buildingOrder_ != building)
  {
    buildingOrder_ = building;
    Q_EMIT sortOrderBuildingChanged(building);
  }
}

void BrowseTableModel::evict()
{
  while (chunks_.size() > kMaxChunks)
  {
    auto far = chunks_.begin();
    for (auto it = chunks_.begin(); it != chunks_.end(); ++it)
    {
      if (std::llabs(it.key() - lastRequested_) > std::llabs(far.key() - lastRequested_))
      {
        far = it;
      }
    }
    chunks_.erase(far);
  }
}

}  // namespace m6
