// Real LibTorch training on small data: a tiny dataset is overfitted, datasets without
// timestamps, ratings or features train, arbitrary imported fields work, an item nobody
// interacted with gets a score from its content, and every encoder, scorer, loss and task runs.
#include <QtTest>
#include <cmath>

#include "model/core/dataset_schema.h"
#include "model/core/split.h"
#include "model/engine.h"
#include "model_test_util.h"

using m6::RunConfig;
using m6::TrainOutcome;

namespace
{

m6::FieldColumn categorical(const std::string& name, std::vector<int32_t> codes,
                            std::vector<std::string> vocab)
{
  m6::FieldColumn f;
  f.name = name;
  f.kind = m6::FieldKind::Categorical;
  f.codes = std::move(codes);
  f.vocab = std::move(vocab);
  return f;
}

}  // namespace

class TestModelTraining : public QObject
{
  Q_OBJECT
 private Q_SLOTS:
  void tinyDatasetIsOverfitted()
  {
    // The next item is always the last one + 1: a model that can see its history learns it.
    m6::DatasetSnapshot s = m6test::sequences(16, 24, 12);
    RunConfig c = m6test::smallConfig();
    c.model.historyLength = 4;
    c.model.attentionDropout = 0;
    c.train.epochs = 60;
    c.train.batchSize = 32;
    c.train.lr = 1e-2;
    c.train.evalK = 5;
    auto dir = m6test::makeTempDir();
    TrainOutcome out = m6::train(s, c, m6test::runDir(dir, "tiny"));
    QCOMPARE(out.status, m6::RunStatus::Finished);
    QCOMPARE(out.history.size(), size_t(60));
    double first = out.history.front().trainLoss;
    double last = out.history.back().trainLoss;
    qInfo("tiny dataset: training loss %.4f -> %.4f (log 24 = %.4f)", first, last, std::log(24.0));
    QVERIFY(first > 2.0);
    QVERIFY2(last < 0.05, qPrintable(QString::number(last)));
    // Validation targets follow the same rule, so they are found at the top.
    QCOMPARE(out.valid.get("hr@5"), 1.0);
  }

  void baselinesWithoutValidationUsersKeepBpr()
  {
    // Two interactions per user: too few to hold out validation and test targets (3 needed), so
    // BPR's validation metric is NaN every epoch. BPR must still be reported beside most-popular
    // (it used to vanish), with the same "nothing to evaluate" figures.
    m6::DatasetSnapshot d = m6test::sequences(40, 30, 2);
    m6::RunConfig c = m6test::smallConfig();
    c.train.evalK = 5;
    m6::BaselineOutcome out = m6::runBaselines(d, c);
    QCOMPARE(out.status, m6::RunStatus::Finished);
    QCOMPARE(out.baselines.size(), m6::baselineNames().size());
    QCOMPARE(out.baselines[1].name, std::string("bpr"));
    QVERIFY(out.skipped.empty());
    QVERIFY(out.baselines[1].test.has("ndcg@5"));
    QCOMPARE(std::isnan(out.baselines[1].test.get("ndcg@5")),
             std::isnan(out.baselines[0].test.get("ndcg@5")));
  }

