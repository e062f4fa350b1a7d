// Every importer on small fixtures written here, including the rows that must be rejected, with
// the exact line numbers; latin-1 text arriving as UTF-8; cancel and fail-fast behaviour.
//
// Over 500 lines: one case per format and per fault, sharing the fixture writers.
#include <QtTest>
#include <atomic>
#include <cmath>

#include "fixtures.h"
#include "storage/formats.h"
#include "storage/importer.h"
#include "storage/sqlite.h"
#include "storage/workspace.h"
#include "storage/workspace_db.h"

using m6::Workspace;

namespace
{

struct Rejection
{
  std::string file;
  int64_t line;
  QString reasonPart;
};

QByteArray ml100kGenres()
{
  return "unknown|0\nAction|1\nAdventure|2\nAnimation|3\nChildren's|4\nComedy|5\nCrime|6\n"
         "Documentary|7\nDrama|8\nFantasy|9\nFilm-Noir|10\nHorror|11\nMusical|12\nMystery|13\n"
         "Romance|14\nSci-Fi|15\nThriller|16\nWar|17\nWestern|18\n\n";
}

const m6::FieldColumn* fieldNamed(const std::vector<m6::FieldColumn>& fields, const std::string& n)
{
  for (const auto& f : fields)
  {
    if (f.name == n)
    {
      return &f;
    }
  }
  return nullptr;
}

std::vector<std::string> multiValues(const m6::FieldColumn& f, int64_t entity)
{
  std::vector<std::string> out;
  for (int64_t k = f.offsets[size_t(entity)]; k < f.offsets[size_t(entity) + 1]; ++k)
  {
    out.push_back(f.vocab[size_t(f.codes[size_t(k)])]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

int64_t indexOf(const std::vector<std::string>& ids, const std::string& id)
{
  return std::find(ids.begin(), ids.end(), id) - ids.begin();
}

}  // namespace

class TestImporters : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  std::unique_ptr<Workspace> ws_;

  void checkRejections(const m6::ImportReport& r, const std::vector<Rejection>& expected)
  {
    for (const auto& row : r.rejected)
    {
      qInfo("rejected %s:%lld %s", row.file.c_str(), static_cast<long long>(row.line),
            row.reason.c_str());
    }
    QCOMPARE(r.rowsRejected, int64_t(expected.size()));
    QCOMPARE(r.rejected.size(), expected.size());
    for (size_t k = 0; k < expected.size(); ++k)
    {
      QCOMPARE(QString::fromStdString(r.rejected[k].file),
               QString::fromStdString(expected[k].file));
      QCOMPARE(r.rejected[k].line, expected[k].line);
      QVERIFY2(QString::fromStdString(r.rejected[k].reason).contains(expected[k].reasonPart),
               r.rejected[k].reason.c_str());
    }
  }

  /// The import spec of `folder`/mapping.json, with the folder as its base.
  m6::Result<m6::ImportSpec> mappingIn(const char* folder)
  {
    QFile mf(
        QString::fromStdString(m6test::path(dir_, QString::fromLatin1(folder) + "/mapping.json")));
    if (!mf.open(QIODevice::ReadOnly))
    {
      return m6::makeError("cannot read " + mf.fileName().toStdString());
    }
    return m6::importSpecFromJson(m6::Json::parse(mf.readAll().toStdString()),
                                  m6test::path(dir_, QString::fromLatin1(folder)));
  }

  m6::ImportOutcome importOk(const m6::ImportSpec& spec, const std::string& name)
  {
    auto r = m6::importDataset(*ws_, spec, name);
    if (!r)
    {
      qFatal("import failed: %s", r.error().c_str());
    }
    return *r;
  }

  m6::DatasetSnapshot load(const std::string& name)
  {
    auto ds = ws_->loadSnapshot(ws_->dataset(name)->id);
    if (!ds)
    {
      qFatal("%s", ds.error().c_str());
    }
    return *ds;
  }

  void writeMl100k(const QString& folder, const QByteArray& data)
  {
    m6test::writeFile(dir_, folder + "/u.data", data);
    m6test::writeFile(dir_, folder + "/u.user",
                      "1|24|M|technician|85711\n2|53|F|other|94043\n3|23|M|writer|32067\n");
    m6test::writeFile(
        dir_, folder + "/u.item",
        "10|Caf\xE9 Society (1995)|01-Jan-1995||http://x|0|0|0|0|0|1|0|0|1|0|0|0|0|0|0|0|0|0|0\n"
        "20|Toy Story (1995)|05-Feb-1995||http://y|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n");
    m6test::writeFile(dir_, folder + "/u.genre", ml100kGenres());
  }

 private Q_SLOTS:
  void initTestCase()
  {
    auto ws = Workspace::open(m6test::path(dir_, "imports.m6ws"));
    QVERIFY2(ws.ok(), ws.error().c_str());
    ws_ = std::move(*ws);
  }

  void movieLens100k()
  {
    writeMl100k("ml100k",
                "1\t10\t5\t881250949\n"
                "1\t20\t3\t881250950\n"
                "2\t10\t4\t881250951\n"
                "bad line\n"
                "2\t30\t4\t881250952\n"
                "3\t20\tx\t881250953\n"
                "3\t10\t2\tnotatime\n"
                "9\t10\t2\t881250954\n"
                "3\t20\t4\t881250955\t\n");
    auto fmt = m6::detectFormat(m6test::path(dir_, "ml100k"));
    QCOMPARE(QString::fromStdString(*fmt), QString("movielens-100k"));
    auto spec = m6::specForFormat(*fmt, m6test::path(dir_, "ml100k"));
    QVERIFY2(spec.ok(), spec.error().c_str());
    auto out = importOk(*spec, "ml100k");
    QCOMPARE(out.dataset.users, int64_t(3));
    QCOMPARE(out.dataset.items, int64_t(2));
    QCOMPARE(out.dataset.interactions, int64_t(4));
    QCOMPARE(out.report.rowsRead, int64_t(3 + 2 + 9));
    checkRejections(out.report, {{"u.data", 4, "expected 4 columns, found 1"},
                                 {"u.data", 5, "item id '30' is not in u.item"},
                                 {"u.data", 6, "rating 'x' is not a number"},
                                 {"u.data", 7, "timestamp 'notatime'"},
                                 {"u.data", 8, "user id '9' is not in u.user"}});
    auto ds = load("ml100k");
    int64_t cafe = indexOf(ds.itemIds, "10");
    QCOMPARE(QString::fromStdString(ds.itemTitles[size_t(cafe)]),
             QString::fromUtf8("Caf\xC3\xA9 Society (1995)"));
    const auto* genres = fieldNamed(ds.itemFields, "genres");
    QVERIFY(genres);
    QCOMPARE(multiValues(*genres, cafe), (std::vector<std::string>{"Comedy", "Drama"}));
    QCOMPARE(multiValues(*genres, indexOf(ds.itemIds, "20")),
             (std::vector<std::string>{"Animation", "Children's", "Comedy"}));
    const auto* release = fieldNamed(ds.itemFields, "release_date");
    QCOMPARE(release->values[size_t(cafe)], 788918400.0);  // 1995-01-01
    const auto* occupation = fieldNamed(ds.userFields, "occupation");
    QCOMPARE(occupation->vocab[size_t(occupation->codes[1])], std::string("other"));
    const auto* age = fieldNamed(ds.userFields, "age");
    QCOMPARE(age->values[2], 23.0);
    // User 3's interactions: only the trailing-tab line survived.
    QCOMPARE(ds.userStart[3] - ds.userStart[2], int64_t(1));
    // The full report is stored with the dataset.
    auto stored = ws_->importReport(out.dataset.id);
    QVERIFY(stored.ok());
    QCOMPARE(stored->rowsRejected, int64_t(5));
    QCOMPARE(stored->rejected[1].line, int64_t(5));
  }

  void movieLens1m()
  {
    m6test::writeFile(dir_, "ml1m/ratings.dat",
                      "1::1193::5::978300760\n"
                      "1::661::3::978302109\n"
                      "2::1193::4::978298413\n"
                      "2::661\n"
                      "3::1193::five::978298413\n");
    m6test::writeFile(dir_, "ml1m/users.dat", "1::F::1::10::48067\n2::M::56::16::70072\n");
    m6test::writeFile(dir_, "ml1m/movies.dat",
                      "1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n"
                      "661::James and the Giant Peach (1996)::Animation|Children's|Musical\n"
                      "2000::Se\xF1or Cine (1990)::Comedy\n");
    auto spec = m6::specForFormat(*m6::detectFormat(m6test::path(dir_, "ml1m")),
                                  m6test::path(dir_, "ml1m"));
    QVERIFY2(spec.ok(), spec.error().c_str());
    QCOMPARE(QString::fromStdString(spec->format), QString("movielens-1m"));
    auto out = importOk(*spec, "ml1m");
    QCOMPARE(out.dataset.interactions, int64_t(3));
    QCOMPARE(out.dataset.items, int64_t(3));  // the side file defines the catalogue
    checkRejections(out.report, {{"ratings.dat", 4, "expected 4 columns, found 2"},
                                 {"ratings.dat", 5, "user id '3' is not in users.dat"}});
    auto ds = load("ml1m");
    QCOMPARE(QString::fromStdString(ds.itemTitles[size_t(indexOf(ds.itemIds, "2000"))]),
             QString::fromUtf8("Se\xC3\xB1or Cine (1990)"));
    QCOMPARE(multiValues(*fieldNamed(ds.itemFields, "genres"), indexOf(ds.itemIds, "661")),
             (std::vector<std::string>{"Animation", "Children's", "Musical"}));
    // Items are numbered in numeric id order.
    QCOMPARE(ds.itemIds, (std::vector<std::string>{"661", "1193", "2000"}));
  }

  void movieLensCsvWithTags()
  {
    m6test::writeFile(dir_, "mlcsv/ratings.csv",
                      "userId,movieId,rating,timestamp\n"
                      "1,1,4.0,964982703\n"
                      "1,3,4.5,964981247\n"
                      "2,1,,964982224\n"
                      "2,3,3.0\n"
                      "3,2,2.5,964983815\n");
    m6test::writeFile(dir_, "mlcsv/movies.csv",
                      "movieId,title,genres\n"
                      "1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy\n"
                      "2,\"American President, The (1995)\",Comedy|Drama|Romance\n"
                      "3,\"Quotes \"\"inside\"\" (2001)\",(no genres listed)\n");
    m6test::writeFile(dir_, "mlcsv/tags.csv",
                      "userId,movieId,tag,timestamp\n"
                      "2,1,pixar,1445714994\n"
                      "3,1,pixar,1445714995\n"
                      "3,1,fun,1445714996\n"
                      "3,99,orphan,1445714997\n");
    auto fmt = m6::detectFormat(m6test::path(dir_, "mlcsv/ratings.csv"));
    QCOMPARE(QString::fromStdString(*fmt), QString("movielens-csv"));
    auto spec = m6::specForFormat(*fmt, m6test::path(dir_, "mlcsv/ratings.csv"));
    QVERIFY2(spec.ok(), spec.error().c_str());
    auto out = importOk(*spec, "mlcsv");
    QCOMPARE(out.dataset.interactions, int64_t(4));
    checkRejections(out.report, {{"ratings.csv", 5, "expected 4 columns, found 3"},
                                 {"tags.csv", 5, "item id '99' is not among the imported items"}});
    auto ds = load("mlcsv");
    QCOMPARE(QString::fromStdString(ds.itemTitles[1]), QString("American President, The (1995)"));
    QCOMPARE(QString::fromStdString(ds.itemTitles[2]), QString("Quotes \"inside\" (2001)"));
    QVERIFY(multiValues(*fieldNamed(ds.itemFields, "genres"), 2).empty());
    QCOMPARE(multiValues(*fieldNamed(ds.itemFields, "tags"), 0),
             (std::vector<std::string>{"fun", "pixar"}));
    // An empty rating is missing, not rejected; half stars are kept.
    QVERIFY(std::isnan(ds.rating[size_t(ds.userStart[1])]));
    QCOMPARE(ds.rating[1], 4.0f);  // user 1 sorted by time: movie 3 (4.5) first, then movie 1
    QCOMPARE(ds.rating[0], 4.5f);
  }

  void recbole()
  {
    m6test::writeFile(dir_, "rb/ml.inter",
                      "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
                      "196\t242\t3\t881250949\n"
                      "186\t302\t3\t891717742\n"
                      "22\t377\t1\t878887116\n"
                      "22\t302\tnope\t878887117\n");
    m6test::writeFile(dir_, "rb/ml.item",
                      "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
                      "242\tKolya\t1996\tComedy\n"
                      "302\tL.A. Confidential\t1997\tCrime Film-Noir Mystery Thriller\n"
                      "377\tHeavyweights\t1994\tChildren's Comedy\n");
    m6test::writeFile(
        dir_, "rb/ml.user",
        "user_id:token\tage:float\tgender:token\n196\t49\tM\n186\t39\tF\n22\t25\tM\n");
    auto spec =
        m6::specForFormat(*m6::detectFormat(m6test::path(dir_, "rb")), m6test::path(dir_, "rb"));
    QVERIFY2(spec.ok(), spec.error().c_str());
    QCOMPARE(QString::fromStdString(spec->format), QString("recbole"));
    auto out = importOk(*spec, "recbole");
    QCOMPARE(out.dataset.interactions, int64_t(3));
    checkRejections(out.report, {{"ml.inter", 5, "rating 'nope' is not a number"}});
    auto ds = load("recbole");
    QCOMPARE(ds.itemTitles[size_t(indexOf(ds.itemIds, "302"))], std::string("L.A. Confidential"));
    QCOMPARE(multiValues(*fieldNamed(ds.itemFields, "class"), indexOf(ds.itemIds, "302")),
             (std::vector<std::string>{"Crime", "Film-Noir", "Mystery", "Thriller"}));
    QCOMPARE(fieldNamed(ds.userFields, "age")->values[size_t(indexOf(ds.userIds, "186"))], 39.0);
    QCOMPARE(fieldNamed(ds.itemFields, "movie_title")->kind, m6::FieldKind::Text);
  }

  void genericCsvThroughAMapping()
  {
    // BOM, CRLF, a blank line, ISO-8601 times, a context field and a user side file.
    m6test::writeFile(dir_, "csv/events.csv",
                      "\xEF\xBB\xBFwho;what;stars;when;device\r\n"
                      "alice;book-1;5;2024-03-01T10:00:00Z;phone\r\n"
                      "\r\n"
                      "alice;book-2;4;2024-03-02 11:30:00+01:00;tv\r\n"
                      "bob;book-1;3;yesterday;phone\r\n"
                      "bob;book-3;\xff;2024-03-03;phone\r\n"
                      "carol;book-2;2;2024-03-04;tv\r\n"
                      "bob;book-2;4;2024-03-05;\r\n");
    m6test::writeFile(dir_, "csv/people.csv", "id,city\nalice,Paris\nbob,Oslo\nbob,Rome\n");
    m6test::writeFile(dir_, "csv/mapping.json", R"({
      "interactions": {"file": "events.csv", "delimiter": ";", "header": true,
                       "user": "who", "item": "what", "rating": "stars", "timestamp": "when",
                       "timestamp_format": "iso8601",
                       "fields": [{"column": "device", "kind": "categorical"}]},
      "users": {"file": "people.csv", "id": "id", "fields": [{"column": "city"}]}
    })");
    auto spec = mappingIn("csv");
    QVERIFY2(spec.ok(), spec.error().c_str());
    auto out = importOk(*spec, "csv");
    checkRejections(out.report, {{"people.csv", 4, "duplicate user id 'bob' (first on line 3)"},
                                 {"events.csv", 5, "timestamp 'yesterday' is not an ISO-8601 date"},
                                 {"events.csv", 6, "invalid UTF-8"},
                                 {"events.csv", 7, "user id 'carol' is not in people.csv"}});
    QCOMPARE(out.dataset.interactions, int64_t(3));
    auto ds = load("csv");
    QCOMPARE(ds.userIds, (std::vector<std::string>{"alice", "bob"}));
    QCOMPARE(ds.ts[0], int64_t(1709287200));  // 2024-03-01T10:00:00Z
    QCOMPARE(ds.ts[1], int64_t(1709375400));  // 11:30 at +01:00 is 10:30 UTC
    const auto* device = fieldNamed(ds.contextFields, "device");
    QVERIFY(device);
    QCOMPARE(device->vocab[size_t(device->codes[1])], std::string("tv"));
    QCOMPARE(device->codes[2], -1);  // bob's empty device is missing
    // The mapping round-trips through JSON.
    auto again = m6::importSpecFromJson(m6::importSpecToJson(*spec), "");
    QVERIFY2(again.ok(), again.error().c_str());
    QCOMPARE(again->interactions.file.dialect.delimiter, std::string(";"));
    QCOMPARE(again->users.fields.size(), size_t(1));
  }

  void outOfRangeValuesAreRejectedRows()
  {
    // A rating beyond a float (stored as infinity before), timestamps that are no dates (before
    // 1900, after 2199, milliseconds taken for seconds), beside good rows.
    m6test::writeFile(dir_, "range/events.csv",
                      "user,item,rating,ts\n"
                      "a,x,4,1700000000\n"
                      "a,y,1e308,1700000001\n"
                      "b,x,3,-100000000000000\n"
                      "b,y,2,9223372036854775807\n"
                      "b,z,5,1700000000000\n"
                      "c,x,-1e39,1700000002\n"
                      "c,y,1,-2208988800\n");
    m6test::writeFile(dir_, "range/mapping.json", R"({
      "interactions": {"file": "events.csv", "header": true, "user": "user", "item": "item",
                       "rating": "rating", "timestamp": "ts", "timestamp_format": "unix"}
    })");
    auto spec = mappingIn("range");
    QVERIFY2(spec.ok(), spec.error().c_str());
    auto out = importOk(*spec, "range");
    checkRejections(out.report, {{"events.csv", 3, "rating '1e308' is out of range"},
                                 {"events.csv", 4, "outside the years 1900-2199"},
                                 {"events.csv", 5, "outside the years 1900-2199"},
                                 {"events.csv", 6, "milliseconds instead of seconds"},
                                 {"events.csv", 7, "rating '-1e39' is out of range"}});
    QCOMPARE(out.dataset.interactions, int64_t(2));  // 1900-01-01 itself is a date
    auto ds = load("range");
    for (float r : ds.rating)
    {
      QVERIFY(std::isfinite(r));
    }
  }

