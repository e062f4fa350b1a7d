// History windows (model/window_batch.h, MultiHeadAttentionImpl::attendWindows): a batch's targets
// grouped into runs of one user's consecutive interactions share one key table per run.
//
// The windowed step must be the same function as the per-example step for the same batch: the
// same loss and the same gradient for every parameter (full and sampled softmax, two fusion
// layers, time gaps, adapters, no positions, runs of mixed lengths). Its mask is causal: a target
// never sees itself or anything after it, however the later items are changed, while the targets
// after a change do see it. windowOrder keeps each user's targets together, covers every example
// once and moves with the seed; the knob is off unless set, and auto takes windows only under the
// full softmax.
//
// Includes torch (like test_fusion_tokens): torch first, QT_NO_KEYWORDS keeps Qt's `slots` away.
#include <torch/torch.h>

#include <QtTest>
#include <algorithm>
#include <map>

#include "model/batch.h"
#include "model/core/config.h"
#include "model/core/rng.h"
#include "model/evaluate.h"
#include "model/session.h"
#include "model/training_step.h"
#include "model/window_batch.h"
#include "model_test_util.h"
#include "step_gradients.h"

namespace
{

m6::RunConfig baseConfig()
{
  m6::RunConfig c = m6test::smallConfig();
  c.model.tokenNorm = m6::TokenNorm::Item;
  c.model.attentionDropout = 0;
  c.model.attentionLayers = 2;
  c.model.historyLength = 12;
  c.train.sharedNegatives = 40;
  return c;
}

// One step's loss and gradients on `batch` with train.shared_history set to `mode`. The session
// is rebuilt from the same seed each time, so both modes see the same weights and negatives.
m6test::StepResult step(const m6::DatasetSnapshot& data, m6::RunConfig config,
                        m6::SharedHistory mode, const std::vector<int64_t>& batch)
{
  config.train.sharedHistory = mode;
  m6::Session session(data, config, m6::Session::Use::Training);
  session.net->train();
  m6::TrainingStep training(session);
  return m6test::lossAndGradients(session, training, batch);
}

std::vector<int64_t> trainExamples(const m6::DatasetSnapshot& data, const m6::RunConfig& c)
{
  m6::Session session(data, c, m6::Session::Use::Training);
  return m6::TrainingStep(session).examples();
}

// The user vectors of `batch` through the windows built from `data` (eval mode, no gradients).
torch::Tensor windowVectors(m6::Session& session, const m6::DatasetSnapshot& data,
                            const std::vector<int64_t>& batch)
{
  torch::NoGradGuard guard;
  const int64_t len = session.config.model.historyLength;
  std::vector<m6::QuerySpec> queries;
  for (int64_t n : batch)
  {
    queries.push_back(m6::targetQuery(session.data, n));
  }
  m6::UserBatch ub = m6::makeUserBatch(session.data, session.features, 0, queries);
  m6::WindowBatch w = m6::makeWindowBatch(data, len, batch);
  torch::Tensor tokens = session.encodeCatalogue();
  m6::UserSide side =
      session.net->windowSide(ub.users, ub.userColumns, ub.contextColumns, tokens, w.keyItems, w);
  return session.net->userVector(side);
}

}  // namespace

class TestHistoryWindows : public QObject
{
  Q_OBJECT

 private Q_SLOTS:
  void windowsAreTheSameFunction_data()
  {
    QTest::addColumn<QString>("loss");
    QTest::addColumn<int>("adapters");
    QTest::addColumn<bool>("positional");
    QTest::addColumn<QString>("order");
    QTest::newRow("full softmax, window order") << "softmax" << 0 << true << "windows";
    QTest::newRow("sampled softmax, window order") << "sampled_softmax" << 0 << true << "windows";
    QTest::newRow("full softmax, time order") << "softmax" << 0 << true << "time";
    QTest::newRow("adapters") << "softmax" << 4 << true << "windows";
    QTest::newRow("no positional") << "sampled_softmax" << 0 << false << "windows";
  }

