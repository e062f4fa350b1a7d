#include "ui/user_metrics_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>
#include <cmath>

#include "ui/inspect_models.h"
#include "ui/save_file.h"
#include "ui/table_style.h"

namespace m6
{

namespace
{

/// Filters (the activity bucket) but leaves sorting to the source model, which sorts its rows
/// without QVariants.
class SortInSourceProxy : public QSortFilterProxyModel
{
 public:
  using QSortFilterProxyModel::QSortFilterProxyModel;
  void sort(int column, Qt::SortOrder order) override { sourceModel()->sort(column, order); }
};

}  // namespace

UserMetricsView::UserMetricsView(QWidget* parent) : QWidget(parent)
{
  model_ = new UserMetricsModel(this);
  proxy_ = new SortInSourceProxy(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(kInspectSortRole);
  proxy_->setFilterKeyColumn(UserMetricsModel::Bucket);
  view_ = new QTableView(this);
  view_->setModel(proxy_);
  view_->setSortingEnabled(true);
  view_->sortByColumn(UserMetricsModel::Rank, Qt::AscendingOrder);
  styleReadOnlyTable(view_,
                     tr("Every evaluated user of the test set; click a header to sort, "
                        "double-click a row to open the user"),
                     false);
  bucket_ = new QComboBox(this);
  bucket_->addItem(tr("All users"), QString());
  bucket_->addItem(tr("cold (≤ 5 training interactions)"), QStringLiteral("cold"));
  bucket_->addItem(tr("medium (6–20)"), QStringLiteral("medium"));
  bucket_->addItem(tr("heavy (> 20)"), QStringLiteral("heavy"));
  bucket_->setToolTip(tr("Show only the users of one activity bucket"));
  export_ = new QPushButton(tr("Export CSV…"), this);
  export_->setToolTip(tr("Write the rows shown (filter and sort applied) as a CSV file"));
  summary_ = new QLabel(this);
  summary_->setWordWrap(true);
  auto* bar = new QHBoxLayout;
  bar->setContentsMargins(0, 0, 0, 0);
  bar->addWidget(new QLabel(tr("Activity:"), this));
  bar->addWidget(bucket_);
  bar->addWidget(summary_, 1);
  bar->addWidget(export_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  layout->addWidget(view_, 1);

  connect(bucket_, &QComboBox::currentIndexChanged, this, &UserMetricsView::applyFilter);
  connect(export_, &QPushButton::clicked, this, &UserMetricsView::exportWithDialog);
  connect(view_, &QTableView::doubleClicked, this,
          [this](const QModelIndex& index)
          { Q_EMIT userActivated(proxy_->data(index, kInspectIndexRole).toInt()); });
  clear(QString());
}

void UserMetricsView::setTable(const UserMetricsTable& table)
{
  model_->setTable(table);
  view_->resizeColumnsToContents();
  export_->setEnabled(!table.rows.empty());
  updateSummary();
}

void UserMetricsView::clear(const QString& message)
{
  model_->setTable(UserMetricsTable());
  export_->setEnabled(false);
  summary_->setText(message);
}

void UserMetricsView::applyFilter()
{
  const QString bucket = bucket_->currentData().toString();
  proxy_->setFilterRegularExpression(
      bucket.isEmpty() ? QRegularExpression()
                       : QRegularExpression(QLatin1Char('^') + bucket + QLatin1Char('$')));
  updateSummary();
}

void UserMetricsView::updateSummary()
{
  const UserMetricsTable& t = model_->table();
  double ndcg = 0;
  double hit = 0;
  int n = 0;
  for (int r = 0; r < proxy_->rowCount(); ++r)
  {
    const auto& e = t.rows[size_t(proxy_->mapToSource(proxy_->index(r, 0)).row())];
    if (!std::isnan(e.ndcg))
    {
      ndcg += e.ndcg;
      hit += e.hit;
      ++n;
    }
  }
  summary_->setText(
      n == 0 ? tr("%1 users").arg(proxy_->rowCount())
             : tr("%1 users: mean NDCG@%2 %3, HR@%2 %4 — %5 (%6)")
                   .arg(n)
                   .arg(t.k)
                   .arg(ndcg / n, 0, 'f', 4)
                   .arg(hit / n, 0, 'f', 4)
                   .arg(t.source, t.protocol.isEmpty() ? tr("protocol not recorded") : t.protocol));
}

QString UserMetricsView::summary() const
{
  return summary_->text();
}

QString UserMetricsView::shownCsv() const
{
  std::vector<int> rows;
  for (int r = 0; r < proxy_->rowCount(); ++r)
  {
    rows.push_back(proxy_->mapToSource(proxy_->index(r, 0)).row());
  }
  return model_->csv(&rows);
}

bool UserMetricsView::exportCsv(const QString& path, QString* error) const
{
  return saveFileAtomically(path, shownCsv().toUtf8(), error);
}

void UserMetricsView::exportWithDialog()
{
  const QString path =
      askSavePath(this, tr("Export per-user metrics"),
                  QStringLiteral("user-metrics-run%1.csv").arg(model_->table().runId),
                  tr("CSV (*.csv)"), QStringLiteral(".csv"));
  if (path.isEmpty())
  {
    return;
  }
  QString error;
  if (!exportCsv(path, &error))
  {
    QMessageBox::warning(this, tr("Export per-user metrics"), error);
    return;
  }
  Q_EMIT statusMessage(tr("Per-user metrics written to %1").arg(path));
}

}  // namespace m6
