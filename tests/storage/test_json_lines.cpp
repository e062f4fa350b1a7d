// JSON lines, gzip input, missing-value markers and the mapping guesses: fixtures
// written here, plus the real Amazon 2018 file from ../shared/data when it is there.
//
// Over 500 lines: JSON lines, gzip, missing values and the mapping guesses share the fixture
// writers.
#include <zlib.h>

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <set>

#include "storage/byte_source.h"
#include "storage/formats.h"
#include "storage/importer.h"
#include "storage/mapping_guess.h"
#include "storage/text_reader.h"
#include "storage/workspace.h"
#include "tests/storage/fixtures.h"

using namespace m6;

namespace
{

/// Writes `bytes` gzip-compressed to dir/name with zlib and returns the path.
std::string writeGzip(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes)
{
  const std::string path = m6test::path(dir, name);
  QDir().mkpath(QFileInfo(QString::fromStdString(path)).path());
  gzFile gz = gzopen(path.c_str(), "wb");
  if (!gz)
  {
    qFatal("cannot write %s", path.c_str());
  }
  if (!bytes.isEmpty())
  {
    gzwrite(gz, bytes.constData(), static_cast<unsigned>(bytes.size()));
  }
  gzclose(gz);
  return path;
}

QByteArray readAll(const std::string& path)
{
  QFile f(QString::fromStdString(path));
  f.open(QIODevice::ReadOnly);
  return f.readAll();
}

// An Amazon-2018-like review file: two exact repeats, a missing key, a wrong type, a line that
// is no object, broken JSON, a null id, and a nested style key.
const char* kReviews =
    "{\"overall\": 5.0, \"reviewTime\": \"08 22, 2013\", \"reviewerID\": \"A1\", \"asin\": "
    "\"B01\", \"style\": {\"Format:\": \" Hardcover\"}, \"unixReviewTime\": 1377129600}\n"
    "{\"overall\": 4.0, \"reviewTime\": \"08 23, 2013\", \"reviewerID\": \"A1\", \"asin\": "
    "\"B02\", \"unixReviewTime\": 1377216000}\n"
    "{\"overall\": 4.0, \"reviewTime\": \"08 23, 2013\", \"reviewerID\": \"A1\", \"asin\": "
    "\"B02\", \"unixReviewTime\": 1377216000}\n"
    "{\"overall\": 3.0, \"reviewTime\": \"01 02, 2014\", \"reviewerID\": \"A2\", \"asin\": "
    "\"B01\", \"unixReviewTime\": 1388620800}\r\n"
    "\n"
    "{\"overall\": 2.0, \"reviewTime\": \"01 03, 2014\", \"asin\": \"B03\", \"unixReviewTime\": "
    "1388707200}\n"
    "{\"overall\": \"five\", \"reviewerID\": \"A3\", \"asin\": \"B03\", \"unixReviewTime\": "
    "1388707200}\n"
    "[1, 2, 3]\n"
    "{\"overall\": 5.0, \"reviewerID\": \"A3\", \"asin\": \n"
    "{\"overall\": 1.0, \"reviewerID\": null, \"asin\": \"B01\", \"unixReviewTime\": 1388707200}\n"
    "{\"overall\": 1.0, \"reviewerID\": \"A3\", \"asin\": {\"id\": 1}, \"unixReviewTime\": 1}\n"
    "{\"overall\": 4.0, \"reviewTime\": \"01 05, 2014\", \"reviewerID\": \"A3\", \"asin\": "
    "\"B03\", \"unixReviewTime\": 1388880000}\n";

}  // namespace

class TestJsonLines : public QObject
{
  Q_OBJECT

  QTemporaryDir dir_;

  static std::string reasons(const ImportReport& r)
  {
    std::string out;
    for (const auto& x : r.rejected)
    {
      out += std::to_string(x.line) + ": " + x.reason + "\n";
    }
    return out;
  }

