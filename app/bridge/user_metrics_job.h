// UserMetricsJob: the Inspect page's per-user metrics table, gathered a slice at a time so the
// worker can answer a user click between two slices (at 25M interactions the table's 162,541
// recorded rows took ~300 ms in one piece). Recorded rows are read a page at a time (keyset
// paging); a run recorded without rows has every user's test item ranked now, one user at a time.
//
// Thread affinity: the inspect worker's thread (it uses the worker's workspace and source).
#pragma once

#include <QString>
#include <functional>
#include <vector>

#include "app/bridge/inspect_source.h"
#include "app/bridge/inspect_types.h"
#include "model/core/ranking_protocol.h"

namespace m6
{

class Workspace;

class UserMetricsJob
{
 public:
  /// The test rows of run `runId` (protocol: its recorded test protocol) over `catalog`.
  UserMetricsJob(quint64 token, const InspectCatalog& catalog, Task task, int k, qint64 runId,
                 const QString& protocol);

  quint64 token() const { return token_; }

  /// One slice: pages of `pageRows` recorded rows, or users ranked with `source`, until
  /// `sliceMs` have passed (at least one page or user). True when the table is complete.
  /// `phase` hears when ranking starts. Throws on a storage error.
  bool step(Workspace& workspace, InspectSource& source, int64_t pageRows, qint64 sliceMs,
            const std::function<void(const QString&)>& phase);

  /// The table (after step() returned true).
  UserMetricsTable take() { return std::move(table_); }

 private:
  /// One page or one user; true when it was the last.
  bool next(Workspace& workspace, InspectSource& source, int64_t pageRows,
            const std::function<void(const QString&)>& phase);

  quint64 token_;
  const InspectCatalog& catalog_;
  Task task_;
  int k_;
  UserMetricsTable table_;
  int64_t afterUser_ = -1;              // recorded rows: the last user read
  bool ranking_ = false;                // no recorded rows: ranking every test target instead
  std::vector<RankingTarget> targets_;  // those targets
  size_t nextTarget_ = 0;
};

}  // namespace m6
