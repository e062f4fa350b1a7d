// The run configuration: every validation rule names its field, JSON round trips, presets are
// valid, --set parses and names the key in its errors, and the descriptor table covers every knob.
#include <QtTest>
#include <set>

#include "model/core/config.h"
#include "model/core/config_fields.h"
#include "model/core/dataset_schema.h"
#include "model/core/demo_data.h"
#include "model/core/preset_choice.h"
#include "model/core/split.h"

using m6::Json;
using m6::RunConfig;

namespace
{

bool hasIssue(const std::vector<m6::ConfigIssue>& issues, const std::string& field)
{
  return std::any_of(issues.begin(), issues.end(),
                     [&](const m6::ConfigIssue& i) { return i.field == field; });
}

// Each word of an enum names one value, and the value's word is that word.
template <class E>
bool wordsRoundTrip()
{
  std::set<std::string> seen;
  for (const auto& w : m6::enumWords(E{}))
  {
    if (!seen.insert(w.word).second || m6::wordOf(w.value) != w.word ||
        m6::enumFromWord<E>(w.word) != w.value)
    {
      return false;
    }
  }
  return !seen.empty() && !m6::enumFromWord<E>("no such word");
}

m6::DatasetSnapshot smallDemo()
{
  m6::DemoOptions o;
  o.users = 20;
  o.items = 60;
  o.interactions = 200;
  return m6::generateDemoDataset(o);
}

// A dataset with neither ratings nor timestamps nor features.
m6::DatasetSnapshot bareDataset()
{
  m6::DatasetSnapshot s = smallDemo();
  s.rating.clear();
  s.ts.clear();
  s.userFields.clear();
  s.itemFields.clear();
  return s;
}

QString whatOf(const std::exception& e)
{
  return QString::fromStdString(e.what());
}

}  // namespace

class TestConfig : public QObject
{
  Q_OBJECT
 private Q_SLOTS:
  void defaultsAndPresetsAreValid()
  {
    m6::DatasetSchema demo = m6::DatasetSchema::fromSnapshot(m6::generateDemoDataset({}));
    QVERIFY(m6::validate(RunConfig{}, &demo).empty());
    QCOMPARE(m6::presetNames(),
             (std::vector<std::string>{"quick", "balanced", "thorough", "sasrec-like"}));
    for (const auto& name : m6::presetNames())
    {
      auto issues = m6::validate(m6::preset(name), &demo);
      QVERIFY2(issues.empty(), (name + ": " + m6::formatIssues(issues)).c_str());
    }
    try
    {
      m6::preset("fast");
      QFAIL("an unknown preset must throw");
    }
    catch (const std::invalid_argument& e)
    {
      QVERIFY(whatOf(e).contains("fast"));
      QVERIFY(whatOf(e).contains("balanced"));
    }
  }

  // "auto" picks thorough up to the threshold (inclusive) and balanced above; every other name
  // passes through unchanged, whatever the size.
  void autoPresetPicksByTheInteractionCount()
  {
    QCOMPARE(std::string(m6::kAutoPreset), std::string("auto"));
    QCOMPARE(m6::kThoroughUpToInteractions, int64_t(150000));
    QCOMPARE(m6::autoPresetFor(0), std::string("thorough"));
    QCOMPARE(m6::autoPresetFor(100836), std::string("thorough"));
    QCOMPARE(m6::autoPresetFor(150000), std::string("thorough"));
    QCOMPARE(m6::autoPresetFor(150001), std::string("balanced"));
    QCOMPARE(m6::autoPresetFor(25000095), std::string("balanced"));
    QCOMPARE(m6::resolvePresetName("auto", 6000), std::string("thorough"));
    QCOMPARE(m6::resolvePresetName("auto", 500000), std::string("balanced"));
    for (const auto& name : m6::presetNames())
    {
      QCOMPARE(m6::resolvePresetName(name, 100), name);
      QCOMPARE(m6::resolvePresetName(name, 10000000), name);
    }
    QCOMPARE(m6::resolvePresetName("fast", 100), std::string("fast"));  // preset() refuses it
    // The two picks are real, different presets.
    QCOMPARE(m6::preset(m6::autoPresetFor(1)).model.dim, 128);
    QCOMPARE(m6::preset(m6::autoPresetFor(1000000)).model.dim, 64);
  }

