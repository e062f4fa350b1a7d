// The runnable methods of a .m6model: for a small trained model of each scorer and
// every history encoder (and adapters, concat merge, the rating task, content-only items), the
// archive's TorchScript methods, called through torch::jit::load as a C++ user would, agree with
// ModelPackage (what `m6-cli recommend --model` prints): the same top 10 and the same scores to
// float rounding, for known users and for new users given by their history, with the same items
// excluded; explain gives the same weights. A model file of format version 1 (no methods) still
// opens; bad arguments to the methods raise errors that say what is wrong.
//
// Includes torch (torch::jit) and QT_NO_KEYWORDS, like test_package.
#include <torch/script.h>
#include <torch/torch.h>

#include <QtTest>
#include <cmath>
#include <set>

#include "model/core/split.h"
#include "model/engine.h"
#include "model/package.h"
#include "model_test_util.h"

using m6::RunConfig;

namespace
{

struct Ranked
{
  std::vector<int64_t> items;
  std::vector<double> scores;
};

Ranked ranked(const c10::IValue& v)
{
  auto t = v.toTuple();
  Ranked r;
  for (int64_t i : t->elements()[0].toIntList())
  {
    r.items.push_back(i);
  }
  for (double s : t->elements()[1].toDoubleList())
  {
    r.scores.push_back(s);
  }
  return r;
}

c10::List<int64_t> intList(const std::vector<int32_t>& v)
{
  c10::List<int64_t> out;
  for (int32_t x : v)
  {
    out.push_back(x);
  }
  return out;
}

// Scores agree to float rounding: relative to the scale of the scores.
bool close(double a, double b, double scale)
{
  return std::fabs(a - b) <= 2e-5 * std::max(1.0, scale);
}

void compareRanked(const Ranked& script, const std::vector<m6::Recommendation>& package)
{
  QCOMPARE(script.items.size(), package.size());
  double scale = 0;
  for (const auto& r : package)
  {
    scale = std::max(scale, std::fabs(double(r.score)));
  }
  for (size_t i = 0; i < package.size(); ++i)
  {
    QCOMPARE(script.items[i], int64_t(package[i].item));
    QVERIFY2(close(script.scores[i], package[i].score, scale),
             qPrintable(QString("rank %1: %2 vs %3")
                            .arg(i)
                            .arg(script.scores[i], 0, 'g', 9)
                            .arg(double(package[i].score), 0, 'g', 9)));
  }
}

void compareExplanation(const c10::IValue& v, const m6::Explanation& e)
{
  auto t = v.toTuple();
  QVERIFY(close(t->elements()[0].toDouble(), e.score, std::fabs(e.score)));
  auto layers = t->elements()[1].toList();
  QCOMPARE(layers.size(), e.weights.size());
  for (size_t l = 0; l < e.weights.size(); ++l)
  {
    auto heads = layers.get(l).toList();
    QCOMPARE(heads.size(), e.weights[l].size());
    for (size_t h = 0; h < e.weights[l].size(); ++h)
    {
      auto tokens = heads.get(h).toDoubleList();
      QCOMPARE(tokens.size(), e.weights[l][h].size());
      QCOMPARE(tokens.size(), e.tokens.size());
      for (size_t k = 0; k < tokens.size(); ++k)
      {
        QVERIFY(std::fabs(tokens.get(k) - e.weights[l][h][k]) < 1e-5);
      }
    }
  }
}

std::string jitError(const std::function<void()>& f)
{
  try
  {
    f();
  }
  catch (const std::exception& e)
  {
    return e.what();
  }
  return "";
}

}  // namespace