  void hugeColumnIndexIsRefused()
  {
    // 2^62 wrapped round to column 0 in an int: the item column became the user column.
    auto spec = m6::importSpecFromJson(
        m6::Json::parse(
            R"({"interactions": {"file": "e.csv", "user": 0, "item": 4611686018427387904}})"),
        "");
    QVERIFY(!spec.ok());
    QVERIFY2(QString::fromStdString(spec.error()).contains("interactions.item: column index"),
             spec.error().c_str());
  }

  void mappingErrorsAreClear_data()
  {
    QTest::addColumn<QString>("mapping");
    QTest::addColumn<QString>("message");
    QTest::newRow("no interactions") << R"({"users": {}})"
                                     << "needs an \"interactions\" object";
    QTest::newRow("no user column") << R"({"interactions": {"file": "events.csv", "item": "what"}})"
                                    << "\"user\" column is missing";
    QTest::newRow("unknown kind")
        << R"({"interactions": {"file": "e.csv", "user": 0, "item": 1, "fields": [{"column": 2, "name": "x", "kind": "blob"}]}})"
        << "unknown kind \"blob\"";
    QTest::newRow("unknown key")
        << R"({"interactions": {"file": "e", "user": 0, "item": 1}, "extra": 1})"
        << "unknown mapping key \"extra\"";
    QTest::newRow("bad encoding")
        << R"({"interactions": {"file": "e", "user": 0, "item": 1, "encoding": "ebcdic"}})"
        << "unknown encoding";
    // Found by fuzz_mapping: a value of the wrong type threw out of storage instead of an error.
    QTest::newRow("format is an object")
        << R"({"format": {"lds": []}, "interactions": {"file": "auto", "user": 0, "item": 1}})"
        << "the mapping is malformed: expected a string, got an object";
  }
  void mappingErrorsAreClear()
  {
    QFETCH(QString, mapping);
    QFETCH(QString, message);
    auto spec = m6::importSpecFromJson(m6::Json::parse(mapping.toStdString()), "");
    QVERIFY(!spec.ok());
    QVERIFY2(QString::fromStdString(spec.error()).contains(message), spec.error().c_str());
  }

