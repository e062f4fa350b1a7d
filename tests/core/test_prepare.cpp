// Dataset preparation (model/core/prepare.h): each step exact on a hand-made snapshot, the k-core
// iterated to its fixed point, the source untouched, fields and titles following their rows.
#include <QtTest>
#include <algorithm>

#include "model/core/prepare.h"

using namespace m6;

namespace
{

struct Row
{
  int32_t user;
  int32_t item;
  float rating;
  int64_t ts;
  int32_t device;  // context field code
};

/// A snapshot from rows given in (user, time) order, with a user field, item titles, an item
/// multi field and a categorical context field.
DatasetSnapshot make(int users, int items, const std::vector<Row>& rows)
{
  DatasetSnapshot s;
  s.name = "src";
  for (int u = 0; u < users; ++u)
  {
    s.userIds.push_back("u" + std::to_string(u));
  }
  for (int i = 0; i < items; ++i)
  {
    s.itemIds.push_back("i" + std::to_string(i));
    s.itemTitles.push_back("Title " + std::to_string(i));
  }
  s.userStart.assign(static_cast<size_t>(users) + 1, 0);
  FieldColumn device;
  device.name = "device";
  device.kind = FieldKind::Categorical;
  device.vocab = {"phone", "tv"};
  for (const auto& r : rows)
  {
    s.user.push_back(r.user);
    s.item.push_back(r.item);
    s.rating.push_back(r.rating);
    s.ts.push_back(r.ts);
    device.codes.push_back(r.device);
    ++s.userStart[static_cast<size_t>(r.user) + 1];
  }
  for (int u = 0; u < users; ++u)
  {
    s.userStart[static_cast<size_t>(u) + 1] += s.userStart[static_cast<size_t>(u)];
  }
  s.contextFields.push_back(device);
  FieldColumn age;
  age.name = "age";
  age.kind = FieldKind::Numeric;
  for (int u = 0; u < users; ++u)
  {
    age.values.push_back(20.0 + u);
  }
  s.userFields.push_back(age);
  FieldColumn genres;
  genres.name = "genres";
  genres.kind = FieldKind::Multi;
  genres.vocab = {"a", "b"};
  genres.offsets.push_back(0);
  for (int i = 0; i < items; ++i)
  {
    genres.codes.push_back(i % 2);
    if (i % 3 == 0)
    {
      genres.codes.push_back(1 - i % 2);
    }
    genres.offsets.push_back(static_cast<int64_t>(genres.codes.size()));
  }
  s.itemFields.push_back(genres);
  return s;
}

std::vector<std::string> stepNames(const std::vector<PrepareStep>& steps)
{
  std::vector<std::string> out;
  for (const auto& s : steps)
  {
    out.push_back(s.step);
  }
  return out;
}

}  // namespace

class TestPrepare : public QObject
{
  Q_OBJECT
 private Q_SLOTS:
  void dedupeModes_data()
  {
    QTest::addColumn<int>("mode");
    QTest::addColumn<QList<int>>("keptRows");
    // Rows of user 0, all of item 1: 0 and 1 identical; 2 later with another rating; 3 later
    // still, on another device. User 1 has one row (4).
    QTest::newRow("exact") << int(Dedupe::Exact) << QList<int>{0, 2, 3, 4};
    QTest::newRow("keep-first") << int(Dedupe::KeepFirst) << QList<int>{0, 4};
    QTest::newRow("keep-last") << int(Dedupe::KeepLast) << QList<int>{3, 4};
  }

  void dedupeModes()
  {
    QFETCH(int, mode);
    QFETCH(QList<int>, keptRows);
    const auto src = make(2, 2,
                          {{0, 1, 5, 100, 0},
                           {0, 1, 5, 100, 0},
                           {0, 1, 3, 200, 0},
                           {0, 1, 5, 300, 1},
                           {1, 1, 4, 100, 0}});
    PrepareRecipe r;
    r.dedupe = static_cast<Dedupe>(mode);
    auto out = prepareDataset(src, r);
    QCOMPARE(out.snapshot.numInteractions(), int64_t(keptRows.size()));
    for (int k = 0; k < keptRows.size(); ++k)
    {
      const auto n = static_cast<size_t>(keptRows[k]);
      QCOMPARE(out.snapshot.ts[static_cast<size_t>(k)], src.ts[n]);
      QCOMPARE(out.snapshot.rating[static_cast<size_t>(k)], src.rating[n]);
      QCOMPARE(out.snapshot.contextFields[0].codes[static_cast<size_t>(k)],
               src.contextFields[0].codes[n]);
    }
    // Item 0 had no interactions at all: it is not part of the result.
    QCOMPARE(out.snapshot.itemIds, (std::vector<std::string>{"i1"}));
    QCOMPARE(out.steps.size(), size_t(2));
    QCOMPARE(out.steps[1].interactions, int64_t(keptRows.size()));
    // The source is untouched.
    QCOMPARE(src.numInteractions(), int64_t(5));
  }