  static ParsedImport readOk(const ImportSpec& spec)
  {
    auto r = readImport(spec, "t");
    if (!r)
    {
      qFatal("import failed: %s", r.error().c_str());
    }
    return std::move(*r);
  }

 private Q_SLOTS:
  void amazonLayoutIsDetectedAndReadByKey()
  {
    const auto path = m6test::writeFile(dir_, "Beauty_5.json", kReviews);
    auto format = detectFormat(path);
    QVERIFY2(format.ok(), format.error().c_str());
    QCOMPARE(QString::fromStdString(*format), QString("amazon-reviews"));
    auto spec = specForFormat(*format, path);
    QVERIFY2(spec.ok(), spec.error().c_str());
    auto out = readOk(*spec);
    const auto& ds = out.snapshot;
    // 11 records (the blank line is no record): 5 good, 6 rejected; the repeat is kept (removing
    // repeats is the prepare step's job).
    QCOMPARE(out.report.rowsRead, int64_t(11));
    QCOMPARE(out.report.rowsRejected, int64_t(6));
    QCOMPARE(ds.numInteractions(), int64_t(5));
    QCOMPARE(ds.userIds, (std::vector<std::string>{"A1", "A2", "A3"}));
    QCOMPARE(ds.itemIds, (std::vector<std::string>{"B01", "B02", "B03"}));
    const std::string why = reasons(out.report);
    QVERIFY2(why.find("6: no user id (key \"reviewerID\" is missing") != std::string::npos,
             why.c_str());
    QVERIFY2(why.find("7: rating 'five' is not a number") != std::string::npos, why.c_str());
    QVERIFY2(why.find("8: not a JSON object") != std::string::npos, why.c_str());
    QVERIFY2(why.find("9: not valid JSON") != std::string::npos, why.c_str());
    QVERIFY2(why.find("10: no user id (key \"reviewerID\" is missing, null") != std::string::npos,
             why.c_str());
    QVERIFY2(why.find("11: key \"asin\" holds an object") != std::string::npos, why.c_str());
    // The repeat is counted in the report.
    QCOMPARE(out.report.warnings.size(), size_t(1));
    QVERIFY2(out.report.warnings[0].find("1 interaction repeats the user, item and time") == 0,
             out.report.warnings[0].c_str());
    // Ratings and times came from the mapped keys, not from "reviewTime".
    QCOMPARE(ds.rating[0], 5.0f);
    QCOMPARE(ds.ts[0], int64_t(1377129600));
  }

  void gzipGivesExactlyTheRowsOfItsTwin()
  {
    const auto plain = m6test::writeFile(dir_, "twin/reviews.json", kReviews);
    // Named without .gz on purpose: the magic bytes decide, not the name.
    const auto gz = writeGzip(dir_, "twin/reviews-copy.json", kReviews);
    QCOMPARE(detectCompression(gz), Compression::Gzip);
    QCOMPARE(detectCompression(plain), Compression::None);
    auto a = readOk(*specForFormat("amazon-reviews", plain));
    auto b = readOk(*specForFormat(*detectFormat(gz), gz));
    QCOMPARE(b.snapshot.userIds, a.snapshot.userIds);
    QCOMPARE(b.snapshot.itemIds, a.snapshot.itemIds);
    QCOMPARE(b.snapshot.user, a.snapshot.user);
    QCOMPARE(b.snapshot.item, a.snapshot.item);
    QCOMPARE(b.snapshot.ts, a.snapshot.ts);
    QCOMPARE(reasons(b.report), reasons(a.report));

    // And a delimited file: a gzip-compressed MovieLens ratings.csv in a folder.
    const QByteArray ratings =
        "userId,movieId,rating,timestamp\n1,10,4.0,964982703\n1,20,3.5,964982704\n"
        "2,10,5.0,964982705\n";
    writeGzip(dir_, "mlgz/ratings.csv.gz", ratings);
    auto fmt = detectFormat(m6test::path(dir_, "mlgz"));
    QVERIFY2(fmt.ok(), fmt.error().c_str());
    QCOMPARE(QString::fromStdString(*fmt), QString("movielens-csv"));
    auto ml = readOk(*specForFormat(*fmt, m6test::path(dir_, "mlgz")));
    QCOMPARE(ml.snapshot.numInteractions(), int64_t(3));
    QCOMPARE(ml.snapshot.rating[1], 3.5f);
  }

