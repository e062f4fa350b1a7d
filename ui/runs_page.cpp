// Over 500 lines: the Runs page's actions (compare, overlay, significance, resume, delete, export,
// groups, searches) over one selection.

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
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
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
#include "ui/search_results_dialog.h"
#include "ui/significance_dialog.h"
#include "ui/widget_shortcut.h"

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
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buildButtonBar());
  layout->addWidget(buildTableAndCurves(), 1);
  connectView();
  connectButtons();
  connectLibraryAndController();
  onRuns(library_->runs());
}

QHBoxLayout* RunsPage::buildButtonBar()
{
  refresh_ = button(tr("Refresh"), tr("Read the run list again (F5)"), this);
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
  searchResults_ =
      button(tr("Search results…"),
             tr("The selected search's trials: a table with their values, validation figures and "
                "decisions, and the parallel coordinates (or double-click the search's row)"),
             this);
  export_ = button(tr("Export curves…"),
                   tr("Write every curve of the selected runs as one CSV file"), this);
  datasetOnly_ = new QCheckBox(tr("This dataset only"), this);
  datasetOnly_->setToolTip(tr("Show only the runs of the dataset selected on the left"));
  auto* bar = new QHBoxLayout;
  for (QWidget* w : std::initializer_list<QWidget*>{refresh_, rename_, note_, delete_, resume_,
                                                    useConfig_, inspect_, significance_,
                                                    searchResults_, baselines_, export_})
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
  return bar;
}

QWidget* RunsPage::buildTableAndCurves()
{
  model_ = new RunTableModel(this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(RunTableModel::kSortRole);
  proxy_->setFilterKeyColumn(RunTableModel::Dataset);
  view_ = new QTreeView(this);
  view_->setModel(proxy_);
  view_->setSortingEnabled(true);
  view_->sortByColumn(RunTableModel::Id, Qt::DescendingOrder);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view_->setUniformRowHeights(true);
  view_->setAllColumnsShowFocus(true);
  view_->setExpandsOnDoubleClick(false);  // a double-click inspects the run
  view_->header()->setStretchLastSection(true);
  view_->setAlternatingRowColors(true);
  view_->setToolTip(
      tr("Click a column to sort; select several runs (Ctrl/Shift) to compare them. A run group "
         "(several seeds of one configuration) is one row: expand it for its runs"));
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
  return split;
}

void RunsPage::connectView()
{
  addWidgetShortcut(view_, QKeySequence(Qt::Key_F2), this, &RunsPage::renameSelected);
  addWidgetShortcut(view_, QKeySequence::Delete, this, &RunsPage::deleteSelected);

  view_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(view_, &QWidget::customContextMenuRequested, this,
          [this](const QPoint& pos)
          {
            if (!runMenu_->isEmpty())
            {
              runMenu_->popup(view_->viewport()->mapToGlobal(pos));
            }
          });
  connect(lineage_, &AdaptLineagePanel::runActivated, this, &RunsPage::showLineageRun);
  selectionTimer_ = new QTimer(this);
  selectionTimer_->setSingleShot(true);
  selectionTimer_->setInterval(80);  // shift-click through many rows asks once
  connect(selectionTimer_, &QTimer::timeout, this, &RunsPage::requestCurves);
  connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &RunsPage::onSelection);
  connect(view_, &QTreeView::expanded, this,
          [this] { view_->resizeColumnToContents(RunTableModel::Name); });  // the runs' names
  connect(view_, &QTreeView::doubleClicked, this, &RunsPage::onDoubleClicked);
}

void RunsPage::connectButtons()
{
  connect(refresh_, &QPushButton::clicked, library_, &RunLibrary::refresh);
  connect(rename_, &QPushButton::clicked, this, &RunsPage::renameSelected);
  connect(note_, &QPushButton::clicked, this, &RunsPage::editNoteOfSelected);
  connect(delete_, &QPushButton::clicked, this, &RunsPage::deleteSelected);
  connect(resume_, &QPushButton::clicked, this, &RunsPage::resumeSelected);
  connect(useConfig_, &QPushButton::clicked, this, &RunsPage::useConfigOfSelection);
  connect(searchResults_, &QPushButton::clicked, this,
          [this]
          {
            if (const qint64 search = searchOfSelection())
            {
              openSearchResults(search);
            }
          });
  connect(inspect_, &QPushButton::clicked, this, &RunsPage::inspectSelected);
  connect(baselines_, &QPushButton::clicked, this, &RunsPage::baselinesRequested);
  connect(export_, &QPushButton::clicked, this, &RunsPage::exportWithDialog);
  connect(significance_, &QPushButton::clicked, this, [this] { compareSignificance(); });
  connect(datasetOnly_, &QCheckBox::toggled, this, &RunsPage::applyDatasetFilter);
}