  void windowsAreTheSameFunction()
  {
    QFETCH(QString, loss);
    QFETCH(int, adapters);
    QFETCH(bool, positional);
    QFETCH(QString, order);
    const m6::DatasetSnapshot data = m6test::demo(80, 120, 3000);
    QVERIFY(data.hasTimestamps());
    m6::RunConfig c = baseConfig();
    c.train.loss = m6::enumFromWord<m6::Loss>(loss.toStdString()).value();
    c.model.adapterWidth = adapters;
    c.model.positional = positional;
    QVERIFY2(m6::validate(c).empty(), m6::formatIssues(m6::validate(c)).c_str());

    std::vector<int64_t> examples = trainExamples(data, c);
    if (order == "windows")
    {
      m6::DemoRng rng(5);
      examples = m6::windowOrder(data, examples, c.model.historyLength, rng);
    }
    std::vector<int64_t> batch(examples.begin(),
                               examples.begin() + std::min<size_t>(120, examples.size()));
    // The batch really forms runs, of more than one length (padded queries).
    const m6::WindowBatch w = m6::makeWindowBatch(data, c.model.historyLength, batch);
    QVERIFY2(w.meanRun() >= 2.0, qPrintable(QString::number(w.meanRun())));
    QVERIFY(w.runs * w.queries > w.targets || order == "time");

    const m6test::StepResult reference = step(data, c, m6::SharedHistory::Off, batch);
    const m6test::StepResult windows = step(data, c, m6::SharedHistory::On, batch);
    QVERIFY(!reference.windowed);
    QVERIFY(windows.windowed);
    QVERIFY(std::isfinite(reference.loss));
    int compared = 0;
    const std::string difference = m6test::stepDifference(reference, windows, &compared);
    QVERIFY2(difference.empty(), difference.c_str());
    QVERIFY(reference.grads.count("fusion_1.attention.key.weight"));
    if (positional)
    {
      QVERIFY(reference.grads.at("history.position.weight").abs().sum().item<float>() > 0);
      QVERIFY(reference.grads.at("history.gap.weight").abs().sum().item<float>() > 0);
    }
    QVERIFY(compared > 10);
  }

  void aShuffledBatchTakesThePerExamplePath()
  {
    // Runs of one share nothing: the step keeps each target's own history (same loss either way).
    const m6::DatasetSnapshot data = m6test::demo(80, 120, 3000);
    m6::RunConfig c = baseConfig();
    std::vector<int64_t> examples = trainExamples(data, c);
    m6::DemoRng rng(3);
    for (size_t i = examples.size(); i > 1; --i)
    {
      std::swap(examples[i - 1], examples[rng.below(i)]);
    }
    std::vector<int64_t> batch(examples.begin(), examples.begin() + 100);
    QVERIFY(m6::makeWindowBatch(data, c.model.historyLength, batch).meanRun() < 1.2);
    const m6test::StepResult off = step(data, c, m6::SharedHistory::Off, batch);
    const m6test::StepResult on = step(data, c, m6::SharedHistory::On, batch);
    QCOMPARE(on.loss, off.loss);
  }

  void aTargetNeverSeesItselfOrLaterItems()
  {
    m6::DatasetSnapshot data = m6test::demo(40, 120, 1500);
    m6::RunConfig c = baseConfig();
    c.train.loss = m6::Loss::Softmax;
    m6::Session session(data, c, m6::Session::Use::Training);
    session.net->eval();
    // Eight consecutive interactions of one user, each with some history before it.
    const int32_t user = 3;
    const int64_t start = data.userStart[user];
    QVERIFY(data.userStart[user + 1] - start >= 14);
    std::vector<int64_t> batch;
    for (int64_t n = start + 4; n < start + 12; ++n)
    {
      batch.push_back(n);
    }
    const torch::Tensor before = windowVectors(session, data, batch);

    // The same vectors as each target's own history gives them.
    {
      torch::NoGradGuard guard;
      std::vector<m6::QuerySpec> queries;
      for (int64_t n : batch)
      {
        queries.push_back(m6::targetQuery(data, n));
      }
      m6::UserBatch ub = m6::makeUserBatch(data, session.features, c.model.historyLength, queries);
      torch::Tensor tokens = session.encodeCatalogue();
      torch::Tensor own = session.net->userVector(session.userSide(ub, tokens, ub.histItems));
      QVERIFY2(torch::allclose(own, before, 1e-5, 1e-5),
               qPrintable(QString::number((own - before).abs().max().item<float>())));
    }

    // Plant the fourth target's item at and after it: the target, and every one before it, sees
    // nothing of it; the targets after it see the change.
    const int64_t planted = 3;
    const int64_t at = batch[planted];
    m6::DatasetSnapshot changed = data;
    const int32_t targetItem = data.item[static_cast<size_t>(at)];
    for (int64_t n = at; n < data.userStart[user + 1]; ++n)
    {
      changed.item[static_cast<size_t>(n)] =
          n == at ? (targetItem + 1) % static_cast<int32_t>(data.numItems()) : targetItem;
    }
    const torch::Tensor after = windowVectors(session, changed, batch);
    // (Equal up to rounding: the run's distinct items, and so its products' shapes, changed.)
    for (int64_t r = 0; r <= planted; ++r)
    {
      const float diff = (before[r] - after[r]).abs().max().item<float>();
      QVERIFY2(diff <= 1e-6f,
               qPrintable(QString("target %1 saw a later item (%2)").arg(r).arg(diff)));
    }
    for (int64_t r = planted + 1; r < static_cast<int64_t>(batch.size()); ++r)
    {
      const float diff = (before[r] - after[r]).abs().max().item<float>();
      QVERIFY2(diff > 1e-4f,
               qPrintable(QString("target %1 missed its history (%2)").arg(r).arg(diff)));
    }
  }

