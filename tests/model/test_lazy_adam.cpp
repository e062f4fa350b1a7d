// LazyAdam / LazyAdamW (model/lazy_adam.h) against torch's own Adam, for row-sparse and dense
// gradients, and train.sparse_rows in real training runs; clipGradNorm against clip_grad_norm_.
//
// Includes torch (like test_fusion_tokens): torch first, QT_NO_KEYWORDS keeps Qt's `slots` away.
#include <torch/torch.h>

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <type_traits>

#include "model/core/config.h"
#include "model/engine.h"
#include "model/lazy_adam.h"
#include "model_test_util.h"
#include "tensor_compare.h"

namespace
{

using m6test::maxDifference;

namespace F = torch::nn::functional;

constexpr int64_t kRows = 7;
constexpr int64_t kWidth = 5;

torch::Tensor startTable()
{
  torch::manual_seed(3);
  return torch::randn({kRows, kWidth});
}

// A loss over the rows `ids` of a table looked up with sparse or dense gradients.
torch::Tensor lossOf(const torch::Tensor& table, const torch::Tensor& ids, bool sparse)
{
  torch::Tensor e = F::embedding(ids, table, F::EmbeddingFuncOptions().sparse(sparse));
  torch::Tensor target = torch::linspace(-1, 1, kWidth);
  return (e - target).pow(2).sum() + e.sum(1).sin().sum();
}

std::unique_ptr<torch::optim::Optimizer> lazyOf(const std::string& kind, torch::Tensor p)
{
  if (kind == "adamw")
  {
    return std::make_unique<m6::LazyAdamW>(std::vector<torch::Tensor>{p},
                                           torch::optim::AdamWOptions(0.05).weight_decay(0.1));
  }
  auto o = torch::optim::AdamOptions(0.05);
  o.weight_decay(kind == "adam-decay" ? 0.1 : 0.0).amsgrad(kind == "amsgrad");
  return std::make_unique<m6::LazyAdam>(std::vector<torch::Tensor>{p}, o);
}

std::unique_ptr<torch::optim::Optimizer> denseOf(const std::string& kind, torch::Tensor p)
{
  if (kind == "adamw")
  {
    return std::make_unique<torch::optim::AdamW>(
        std::vector<torch::Tensor>{p}, torch::optim::AdamWOptions(0.05).weight_decay(0.1));
  }
  auto o = torch::optim::AdamOptions(0.05);
  o.weight_decay(kind == "adam-decay" ? 0.1 : 0.0).amsgrad(kind == "amsgrad");
  return std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{p}, o);
}

// Every row, some twice, in a different order each step.
torch::Tensor everyRow(int step)
{
  torch::Tensor ids =
      torch::cat({torch::randperm(kRows), torch::tensor({int64_t{step} % kRows, int64_t{2}})});
  return ids.to(torch::kInt64);
}

}  // namespace

class TestLazyAdam : public QObject
{
  Q_OBJECT
 private Q_SLOTS:
  // A table whose every row is in every step's sparse gradient takes Adam's dense steps.
  void everyRowTouchedIsAdam_data()
  {
    QTest::addColumn<QString>("kind");
    for (const char* k : {"adam", "adam-decay", "amsgrad", "adamw"})
    {
      QTest::newRow(k) << QString(k);
    }
  }
  void everyRowTouchedIsAdam()
  {
    QFETCH(QString, kind);
    torch::Tensor lazyTable = startTable().requires_grad_(true);
    torch::Tensor denseTable = startTable().requires_grad_(true);
    auto lazy = lazyOf(kind.toStdString(), lazyTable);
    auto dense = denseOf(kind.toStdString(), denseTable);
    torch::manual_seed(11);
    for (int step = 0; step < 12; ++step)
    {
      torch::Tensor ids = everyRow(step);
      lazy->zero_grad();
      lossOf(lazyTable, ids, true).backward();
      QVERIFY(lazyTable.grad().is_sparse());
      m6::coalesceSparseGrads({lazyTable});
      QVERIFY(lazyTable.grad().is_coalesced());
      lazy->step();
      QVERIFY(!lazyTable.grad().defined());  // consumed: the next backward sets a fresh one
      dense->zero_grad();
      lossOf(denseTable, ids, false).backward();
      dense->step();
      QVERIFY2(
          maxDifference(lazyTable, denseTable) < 1e-5,
          qPrintable(QString("step %1: %2").arg(step).arg(maxDifference(lazyTable, denseTable))));
    }
    QVERIFY(maxDifference(lazyTable, startTable()) > 0.1);  // it did move
  }

