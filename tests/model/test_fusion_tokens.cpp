// The fusion's history tokens under model.token_norm (model/nn/attention.h, FusionTokens).
//
// With a bag history and token_norm "item" each slot is LN(item) + position + gap, so every fusion
// layer projects each distinct history item once (the split path) instead of once per slot. The
// split path must be the same function as the whole-token reference: same loss and the same
// gradient for every parameter, for each loss the training step has (full softmax, sampled
// softmax, BCE with the mlp scorer), with several fusion layers, adapters and time gaps. And
// configs written before the knob existed must read as "sum", the layout they were trained with.
// The catalogue's mean bags and their gradient go through precomputed compressed rows: the same
// values and gradient as EmbeddingBag's.
//
// Includes torch (like test_sampled_softmax): torch first, QT_NO_KEYWORDS keeps Qt's `slots` away.
#include <torch/torch.h>

#include <QtTest>
#include <map>

#include "model/core/config.h"
#include "model/core/rng.h"
#include "model/session.h"
#include "model/training_step.h"
#include "model_test_util.h"
#include "step_gradients.h"

namespace
{

// One training step's loss and gradients, with the split projection on or off. The session is
// rebuilt each time from the same seed, so both see the same weights; dropout is 0 and the
// negatives come from a fresh generator with the same seed, so both see the same draws.
m6test::StepResult step(const m6::DatasetSnapshot& data, const m6::RunConfig& config, bool split)
{
  m6::Session session(data, config, m6::Session::Use::Training);
  session.net->setSplitProjection(split);
  session.net->train();
  m6::TrainingStep training(session);
  std::vector<int64_t> examples = training.examples();
  std::vector<int64_t> batch(examples.begin(),
                             examples.begin() + std::min<size_t>(96, examples.size()));
  return m6test::lossAndGradients(session, training, batch);
}

m6::RunConfig baseConfig()
{
  m6::RunConfig c = m6test::smallConfig();
  c.model.tokenNorm = m6::TokenNorm::Item;
  c.model.attentionDropout = 0;
  c.model.attentionLayers = 2;
  c.model.historyLength = 12;
  // Targets with their own histories (test_history_windows compares the windows with this path).
  c.train.sharedHistory = m6::SharedHistory::Off;
  return c;
}

}  // namespace

class TestFusionTokens : public QObject
{
  Q_OBJECT

 private Q_SLOTS:
  void splitProjectionIsTheSameFunction_data()
  {
    QTest::addColumn<QString>("scorer");
    QTest::addColumn<QString>("loss");
    QTest::addColumn<int>("adapters");
    QTest::addColumn<bool>("positional");
    QTest::newRow("dot, full softmax") << "dot"
                                       << "softmax" << 0 << true;
    QTest::newRow("dot, sampled softmax") << "dot"
                                          << "sampled_softmax" << 0 << true;
    QTest::newRow("mlp, bce") << "mlp"
                              << "bce" << 0 << true;
    QTest::newRow("dot, adapters") << "dot"
                                   << "softmax" << 4 << true;
    QTest::newRow("dot, no positional") << "dot"
                                        << "softmax" << 0 << false;
  }

  void splitProjectionIsTheSameFunction()
  {
    QFETCH(QString, scorer);
    QFETCH(QString, loss);
    QFETCH(int, adapters);
    QFETCH(bool, positional);
    const m6::DatasetSnapshot data = m6test::demo(80, 120, 3000);
    QVERIFY(data.hasTimestamps());
    m6::RunConfig c = baseConfig();
    c.model.scorer = m6::enumFromWord<m6::Scorer>(scorer.toStdString()).value();
    if (scorer == "mlp")
    {
      c.model.mlpDropout = 0;
    }
    c.train.loss = m6::enumFromWord<m6::Loss>(loss.toStdString()).value();
    c.train.sharedNegatives = 40;
    c.model.adapterWidth = adapters;
    c.model.positional = positional;
    QVERIFY2(m6::validate(c).empty(), m6::formatIssues(m6::validate(c)).c_str());

    const m6test::StepResult reference = step(data, c, false);
    const m6test::StepResult split = step(data, c, true);
    QVERIFY(std::isfinite(reference.loss));
    int compared = 0;
    const std::string difference = m6test::stepDifference(reference, split, &compared);
    QVERIFY2(difference.empty(), difference.c_str());
    // The position and key/value weights of the fusion are among the compared gradients.
    QVERIFY(reference.grads.count("fusion_0.attention.key.weight"));
    QVERIFY(reference.grads.count("fusion_1.attention.value.weight"));
    if (positional)
    {
      QVERIFY(reference.grads.count("history.position.weight"));
      QVERIFY(reference.grads.count("history.gap.weight"));
      QVERIFY(reference.grads.at("history.gap.weight").abs().sum().item<float>() > 0);
    }
    QVERIFY(compared > 10);
  }

