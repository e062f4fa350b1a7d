// The Configure page and its generated form, on a real workspace with the small demo dataset:
// every validation rule (engine rules and dataset rules, the latter also against schemas of
// other datasets) marks its field with the rule's message and disables Train; fields that do
// not apply are disabled; presets fill the form and user presets are kept in the workspace, and
// stored presets that cannot be read are never rewritten (an entry that is not a configuration
// is kept as raw JSON through a save of another); a config round-trips through JSON and through
// a saved run; the estimate arrives.
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QtTest>

#include "../app/train_test_support.h"
#include "app/bridge/model_info.h"
#include "app/bridge/run_library.h"
#include "app/bridge/snapshot_store.h"
#include "gui_test_main.h"
#include "model/core/preset_choice.h"
#include "storage/runs.h"
#include "ui/config_form.h"
#include "ui/configure_page.h"
#include "ui/field_editors.h"
#include "ui/preset_store.h"

using namespace m6;

namespace
{

std::string storedPresets(const QString& path)
{
  auto ws = m6test::openWorkspace(path);
  auto value = ws->setting(PresetStore::kKey, "<unset>");
  return value ? *value : "<error>";
}

void setPresets(const QString& path, const std::string& value)
{
  auto ws = m6test::openWorkspace(path);
  QVERIFY(ws->setSetting(PresetStore::kKey, value));
}

/// A PresetStore on `path` once its read has been answered.
std::unique_ptr<PresetStore> loadedStore(RunLibrary& library)
{
  auto store = std::make_unique<PresetStore>(&library);
  QSignalSpy changed(store.get(), &PresetStore::changed);
  if (!QTest::qWaitFor([&] { return !changed.isEmpty(); }, 30000))
  {
    return nullptr;
  }
  return store;
}

enum class SchemaKind
{
  Demo,       // the workspace's dataset: ratings 1-5, 300 items
  NoRatings,  // implicit feedback only
  Small,      // 50 items
  Tiny        // 1 item: too small to train
};

DatasetSchema schemaOf(SchemaKind kind, const DatasetSchema& demo)
{
  DatasetSchema s = demo;
  switch (kind)
  {
    case SchemaKind::Demo:
      break;
    case SchemaKind::NoRatings:
      s.hasRatings = false;
      s.ratingMin = s.ratingMax = 0;
      break;
    case SchemaKind::Small:
      s.numItems = 50;
      break;
    case SchemaKind::Tiny:
      s.numItems = 1;
      break;
  }
  return s;
}

}  // namespace

Q_DECLARE_METATYPE(SchemaKind)