void RunsPage::connectLibraryAndController()
{
  connect(library_, &RunLibrary::runsChanged, this, &RunsPage::onRuns);
  connect(library_, &RunLibrary::curvesReady, this, &RunsPage::onCurves);
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
}

void RunsPage::showLineageRun(qint64 id)
{
  if (!proxy_->mapFromSource(model_->indexOf(id)).isValid())
  {
    datasetOnly_->setChecked(false);  // the parent may be on another dataset
  }
  selectRuns({id});
  view_->scrollTo(proxy_->mapFromSource(model_->indexOf(id)));
}

void RunsPage::useConfigOfSelection()
{
  const QList<qint64> searches = selectedSearches();
  if (searches.size() == 1)
  {
    // A search row: its best trial's configuration.
    const RunSearchRow* row = model_->search(model_->indexOfSearch(searches.first()));
    if (row && row->best >= 0)
    {
      Q_EMIT loadConfigRequested(model_->runs()[static_cast<size_t>(row->best)].record.id);
    }
    return;
  }
  if (!selectedRuns().isEmpty())
  {
    Q_EMIT loadConfigRequested(selectedRuns().first());
  }
}

void RunsPage::inspectSelected()
{
  if (!selectedRuns().isEmpty())
  {
    Q_EMIT inspectRequested(selectedRuns().first());
  }
}

void RunsPage::onDoubleClicked(const QModelIndex& i)
{
  if (i.data(RunTableModel::kGroupIdRole).toLongLong() != 0)
  {
    view_->setExpanded(i.siblingAtColumn(0), !view_->isExpanded(i.siblingAtColumn(0)));
    return;
  }
  if (const qint64 search = i.data(RunTableModel::kSearchIdRole).toLongLong())
  {
    openSearchResults(search);
    return;
  }
  inspectSelected();
}

void RunsPage::onCurves(quint64 token, const CurveSet& curves)
{
  if (token != curvesToken_)
  {
    return;  // the selection has moved on
  }
  curvesToken_ = 0;
  QHash<qint64, QString> groupNames;
  for (const RunCurves& c : curves)
  {
    if (c.record.groupId)
    {
      if (const RunGroupRow* g = model_->group(model_->indexOfGroup(*c.record.groupId)))
      {
        groupNames.insert(*c.record.groupId, qs(g->summary.group.name));
      }
    }
  }
  compare_->setGroupNames(groupNames);
  compare_->setCurves(curves);
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
  // Keep what was selected: group and search rows as such, other rows as runs.
  const QList<qint64> keepGroups = selectedGroups();
  const QList<qint64> keepSearches = selectedSearches();
  QList<qint64> keepRuns;
  for (const QModelIndex& i : view_->selectionModel()->selectedRows())
  {
    if (const qint64 id = i.data(RunTableModel::kRunIdRole).toLongLong())
    {
      keepRuns << id;
    }
  }
  QList<qint64> expanded;          // group ids
  QList<qint64> expandedSearches;  // search ids
  for (int r = 0; r < proxy_->rowCount(); ++r)
  {
    const QModelIndex i = proxy_->index(r, 0);
    if (view_->isExpanded(i))
    {
      if (const qint64 search = i.data(RunTableModel::kSearchIdRole).toLongLong())
      {
        expandedSearches << search;
      }
      else
      {
        expanded << i.data(RunTableModel::kGroupIdRole).toLongLong();
      }
    }
  }
  model_->setActiveRun(controller_->activeRun());
  model_->setRuns(runs);
  lineage_->setRuns(runs);
  for (qint64 g : expanded)
  {
    view_->setExpanded(proxy_->mapFromSource(model_->indexOfGroup(g)), true);
  }
  for (qint64 search : expandedSearches)
  {
    view_->setExpanded(proxy_->mapFromSource(model_->indexOfSearch(search)), true);
  }
  view_->resizeColumnToContents(RunTableModel::Id);
  for (int c = RunTableModel::Name; c < RunTableModel::ColumnCount - 1; ++c)
  {
    view_->resizeColumnToContents(c);
  }
  select(keepRuns, keepGroups, keepSearches);
  updateActions();
}

namespace
{

// Table order of a proxy row: (top-level row, row under it; -1 for the top row itself).
QPair<int, int> orderOf(const QModelIndex& i)
{
  return i.parent().isValid() ? qMakePair(i.parent().row(), i.row()) : qMakePair(i.row(), -1);
}

}  // namespace

