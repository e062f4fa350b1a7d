// The SQLite connection of a Workspace, for storage/ code that builds queries (browse pages, run
// records, queues, searches) and for tests that look at the tables. Not for the layers above:
// ui/ builds with M6_UI_LAYER defined, and this header (like storage/sqlite.h) then refuses to
// compile, so SQL can only reach the workspace through storage/'s functions.
//
// Thread affinity: the Workspace's (one thread at a time).
#pragma once

#ifdef M6_UI_LAYER
#error "ui/ never touches the workspace's connection: use storage/ functions through app/ workers"
#endif

#include "storage/sqlite.h"
#include "storage/workspace.h"

namespace m6
{

/// The workspace's connection.
sql::Db& workspaceDb(Workspace& workspace);

}  // namespace m6
