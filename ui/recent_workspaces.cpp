#include "ui/recent_workspaces.h"

#include <QFileInfo>
#include <QSettings>

namespace m6
{

namespace
{
const char* const kRecent = "workspaces/recent";
const char* const kLast = "workspaces/last";
}  // namespace

QStringList RecentWorkspaces::list()
{
  return QSettings().value(kRecent).toStringList();
}

void RecentWorkspaces::add(const QString& path)
{
  const QString abs = QFileInfo(path).absoluteFilePath();
  QStringList l = list();
  l.removeAll(abs);
  l.prepend(abs);
  while (l.size() > kMax)
  {
    l.removeLast();
  }
  QSettings s;
  s.setValue(kRecent, l);
  s.setValue(kLast, abs);
}

void RecentWorkspaces::remove(const QString& path)
{
  QStringList l = list();
  l.removeAll(path);
  QSettings().setValue(kRecent, l);
}

void RecentWorkspaces::clear()
{
  QSettings s;
  s.remove(kRecent);
}

QString RecentWorkspaces::last()
{
  return QSettings().value(kLast).toString();
}

}  // namespace m6