  // Rows a step does not touch keep their value and moments; dense Adam moves them by momentum.
  void untouchedRowsStayPut()
  {
    torch::Tensor lazyTable = startTable().requires_grad_(true);
    torch::Tensor denseTable = startTable().requires_grad_(true);
    m6::LazyAdam lazy({lazyTable}, torch::optim::AdamOptions(0.05));
    torch::optim::Adam dense({denseTable}, torch::optim::AdamOptions(0.05));
    auto stepBoth = [&](const torch::Tensor& ids)
    {
      lazy.zero_grad();
      lossOf(lazyTable, ids, true).backward();
      lazy.step();
      dense.zero_grad();
      lossOf(denseTable, ids, false).backward();
      dense.step();
    };
    stepBoth(torch::tensor({0, 1, 2, 3, 4, 5, 6}, torch::kInt64));
    QVERIFY(maxDifference(lazyTable, denseTable) < 1e-6);
    const torch::Tensor before = lazyTable.detach().clone();
    stepBoth(torch::tensor({1, 4, 1}, torch::kInt64));
    for (int64_t r : {0, 2, 3, 5, 6})
    {
      QCOMPARE(maxDifference(lazyTable[r], before[r]), 0.0);
      QVERIFY(maxDifference(denseTable[r], before[r]) > 1e-3);
    }
    for (int64_t r : {1, 4})
    {
      QVERIFY(maxDifference(lazyTable[r], denseTable[r]) < 1e-6);
    }
  }