  void missingColumnNamesTheColumns()
  {
    m6test::writeFile(dir_, "cols/r.csv", "u,i,r\n1,2,3\n");
    m6::ImportSpec spec;
    spec.interactions.file.path = m6test::path(dir_, "cols/r.csv");
    spec.interactions.file.dialect.header = true;
    spec.interactions.user = m6::ColumnRef::byName("user");
    spec.interactions.item = m6::ColumnRef::byName("i");
    auto r = m6::importDataset(*ws_, spec, "cols");
    QVERIFY(!r.ok());
    QVERIFY2(QString::fromStdString(r.error()).contains(
                 "no user column \"user\" (its columns are: u, i, r)"),
             r.error().c_str());
    QVERIFY(!ws_->dataset("cols").ok());
  }

  void wrongFormatFailsFastWithOneMessage()
  {
    // A comma-separated file in a folder declared as MovieLens 100K.
    QByteArray lines;
    for (int k = 0; k < 500; ++k)
    {
      lines += QByteArray::number(k) + ",1,5,881250949\n";
    }
    m6test::writeFile(dir_, "wrong/u.data", lines);
    auto spec = m6::specForFormat("movielens-100k", m6test::path(dir_, "wrong"));
    QVERIFY(spec.ok());
    auto before = ws_->datasets()->size();
    auto r = m6::importDataset(*ws_, *spec, "wrong");
    QVERIFY(!r.ok());
    QVERIFY2(QString::fromStdString(r.error()).contains("u.data does not look like MovieLens 100K"),
             r.error().c_str());
    QVERIFY(QString::fromStdString(r.error()).contains("line 1: expected 4 columns, found 1"));
    QCOMPARE(ws_->datasets()->size(), before);

    // A header-based file with the wrong delimiter.
    m6test::writeFile(dir_, "wrongdelim/r.tsv", "user\titem\n1\t2\n");
    m6::ImportSpec s2;
    s2.interactions.file.path = m6test::path(dir_, "wrongdelim/r.tsv");
    s2.interactions.file.dialect.header = true;
    s2.interactions.file.dialect.delimiter = ",";
    s2.interactions.user = m6::ColumnRef::byIndex(0);
    s2.interactions.item = m6::ColumnRef::byIndex(1);
    auto r2 = m6::importDataset(*ws_, s2, "wrongdelim");
    QVERIFY(!r2.ok());
    QVERIFY2(QString::fromStdString(r2.error()).contains("'\\t' ones"), r2.error().c_str());
  }

