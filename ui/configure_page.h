// ConfigurePage: set up a run for the selected dataset: the generated ConfigForm, presets (the
// engine's quick / balanced / thorough plus the user's own, saved in the workspace settings),
// "load the config of a past run", JSON import and export, a run name, the estimate (parameters,
// examples and steps per epoch, computed off the GUI thread with stale requests dropped, and not
// while a job runs, so that it never draws from torch's random generator beside a run), and
// the Train button, enabled only while the form is valid for the dataset and no job runs, and
// beside it "Search…" (a hyperparameter search with this configuration as every trial's base),
// enabled likewise.
//
// Data comes from the bridge: the dataset's schema and the estimate from ModelInfo, past runs
// and the presets setting from RunLibrary. Nothing here touches SQL or a snapshot.
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

#include "app/bridge/bridge_types.h"
#include "app/bridge/train_types.h"

class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;
class QToolButton;

namespace m6
{

class ConfigForm;
class ModelInfo;
class PresetStore;
class RunLibrary;

class ConfigurePage : public QWidget
{
  Q_OBJECT
 public:
  ConfigurePage(ModelInfo* info, RunLibrary* library, QWidget* parent = nullptr);

  void setDataset(const DatasetInfo& info);
  const DatasetInfo& dataset() const { return dataset_; }
  ConfigForm* form() const { return form_; }
  const RunConfig& config() const;
  void setConfig(const RunConfig& config);
  QString runName() const;
  QLineEdit* nameEdit() const { return name_; }

  PresetStore* presets() const { return store_; }
  /// Fills the form with a preset (built-in or user). False for an unknown name.
  bool applyPreset(const QString& name);
  /// Saves the form as a user preset (replacing one of that name) in the workspace.
  bool saveUserPreset(const QString& name, QString* error = nullptr);
  /// Fills the form with the stored config of a run in the library's list.
  bool loadRunConfig(qint64 runId, QString* error = nullptr);
  bool importJson(const QString& path, QString* error = nullptr);
  bool exportJson(const QString& path, QString* error = nullptr) const;

  QString estimateText() const;
  /// Whether Train may start now (valid form, dataset and its schema known, no job running).
  bool canTrain() const;
  /// Why not, for tooltips ("" when it can).
  QString trainBlocker() const;
  /// Why the form cannot be queued as a job ("" when it can: as Train, but a running job does
  /// not matter).
  QString queueBlocker() const;
  void setBusy(bool busy);
  QPushButton* trainButton() const { return train_; }
  QPushButton* searchButton() const { return search_; }
  QComboBox* presetCombo() const { return presets_; }
  QLabel* issuesLabel() const { return issues_; }

 Q_SIGNALS:
  void trainRequested();
  /// "Search…": a hyperparameter search over this configuration (ModelPages opens SearchDialog).
  void searchRequested();
  /// canTrain() changed (or its reason): the Train page mirrors it.
  void trainableChanged(bool can, QString why);
  void statusMessage(QString message);

 private:
  // The constructor's steps: the preset bar, the run's name with the estimate, the issues with
  // Train and Search (each connects its own buttons).
  QHBoxLayout* buildPresetBar();
  QHBoxLayout* buildNameRow();
  QHBoxLayout* buildIssuesAndButtons();
  void deleteSelectedPreset();
  void onEstimate(quint64 token, const EstimateResult& r);

  void onConfigChanged();
  void onSchema(const SchemaInfo& info);
  void requestEstimate();
  void updateTrainable();
  void rebuildPresetCombo();
  // The "auto" entry names its pick for the selected dataset ("auto: thorough").
  void updateAutoLabel();
  void fillRunMenu();
  void chooseImport();
  void chooseExport();
  void askSavePreset();

  ModelInfo* info_;
  RunLibrary* library_;
  DatasetInfo dataset_;
  bool schemaReady_ = false;
  bool busy_ = false;
  PresetStore* store_ = nullptr;
  ConfigForm* form_ = nullptr;
  QComboBox* presets_ = nullptr;
  QToolButton* fromRun_ = nullptr;
  QLineEdit* name_ = nullptr;
  QLabel* estimate_ = nullptr;
  QLabel* issues_ = nullptr;
  QPushButton* train_ = nullptr;
  QPushButton* search_ = nullptr;
  QTimer* estimateTimer_ = nullptr;
  bool lastCan_ = false;
  QString lastWhy_;
};

}  // namespace m6