  // Dense parameters take the one-pass update: the same values as torch's Adam step after step,
  // in a group beside another that uses AMSGrad and with a parameter of another layout (both
  // left to torch's own step); the gradients it applied are consumed, the others are not.
  void denseParametersAreAdam_data() { everyRowTouchedIsAdam_data(); }
  void denseParametersAreAdam()
  {
    QFETCH(QString, kind);
    const std::string k = kind.toStdString();
    auto start = []
    {
      torch::manual_seed(5);
      std::vector<torch::Tensor> p = {torch::randn({6, 5}), torch::randn({5}),
                                      torch::randn({5, 6}).t(), torch::randn({3})};
      for (auto& t : p)
      {
        t.requires_grad_(true);
      }
      return p;
    };
    const torch::Tensor x = torch::linspace(-2, 2, 24).reshape({4, 6});
    auto loss = [&](const std::vector<torch::Tensor>& p)
    {
      torch::Tensor out = x.mm(p[0]) + p[1] + x.mm(p[2]).sin();
      return (out.tanh() - 0.3).pow(2).sum() + p[3].pow(3).sum();
    };
    std::vector<torch::Tensor> mine = start();
    std::vector<torch::Tensor> theirs = start();
    QVERIFY(!mine[2].is_contiguous());
    // Parameters 0-2 with the kind's options, parameter 3 in a group of its own with AMSGrad.
    auto twoGroups = [](const std::vector<torch::Tensor>& p, const auto& first, const auto& second)
    {
      using Options = std::decay_t<decltype(first)>;
      std::vector<torch::optim::OptimizerParamGroup> groups;
      groups.emplace_back(std::vector<torch::Tensor>{p[0], p[1], p[2]},
                          std::make_unique<Options>(first));
      groups.emplace_back(std::vector<torch::Tensor>{p[3]}, std::make_unique<Options>(second));
      return groups;
    };
    auto groupsOf = [&](const std::vector<torch::Tensor>& p)
    {
      if (k == "adamw")
      {
        return twoGroups(p, torch::optim::AdamWOptions(0.05).weight_decay(0.1),
                         torch::optim::AdamWOptions(0.02).amsgrad(true));
      }
      auto o = torch::optim::AdamOptions(0.05);
      o.weight_decay(k == "adam-decay" ? 0.1 : 0.0).amsgrad(k == "amsgrad");
      return twoGroups(p, o, torch::optim::AdamOptions(0.02).amsgrad(true));
    };
    std::unique_ptr<torch::optim::Optimizer> lazy;
    std::unique_ptr<torch::optim::Optimizer> dense;
    if (k == "adamw")
    {
      lazy = std::make_unique<m6::LazyAdamW>(groupsOf(mine), torch::optim::AdamWOptions(0.05));
      dense =
          std::make_unique<torch::optim::AdamW>(groupsOf(theirs), torch::optim::AdamWOptions(0.05));
    }
    else
    {
      lazy = std::make_unique<m6::LazyAdam>(groupsOf(mine), torch::optim::AdamOptions(0.05));
      dense =
          std::make_unique<torch::optim::Adam>(groupsOf(theirs), torch::optim::AdamOptions(0.05));
    }
    for (int step = 0; step < 12; ++step)
    {
      lazy->zero_grad();
      loss(mine).backward();
      lazy->step();
      QCOMPARE(mine[0].grad().defined(), k == "amsgrad");  // applied here: consumed
      QCOMPARE(mine[1].grad().defined(), k == "amsgrad");
      QVERIFY(mine[2].grad().defined());  // another layout: torch's step, left in place
      QVERIFY(mine[3].grad().defined());  // AMSGrad: torch's step
      dense->zero_grad();
      loss(theirs).backward();
      dense->step();
      for (size_t i = 0; i < mine.size(); ++i)
      {
        const double d = maxDifference(mine[i], theirs[i]);
        QVERIFY2(d < 1e-5, qPrintable(QString("step %1 parameter %2: %3").arg(step).arg(i).arg(d)));
      }
    }
    const std::vector<torch::Tensor> before = start();
    for (size_t i = 0; i < mine.size(); ++i)
    {
      QVERIFY(maxDifference(mine[i], before[i]) > 0.05);  // every parameter moved
    }
  }

  // A dense parameter's state is Adam's too: saved by LazyAdam, loaded by torch's Adam (and the
  // other way), the next steps agree.
  void denseCheckpointsAreAdams()
  {
    torch::Tensor a = startTable().requires_grad_(true);
    const torch::Tensor ids = torch::tensor({0, 3, 3, 6}, torch::kInt64);
    m6::LazyAdam first({a}, torch::optim::AdamOptions(0.05));
    for (int step = 0; step < 3; ++step)
    {
      first.zero_grad();
      lossOf(a, ids, false).backward();
      first.step();
    }
    auto roundTrip = [](torch::optim::Optimizer& from, torch::optim::Optimizer& to)
    {
      std::stringstream buffer;
      torch::serialize::OutputArchive out;
      from.save(out);
      out.save_to(buffer);
      torch::serialize::InputArchive in;
      in.load_from(buffer);
      to.load(in);
    };
    torch::Tensor b = a.detach().clone().requires_grad_(true);
    torch::optim::Adam second({b}, torch::optim::AdamOptions(0.05));
    roundTrip(first, second);
    lossOf(a, ids, false).backward();
    first.step();
    second.zero_grad();
    lossOf(b, ids, false).backward();
    second.step();
    QVERIFY(maxDifference(a, b) < 1e-6);
    torch::Tensor c = b.detach().clone().requires_grad_(true);
    m6::LazyAdam third({c}, torch::optim::AdamOptions(0.05));
    roundTrip(second, third);
    second.zero_grad();
    lossOf(b, ids, false).backward();
    second.step();
    lossOf(c, ids, false).backward();
    third.step();
    QVERIFY(maxDifference(b, c) < 1e-6);
    // Fresh moments would have taken a different step.
    torch::Tensor fresh = a.detach().clone().requires_grad_(true);
    m6::LazyAdam restart({fresh}, torch::optim::AdamOptions(0.05));
    lossOf(fresh, ids, false).backward();
    restart.step();
    QVERIFY(maxDifference(fresh, c) > 1e-4);
  }

