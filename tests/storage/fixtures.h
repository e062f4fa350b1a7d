// Helpers shared by the storage tests: fixture files written by the tests themselves.
#pragma once

#include <QDir>
#include <QFile>
#include <QString>
#include <QTemporaryDir>
#include <QtTest>
#include <string>

namespace m6test
{

/// Writes raw bytes to dir/name and returns the full path.
inline std::string writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes)
{
  QString path = dir.filePath(name);
  QDir().mkpath(QFileInfo(path).path());
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly))
  {
    qFatal("cannot write fixture %s", qPrintable(path));
  }
  f.write(bytes);
  return path.toStdString();
}

inline std::string path(const QTemporaryDir& dir, const QString& name)
{
  return dir.filePath(name).toStdString();
}

}  // namespace m6test
