// Zip archives of dataset folders, as MovieLens and RecBole downloads come: written here with
// libarchive's writer, imported whole, and compared with the folder they were made from; broken
// and hostile archives; and the real ml-latest-small from ../shared/data zipped here when it is
// there.
#include <QtTest>
#include <atomic>
#include <filesystem>
#include <utility>
#include <vector>

#include "storage/formats.h"
#include "storage/importer.h"
#include "storage/workspace.h"
#include "storage/zip_archive.h"
#include "tests/storage/fixtures.h"
#include "tests/storage/zip_fixture.h"

using namespace m6;
namespace fs = std::filesystem;

namespace
{

using Members = m6test::ZipMembers;
using m6test::writeZip;

const QByteArray kRatings =
    "userId,movieId,rating,timestamp\n"
    "1,10,4.0,964982703\n"
    "1,20,3.5,964981247\n"
    "2,10,5.0,964982224\n"
    "2,30,oops,964983815\n"  // rejected: not a number
    "3,20,2.0,964982931\n";
const QByteArray kMovies =
    "movieId,title,genres\n"
    "10,\"Heat, the film (1995)\",Action|Crime\n"
    "20,Toy Story (1995),Animation|Children\n"
    "30,Jumanji (1995),(no genres listed)\n";
const QByteArray kTags = "userId,movieId,tag,timestamp\n1,10,heist,1139045764\n";

Members movieLensFolder(const std::string& folder)
{
  return {{folder + "/ratings.csv", kRatings},
          {folder + "/movies.csv", kMovies},
          {folder + "/tags.csv", kTags},
          {folder + "/README.txt", "not data"},
          {folder + "/genome-scores.csv", "movieId,tagId,relevance\n10,1,0.5\n"}};
}

int unpackFoldersIn(const QString& dir)
{
  return QDir(dir).entryList({"m6-unpack-*"}, QDir::Dirs | QDir::NoDotAndDotDot).size();
}

}  // namespace

class TestZipImport : public QObject
{
  Q_OBJECT

  QTemporaryDir dir_;
  QTemporaryDir tmp_;  // $TMPDIR of this test: where archives are unpacked

  ParsedImport readOk(const std::string& path)
  {
    auto format = detectFormat(path);
    if (!format)
    {
      qFatal("detectFormat: %s", format.error().c_str());
    }
    auto spec = specForFormat(*format, path);
    if (!spec)
    {
      qFatal("specForFormat: %s", spec.error().c_str());
    }
    auto r = readImport(*spec, "zipped");
    if (!r)
    {
      qFatal("readImport: %s", r.error().c_str());
    }
    return std::move(*r);
  }

 private Q_SLOTS:
  void initTestCase()
  {
    QVERIFY(dir_.isValid() && tmp_.isValid());
    qputenv("TMPDIR", tmp_.path().toUtf8());
  }

  void aZipOfAFolderImportsLikeTheFolder()
  {
    for (const auto& [name, bytes] : movieLensFolder("ml"))
    {
      m6test::writeFile(dir_, QString::fromStdString(name), bytes);
    }
    const std::string zip =
        writeZip(m6test::path(dir_, "ml-small.zip"), movieLensFolder("ml-latest-small"));
    QCOMPARE(QString::fromStdString(*detectFormat(zip)), QString("movielens-csv"));
    auto z = zipDataset(zip);
    QVERIFY(z.ok());
    QCOMPARE(QString::fromStdString(z->folder), QString("ml-latest-small"));
    // Only the files the format reads are unpacked (not the README, not the genome scores).
    QCOMPARE(z->names, (std::vector<std::string>{"ratings.csv", "movies.csv", "tags.csv"}));

    const ParsedImport fromZip = readOk(zip);
    const ParsedImport fromFolder = readOk(m6test::path(dir_, "ml"));
    const DatasetSnapshot& a = fromZip.snapshot;
    const DatasetSnapshot& b = fromFolder.snapshot;
    QCOMPARE(a.numInteractions(), int64_t(4));
    QCOMPARE(a.userIds, b.userIds);
    QCOMPARE(a.itemIds, b.itemIds);
    QCOMPARE(a.itemTitles, b.itemTitles);
    QCOMPARE(a.item, b.item);
    QCOMPARE(a.ts, b.ts);
    QCOMPARE(a.rating, b.rating);
    QCOMPARE(a.itemFields.size(), b.itemFields.size());
    QCOMPARE(fromZip.report.rowsRejected, int64_t(1));
    QCOMPARE(fromFolder.report.rowsRejected, int64_t(1));
    QCOMPARE(fromZip.report.rejected.front().file, std::string("ratings.csv"));
    QCOMPARE(fromZip.report.rejected.front().line, int64_t(5));
    bool noted = false;
    for (const auto& n : fromZip.report.warnings)
    {
      noted = noted || n.find("unpacked from the zip archive (folder ml-latest-small)") == 0;
    }
    QVERIFY(noted);
    QCOMPARE(unpackFoldersIn(tmp_.path()), 0);  // removed after the import

    // --format that does not match what the archive holds is refused before unpacking.
    auto wrong = specForFormat("movielens-1m", zip);
    QVERIFY(!wrong.ok());
    QVERIFY2(wrong.error().find("holds a movielens-csv dataset") != std::string::npos,
             wrong.error().c_str());
  }