  void truncatedGzipIsAClearErrorAndChangesNothing()
  {
    QByteArray many;
    for (int i = 0; i < 20000; ++i)
    {
      many += "{\"reviewerID\": \"U" + QByteArray::number(i % 300) + "\", \"asin\": \"I" +
              QByteArray::number(i % 97) +
              "\", \"overall\": 4.0, \"unixReviewTime\": " + QByteArray::number(1400000000 + i) +
              "}\n";
    }
    const auto whole = writeGzip(dir_, "cut/whole.json.gz", many);
    const QByteArray bytes = readAll(whole);
    const auto cut = m6test::writeFile(dir_, "cut/cut.json.gz", bytes.left(bytes.size() / 2));

    auto opened = Workspace::open(m6test::path(dir_, "cut.m6ws"));
    QVERIFY2(opened.ok(), opened.error().c_str());
    auto& ws = *opened;
    auto full = importDataset(*ws, *specForFormat("amazon-reviews", whole), "whole");
    QVERIFY2(full.ok(), full.error().c_str());
    QCOMPARE(full->dataset.interactions, int64_t(20000));
    auto before = ws->datasets();
    QVERIFY(before.ok());

    auto spec = specForFormat(*detectFormat(cut), cut);
    QVERIFY2(spec.ok(), spec.error().c_str());
    auto r = importDataset(*ws, *spec, "cut");
    QVERIFY(!r.ok());
    QVERIFY2(r.error().find("truncated") != std::string::npos, r.error().c_str());
    QVERIFY2(r.error().find("cut.json.gz") != std::string::npos, r.error().c_str());
    auto after = ws->datasets();
    QVERIFY(after.ok());
    QCOMPARE(after->size(), before->size());
  }

  // The metadata file beside an Amazon review file (meta_<Category>) gives the reviewed items
  // their titles and features; items it lists without reviews are left out, reviewed items it
  // does not list are kept without features.
  void amazonMetadataDescribesTheReviewedItems()
  {
    const auto path = m6test::writeFile(dir_, "meta/reviews_Beauty_5.json", kReviews);
    m6test::writeFile(
        dir_, "meta/meta_Beauty.json",
        "{\"asin\": \"B99\", \"title\": \"Never reviewed\", \"category\": [\"Beauty\"]}\n"
        "{\"asin\": \"B01\", \"title\": \"Lipstick\", \"category\": [\"Beauty\", \"Makeup\"], "
        "\"brand\": \"Acme\", \"main_cat\": \"All Beauty\", \"price\": \"$8.99\"}\n"
        "{\"asin\": \"B02\", \"title\": \"Brush\", \"category\": [], \"brand\": \"\"}\n"
        "{\"asin\": \"B02\", \"title\": \"Brush again\"}\n");
    auto spec = specForFormat(*detectFormat(path), path);
    QVERIFY2(spec.ok(), spec.error().c_str());
    QVERIFY(spec->items.present && spec->items.describesOnly);
    auto out = readOk(*spec);
    const auto& ds = out.snapshot;
    QCOMPARE(ds.itemIds, (std::vector<std::string>{"B01", "B02", "B03"}));
    QCOMPARE(ds.itemTitles, (std::vector<std::string>{"Lipstick", "Brush", ""}));
    QCOMPARE(ds.numInteractions(), int64_t(5));  // B03's interactions are kept
    const FieldColumn* category = nullptr;
    const FieldColumn* brand = nullptr;
    for (const auto& f : ds.itemFields)
    {
      category = f.name == "category" ? &f : category;
      brand = f.name == "brand" ? &f : brand;
    }
    QVERIFY(category && category->kind == FieldKind::Multi);
    QCOMPARE(category->vocab, (std::vector<std::string>{"Beauty", "Makeup"}));
    QCOMPARE(category->offsets, (std::vector<int64_t>{0, 2, 2, 2}));
    QVERIFY(brand && brand->kind == FieldKind::Categorical);
    QCOMPARE(brand->codes, (std::vector<int32_t>{0, -1, -1}));
    // The repeated B02 is a rejected row; B99 is skipped and counted.
    QCOMPARE(out.report.rowsRejected, int64_t(6 + 1));
    QVERIFY2(reasons(out.report).find("duplicate item id 'B02'") != std::string::npos,
             reasons(out.report).c_str());
    bool described = false;
    for (const auto& w : out.report.warnings)
    {
      described =
          described ||
          w.find(
              "meta_Beauty.json described 2 of the 3 items with interactions; 1 row for items "
              "without interactions skipped") == 0;
    }
    QVERIFY(described);
  }

