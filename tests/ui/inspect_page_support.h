// What the Inspect page's tests read off the per-user view (test_inspect_page, test_inspect_tabs).
#pragma once

#include <QAbstractItemModel>
#include <QTableView>
#include <utility>
#include <vector>

#include "ui/inspect_models.h"
#include "ui/user_inspect_view.h"

namespace m6test
{

/// The recommendation table's rows as displayed (through the sort proxy): item index and score.
inline std::vector<std::pair<qint32, double>> shownRows(const m6::UserInspectView& view)
{
  std::vector<std::pair<qint32, double>> rows;
  QAbstractItemModel* m = view.recommendationTable()->model();
  for (int r = 0; r < m->rowCount(); ++r)
  {
    rows.emplace_back(
        m->index(r, 0).data(m6::kInspectIndexRole).toInt(),
        m->index(r, m6::RecommendationModel::Score).data(m6::kInspectSortRole).toDouble());
  }
  return rows;
}

}  // namespace m6test
