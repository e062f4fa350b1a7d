#include "ui/table_style.h"

#include <QHeaderView>
#include <QTableView>

namespace m6
{

void styleReadOnlyTable(QTableView* table, const QString& tip, bool single)
{
  table->setSelectionBehavior(QAbstractItemView::SelectRows);
  table->setSelectionMode(single ? QAbstractItemView::SingleSelection
                                 : QAbstractItemView::ExtendedSelection);
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->verticalHeader()->hide();
  table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
  table->horizontalHeader()->setStretchLastSection(true);
  table->setAlternatingRowColors(true);
  table->setToolTip(tip);
}

}  // namespace m6