  void itemBagsPerStepEqualTheCatalogues()
  {
    // A step's items (the sampled softmax's, half the catalogue in random order here) with their
    // mean bags (titles, genres) built per call give the same tokens and weight gradients as the
    // whole catalogue's, built once per session; and while no gradient is recorded, EmbeddingBag's
    // tokens (test_mean_bags compares the bags themselves with it, gradients included).
    const m6::DatasetSnapshot data = m6test::demo(80, 120, 3000);
    m6::RunConfig c = baseConfig();
    m6::Session session(data, c, m6::Session::Use::Training);
    QVERIFY(!session.catalogueBags.empty());
    int bags = 0;
    for (const auto& t : session.catalogueBags)
    {
      bags += t.defined() ? 1 : 0;
    }
    QVERIFY2(bags > 0, "the demo's items have bag fields");
    torch::manual_seed(3);
    const int64_t items = session.allItems.size(0);
    const torch::Tensor ids = torch::randperm(items, torch::kInt64).narrow(0, 0, items / 2);
    auto encode = [&](bool wholeCatalogue)
    {
      torch::manual_seed(5);  // the same id dropout draw, if any
      session.net->zero_grad();
      torch::Tensor tokens = wholeCatalogue ? session.encodeCatalogue().index_select(0, ids)
                                            : session.encodeItems(ids);
      // A loss that weights every item and dimension differently.
      torch::Tensor w = torch::arange(tokens.numel(), torch::kFloat32).view(tokens.sizes()).sin();
      (tokens * w).sum().backward();
      std::map<std::string, torch::Tensor> g;
      for (const auto& p : session.net->named_parameters())
      {
        if (p.value().grad().defined())
        {
          g[p.key()] = p.value().grad().clone();
        }
      }
      return std::make_pair(tokens.detach(), g);
    };
    auto whole = encode(true);
    auto perStep = encode(false);
    torch::Tensor embeddingBags;
    {
      torch::NoGradGuard noGrad;
      torch::manual_seed(5);
      embeddingBags = session.encodeItems(ids);
    }
    // The same means, summed in another order.
    QVERIFY(torch::allclose(perStep.first, whole.first, 1e-6, 1e-6));
    QVERIFY(torch::allclose(perStep.first, embeddingBags, 1e-6, 1e-6));
    QCOMPARE(perStep.second.size(), whole.second.size());
    int compared = 0;
    for (const auto& g : whole.second)
    {
      const float diff = (g.second - perStep.second.at(g.first)).abs().max().item<float>();
      QVERIFY2(diff <= 1e-5f,
               qPrintable(QString::fromStdString(g.first) + ": " + QString::number(diff)));
      const bool field = g.first.find("item_encoder.f_") != std::string::npos;
      compared += field ? 1 : 0;
      // Half the catalogue touches every field: its gradient is not all zero.
      QVERIFY(!field || g.second.abs().sum().item<float>() > 0);
    }
    QVERIFY(compared >= bags);
  }

  void itemNormDiffersFromSumNorm()
  {
    // The two layouts are different functions (else the knob would mean nothing): same weights,
    // different loss.
    const m6::DatasetSnapshot data = m6test::demo(80, 120, 3000);
    m6::RunConfig c = baseConfig();
    c.train.loss = m6::Loss::Softmax;
    const float item = step(data, c, true).loss;
    c.model.tokenNorm = m6::TokenNorm::Sum;
    const float sum = step(data, c, true).loss;
    QVERIFY2(std::fabs(item - sum) > 1e-4f, qPrintable(QString("%1 vs %2").arg(item).arg(sum)));
  }

  void configsWrittenBeforeTheKnobReadAsSum()
  {
    // A complete config as toJson wrote it before token_norm existed.
    QCOMPARE(m6::toJson(m6::RunConfig())["model"]["token_norm"].asString(), std::string("item"));
    QCOMPARE(m6::fromJson(m6test::configWithout("model", "token_norm")).model.tokenNorm,
             m6::TokenNorm::Sum);
    // A hand-written partial config gets the current default; an explicit value is kept.
    m6::Json partial = m6::Json::parse(R"({"model": {"dim": 32, "heads": 4}})");
    QCOMPARE(m6::fromJson(partial).model.tokenNorm, m6::TokenNorm::Item);
    m6::RunConfig sum;
    sum.model.tokenNorm = m6::TokenNorm::Sum;
    QCOMPARE(m6::fromJson(m6::toJson(sum)).model.tokenNorm, m6::TokenNorm::Sum);
    // New runs of every preset use the item layout.
    for (const auto& name : m6::presetNames())
    {
      QCOMPARE(m6::preset(name).model.tokenNorm, m6::TokenNorm::Item);
    }
    m6::RunConfig bad;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             m6::applySetting(bad, "model.token_norm=layer"));
  }
};

QTEST_APPLESS_MAIN(TestFusionTokens)
#include "test_fusion_tokens.moc"
