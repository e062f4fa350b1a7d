// The list of recently opened workspaces, kept in QSettings ("workspaces/recent", newest
// first, at most kMax entries) with the last one opened ("workspaces/last").
//
// Thread affinity: GUI thread (QSettings of the application).
#pragma once

#include <QStringList>

namespace m6
{

class RecentWorkspaces
{
 public:
  static constexpr int kMax = 8;

  static QStringList list();
  /// Moves `path` to the front and makes it the last opened.
  static void add(const QString& path);
  static void remove(const QString& path);
  static void clear();
  /// The last workspace opened, or "" when none.
  static QString last();
};

}  // namespace m6