  void sideFeaturesOffLeavesIdsAndHistoryOnly()
  {
    // The SASRec-like yardstick: no user, item or context field is encoded, so the model is
    // smaller, still trains, and validation refuses a model with neither ids nor fields.
    m6::DatasetSnapshot s = m6test::demo(60, 80, 900);
    const m6::DatasetSchema schema = m6::DatasetSchema::fromSnapshot(s);
    RunConfig full = m6test::smallConfig();
    QVERIFY(!m6::selectedFields(full.model, schema, m6::FieldEntity::Item).empty());
    QVERIFY(!m6::selectedFields(full.model, schema, m6::FieldEntity::User).empty());
    RunConfig ids = full;
    ids.model.sideFeatures = false;
    for (auto entity : {m6::FieldEntity::User, m6::FieldEntity::Item, m6::FieldEntity::Interaction})
    {
      QVERIFY(m6::selectedFields(ids.model, schema, entity).empty());
    }
    QVERIFY(m6::validate(ids, &schema).empty());
    QVERIFY(m6::estimate(s, ids).parameters < m6::estimate(s, full).parameters);
    RunConfig nothing = ids;
    nothing.model.idEmbeddings = false;
    const auto issues = m6::validate(nothing, &schema);
    QCOMPARE(issues.size(), size_t(1));
    QVERIFY(QString::fromStdString(issues[0].message).contains("side features"));
    auto dir = m6test::makeTempDir();
    TrainOutcome out = m6::train(s, ids, m6test::runDir(dir, "ids"));
    QCOMPARE(out.status, m6::RunStatus::Finished);
    QVERIFY(std::isfinite(out.test.get("ndcg@10")));
    // The preset: ids through a Transformer history, no fields, no time context.
    const RunConfig sas = m6::preset("sasrec-like");
    QVERIFY(!sas.model.sideFeatures && !sas.model.timeContext);
    QCOMPARE(sas.model.historyEncoder, m6::HistoryKind::Transformer);
    QVERIFY(m6::validate(sas, &schema).empty());
    QCOMPARE(m6::fromJson(m6::toJson(sas)).model.sideFeatures, false);
  }

  void datasetWithoutTimestampsRatingsOrFeaturesTrains()
  {
    m6::DatasetSnapshot s = m6test::demo(60, 80, 900);
    s.ts.clear();
    s.rating.clear();
    s.userFields.clear();
    s.itemFields.clear();
    s.itemTitles.clear();
    RunConfig c = m6test::smallConfig();
    c.model.historyEncoder = m6::HistoryKind::Transformer;
    auto dir = m6test::makeTempDir();
    TrainOutcome out = m6::train(s, c, m6test::runDir(dir, "bare"));
    QCOMPARE(out.status, m6::RunStatus::Finished);
    QVERIFY(std::isfinite(out.test.get("ndcg@10")));
    QCOMPARE(out.testRows.size(), size_t(60));
    auto p = m6::Predictor::open(m6test::runDir(dir, "bare"), s, c);
    QVERIFY(m6test::allFinite(p->scoreAll(0)));
    QCOMPARE(p->recommend(0, 5).size(), size_t(5));
    // Without timestamps there is no time context: an hour override changes nothing.
    m6::ContextOverride night;
    night.hourOfDay = 2;
    QVERIFY(p->scoreAll(0) == p->scoreAll(0, night));
  }

