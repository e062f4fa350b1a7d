// The shared helpers of model/core/text.h and clock.h: trimming, lower case, CSV quoting (the one
// rule the exports, the run tables and the Inspect page's CSV all use) and the two clocks.
#include <QtTest>
#include <thread>

#include "model/core/clock.h"
#include "model/core/text.h"

class TestText : public QObject
{
  Q_OBJECT

 private Q_SLOTS:
  void trimAndLower()
  {
    QCOMPARE(m6::trim("  a b \t\r\n"), std::string("a b"));
    QCOMPARE(m6::trim(" \t "), std::string());
    QCOMPARE(m6::trim("x"), std::string("x"));
    QCOMPARE(m6::lower("UserID_Ä"), std::string("userid_Ä"));  // ASCII letters only
  }

  void csvFieldQuotesOnlyWhenItMust_data()
  {
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("field");
    QTest::newRow("plain") << "Toy Story (1995)"
                           << "Toy Story (1995)";
    QTest::newRow("empty") << ""
                           << "";
    QTest::newRow("comma") << "Matrix, The"
                           << "\"Matrix, The\"";
    QTest::newRow("quote") << "say \"hi\""
                           << "\"say \"\"hi\"\"\"";
    QTest::newRow("newline") << "a\nb"
                             << "\"a\nb\"";
    QTest::newRow("carriage return") << "a\rb"
                                     << "\"a\rb\"";
  }
  void csvFieldQuotesOnlyWhenItMust()
  {
    QFETCH(QString, value);
    QFETCH(QString, field);
    QCOMPARE(QString::fromStdString(m6::csvField(value.toStdString())), field);
  }

  void clocks()
  {
    const double a = m6::monotonicSeconds();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const double b = m6::monotonicSeconds();
    QVERIFY(b - a >= 0.015);
    const int64_t now = m6::unixSeconds();
    QVERIFY(now > 1700000000);  // after November 2023
    QVERIFY(std::abs(now - QDateTime::currentSecsSinceEpoch()) <= 2);
  }
};

QTEST_APPLESS_MAIN(TestText)
#include "test_text.moc"
