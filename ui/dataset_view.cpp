#include "ui/dataset_view.h"

#include "app/bridge/workspace_services.h"
#include "app/bridge/workspace_session.h"
#include "ui/browse_page.h"
#include "ui/stats_page.h"

namespace m6
{

DatasetView::DatasetView(WorkspaceSession* session, WorkspaceServices* services, QWidget* parent)
    : QTabWidget(parent), session_(session)
{
  users_ = new BrowsePage(services->newBrowseWorker(), BrowseTable::Users, this);
  items_ = new BrowsePage(services->newBrowseWorker(), BrowseTable::Items, this);
  interactions_ = new BrowsePage(services->newBrowseWorker(), BrowseTable::Interactions, this);
  stats_ = new StatsPage(session, this);
  addPage(users_, tr("Users"), tr("The dataset's users with their features"));
  addPage(items_, tr("Items"), tr("The dataset's items with their features"));
  addPage(interactions_, tr("Interactions"), tr("Every interaction: user, item, rating, time"));
  addPage(stats_, tr("Statistics"), tr("Summary figures and plots of the dataset"));
  setDocumentMode(true);

  connect(users_, &BrowsePage::userActivated, this,
          [this](qint64 idx, const QString& id)
          {
            interactions_->setUserFilter(idx, id);
            setCurrentWidget(interactions_);
            Q_EMIT statusMessage(tr("Interactions of user %1").arg(id));
          });
  connect(items_, &BrowsePage::itemActivated, this,
          [this](qint64 idx, const QString& id)
          {
            interactions_->setItemFilter(idx, id);
            setCurrentWidget(interactions_);
            Q_EMIT statusMessage(tr("Interactions of item %1").arg(id));
          });
  for (BrowsePage* p : {users_, items_, interactions_})
  {
    connect(p, &BrowsePage::statusMessage, this, &DatasetView::statusMessage);
  }
  connect(stats_, &StatsPage::statusMessage, this, &DatasetView::statusMessage);
  setEnabled(false);
}

int DatasetView::addPage(QWidget* page, const QString& title, const QString& tooltip)
{
  const int index = addTab(page, title);
  setTabToolTip(index, tooltip);
  return index;
}

BrowsePage* DatasetView::browsePage(BrowseTable table) const
{
  switch (table)
  {
    case BrowseTable::Users:
      return users_;
    case BrowseTable::Items:
      return items_;
    case BrowseTable::Interactions:
      return interactions_;
  }
  return nullptr;
}

void DatasetView::setDataset(const DatasetInfo& info)
{
  const bool same = info.id == dataset_.id && info.interactions == dataset_.interactions;
  dataset_ = info;
  setEnabled(info.id != 0);
  if (!same)
  {
    users_->setDataset(info.id);
    items_->setDataset(info.id);
    interactions_->setDataset(info.id);
    stats_->setDataset(info.id);
  }
  Q_EMIT datasetChanged(info);
}

void DatasetView::focusFilter()
{
  if (auto* page = qobject_cast<BrowsePage*>(currentWidget()))
  {
    page->focusFilter();
  }
  else
  {
    setCurrentWidget(interactions_);
    interactions_->focusFilter();
  }
}

void DatasetView::refresh()
{
  if (auto* page = qobject_cast<BrowsePage*>(currentWidget()))
  {
    page->refresh();
  }
  else if (currentWidget() == stats_)
  {
    stats_->setDataset(dataset_.id);
  }
}

}  // namespace m6
