// Helpers shared by the GUI and worker tests: fixture files and workspaces written by the tests
// themselves, and a test main() that keeps QSettings and the default workspace inside a
// temporary folder (never the user's own).
#pragma once

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>
#include <string>

#include "app/bridge/bridge_types.h"
#include "model/core/demo_data.h"
#include "storage/sqlite.h"
#include "storage/workspace.h"
#include "storage/workspace_db.h"

namespace m6test
{

inline QString writeFile(const QString& path, const QByteArray& bytes)
{
  QDir().mkpath(QFileInfo(path).path());
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly))
  {
    qFatal("cannot write fixture %s", qPrintable(path));
  }
  f.write(bytes);
  return path;
}

/// A MovieLens-100K-like folder: 3 users, 2 items, 5 good ratings and 2 bad lines (line 4: one
/// column; line 7: item 30 not in u.item). Returns the folder.
inline QString writeMl100k(const QString& folder)
{
  writeFile(folder + "/u.data",
            "1\t10\t5\t881250949\n"
            "1\t20\t3\t881250950\n"
            "2\t10\t4\t881250951\n"
            "bad line\n"
            "3\t20\t2\t881250953\n"
            "3\t10\t1\t881250954\n"
            "2\t30\t4\t881250952\n");
  writeFile(folder + "/u.user",
            "1|24|M|technician|85711\n2|53|F|other|94043\n3|23|M|writer|32067\n");
  writeFile(
      folder + "/u.item",
      "10|Caf\xE9 Society (1995)|01-Jan-1995||http://x|0|0|0|0|0|1|0|0|1|0|0|0|0|0|0|0|0|0|0\n"
      "20|Toy Story (1995)|05-Feb-1995||http://y|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n");
  writeFile(folder + "/u.genre",
            "unknown|0\nAction|1\nAdventure|2\nAnimation|3\nChildren's|4\nComedy|5\nCrime|6\n"
            "Documentary|7\nDrama|8\nFantasy|9\nFilm-Noir|10\nHorror|11\nMusical|12\nMystery|13\n"
            "Romance|14\nSci-Fi|15\nThriller|16\nWar|17\nWestern|18\n\n");
  return folder;
}

/// A MovieLens CSV folder (ratings.csv, movies.csv) with `rows` ratings of 500 users on 200
/// movies: large enough that an import reports progress several times before it ends.
inline QString writeBigMovieLensCsv(const QString& folder, int rows)
{
  QByteArray movies = "movieId,title,genres\n";
  for (int m = 1; m <= 200; ++m)
  {
    movies += QByteArray::number(m) + ",\"Movie " + QByteArray::number(m) + ", The (1999)\"," +
              (m % 2 ? "Comedy|Drama" : "Action") + "\n";
  }
  writeFile(folder + "/movies.csv", movies);
  QByteArray ratings = "userId,movieId,rating,timestamp\n";
  ratings.reserve(rows * 28);
  for (int r = 0; r < rows; ++r)
  {
    ratings += QByteArray::number(r % 500 + 1) + ',' + QByteArray::number((r * 7) % 200 + 1) + ',' +
               QByteArray::number(1 + r % 5) + ".0," + QByteArray::number(900000000 + r * 60) +
               '\n';
  }
  writeFile(folder + "/ratings.csv", ratings);
  return folder;
}

/// Opens (creating) a workspace on the test thread.
inline std::unique_ptr<m6::Workspace> openWorkspace(const QString& path)
{
  auto ws = m6::Workspace::open(path.toStdString());
  if (!ws)
  {
    qFatal("cannot open workspace: %s", ws.error().c_str());
  }
  return std::move(*ws);
}

/// Writes a demo dataset and returns its id.
inline int64_t addDemo(m6::Workspace& ws, const m6::DemoOptions& o)
{
  auto id = ws.writeDataset(m6::generateDemoDataset(o), {"demo", "", ""}, nullptr);
  if (!id)
  {
    qFatal("cannot write demo: %s", id.error().c_str());
  }
  return *id;
}

inline m6::DemoOptions smallDemo(const std::string& name = "demo")
{
  m6::DemoOptions o;
  o.name = name;
  o.users = 300;
  o.items = 400;
  o.interactions = 12000;
  return o;
}

inline QString integrity(const QString& path)
{
  auto ws = m6::Workspace::open(path.toStdString(), false);
  if (!ws)
  {
    return QString::fromStdString(ws.error());
  }
  return QString::fromStdString(workspaceDb(**ws).queryText("PRAGMA integrity_check"));
}

/// A folder for settings and data of one test run (under M6_TEST_TMP when set).
inline QString sandbox()
{
  static QTemporaryDir dir(qEnvironmentVariableIsSet("M6_TEST_TMP")
                               ? QDir(qEnvironmentVariable("M6_TEST_TMP")).filePath("gui-XXXXXX")
                               : QDir::temp().filePath("m6-gui-XXXXXX"));
  return dir.path();
}

}  // namespace m6test
