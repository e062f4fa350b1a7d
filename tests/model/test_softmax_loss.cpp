// The softmax cross-entropy of the dot scorer's losses (model/softmax_loss.h) against LibTorch's
// cross_entropy: the same loss and the same gradient of the logits, with hidden columns at -inf,
// with a target far below its row's largest logit (log_softmax's stable form gives a large finite
// loss; a naive log of the softmax would give infinity), scaled by the incoming gradient, and
// through a second backward pass of a retained graph.
//
// Includes torch (like test_row_products): torch first, QT_NO_KEYWORDS keeps Qt's `slots` away.
#include <torch/torch.h>

#include <QtTest>
#include <limits>

#include "model/softmax_loss.h"
#include "tensor_compare.h"

namespace
{

using m6test::maxDifference;

struct LossAndGradient
{
  double loss;
  torch::Tensor grad;
};

template <class Loss>
LossAndGradient run(const torch::Tensor& logits, const torch::Tensor& targets, double outer,
                    Loss loss)
{
  torch::Tensor x = logits.detach().clone().requires_grad_(true);
  torch::Tensor value = loss(x, targets);
  (value * outer).backward();
  return {value.item<double>(), x.grad()};
}

}  // namespace

class TestSoftmaxLoss : public QObject
{
  Q_OBJECT

 private Q_SLOTS:
  void sameAsCrossEntropy_data()
  {
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("classes");
    QTest::addColumn<double>("spread");
    QTest::addColumn<bool>("hidden");
    QTest::addColumn<double>("outer");
    QTest::newRow("one row, one class") << 1 << 1 << 1.0 << false << 1.0;
    QTest::newRow("a batch against a catalogue") << 64 << 3001 << 3.0 << false << 1.0;
    QTest::newRow("hidden columns") << 32 << 517 << 3.0 << true << 1.0;
    QTest::newRow("large logits") << 16 << 333 << 400.0 << false << 1.0;
    QTest::newRow("scaled by the outer gradient") << 16 << 333 << 3.0 << true << -2.5;
  }

  void sameAsCrossEntropy()
  {
    QFETCH(int, rows);
    QFETCH(int, classes);
    QFETCH(double, spread);
    QFETCH(bool, hidden);
    QFETCH(double, outer);
    torch::manual_seed(7);
    torch::Tensor logits = torch::randn({rows, classes}) * spread;
    torch::Tensor targets = torch::randint(classes, {rows}, torch::kInt64);
    if (hidden)
    {
      // Every third column hidden, never a row's target (as the cold items of a full softmax).
      torch::Tensor mask =
          torch::arange(classes).remainder(3).eq(1).unsqueeze(0).expand({rows, classes});
      mask = mask.scatter(1, targets.unsqueeze(1), false);
      logits = logits.masked_fill(mask, -std::numeric_limits<float>::infinity());
    }
    const LossAndGradient ours = run(logits, targets, outer, m6::softmaxCrossEntropy);
    const LossAndGradient reference = run(logits, targets, outer,
                                          [](const torch::Tensor& x, const torch::Tensor& t)
                                          { return torch::nn::functional::cross_entropy(x, t); });
    QVERIFY(std::isfinite(ours.loss));
    const double tolerance = 1e-5 * std::max(1.0, std::fabs(reference.loss));
    QVERIFY2(std::fabs(ours.loss - reference.loss) < tolerance,
             qPrintable(QString("%1 vs %2").arg(ours.loss).arg(reference.loss)));
    QVERIFY2(maxDifference(ours.grad, reference.grad) < 1e-6,
             qPrintable(QString::number(maxDifference(ours.grad, reference.grad))));
    if (hidden)
    {
      QCOMPARE(ours.grad.masked_select(torch::isinf(logits)).abs().sum().item<float>(), 0.0f);
    }
  }

  void aTargetFarBelowItsRowStaysFinite()
  {
    // The target's probability underflows float (exp(-200)); the loss is still 200 and its
    // gradient still -1 at the target, +1 at the row's maximum.
    torch::Tensor logits = torch::zeros({1, 4});
    logits[0][2] = 200.0f;
    torch::Tensor targets = torch::zeros({1}, torch::kInt64);
    const LossAndGradient ours = run(logits, targets, 1.0, m6::softmaxCrossEntropy);
    QVERIFY2(std::fabs(ours.loss - 200.0) < 1e-3, qPrintable(QString::number(ours.loss)));
    QVERIFY(std::fabs(ours.grad[0][0].item<float>() + 1.0f) < 1e-6f);
    QVERIFY(std::fabs(ours.grad[0][2].item<float>() - 1.0f) < 1e-6f);
  }

  void aRetainedGraphGivesTheSameGradientTwice()
  {
    torch::manual_seed(3);
    torch::Tensor x = torch::randn({8, 50}).requires_grad_(true);
    torch::Tensor targets = torch::randint(50, {8}, torch::kInt64);
    torch::Tensor loss = m6::softmaxCrossEntropy(x, targets);
    loss.backward({}, /*retain_graph=*/true);
    torch::Tensor first = x.grad().clone();
    x.grad().zero_();
    loss.backward();
    QVERIFY(maxDifference(first, x.grad()) == 0.0);
    QVERIFY(first.abs().sum().item<double>() > 0.0);
  }

  void refusesWhatItCannotScore()
  {
    QVERIFY_THROWS_EXCEPTION(
        std::exception,
        m6::softmaxCrossEntropy(torch::zeros({2, 3}), torch::zeros({3}, torch::kInt64)));
    QVERIFY_THROWS_EXCEPTION(
        std::exception,
        m6::softmaxCrossEntropy(torch::zeros({6}), torch::zeros({6}, torch::kInt64)));
  }
};

QTEST_APPLESS_MAIN(TestSoftmaxLoss)
#include "test_softmax_loss.moc"
