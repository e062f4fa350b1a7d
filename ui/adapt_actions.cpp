#include "ui/adapt_actions.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QSpinBox>
#include <QTableView>
#include <QTreeView>

#include "app/bridge/adapt_info.h"
#include "app/bridge/run_library.h"
#include "app/bridge/training_controller.h"
#include "app/runner/run_config.h"
#include "ui/adapt_dialog.h"
#include "ui/adapt_options_box.h"
#include "ui/compare_dialog.h"
#include "ui/run_table_model.h"
#include "ui/runs_page.h"

namespace m6
{

AdaptActions::AdaptActions(AdaptInfo* info, TrainingController* controller, RunLibrary* library,
                           RunsPage* runs, std::function<qint64()> currentDataset)
    : QObject(runs),
      info_(info),
      controller_(controller),
      library_(library),
      runs_(runs),
      currentDataset_(std::move(currentDataset))
{
  adapt_ = new QAction(tr("&Adapt run…"), this);
  adapt_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
  adapt_->setStatusTip(
      tr("A new run from the selected run's weights, on another dataset or "
         "task, with frozen parts or adapters"));
  compare_ = new QAction(tr("Co&mpare adaptation…"), this);
  compare_->setStatusTip(
      tr("Zero-shot vs adapted vs trained from scratch, at several shares "
         "of the target's training data"));
  connect(adapt_, &QAction::triggered, this,
          [this]
          {
            const QList<qint64> ids = runs_->selectedRuns();
            if (ids.size() == 1)
            {
              openAdaptDialog(ids.first());
            }
          });
  connect(compare_, &QAction::triggered, this,
          [this]
          {
            const QList<qint64> ids = runs_->selectedRuns();
            openCompare(ids.size() == 1 ? ids.first() : 0, currentDataset_());
          });
  connect(runs_->view()->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &AdaptActions::updateActions);
  connect(library_, &RunLibrary::runsChanged, this, &AdaptActions::updateActions);
  connect(controller_, &TrainingController::jobStarted, this, &AdaptActions::updateActions);
  connect(controller_, &TrainingController::jobStarted, this,
          [this]
          {
            if (dialog_)
            {
              dialog_->setBusy(true);
            }
          });
  connect(controller_, &TrainingController::jobEnded, this,
          [this]
          {
            if (dialog_)
            {
              dialog_->setBusy(false);
            }
            updateActions();
          });
  updateActions();
}

AdaptActions::~AdaptActions()
{
  delete dialog_;
  delete compareDialog_;
}

AdaptDialog* AdaptActions::adaptDialog() const
{
  return dialog_.data();
}

CompareDialog* AdaptActions::compareDialog() const
{
  return compareDialog_.data();
}

QList<QAction*> AdaptActions::actions() const
{
  return {adapt_, compare_};
}

QString AdaptActions::adaptBlocker(qint64 runId) const
{
  const RunEntry* e = library_->find(runId);
  if (!e)
  {
    return tr("Select one run to adapt");
  }
  if (const std::string why = m6::adaptBlocker(e->record); !why.empty())
  {
    return QString::fromStdString(why);
  }
  if (!e->hasBest && !e->hasLast)
  {
    return tr("This run has no checkpoint (it never finished an epoch)");
  }
  if (e->active || e->record.id == controller_->activeRun())
  {
    return tr("This run is being trained; adapt it when it has ended");
  }
  if (controller_->busy())
  {
    return tr("A job is running; wait for it to end or stop it");
  }
  return {};
}

void AdaptActions::updateActions()
{
  const QList<qint64> ids = runs_->selectedRuns();
  const QString why = ids.size() == 1 ? adaptBlocker(ids.first()) : tr("Select one run to adapt");
  adapt_->setEnabled(why.isEmpty());
  adapt_->setToolTip(why.isEmpty() ? tr("Adapt the selected run to another dataset or task "
                                        "(Ctrl+Shift+A)")
                                   : why);
  compare_->setEnabled(!controller_->busy() || (compareDialog_ && compareDialog_->running()));
  compare_->setToolTip(tr("Zero-shot vs adapted vs from scratch on a target dataset"));
}

AdaptDialog* AdaptActions::openAdaptDialog(qint64 runId)
{
  const QString why = adaptBlocker(runId);
  if (!why.isEmpty())
  {
    Q_EMIT statusMessage(tr("Cannot adapt: %1").arg(why));
    return nullptr;
  }
  const RunRecord parent = library_->find(runId)->record;
  RunConfig config;
  try
  {
    config = configOfRun(parent);
  }
  catch (const std::exception& e)
  {
    Q_EMIT statusMessage(tr("Cannot adapt: %1").arg(e.what()));
    return nullptr;
  }
  delete dialog_;
  dialog_ = new AdaptDialog(info_, parent, config, currentDataset_(), runs_->window());
  dialog_->setAttribute(Qt::WA_DeleteOnClose);
  dialog_->setBusy(controller_->busy());
  connect(dialog_, &AdaptDialog::startRequested, this,
          [this](const m6::AdaptRequest& request)
          {
            if (controller_->startAdapt(request) == 0)
            {
              Q_EMIT statusMessage(tr("A job is running; wait for it to end or stop it"));
              return;
            }
            Q_EMIT statusMessage(tr("Adapting run %1…").arg(request.parentRun));
            Q_EMIT adaptStarted();
            dialog_->accept();
          });
  connect(dialog_, &AdaptDialog::compareRequested, this,
          [this](qint64 parentRun, qint64 datasetId)
          {
            CompareDialog* d = openCompare(parentRun, datasetId);
            if (d && dialog_)
            {
              d->optionsBox()->setOptions(dialog_->request().options);
              d->epochsSpin()->setValue(dialog_->request().config.train.epochs);
            }
          });
  dialog_->show();
  return dialog_;
}

CompareDialog* AdaptActions::openCompare(qint64 parentRun, qint64 datasetId)
{
  if (!compareDialog_)
  {
    compareDialog_ = new CompareDialog(info_, controller_, library_, runs_->window());
    connect(compareDialog_, &CompareDialog::statusMessage, this, &AdaptActions::statusMessage);
  }
  if (parentRun > 0)
  {
    compareDialog_->selectParent(parentRun);
  }
  if (datasetId > 0)
  {
    compareDialog_->selectTarget(datasetId);
  }
  compareDialog_->show();
  compareDialog_->raise();
  return compareDialog_;
}

}  // namespace m6
