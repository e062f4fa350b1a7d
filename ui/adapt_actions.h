// AdaptActions: the adaptation entry points of the workbench, for ModelPages: "Adapt
// run…" (the selected run; the Runs page's Run menu and context menu, and the Model menu) opens
// an AdaptDialog and starts the adapted run on the TrainingController; "Compare adaptation…"
// opens the CompareDialog (from the Model menu, the Run menu or the Adapt dialog).
//
// "Adapt run…" is enabled for one selected M6 run with a checkpoint while no job runs; for a
// baseline, a run without a checkpoint or a running one it is disabled and its tooltip says why.
//
// Uses the workspace's AdaptInfo (datasets, schemas, previews), which the dialogs share.
//
// Thread affinity: GUI thread.
#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <functional>
#include <memory>

#include "app/bridge/adapt_types.h"

class QAction;
class QWidget;

namespace m6
{

class AdaptDialog;
class AdaptInfo;
class CompareDialog;
class RunLibrary;
class RunsPage;
class TrainingController;

class AdaptActions : public QObject
{
  Q_OBJECT
 public:
  /// `info`, `controller`, `library`: the workspace's services. `currentDataset` gives the dataset
  /// selected in the window (the default target).
  AdaptActions(AdaptInfo* info, TrainingController* controller, RunLibrary* library, RunsPage* runs,
               std::function<qint64()> currentDataset);
  ~AdaptActions() override;

  QList<QAction*> actions() const;
  QAction* adaptAction() const { return adapt_; }
  QAction* compareAction() const { return compare_; }
  AdaptInfo* info() const { return info_; }

  /// Why run `runId` cannot be adapted now ("" when it can).
  QString adaptBlocker(qint64 runId) const;
  /// Opens the Adapt dialog for a run (non-modal); nullptr, with a status message, when the
  /// run cannot be adapted.
  AdaptDialog* openAdaptDialog(qint64 runId);
  /// Opens (or raises) the comparison view, preselecting the parent and target when given.
  CompareDialog* openCompare(qint64 parentRun = 0, qint64 datasetId = 0);
  AdaptDialog* adaptDialog() const;
  CompareDialog* compareDialog() const;

 Q_SIGNALS:
  /// An adapted run was started: show the Train page.
  void adaptStarted();
  void statusMessage(QString message);

 private:
  void updateActions();

  AdaptInfo* info_;
  TrainingController* controller_;
  RunLibrary* library_;
  RunsPage* runs_;
  std::function<qint64()> currentDataset_;
  QAction* adapt_ = nullptr;
  QAction* compare_ = nullptr;
  QPointer<AdaptDialog> dialog_;
  QPointer<CompareDialog> compareDialog_;
};

}  // namespace m6
