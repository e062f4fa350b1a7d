// The look every read-only list of the workbench shares: whole rows selected, nothing editable,
// no row numbers, compact rows, the last column stretched, alternating row colours, a tooltip.
//
// Thread affinity: GUI thread.
#pragma once

#include <QString>

class QTableView;

namespace m6
{

/// Gives `table` the shared read-only look; `single`: one row at a time (else extended).
void styleReadOnlyTable(QTableView* table, const QString& tip, bool single = true);

}  // namespace m6
