// CompareDialog: "Compare adaptation…": does adaptation pay on a target dataset? The user picks
// a trained M6 parent run, the target dataset, the task and epochs, the adaptation options and
// the shares of the target's training data (default 10%, 25%, 100%); Start runs
// compareAdaptation on the training worker (TrainingController::startCompare: the parent
// zero-shot, then per share an adapted and a from-scratch run with the same split, budget and
// seed), with progress (which arm, n of m) and Stop. The result is a table (arm, share, the test
// metrics, run id, status; the protocol stated) and a grouped bar chart (CompareChart), and can be
// exported as CSV (the table) or PNG/PDF (the chart).
//
// Every trained arm is an ordinary run in the run table (the adapted ones with the parent as
// their parent), so a stopped comparison keeps the arms it finished.
//
// Thread affinity: GUI thread.
#pragma once

#include <QDialog>
#include <vector>

#include "app/bridge/adapt_types.h"
#include "app/bridge/bridge_types.h"
#include "app/bridge/train_types.h"
#include "model/core/dataset_schema.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace m6
{

class AdaptInfo;
class AdaptOptionsBox;
class CompareChart;
class RunLibrary;
class TrainingController;

class CompareDialog : public QDialog
{
  Q_OBJECT
 public:
  CompareDialog(AdaptInfo* info, TrainingController* controller, RunLibrary* library,
                QWidget* parent = nullptr);

  bool selectParent(qint64 runId);
  bool selectTarget(qint64 datasetId);
  qint64 parentRun() const;
  qint64 targetDataset() const;
  /// The target's schema has arrived: Start checks the configuration against it.
  bool hasSchema() const { return schemaFor_ > 0 && schemaFor_ == targetDataset(); }
  /// Shares from the text ("10, 25, 100" in percent); empty (and `error`) when invalid.
  std::vector<double> fractions(QString* error = nullptr) const;
  void setFractions(const std::vector<double>& fractions);
  /// The comparison the controls describe; false (and `error`) when they do not make one.
  bool job(CompareJob* out, QString* error) const;

  /// Starts the comparison; false (with the reason in the status line) when it cannot.
  bool start();
  void stop();
  bool running() const { return running_; }

  /// Shows a result (the worker's, or a recorded one).
  void setComparison(const AdaptComparison& comparison);
  const AdaptComparison& comparison() const { return comparison_; }
  QString csv() const;
  bool exportCsvTo(const QString& path, QString* error = nullptr) const;

  AdaptOptionsBox* optionsBox() const { return options_; }
  QComboBox* parentCombo() const { return parent_; }
  QComboBox* targetCombo() const { return target_; }
  QComboBox* taskCombo() const { return task_; }
  QComboBox* metricCombo() const { return metric_; }
  QSpinBox* epochsSpin() const { return epochs_; }
  QLineEdit* fractionsEdit() const { return fractions_; }
  QTableWidget* table() const { return table_; }
  CompareChart* chart() const { return chart_; }
  QProgressBar* progressBar() const { return bar_; }
  QLabel* statusLabel() const { return status_; }
  QLabel* protocolLabel() const { return protocol_; }
  QPushButton* startButton() const { return start_; }
  QPushButton* stopButton() const { return stop_; }

 Q_SIGNALS:
  void statusMessage(QString message);

 private:
  // The constructor's steps: the comparison's settings and buttons on the left, the result
  // table and chart on the right, then the connections.
  QWidget* buildSetup();
  QWidget* buildResults();
  void connectInputs();
  void connectController();

  void fillParents(const RunList& runs);
  void fillTargets(const DatasetList& list);
  void onArm(const QString& text, int index, int total);
  void onProgress(const Progress& p);
  void onFinished(const AdaptComparison& comparison);
  void fillTable();
  void drawChart();
  void setStatus(const QString& text, bool error = false);
  void updateButtons();
  QStringList metricNames() const;
  void exportCsvWithDialog();

  AdaptInfo* info_;
  TrainingController* controller_;
  RunLibrary* library_;
  AdaptComparison comparison_;
  bool running_ = false;  // the controller's job is this dialog's comparison
  int arm_ = 0;
  int arms_ = 0;
  qint64 schemaFor_ = 0;  // the dataset whose schema is in schema_ (0: none yet)
  DatasetSchema schema_;
  qint64 wantedParent_ = 0;
  qint64 wantedTarget_ = 0;
  QComboBox* parent_ = nullptr;
  QComboBox* target_ = nullptr;
  QComboBox* task_ = nullptr;
  QSpinBox* epochs_ = nullptr;
  QLineEdit* fractions_ = nullptr;
  AdaptOptionsBox* options_ = nullptr;
  QPushButton* start_ = nullptr;
  QPushButton* stop_ = nullptr;
  QPushButton* exportCsv_ = nullptr;
  QProgressBar* bar_ = nullptr;
  QLabel* status_ = nullptr;
  QLabel* protocol_ = nullptr;
  QComboBox* metric_ = nullptr;
  QTableWidget* table_ = nullptr;
  CompareChart* chart_ = nullptr;
};

}  // namespace m6
