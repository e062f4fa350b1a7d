// AdaptDialog: "Adapt run…": a new run that starts from a trained M6 run's weights, on any
// dataset of the workspace and any task. The user picks the target dataset, the task, the
// adaptation options (AdaptOptionsBox: freezing, parameter-efficient adapters, new head, a
// learning rate for carried parameters, zero-shot), the share of the target's training data,
// the epochs, and the rest of the configuration in a ConfigForm that starts from
// adaptedConfig(parent's config, options) and is validated against the target's schema (a
// rating task on a dataset without ratings is refused, naming the field).
//
// A preview of the adaptation report (AdaptInfo::preview, on its worker, a quarter second after
// the last change) lists every parameter as carried / carried partly / re-initialised / added
// and trained / frozen, with the trainable share ("1.2% of 85,000 parameters trainable").
//
// Start emits startRequested() with the request; the owner (AdaptActions) starts it on the
// TrainingController and closes the dialog. Nothing here touches a model or the workspace.
//
// Thread affinity: GUI thread.
#pragma once

#include <QDialog>

#include "app/bridge/adapt_types.h"
#include "app/bridge/bridge_types.h"
#include "app/bridge/train_types.h"

class QComboBox;
class QDoubleSpinBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableView;
class QTimer;

namespace m6
{

class AdaptInfo;
class AdaptOptionsBox;
class AdaptReportModel;
class ConfigForm;

class AdaptDialog : public QDialog
{
  Q_OBJECT
 public:
  /// `parentRun` must be an M6 run with a readable config (parentConfig). `targetDatasetId` is
  /// selected when the list arrives (0: the parent's dataset).
  AdaptDialog(AdaptInfo* info, const RunRecord& parentRun, const RunConfig& parentConfig,
              qint64 targetDatasetId, QWidget* parent = nullptr);

  /// While a job runs, Start is disabled and no preview is made (a preview builds models, which
  /// would draw from the running job's random numbers).
  void setBusy(bool busy);
  bool selectTarget(const QString& datasetName);
  qint64 targetDataset() const;

  AdaptRequest request() const;
  bool canStart() const { return blocker().isEmpty(); }
  /// Why Start is disabled ("" when it is not).
  QString blocker() const;
  /// A preview for the current settings has arrived (and none is pending).
  bool previewCurrent() const;
  bool previewOk() const { return previewOk_; }
  QString summaryText() const;

  AdaptOptionsBox* optionsBox() const { return options_; }
  ConfigForm* form() const { return form_; }
  QComboBox* targetCombo() const { return target_; }
  QComboBox* taskCombo() const { return task_; }
  QSpinBox* epochsSpin() const { return epochs_; }
  QDoubleSpinBox* shareSpin() const { return share_; }
  QSpinBox* adapterWidthSpin() const { return adapterWidth_; }
  QSpinBox* processesSpin() const { return processes_; }
  QLineEdit* nameEdit() const { return name_; }
  QPushButton* startButton() const { return start_; }
  QLabel* messageLabel() const { return message_; }
  AdaptReportModel* reportModel() const { return report_; }
  QTableView* reportView() const { return reportView_; }

 Q_SIGNALS:
  void startRequested(m6::AdaptRequest request);
  /// "Compare adaptation…": the comparison view for this parent and target.
  void compareRequested(qint64 parentRun, qint64 datasetId);

 private:
  // The constructor's steps: the target and training settings on the left, the report and the
  // full configuration in tabs on the right, the buttons, the connections.
  QWidget* buildSettings();
  QTabWidget* buildPreviewTabs();
  QHBoxLayout* buildButtons();
  void connectControls();

  void onDatasets(const DatasetList& list);
  void onTargetChanged();
  void onSchema(const SchemaInfo& info);
  void onOptionsChanged();
  void onFormChanged();
  void onPreview(const AdaptPreview& preview);
  void setKnob(const char* key, const Json& value);
  void schedulePreview();
  void requestPreview();
  void updateState();

  AdaptInfo* info_;
  RunRecord parent_;
  RunConfig parentConfig_;
  qint64 wantedTarget_ = 0;
  qint64 schemaFor_ = 0;  // the dataset whose schema the form validates against (0: none yet)
  DatasetList datasets_;
  bool busy_ = false;
  bool syncing_ = false;     // quick controls are being filled from the form
  bool nameEdited_ = false;  // the user typed a name: keep it when the target changes
  quint64 generation_ = 0;   // bumped by every change of the settings
  quint64 requested_ = 0;    // the generation of the preview asked for (0: none)
  quint64 previewed_ = 0;    // the generation of the preview shown
  bool previewOk_ = false;
  QString previewError_;
  QTimer* previewTimer_ = nullptr;
  QLabel* header_ = nullptr;
  QComboBox* target_ = nullptr;
  QComboBox* task_ = nullptr;
  QLineEdit* name_ = nullptr;
  AdaptOptionsBox* options_ = nullptr;
  QSpinBox* epochs_ = nullptr;
  QDoubleSpinBox* share_ = nullptr;
  QSpinBox* adapterWidth_ = nullptr;
  QDoubleSpinBox* lr_ = nullptr;
  QSpinBox* processes_ = nullptr;
  ConfigForm* form_ = nullptr;
  QLabel* summary_ = nullptr;
  QLabel* notes_ = nullptr;
  AdaptReportModel* report_ = nullptr;
  QTableView* reportView_ = nullptr;
  QLabel* message_ = nullptr;
  QPushButton* start_ = nullptr;
  QPushButton* compare_ = nullptr;
};

}  // namespace m6
