// The small batched products of attention over history slots (model/nn/row_products.h) against
// LibTorch's matmul: same values and the same gradients for both inputs, on odd widths, on
// non-contiguous inputs, and with the batch split over two threads; the AVX2 loops against the
// plain ones bit for bit; and the compressed-rows product of the catalogue's mean bags against a
// dense one.
//
// Includes torch (like test_fusion_tokens): torch first, QT_NO_KEYWORDS keeps Qt's `slots` away.
#include <torch/torch.h>

#include <QtTest>
#include <cstring>

#include "model/nn/row_kernels.h"
#include "model/nn/row_products.h"
#include "tensor_compare.h"

namespace
{

using m6test::maxDifference;

struct Shape
{
  int b, r, j, e;
};

// Forward and both gradients of `ours` and `reference` for the same inputs and output weights.
template <class Ours, class Reference>
void compare(const torch::Tensor& left, const torch::Tensor& right, Ours ours, Reference reference)
{
  torch::Tensor l1 = left.detach().clone().requires_grad_(true);
  torch::Tensor r1 = right.detach().clone().requires_grad_(true);
  torch::Tensor l2 = left.detach().clone().requires_grad_(true);
  torch::Tensor r2 = right.detach().clone().requires_grad_(true);
  torch::Tensor a = ours(l1, r1);
  torch::Tensor b = reference(l2, r2);
  QCOMPARE(a.sizes().vec(), b.sizes().vec());
  QVERIFY2(maxDifference(a, b) < 1e-4, qPrintable(QString::number(maxDifference(a, b))));
  torch::Tensor weights = torch::randn(a.sizes());
  (a * weights).sum().backward();
  (b * weights).sum().backward();
  QVERIFY2(maxDifference(l1.grad(), l2.grad()) < 1e-4,
           qPrintable(QString::number(maxDifference(l1.grad(), l2.grad()))));
  QVERIFY2(maxDifference(r1.grad(), r2.grad()) < 1e-4,
           qPrintable(QString::number(maxDifference(r1.grad(), r2.grad()))));
}

// Shapes of the balanced and thorough presets (2 heads x 20 slots x 64, 4 x 50 x 128), a single
// element, widths that are no multiple of a vector register, and one of a 32-float block of
// registers plus a remainder with more than eight slots, no multiple of four (row_kernels.cpp).
void shapes()
{
  QTest::addColumn<int>("b");
  QTest::addColumn<int>("r");
  QTest::addColumn<int>("j");
  QTest::addColumn<int>("e");
  QTest::addColumn<int>("threads");
  QTest::addColumn<bool>("transposed");
  const Shape list[] = {
      {1, 1, 1, 1}, {7, 2, 20, 64}, {33, 4, 50, 128}, {5, 3, 9, 13}, {6, 3, 11, 45}};
  for (int threads : {1, 2})
  {
    for (bool transposed : {false, true})
    {
      for (const Shape& s : list)
      {
        QTest::addRow("B%d R%d J%d E%d, %d thread(s)%s", s.b, s.r, s.j, s.e, threads,
                      transposed ? ", strided" : "")
            << s.b << s.r << s.j << s.e << threads << transposed;
      }
    }
  }
}

// The current data row's shape and layout; sets the thread count it asks for.
Shape currentShape(bool* strided)
{
  QFETCH(int, b);
  QFETCH(int, r);
  QFETCH(int, j);
  QFETCH(int, e);
  QFETCH(int, threads);
  QFETCH(bool, transposed);
  torch::set_num_threads(threads);
  *strided = transposed;
  return {b, r, j, e};
}

// The inputs of a row, laid out as [B, M, N] either directly or as a transposed view.
torch::Tensor input(int64_t b, int64_t m, int64_t n, bool transposed)
{
  return transposed ? torch::randn({b, n, m}).transpose(1, 2) : torch::randn({b, m, n});
}

}  // namespace

class TestRowProducts : public QObject
{
  Q_OBJECT
 private Q_SLOTS:
  void init() { torch::manual_seed(3); }
  void cleanup() { torch::set_num_threads(1); }

  void rowDotsIsAMatmul_data() { shapes(); }
  void rowDotsIsAMatmul()
  {
    bool transposed = false;
    const Shape s = currentShape(&transposed);
    compare(input(s.b, s.r, s.e, transposed), input(s.b, s.j, s.e, transposed), m6::rowDots,
            [](const torch::Tensor& a, const torch::Tensor& x)
            { return torch::matmul(a, x.transpose(1, 2)); });
  }

  void rowMixIsAMatmul_data() { shapes(); }
  void rowMixIsAMatmul()
  {
    bool transposed = false;
    const Shape s = currentShape(&transposed);
    compare(input(s.b, s.r, s.j, transposed), input(s.b, s.j, s.e, transposed), m6::rowMix,
            [](const torch::Tensor& w, const torch::Tensor& x) { return torch::matmul(w, x); });
  }

