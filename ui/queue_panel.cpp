#include "ui/queue_panel.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "app/bridge/qt_text.h"
#include "app/bridge/run_queue.h"

namespace m6
{

namespace
{

QString kindText(const QueuedJob& j)
{
  if (j.kind == "search")
  {
    const int processes = j.job.value("processes", 1);
    return processes > 1 ? QObject::tr("search, %1 at once").arg(processes) : QObject::tr("search");
  }
  if (j.kind == "group")
  {
    return QObject::tr("%1 seeds").arg(j.job.value("seeds", 1));
  }
  const int processes = j.job.value("processes", 1);
  return processes > 1 ? QObject::tr("run, %1 processes").arg(processes) : QObject::tr("run");
}

}  // namespace

QueuePanel::QueuePanel(RunQueue* queue, QWidget* parent) : QWidget(parent), queue_(queue)
{
  table_ = new QTableWidget(0, 4, this);
  table_->setHorizontalHeaderLabels({tr("Job"), tr("Kind"), tr("Dataset"), tr("Added")});
  table_->verticalHeader()->setVisible(false);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  table_->setToolTip(
      tr("Training jobs waiting their turn, first on top; they stay in the workspace when the "
         "program ends. Add them with \"Add to queue\" (Train page) or from the search dialog"));
  run_ = new QPushButton(tr("Run queue"), this);
  up_ = new QPushButton(tr("Up"), this);
  down_ = new QPushButton(tr("Down"), this);
  remove_ = new QPushButton(tr("Remove"), this);
  up_->setToolTip(tr("Start the selected job earlier"));
  down_->setToolTip(tr("Start the selected job later"));
  remove_->setToolTip(tr("Take the selected job out of the queue (nothing was trained for it)"));
  status_ = new QLabel(this);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(run_);
  buttons->addWidget(up_);
  buttons->addWidget(down_);
  buttons->addWidget(remove_);
  buttons->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(new QLabel(tr("<b>Queue</b>"), this));
  layout->addWidget(table_, 1);
  layout->addLayout(buttons);
  layout->addWidget(status_);

  connect(run_, &QPushButton::clicked, this,
          [this]
          {
            if (queue_->running())
            {
              queue_->pause();
            }
            else
            {
              queue_->start();
            }
          });
  connect(up_, &QPushButton::clicked, this, [this] { moveSelected(-1); });
  connect(down_, &QPushButton::clicked, this, [this] { moveSelected(1); });
  connect(remove_, &QPushButton::clicked, this,
          [this]
          {
            if (const qint64 id = selectedJob())
            {
              queue_->remove(id);
            }
          });
  connect(table_, &QTableWidget::itemSelectionChanged, this, &QueuePanel::updateButtons);
  connect(queue_, &RunQueue::changed, this, &QueuePanel::rebuild);
  connect(queue_, &RunQueue::runningChanged, this, &QueuePanel::updateButtons);
  rebuild();
}

qint64 QueuePanel::selectedJob() const
{
  const auto rows = table_->selectionModel()->selectedRows();
  return rows.isEmpty() ? 0 : table_->item(rows.first().row(), 0)->data(Qt::UserRole).toLongLong();
}

void QueuePanel::selectJob(qint64 jobId)
{
  for (int r = 0; r < table_->rowCount(); ++r)
  {
    if (table_->item(r, 0)->data(Qt::UserRole).toLongLong() == jobId)
    {
      table_->selectRow(r);
      return;
    }
  }
  table_->clearSelection();
}

void QueuePanel::rebuild()
{
  const qint64 keep = selectedJob();
  const QueueList& jobs = queue_->jobs();
  table_->setRowCount(static_cast<int>(jobs.size()));
  for (size_t i = 0; i < jobs.size(); ++i)
  {
    const QueuedJob& j = jobs[i];
    const int row = static_cast<int>(i);
    auto* name = new QTableWidgetItem(
        QStringLiteral("%1. %2").arg(row + 1).arg(j.name.empty() ? tr("(unnamed)") : qs(j.name)));
    name->setData(Qt::UserRole, qlonglong(j.id));
    table_->setItem(row, 0, name);
    table_->setItem(row, 1, new QTableWidgetItem(kindText(j)));
    table_->setItem(row, 2, new QTableWidgetItem(qs(j.datasetName)));
    table_->setItem(
        row, 3,
        new QTableWidgetItem(
            QDateTime::fromSecsSinceEpoch(j.createdAt).toString(QStringLiteral("MM-dd HH:mm"))));
  }
  table_->resizeColumnToContents(1);
  table_->resizeColumnToContents(2);
  table_->resizeColumnToContents(3);
  selectJob(keep);
  updateButtons();
}

void QueuePanel::updateButtons()
{
  const int n = table_->rowCount();
  const auto rows = table_->selectionModel()->selectedRows();
  const int row = rows.isEmpty() ? -1 : rows.first().row();
  up_->setEnabled(row > 0);
  down_->setEnabled(row >= 0 && row < n - 1);
  remove_->setEnabled(row >= 0);
  const bool running = queue_->running();
  run_->setText(running ? tr("Pause queue") : tr("Run queue"));
  run_->setToolTip(running ? tr("Start no further job; the one training now goes on")
                           : tr("Start the jobs one after another, from the top (when no job "
                                "runs; the running one is waited for)"));
  run_->setEnabled(running || n > 0);
  const QString waiting = n == 1 ? tr("1 job waiting") : tr("%1 jobs waiting").arg(n);
  status_->setText(running ? tr("%1 · the queue runs").arg(waiting)
                           : tr("%1 · paused").arg(waiting));
}

void QueuePanel::moveSelected(int delta)
{
  const auto rows = table_->selectionModel()->selectedRows();
  if (rows.isEmpty())
  {
    return;
  }
  queue_->move(selectedJob(), rows.first().row() + delta);
}

}  // namespace m6
