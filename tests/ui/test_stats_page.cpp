// The statistics page: its plots receive the data points of the stats JSON stored with the
// dataset (bar and point counts, values), the summary figures match, a dataset without ratings
// or timestamps says so, and a plot saves as PNG and PDF.
#include <qcustomplot.h>

#include <QtTest>

#include "app/bridge/workspace_session.h"
#include "gui_test_main.h"
#include "ui/plot_frame.h"
#include "ui/stats_page.h"

using namespace m6;

namespace
{

int points(QCustomPlot* p)
{
  int n = 0;
  for (int i = 0; i < p->plottableCount(); ++i)
  {
    n += p->plottable(i)->interface1D()->dataCount();
  }
  return n;
}

}  // namespace

class TestStatsPage : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString path_;
  int64_t id_ = 0;
  Json stats_;

 private Q_SLOTS:
  void initTestCase()
  {
    path_ = dir_.filePath("stats.m6ws");
    auto ws = m6test::openWorkspace(path_);
    id_ = m6test::addDemo(*ws, m6test::smallDemo());
    stats_ = *ws->stats(id_);
    QVERIFY(stats_.find("rating_histogram")->size() > 0);
  }

  void plotsReceiveTheStatsThroughTheSession()
  {
    WorkspaceSession session;
    session.open(path_);
    StatsPage page(&session);
    page.resize(1000, 700);
    page.setDataset(id_);
    QCustomPlot* ratings = page.plot(StatsPage::Plot::Ratings);
    QTRY_VERIFY(points(ratings) > 0);
    const Json& hist = *stats_.find("rating_histogram");
    QCOMPARE(ratings->plottableCount(), 1);
    QCOMPARE(points(ratings), int(hist.size()));
    auto* bars = qobject_cast<QCPBars*>(ratings->plottable(0));
    QVERIFY(bars);
    for (size_t k = 0; k < hist.size(); ++k)
    {
      QCOMPARE(bars->data()->at(int(k))->key, hist[k].at("value").asDouble());
      QCOMPARE(bars->data()->at(int(k))->value, double(hist[k].at("count").asInt()));
    }
    QCOMPARE(points(page.plot(StatsPage::Plot::Months)),
             int(stats_.find("interactions_per_month")->size()));
    QCOMPARE(points(page.plot(StatsPage::Plot::History)),
             int(stats_.find("history_lengths")->size()));
    int positive = 0;
    for (const Json& p : stats_.find("popularity")->asArray())
    {
      positive += p.at("count").asInt() > 0;
    }
    QCOMPARE(points(page.plot(StatsPage::Plot::Popularity)), positive);
    QCOMPARE(page.plot(StatsPage::Plot::Popularity)->xAxis->scaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(page.plot(StatsPage::Plot::Popularity)->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(page.summaryText("interactions"), QLocale().toString(12000));
    QCOMPARE(page.summaryText("users"), QLocale().toString(300));
    QCOMPARE(page.summaryText("users_under_5"),
             QLocale().toString(qlonglong(stats_.value("users_under_5", int64_t(-1)))));
    QCOMPARE(page.summaryText("history_mean"),
             QString::number(stats_.value("history_mean", 0.0), 'f', 1));
  }

  void missingRatingsAndTimesAreSaid()
  {
    WorkspaceSession session;
    StatsPage page(&session);
    Json s = stats_;
    s.asObject().erase(std::remove_if(s.asObject().begin(), s.asObject().end(),
                                      [](const auto& kv)
                                      {
                                        return kv.first == "rating_histogram" ||
                                               kv.first == "interactions_per_month" ||
                                               kv.first == "rating_mean" ||
                                               kv.first == "time_min" || kv.first == "time_max";
                                      }),
                       s.asObject().end());
    page.setStats(DatasetStatistics::fromJson(s));
    QCOMPARE(points(page.plot(StatsPage::Plot::Ratings)), 0);
    QCOMPARE(page.plot(StatsPage::Plot::Ratings)->itemCount(), 1);  // "no ratings" note
    QCOMPARE(page.plot(StatsPage::Plot::Months)->itemCount(), 1);
    QCOMPARE(page.summaryText("rating_mean"), QString("no ratings"));
    QCOMPARE(page.summaryText("time_range"), QString("no timestamps"));
    QVERIFY(points(page.plot(StatsPage::Plot::History)) > 0);
  }

  void plotsSaveAsPngAndPdf()
  {
    WorkspaceSession session;
    StatsPage page(&session);
    page.resize(1000, 700);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    page.setStats(DatasetStatistics::fromJson(stats_));
    const QString png = dir_.filePath("ratings.png");
    const QString pdf = dir_.filePath("ratings.pdf");
    QVERIFY(page.frame(StatsPage::Plot::Ratings)->saveTo(png));
    QVERIFY(page.frame(StatsPage::Plot::Ratings)->saveTo(pdf));
    QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() > 100);
    QFile f(pdf);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.read(5) == "%PDF-");
  }
};

M6_GUI_TEST_MAIN(TestStatsPage)
#include "test_stats_page.moc"
