#include "ui/browse_page.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/browse_table_model.h"
#include "ui/filter_bar.h"

namespace m6
{

BrowsePage::BrowsePage(std::unique_ptr<WorkerThread<BrowseWorker>> worker, BrowseTable table,
                       QWidget* parent)
    : QWidget(parent), table_(table)
{
  model_ = new BrowseTableModel(std::move(worker), table, this);
  filterBar_ = new FilterBar(table, this);
  view_ = new QTableView(this);
  view_->setModel(model_);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->setAlternatingRowColors(true);
  view_->setWordWrap(false);
  view_->verticalHeader()->hide();
  view_->verticalHeader()->setDefaultSectionSize(view_->fontMetrics().height() + 8);
  view_->horizontalHeader()->setStretchLastSection(true);
  view_->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
  view_->setSortingEnabled(true);
  view_->setContextMenuPolicy(Qt::CustomContextMenu);
  view_->setToolTip(table == BrowseTable::Interactions
                        ? tr("Interactions; click a header to sort")
                        : tr("Double-click a row to see its interactions; click a header to sort"));

  chip_ = new QFrame(this);
  chip_->setFrameShape(QFrame::StyledPanel);
  chip_->setStyleSheet(
      QStringLiteral("QFrame { background: palette(highlight); border-radius: 4px; }"
                     "QLabel { color: palette(highlighted-text); }"));
  auto* chipRow = new QHBoxLayout(chip_);
  chipRow->setContentsMargins(8, 2, 2, 2);
  chipLabel_ = new QLabel(chip_);
  auto* clear = new QToolButton(chip_);
  clear->setText(QStringLiteral("✕"));
  clear->setAutoRaise(true);
  clear->setToolTip(tr("Show all interactions again"));
  chipRow->addWidget(chipLabel_);
  chipRow->addWidget(clear);
  chip_->hide();

  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("browseStatus"));
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* top = new QHBoxLayout;
  top->addWidget(filterBar_, 1);
  top->addWidget(chip_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(view_, 1);
  layout->addWidget(status_);

  connect(filterBar_, &FilterBar::filterChanged, this, &BrowsePage::applyFilter);
  connect(clear, &QToolButton::clicked, this, &BrowsePage::clearEntityFilter);
  connect(view_, &QTableView::doubleClicked, this,
          [this](const QModelIndex& index) { activateRow(index.row()); });
  connect(view_, &QTableView::customContextMenuRequested, this, &BrowsePage::showContextMenu);
  connect(model_, &BrowseTableModel::countChanged, this,
          [this]
          {
            view_->scrollToTop();
            updateStatus();
          });
  // Size the columns to the first rows that arrive after a reset (then leave them to the user).
  connect(model_, &BrowseTableModel::dataChanged, this,
          [this]
          {
            if (!columnsSized_)
            {
              columnsSized_ = true;
              view_->resizeColumnsToContents();
              for (int c = 0; c < model_->columnCount(); ++c)
              {
                view_->setColumnWidth(c, std::min(view_->columnWidth(c), 320));
              }
            }
          });
  connect(model_, &BrowseTableModel::modelReset, this, [this] { columnsSized_ = false; });
  connect(model_, &BrowseTableModel::modelReset, this, &BrowsePage::updateStatus);
  connect(model_, &BrowseTableModel::sortOrderBuildingChanged, this, &BrowsePage::updateStatus);
  connect(model_, &BrowseTableModel::modelReset, this, &BrowsePage::keepSortIndicator);
  connect(model_, &BrowseTableModel::loadFailed, this,
          [this](const QString& message)
          {
            status_->setText(tr("Could not load rows: %1").arg(message));
            Q_EMIT statusMessage(status_->text());
          });
  connect(view_->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this,
          [this](int column, Qt::SortOrder)
          {
            if (column >= 0 && !model_->isSortable(column))
            {
              Q_EMIT statusMessage(tr("This column cannot be sorted"));
              keepSortIndicator();
            }
          });
  updateStatus();
}

QString BrowsePage::entityFilterLabel() const
{
  return chip_->isHidden() ? QString() : chipLabel_->text();
}

void BrowsePage::setDataset(qint64 datasetId)
{
  const QSignalBlocker block(filterBar_);
  filterBar_->clear();
  userIdx_.reset();
  itemIdx_.reset();
  chip_->hide();
  model_->setDataset(datasetId);
  view_->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
}

void BrowsePage::setUserFilter(qint64 userIdx, const QString& userId)
{
  userIdx_ = userIdx;
  itemIdx_.reset();
  chipLabel_->setText(tr("User %1").arg(userId));
  chip_->show();
  applyFilter();
}

void BrowsePage::setItemFilter(qint64 itemIdx, const QString& itemId)
{
  itemIdx_ = itemIdx;
  userIdx_.reset();
  chipLabel_->setText(tr("Item %1").arg(itemId));
  chip_->show();
  applyFilter();
}

void BrowsePage::clearEntityFilter()
{
  userIdx_.reset();
  itemIdx_.reset();
  chip_->hide();
  applyFilter();
}

void BrowsePage::focusFilter()
{
  filterBar_->focusText();
}

void BrowsePage::refresh()
{
  model_->refresh();
}

void BrowsePage::applyFilter()
{
  BrowseFilter f = filterBar_->filter();
  f.userIdx = userIdx_;
  f.itemIdx = itemIdx_;
  model_->setFilter(f);
}

void BrowsePage::activateRow(int row)
{
  if (row < 0 || !model_->isRowLoaded(row) || table_ == BrowseTable::Interactions)
  {
    return;
  }
  const qint64 key = model_->data(model_->index(row, 0), BrowseTableModel::kKeyRole).toLongLong();
  const QString id = model_->data(model_->index(row, 1)).toString();
  if (table_ == BrowseTable::Users)
  {
    Q_EMIT userActivated(key, id);
  }
  else
  {
    Q_EMIT itemActivated(key, id);
  }
}

void BrowsePage::showContextMenu(const QPoint& pos)
{
  const QModelIndex index = view_->indexAt(pos);
  if (!index.isValid() || table_ == BrowseTable::Interactions || !model_->isRowLoaded(index.row()))
  {
    return;
  }
  QMenu menu(this);
  const QString id = model_->data(model_->index(index.row(), 1)).toString();
  QAction* show =
      menu.addAction(table_ == BrowseTable::Users ? tr("Show interactions of user %1").arg(id)
                                                  : tr("Show interactions of item %1").arg(id));
  if (menu.exec(view_->viewport()->mapToGlobal(pos)) == show)
  {
    activateRow(index.row());
  }
}

void BrowsePage::updateStatus()
{
  if (model_->datasetId() == 0)
  {
    status_->setText(tr("No dataset selected"));
  }
  else if (model_->isLoading())
  {
    status_->setText(tr("Counting rows…"));
  }
  else if (model_->isBuildingSortOrder())
  {
    const int column = model_->sortColumn();
    const QString name = model_->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
    status_->setText(
        tr("Sorting %1 rows by %2: building this dataset's %2 order, once (about half a minute "
           "at 25 million rows)…")
            .arg(QLocale().toString(static_cast<qlonglong>(model_->rowCount())), name.toLower()));
  }
  else
  {
    const QString n = QLocale().toString(static_cast<qlonglong>(model_->rowCount()));
    status_->setText(model_->filter().isEmpty() ? tr("%1 rows").arg(n)
                                                : tr("%1 rows match the filter").arg(n));
  }
}

void BrowsePage::keepSortIndicator()
{
  QHeaderView* header = view_->horizontalHeader();
  const int column = model_->sortColumn();
  if (header->sortIndicatorSection() != column ||
      header->sortIndicatorOrder() != model_->sortOrder())
  {
    const QSignalBlocker block(header);
    header->setSortIndicator(column, model_->sortOrder());
    header->viewport()->update();
  }
}

}  // namespace m6