  void yelpBusinessesDescribeTheReviewedBusinesses()
  {
    const auto path = m6test::writeFile(
        dir_, "yelp/yelp_academic_dataset_review.json",
        "{\"review_id\": \"r1\", \"user_id\": \"u1\", \"business_id\": \"b1\", \"stars\": 4, "
        "\"date\": \"2018-07-07 22:09:11\"}\n"
        "{\"review_id\": \"r2\", \"user_id\": \"u2\", \"business_id\": \"b1\", \"stars\": 2, "
        "\"date\": \"2018-07-08 10:00:00\"}\n");
    m6test::writeFile(dir_, "yelp/yelp_academic_dataset_business.json",
                      "{\"business_id\": \"b1\", \"name\": \"Pizza Place\", \"city\": \"Tucson\", "
                      "\"state\": \"AZ\", \"categories\": \"Restaurants, Pizza\"}\n");
    auto out = readOk(*specForFormat(*detectFormat(path), path));
    QCOMPARE(out.snapshot.itemTitles, (std::vector<std::string>{"Pizza Place"}));
    for (const auto& f : out.snapshot.itemFields)
    {
      if (f.name == "categories")
      {
        QCOMPARE(f.vocab, (std::vector<std::string>{"Pizza", "Restaurants"}));
      }
    }
  }

  // A 2014 metadata file holds Python literals, not JSON: the reviews import without features,
  // and the report says why.
  void metadataThatIsNotJsonIsNamedAndLeftOut()
  {
    const auto path = m6test::writeFile(dir_, "old/Toys_5.json", kReviews);
    m6test::writeFile(dir_, "old/meta_Toys.json",
                      "{'asin': 'B01', 'categories': [['Toys', 'Games']], 'title': 'Ball'}\n");
    auto spec = specForFormat(*detectFormat(path), path);
    QVERIFY(spec.ok() && !spec->items.present);
    auto out = readOk(*spec);
    QVERIFY(out.snapshot.itemFields.empty());
    bool noted = false;
    for (const auto& w : out.report.warnings)
    {
      noted = noted || w.find("meta_Toys.json is beside the reviews but is not JSON lines") == 0;
    }
    QVERIFY(noted);
  }

