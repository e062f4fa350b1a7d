// The JSON type every layer writes configs, reports and CLI output with.
#include <QtTest>

#include "model/core/json.h"

using m6::Json;

class TestJson : public QObject
{
  Q_OBJECT
 private Q_SLOTS:
  void roundTripKeepsTypesAndOrder()
  {
    Json j = Json::object();
    j["b"] = 1;
    j["a"] = 2.5;
    j["s"] = "h\u00e9llo \"q\"\n";
    j["arr"] = Json(m6::JsonArray{true, nullptr, int64_t(-9007199254740993LL)});
    j["whole"] = 3.0;
    std::string text = j.dump();
    QCOMPARE(QString::fromStdString(text).indexOf("\"b\""), 1);  // insertion order kept
    Json back = Json::parse(text);
    QVERIFY(back == j);
    QVERIFY(back.at("b").isInt());
    QVERIFY(!back.at("whole").isInt());  // 3.0 stays a double
    QCOMPARE(back.at("arr")[2].asInt(), int64_t(-9007199254740993LL));
    QCOMPARE(Json::parse(j.dump(2)), j);
  }

  void parsesEscapesAndUnicode()
  {
    Json j = Json::parse(R"({"x": "a\u00e9\ud83d\ude00\t"})");
    QCOMPARE(QString::fromStdString(j.at("x").asString()),
             QString::fromUtf8("a\xc3\xa9\xf0\x9f\x98\x80\t"));
  }

  void errorsSayWhere_data()
  {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("line");
    QTest::newRow("missing colon") << "{\n  \"a\" 1}" << 2;
    QTest::newRow("trailing comma") << "[1,2,]" << 1;
    QTest::newRow("garbage after") << "{} x" << 1;
    QTest::newRow("unterminated") << "\n\n\"abc" << 3;
    QTest::newRow("bad literal") << "tru" << 1;
  }
  void errorsSayWhere()
  {
    QFETCH(QString, text);
    QFETCH(int, line);
    try
    {
      Json::parse(text.toStdString());
      QFAIL("parse should have thrown");
    }
    catch (const m6::JsonParseError& e)
    {
      QCOMPARE(e.line(), line);
      QVERIFY(QString(e.what()).contains("line"));
    }
  }

  void accessorsNameTheExpectedType()
  {
    Json j = Json::parse(R"({"n": "five"})");
    try
    {
      (void)j.at("n").asInt();
      QFAIL("asInt on a string should throw");
    }
    catch (const std::runtime_error& e)
    {
      QVERIFY(QString(e.what()).contains("integer"));
    }
    QCOMPARE(j.value("missing", 7), 7);
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, j.at("missing"));
  }

  void nonFiniteBecomesNull()
  {
    Json j = Json::array();
    j.push_back(std::nan(""));
    QCOMPARE(QString::fromStdString(j.dump()), QString("[null]"));
  }
};

QTEST_APPLESS_MAIN(TestJson)
#include "test_json.moc"