  void windowOrderKeepsUsersTogether()
  {
    const m6::DatasetSnapshot data = m6test::demo(60, 100, 2400);
    m6::RunConfig c = baseConfig();
    const std::vector<int64_t> examples = trainExamples(data, c);
    m6::DemoRng a(1);
    m6::DemoRng again(1);
    m6::DemoRng other(2);
    const std::vector<int64_t> order = m6::windowOrder(data, examples, c.model.historyLength, a);
    QCOMPARE(m6::windowOrder(data, examples, c.model.historyLength, again), order);
    QVERIFY(m6::windowOrder(data, examples, c.model.historyLength, other) != order);
    std::vector<int64_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    QCOMPARE(sorted, examples);  // every example once
    // Consecutive entries are mostly the same user's next example; the chunks are shuffled.
    int64_t together = 0;
    int64_t backwards = 0;
    for (size_t i = 1; i < order.size(); ++i)
    {
      together += data.user[static_cast<size_t>(order[i])] ==
                              data.user[static_cast<size_t>(order[i - 1])] &&
                          order[i] > order[i - 1]
                      ? 1
                      : 0;
      backwards += order[i] < order[i - 1] ? 1 : 0;
    }
    const auto n = static_cast<double>(order.size());
    QVERIFY2(together > 0.8 * n, qPrintable(QString::number(together / n)));
    QVERIFY(backwards > 0.02 * n);
    const m6::WindowBatch w = m6::makeWindowBatch(
        data, c.model.historyLength, std::vector<int64_t>(order.begin(), order.begin() + 256));
    QVERIFY(w.queries <= m6::windowLength(c.model.historyLength));
    QVERIFY(w.meanRun() > 4.0);
  }

  void theKnobIsOffUnlessSet()
  {
    // Off by default (and for configs written before the knob) and in every preset; on and auto
    // survive JSON and --set.
    QCOMPARE(m6::toJson(m6::RunConfig())["train"]["shared_history"].asString(), std::string("off"));
    QCOMPARE(m6::fromJson(m6test::configWithout("train", "shared_history")).train.sharedHistory,
             m6::SharedHistory::Off);
    for (const auto mode : {m6::SharedHistory::On, m6::SharedHistory::Auto})
    {
      m6::RunConfig set;
      m6::applySetting(set, "train.shared_history=" + m6::wordOf(mode));
      QCOMPARE(m6::fromJson(m6::toJson(set)).train.sharedHistory, mode);
    }
    for (const auto& name : m6::presetNames())
    {
      QCOMPARE(m6::preset(name).train.sharedHistory, m6::SharedHistory::Off);
    }
    m6::RunConfig bad;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             m6::applySetting(bad, "train.shared_history=sometimes"));
  }

  void autoTakesWindowsUnderTheFullSoftmaxOnly_data()
  {
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QString>("loss");
    QTest::addColumn<bool>("windowed");
    QTest::newRow("auto, full softmax (auto loss, small catalogue)") << "auto"
                                                                     << "auto" << true;
    QTest::newRow("auto, sampled softmax") << "auto"
                                           << "sampled_softmax" << false;
    QTest::newRow("on, sampled softmax") << "on"
                                         << "sampled_softmax" << true;
    QTest::newRow("off, full softmax") << "off"
                                       << "softmax" << false;
  }

  void autoTakesWindowsUnderTheFullSoftmaxOnly()
  {
    QFETCH(QString, mode);
    QFETCH(QString, loss);
    QFETCH(bool, windowed);
    const m6::DatasetSnapshot data = m6test::demo(40, 60, 800);
    m6::RunConfig c = baseConfig();
    m6::applySetting(c, "train.shared_history=" + mode.toStdString());
    m6::applySetting(c, "train.loss=" + loss.toStdString());
    QVERIFY2(m6::validate(c).empty(), m6::formatIssues(m6::validate(c)).c_str());
    m6::Session session(data, c, m6::Session::Use::Training);
    QCOMPARE(m6::TrainingStep(session).windowed(), windowed);
  }
};

QTEST_APPLESS_MAIN(TestHistoryWindows)
#include "test_history_windows.moc"