class TestPackageScript : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_ = m6test::makeTempDir();
  m6::DatasetSnapshot data_ = m6test::demo(120, 180, 4000, 21);
  m6::Split split_ = m6::splitLeaveOneOut(data_);
  int runs_ = 0;

 private Q_SLOTS:
  void methodsAgreeWithThePackage_data()
  {
    QTest::addColumn<QStringList>("settings");
    QTest::newRow("dot, no history encoder") << QStringList{};
    QTest::newRow("dot, gru") << QStringList{"history_encoder=gru"};
    QTest::newRow("dot, cnn, 2 layers, adapters")
        << QStringList{"history_encoder=cnn", "history_layers=2", "adapter_width=4"};
    QTest::newRow("dot, transformer, 2 fusion layers")
        << QStringList{"history_encoder=transformer", "attention_layers=2"};
    QTest::newRow("dot, content only (no ids)") << QStringList{"id_embeddings=false"};
    QTest::newRow("dot, popularity prior, id dropout")
        << QStringList{"popularity_prior=true", "id_dropout=0.2"};
    QTest::newRow("mlp, concat merge") << QStringList{"scorer=mlp", "merge=concat"};
    QTest::newRow("mlp, gru, gelu")
        << QStringList{"scorer=mlp", "history_encoder=gru", "mlp_activation=gelu"};
    QTest::newRow("mlp, transformer, tanh, 2 decoder layers") << QStringList{
        "scorer=mlp", "history_encoder=transformer", "mlp_activation=tanh", "mlp_layers=2"};
    QTest::newRow("mlp, cnn, rating task")
        << QStringList{"scorer=mlp", "history_encoder=cnn", "task=rating"};
    QTest::newRow("dot, no history (length 0)") << QStringList{"history_length=0"};
    QTest::newRow("mlp, no history (length 0), transformer")
        << QStringList{"scorer=mlp", "history_length=0", "history_encoder=transformer"};
  }

  void methodsAgreeWithThePackage()
  {
    QFETCH(QStringList, settings);
    RunConfig c = m6test::smallConfig();
    c.train.epochs = 1;
    for (const QString& s : settings)
    {
      m6::applySetting(c, "model." + s.toStdString());
    }
    const std::string name = "run" + std::to_string(runs_++);
    const std::string run = m6test::runDir(dir_, name.c_str());
    QCOMPARE(m6::train(data_, c, run).status, m6::RunStatus::Finished);
    const std::string file = run + ".m6model";
    m6::exportModel(run, data_, c, {}, file);
    auto package = m6::ModelPackage::open(file);
    QCOMPARE(package->formatVersion(), 2);

    torch::NoGradGuard guard;
    torch::jit::Module script = torch::jit::load(file);
    QVERIFY(script.find_method("recommend").has_value());
    m6::ContextOverride night;
    night.hourOfDay = 2;
    night.dayOfWeek = 6;
    float worst = 0;  // the largest score difference over every user's catalogue
    for (int32_t u = 0; u < 12; ++u)
    {
      // A known user, with the stored context and with an override.
      compareRanked(ranked(script.run_method("recommend_user", int64_t(u), int64_t(-1), int64_t(-1),
                                             int64_t(10))),
                    package->recommend(u, 10));
      compareRanked(ranked(script.run_method("recommend_user", int64_t(u), int64_t(night.hourOfDay),
                                             int64_t(night.dayOfWeek), int64_t(10))),
                    package->recommend(u, 10, night));
      torch::Tensor all = script.run_method("score_all_user", int64_t(u)).toTensor();
      std::vector<float> expected = package->scoreAll(u);
      QCOMPARE(all.size(0), int64_t(expected.size()));
      torch::Tensor diff = (all - torch::tensor(expected)).abs().max();
      QVERIFY2(diff.item<float>() < 1e-4, qPrintable(QString::number(diff.item<float>())));
      worst = std::max(worst, diff.item<float>());

      // The same person as a new user: their training items as history.
      std::vector<int32_t> history = package->trainingItems(u);
      m6::HistoryQuery q;
      for (int32_t i : history)
      {
        q.items.push_back(data_.itemIds[static_cast<size_t>(i)]);
      }
      q.context = night;
      Ranked fresh =
          ranked(script.run_method("recommend", intList(history), int64_t(night.hourOfDay),
                                   int64_t(night.dayOfWeek), int64_t(10)));
      compareRanked(fresh, package->recommend(q, 10));
      std::set<int64_t> seen(history.begin(), history.end());
      for (int64_t i : fresh.items)
      {
        QVERIFY(!seen.count(i));
      }

      // Chosen items, and an explanation of the test item.
      const int32_t target = data_.item[static_cast<size_t>(split_.testIndex[u])];
      auto some = script
                      .run_method("score_user", int64_t(u), intList({target, 0, 7}), int64_t(-1),
                                  int64_t(-1))
                      .toDoubleList();
      std::vector<float> known = package->scoreAll(u);
      QVERIFY(close(some.get(0), known[static_cast<size_t>(target)], 1));
      QVERIFY(close(some.get(2), known[7], 1));
      compareExplanation(script.run_method("explain_user", int64_t(u), int64_t(target)),
                         package->explain(u, target));
      m6::HistoryQuery plain;
      plain.items = q.items;
      compareExplanation(script.run_method("explain", intList(history), int64_t(target)),
                         package->explain(plain, data_.itemIds[static_cast<size_t>(target)]));
    }
    qInfo("largest score difference, script vs package: %g", double(worst));
    if (c.model.historyLength == 0)
    {
      // Without history the attention reads the user and the context only.
      QCOMPARE(package->explain(0, 1).tokens.size(), size_t(2));
    }
    // No history at all: still a ranking, the package's.
    m6::HistoryQuery empty;
    compareRanked(ranked(script.run_method("recommend", c10::List<int64_t>(), int64_t(-1),
                                           int64_t(-1), int64_t(5))),
                  package->recommend(empty, 5));
    torch::Tensor tokens = script.run_method("item_tokens").toTensor();
    QCOMPARE(tokens.size(0), package->numItems());
    QCOMPARE(tokens.size(1), int64_t(c.model.dim));
  }

  void badArgumentsRaiseErrorsThatSayWhy()
  {
    RunConfig c = m6test::smallConfig();
    c.train.epochs = 1;
    const std::string run = m6test::runDir(dir_, "errors");
    QCOMPARE(m6::train(data_, c, run).status, m6::RunStatus::Finished);
    const std::string file = run + ".m6model";
    m6::exportModel(run, data_, c, {}, file);
    torch::jit::Module script = torch::jit::load(file);
    const int64_t items = data_.numItems();
    QVERIFY(jitError([&] { script.run_method("recommend_user", int64_t(120)); })
                .find("user index 120 is outside the model (120 users)") != std::string::npos);
    QVERIFY(jitError(
                [&] {
                  script.run_method("recommend", intList({3, int32_t(items)}));
                })
                .find("history: item index 180 is outside the model (180 items)") !=
            std::string::npos);
    QVERIFY(jitError([&] { script.run_method("recommend_user", int64_t(0), int64_t(24)); })
                .find("hour must be 0-23") != std::string::npos);
    QVERIFY(jitError([&] { script.run_method("explain_user", int64_t(0), int64_t(-1)); })
                .find("item index -1 is outside the model") != std::string::npos);
    // k larger than the catalogue lists every item not excluded, once.
    Ranked all = ranked(script.run_method("recommend", intList({1, 2, 3}), int64_t(-1), int64_t(-1),
                                          int64_t(100000)));
    QCOMPARE(int64_t(all.items.size()), items - 3);
    QCOMPARE(std::set<int64_t>(all.items.begin(), all.items.end()).size(), all.items.size());
    QVERIFY(std::is_sorted(all.scores.rbegin(), all.scores.rend()));
    // The parameters are for inference: no gradients recorded.
    for (const auto& p : script.parameters())
    {
      QVERIFY(!p.requires_grad());
    }
  }

  void aFormatVersion1FileStillOpens()
  {
    // Written by the format-1 exporter (before the methods): tests/model/data/model_v1.m6model.
    const std::string file = M6_SOURCE_DIR "/tests/model/data/model_v1.m6model";
    auto p = m6::ModelPackage::open(file);
    QCOMPARE(p->formatVersion(), 1);
    QCOMPARE(p->numItems(), int64_t(60));
    // What the format-1 program answered for this file (m6-cli recommend --model ... --user u1).
    auto recs = p->recommend(std::string("u1"), 5);
    const std::vector<std::string> items = {"i44", "i2", "i9", "i53", "i34"};
    const std::vector<float> scores = {4.838809967041016f, 4.711080074310303f, 4.279489994049072f,
                                       4.2427473068237305f, 4.213028430938721f};
    QCOMPARE(recs.size(), size_t(5));
    for (size_t i = 0; i < recs.size(); ++i)
    {
      QCOMPARE(p->itemIds()[static_cast<size_t>(recs[i].item)], items[i]);
      QCOMPARE(recs[i].score, scores[i]);
    }
    m6::HistoryQuery q;
    q.items = {p->itemIds()[0], p->itemIds()[1]};
    QCOMPARE(p->recommend(q, 5).size(), size_t(5));
    // It has no methods, and says so to a TorchScript reader by their absence only.
    torch::jit::Module script = torch::jit::load(file);
    QVERIFY(!script.find_method("recommend").has_value());
  }
};

QTEST_APPLESS_MAIN(TestPackageScript)
#include "test_package_script.moc"
