#include "ui/dataset_list_panel.h"

#include <QAction>
#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QTableView>
#include <QVBoxLayout>

#include "app/bridge/workspace_session.h"
#include "ui/import_report_view.h"
#include "ui/prompts.h"

namespace m6
{

namespace
{
enum Col
{
  kName,
  kFormat,
  kUsers,
  kItems,
  kInteractions,
  kImported,
  kCols
};
}

void DatasetListModel::setDatasets(const DatasetList& list)
{
  beginResetModel();
  list_ = list;
  endResetModel();
}

int DatasetListModel::rowOf(const QString& name) const
{
  for (size_t i = 0; i < list_.size(); ++i)
  {
    if (QString::fromStdString(list_[i].name) == name)
    {
      return static_cast<int>(i);
    }
  }
  return -1;
}

int DatasetListModel::rowCount(const QModelIndex& parent) const
{
  return parent.isValid() ? 0 : static_cast<int>(list_.size());
}

int DatasetListModel::columnCount(const QModelIndex& parent) const
{
  return parent.isValid() ? 0 : kCols;
}

QVariant DatasetListModel::data(const QModelIndex& index, int role) const
{
  if (!index.isValid() || index.row() >= rowCount())
  {
    return QVariant();
  }
  const DatasetInfo& d = list_[static_cast<size_t>(index.row())];
  const QLocale loc;
  if (role == Qt::DisplayRole)
  {
    switch (index.column())
    {
      case kName:
        return QString::fromStdString(d.name);
      case kFormat:
        return QString::fromStdString(d.sourceFormat);
      case kUsers:
        return loc.toString(static_cast<qlonglong>(d.users));
      case kItems:
        return loc.toString(static_cast<qlonglong>(d.items));
      case kInteractions:
        return loc.toString(static_cast<qlonglong>(d.interactions));
      case kImported:
        return QDateTime::fromSecsSinceEpoch(d.createdAt)
            .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    }
  }
  if (role == Qt::ToolTipRole)
  {
    QString tip =
        tr("%1\nfrom %2 (%3)\n%4 users, %5 items, %6 interactions")
            .arg(QString::fromStdString(d.name),
                 d.sourcePath.empty() ? tr("generated") : QString::fromStdString(d.sourcePath),
                 QString::fromStdString(d.sourceFormat),
                 loc.toString(static_cast<qlonglong>(d.users)),
                 loc.toString(static_cast<qlonglong>(d.items)),
                 loc.toString(static_cast<qlonglong>(d.interactions)));
    if (!d.note.empty())
    {
      tip += QLatin1Char('\n') + QString::fromStdString(d.note);  // a prepared dataset's recipe
    }
    return tip;
  }
  if (role == Qt::TextAlignmentRole && index.column() >= kUsers && index.column() <= kInteractions)
  {
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  }
  return QVariant();
}

QVariant DatasetListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
  {
    return QVariant();
  }
  static const char* names[] = {"Name", "Format", "Users", "Items", "Interactions", "Imported"};
  return section >= 0 && section < kCols ? tr(names[section]) : QVariant();
}

DatasetListPanel::DatasetListPanel(WorkspaceSession* session, QWidget* parent)
    : QWidget(parent), session_(session)
{
  model_ = new DatasetListModel(this);
  view_ = new QTableView(this);
  view_->setModel(model_);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->verticalHeader()->hide();
  view_->horizontalHeader()->setStretchLastSection(true);
  view_->setContextMenuPolicy(Qt::CustomContextMenu);
  view_->setToolTip(
      tr("Datasets in this workspace; right-click to rename, delete or see the "
         "import report"));
  empty_ = new QLabel(tr("No datasets yet.\nFile > Import dataset (Ctrl+I)\nor File > New demo "
                         "dataset."),
                      this);
  empty_->setAlignment(Qt::AlignCenter);
  empty_->setStyleSheet(QStringLiteral("color: gray"));
  auto* title = new QLabel(tr("<b>Datasets</b>"), this);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 6, 0, 6);
  layout->addWidget(title);
  layout->addWidget(view_, 1);
  layout->addWidget(empty_);

  delete_ = new QAction(tr("&Delete…"), this);
  delete_->setShortcut(QKeySequence::Delete);
  delete_->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  connect(delete_, &QAction::triggered, this, &DatasetListPanel::deleteCurrent);
  addAction(delete_);

  connect(session_, &WorkspaceSession::datasetsChanged, this, &DatasetListPanel::onDatasets);
  connect(view_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current)
          {
            DatasetInfo info;
            if (current.isValid())
            {
              info = model_->datasets()[static_cast<size_t>(current.row())];
            }
            emitSelection(info);
          });
  connect(view_, &QTableView::customContextMenuRequested, this, &DatasetListPanel::showMenu);
  connect(session_, &WorkspaceSession::renamed, this,
          [this](quint64, const QString& from, const QString& to)
          {
            pendingSelect_ = to;
            Q_EMIT statusMessage(tr("Renamed %1 to %2").arg(from, to));
          });
  connect(session_, &WorkspaceSession::deleted, this,
          [this](quint64, const QString& name)
          { Q_EMIT statusMessage(tr("Deleted %1").arg(name)); });
  connect(session_, &WorkspaceSession::reportReady, this,
          [this](quint64 token, qint64 id, const m6::ImportReport& report)
          {
            if (token != reportToken_)
            {
              return;
            }
            for (const auto& d : model_->datasets())
            {
              if (d.id == id)
              {
                auto* dialog = new ImportReportDialog(d, report, this);
                dialog->setAttribute(Qt::WA_DeleteOnClose);
                dialog->open();
              }
            }
          });
  connect(session_, &WorkspaceSession::requestFailed, this,
          [this](quint64 token, const QString& message)
          {
            if (token != reportToken_)
            {
              return;
            }
            auto* box = new QMessageBox(QMessageBox::Information, tr("Import report"),
                                        tr("No import report to show: %1.").arg(message),
                                        QMessageBox::Close, this);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
          });
  onDatasets({});
}

