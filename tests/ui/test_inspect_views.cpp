// The Inspect page's views of a run's data, checked without training: the per-user metrics of
// pointwise tasks show "–" rather than "nan" or a red "miss"; the Move column sorts by how far
// an item moved; a multi-valued category field (MovieLens genres) filters on every value and
// lists them all; cold items of the cold-item protocol count no training interactions; a random
// split reads its reordered interactions.
#include <QtTest>
#include <cmath>
#include <limits>

#include "app/bridge/inspect_source.h"
#include "app/bridge/inspect_views.h"
#include "model/core/split.h"
#include "ui/inspect_models.h"

using namespace m6;

namespace
{

// Six users with four interactions each over ten items; items carry a multi-valued "genres".
DatasetSnapshot genresDataset()
{
  DatasetSnapshot s;
  s.name = "genres";
  for (int i = 0; i < 10; ++i)
  {
    s.itemIds.push_back("i" + std::to_string(i));
    s.itemTitles.push_back("item " + std::to_string(i));
  }
  s.userStart.push_back(0);
  for (int u = 0; u < 6; ++u)
  {
    s.userIds.push_back("u" + std::to_string(u));
    for (int j = 0; j < 4; ++j)
    {
      s.user.push_back(u);
      s.item.push_back((2 * u + j) % 10);
      s.ts.push_back(1700000000 + int64_t(u) * 3600 + int64_t(j) * 86400);
    }
    s.userStart.push_back(static_cast<int64_t>(s.user.size()));
  }
  FieldColumn genres;
  genres.name = "genres";
  genres.kind = FieldKind::Multi;
  genres.vocab = {"Action", "Comedy", "Drama"};
  genres.offsets.push_back(0);
  for (int i = 0; i < 10; ++i)
  {
    // even items: Action|Comedy; odd items: Drama
    if (i % 2 == 0)
    {
      genres.codes.push_back(0);
      genres.codes.push_back(1);
    }
    else
    {
      genres.codes.push_back(2);
    }
    genres.offsets.push_back(static_cast<int64_t>(genres.codes.size()));
  }
  s.itemFields.push_back(genres);
  return s;
}

}  // namespace

class TestInspectViews : public QObject
{
  Q_OBJECT
 private Q_SLOTS:
  void pointwiseMetricsShowADashNotNan()
  {
    UserMetricsTable t;
    t.task = QStringLiteral("rating");
    UserMetricEntry e;
    e.user = 0;
    e.userId = QStringLiteral("u0");
    e.ndcg = std::numeric_limits<double>::quiet_NaN();
    e.hit = std::numeric_limits<double>::quiet_NaN();
    e.bucket = QStringLiteral("cold");
    t.rows.push_back(e);
    UserMetricsModel m;
    m.setTable(t);
    QCOMPARE(m.index(0, UserMetricsModel::Ndcg).data().toString(), QString("–"));
    QCOMPARE(m.index(0, UserMetricsModel::Hit).data().toString(), QString("–"));
    QVERIFY(!m.index(0, UserMetricsModel::Hit).data(Qt::ForegroundRole).isValid());
    const QString csv = m.csv();
    QVERIFY2(!csv.contains("nan"), qPrintable(csv));
  }

  void moveColumnSortsByDistance()
  {
    std::vector<RecommendationRow> rows(3);
    const int defaults[3] = {12, 3, 1};  // moved up 11, down 1, down 2
    for (int r = 0; r < 3; ++r)
    {
      rows[size_t(r)].rank = r + 1;
      rows[size_t(r)].item = r;
      rows[size_t(r)].defaultRank = defaults[r];
    }
    RecommendationModel m;
    m.setRows(rows, true);
    QCOMPARE(m.index(0, RecommendationModel::Move).data().toString(), QString("▲ 11"));
    const QVariant up = m.index(0, RecommendationModel::Move).data(kInspectSortRole);
    const QVariant down = m.index(2, RecommendationModel::Move).data(kInspectSortRole);
    QVERIFY(up.typeId() == QMetaType::Int && down.typeId() == QMetaType::Int);
    QVERIFY(up.toInt() > down.toInt());
  }

  void multiValuedCategoryFiltersOnEveryValue()
  {
    const DatasetSnapshot s = genresDataset();
    RunConfig config;
    const InspectCatalog c = catalogFromSnapshot(s, config);
    QCOMPARE(QString::fromStdString(c.categoryField), QString("genres"));
    // "Comedy" is the second value of the even items: they are all in the filter.
    const std::vector<uint8_t> comedy = categoryMask(c, 1);
    for (int i = 0; i < 10; ++i)
    {
      QCOMPARE(bool(comedy[size_t(i)]), i % 2 == 0);
    }
    QCOMPARE(QString::fromStdString(c.itemLabel(0)), QString("Action|Comedy"));
    QCOMPARE(QString::fromStdString(c.itemLabel(1)), QString("Drama"));
  }

  void coldItemsCountNoTrainingInteractions()
  {
    const DatasetSnapshot s = genresDataset();
    RunConfig config;
    config.train.coldItemShare = 0.3;
    const InspectCatalog c = catalogFromSnapshot(s, config);
    const std::vector<uint8_t> cold = coldItemMask(s, 0.3);
    int coldCount = 0;
    for (size_t i = 0; i < cold.size(); ++i)
    {
      if (cold[i])
      {
        ++coldCount;
        QCOMPARE(c.popularity[i], int64_t(0));
      }
    }
    QVERIFY(coldCount > 0);
    RunConfig warm;
    const InspectCatalog all = catalogFromSnapshot(s, warm);
    int64_t before = 0;
    int64_t after = 0;
    for (size_t i = 0; i < cold.size(); ++i)
    {
      before += all.popularity[i];
      after += c.popularity[i];
    }
    QVERIFY(after < before);  // the cold items' training interactions are not counted
  }

  // A split drawn at random from timed data indexes a reordered copy: the catalogue holds that
  // copy, so the page's targets, training counts and popularity are the run's own.
  void aRandomSplitReadsItsReorderedInteractions()
  {
    const DatasetSnapshot s = genresDataset();
    RunConfig config;
    config.train.split = m6::SplitKind::LooRandom;
    const InspectCatalog c = catalogFromSnapshot(s, config);
    QVERIFY(c.owned && c.data == c.owned.get());
    QVERIFY(c.split.randomDraw);
    const SplitView view = splitView(s, config.train);
    const DatasetSnapshot& d = view.data(s);
    std::vector<int64_t> popularity(10, 0);
    for (int32_t u = 0; u < 6; ++u)
    {
      const auto [first, end] = view.split.block(d, u, SplitPart::Test);
      QCOMPARE(end - first, int64_t(1));
      QVERIFY(c.isTarget(u, d.item[static_cast<size_t>(first)], SplitPart::Test));
      QCOMPARE(c.trainCount(u), int64_t(2));
      for (int64_t n = d.userStart[size_t(u)]; n < view.split.trainEnd[size_t(u)]; ++n)
      {
        ++popularity[static_cast<size_t>(d.item[static_cast<size_t>(n)])];
      }
    }
    QCOMPARE(c.popularity, popularity);
  }
};

QTEST_MAIN(TestInspectViews)
#include "test_inspect_views.moc"