  void cancelledImportLeavesNothing()
  {
    QByteArray big = "userId,movieId,rating,timestamp\n";
    for (int k = 0; k < 300000; ++k)
    {
      big += QByteArray::number(k % 5000) + "," + QByteArray::number(k % 3000) + ",4.0," +
             QByteArray::number(964982703 + k) + "\n";
    }
    m6test::writeFile(dir_, "big/ratings.csv", big);
    auto spec = m6::specForFormat("movielens-csv", m6test::path(dir_, "big"));
    QVERIFY(spec.ok());
    const int64_t datasetsBefore = int64_t(ws_->datasets()->size());
    const int64_t rowsBefore = workspaceDb(*ws_).queryInt("SELECT count(*) FROM interactions");
    for (const char* phase : {"Reading", "Writing interactions"})
    {
      std::atomic<bool> cancel{false};
      bool sawPhase = false;
      m6::ImportCallbacks cb;
      cb.cancel = &cancel;
      cb.progress = [&](const m6::StorageProgress& p)
      {
        if (p.phase.rfind(phase, 0) == 0)
        {
          sawPhase = true;
          cancel = true;
        }
      };
      auto r = m6::importDataset(*ws_, *spec, "big", cb);
      QVERIFY(sawPhase);
      QVERIFY(!r.ok());
      QCOMPARE(QString::fromStdString(r.error()), QString("cancelled"));
      QCOMPARE(int64_t(ws_->datasets()->size()), datasetsBefore);
      QCOMPARE(workspaceDb(*ws_).queryInt("SELECT count(*) FROM interactions"), rowsBefore);
      QCOMPARE(
          workspaceDb(*ws_).queryInt("SELECT count(*) FROM import_reports WHERE dataset_id NOT IN "
                                     "(SELECT id FROM datasets)"),
          int64_t(0));
      QCOMPARE(QString::fromStdString(workspaceDb(*ws_).queryText("PRAGMA integrity_check")),
               QString("ok"));
    }
    // Without a cancel the same import succeeds.
    auto ok = m6::importDataset(*ws_, *spec, "big");
    QVERIFY2(ok.ok(), ok.error().c_str());
    QCOMPARE(ok->dataset.interactions, int64_t(300000));
  }