  // Each row breaks one rule; the issue must name exactly that field, and its message must
  // start with the field.
  void everyRuleNamesItsField_data()
  {
    QTest::addColumn<QStringList>("settings");
    QTest::addColumn<QString>("dataset");  // "", "demo" (small demo), "bare", "tiny"
    QTest::addColumn<QString>("field");
    QTest::newRow("width not divisible by heads")
        << QStringList{"model.dim=30", "model.heads=4"} << ""
        << "model.heads";
    QTest::newRow("history length < 0") << QStringList{"history_length=-1"} << ""
                                        << "model.history_length";
    QTest::newRow("learning rate 0") << QStringList{"train.lr=0"} << ""
                                     << "train.lr";
    QTest::newRow("learning rate negative") << QStringList{"lr=-0.1"} << ""
                                            << "train.lr";
    QTest::newRow("batch size < 1") << QStringList{"batch_size=0"} << ""
                                    << "train.batch_size";
    QTest::newRow("shared negatives < 1 with sampled softmax")
        << QStringList{"loss=sampled_softmax", "shared_negatives=0"} << ""
        << "train.shared_negatives";
    QTest::newRow("negatives < 1 with bpr")
        << QStringList{"scorer=mlp", "loss=bpr", "negatives=0"} << ""
        << "train.negatives";
    QTest::newRow("mlp option with dot") << QStringList{"mlp_layers=3"} << ""
                                         << "model.mlp_layers";
    QTest::newRow("mlp width with dot") << QStringList{"mlp_width=64"} << ""
                                        << "model.mlp_width";
    QTest::newRow("bpr with dot") << QStringList{"loss=bpr"} << ""
                                  << "train.loss";
    QTest::newRow("softmax with mlp") << QStringList{"scorer=mlp", "loss=softmax"} << ""
                                      << "train.loss";
    QTest::newRow("auc for ranking") << QStringList{"early_stop_metric=auc"} << ""
                                     << "train.early_stop_metric";
    QTest::newRow("ndcg for rating") << QStringList{"task=rating", "early_stop_metric=ndcg"} << ""
                                     << "train.early_stop_metric";
    QTest::newRow("dropout too high") << QStringList{"attention_dropout=0.95"} << ""
                                      << "model.attention_dropout";
    QTest::newRow("threads 0") << QStringList{"threads=0"} << ""
                               << "train.threads";
    QTest::newRow("epochs 0") << QStringList{"epochs=0"} << ""
                              << "train.epochs";
    QTest::newRow("text buckets tiny") << QStringList{"text_buckets=2"} << ""
                                       << "model.text_buckets";
    QTest::newRow("unknown item field") << QStringList{"item_fields=colour"} << "demo"
                                        << "model.item_fields";
    QTest::newRow("user field given as item field") << QStringList{"item_fields=region"} << "demo"
                                                    << "model.item_fields";
    QTest::newRow("unknown user field") << QStringList{"user_fields=shoe_size"} << "demo"
                                        << "model.user_fields";
    QTest::newRow("unknown context field") << QStringList{"context_fields=device"} << "demo"
                                           << "model.context_fields";
    QTest::newRow("unknown excluded field") << QStringList{"exclude_fields=user.title"} << "demo"
                                            << "model.exclude_fields";
    QTest::newRow("rating without ratings") << QStringList{"task=rating"} << "bare"
                                            << "model.task";
    QTest::newRow("ctr without ratings") << QStringList{"task=ctr"} << "bare"
                                         << "model.task";
    QTest::newRow("ctr threshold above every rating")
        << QStringList{"task=ctr", "ctr_threshold=6"} << "demo"
        << "train.ctr_threshold";
    QTest::newRow("ctr threshold below every rating")
        << QStringList{"task=ctr", "ctr_threshold=1"} << "demo"
        << "train.ctr_threshold";
    QTest::newRow("K larger than catalogue") << QStringList{"eval_k=100"} << "demo"
                                             << "train.eval_k";
    QTest::newRow("sampled protocol on a small catalogue")
        << QStringList{"sampled_eval=true"} << "demo"
        << "train.sampled_eval";
    QTest::newRow("content-only model without item fields")
        << QStringList{"id_embeddings=false", "exclude_fields=item.category,tags,year,title"}
        << "demo"
        << "model.id_embeddings";
    QTest::newRow("time split without timestamps") << QStringList{"split=ratio-time"} << "bare"
                                                   << "train.split";
    QTest::newRow("test share 0") << QStringList{"split=ratio-time", "test_ratio=0"} << ""
                                  << "train.test_ratio";
    QTest::newRow("more negatives than items")
        << QStringList{"scorer=mlp", "loss=bce", "negatives=60"} << "demo"
        << "train.negatives";
  }

