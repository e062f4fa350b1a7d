// The record reader under every awkward input the importers meet.
#include <QtTest>

#include "fixtures.h"
#include "storage/text_reader.h"

using m6::Dialect;
using m6::Encoding;
using m6::Record;
using m6::RecordReader;

class TestTextReader : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;

  struct Row
  {
    int64_t line;
    QStringList fields;
    QString error;
  };

  QList<Row> readAll(const QByteArray& bytes, const Dialect& d)
  {
    auto p = m6test::writeFile(dir_, "f.txt", bytes);
    RecordReader r;
    auto ok = r.open(p, d);
    if (!ok)
    {
      qFatal("%s", ok.error().c_str());
    }
    QList<Row> rows;
    Record rec;
    while (r.next(rec))
    {
      Row row{rec.line, {}, QString::fromStdString(rec.error)};
      for (auto f : rec.fields)
      {
        row.fields << QString::fromUtf8(f.data(), int(f.size()));
      }
      rows << row;
    }
    return rows;
  }

 private Q_SLOTS:
  void bomCrlfAndBlankLines()
  {
    Dialect d;
    auto rows = readAll("\xEF\xBB\xBFuser,item\r\n\r\n1,2\r\n   \r\n3,4", d);
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[0].fields, QStringList({"user", "item"}));  // BOM gone
    QCOMPARE(rows[1].line, int64_t(3));
    QCOMPARE(rows[1].fields, QStringList({"1", "2"}));  // CR gone
    QCOMPARE(rows[2].line, int64_t(5));
    QCOMPARE(rows[2].fields, QStringList({"3", "4"}));  // last line without newline
  }

  void quotedFieldsWithCommasQuotesAndNewlines()
  {
    Dialect d;
    auto rows = readAll(
        "1,\"Toy Story, The (1995)\",x\n2,\"He said \"\"hi\"\"\",y\n"
        "3,\"two\nlines\",z\n4,plain,w\n",
        d);
    QCOMPARE(rows.size(), 4);
    QCOMPARE(rows[0].fields[1], QString("Toy Story, The (1995)"));
    QCOMPARE(rows[1].fields[1], QString("He said \"hi\""));
    QCOMPARE(rows[2].fields[1], QString("two\nlines"));
    QCOMPARE(rows[2].line, int64_t(3));
    QCOMPARE(rows[3].line, int64_t(5));  // line numbers count physical lines
  }

  void unterminatedQuoteIsAnErrorNotAHang()
  {
    Dialect d;
    auto rows = readAll("1,\"open\n2,b\n", d);
    QCOMPARE(rows.size(), 1);
    QVERIFY(rows[0].error.contains("unterminated"));
  }

  void strayQuoteStopsAtTheLimitAndReadingGoesOn()
  {
    // A stray quote on line 2, then more lines than a quoted field may span: one error record
    // naming the line, then the rows after the limit read normally. The quote scan continues
    // where it stopped on each new line (the old rescan made this quadratic).
    Dialect d;
    QByteArray bytes = "a,b\n2,\"stray\n";
    const QByteArray longLine = "x," + QByteArray(200, 'y') + "\n";
    for (int k = 0; k < m6::kMaxRecordLines + 5; ++k)
    {
      bytes += longLine;
    }
    auto rows = readAll(bytes, d);
    QCOMPARE(rows[0].fields, (QStringList{"a", "b"}));
    QVERIFY2(rows[1].error.startsWith("unterminated quote starting at line 2"),
             qPrintable(rows[1].error));
    // Line 2 plus kMaxRecordLines continuation lines went into the bad record; the rest are rows.
    QCOMPARE(rows.size(), 2 + 5);
    QCOMPARE(rows.last().fields.size(), 2);
    QCOMPARE(rows.last().line, int64_t(2 + m6::kMaxRecordLines + 5));
  }

  void overlongLinesAndTooManyFieldsAreErrorRecords()
  {
    // A 40 MiB line (no newline for longer than any record may be) between two good rows: one
    // error record naming the line, read past without holding it, then the next row.
    Dialect d;
    QByteArray bytes = "a,b\n";
    bytes += QByteArray(40 << 20, 'z');
    bytes += "\nc,d\n";
    bytes += QByteArray("1,") + QByteArray(200002, ',') + "\n";  // 200,004 fields
    bytes += "e,f\n";
    auto rows = readAll(bytes, d);
    QCOMPARE(rows.size(), 5);
    QCOMPARE(rows[0].fields, (QStringList{"a", "b"}));
    QVERIFY2(rows[1].error.startsWith("line 2 is longer than 16 MiB"), qPrintable(rows[1].error));
    QCOMPARE(rows[2].fields, (QStringList{"c", "d"}));
    QCOMPARE(rows[2].line, int64_t(3));
    QVERIFY2(rows[3].error.startsWith("more than 100001 fields"), qPrintable(rows[3].error));
    QCOMPARE(rows[4].fields, (QStringList{"e", "f"}));
  }

  void quotedFieldAcrossLinesWithDoubledQuotes()
  {
    Dialect d;
    auto rows = readAll("1,\"first\n\"\"second\"\"\nthird\",z\n2,b\n", d);
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows[0].fields, (QStringList{"1", "first\n\"second\"\nthird", "z"}));
    QCOMPARE(rows[1].line, int64_t(4));
  }

  void multiCharacterDelimiter()
  {
    Dialect d;
    d.delimiter = "::";
    d.quoting = false;
    auto rows = readAll("1::1193::5::978300760\n2::Title: With Colon::x\n", d);
    QCOMPARE(rows[0].fields, QStringList({"1", "1193", "5", "978300760"}));
    QCOMPARE(rows[1].fields, QStringList({"2", "Title: With Colon", "x"}));
  }

  void latin1IsConvertedToUtf8()
  {
    Dialect d;
    d.delimiter = "|";
    d.encoding = Encoding::Latin1;
    auto rows = readAll("1|Caf\xE9 Society (1995)\n", d);
    QCOMPARE(rows[0].fields[1], QString::fromUtf8("Caf\xC3\xA9 Society (1995)"));
  }

  void invalidUtf8IsReportedPerRecord()
  {
    Dialect d;
    auto rows = readAll("1,ok\n2,Caf\xE9\n3,fine \xC3\xA9\n", d);
    QCOMPARE(rows.size(), 3);
    QVERIFY(rows[0].error.isEmpty());
    QVERIFY(rows[1].error.contains("invalid UTF-8"));
    QVERIFY(rows[1].error.contains("column 6"));
    QVERIFY(rows[2].error.isEmpty());
    QCOMPARE(rows[2].fields[1], QString::fromUtf8("fine \xC3\xA9"));
  }

  void autoEncodingFallsBackPerLine()
  {
    Dialect d;
    d.encoding = Encoding::Auto;
    auto rows = readAll("a,\xC3\xA9t\xC3\xA9\nb,\xE9t\xE9\n", d);
    QCOMPARE(rows[0].fields[1], QString::fromUtf8("\xC3\xA9t\xC3\xA9"));
    QCOMPARE(rows[1].fields[1], QString::fromUtf8("\xC3\xA9t\xC3\xA9"));
  }

  void recordsLongerThanTheBuffer()
  {
    Dialect d;
    QByteArray big(9 << 20, 'x');  // larger than the 4 MiB read chunk
    auto rows = readAll("a,b\n1," + big + "\n2,c\n", d);
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[1].fields[1].size(), big.size());
    QCOMPARE(rows[2].fields, QStringList({"2", "c"}));
  }

  void utf8Validation_data()
  {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("valid");
    QTest::newRow("ascii") << QByteArray("abc") << true;
    QTest::newRow("2-byte") << QByteArray("\xC3\xA9") << true;
    QTest::newRow("4-byte") << QByteArray("\xF0\x9F\x98\x80") << true;
    QTest::newRow("lone continuation") << QByteArray("\x80") << false;
    QTest::newRow("overlong") << QByteArray("\xC0\xAF") << false;
    QTest::newRow("surrogate") << QByteArray("\xED\xA0\x80") << false;
    QTest::newRow("truncated") << QByteArray("\xE2\x82") << false;
  }
  void utf8Validation()
  {
    QFETCH(QByteArray, bytes);
    QFETCH(bool, valid);
    size_t bad = 0;
    QCOMPARE(m6::isValidUtf8(std::string_view(bytes.constData(), size_t(bytes.size())), &bad),
             valid);
  }
};

QTEST_APPLESS_MAIN(TestTextReader)
#include "test_text_reader.moc"