class TestConfigForm : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_;
  QString path_;
  qint64 datasetId_ = 0;
  DatasetInfo info_;
  std::unique_ptr<ModelInfo> modelInfo_;
  std::unique_ptr<RunLibrary> library_;
  std::unique_ptr<ConfigurePage> page_;
  DatasetSchema demoSchema_;

 private Q_SLOTS:
  void initTestCase()
  {
    path_ = dir_.filePath("form.m6ws");
    datasetId_ = m6test::makeTrainWorkspace(path_);
    auto ws = m6test::openWorkspace(path_);
    info_ = *ws->datasetById(datasetId_);
    modelInfo_ = std::make_unique<ModelInfo>(path_, std::make_shared<SnapshotStore>());
    library_ = std::make_unique<RunLibrary>(path_);
    page_ = std::make_unique<ConfigurePage>(modelInfo_.get(), library_.get());
    page_->setDataset(info_);
    page_->resize(1300, 800);
    page_->show();  // so that "the message is visible under the field" means something
    QTRY_VERIFY_WITH_TIMEOUT(page_->form()->hasSchema(), 60000);
    QVERIFY(page_->applyPreset("quick"));
    QVERIFY2(page_->canTrain(), qPrintable(page_->trainBlocker()));
    // The schema the worker computed, to vary for the dataset rules.
    SchemaInfo got;
    QSignalSpy schema(modelInfo_.get(), &ModelInfo::schemaReady);
    modelInfo_->describe(datasetId_);
    QTRY_VERIFY_WITH_TIMEOUT(schema.size() == 1, 60000);
    demoSchema_ = schema.first().first().value<SchemaInfo>().schema;
    QCOMPARE(demoSchema_.numItems, qint64(300));
  }

  void init()
  {
    page_->form()->setSchema(&demoSchema_);
    QVERIFY(page_->applyPreset("quick"));
    QVERIFY(page_->form()->isValid());
    QVERIFY(page_->trainButton()->isEnabled());
  }

 private:
  static void row(const char* name, const char* settings, SchemaKind schema, const char* field,
                  const char* message)
  {
    QTest::newRow(name) << QString::fromUtf8(settings) << schema << QString::fromUtf8(field)
                        << QString::fromUtf8(message);
  }

 private Q_SLOTS:
  void everyRuleShowsItsMessageAndBlocksTrain_data()
  {
    QTest::addColumn<QString>("settings");  // JSON object: key -> value, applied in order
    QTest::addColumn<SchemaKind>("schema");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("message");
    const auto demo = SchemaKind::Demo;
    row("heads divide the width", R"({"model.heads": 3})", demo, "model.heads",
        "is not divisible by 3 heads");
    row("dot scorer losses", R"({"train.loss": "bpr"})", demo, "train.loss",
        "needs the mlp scorer");
    row("mlp scorer losses", R"({"model.scorer": "mlp", "train.loss": "softmax"})", demo,
        "train.loss", "needs the dot scorer");
    row("mlp-only options", R"({"model.mlp_layers": 3})", demo, "model.mlp_layers",
        "only the mlp scorer uses this option");
    row("early-stopping metric of the task", R"({"train.early_stop_metric": "auc"})", demo,
        "train.early_stop_metric", "is not measured for task ranking");
    row("history length", R"({"model.history_length": -1})", demo, "model.history_length",
        "must be at least 0");
    row("learning rate", R"({"train.lr": 0})", demo, "train.lr", "must be greater than 0");
    row("batch size", R"({"train.batch_size": 0})", demo, "train.batch_size", "must be at least 1");
    row("sampled losses need negatives", R"({"model.scorer": "mlp", "train.negatives": 0})", demo,
        "train.negatives", "samples negatives and needs at least 1");
    row("integer range", R"({"model.dim": 2000})", demo, "model.dim", "must be between 4 and 1024");
    row("number range", R"({"model.attention_dropout": 0.95})", demo, "model.attention_dropout",
        "must be between 0 and 0.9");
    row("unknown user field", R"({"model.user_fields": ["shoe_size"]})", demo, "model.user_fields",
        "no user field named 'shoe_size'");
    row("unknown excluded field", R"({"model.exclude_fields": ["colour"]})", demo,
        "model.exclude_fields", "no field named 'colour'");
    row("tasks that need ratings", R"({"model.task": "rating"})", SchemaKind::NoRatings,
        "model.task", "needs ratings, and this dataset has none");
    row("ctr threshold above every rating",
        R"({"model.task": "ctr", "train.early_stop_metric": "auto", "train.ctr_threshold": 6})",
        demo, "train.ctr_threshold", "every rating is below 6");
    row("ctr threshold at the lowest rating", R"({"model.task": "ctr", "train.ctr_threshold": 1})",
        demo, "train.ctr_threshold", "so every interaction would be a positive");
    row("K larger than the catalogue", R"({"train.eval_k": 500})", demo, "train.eval_k",
        "larger than the catalogue");
    row("sampled protocol needs 101 items", R"({"train.sampled_eval": true})", SchemaKind::Small,
        "train.sampled_eval", "needs at least 101 items");
    row("negatives within the catalogue", R"({"model.scorer": "mlp", "train.negatives": 300})",
        demo, "train.negatives", "need a catalogue of more items");
    row("dataset large enough", R"({})", SchemaKind::Tiny, "dataset",
        "needs at least 1 user, 2 items");
  }

  void everyRuleShowsItsMessageAndBlocksTrain()
  {
    QFETCH(QString, settings);
    QFETCH(SchemaKind, schema);
    QFETCH(QString, field);
    QFETCH(QString, message);
    ConfigForm* form = page_->form();
    const DatasetSchema s = schemaOf(schema, demoSchema_);
    form->setSchema(&s);
    const Json assignments = Json::parse(settings.toStdString());
    for (const auto& [key, value] : assignments.asObject())
    {
      QString error;
      QVERIFY2(form->setFieldValue(QString::fromStdString(key), value, &error), qPrintable(error));
    }
    QVERIFY(!form->isValid());
    QVERIFY(!page_->canTrain());
    QVERIFY(!page_->trainButton()->isEnabled());
    QVERIFY2(page_->issuesLabel()->text().contains(message.toHtmlEscaped()),
             qPrintable(page_->issuesLabel()->text()));
    if (field != QLatin1String("dataset"))
    {
      // The field itself is marked: its message under it, its label red, its editor usable.
      const QString shown = form->issueText(field);
      QVERIFY2(shown.contains(message), qPrintable(shown));
      QVERIFY(shown.startsWith(field + ":"));
      QVERIFY(form->label(field)->font().bold());
      QVERIFY(form->editor(field)->isEnabled());
      const auto labels = form->findChildren<QLabel*>();
      QVERIFY(std::any_of(labels.begin(), labels.end(),
                          [&](QLabel* l) { return l->isVisible() && l->text() == shown; }));
    }
    QVERIFY(page_->trainBlocker().contains(tr("Fix the marked fields")));
  }

  void wrongTypesAreRefusedByName()
  {
    QString error;
    QVERIFY(!page_->form()->setFieldValue("model.scorer", Json("cosine"), &error));
    QVERIFY2(error.contains("model.scorer") && error.contains("dot, mlp"), qPrintable(error));
    QVERIFY(!page_->form()->setFieldValue("model.no_such_knob", Json(1), &error));
    QVERIFY(page_->form()->isValid());
  }

  void fieldsThatDoNotApplyAreDisabled()
  {
    ConfigForm* form = page_->form();
    QVERIFY(!form->editor("model.mlp_width")->isEnabled());
    QVERIFY(!form->editor("train.momentum")->isEnabled());
    QVERIFY(!form->editor("model.history_layers")->isEnabled());  // quick: no history encoder
    auto* scorer = qobject_cast<QComboBox*>(form->editor("model.scorer"));
    QVERIFY(scorer);
    scorer->setCurrentText("mlp");  // as a user would pick it
    QCOMPARE(form->config().model.scorer, m6::Scorer::Mlp);
    QVERIFY(form->editor("model.mlp_width")->isEnabled());
    auto* width = qobject_cast<QSpinBox*>(form->editor("model.mlp_width"));
    QCOMPARE(width->minimum(), 4);
    QCOMPARE(width->maximum(), 4096);
    QVERIFY(width->toolTip().contains("4-4096"));
    QVERIFY(form->editor("train.ctr_threshold")->toolTip().contains("model.task=ctr"));
  }

  void typingValidatesAtOnce()
  {
    auto* heads = qobject_cast<QSpinBox*>(page_->form()->editor("model.heads"));
    QVERIFY(heads);
    heads->setFocus();
    heads->selectAll();
    QTest::keyClicks(heads, "3");
    QCOMPARE(page_->form()->config().model.heads, 3);
    QVERIFY(!page_->trainButton()->isEnabled());
    QTest::keyClick(heads, Qt::Key_Backspace);
    QTest::keyClicks(heads, "4");
    QCOMPARE(page_->form()->config().model.heads, 4);
    QVERIFY(page_->trainButton()->isEnabled());
  }

  void presetsFillTheForm()
  {
    // Every editor shows the preset's value (the presets differ from each other and from the
    // defaults in these knobs).
    const RunConfig thorough = preset("thorough");
    QVERIFY(page_->applyPreset("thorough"));
    ConfigForm* form = page_->form();
    QCOMPARE(qobject_cast<QSpinBox*>(form->editor("model.dim"))->value(), thorough.model.dim);
    QCOMPARE(qobject_cast<QSpinBox*>(form->editor("train.epochs"))->value(), thorough.train.epochs);
    QCOMPARE(qobject_cast<QComboBox*>(form->editor("model.history_encoder"))->currentText(),
             QString::fromStdString(m6::wordOf(thorough.model.historyEncoder)));
    QCOMPARE(qobject_cast<QCheckBox*>(form->editor("train.cosine_decay"))->isChecked(),
             thorough.train.cosineDecay);
    QCOMPARE(qobject_cast<NumberSpinBox*>(form->editor("train.lr"))->value(), thorough.train.lr);
    QVERIFY(thorough.model.dim != preset("quick").model.dim);
    QCOMPARE(toJson(form->config()), toJson(preset("thorough")));
    QCOMPARE(page_->presetCombo()->currentText(), QString("thorough"));
    form->setFieldValue("model.dim", Json(96));
    QCOMPARE(page_->presetCombo()->currentText(), QString("(custom)"));

    // A user preset is kept in the workspace: another page on the same workspace offers it.
    QString error;
    QSignalSpy written(library_.get(), &RunLibrary::settingWritten);
    QVERIFY2(page_->saveUserPreset("wide", &error), qPrintable(error));
    QTRY_COMPARE(written.size(), 1);  // on the workspace before another connection reads it
    QVERIFY(!page_->saveUserPreset("quick", &error));
    QVERIFY(error.contains("built-in"));
    RunLibrary library(path_);
    ModelInfo info(path_, std::make_shared<SnapshotStore>());
    ConfigurePage other(&info, &library);
    QTRY_VERIFY(other.presets()->loaded());
    QVERIFY(other.presets()->userNames().contains("wide"));
    QVERIFY(other.presetCombo()->findData("wide") >= 0);
    QVERIFY(other.applyPreset("wide"));
    QCOMPARE(other.config().model.dim, 96);
    QCOMPARE(other.config().train.epochs, thorough.train.epochs);
  }

  // A new page starts on "auto", which fills the form with the preset it picks for the selected
  // dataset's size and names the pick in the menu; a form the user changed stays as it is when
  // the dataset changes.
  void autoPresetFollowsTheSelectedDataset()
  {
    ConfigurePage fresh(modelInfo_.get(), library_.get());
    QCOMPARE(fresh.presetCombo()->currentData().toString(), QString("auto"));
    QCOMPARE(fresh.presetCombo()->currentText(), QString("auto"));  // no dataset yet
    fresh.setDataset(info_);                                        // the small training demo
    QCOMPARE(fresh.presetCombo()->currentText(), QString("auto: thorough"));
    QCOMPARE(toJson(fresh.config()), toJson(preset("thorough")));
    DatasetInfo big = info_;
    big.interactions = kThoroughUpToInteractions + 1;
    fresh.setDataset(DatasetInfo{});
    fresh.setDataset(big);
    QCOMPARE(fresh.presetCombo()->currentText(), QString("auto: balanced"));
    QCOMPARE(fresh.presetCombo()->currentData().toString(), QString("auto"));
    QCOMPARE(toJson(fresh.config()), toJson(preset("balanced")));

    fresh.form()->setFieldValue("model.dim", Json(96));
    QCOMPARE(fresh.presetCombo()->currentText(), QString("(custom)"));
    fresh.setDataset(DatasetInfo{});
    fresh.setDataset(info_);
    QCOMPARE(fresh.config().model.dim, 96);
    QCOMPARE(fresh.presetCombo()->currentText(), QString("(custom)"));
    QVERIFY(fresh.applyPreset("auto"));  // chosen again: its pick for this dataset
    QCOMPARE(toJson(fresh.config()), toJson(preset("thorough")));
    QCOMPARE(fresh.presetCombo()->currentText(), QString("auto: thorough"));
    QVERIFY(!fresh.saveUserPreset("auto"));  // a built-in name
  }

  void configRoundTripsThroughJson()
  {
    ConfigForm* form = page_->form();
    form->setFieldValue("model.dim", Json(48));
    form->setFieldValue("train.lr", Json(0.005));
    form->setFieldValue("model.scorer", Json("mlp"));
    form->setFieldValue("model.mlp_width", Json(64));
    form->setFieldValue("model.item_fields", Json(JsonArray{Json("category"), Json("title")}));
    form->setFieldValue("train.cosine_decay", Json(true));
    QVERIFY(form->isValid());
    const Json before = toJson(form->config());
    const QString file = dir_.filePath("config.json");
    QString error;
    QVERIFY2(page_->exportJson(file, &error), qPrintable(error));
    page_->setConfig(RunConfig());
    QVERIFY(toJson(form->config()) != before);
    QVERIFY2(page_->importJson(file, &error), qPrintable(error));
    QCOMPARE(toJson(form->config()), before);
    QCOMPARE(qobject_cast<FieldListEdit*>(form->editor("model.item_fields"))->values(),
             QStringList({"category", "title"}));
    // A bad file is refused with the key named, and the form stays as it was.
    m6test::writeFile(dir_.filePath("bad.json"), R"({"model": {"widht": 3}})");
    QVERIFY(!page_->importJson(dir_.filePath("bad.json"), &error));
    QVERIFY2(error.contains("model.widht"), qPrintable(error));
    QCOMPARE(toJson(form->config()), before);
  }

  void configRoundTripsThroughASavedRun()
  {
    RunConfig c = preset("balanced");
    c.model.dim = 40;
    c.model.heads = 4;
    c.train.optimizer = m6::Optimizer::Sgd;
    c.train.momentum = 0.5;
    c.model.excludeFields = {"item.title"};
    qint64 runId = 0;
    {
      auto ws = m6test::openWorkspace(path_);
      RunRecord r;
      r.name = "saved";
      r.datasetId = datasetId_;
      r.task = c.model.task;
      r.configJson = toJson(c).dump();
      auto id = RunStore(*ws).create(r);
      QVERIFY(id.ok());
      runId = *id;
    }
    QSignalSpy listed(library_.get(), &RunLibrary::runsChanged);
    library_->refresh();
    QTRY_VERIFY(listed.size() >= 1 && library_->find(runId));
    QString error;
    QVERIFY2(page_->loadRunConfig(runId, &error), qPrintable(error));
    QCOMPARE(toJson(page_->config()), toJson(c));
    QVERIFY(page_->form()->isValid());
    QVERIFY(page_->form()->editor("train.momentum")->isEnabled());
    QVERIFY(!page_->loadRunConfig(987654, &error));
  }

  void theEstimateArrives()
  {
    QTRY_VERIFY_WITH_TIMEOUT(page_->estimateText().contains("parameters"), 60000);
    QVERIFY(page_->estimateText().contains("training examples per epoch"));
    // Which loss auto trains with on this catalogue (300 items): the full softmax by default,
    // the sampled one once train.sampled_softmax_from is at most the catalogue.
    QVERIFY2(page_->estimateText().contains("trains with the full softmax"),
             qPrintable(page_->estimateText()));
    page_->form()->setFieldValue("train.sampled_softmax_from", Json(300));
    QTRY_VERIFY_WITH_TIMEOUT(page_->estimateText().contains("trains with the sampled softmax"),
                             60000);
    page_->form()->setFieldValue("train.sampled_softmax_from", Json(301));
    QTRY_VERIFY_WITH_TIMEOUT(page_->estimateText().contains("trains with the full softmax"), 60000);
    page_->form()->setFieldValue("model.heads", Json(3));
    QVERIFY(page_->estimateText().contains("marked fields"));
  }

  void presetsAreNeverRewrittenFromAFailedRead()
  {
    const QString path = dir_.filePath("r8.m6ws");
    m6test::openWorkspace(path);
    // Not a JSON object: nothing may be written, and the stored bytes stay.
    const std::string notObject = R"(["quick", 1])";
    setPresets(path, notObject);
    {
      RunLibrary library(path);
      auto store = loadedStore(library);
      QVERIFY(store);
      QVERIFY(!store->loaded());
      QString error;
      QVERIFY(!store->save("mine", preset("quick"), &error));
      QVERIFY2(error.contains("could not be read"), qPrintable(error));
      QVERIFY(!store->remove("anything", &error));
      // The library's worker takes requests in order: after this refresh, a write sent
      // before it would have landed.
      QSignalSpy listed(&library, &RunLibrary::runsChanged);
      library.refresh();
      QTRY_VERIFY_WITH_TIMEOUT(!listed.isEmpty(), 30000);
    }
    QCOMPARE(storedPresets(path), notObject);
    // Not JSON at all.
    setPresets(path, "{broken");
    {
      RunLibrary library(path);
      auto store = loadedStore(library);
      QVERIFY(store && !store->loaded());
      QVERIFY(!store->save("mine", preset("quick")));
    }
    QCOMPARE(storedPresets(path), std::string("{broken"));

    // One readable preset and one entry that is not a configuration: the second is kept raw.
    Json all = Json::object();
    all["kept"] = toJson(preset("balanced"));
    Json odd = Json::object();
    odd["model"] = Json("from a newer version");
    all["odd"] = odd;
    setPresets(path, all.dump());
    {
      RunLibrary library(path);
      auto store = loadedStore(library);
      QVERIFY(store && store->loaded());
      QCOMPARE(store->userNames(), QStringList({"kept"}));
      QCOMPARE(store->unreadableNames(), QStringList({"odd"}));
      QSignalSpy written(&library, &RunLibrary::settingWritten);
      QString error;
      QVERIFY2(store->save("new", preset("quick"), &error), qPrintable(error));
      QTRY_VERIFY_WITH_TIMEOUT(!written.isEmpty(), 30000);
    }
    const Json stored = Json::parse(storedPresets(path));
    QVERIFY(stored.isObject());
    QCOMPARE(stored.at("odd").dump(), odd.dump());
    QCOMPARE(stored.at("kept").dump(), toJson(preset("balanced")).dump());
    QCOMPARE(stored.at("new").dump(), toJson(preset("quick")).dump());
  }
};

M6_GUI_TEST_MAIN(TestConfigForm)
#include "test_config_form.moc"
