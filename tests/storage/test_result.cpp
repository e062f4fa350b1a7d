// storage/result.h: a cancellation is told apart by its kind, not its text, and stays one when a
// layer passes the error on with errorOf(); a failure whose text happens to be "cancelled" is not
// a cancellation.
#include <QtTest>

#include "storage/result.h"

namespace
{

m6::Result<int> cancelledStep()
{
  return m6::cancelledError();
}

// A caller that passes the error of the step below on, as the layers do.
m6::Result<std::string> passedOn()
{
  auto r = cancelledStep();
  if (!r)
  {
    return m6::errorOf(r);
  }
  return std::string("unreachable");
}

m6::Status passedOnAgain()
{
  auto r = passedOn();
  if (!r)
  {
    return m6::errorOf(r);
  }
  return {};
}

}  // namespace

class TestResult : public QObject
{
  Q_OBJECT

 private Q_SLOTS:
  void cancellationIsAKindNotAText()
  {
    QVERIFY(m6::isCancelled(cancelledStep()));
    QCOMPARE(QString::fromStdString(cancelledStep().error()), QString("cancelled"));
    QVERIFY(m6::isCancelled(passedOn()));
    QVERIFY(m6::isCancelled(passedOnAgain()));
    QCOMPARE(passedOnAgain().errorKind(), m6::ErrorKind::Cancelled);

    const m6::Result<int> failure = m6::makeError("cancelled");  // a failure's message
    QVERIFY(!failure.ok());
    QVERIFY(!m6::isCancelled(failure));
    QVERIFY(!m6::isCancelled(m6::Result<int>(7)));
    QVERIFY(!m6::isCancelled(m6::Status{}));
    // Context added to a passed-on error makes it a new failure.
    auto r = cancelledStep();
    const m6::Status wrapped = m6::makeError("while reading: " + r.error());
    QVERIFY(!m6::isCancelled(wrapped));
  }
};

QTEST_APPLESS_MAIN(TestResult)
#include "test_result.moc"