QList<qint64> RunsPage::selectedRuns() const
{
  const QModelIndexList rows = selectedRowsInOrder();
  QList<qint64> ids;
  for (const QModelIndex& i : rows)
  {
    if (i.data(RunTableModel::kGroupIdRole).toLongLong() != 0 ||
        i.data(RunTableModel::kSearchIdRole).toLongLong() != 0)
    {
      for (int m = 0; m < proxy_->rowCount(i); ++m)  // a group or search row: its runs
      {
        const qint64 id = proxy_->index(m, 0, i).data(RunTableModel::kRunIdRole).toLongLong();
        if (!ids.contains(id))
        {
          ids << id;
        }
      }
      continue;
    }
    const qint64 id = i.data(RunTableModel::kRunIdRole).toLongLong();
    if (id != 0 && !ids.contains(id))
    {
      ids << id;
    }
  }
  return ids;
}

QModelIndexList RunsPage::selectedRowsInOrder() const
{
  QModelIndexList rows = view_->selectionModel()->selectedRows();
  std::sort(rows.begin(), rows.end(),
            [](const QModelIndex& a, const QModelIndex& b) { return orderOf(a) < orderOf(b); });
  return rows;
}

QList<qint64> RunsPage::selectedIds(int role) const
{
  QList<qint64> ids;
  for (const QModelIndex& i : selectedRowsInOrder())
  {
    if (const qint64 id = i.data(role).toLongLong())
    {
      ids << id;
    }
  }
  return ids;
}

QList<qint64> RunsPage::selectedGroups() const
{
  return selectedIds(RunTableModel::kGroupIdRole);
}

QList<SignificanceSide> RunsPage::selectedSides() const
{
  const QModelIndexList rows = selectedRowsInOrder();
  QList<SignificanceSide> sides;
  for (const QModelIndex& i : rows)
  {
    if (const qint64 g = i.data(RunTableModel::kGroupIdRole).toLongLong())
    {
      sides.append(SignificanceSide{g, true});
    }
    else if (i.data(RunTableModel::kSearchIdRole).toLongLong() != 0)
    {
      continue;  // a search is not one side: its trials are different configurations
    }
    else if (!i.parent().isValid() ||
             !view_->selectionModel()->isRowSelected(i.parent().row(), i.parent().parent()))
    {
      sides.append(SignificanceSide{i.data(RunTableModel::kRunIdRole).toLongLong(), false});
    }
  }
  return sides;
}

void RunsPage::selectRuns(const QList<qint64>& ids)
{
  select(ids, {});
}

void RunsPage::selectGroups(const QList<qint64>& groupIds)
{
  select({}, groupIds);
}

QList<qint64> RunsPage::selectedSearches() const
{
  return selectedIds(RunTableModel::kSearchIdRole);
}

void RunsPage::selectSearches(const QList<qint64>& searchIds)
{
  select({}, {}, searchIds);
}

qint64 RunsPage::searchOfSelection() const
{
  const QList<qint64> searches = selectedSearches();
  if (searches.size() == 1)
  {
    return searches.first();
  }
  const QList<qint64> ids = selectedRuns();
  if (searches.isEmpty() && ids.size() == 1)
  {
    const RunEntry* e = model_->find(ids.first());
    return e ? e->search.id : 0;
  }
  return 0;
}

SearchResultsDialog* RunsPage::openSearchResults(qint64 searchId)
{
  auto* dialog = new SearchResultsDialog(library_, searchId, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &SearchResultsDialog::useConfigRequested, this, &RunsPage::loadConfigRequested);
  connect(dialog, &SearchResultsDialog::runActivated, this,
          [this](qint64 runId) { selectRuns({runId}); });
  dialog->show();
  return dialog;
}