  void arbitraryImportedFieldsWork()
  {
    m6::DatasetSnapshot s = m6test::demo(60, 80, 900);
    const size_t nU = static_cast<size_t>(s.numUsers());
    const size_t nI = static_cast<size_t>(s.numItems());
    const size_t nN = static_cast<size_t>(s.numInteractions());
    // A user text field with blanks, a numeric field with gaps, an item release timestamp
    // with gaps, a multi-valued field where some items have no values, and context fields.
    m6::FieldColumn bio;
    bio.name = "bio";
    bio.kind = m6::FieldKind::Text;
    m6::FieldColumn income;
    income.name = "income";
    income.kind = m6::FieldKind::Numeric;
    for (size_t u = 0; u < nU; ++u)
    {
      bio.texts.push_back(u % 3 ? "likes Sci-Fi and night films, Ünïcode ok" : "");
      income.values.push_back(u % 4 ? 1000.0 * double(u) : std::nan(""));
    }
    m6::FieldColumn released;
    released.name = "released";
    released.kind = m6::FieldKind::Timestamp;
    m6::FieldColumn moods;
    moods.name = "moods";
    moods.kind = m6::FieldKind::Multi;
    moods.vocab = {"dark", "light", "odd"};
    moods.offsets.push_back(0);
    for (size_t i = 0; i < nI; ++i)
    {
      released.values.push_back(i % 5 ? 1.5e9 + 1e6 * double(i) : std::nan(""));
      if (i % 2)
      {
        moods.codes.push_back(static_cast<int32_t>(i % 3));
      }
      moods.offsets.push_back(static_cast<int64_t>(moods.codes.size()));
    }
    std::vector<int32_t> device(nN);
    m6::FieldColumn price;
    price.name = "price";
    price.kind = m6::FieldKind::Numeric;
    for (size_t n = 0; n < nN; ++n)
    {
      device[n] = n % 7 == 0 ? -1 : static_cast<int32_t>(n % 2);
      price.values.push_back(double(n % 10));
    }
    s.userFields.push_back(bio);
    s.userFields.push_back(income);
    s.itemFields.push_back(released);
    s.itemFields.push_back(moods);
    s.contextFields.push_back(categorical("device", device, {"phone", "tv"}));
    s.contextFields.push_back(price);
    RunConfig c = m6test::smallConfig();
    c.model.merge = m6::Merge::Concat;
    auto dir = m6test::makeTempDir();
    TrainOutcome out = m6::train(s, c, m6test::runDir(dir, "fields"));
    QCOMPARE(out.status, m6::RunStatus::Finished);
    QVERIFY(std::isfinite(out.valid.get("ndcg@10")));
    auto e = m6::estimate(s, c);
    QCOMPARE(e.parameters, out.parameters);
    // Dropping a field changes the model (fewer parameters) and still trains.
    m6::applySetting(c, "exclude_fields=bio,context.device");
    QVERIFY(m6::estimate(s, c).parameters < e.parameters);
    out = m6::train(s, c, m6test::runDir(dir, "fewer"));
    QCOMPARE(out.status, m6::RunStatus::Finished);
  }

  void itemWithoutInteractionsIsScoredFromItsContent()
  {
    m6::DatasetSnapshot s = m6test::demo(80, 100, 1500);
    // Two new items nobody has seen: a copy of the content of item 0 and of item 1.
    for (int copy = 0; copy < 2; ++copy)
    {
      s.itemIds.push_back("new" + std::to_string(copy));
      s.itemTitles.push_back(s.itemTitles[static_cast<size_t>(copy)]);
      for (auto& f : s.itemFields)
      {
        switch (f.kind)
        {
          case m6::FieldKind::Categorical:
            f.codes.push_back(f.codes[static_cast<size_t>(copy)]);
            break;
          case m6::FieldKind::Multi:
            for (int64_t j = f.offsets[static_cast<size_t>(copy)];
                 j < f.offsets[static_cast<size_t>(copy) + 1]; ++j)
            {
              f.codes.push_back(f.codes[static_cast<size_t>(j)]);
            }
            f.offsets.push_back(static_cast<int64_t>(f.codes.size()));
            break;
          case m6::FieldKind::Numeric:
          case m6::FieldKind::Timestamp:
            f.values.push_back(f.values[static_cast<size_t>(copy)]);
            break;
          case m6::FieldKind::Text:
            f.texts.push_back(f.texts[static_cast<size_t>(copy)]);
            break;
        }
      }
    }
    const int32_t fresh = 100;
    for (bool ids : {true, false})
    {
      RunConfig c = m6test::smallConfig();
      c.model.idEmbeddings = ids;
      auto dir = m6test::makeTempDir();
      TrainOutcome out = m6::train(s, c, m6test::runDir(dir, "cold"));
      QCOMPARE(out.status, m6::RunStatus::Finished);
      auto p = m6::Predictor::open(m6test::runDir(dir, "cold"), s, c);
      std::vector<float> scores = p->scoreAll(3);
      QVERIFY(m6test::allFinite(scores));
      if (!ids)
      {
        // Content only: the new items score exactly like the items whose content they copy,
        // and differently from each other, so the score comes from the content.
        auto same = [](float a, float b)
        { return std::fabs(a - b) <= 1e-5f * std::max(1.0f, std::fabs(a)); };
        QVERIFY(same(scores[fresh], scores[0]));
        QVERIFY(same(scores[fresh + 1], scores[1]));
        QVERIFY(!same(scores[fresh], scores[fresh + 1]));
      }
    }
  }

