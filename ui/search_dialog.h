// SearchDialog: "Search…" on the Configure page: writes a hyperparameter search over the form's
// configuration. One row per varied knob (any knob of config_fields.h except those that change
// what is measured: searchableKey()), either a list of choices ("1, 2, 4") or a numeric range
// (min, max, log scale, grid steps); the strategy (grid, random, halving with its first rung and
// eta), the number of trials, a time budget and a name. The space is checked as it is typed by the
// same parser the CLI uses (SearchSpace::fromJson), and the line under the table says what is wrong
// (naming the row) or what will run ("grid: 6 configurations"). The form's configuration is the
// base of every trial. Start search and Add to queue (the run queue starts it in its turn) are
// enabled only while the search is valid.
//
// Thread affinity: GUI thread.
#pragma once

#include <QDialog>

#include "app/bridge/train_types.h"

class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QFormLayout;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace m6
{

class SearchDialog : public QDialog
{
  Q_OBJECT
 public:
  enum Column
  {
    Key,
    Kind,  // "choices" or "range"
    Choices,
    Min,
    Max,
    Log,
    Steps,
    ColumnCount
  };

  SearchDialog(const RunConfig& base, const QString& datasetName, QWidget* parent = nullptr);

  /// Adds a row for `key` (a dotted key; "" picks the first knob not in the table yet), filled
  /// with values around the base configuration's own. Returns its row.
  int addDimension(const QString& key = QString());
  void removeDimension(int row);
  /// Row `row`: a list of choices, written as in the table ("1, 2, 4").
  void setChoices(int row, const QString& choices);
  /// Row `row`: a range; `steps` 0 means no grid points (random and halving only).
  void setRange(int row, double min, double max, bool log, int steps);

  /// The space the rows describe, as a search space file holds it. Throws std::invalid_argument
  /// naming the row when a cell cannot be read.
  Json spaceJson() const;
  /// Whether Start search may start it now (false while another job trains: then only Add to
  /// queue is offered, with `why` as Start search's tooltip).
  void setStartAllowed(bool allowed, const QString& why = QString());
  /// Why the search cannot start ("" when it can).
  QString problem() const { return problem_; }
  /// The search the dialog describes (valid when problem() is empty).
  SearchRequest request() const;

  QTableWidget* table() const { return table_; }
  QComboBox* strategy() const { return strategy_; }
  QSpinBox* trials() const { return trials_; }
  QSpinBox* minEpochs() const { return minEpochs_; }
  QSpinBox* eta() const { return eta_; }
  QDoubleSpinBox* budget() const { return budget_; }
  QLineEdit* name() const { return name_; }
  QLabel* summary() const { return summary_; }
  QDialogButtonBox* buttons() const { return buttons_; }
  /// "Add to queue" (accepts the dialog with queued() true).
  QPushButton* queueButton() const { return queue_; }
  /// Whether the dialog was accepted with "Add to queue" rather than "Start search".
  bool queued() const { return queued_; }

 private:
  // The constructor's steps: the space's table (with its add and remove buttons), the strategy
  // form, the summary with the buttons, the connections.
  QHBoxLayout* buildSpaceTable();
  QFormLayout* buildStrategyForm();
  void buildFooter();
  void connectControls();

  void onKeyChanged(int row);
  void onKindChanged(int row);
  void revalidate();
  QString keyAt(int row) const;

  RunConfig base_;
  QTableWidget* table_ = nullptr;
  QComboBox* strategy_ = nullptr;
  QSpinBox* trials_ = nullptr;
  QSpinBox* minEpochs_ = nullptr;
  QSpinBox* eta_ = nullptr;
  QDoubleSpinBox* budget_ = nullptr;
  QLineEdit* name_ = nullptr;
  QLabel* summary_ = nullptr;
  QDialogButtonBox* buttons_ = nullptr;
  QPushButton* queue_ = nullptr;
  bool queued_ = false;
  bool startAllowed_ = true;
  QString startWhy_;
  QString problem_;
  std::optional<SearchSpace> space_;  // the last valid space
};

}  // namespace m6