  void everyRuleNamesItsField()
  {
    QFETCH(QStringList, settings);
    QFETCH(QString, dataset);
    QFETCH(QString, field);
    RunConfig c;
    for (const auto& s : settings)
    {
      m6::applySetting(c, s.toStdString());
    }
    m6::DatasetSchema schema;
    const m6::DatasetSchema* schemaPtr = nullptr;
    if (dataset == "demo")
    {
      schema = m6::DatasetSchema::fromSnapshot(smallDemo());
      schemaPtr = &schema;
    }
    else if (dataset == "bare")
    {
      schema = m6::DatasetSchema::fromSnapshot(bareDataset());
      schemaPtr = &schema;
    }
    auto issues = m6::validate(c, schemaPtr);
    QVERIFY2(issues.size() == 1, m6::formatIssues(issues).c_str());
    QCOMPARE(QString::fromStdString(issues[0].field), field);
    QVERIFY(QString::fromStdString(issues[0].message).startsWith(field + ": "));
    // The rule is about this field: without the change, the config is valid.
    QVERIFY(m6::validate(RunConfig{}, schemaPtr).empty());
  }

  // Every split works for every task on a dataset with timestamps (random ones included); the
  // "-time" ones only need times.
  void everySplitFitsEveryTask()
  {
    const m6::DatasetSchema timed = m6::DatasetSchema::fromSnapshot(smallDemo());
    const m6::DatasetSchema untimed = m6::DatasetSchema::fromSnapshot(bareDataset());
    for (const char* task : {"ranking", "ctr", "rating"})
    {
      for (const std::string& kind : m6::enumWordList<m6::SplitKind>())
      {
        RunConfig c;
        m6::applySetting(c, std::string("model.task=") + task);
        m6::applySetting(c, "train.split=" + kind);
        auto issues = m6::validate(c, &timed);
        QVERIFY2(issues.empty(), (kind + " " + task + ": " + m6::formatIssues(issues)).c_str());
        const bool needsTimes = kind.size() > 5 && kind.compare(kind.size() - 5, 5, "-time") == 0;
        // The bare dataset has no ratings either: only ranking, on a split without times.
        QCOMPARE(m6::validate(c, &untimed).empty(), !needsTimes && task == std::string("ranking"));
      }
    }
  }