  // Every history encoder, scorer, loss, sampling and task trains and evaluates.
  void everyVariantTrains_data()
  {
    QTest::addColumn<QStringList>("settings");
    QTest::addColumn<QString>("metric");
    QTest::newRow("gru") << QStringList{"history_encoder=gru", "history_layers=2"} << "ndcg@10";
    QTest::newRow("cnn") << QStringList{"history_encoder=cnn", "history_layers=2"} << "ndcg@10";
    QTest::newRow("transformer, 2 layers")
        << QStringList{"history_encoder=transformer", "history_layers=2", "attention_layers=2"}
        << "ndcg@10";
    QTest::newRow("no positional, concat")
        << QStringList{"positional=false", "merge=concat", "time_context=false"} << "ndcg@10";
    QTest::newRow("sampled softmax, popularity")
        << QStringList{"loss=sampled_softmax", "sampling=popularity", "negatives=5"} << "ndcg@10";
    QTest::newRow("mlp bce") << QStringList{"scorer=mlp", "loss=bce", "mlp_activation=gelu"}
                             << "ndcg@10";
    QTest::newRow("mlp bpr") << QStringList{"scorer=mlp", "loss=bpr", "mlp_layers=1",
                                            "mlp_activation=tanh"}
                             << "ndcg@10";
    QTest::newRow("ctr dot") << QStringList{"task=ctr"} << "auc";
    QTest::newRow("ctr mlp") << QStringList{"task=ctr", "scorer=mlp"} << "auc";
    QTest::newRow("rating") << QStringList{"task=rating"} << "rmse";
    QTest::newRow("sgd, warm-up, cosine")
        << QStringList{"optimizer=sgd", "lr=0.05", "warmup_steps=5", "cosine_decay=true"}
        << "ndcg@10";
    QTest::newRow("adamw, sampled protocol")
        << QStringList{"optimizer=adamw", "weight_decay=0.01", "sampled_eval=true"} << "ndcg@10";
  }

  void everyVariantTrains()
  {
    QFETCH(QStringList, settings);
    QFETCH(QString, metric);
    m6::DatasetSnapshot s = m6test::demo(80, 150, 1600);
    RunConfig c = m6test::smallConfig();
    for (const auto& kv : settings)
    {
      m6::applySetting(c, kv.toStdString());
    }
    auto dir = m6test::makeTempDir();
    TrainOutcome out = m6::train(s, c, m6test::runDir(dir, "variant"));
    QCOMPARE(out.status, m6::RunStatus::Finished);
    QCOMPARE(out.bestEpoch > 0, true);
    double v = out.test.get(metric.toStdString());
    QVERIFY2(std::isfinite(v), qPrintable(metric));
    QVERIFY(!out.test.protocol.empty());
    if (c.train.sampledEval)
    {
      QVERIFY(out.test.protocol.find("sampled") != std::string::npos);
      QVERIFY(!out.test.has("coverage@10"));
    }
    for (const auto& e : out.history)
    {
      QVERIFY(std::isfinite(e.trainLoss));
    }
    if (c.model.task == m6::Task::Ranking)
    {
      // Ranking metrics are within their ranges, and coverage/diversity are reported.
      QVERIFY(v >= 0 && v <= 1);
      if (!c.train.sampledEval)
      {
        QVERIFY(out.test.get("coverage@10") > 0);
      }
    }
    QCOMPARE(out.testByActivity.size(), size_t(3));
  }
};

QTEST_APPLESS_MAIN(TestModelTraining)
#include "test_model_training.moc"
