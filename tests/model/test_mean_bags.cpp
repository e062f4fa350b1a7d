// The mean bags of training (model/bag_means.h) against LibTorch's EmbeddingBag (mean mode,
// padding index 0): the same bag means and the same weight gradient, for a column's values built
// per call (a sampled-softmax step's items) and for a whole table built once; rows with repeated
// values, rows of padding only, values no row uses.
//
// Includes torch (like test_row_products): torch first, QT_NO_KEYWORDS keeps Qt's `slots` away.
#include <torch/torch.h>

#include <QtTest>

#include "model/bag_means.h"
#include "tensor_compare.h"

namespace
{

using m6test::maxDifference;

struct MeansAndGradient
{
  torch::Tensor means;
  torch::Tensor grad;
};

// The means of `values` [n, width] over a fresh copy of `weight`, and the gradient of a loss that
// weighs every output element differently.
template <class Bags>
MeansAndGradient run(const torch::Tensor& weight, const torch::Tensor& values, Bags bags)
{
  torch::Tensor w = weight.detach().clone().requires_grad_(true);
  torch::Tensor means = bags(w, values);
  torch::Tensor outer =
      torch::arange(means.numel(), torch::kFloat32).view(means.sizes()).mul(0.37).sin();
  (means * outer).sum().backward();
  return {means.detach(), w.grad()};
}

MeansAndGradient reference(const torch::Tensor& weight, const torch::Tensor& values)
{
  namespace F = torch::nn::functional;
  return run(weight, values,
             [](const torch::Tensor& w, const torch::Tensor& v) {
               return F::embedding_bag(
                   v, w, F::EmbeddingBagFuncOptions().mode(torch::kMean).padding_idx(0));
             });
}

// Bags of 0-`width` values from [1, cardinality), padded with 0 at the end, some repeated.
torch::Tensor randomBags(int64_t n, int64_t width, int64_t cardinality)
{
  torch::Tensor values = torch::randint(1, cardinality, {n, width}, torch::kInt64);
  torch::Tensor lengths = torch::randint(0, width + 1, {n, 1}, torch::kInt64);
  torch::Tensor padded = torch::arange(width, torch::kInt64).unsqueeze(0) >= lengths;
  values.masked_fill_(padded, 0);
  // A value twice in one row counts twice in its mean.
  if (n > 0 && width > 1)
  {
    values[0].fill_(3);
  }
  return values;
}

}  // namespace

class TestMeanBags : public QObject
{
  Q_OBJECT

 private Q_SLOTS:
  void sameAsEmbeddingBag_data()
  {
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("cardinality");
    QTest::newRow("one row") << 1 << 1 << 2;
    QTest::newRow("a step's items") << 700 << 9 << 40;
    QTest::newRow("long bags over many values") << 300 << 31 << 5000;
    QTest::newRow("more values than rows use") << 20 << 4 << 100000;
  }

  void sameAsEmbeddingBag()
  {
    QFETCH(int, rows);
    QFETCH(int, width);
    QFETCH(int, cardinality);
    torch::manual_seed(7);
    torch::Tensor weight = torch::randn({cardinality, 6});
    torch::Tensor values = randomBags(rows, width, cardinality);
    const MeansAndGradient want = reference(weight, values);
    const MeansAndGradient got = run(weight, values,
                                     [cardinality](const torch::Tensor& w, const torch::Tensor& v)
                                     { return m6::meanBags(w, m6::bagMeansOf(v, cardinality)); });
    QCOMPARE(got.means.sizes(), want.means.sizes());
    QCOMPARE(got.grad.sizes(), want.grad.sizes());
    QVERIFY2(maxDifference(got.means, want.means) <= 1e-5,
             qPrintable(QString::number(maxDifference(got.means, want.means))));
    QVERIFY2(maxDifference(got.grad, want.grad) <= 1e-5,
             qPrintable(QString::number(maxDifference(got.grad, want.grad))));
    // The padding row never gets a gradient.
    QCOMPARE(got.grad[0].abs().sum().item<float>(), 0.0f);
  }

  void paddingOnlyRowsAreZero()
  {
    torch::Tensor weight = torch::randn({10, 4});
    torch::Tensor values = torch::tensor({0, 0, 0, 4, 5, 0, 0, 0, 0}, torch::kInt64).view({3, 3});
    const MeansAndGradient got = run(weight, values,
                                     [](const torch::Tensor& w, const torch::Tensor& v)
                                     { return m6::meanBags(w, m6::bagMeansOf(v, 10)); });
    QCOMPARE(got.means[0].abs().sum().item<float>(), 0.0f);
    QCOMPARE(got.means[2].abs().sum().item<float>(), 0.0f);
    QVERIFY(maxDifference(got.means[1], (weight[4] + weight[5]) / 2) <= 1e-6);
  }

  void builtPerCallEqualsTheWholeTable()
  {
    // A subset's rows built per call against the same rows of the whole table's, built once
    // (m6::bagMeans over an EntityTable is the catalogue's form; bagMeansOf of the whole column
    // its equal): the same means and weight gradient.
    torch::manual_seed(11);
    const int64_t cardinality = 60;
    torch::Tensor weight = torch::randn({cardinality, 5});
    torch::Tensor table = randomBags(400, 7, cardinality);
    torch::Tensor rows = torch::randperm(400, torch::kInt64).narrow(0, 0, 150);
    const m6::BagMeans whole = m6::bagMeansOf(table, cardinality);
    const MeansAndGradient fromWhole = run(weight, table,
                                           [&](const torch::Tensor& w, const torch::Tensor&) {
                                             return m6::meanBags(w, whole).index_select(0, rows);
                                           });
    const MeansAndGradient perCall = run(weight, table.index_select(0, rows),
                                         [&](const torch::Tensor& w, const torch::Tensor& v) {
                                           return m6::meanBags(w, m6::bagMeansOf(v, cardinality));
                                         });
    QVERIFY(maxDifference(perCall.means, fromWhole.means) <= 1e-6);
    QVERIFY(maxDifference(perCall.grad, fromWhole.grad) <= 1e-5);
  }

  void refusesOtherValueTypes()
  {
    bool threw = false;
    try
    {
      m6::bagMeansOf(torch::ones({3, 2}, torch::kFloat32), 5);
    }
    catch (const std::exception&)
    {
      threw = true;
    }
    QVERIFY(threw);
  }
};

QTEST_APPLESS_MAIN(TestMeanBags)
#include "test_mean_bags.moc"
