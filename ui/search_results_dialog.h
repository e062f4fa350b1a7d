// SearchResultsDialog: one hyperparameter search's trials, opened from its row in the Runs page.
// A header (strategy, status and why it stopped, the best trial), a table with one row per trial
// reached (trial, run, status, epochs, the validation value the search compares, each searched
// value, and the decision: halved, skipped as invalid, stopped by the budget; the best trial in
// bold), and the parallel-coordinates view of the trials' runs (HyperparamView: one axis per
// varied setting and one for the metric, a line per trial coloured by the metric). "Use best
// config" sends the best trial's configuration to the Configure page. The dialog reads the search
// again whenever the run list changes, so it follows a search that is running.
//
// Data comes from RunLibrary::describeSearch (the run worker; nothing here reads the workspace).
//
// Thread affinity: GUI thread.
#pragma once

#include <QDialog>
#include <optional>

#include "app/bridge/train_types.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace m6
{

class HyperparamView;
class RunLibrary;

class SearchResultsDialog : public QDialog
{
  Q_OBJECT
 public:
  SearchResultsDialog(RunLibrary* library, qint64 searchId, QWidget* parent = nullptr);

  qint64 searchId() const { return searchId_; }
  /// The search as last read (nothing before the first answer).
  const std::optional<SearchResult>& result() const { return result_; }
  /// Whether a request is in flight.
  bool busy() const { return token_ != 0; }
  /// Reads the search again.
  void refresh();

  QLabel* header() const { return header_; }
  QTableWidget* table() const { return table_; }
  HyperparamView* hyperparams() const { return hyper_; }
  QPushButton* useBestButton() const { return useBest_; }

 Q_SIGNALS:
  /// "Use best config": load this run's configuration into the Configure page.
  void useConfigRequested(qint64 runId);
  /// A double-click on a trial: show its run in the run table.
  void runActivated(qint64 runId);

 private:
  void showResult(const SearchResult& result);

  RunLibrary* library_;
  qint64 searchId_;
  quint64 token_ = 0;
  std::optional<SearchResult> result_;
  QLabel* header_ = nullptr;
  QTableWidget* table_ = nullptr;
  HyperparamView* hyper_ = nullptr;
  QPushButton* useBest_ = nullptr;
};

}  // namespace m6