  void importingAZipIsOneTransactionToo()
  {
    const std::string zip =
        writeZip(m6test::path(dir_, "whole.zip"), movieLensFolder("ml-latest-small"));
    auto ws = Workspace::open(m6test::path(dir_, "w.m6ws"));
    QVERIFY(ws.ok());
    auto spec = specForFormat("movielens-csv", zip);
    QVERIFY(spec.ok());
    std::vector<std::string> phases;
    ImportCallbacks cb;
    cb.progress = [&](const StorageProgress& p) { phases.push_back(p.phase); };
    auto out = importDataset(**ws, *spec, "ml-zip", cb);
    QVERIFY2(out.ok(), out.ok() ? "" : out.error().c_str());
    QCOMPARE(out->dataset.interactions, int64_t(4));
    QVERIFY(std::find(phases.begin(), phases.end(), "Reading ratings.csv") != phases.end());

    // Cancelled while unpacking: nothing written, nothing left in $TMPDIR.
    std::atomic<bool> cancel{true};
    ImportCallbacks stop;
    stop.cancel = &cancel;
    auto before = (*ws)->datasets();
    auto cancelled = importDataset(**ws, *spec, "ml-zip-2", stop);
    QVERIFY(isCancelled(cancelled));
    QCOMPARE((*ws)->datasets()->size(), before->size());
    QCOMPARE(unpackFoldersIn(tmp_.path()), 0);
  }

  void brokenAndForeignArchivesAreClearErrors()
  {
    const std::string good =
        writeZip(m6test::path(dir_, "good.zip"), movieLensFolder("ml-latest-small"));
    QFile in(QString::fromStdString(good));
    QVERIFY(in.open(QIODevice::ReadOnly));
    const QByteArray bytes = in.readAll();
    // Cut inside the second member: the listing fails, nothing is read.
    const std::string cut = m6test::writeFile(dir_, "cut.zip", bytes.left(bytes.size() / 3));
    auto spec = specForFormat("movielens-csv", cut);
    QVERIFY(!spec.ok());
    QVERIFY2(spec.error().find("damaged or truncated zip archive") != std::string::npos,
             spec.error().c_str());
    // Not a zip behind the magic bytes.
    const std::string fake =
        m6test::writeFile(dir_, "fake.zip", QByteArray("PK\x03\x04rest-of-a-zip", 18));
    auto f = detectFormat(fake);
    QVERIFY(!f.ok());
    QVERIFY2(f.error().find("zip archive") != std::string::npos, f.error().c_str());
    // A zip of something else says what it lacks.
    const std::string other = writeZip(m6test::path(dir_, "photos.zip"),
                                       {{"holiday/a.jpg", "jpeg"}, {"holiday/b.jpg", "jpeg"}});
    auto o = detectFormat(other);
    QVERIFY(!o.ok());
    QVERIFY2(o.error().find("holds no known dataset folder") != std::string::npos,
             o.error().c_str());
    QCOMPARE(unpackFoldersIn(tmp_.path()), 0);
  }

  // Paths inside an archive never reach the file system: "../" members are written by their
  // plain names into the temporary folder, and nothing appears beside it.
  void membersCannotEscapeTheTemporaryFolder()
  {
    const std::string zip =
        writeZip(m6test::path(dir_, "escape.zip"),
                 {{"../../escaped/ratings.csv", kRatings}, {"../../escaped/movies.csv", kMovies}});
    const ParsedImport r = readOk(zip);
    QCOMPARE(r.snapshot.numInteractions(), int64_t(4));
    QVERIFY(!fs::exists(fs::path(tmp_.path().toStdString()).parent_path() / "escaped"));
    QVERIFY(!fs::exists(fs::path(tmp_.path().toStdString()) / "escaped"));
    QCOMPARE(unpackFoldersIn(tmp_.path()), 0);
  }

  void theRealMovieLensSmallAsAZip()
  {
    const fs::path folder = fs::path(M6_SOURCE_DIR "/../shared/data/ml-latest-small");
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
    {
      QSKIP("../shared/data/ml-latest-small is not here (a user's machine has no ../shared)");
    }
    Members members;
    for (const char* name : {"ratings.csv", "movies.csv", "tags.csv", "links.csv", "README.txt"})
    {
      QFile f(QString::fromStdString((folder / name).string()));
      QVERIFY(f.open(QIODevice::ReadOnly));
      members.push_back({std::string("ml-latest-small/") + name, f.readAll()});
    }
    const std::string zip = writeZip(m6test::path(dir_, "ml-latest-small.zip"), members);
    const ParsedImport r = readOk(zip);
    QCOMPARE(r.snapshot.numUsers(), int64_t(610));
    QCOMPARE(r.snapshot.numItems(), int64_t(9742));
    QCOMPARE(r.snapshot.numInteractions(), int64_t(100836));
    QCOMPARE(unpackFoldersIn(tmp_.path()), 0);
  }
};

QTEST_GUILESS_MAIN(TestZipImport)
#include "test_zip_import.moc"