const DatasetInfo* DatasetListPanel::current() const
{
  const QModelIndex index = view_->currentIndex();
  if (!index.isValid() || index.row() >= model_->rowCount())
  {
    return nullptr;
  }
  return &model_->datasets()[static_cast<size_t>(index.row())];
}

void DatasetListPanel::select(const QString& name)
{
  const int row = model_->rowOf(name);
  if (row >= 0)
  {
    view_->setCurrentIndex(model_->index(row, 0));
  }
  else
  {
    pendingSelect_ = name;  // not listed yet: select when the list arrives
  }
}

void DatasetListPanel::clear()
{
  pendingSelect_.clear();
  onDatasets({});
}

void DatasetListPanel::onDatasets(const DatasetList& list)
{
  const DatasetInfo* cur = current();
  QString keep =
      pendingSelect_.isEmpty() && cur ? QString::fromStdString(cur->name) : pendingSelect_;
  model_->setDatasets(list);
  view_->resizeColumnsToContents();
  empty_->setVisible(list.empty());
  int row = model_->rowOf(keep);
  if (row >= 0)
  {
    pendingSelect_.clear();
  }
  if (row < 0 && !list.empty())
  {
    row = 0;
  }
  if (row >= 0)
  {
    view_->setCurrentIndex(model_->index(row, 0));
  }
  // Also covers a renamed dataset (same id, new name) and an emptied list.
  const DatasetInfo* now = current();
  emitSelection(now ? *now : DatasetInfo());
}

void DatasetListPanel::emitSelection(const DatasetInfo& info)
{
  updateActions();
  if (info.id != selected_.id || info.name != selected_.name ||
      info.interactions != selected_.interactions)
  {
    selected_ = info;
    Q_EMIT datasetSelected(info);
  }
}

void DatasetListPanel::showMenu(const QPoint& pos)
{
  const QModelIndex index = view_->indexAt(pos);
  if (!index.isValid())
  {
    return;
  }
  view_->setCurrentIndex(index);
  QMenu menu(this);
  menu.addAction(tr("Show import report"), this, &DatasetListPanel::showReportOfCurrent);
  menu.addAction(tr("Rename…"), QKeySequence(Qt::Key_F2), this, &DatasetListPanel::renameCurrent);
  menu.addAction(delete_);
  menu.setToolTipsVisible(true);
  menu.exec(view_->viewport()->mapToGlobal(pos));
}

void DatasetListPanel::renameCurrent()
{
  const DatasetInfo* d = current();
  if (!d)
  {
    return;
  }
  const QString from = QString::fromStdString(d->name);
  QString to = from;
  if (!prompts().askText(this, tr("Rename dataset"), tr("New name for %1:").arg(from), &to) ||
      to.trimmed().isEmpty() || to.trimmed() == from)
  {
    return;
  }
  session_->renameDataset(from, to.trimmed());
  Q_EMIT statusMessage(tr("Renaming %1…").arg(from));
}

void DatasetListPanel::setTrainingDataset(qint64 datasetId)
{
  trainingDataset_ = datasetId;
  updateActions();
}

void DatasetListPanel::updateActions()
{
  const DatasetInfo* d = current();
  const bool training = d && d->id == trainingDataset_;
  delete_->setEnabled(d && !training);
  if (training)
  {
    delete_->setToolTip(tr("%1 cannot be deleted while this window trains on it; stop the run "
                           "first (Model > Stop training)")
                            .arg(QString::fromStdString(d->name)));
  }
  else
  {
    delete_->setToolTip(
        tr("Delete the selected dataset with its interactions, after a "
           "confirmation (Del)"));
  }
  delete_->setStatusTip(delete_->toolTip());
}

void DatasetListPanel::deleteCurrent()
{
  const DatasetInfo* d = current();
  if (!d)
  {
    return;
  }
  if (d->id == trainingDataset_)
  {
    Q_EMIT statusMessage(delete_->toolTip());
    return;
  }
  const QString name = QString::fromStdString(d->name);
  const QLocale loc;
  const QString text =
      tr("Delete the dataset \"%1\" with %2 users, %3 items and %4 interactions?\n\nThis cannot "
         "be undone.")
          .arg(name, loc.toString(static_cast<qlonglong>(d->users)),
               loc.toString(static_cast<qlonglong>(d->items)),
               loc.toString(static_cast<qlonglong>(d->interactions)));
  if (!prompts().confirm(this, tr("Delete dataset"), text))
  {
    return;
  }
  session_->deleteDataset(name);
  Q_EMIT statusMessage(tr("Deleting %1…").arg(name));
}

void DatasetListPanel::showReportOfCurrent()
{
  if (const DatasetInfo* d = current())
  {
    reportToken_ = session_->loadReport(d->id);
  }
}

}  // namespace m6
