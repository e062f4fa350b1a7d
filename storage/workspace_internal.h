// Pieces the workspace's source files share (private to storage/: workspace.cpp opens and
// migrates, workspace_integrity.cpp checks for damage, workspace_catalogue.cpp lists and edits
// datasets, workspace_writer.cpp writes a snapshot, workspace_reader.cpp loads one).
//
// Thread affinity: the thread that owns the Workspace.
#pragma once

#include <atomic>
#include <string>

#include "storage/result.h"
#include "storage/sqlite.h"

namespace m6::workspace_detail
{

/// The caller asked to stop (a null flag never does).
inline bool cancelled(const std::atomic<bool>* cancel)
{
  return cancel && cancel->load(std::memory_order_relaxed);
}

/// Thrown between batches when cancelled() turns true; the caller rolls back.
struct Cancelled
{
};

/// Damaged pages are reported before anything writes to the file (a write can spread the
/// damage): the whole file once per process when it is small, else its tables that do not grow
/// with the data (workspace_integrity.cpp).
Status checkIntact(sql::Db& db, const std::string& path);

}  // namespace m6::workspace_detail