void RunsPage::select(const QList<qint64>& runIds, const QList<qint64>& groupIds,
                      const QList<qint64>& searchIds)
{
  QItemSelection selection;
  const auto add = [&](const QModelIndex& source)
  {
    const QModelIndex i = proxy_->mapFromSource(source);
    if (i.isValid())
    {
      selection.select(i, i.siblingAtColumn(RunTableModel::ColumnCount - 1));
    }
  };
  for (qint64 id : runIds)
  {
    const QModelIndex source = model_->indexOf(id);
    if (source.parent().isValid())
    {
      view_->setExpanded(proxy_->mapFromSource(source.parent()), true);  // show the member
    }
    add(source);
  }
  for (qint64 g : groupIds)
  {
    add(model_->indexOfGroup(g));
  }
  for (qint64 search : searchIds)
  {
    add(model_->indexOfSearch(search));
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
  const QList<qint64> groups = selectedGroups();
  const QList<qint64> searches = selectedSearches();
  const bool oneGroup = groups.size() == 1 && selectedSides().size() == 1;
  const bool oneSearch = searches.size() == 1 && groups.isEmpty() && selectedSides().isEmpty();
  resume_->setEnabled(!busy &&
                      ((oneGroup && canResumeGroup(groups.first())) ||
                       (oneSearch && canResumeSearch(searches.first())) ||
                       (groups.isEmpty() && searches.isEmpty() && one && canResume(ids.first()))));
  const RunSearchRow* search =
      oneSearch ? model_->search(model_->indexOfSearch(searches.first())) : nullptr;
  useConfig_->setEnabled(oneSearch ? search && search->best >= 0 : one);
  searchResults_->setEnabled(searchOfSelection() != 0);
  inspect_->setEnabled(one);
  baselines_->setEnabled(!busy && dataset_.id != 0);
  export_->setEnabled(!ids.isEmpty());
  significance_->setEnabled(comparableSides().size() == 2);
}

QList<SignificanceSide> RunsPage::comparableSides() const
{
  QList<SignificanceSide> sides = selectedSides();
  for (const SignificanceSide& s : sides)
  {
    if (s.group)
    {
      const RunGroupRow* g = model_->group(model_->indexOfGroup(s.id));
      if (!g || g->summary.withResults == 0)
      {
        return {};
      }
      continue;
    }
    const RunEntry* e = model_->find(s.id);
    if (!e || e->record.test.empty())
    {
      return {};
    }
  }
  return sides;
}

SignificanceDialog* RunsPage::compareSignificance()
{
  const QList<SignificanceSide> sides = comparableSides();
  if (sides.size() != 2)
  {
    return nullptr;
  }
  // Side A's task and default metric: the run's, or the group's first member with results.
  const RunRecord* a = nullptr;
  if (sides[0].group)
  {
    for (const RunRecord& r : model_->group(model_->indexOfGroup(sides[0].id))->summary.members)
    {
      if (!r.test.empty())
      {
        a = &r;
        break;
      }
    }
  }
  else
  {
    a = &model_->find(sides[0].id)->record;
  }
  auto* dialog = new SignificanceDialog(library_, sides[0], sides[1], qs(wordOf(a->task)),
                                        qs(defaultSignificanceMetric(*a)), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
  return dialog;
}

bool RunsPage::canResume(qint64 runId) const
{
  const RunEntry* e = model_->find(runId);
  if (!e || e->record.kind != RunKind::M6 || !e->hasLast || e->active)
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
  const RunEntry* e = model_->find(ids.first());
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
  const RunEntry* e = model_->find(ids.first());
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
    const RunEntry* e = model_->find(id);
    if (id == controller_->activeRun() || (e && e->active))
    {
      Q_EMIT statusMessage(tr("A run being trained cannot be deleted; stop it first"));
      return;
    }
  }
  QStringList names;
  for (qint64 id : ids)
  {
    names << QStringLiteral("\"%1\"").arg(QString::fromStdString(model_->find(id)->record.name));
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
  for (qint64 group : selectedGroups())
  {
    library_->removeGroup(group);  // after its runs (the worker takes requests in order)
  }
  for (qint64 search : selectedSearches())
  {
    library_->removeSearch(search);  // after its trials' runs
  }
  Q_EMIT statusMessage(tr("Deleting %n run(s)…", nullptr, int(ids.size())));
}

bool RunsPage::canResumeGroup(qint64 groupId) const
{
  const RunGroupRow* g = model_->group(model_->indexOfGroup(groupId));
  if (!g || g->summary.status() != "incomplete")
  {
    return false;
  }
  for (int m : g->members)
  {
    const RunEntry& e = model_->runs()[static_cast<size_t>(m)];
    if (e.active || e.record.id == controller_->activeRun())
    {
      return false;
    }
  }
  return true;
}

bool RunsPage::canResumeSearch(qint64 searchId) const
{
  const RunSearchRow* row = model_->search(model_->indexOfSearch(searchId));
  if (!row)
  {
    return false;
  }
  const QString status = model_->searchStatus(*row);
  return status == QLatin1String("stopped") || status == QLatin1String("interrupted");
}

void RunsPage::resumeSelected()
{
  const QList<qint64> searches = selectedSearches();
  if (searches.size() == 1 && selectedGroups().isEmpty() && selectedSides().isEmpty())
  {
    if (canResumeSearch(searches.first()))
    {
      Q_EMIT resumeSearchRequested(searches.first());
    }
    return;
  }
  const QList<qint64> groups = selectedGroups();
  if (groups.size() == 1 && selectedSides().size() == 1)
  {
    if (canResumeGroup(groups.first()))
    {
      Q_EMIT resumeGroupRequested(groups.first());
    }
    return;
  }
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
