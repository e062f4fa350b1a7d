// What the Runs page computes to compare runs (pure functions over run records, no widgets):
// the configuration fields that differ, the primary metric of a run, the union of metric names,
// the axes of the parallel-coordinates view, and the curves of several runs as one CSV.
//
// Thread affinity: none; plain values.
#pragma once

#include <QString>
#include <QStringList>
#include <vector>

#include "app/bridge/train_types.h"

namespace m6
{

/// One configuration field whose value is not the same in every run.
struct ConfigDiffRow
{
  QString key;         // "model.dim"
  QString label;       // "Embedding width"
  QString group;       // "Field encoders"
  QStringList values;  // one display value per run, in the runs' order
  std::vector<Json> raw;
};

/// The fields that differ between the configs (all of them are compared), in form order.
std::vector<ConfigDiffRow> configDiff(const std::vector<RunConfig>& configs);

/// A config value for a table cell: 64, 0.001, true, dot, "title, tags" or "(all)".
QString displayValue(const Json& value);

/// A run's config; the defaults when its stored JSON is damaged (`ok` false then).
RunConfig runConfig(const RunRecord& run, bool* ok = nullptr);

/// The metric a run is judged by: its early-stopping metric at K ("ndcg@10", "auc", "rmse").
QString primaryMetric(const RunRecord& run);

/// Every metric name of the runs' validation and test sets, primary ones first.
QStringList metricNames(const std::vector<RunRecord>& runs);

/// One axis of the parallel-coordinates plot: a varied field (or the metric, last).
struct ParallelAxis
{
  QString key;
  QString label;
  bool categorical = false;
  bool logarithmic = false;  // numeric values spanning more than a decade, all positive
  QStringList categories;    // categorical: the values, bottom to top
  double min = 0;            // numeric: the range shown
  double max = 0;
  std::vector<double> position;  // per run, 0 (bottom) .. 1 (top); NaN when the run has none
};

/// The metrics to judge hyperparameters by, as keys "valid:ndcg@10" and "test:ndcg@10": every
/// validation metric first (primary ones first), then the test ones. Validation is what a
/// configuration is chosen by; the test figure reports the chosen one, and choosing by it
/// flatters the winner.
QStringList metricChoices(const std::vector<RunRecord>& runs);

/// "validation ndcg@10", "test ndcg@10"; a key without a set is shown as it is.
QString metricChoiceLabel(const QString& key);

/// Axes for the varied fields of `rows` (configDiff of `configs`) plus `metric` (metricValue)
/// of each run as the last axis.
std::vector<ParallelAxis> parallelAxes(const std::vector<ConfigDiffRow>& rows,
                                       const std::vector<RunRecord>& runs, const QString& metric);

/// The value of `metric` for a run: a key of metricChoices from its set; a bare name ("ndcg@10")
/// from test when present, else validation; NaN when absent.
double metricValue(const RunRecord& run, const QString& metric);

/// Long-format CSV of every curve of the runs:
/// run_id,run_name,curve,step,epoch,value with curves "train_loss" (per step), "lr" (per
/// step), "epoch_train_loss" and "valid_<metric>" (per epoch, step empty).
QString curvesCsv(const CurveSet& curves);

}  // namespace m6