  // Enumerated knobs are enums in C++; JSON, --set and the form see their words.
  void enumeratedKnobsReadAndWriteTheirWords()
  {
    QVERIFY(wordsRoundTrip<m6::Merge>() && wordsRoundTrip<m6::HistoryKind>() &&
            wordsRoundTrip<m6::TokenNorm>() && wordsRoundTrip<m6::Scorer>() &&
            wordsRoundTrip<m6::Activation>() && wordsRoundTrip<m6::Task>() &&
            wordsRoundTrip<m6::Loss>() && wordsRoundTrip<m6::Sampling>() &&
            wordsRoundTrip<m6::Optimizer>() && wordsRoundTrip<m6::SparseRows>() &&
            wordsRoundTrip<m6::SharedHistory>() && wordsRoundTrip<m6::SplitKind>());
    RunConfig c;
    int enumerated = 0;
    for (const auto& f : m6::configFields())
    {
      if (f.type != m6::ConfigFieldType::Enum)
      {
        continue;
      }
      ++enumerated;
      for (const auto& choice : f.choices)
      {
        m6::setValue(c, f.key, Json(choice));
        QCOMPARE(m6::getValue(c, f.key).asString(), choice);
      }
      QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m6::setValue(c, f.key, Json("bogus")));
    }
    QCOMPARE(enumerated, 13);
    m6::applySetting(c, "model.history_encoder=gru");
    QCOMPARE(c.model.historyEncoder, m6::HistoryKind::Gru);
    m6::applySetting(c, "train.split=global-random");
    QCOMPARE(c.train.split, m6::SplitKind::GlobalRandom);
    QCOMPARE(m6::toJson(c)["train"]["split"].asString(), std::string("global-random"));
    // mse is the rating task's loss, never a setting.
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m6::applySetting(c, "train.loss=mse"));
    c.model.task = m6::Task::Rating;
    QCOMPARE(m6::effectiveLoss(c), m6::Loss::Mse);
  }

  void invalidEnumNamesItsField()
  {
    RunConfig c;
    c.train.earlyStopMetric = "average";  // set directly, bypassing setValue's check
    auto issues = m6::validate(c);
    QCOMPARE(issues.size(), size_t(1));
    QCOMPARE(issues[0].field, std::string("train.early_stop_metric"));
    QVERIFY(QString::fromStdString(issues[0].message).contains("average"));
  }

  void jsonRoundTrip()
  {
    RunConfig c = m6::preset("thorough");
    m6::applySetting(c, "model.item_fields=title,tags");
    m6::applySetting(c, "train.lr=0.0025");
    m6::applySetting(c, "seed=123456789012");
    Json j = m6::toJson(c);
    RunConfig back = m6::fromJson(Json::parse(j.dump(2)));
    QCOMPARE(m6::toJson(back), j);
    QCOMPARE(back.model.itemFields, (std::vector<std::string>{"title", "tags"}));
    QCOMPARE(back.train.seed, int64_t(123456789012));
    // Absent knobs keep their defaults.
    RunConfig partial = m6::fromJson(Json::parse(R"({"model": {"heads": 4}})"));
    QCOMPARE(partial.model.heads, 4);
    QCOMPARE(partial.model.dim, RunConfig{}.model.dim);
  }

  void jsonErrorsNameTheKey_data()
  {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("key");
    QTest::newRow("unknown knob") << R"({"model": {"colour": 1}})"
                                  << "model.colour";
    QTest::newRow("unknown section") << R"({"optimiser": {}})"
                                     << "optimiser";
    QTest::newRow("wrong type") << R"({"model": {"heads": "four"}})"
                                << "model.heads";
    QTest::newRow("fractional int") << R"({"train": {"epochs": 2.5}})"
                                    << "train.epochs";
    QTest::newRow("bad enum") << R"({"model": {"scorer": "cosine"}})"
                              << "model.scorer";
    QTest::newRow("bad list") << R"({"model": {"item_fields": "title"}})"
                              << "model.item_fields";
  }

  void jsonErrorsNameTheKey()
  {
    QFETCH(QString, text);
    QFETCH(QString, key);
    try
    {
      m6::fromJson(Json::parse(text.toStdString()));
      QFAIL("expected an error");
    }
    catch (const std::invalid_argument& e)
    {
      QVERIFY2(whatOf(e).contains(key), e.what());
    }
  }

  void applySettingParsesAndNamesTheKey()
  {
    RunConfig c;
    m6::applySetting(c, "heads=4");
    QCOMPARE(c.model.heads, 4);
    m6::applySetting(c, "model.positional = off");
    QVERIFY(!c.model.positional);
    m6::applySetting(c, "train.cosine_decay=yes");
    QVERIFY(c.train.cosineDecay);
    m6::applySetting(c, "exclude_fields=item.title, age");
    QCOMPARE(c.model.excludeFields, (std::vector<std::string>{"item.title", "age"}));
    m6::applySetting(c, "exclude_fields=");
    QVERIFY(c.model.excludeFields.empty());
    m6::applySetting(c, "lr=3e-4");
    QCOMPARE(c.train.lr, 3e-4);

    const char* bad[][2] = {{"model.heads=four", "model.heads"},
                            {"heads=2.5", "model.heads"},
                            {"positional=maybe", "model.positional"},
                            {"scorer=cosine", "model.scorer"},
                            {"lr=fast", "train.lr"},
                            {"colour=red", "colour"},
                            {"model.colour=red", "model.colour"},
                            {"heads", "heads"}};
    for (const auto& b : bad)
    {
      try
      {
        m6::applySetting(c, b[0]);
        QFAIL(b[0]);
      }
      catch (const std::invalid_argument& e)
      {
        QVERIFY2(whatOf(e).contains(b[1]), e.what());
      }
    }
  }

  void descriptorTableCoversEveryKnob()
  {
    const auto& fields = m6::configFields();
    std::set<std::string> keys;
    std::set<std::string> groups(m6::configGroups().begin(), m6::configGroups().end());
    RunConfig defaults;
    for (const auto& f : fields)
    {
      QVERIFY2(keys.insert(f.key).second, f.key.c_str());
      QVERIFY2(groups.count(f.group), f.key.c_str());
      QVERIFY2(!f.tooltip.empty() && !f.label.empty(), f.key.c_str());
      QCOMPARE(m6::getValue(defaults, f.key), f.defaultValue);
      if (f.type == m6::ConfigFieldType::Int || f.type == m6::ConfigFieldType::Double)
      {
        double v = f.defaultValue.asDouble();
        QVERIFY2(v >= f.minValue && v <= f.maxValue, f.key.c_str());
      }
      if (f.type == m6::ConfigFieldType::Enum)
      {
        QVERIFY(std::find(f.choices.begin(), f.choices.end(), f.defaultValue.asString()) !=
                f.choices.end());
      }
      // Set every knob through the table and read it back.
      RunConfig c;
      m6::setValue(c, f.key, f.defaultValue);
      QCOMPARE(m6::getValue(c, f.key), f.defaultValue);
      QVERIFY(m6::findConfigField(f.key) == &f);
    }
    // The JSON form has exactly the table's keys, so no knob can be missing from either.
    Json j = m6::toJson(defaults);
    size_t count = 0;
    for (const auto& section : j.asObject())
    {
      for (const auto& kv : section.second.asObject())
      {
        QVERIFY(keys.count(section.first + "." + kv.first));
        ++count;
      }
    }
    QCOMPARE(count, keys.size());
    // Every group is used.
    for (const auto& g : m6::configGroups())
    {
      QVERIFY2(std::any_of(fields.begin(), fields.end(),
                           [&](const m6::ConfigFieldInfo& f) { return f.group == g; }),
               g.c_str());
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m6::getValue(defaults, "model.nothing"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m6::setValue(defaults, "model.dim", Json("8")));
  }

  void adaptationAndProtocolKnobs()
  {
    RunConfig c;
    QCOMPARE(m6::getValue(c, "train.train_fraction").asDouble(), 1.0);
    QCOMPARE(m6::getValue(c, "train.cold_item_share").asDouble(), 0.0);
    QCOMPARE(m6::getValue(c, "model.adapter_width").asInt(), int64_t(0));
    m6::applySetting(c, "train_fraction=0.1");
    m6::applySetting(c, "cold_item_share=0.2");
    m6::applySetting(c, "adapter_width=8");
    QVERIFY(m6::validate(c).empty());
    QCOMPARE(m6::fromJson(m6::toJson(c)).train.trainFraction, 0.1);
    c.train.trainFraction = 0;
    QVERIFY(hasIssue(m6::validate(c), "train.train_fraction"));
    c.train.trainFraction = 0.5;
    c.train.coldItemShare = 0.6;
    QVERIFY(hasIssue(m6::validate(c), "train.cold_item_share"));
    c.train.coldItemShare = 0.1;
    c.model.task = m6::Task::Ctr;
    QVERIFY(hasIssue(m6::validate(c), "train.cold_item_share"));
    c.model.task = m6::Task::Ranking;
    m6::DatasetSchema s = m6::DatasetSchema::fromSnapshot(smallDemo());
    c.train.coldItemShare = 0.001;  // rounds to no cold item at all
    QVERIFY(hasIssue(m6::validate(c, &s), "train.cold_item_share"));
    c.model.adapterWidth = 300;
    QVERIFY(hasIssue(m6::validate(c), "model.adapter_width"));
    // Checkpoints and configs written before these knobs read with their defaults.
    m6::Json old = m6::toJson(RunConfig{});
    auto& train = old["train"].asObject();
    train.erase(std::remove_if(train.begin(), train.end(),
                               [](const auto& kv) { return kv.first == "train_fraction"; }),
                train.end());
    QCOMPARE(m6::fromJson(old).train.trainFraction, 1.0);
  }

  void selectedFieldsFollowIncludeAndExclude()
  {
    m6::DatasetSchema s = m6::DatasetSchema::fromSnapshot(smallDemo());
    RunConfig c;
    auto names = [&](m6::FieldEntity e)
    {
      std::vector<std::string> out;
      for (int i : m6::selectedFields(c.model, s, e))
      {
        out.push_back(s.fields(e)[static_cast<size_t>(i)].name);
      }
      return out;
    };
    QCOMPARE(names(m6::FieldEntity::Item),
             (std::vector<std::string>{"category", "tags", "year", "title"}));
    m6::applySetting(c, "item_fields=title,category");
    m6::applySetting(c, "exclude_fields=item.title,age");
    QCOMPARE(names(m6::FieldEntity::Item), (std::vector<std::string>{"category"}));
    QCOMPARE(names(m6::FieldEntity::User), (std::vector<std::string>{"region", "gender"}));
    QVERIFY(m6::validate(c, &s).empty());
  }
};

QTEST_APPLESS_MAIN(TestConfig)
#include "test_config.moc"