  // The state is Adam's: saved by one optimiser, loaded by another, the next steps agree.
  void checkpointsAreAdams()
  {
    torch::Tensor a = startTable().requires_grad_(true);
    m6::LazyAdam first({a}, torch::optim::AdamOptions(0.05));
    const torch::Tensor ids = torch::tensor({0, 3, 3, 6}, torch::kInt64);
    for (int step = 0; step < 3; ++step)
    {
      first.zero_grad();
      lossOf(a, ids, true).backward();
      first.step();
    }
    std::stringstream buffer;
    {
      torch::serialize::OutputArchive archive;
      first.save(archive);
      archive.save_to(buffer);
    }
    torch::Tensor b = a.detach().clone().requires_grad_(true);
    m6::LazyAdam second({b}, torch::optim::AdamOptions(0.05));
    {
      torch::serialize::InputArchive archive;
      archive.load_from(buffer);
      second.load(archive);
    }
    for (auto* pair : {&first, &second})
    {
      pair->zero_grad();
    }
    lossOf(a, ids, true).backward();
    first.step();
    lossOf(b, ids, true).backward();
    second.step();
    QCOMPARE(maxDifference(a, b), 0.0);
    // A fresh optimiser (state lost) would have taken another step.
    torch::Tensor c = startTable().requires_grad_(true);
    QVERIFY(maxDifference(a, c) > 1e-3);
  }

  // train.sparse_rows=on trains the id tables with sparse gradients through clipping and the
  // lazy update, and learns: the demo's planted structure beats random by far.
  void sparseRowsTrainARun()
  {
    const m6::DatasetSnapshot data = m6test::demo(300, 200, 9000);
    QTemporaryDir dir = m6test::makeTempDir();
    m6::RunConfig c = m6test::smallConfig();
    c.train.gradClip = 0.05;  // every step clips: the sparse gradients' norm and scaling
    std::vector<std::string> logs;
    m6::TrainCallbacks cb;
    cb.onLog = [&](const std::string& line) { logs.push_back(line); };
    c.train.sparseRows = m6::SparseRows::On;
    m6::TrainOutcome on = m6::train(data, c, m6test::runDir(dir, "on"), cb);
    QCOMPARE(on.status, m6::RunStatus::Finished);
    QVERIFY(std::find(logs.begin(), logs.end(), "row-sparse id updates: users and items") !=
            logs.end());
    c.train.sparseRows = m6::SparseRows::Off;
    logs.clear();
    m6::TrainOutcome off = m6::train(data, c, m6test::runDir(dir, "off"), cb);
    QCOMPARE(off.status, m6::RunStatus::Finished);
    for (const auto& line : logs)
    {
      QVERIFY(line.find("row-sparse") == std::string::npos);
    }
    const double hrOn = on.test.get("hr@10");
    const double hrOff = off.test.get("hr@10");
    QVERIFY2(hrOn > 0.25 && hrOff > 0.25, qPrintable(QString("%1 %2").arg(hrOn).arg(hrOff)));
    QVERIFY(hrOn != hrOff || on.valid.get("ndcg@10") != off.valid.get("ndcg@10"));
    // auto: 300 users are not more than 8 rows per example of a batch of 128 (nor a million
    // parameters).
    c.train.sparseRows = m6::SparseRows::Auto;
    logs.clear();
    QCOMPARE(m6::train(data, c, m6test::runDir(dir, "auto"), cb).status, m6::RunStatus::Finished);
    for (const auto& line : logs)
    {
      QVERIFY(line.find("row-sparse") == std::string::npos);
    }
    // 300 > 8 x 16 users, but 300 x 16 parameters are far below a million: still dense.
    c.train.batchSize = 16;
    c.train.epochs = 1;
    logs.clear();
    QCOMPARE(m6::train(data, c, m6test::runDir(dir, "auto16"), cb).status, m6::RunStatus::Finished);
    for (const auto& line : logs)
    {
      QVERIFY(line.find("row-sparse") == std::string::npos);
    }
    // 4,100 users x 256 wide is more than a million parameters and 8 x 16 rows: the users go
    // sparse; the full softmax keeps the items dense.
    const m6::DatasetSnapshot many = m6test::demo(4100, 150, 20500);
    c.model.dim = 256;
    c.model.heads = 2;
    logs.clear();
    QCOMPARE(m6::train(many, c, m6test::runDir(dir, "large"), cb).status, m6::RunStatus::Finished);
    QVERIFY(std::find(logs.begin(), logs.end(), "row-sparse id updates: users") != logs.end());
  }

