// Open-domain recommendation: the popularity prior is an item feature computed from the
// training split only (changing held-out interactions leaves it unchanged, changing training ones
// does not), id dropout zeroes whole id rows while training and never in evaluation, and a model
// trained on the demo's first domain with both, evaluated zero-shot on the second (new items,
// new users), ranks far better than random without reading the target's held-out interactions
// (a planted target item that a leak would make the most popular item is not found).
//
// Includes torch (the session's feature tables and the encoder), QT_NO_KEYWORDS.
#include <torch/torch.h>

#include <QtTest>

#include "model/core/split.h"
#include "model/engine.h"
#include "model/nn/encoders.h"
#include "model/session.h"
#include "model_test_util.h"

using m6::RunConfig;

namespace
{

m6::FeatureColumnData priorColumn(const m6::Session& s)
{
  for (const auto& c : s.features.items.columns)
  {
    if (c.spec.name == "@popularity")
    {
      return c;
    }
  }
  return {};
}

torch::Tensor priorOf(const m6::Session& s)
{
  return priorColumn(s).data;
}

RunConfig priorConfig()
{
  RunConfig c = m6test::smallConfig();
  c.model.popularityPrior = true;
  return c;
}

}  // namespace

class TestOpenDomain : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_ = m6test::makeTempDir();

 private Q_SLOTS:
  void thePriorCountsTrainingInteractionsOnly()
  {
    const m6::DatasetSnapshot data = m6test::demo(120, 160, 4000, 3);
    const m6::Session base(data, priorConfig());
    const torch::Tensor prior = priorOf(base);
    QVERIFY(prior.defined());
    QCOMPARE(prior.size(0), data.numItems() + 1);                           // + the missing row
    QVERIFY(!priorOf(m6::Session(data, m6test::smallConfig())).defined());  // off by default

    // Every validation and test target moved to another item: the prior does not move.
    m6::DatasetSnapshot heldOut = data;
    for (size_t u = 0; u < base.split.testIndex.size(); ++u)
    {
      for (int64_t n : {base.split.validIndex[u], base.split.testIndex[u]})
      {
        if (n >= 0)
        {
          auto& item = heldOut.item[static_cast<size_t>(n)];
          item = (item + 1) % static_cast<int32_t>(data.numItems());
        }
      }
    }
    QVERIFY(torch::equal(priorOf(m6::Session(heldOut, priorConfig())), prior));

    // One training interaction moved: it does.
    m6::DatasetSnapshot trained = data;
    auto& item = trained.item[static_cast<size_t>(data.userStart[0])];
    item = (item + 1) % static_cast<int32_t>(data.numItems());
    QVERIFY(!torch::equal(priorOf(m6::Session(trained, priorConfig())), prior));

    // More training interactions, a larger prior (log-count, standardised).
    std::vector<int> counts(static_cast<size_t>(data.numItems()), 0);
    for (size_t n = 0; n < data.item.size(); ++n)
    {
      if (base.split.part[n] == m6::SplitPart::Train)
      {
        ++counts[static_cast<size_t>(data.item[n])];
      }
    }
    const auto most = std::max_element(counts.begin(), counts.end()) - counts.begin();
    const auto least = std::min_element(counts.begin(), counts.end()) - counts.begin();
    QVERIFY(prior[most][0].item<float>() > prior[least][0].item<float>());
    QCOMPARE(prior[data.numItems()][1].item<float>(), 1.0f);  // the missing row is flagged
  }

  void idDropoutZeroesWholeRowsWhileTrainingOnly()
  {
    torch::manual_seed(5);
    m6::EntityEncoder e(m6::EntityEncoderOptions{400, {}, 8, false, 0.25});
    torch::NoGradGuard guard;
    torch::Tensor ids = torch::arange(400, torch::kInt64);
    torch::Tensor withIds = e->idEmbedding()->weight;  // bias starts at zero
    e->train();
    const std::vector<torch::Tensor> none;
    torch::Tensor out = e->forward(ids, none);
    int64_t dropped = 0;
    for (int64_t i = 0; i < 400; ++i)
    {
      const bool zero = out[i].abs().sum().item<float>() == 0;
      QVERIFY(zero || torch::equal(out[i], withIds[i]));  // whole rows, no rescaling
      dropped += zero ? 1 : 0;
    }
    QVERIFY2(dropped > 60 && dropped < 140, qPrintable(QString::number(dropped)));  // ~100
    e->eval();
    QVERIFY(torch::equal(e->forward(ids, none), withIds));
  }

  void aFreshNumericFieldIsNoLargerThanAnEmbedding()
  {
    // The prior (a numeric item field) beside item ids in a fresh encoder: its part of each token
    // starts about as small as an id embedding, so the tokens do not all start along one
    // direction. Linear's default initialisation made it about ten times larger.
    const m6::DatasetSnapshot data = m6test::demo(120, 160, 4000, 3);
    const m6::FeatureColumnData prior = priorColumn(m6::Session(data, priorConfig()));
    QVERIFY(prior.data.defined());
    torch::manual_seed(11);
    m6::EntityEncoder e(m6::EntityEncoderOptions{data.numItems(), {prior.spec}, 32, false, 0});
    torch::NoGradGuard guard;
    e->eval();
    torch::Tensor ids = torch::arange(data.numItems(), torch::kInt64);
    torch::Tensor ownPart =
        e->forward(ids, {prior.data.index_select(0, ids)}) - e->idEmbedding()->weight;
    const double numeric = ownPart.norm(2, 1).mean().item<double>();
    const double id = e->idEmbedding()->weight.norm(2, 1).mean().item<double>();
    QVERIFY2(numeric > 0 && numeric < 3 * id,
             qPrintable(QString("numeric part %1, id %2").arg(numeric).arg(id)));
  }

  void zeroShotOnANewDomainBeatsRandomAndNeverReadsHeldOutTargets()
  {
    m6::DemoOptions o;
    o.users = 300;
    o.items = 300;
    o.interactions = 9000;
    o.seed = 11;
    const m6::DatasetSnapshot source = m6::generateDemoDataset(o);
    o.domain = 1;
    m6::DatasetSnapshot target = m6::generateDemoDataset(o);
    RunConfig c = priorConfig();
    c.model.idDropout = 0.2;
    c.train.epochs = 4;
    const std::string run = m6test::runDir(dir_, "source");
    QCOMPARE(m6::train(source, c, run).status, m6::RunStatus::Finished);

    m6::ZeroShotResult z = m6::zeroShot(target, c, run, source, c);
    QVERIFY(z.available);
    QVERIFY(z.note.find("before any training") != std::string::npos);
    const double ndcg = z.test.get("ndcg@10");
    // A random order puts one target among ~300 candidates in the top 10 with ndcg ~ 0.015.
    qInfo("zero-shot test ndcg@10 %.4f (random ~0.015)", ndcg);
    QVERIFY2(ndcg > 0.03, qPrintable(QString::number(ndcg)));

    // Plant: every user's test target becomes the item with the fewest training interactions.
    // Were held-out interactions counted, it would be the most popular item and found at once.
    const m6::Split split = m6::splitLeaveOneOut(target);
    std::vector<int> counts(static_cast<size_t>(target.numItems()), 0);
    for (size_t n = 0; n < target.item.size(); ++n)
    {
      if (split.part[n] == m6::SplitPart::Train)
      {
        ++counts[static_cast<size_t>(target.item[n])];
      }
    }
    const auto planted =
        static_cast<int32_t>(std::min_element(counts.begin(), counts.end()) - counts.begin());
    int64_t targets = 0;
    for (int64_t n : split.testIndex)
    {
      if (n >= 0)
      {
        target.item[static_cast<size_t>(n)] = planted;
        ++targets;
      }
    }
    QVERIFY(targets > 200);
    m6::ZeroShotResult p = m6::zeroShot(target, c, run, source, c);
    qInfo("planted target found: hr@10 %.4f", p.test.get("hr@10"));
    QVERIFY2(p.test.get("hr@10") < 0.2, qPrintable(QString::number(p.test.get("hr@10"))));
  }
};

QTEST_APPLESS_MAIN(TestOpenDomain)
#include "test_open_domain.moc"