  void kCoreIsIteratedToAFixedPoint()
  {
    // 2-core. First pass: item 3 has one row (user 2) and goes; then user 2 has one row left and
    // goes; then item 2 (only user 2 and user 1) has one row left and goes; then user 1 has one
    // row... A single pass would stop after the first removal.
    const auto src = make(4, 4,
                          {{0, 0, 5, 1, 0},
                           {0, 1, 5, 2, 0},
                           {1, 0, 5, 1, 0},
                           {1, 2, 5, 2, 0},
                           {2, 2, 5, 1, 0},
                           {2, 3, 5, 2, 0},
                           {3, 0, 5, 1, 0},
                           {3, 1, 5, 2, 0}});
    PrepareRecipe r;
    r.minUser = r.minItem = 2;
    auto out = prepareDataset(src, r);
    const auto& s = out.snapshot;
    QCOMPARE(s.userIds, (std::vector<std::string>{"u0", "u3"}));
    QCOMPARE(s.itemIds, (std::vector<std::string>{"i0", "i1"}));
    QCOMPARE(s.numInteractions(), int64_t(4));
    QCOMPARE(s.userStart, (std::vector<int64_t>{0, 2, 4}));
    // Every survivor meets both thresholds.
    std::vector<int> perItem(2);
    for (auto i : s.item)
    {
      ++perItem[static_cast<size_t>(i)];
    }
    QVERIFY(*std::min_element(perItem.begin(), perItem.end()) >= 2);
    QCOMPARE(stepNames(out.steps), (std::vector<std::string>{"imported", "2-core"}));
    QCOMPARE(out.steps[0].interactions, int64_t(8));
    QCOMPARE(out.steps[1].users, int64_t(2));
    // Fields follow their users and items: u3 is 23 years old, i1 has genre b only.
    QCOMPARE(s.userFields[0].values, (std::vector<double>{20.0, 23.0}));
    QCOMPARE(s.itemFields[0].offsets, (std::vector<int64_t>{0, 2, 3}));
    QCOMPARE(s.itemFields[0].codes, (std::vector<int32_t>{0, 1, 1}));
    QCOMPARE(s.itemTitles, (std::vector<std::string>{"Title 0", "Title 1"}));
  }

  void ratingTimeAndCapInOrder()
  {
    const auto src = make(2, 3,
                          {{0, 0, 5, 100, 0},
                           {0, 1, 2, 200, 0},
                           {0, 2, 4, 300, 0},
                           {0, 0, 4.5f, 400, 0},
                           {1, 1, std::nanf(""), 150, 1},
                           {1, 2, 4, 250, 1}});
    PrepareRecipe r;
    r.hasMinRating = true;
    r.minRating = 4;
    r.hasFrom = true;
    r.from = 150;
    r.hasTo = true;
    r.to = 400;
    r.maxPerUser = 1;
    auto out = prepareDataset(src, r);
    // rating >= 4 drops rows 1 (2.0) and 4 (unrated); the window [150, 400) drops rows 0 and 3;
    // the cap keeps each user's latest: row 2 for u0, row 5 for u1.
    QCOMPARE(out.snapshot.ts, (std::vector<int64_t>{300, 250}));
    QCOMPARE(
        stepNames(out.steps),
        (std::vector<std::string>{"imported", "rating >= 4",
                                  "time from 1970-01-01 before 1970-01-01", "last 1 per user"}));
    QCOMPARE(out.steps[1].interactions, int64_t(4));
    QCOMPARE(out.steps[2].interactions, int64_t(2));
    QCOMPARE(out.steps[3].interactions, int64_t(2));
    QCOMPARE(previewPreparation(src, r).back().interactions, int64_t(2));
  }

  void recipesThatCannotApplyAreRefused()
  {
    auto src = make(1, 1, {{0, 0, 5, 1, 0}});
    src.ts.clear();
    PrepareRecipe r;
    r.hasFrom = true;
    r.from = 0;
    QVERIFY(checkRecipe(src, r).find("no interaction times") != std::string::npos);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, prepareDataset(src, r));
    src.rating.clear();
    PrepareRecipe q;
    q.hasMinRating = true;
    QVERIFY(checkRecipe(src, q).find("no ratings") != std::string::npos);
  }

  void recipeRoundTripsAndDescribesItself()
  {
    PrepareRecipe r;
    r.dedupe = Dedupe::KeepLast;
    r.hasMinRating = true;
    r.minRating = 3.5;
    r.hasFrom = true;
    r.from = 1388534400;  // 2014-01-01
    r.minUser = 5;
    r.minItem = 5;
    QCOMPARE(QString::fromStdString(r.describe()),
             QString("dedupe keep-last, rating >= 3.5, from 2014-01-01, 5-core"));
    const PrepareRecipe back = PrepareRecipe::fromJson(Json::parse(r.toJson().dump()));
    QCOMPARE(back.describe(), r.describe());
    QVERIFY(PrepareRecipe().empty());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             PrepareRecipe::fromJson(Json::parse("{\"dedupe\": \"twice\"}")));
  }
};

QTEST_APPLESS_MAIN(TestPrepare)
#include "test_prepare.moc"
