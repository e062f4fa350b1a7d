// PrepareDialog: Dataset > Prepare dataset… A recipe for a new dataset made from the selected
// one (remove repeats, a rating threshold, a time window, the most recent N per user, a k-core;
// model/core/prepare.h), with a live table of the users, items and interactions left after each
// step, counted on a worker while the user edits (WorkspaceSession::previewPreparation). Prepare
// runs as the session's job (progress, cancel); the source dataset is never changed.
//
// Thread affinity: GUI thread.
#pragma once

#include <QDialog>
#include <QPointer>

#include "model/core/prepare.h"
#include "storage/workspace.h"

class QCheckBox;
class QComboBox;
class QDateEdit;
class QDoubleSpinBox;
class QFormLayout;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace m6
{

class JobProgressWidget;
class WorkspaceSession;
struct ImportResult;
struct WorkProgress;

class PrepareDialog : public QDialog
{
  Q_OBJECT
 public:
  PrepareDialog(WorkspaceSession* session, const DatasetInfo& source, QWidget* parent = nullptr);
  ~PrepareDialog() override;

  /// The recipe the controls describe.
  PrepareRecipe recipe() const;
  /// "" when Prepare can start, else what stands in the way.
  QString problem() const;

  QComboBox* dedupeCombo() const { return dedupe_; }
  QCheckBox* minRatingCheck() const { return useMinRating_; }
  QDoubleSpinBox* minRatingSpin() const { return minRating_; }
  QSpinBox* minUserSpin() const { return minUser_; }
  QSpinBox* minItemSpin() const { return minItem_; }
  QSpinBox* maxPerUserSpin() const { return maxPerUser_; }
  QLineEdit* nameEdit() const { return name_; }
  QTableWidget* stepsTable() const { return steps_; }
  QPushButton* prepareButton() const { return prepare_; }
  /// True while a preview count is on its way.
  bool previewPending() const { return previewToken_ != 0; }
  /// The new dataset once prepared ("" before).
  const QString& preparedName() const { return prepared_; }

 Q_SIGNALS:
  void prepared(const m6::DatasetInfo& dataset);

 private:
  // The constructor's steps: the filters with the new name, the step table with the buttons.
  QFormLayout* buildForm();
  QHBoxLayout* buildResults();
  void connectEdits();
  void connectSession();

  void schedulePreview();
  void requestPreview();
  void showSteps(const std::vector<PrepareStep>& steps);
  void updateButtons();
  void start();
  void onFinished(quint64 token, const m6::ImportResult& result);
  void onFailed(quint64 token, const QString& message);

  QPointer<WorkspaceSession> session_;  // the window's; may go first when the window closes
  DatasetInfo source_;
  QComboBox* dedupe_ = nullptr;
  QCheckBox* useMinRating_ = nullptr;
  QDoubleSpinBox* minRating_ = nullptr;
  QCheckBox* useFrom_ = nullptr;
  QDateEdit* from_ = nullptr;
  QCheckBox* useTo_ = nullptr;
  QDateEdit* to_ = nullptr;
  QSpinBox* maxPerUser_ = nullptr;
  QSpinBox* minUser_ = nullptr;
  QSpinBox* minItem_ = nullptr;
  QLineEdit* name_ = nullptr;
  QLabel* nameProblem_ = nullptr;
  QTableWidget* steps_ = nullptr;
  QLabel* status_ = nullptr;
  JobProgressWidget* progress_ = nullptr;
  QPushButton* prepare_ = nullptr;
  QPushButton* close_ = nullptr;
  QTimer* previewTimer_ = nullptr;
  QTimer* nameTimer_ = nullptr;
  quint64 previewToken_ = 0;
  quint64 nameToken_ = 0;
  quint64 jobToken_ = 0;
  bool nameChecked_ = false;
  QString nameError_;
  QString previewError_;
  int64_t keptInteractions_ = -1;  // after the last step of the latest preview; -1: unknown
  QString prepared_;
};

}  // namespace m6