  void clippingIsTorchs_data()
  {
    QTest::addColumn<double>("maxNorm");
    QTest::newRow("clipped") << 0.5;
    QTest::newRow("within the norm") << 50.0;
    QTest::newRow("no clipping (infinite)") << std::numeric_limits<double>::infinity();
  }

  void clippingIsTorchs()
  {
    // The same norm and the same gradients, bit for bit, as clip_grad_norm_, with a dense
    // gradient, a coalesced sparse one (which LibTorch 1.13 leaves unscaled) and a parameter
    // without a gradient.
    QFETCH(double, maxNorm);
    torch::manual_seed(5);
    auto makeParams = []()
    {
      std::vector<torch::Tensor> params{torch::zeros({6, 3}), torch::zeros({5, 4}),
                                        torch::zeros({7})};
      params[0].mutable_grad() = torch::randn({6, 3});
      params[1].mutable_grad() = torch::sparse_coo_tensor(torch::tensor({{0, 3}}, torch::kInt64),
                                                          torch::randn({2, 4}), {5, 4})
                                     .coalesce();
      return params;
    };
    std::vector<torch::Tensor> ours = makeParams();
    std::vector<torch::Tensor> theirs;
    for (const auto& p : ours)
    {
      theirs.push_back(p.detach().clone());
      if (p.grad().defined())
      {
        theirs.back().mutable_grad() = p.grad().clone();
      }
    }
    const torch::Tensor before = ours[0].grad().clone();
    const double a = m6::clipGradNorm(ours, maxNorm);
    const double b = torch::nn::utils::clip_grad_norm_(theirs, maxNorm);
    QCOMPARE(a, b);
    QVERIFY(a > 0.5 && a < 50.0);
    QVERIFY(torch::equal(ours[0].grad(), theirs[0].grad()));
    QVERIFY(torch::equal(ours[1].grad().to_dense(), theirs[1].grad().to_dense()));
    QVERIFY(!ours[2].grad().defined());
    QCOMPARE(torch::equal(ours[0].grad(), before), maxNorm > a);
  }

  void configsWrittenBeforeTheKnobReadOff()
  {
    QCOMPARE(m6::toJson(m6::RunConfig())["train"]["sparse_rows"].asString(), std::string("auto"));
    QCOMPARE(m6::fromJson(m6test::configWithout("train", "sparse_rows")).train.sparseRows,
             m6::SparseRows::Off);
    m6::Json partial = m6::Json::parse(R"({"train": {"lr": 0.01}})");
    QCOMPARE(m6::fromJson(partial).train.sparseRows, m6::SparseRows::Auto);
    m6::RunConfig bad;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m6::applySetting(bad, "train.sparse_rows=yes"));
  }
};

QTEST_APPLESS_MAIN(TestLazyAdam)
#include "test_lazy_adam.moc"