  // "describes_only" in a mapping: any item file may describe a larger catalogue.
  void aMappedItemFileMayOnlyDescribe()
  {
    m6test::writeFile(dir_, "describe/events.csv", "user,item\nu1,i1\nu1,i2\nu2,i1\n");
    m6test::writeFile(dir_, "describe/items.csv", "item,name\ni9,unused\ni1,first\n");
    const std::string mapping =
        R"({"interactions": {"file": "events.csv", "user": "user", "item": "item"},
            "items": {"file": "items.csv", "id": "item", "title": "name", "describes_only": true}})";
    auto spec = importSpecFromJson(Json::parse(mapping), m6test::path(dir_, "describe"));
    QVERIFY2(spec.ok(), spec.ok() ? "" : spec.error().c_str());
    QVERIFY(spec->items.describesOnly);
    QVERIFY(importSpecToJson(*spec).at("items").at("describes_only").asBool());
    auto out = readOk(*spec);
    QCOMPARE(out.snapshot.itemIds, (std::vector<std::string>{"i1", "i2"}));
    QCOMPARE(out.snapshot.itemTitles, (std::vector<std::string>{"first", ""}));
    QCOMPARE(out.report.rowsRejected, int64_t(0));
    // Only items can describe.
    auto bad = importSpecFromJson(
        Json::parse(R"({"interactions": {"file": "events.csv", "user": "user", "item": "item"},
                        "users": {"file": "items.csv", "id": "item", "describes_only": true}})"),
        m6test::path(dir_, "describe"));
    QVERIFY(!bad.ok());
    QVERIFY2(bad.error().find("only for items") != std::string::npos, bad.error().c_str());
  }

  // Goodreads (UCSD Book Graph): detected by its keys, times like "Fri Aug 25 13:55:02 -0700
  // 2017", a rating of 0 (shelved, not rated) read as no rating, the genre's book file beside it.
  void goodreadsInteractionsAndBooks()
  {
    const auto path = m6test::writeFile(
        dir_, "goodreads/goodreads_interactions_poetry.json",
        "{\"user_id\": \"8842\", \"book_id\": \"2437\", \"review_id\": \"r1\", \"is_read\": true, "
        "\"rating\": 4, \"date_added\": \"Fri Aug 25 13:55:02 -0700 2017\"}\n"
        "{\"user_id\": \"8842\", \"book_id\": \"77\", \"review_id\": \"r2\", \"is_read\": false, "
        "\"rating\": 0, \"date_added\": \"Mon Jan 02 00:00:00 +0000 2012\"}\n"
        "{\"user_id\": \"9\", \"book_id\": \"77\", \"rating\": 5, \"date_added\": "
        "\"yesterday\"}\n");
    m6test::writeFile(dir_, "goodreads/goodreads_books_poetry.json",
                      "{\"book_id\": \"2437\", \"title\": \"Odes\", \"publisher\": \"Penguin\", "
                      "\"language_code\": \"eng\", \"publication_year\": \"1999\"}\n"
                      "{\"book_id\": \"5\", \"title\": \"Not shelved\"}\n");
    QCOMPARE(QString::fromStdString(*detectFormat(path)), QString("goodreads"));
    auto out = readOk(*specForFormat("goodreads", path));
    const auto& ds = out.snapshot;
    QCOMPARE(ds.numInteractions(), int64_t(2));  // "yesterday" is no date: rejected
    QCOMPARE(out.report.rowsRejected, int64_t(1));
    QVERIFY2(reasons(out.report).find("yesterday") != std::string::npos,
             reasons(out.report).c_str());
    // User 8842's interactions in time order: the 2012 one (rating 0: none), then 2017.
    QCOMPARE(ds.ts, (std::vector<int64_t>{1325462400, 1503694502}));
    QVERIFY(std::isnan(ds.rating[0]));
    QCOMPARE(ds.rating[1], 4.0f);
    QCOMPARE(ds.itemIds, (std::vector<std::string>{"77", "2437"}));  // natural order
    QCOMPARE(ds.itemTitles, (std::vector<std::string>{"", "Odes"}));
    int64_t t = 0;
    QVERIFY(parseTimestamp("Fri Aug 25 13:55:02 2017", TimeFormat::Auto, &t));
    QCOMPARE(t, int64_t(1503669302));  // no offset: UTC
    QVERIFY(!parseTimestamp("Fri Aug 32 13:55:02 -0700 2017", TimeFormat::WeekdayMonth, &t));
    QVERIFY(!parseTimestamp("Fri Aug 25 13:55 -0700 2017", TimeFormat::WeekdayMonth, &t));
  }

  void amazon2023TimesAreMilliseconds()
  {
    const auto path = m6test::writeFile(
        dir_, "All_Beauty.jsonl",
        "{\"rating\": 5.0, \"title\": \"ok\", \"asin\": \"B1X\", \"parent_asin\": \"B1\", "
        "\"user_id\": \"U1\", \"timestamp\": 1588687728923, \"verified_purchase\": true}\n"
        "{\"rating\": 3.0, \"title\": \"meh\", \"asin\": \"B1Y\", \"parent_asin\": \"B1\", "
        "\"user_id\": \"U2\", \"timestamp\": 1588687729000, \"verified_purchase\": false}\n");
    QCOMPARE(QString::fromStdString(*detectFormat(path)), QString("amazon-reviews-2023"));
    auto out = readOk(*specForFormat("amazon-reviews-2023", path));
    QCOMPARE(out.snapshot.ts[0], int64_t(1588687728));
    // Variants of one product are one item.
    QCOMPARE(out.snapshot.itemIds, (std::vector<std::string>{"B1"}));
  }

  void mappedKeysNestedPathsAndLists()
  {
    const auto path = m6test::writeFile(
        dir_, "events.jsonl",
        "{\"who\": {\"id\": 7}, \"what\": \"a\", \"when\": \"2020-01-02T03:04:05Z\", "
        "\"tags\": [\"x\", \"y\"], \"device\": \"NA\"}\n"
        "{\"who\": {\"id\": 8}, \"what\": \"b\", \"when\": \"2020-01-03T03:04:05Z\", "
        "\"tags\": [], \"device\": \"phone\"}\n");
    QCOMPARE(QString::fromStdString(*detectFormat(path)), QString("json-lines"));
    Dialect d = sniffDialect(path);
    QCOMPARE(d.layout, Layout::JsonLines);
    QCOMPARE(d.missing, (std::vector<std::string>{"NA"}));
    auto preview = previewFile(path, d, 10);
    QVERIFY2(preview.ok(), preview.error().c_str());
    QCOMPARE(preview->header,
             (std::vector<std::string>{"who.id", "what", "when", "tags", "device"}));
    QCOMPARE(preview->rows[0][3], std::string("x|y"));

    ImportSpec spec;
    spec.interactions.file.path = path;
    spec.interactions.file.dialect = d;
    spec.interactions.user = ColumnRef::byName("who.id");
    spec.interactions.item = ColumnRef::byName("what");
    spec.interactions.timestamp = ColumnRef::byName("when");
    FieldSpec tags;
    tags.column = ColumnRef::byName("tags");
    tags.name = "tags";
    tags.kind = FieldKind::Multi;
    FieldSpec device;
    device.column = ColumnRef::byName("device");
    device.name = "device";
    spec.interactions.fields = {tags, device};
    // The mapping survives its JSON form.
    auto again = importSpecFromJson(importSpecToJson(spec), "");
    QVERIFY2(again.ok(), again.error().c_str());
    QCOMPARE(again->interactions.file.dialect.layout, Layout::JsonLines);
    QCOMPARE(again->interactions.file.dialect.missing, d.missing);

    auto out = readOk(*again);
    const auto& ds = out.snapshot;
    QCOMPARE(ds.userIds, (std::vector<std::string>{"7", "8"}));
    QCOMPARE(ds.ts[1], int64_t(1578020645));
    const FieldColumn* dev = nullptr;
    const FieldColumn* tg = nullptr;
    for (const auto& f : ds.contextFields)
    {
      dev = f.name == "device" ? &f : dev;
      tg = f.name == "tags" ? &f : tg;
    }
    QVERIFY(dev && tg);
    // "NA" is missing, not a device called NA.
    QCOMPARE(dev->vocab, (std::vector<std::string>{"phone"}));
    QCOMPARE(tg->offsets, (std::vector<int64_t>{0, 2, 2}));

    // A key given by position is refused: JSON has no column order.
    spec.interactions.item = ColumnRef::byIndex(1);
    auto r = readImport(spec, "t");
    QVERIFY(!r.ok());
    QVERIFY2(r.error().find("read by key") != std::string::npos, r.error().c_str());
  }

  void missingMarkersInDelimitedFiles()
  {
    const auto path = m6test::writeFile(dir_, "rest.csv",
                                        "userID,placeID,rating,smoker\n"
                                        "U1,P1,2,false\nU2,P1,?,?\nU3,P2,1,true\nU1,P2,0,?\n");
    Dialect d = sniffDialect(path);
    QCOMPARE(d.missing, (std::vector<std::string>{"?"}));
    ImportSpec spec;
    spec.interactions.file.path = path;
    spec.interactions.file.dialect = d;
    spec.interactions.user = ColumnRef::byName("userID");
    spec.interactions.item = ColumnRef::byName("placeID");
    spec.interactions.rating = ColumnRef::byName("rating");
    FieldSpec smoker;
    smoker.column = ColumnRef::byName("smoker");
    smoker.name = "smoker";
    spec.interactions.fields = {smoker};
    auto out = readOk(spec);
    QCOMPARE(out.snapshot.numInteractions(), int64_t(4));
    QCOMPARE(out.report.rowsRejected, int64_t(0));
    QCOMPARE(out.snapshot.contextFields[0].vocab, (std::vector<std::string>{"false", "true"}));
    int missingRatings = 0;
    for (float r : out.snapshot.rating)
    {
      missingRatings += std::isnan(r) ? 1 : 0;
    }
    QCOMPARE(missingRatings, 1);
    // Without the marker "?" is a category, as before.
    spec.interactions.file.dialect.missing.clear();
    spec.interactions.rating = {};
    auto raw = readOk(spec);
    QCOMPARE(raw.snapshot.contextFields[0].vocab.size(), size_t(3));
  }

  void withoutTimesEachUsersOrderIsAFixedShuffle()
  {
    // A listening-counts file sorted by artist: by file order the highest artist id would be
    // every user's last (test) interaction.
    QByteArray rows = "user\tartist\tplays\n";
    for (int u = 0; u < 30; ++u)
    {
      for (int a = 0; a < 20; ++a)
      {
        rows += QByteArray::number(u) + "\t" + QByteArray::number(100 + a) + "\t" +
                QByteArray::number(1 + (u * a) % 7) + "\n";
      }
    }
    const auto path = m6test::writeFile(dir_, "plays.tsv", rows);
    ImportSpec spec;
    spec.interactions.file.path = path;
    spec.interactions.file.dialect = sniffDialect(path);
    spec.interactions.user = ColumnRef::byName("user");
    spec.interactions.item = ColumnRef::byName("artist");
    spec.interactions.rating = ColumnRef::byName("plays");
    auto a = readOk(spec);
    auto b = readOk(spec);
    QVERIFY(a.snapshot.shuffledWithinUser);
    QCOMPARE(a.snapshot.item, b.snapshot.item);  // the same file, the same order
    std::set<int32_t> lastItems;
    int inFileOrder = 0;
    for (int64_t u = 0; u < a.snapshot.numUsers(); ++u)
    {
      const auto b0 = static_cast<size_t>(a.snapshot.userStart[static_cast<size_t>(u)]);
      const auto e0 = static_cast<size_t>(a.snapshot.userStart[static_cast<size_t>(u) + 1]);
      lastItems.insert(a.snapshot.item[e0 - 1]);
      inFileOrder += std::is_sorted(a.snapshot.item.begin() + static_cast<int64_t>(b0),
                                    a.snapshot.item.begin() + static_cast<int64_t>(e0))
                         ? 1
                         : 0;
    }
    QCOMPARE(inFileOrder, 0);
    QVERIFY(lastItems.size() > 5);  // the held-out items are spread over the catalogue
    // A file with times keeps time order and is not marked.
    const auto timed = m6test::writeFile(dir_, "timed.json", kReviews);
    auto ml = readOk(*specForFormat("amazon-reviews", timed));
    QVERIFY(!ml.snapshot.shuffledWithinUser);
  }

  void roleGuesses_data()
  {
    QTest::addColumn<QStringList>("header");
    QTest::addColumn<QStringList>("row");
    QTest::addColumn<QStringList>("roles");
    QTest::addColumn<int>("timeFormat");
    QTest::newRow("amazon 2018 keys")
        << QStringList{"overall", "verified", "reviewTime", "reviewerID", "asin", "unixReviewTime"}
        << QStringList{"5.0", "true", "08 22, 2013", "A1", "B1", "1377129600"}
        << QStringList{"rating", "", "", "user", "item", "timestamp"} << int(TimeFormat::Unix);
    QTest::newRow("milliseconds") << QStringList{"user_id", "parent_asin", "rating", "timestamp"}
                                  << QStringList{"U", "B", "4", "1588687728923"}
                                  << QStringList{"user", "item", "rating", "timestamp"}
                                  << int(TimeFormat::UnixMillis);
    QTest::newRow("yelp") << QStringList{"review_id", "user_id", "business_id", "stars", "date"}
                          << QStringList{"r", "u", "b", "4", "2016-03-09 23:53:05"}
                          << QStringList{"", "user", "item", "rating", "timestamp"}
                          << int(TimeFormat::Iso8601);
    QTest::newRow("no header") << QStringList{} << QStringList{"1", "31", "2.5", "1260759144"}
                               << QStringList{"user", "item", "rating", "timestamp"}
                               << int(TimeFormat::Unix);
    QTest::newRow("counts, no time")
        << QStringList{"userID", "artistID", "weight"} << QStringList{"2", "51", "13883"}
        << QStringList{"user", "item", "rating"} << int(TimeFormat::Auto);
  }

  void roleGuesses()
  {
    QFETCH(QStringList, header);
    QFETCH(QStringList, row);
    QFETCH(QStringList, roles);
    QFETCH(int, timeFormat);
    Preview p;
    for (const auto& h : header)
    {
      p.header.push_back(h.toStdString());
    }
    p.rows.emplace_back();
    for (const auto& v : row)
    {
      p.rows.back().push_back(v.toStdString());
    }
    const RoleGuess g = guessInteractionRoles(p);
    QStringList got;
    for (const auto& r : g.roles)
    {
      got << QString::fromStdString(r);
    }
    QCOMPARE(got, roles);
    QCOMPARE(int(g.timeFormat), timeFormat);
  }

  void realAmazonFile()
  {
    const QString path = QStringLiteral(
        M6_SOURCE_DIR "/../shared/data/amazon2018-appliances-5core/Appliances_5.json.gz");
    if (!QFile::exists(path))
    {
      QSKIP("../shared/data is not on this machine");
    }
    auto fmt = detectFormat(path.toStdString());
    QCOMPARE(QString::fromStdString(*fmt), QString("amazon-reviews"));
    auto out = readOk(*specForFormat(*fmt, path.toStdString()));
    // The data README's figures: 2,277 lines, 47 users, 48 items.
    QCOMPARE(out.snapshot.numInteractions(), int64_t(2277));
    QCOMPARE(out.snapshot.numUsers(), int64_t(47));
    QCOMPARE(out.snapshot.numItems(), int64_t(48));
    QCOMPARE(out.report.rowsRejected, int64_t(0));
  }
};

QTEST_APPLESS_MAIN(TestJsonLines)
#include "test_json_lines.moc"
