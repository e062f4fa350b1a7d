// Small pieces every bridge worker needs: its own workspace connection, opened on first use on
// the worker's thread, and "only requests from this token on" floors raised from any thread.
//
// Thread affinity: openWorkspaceOnce on the worker's thread; raiseFloor on any thread.
#pragma once

#include <QString>
#include <QtGlobal>
#include <atomic>
#include <memory>

#include "storage/workspace.h"

namespace m6
{

/// The workspace in `ws`, opening the file at `path` (never creating it) the first time.
/// Throws std::runtime_error with the storage error when it cannot be opened.
Workspace& openWorkspaceOnce(std::unique_ptr<Workspace>& ws, const QString& path);

/// Raises `floor` to `token` if it is lower (never lowers it). Thread-safe.
void raiseFloor(std::atomic<quint64>& floor, quint64 token);

}  // namespace m6
