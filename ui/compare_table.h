// The adaptation comparison as rows: the result table of the comparison view and its CSV.
//
// Thread affinity: GUI thread (the table); comparisonCsv is thread-free.
#pragma once

#include <QString>
#include <QStringList>
#include <vector>

#include "app/bridge/adapt_types.h"

class QTableWidget;

namespace m6
{

/// Shares of the training data from percentages ("10, 25, 100" -> 0.1, 0.25, 1); empty, with
/// `error` (a sentence), when a part is not a number above 0 and at most 100, or none is given.
std::vector<double> parseShares(const QString& text, QString* error = nullptr);
/// The inverse: "10, 25, 100".
QString sharesText(const std::vector<double>& fractions);

/// The metrics the table shows, of those the arms report: for ranking ndcg@K, hr@K, mrr@K in
/// that order; otherwise (ctr, rating) every metric.
QStringList comparisonTableMetrics(const QStringList& available);

/// Fills `table`: arm, share, one column per metric (test), run id, status, training examples.
void fillComparisonTable(QTableWidget* table, const AdaptComparison& comparison,
                         const QStringList& metrics);

/// arm, share, every test metric, run, status, train_examples, seconds, protocol.
QString comparisonCsv(const AdaptComparison& comparison);

}  // namespace m6
