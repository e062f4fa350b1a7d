#include "ui/runs_page.h"

#include <QAction>
#include <QCheckBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include "app/bridge/qt_text.h"
#include "app/bridge/run_library.h"
#include "app/bridge/training_controller.h"
#include "ui/adapt_lineage_panel.h"
#include "ui/prompts.h"
#include "ui/run_compare.h"
#include "ui/run_compare_view.h"
#include "ui/run_table_model.h"
#include "ui/save_file.h"
#include "ui/significance_dialog.h"

namespace m6
{

namespace
{

QPushButton* button(const QString& text, const QString& tip, QWidget* parent)
{
  auto* b = new QPushButton(text, parent);
  b->setToolTip(tip);
  return b;
}

}  // namespace

RunsPage::RunsPage(RunLibrary* library, TrainingController* controller, QWidget* parent)
    : QWidget(parent), library_(library), controller_(controller)
{
  auto* refresh = button(tr("Refresh"), tr("Read the run list again (F5)"), this);
  rename_ = button(tr("Rename…"), tr("Rename the selected run (F2)"), this);
  note_ = button(tr("Note…"), tr("Write a note on the selected run"), this);
  delete_ = button(tr("Delete…"),
                   tr("Delete the selected runs with their checkpoints, after a confirmation "
                      "(Del)"),
                   this);
  resume_ = button(tr("Resume"),
                   tr("Continue a stopped or interrupted run from its last checkpoint"), this);
  useConfig_ = button(tr("Use config"),
                      tr("Load the selected run's configuration into the Configure page"), this);
  inspect_ = button(tr("Inspect…"),
                    tr("Open the selected run on the Inspect page: per-user recommendations, "
                       "attention, embedding map (or double-click the run)"),
                    this);
  baselines_ =
      button(tr("Run baselines"),
             tr("Most popular, BPR-MF, ItemKNN and EASE^R on the selected dataset, same split and "
                "protocol as the Configure page's settings; they appear in this table"),
             this);
  significance_ = button(
      tr("Significance…"),
      tr("Is one run really better than the other? Select two runs on the same split: a paired "
         "test over users (mean difference, 95% bootstrap interval, Wilcoxon p-value)"),
      this);
  export_ = button(tr("Export curves…"),
                   tr("Write every curve of the selected runs as one CSV file"), this);
  datasetOnly_ = new QCheckBox(tr("This dataset only"), this);
  datasetOnly_->setToolTip(tr("Show only the runs of the dataset selected on the left"));
  auto* bar = new QHBoxLayout;
  for (QWidget* w :
       std::initializer_list<QWidget*>{refresh, rename_, note_, delete_, resume_, useConfig_,
                                       inspect_, significance_, baselines_, export_})
  {
    bar->addWidget(w);
  }
  bar->addStretch(1);
  bar->addWidget(datasetOnly_);
  runMenu_ = new QMenu(this);
  more_ = new QToolButton(this);
  more_->setText(tr("Run"));
  more_->setToolTip(
      tr("Adapt the selected run to another dataset or task, compare adaptation, "
         "export its model, recommendations, embeddings or metric history (the "
         "same entries as the table's context menu)"));
  more_->setMenu(runMenu_);
  more_->setPopupMode(QToolButton::InstantPopup);
  bar->insertWidget(bar->count() - 2, more_);  // before the stretch

  model_ = new RunTableModel(this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(RunTableModel::kSortRole);
  proxy_->setFilterKeyColumn(RunTableModel::Dataset);
  view_ = new QTableView(this);
  view_->setModel(proxy_);
  view_->setSortingEnabled(true);
  view_->sortByColumn(RunTableModel::Id, Qt::DescendingOrder);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view_->verticalHeader()->hide();
  view_->horizontalHeader()->setStretchLastSection(true);
  view_->setAlternatingRowColors(true);
  view_->setToolTip(tr("Click a column to sort; select several runs (Ctrl/Shift) to compare them"));
  compare_ = new RunCompareView(this);
  lineage_ = new AdaptLineagePanel(this);
  auto* top = new QSplitter(Qt::Horizontal, this);
  top->addWidget(view_);
  top->addWidget(lineage_);
  top->setStretchFactor(0, 1);
  top->setSizes({900, 300});
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(top);
  split->addWidget(compare_);
  split->setSizes({220, 480});
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  layout->addWidget(split, 1);

  auto shortcut = [this](const QKeySequence& keys, void (RunsPage::*f)())
  {
    auto* a = new QAction(this);
    a->setShortcut(keys);
    a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(a, &QAction::triggered, this, f);
    view_->addAction(a);
  };
  shortcut(QKeySequence(Qt::Key_F2), &RunsPage::renameSelected);
  shortcut(QKeySequence::Delete, &RunsPage::deleteSelected);

  view_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(view_, &QWidget::customContextMenuRequested, this,
          [this](const QPoint& pos)
          {
            if (!runMenu_->isEmpty())
            {
              runMenu_->popup(view_->viewport()->mapToGlobal(pos));
            }
          });
  connect(lineage_, &AdaptLineagePanel::runActivated, this,
          [this](qint64 id)
          {
            if (!proxy_->mapFromSource(model_->index(model_->rowOf(id), 0)).isValid())
            {
              datasetOnly_->setChecked(false);  // the parent may be on another dataset
            }
            selectRuns({id});
            const QModelIndex i = proxy_->mapFromSource(model_->index(model_->rowOf(id), 0));
            view_->scrollTo(i);
          });

  selectionTimer_ = new QTimer(this);
  selectionTimer_->setSingleShot(true);
  selectionTimer_->setInterval(80);  // shift-click through many rows asks once
  connect(selectionTimer_, &QTimer::timeout, this, &RunsPage::requestCurves);
  connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &RunsPage::onSelection);
  connect(refresh, &QPushButton::clicked, library_, &RunLibrary::refresh);
  connect(rename_, &QPushButton::clicked, this, &RunsPage::renameSelected);
  connect(note_, &QPushButton::clicked, this, &RunsPage::editNoteOfSelected);
  connect(delete_, &QPushButton::clicked, this, &RunsPage::deleteSelected);
  connect(resume_, &QPushButton::clicked, this, &RunsPage::resumeSelected);
  connect(useConfig_, &QPushButton::clicked, this,
          [this]
          {
            if (!selectedRuns().isEmpty())
            {
              Q_EMIT loadConfigRequested(selectedRuns().first());
            }
          });
  auto inspect = [this]
  {
    if (!selectedRuns().isEmpty())
    {
      Q_EMIT inspectRequested(selectedRuns().first());
    }
  };
  connect(inspect_, &QPushButton::clicked, this, inspect);
  connect(view_, &QTableView::doubleClicked, this, inspect);
  connect(baselines_, &QPushButton::clicked, this, &RunsPage::baselinesRequested);
  connect(export_, &QPushButton::clicked, this, &RunsPage::exportWithDialog);
  connect(significance_, &QPushButton::clicked, this, [this] { compareSignificance(); });
  connect(datasetOnly_, &QCheckBox::toggled, this, &RunsPage::applyDatasetFilter);
  connect(library_, &RunLibrary::runsChanged, this, &RunsPage::onRuns);
  connect(library_, &RunLibrary::curvesReady, this,
          [this](quint64 token, const m6::CurveSet& curves)
          {
            if (token != curvesToken_)
            {
              return;  // the selection has moved on
            }
            curvesToken_ = 0;
            compare_->setCurves(curves);
          });
  connect(library_, &RunLibrary::requestFailed, this,
          [this](quint64, const QString& message) { Q_EMIT statusMessage(message); });
  connect(controller_, &TrainingController::runStarted, this,
          [this](const m6::RunRecord& r)
          {
            model_->setActiveRun(r.id);
            library_->refresh();
          });
  connect(controller_, &TrainingController::jobEnded, this,
          [this]
          {
            model_->setActiveRun(0);
            library_->refresh();
            updateActions();
          });
  connect(controller_, &TrainingController::jobStarted, this, &RunsPage::updateActions);
  onRuns(library_->runs());
}

void RunsPage::setDataset(const DatasetInfo& info)
{
  dataset_ = info;
  applyDatasetFilter();
  updateActions();
}

void RunsPage::applyDatasetFilter()
{
  const QString name = QString::fromStdString(dataset_.name);
  proxy_->setFilterRegularExpression(
      datasetOnly_->isChecked() && !name.isEmpty()
          ? QRegularExpression(QLatin1Char('^') + QRegularExpression::escape(name) + '$')
          : QRegularExpression());
}

void RunsPage::onRuns(const RunList& runs)
{
  const QList<qint64> keep = selectedRuns();
  model_->setActiveRun(controller_->activeRun());
  model_->setRuns(runs);
  lineage_->setRuns(runs);
  view_->resizeColumnsToContents();
  selectRuns(keep);
  updateActions();
}

QList<qint64> RunsPage::selectedRuns() const
{
  QList<qint64> ids;
  const QModelIndexList rows = view_->selectionModel()->selectedRows();
  QList<QPair<int, qint64>> ordered;
  for (const QModelIndex& i : rows)
  {
    ordered.append({i.row(), i.data(RunTableModel::kRunIdRole).toLongLong()});
  }
  std::sort(ordered.begin(), ordered.end());
  for (const auto& o : ordered)
  {
    ids << o.second;
  }
  return ids;
}

void RunsPage::selectRuns(const QList<qint64>& ids)
{
  QItemSelection selection;
  for (qint64 id : ids)
  {
    const int row = model_->rowOf(id);
    if (row >= 0)
    {
      const QModelIndex i = proxy_->mapFromSource(model_->index(row, 0));
      if (i.isValid())
      {
        selection.select(i, i.siblingAtColumn(RunTableModel::ColumnCount - 1));
      }
    }
  }
  view_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
  onSelection();
}

void RunsPage::addRunActions(const QList<QAction*>& actions)
{
  runMenu_->addActions(actions);
  runMenu_->setToolTipsVisible(true);  // a disabled entry says why
}

void RunsPage::onSelection()
{
  const QList<qint64> ids = selectedRuns();
  lineage_->showRun(ids.size() == 1 ? ids.first() : 0);
  updateActions();
  curvesToken_ = 1;  // pending until the timer asks; then the real token
  selectionTimer_->start();
}

void RunsPage::requestCurves()
{
  shownRuns_ = selectedRuns();
  curvesToken_ = library_->loadCurves(shownRuns_);
}

void RunsPage::updateActions()
{
  const QList<qint64> ids = selectedRuns();
  const bool one = ids.size() == 1;
  const bool busy = controller_->busy();
  rename_->setEnabled(one);
  note_->setEnabled(one);
  delete_->setEnabled(!ids.isEmpty() && !ids.contains(controller_->activeRun()));
  resume_->setEnabled(one && !busy && canResume(ids.first()));
  useConfig_->setEnabled(one);
  inspect_->setEnabled(one);
  baselines_->setEnabled(!busy && dataset_.id != 0);
  export_->setEnabled(!ids.isEmpty());
  bool tested = ids.size() == 2;
  for (qint64 id : ids)
  {
    const RunEntry* e = library_->find(id);
    tested = tested && e && !e->record.test.empty();
  }
  significance_->setEnabled(tested);
}

SignificanceDialog* RunsPage::compareSignificance()
{
  const QList<qint64> ids = selectedRuns();
  if (ids.size() != 2)
  {
    return nullptr;
  }
  const RunEntry* a = library_->find(ids[0]);
  const RunEntry* b = library_->find(ids[1]);
  if (!a || !b || a->record.test.empty() || b->record.test.empty())
  {
    return nullptr;
  }
  auto* dialog = new SignificanceDialog(library_, ids[0], ids[1], qs(a->record.task),
                                        qs(defaultSignificanceMetric(a->record)), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
  return dialog;
}

bool RunsPage::canResume(qint64 runId) const
{
  const int row = model_->rowOf(runId);
  const RunEntry* e = model_->entry(row);
  if (!e || e->record.kind != "m6" || !e->hasLast || e->active)
  {
    return false;
  }
  const QString status = model_->displayStatus(*e);
  return status == QLatin1String("stopped") || status == QLatin1String("interrupted") ||
         status == QLatin1String("failed");
}

void RunsPage::renameSelected()
{
  const QList<qint64> ids = selectedRuns();
  if (ids.size() != 1)
  {
    return;
  }
  const RunEntry* e = model_->entry(model_->rowOf(ids.first()));
  QString name = QString::fromStdString(e->record.name);
  if (prompts().askText(this, tr("Rename run"), tr("New name of run %1:").arg(ids.first()),
                        &name) &&
      !name.trimmed().isEmpty())
  {
    library_->rename(ids.first(), name.trimmed());
  }
}

void RunsPage::editNoteOfSelected()
{
  const QList<qint64> ids = selectedRuns();
  if (ids.size() != 1)
  {
    return;
  }
  const RunEntry* e = model_->entry(model_->rowOf(ids.first()));
  QString note = QString::fromStdString(e->record.note);
  if (prompts().askText(this, tr("Note"), tr("Note on run %1:").arg(ids.first()), &note))
  {
    library_->setNote(ids.first(), note);
  }
}

void RunsPage::deleteSelected()
{
  QList<qint64> ids = selectedRuns();
  if (ids.isEmpty())
  {
    return;
  }
  for (qint64 id : ids)
  {
    const RunEntry* e = model_->entry(model_->rowOf(id));
    if (id == controller_->activeRun() || (e && e->active))
    {
      Q_EMIT statusMessage(tr("A run being trained cannot be deleted; stop it first"));
      return;
    }
  }
  QStringList names;
  for (qint64 id : ids)
  {
    names << QStringLiteral("\"%1\"").arg(
        QString::fromStdString(model_->entry(model_->rowOf(id))->record.name));
  }
  if (!prompts().confirm(this, tr("Delete runs"),
                         tr("Delete %n run(s) (%1) with their curves, metrics and checkpoints?\n"
                            "This cannot be undone.",
                            nullptr, int(ids.size()))
                             .arg(names.join(QStringLiteral(", ")))))
  {
    return;
  }
  for (qint64 id : ids)
  {
    library_->remove(id);
  }
  Q_EMIT statusMessage(tr("Deleting %n run(s)…", nullptr, int(ids.size())));
}

void RunsPage::resumeSelected()
{
  const QList<qint64> ids = selectedRuns();
  if (ids.size() == 1 && canResume(ids.first()))
  {
    Q_EMIT resumeRequested(ids.first());
  }
}

bool RunsPage::exportCurvesTo(const QString& path, QString* error) const
{
  return saveFileAtomically(path, curvesCsv(compare_->curves()).toUtf8(), error);
}

void RunsPage::exportWithDialog()
{
  if (!curvesShown())
  {
    Q_EMIT statusMessage(tr("The curves are still loading; try again in a moment"));
    return;
  }
  QString path = QFileDialog::getSaveFileName(this, tr("Export curves"),
                                              QStringLiteral("run-curves.csv"), tr("CSV (*.csv)"));
  if (path.isEmpty())
  {
    return;
  }
  QString error;
  if (!exportCurvesTo(path, &error))
  {
    QMessageBox::warning(this, tr("Export curves"), error);
    return;
  }
  Q_EMIT statusMessage(
      tr("Curves of %n run(s) written to %1", nullptr, int(compare_->curves().size())).arg(path));
}

}  // namespace m6