  void sniffingAndPreview()
  {
    auto p = m6test::writeFile(dir_, "sniff/x.tsv", "user\titem\trating\nu1\ti1\t5\nu2\ti1\t3\n");
    auto d = m6::sniffDialect(p);
    QCOMPARE(d.delimiter, std::string("\t"));
    QVERIFY(d.header);
    auto prev = m6::previewFile(p, d, 10);
    QVERIFY(prev.ok());
    QCOMPARE(prev->header, (std::vector<std::string>{"user", "item", "rating"}));
    QCOMPARE(prev->rows.size(), size_t(2));
    auto p2 = m6test::writeFile(dir_, "sniff/y.dat", "1::2::5::9\n1::3::4::9\n");
    auto d2 = m6::sniffDialect(p2);
    QCOMPARE(d2.delimiter, std::string("::"));
    QVERIFY(!d2.header);
    auto p3 = m6test::writeFile(dir_, "sniff/z.csv", "a,b\n\xE9,1\n");
    QCOMPARE(m6::sniffDialect(p3).encoding, m6::Encoding::Latin1);
  }

  void detectionOfFoldersAndFiles()
  {
    QVERIFY(!m6::detectFormat(m6test::path(dir_, "does-not-exist")).ok());
    QDir().mkpath(QString::fromStdString(m6test::path(dir_, "emptyfolder")));
    auto r = m6::detectFormat(m6test::path(dir_, "emptyfolder"));
    QVERIFY(!r.ok());
    QVERIFY(QString::fromStdString(r.error()).contains("no known dataset files"));
    auto f = m6test::writeFile(dir_, "plain/data.csv", "a,b\n1,2\n");
    QCOMPARE(QString::fromStdString(*m6::detectFormat(f)), QString("csv"));
    QVERIFY(!m6::specForFormat("nonsense", f).ok());
  }
};

QTEST_APPLESS_MAIN(TestImporters)
#include "test_importers.moc"