  // A sparse matrix in compressed rows (rows with no entry, repeated columns) times a table: the
  // dense product, on one thread and on two.
  void weightedRowSumsIsASparseProduct()
  {
    const std::vector<int64_t> offsets{0, 2, 2, 5, 6};
    const std::vector<int64_t> index{3, 0, 1, 1, 4, 2};
    const std::vector<float> weights{0.5f, 0.5f, 0.25f, 0.25f, 0.5f, 1.0f};
    torch::Tensor dense = torch::zeros({4, 5});
    for (int64_t r = 0; r < 4; ++r)
    {
      for (int64_t k = offsets[r]; k < offsets[r + 1]; ++k)
      {
        dense[r][index[k]] += weights[k];
      }
    }
    for (int64_t width : {13, 45, 128})  // a remainder only; a block and a remainder; blocks
    {
      torch::Tensor table = torch::randn({5, width});
      for (int threads : {1, 2})
      {
        torch::set_num_threads(threads);
        torch::Tensor ours = m6::weightedRowSums(table, torch::tensor(offsets),
                                                 torch::tensor(index), torch::tensor(weights));
        QVERIFY(maxDifference(ours, torch::matmul(dense, table)) < 1e-6);
        QCOMPARE(ours[1].abs().sum().item<float>(), 0.0f);  // an empty row is zero
      }
    }
    torch::Tensor table = torch::randn({5, 13});
    QVERIFY_THROWS_EXCEPTION(c10::Error,
                             m6::weightedRowSums(table, torch::tensor(std::vector<int64_t>{0, 7}),
                                                 torch::tensor(index), torch::tensor(weights)));
  }

  // The kernels the products call run AVX2 loops where the processor has AVX2 and plain loops
  // elsewhere; both must give the same bits, so a run's figures do not depend on the machine.
  // (Where there is no AVX2 both sides are the plain loops and this holds trivially.)
  void vectorAndPlainLoopsAgreeBitForBit_data() { shapes(); }
  void vectorAndPlainLoopsAgreeBitForBit()
  {
    bool transposed = false;
    const Shape s = currentShape(&transposed);
    // Dots [B,R,E] x [B,J,E]; the mix over slots [B,R,J] x [B,J,E]; the mix over the R rows of a
    // gradient [B,J,R] x [B,R,E] (few rows: the other loop of row_kernels.cpp).
    const torch::Tensor a = torch::randn({s.b, s.r, s.e});
    const torch::Tensor x = torch::randn({s.b, s.j, s.e});
    const torch::Tensor w = torch::randn({s.b, s.r, s.j});
    const torch::Tensor wt = torch::randn({s.b, s.j, s.r});
    using Kernel =
        void (*)(const float*, const float*, float*, int64_t, int64_t, int64_t, int64_t, int64_t);
    // Both kernels on [B, r, j]-shaped `left` and `right`, the output [B, r, n]; true when the
    // two outputs hold the same bits.
    auto agree = [&s](Kernel vector, Kernel plain, const torch::Tensor& left,
                      const torch::Tensor& right, int64_t r, int64_t j, int64_t e, int64_t n)
    {
      torch::Tensor one = torch::empty({s.b, r, n});
      torch::Tensor two = torch::empty({s.b, r, n});
      vector(left.data_ptr<float>(), right.data_ptr<float>(), one.data_ptr<float>(), 0, s.b, r, j,
             e);
      plain(left.data_ptr<float>(), right.data_ptr<float>(), two.data_ptr<float>(), 0, s.b, r, j,
            e);
      return std::memcmp(one.data_ptr<float>(), two.data_ptr<float>(),
                         one.numel() * sizeof(float)) == 0;
    };
    QVERIFY(agree(m6::rowDotsKernel, m6::rowDotsPlain, a, x, s.r, s.j, s.e, s.j));
    QVERIFY(agree(m6::rowMixKernel, m6::rowMixPlain, w, x, s.r, s.j, s.e, s.e));
    QVERIFY(agree(m6::rowMixKernel, m6::rowMixPlain, wt, a, s.j, s.r, s.e, s.e));
    torch::Tensor m1 = torch::empty({s.b, s.r, s.e});
    m6::rowMixKernel(w.data_ptr<float>(), x.data_ptr<float>(), m1.data_ptr<float>(), 0, s.b, s.r,
                     s.j, s.e);
    QVERIFY(maxDifference(m1, torch::matmul(w, x)) < 1e-4);  // and both are the product
  }

  // Mismatched shapes and other types are refused, never read out of bounds.
  void mismatchesAreRefused()
  {
    QVERIFY_THROWS_EXCEPTION(c10::Error,
                             m6::rowDots(torch::randn({2, 3, 4}), torch::randn({2, 5, 6})));
    QVERIFY_THROWS_EXCEPTION(c10::Error,
                             m6::rowMix(torch::randn({2, 3, 4}), torch::randn({3, 4, 6})));
    QVERIFY_THROWS_EXCEPTION(
        c10::Error, m6::rowDots(torch::randn({2, 3, 4}, torch::kFloat64), torch::randn({2, 5, 4})));
  }
};

QTEST_APPLESS_MAIN(TestRowProducts)
#include "test_row_products.moc"
