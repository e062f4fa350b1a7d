// Task and domain adaptation: on the demo's second domain an adapted run with 10% of the target's
// training data beats a from-scratch run with the same 10% on NDCG@10; the report names what was
// carried, re-initialised, frozen and added, and frozen tensors are bit-for-bit the parent's after
// fine-tuning; parameter-efficient mode trains a small share; zero-shot is recorded; an adapted
// run resumes to the same result as an uninterrupted one.
#include <QtTest>
#include <atomic>
#include <map>

#include "model/engine.h"
#include "model/package.h"
#include "model_test_util.h"

using m6::RunConfig;

namespace
{

m6::DemoOptions domainOptions(int domain)
{
  m6::DemoOptions o;
  o.users = 500;
  o.items = 600;
  o.interactions = 25000;
  o.seed = 21;
  o.domain = domain;
  o.name = domain == 0 ? "movies" : "books";
  return o;
}

RunConfig parentConfig()
{
  RunConfig c = m6test::smallConfig();
  c.model.dim = 32;
  c.model.historyLength = 10;
  c.model.textBuckets = 1024;
  c.train.epochs = 5;
  c.train.batchSize = 256;
  c.train.lr = 3e-3;
  c.train.patience = 2;
  return c;
}

std::map<std::string, const m6::AdaptParameter*> byName(const m6::AdaptReport& r)
{
  std::map<std::string, const m6::AdaptParameter*> out;
  for (const auto& p : r.parameters)
  {
    out[p.name] = &p;
  }
  return out;
}

std::map<std::string, m6::NamedWeights> weightsOf(const std::string& path)
{
  std::map<std::string, m6::NamedWeights> out;
  for (auto& w : m6::readWeights(path))
  {
    out[w.name] = std::move(w);
  }
  return out;
}

}  // namespace

class TestAdaptation : public QObject
{
  Q_OBJECT
 private:
  QTemporaryDir dir_ = m6test::makeTempDir();
  m6::DatasetSnapshot source_ = m6::generateDemoDataset(domainOptions(0));
  m6::DatasetSnapshot target_ = m6::generateDemoDataset(domainOptions(1));
  RunConfig parentConfig_ = parentConfig();
  std::string parent_;

  RunConfig targetConfig(double fraction) const
  {
    RunConfig c = parentConfig_;
    c.train.trainFraction = fraction;
    c.train.epochs = 8;
    c.train.patience = 3;
    return c;
  }

 private Q_SLOTS:
  void initTestCase()
  {
    QVERIFY(dir_.isValid());
    parent_ = m6test::runDir(dir_, "parent");
    m6::TrainOutcome p = m6::train(source_, parentConfig_, parent_);
    QCOMPARE(p.status, m6::RunStatus::Finished);
    qInfo("parent on the first domain: test ndcg@10 %.4f (%d epochs)", p.test.get("ndcg@10"),
          p.epochsRun);
  }

  void adaptedBeatsScratchOnTenPercent()
  {
    const RunConfig c = targetConfig(0.1);
    m6::TrainOutcome scratch = m6::train(target_, c, m6test::runDir(dir_, "scratch10"));
    m6::TrainOutcome adapted = m6::adapt(target_, c, parent_, source_, parentConfig_,
                                         m6::AdaptOptions{}, m6test::runDir(dir_, "adapted10"));
    QCOMPARE(scratch.status, m6::RunStatus::Finished);
    QCOMPARE(adapted.status, m6::RunStatus::Finished);
    QCOMPARE(adapted.trainExamples, scratch.trainExamples);  // the same 10%
    const double s = scratch.test.get("ndcg@10");
    const double a = adapted.test.get("ndcg@10");
    QVERIFY(adapted.zeroShot.available);
    const double z = adapted.zeroShot.test.get("ndcg@10");
    qInfo(
        "second domain, 10%% of the training data (%lld examples): test ndcg@10 from scratch "
        "%.4f, adapted %.4f (x%.2f), zero-shot %.4f",
        static_cast<long long>(adapted.trainExamples), s, a, a / s, z);
    QVERIFY2(a > 1.1 * s, "the adapted run must clearly beat the from-scratch run");
    // Item ids cannot carry (new catalogue), content does.
    auto params = byName(adapted.adaptation);
    QCOMPARE(params.at("item_encoder.id.weight")->status, std::string("re-initialised"));
    QCOMPARE(params.at("item_encoder.id.weight")->rowsMatched, int64_t(0));
    QCOMPARE(params.at("item_encoder.f_tags.weight")->status, std::string("carried"));
    QCOMPARE(params.at("item_encoder.f_category.weight")->status, std::string("carried"));
    QCOMPARE(params.at("user_encoder.id.weight")->rowsMatched, int64_t(0));  // new people
  }

  void reportAndFrozenTensors()
  {
    // Same dataset, another task: the head starts fresh; encoders and attention frozen.
    RunConfig c = parentConfig_;
    c.model.task = m6::Task::Ctr;
    c.train.epochs = 2;
    m6::AdaptOptions o;
    o.freezeEncoders = true;
    o.freezeAttention = true;
    o.zeroShot = true;
    const std::string run = m6test::runDir(dir_, "ctr");
    m6::TrainOutcome out = m6::adapt(source_, c, parent_, source_, parentConfig_, o, run);
    QCOMPARE(out.status, m6::RunStatus::Finished);
    const m6::AdaptReport& r = out.adaptation;
    QVERIFY(!out.zeroShot.available);  // the head is new: zero-shot would be meaningless
    QVERIFY(out.zeroShot.note.find("task changed") != std::string::npos);
    auto params = byName(r);
    QCOMPARE(params.at("user_projection.weight")->status, std::string("re-initialised"));
    QVERIFY(!params.at("user_projection.weight")->frozen);
    QCOMPARE(params.at("item_encoder.id.weight")->status, std::string("carried"));
    QCOMPARE(params.at("item_encoder.id.weight")->rowsMatched, source_.numItems());
    QVERIFY(params.at("item_encoder.id.weight")->frozen);
    QVERIFY(params.at("fusion_0.attention.query.weight")->frozen);
    QVERIFY(params.at("history.position.weight")->status == "carried");
    QVERIFY(!params.at("history.position.weight")->frozen);  // history not frozen
    int64_t trainable = 0;
    for (const auto& p : r.parameters)
    {
      QVERIFY2(!p.frozen || p.status == "carried", p.name.c_str());
      trainable += p.trainable ? p.count : 0;
    }
    QCOMPARE(trainable, r.trainableParameters);
    QVERIFY(r.trainableShare > 0 && r.trainableShare < 1);
    // JSON round trip, as the CLI stores it.
    m6::AdaptReport back = m6::AdaptReport::fromJson(m6::Json::parse(r.toJson().dump()));
    QCOMPARE(back.toJson(), r.toJson());
    QVERIFY(r.toJson().at("frozen").size() == r.names("frozen").size());

    // Frozen tensors are the parent's to the bit; trained ones moved.
    auto before = weightsOf(out.bestCheckpoint.empty() ? run : out.bestCheckpoint);
    auto parentWeights = weightsOf(parent_);
    int frozenChecked = 0;
    for (const auto& p : r.parameters)
    {
      const auto& now = before.at(p.name).values;
      if (p.frozen)
      {
        QVERIFY2(now == parentWeights.at(p.name).values, p.name.c_str());
        ++frozenChecked;
      }
    }
    QVERIFY(frozenChecked > 10);
    QVERIFY(before.at("history.position.weight").values !=
            parentWeights.at("history.position.weight").values);
    qInfo(
        "ctr from a ranking parent, encoders and attention frozen: %d frozen tensors unchanged, "
        "trainable share %.3f, test auc %.4f",
        frozenChecked, r.trainableShare, out.test.get("auc"));
  }

  void parameterEfficientTrainsASmallShare()
  {
    m6::AdaptOptions o;
    o.parameterEfficient = true;
    RunConfig c = m6::adaptedConfig(targetConfig(0.1), o);
    QCOMPARE(c.model.adapterWidth, 8);
    RunConfig noAdapters = targetConfig(0.1);
    QVERIFY_THROWS_EXCEPTION(
        std::invalid_argument,
        m6::previewAdaptation(target_, noAdapters, parent_, source_, parentConfig_, o));
    m6::AdaptReport preview = m6::previewAdaptation(target_, c, parent_, source_, parentConfig_, o);
    const std::string run = m6test::runDir(dir_, "peft");
    m6::TrainOutcome out = m6::adapt(target_, c, parent_, source_, parentConfig_, o, run);
    QCOMPARE(out.status, m6::RunStatus::Finished);
    QCOMPARE(out.adaptation.trainableParameters, preview.trainableParameters);
    const m6::AdaptReport& r = out.adaptation;
    for (const auto& p : r.parameters)
    {
      const bool small = p.name.rfind("adapter_", 0) == 0 || p.name.rfind("user_norm", 0) == 0 ||
                         p.name.rfind("user_projection", 0) == 0;
      QVERIFY2(p.trainable == small, p.name.c_str());
      if (p.name.rfind("adapter_", 0) == 0)
      {
        QCOMPARE(p.status, std::string("added"));
      }
    }
    auto now = weightsOf(run);
    auto parentWeights = weightsOf(parent_);
    for (const auto& p : r.parameters)
    {
      if (p.frozen && p.status == "carried")
      {
        QVERIFY2(now.at(p.name).values == parentWeights.at(p.name).values, p.name.c_str());
      }
    }
    qInfo(
        "parameter-efficient (adapters of width 8, dim 32): %lld of %lld parameters trainable "
        "(%.2f%%); test ndcg@10 %.4f",
        static_cast<long long>(r.trainableParameters), static_cast<long long>(r.totalParameters),
        100.0 * r.trainableShare, out.test.get("ndcg@10"));
    QVERIFY(r.trainableShare < 0.06);
  }

  void zeroShotMatchesTheStandaloneCall()
  {
    const RunConfig c = targetConfig(0.1);
    m6::ZeroShotResult z = m6::zeroShot(target_, c, parent_, source_, parentConfig_);
    QVERIFY(z.available);
    QVERIFY(!z.test.protocol.empty());
    QVERIFY(z.test.get("ndcg@10") > 0);
    m6::ZeroShotResult back = m6::ZeroShotResult::fromJson(m6::Json::parse(z.toJson().dump()));
    QVERIFY(back.test == z.test);
    qInfo("zero-shot on the second domain: valid ndcg@10 %.4f, test %.4f", z.valid.get("ndcg@10"),
          z.test.get("ndcg@10"));
  }

  void idEmbeddingsOffIsHonoured()
  {
    // A content-only target from a parent with ids: there is no id table to carry, and zero-shot
    // still works from content.
    RunConfig c = targetConfig(0.1);
    c.model.idEmbeddings = false;
    m6::AdaptReport r = m6::previewAdaptation(target_, c, parent_, source_, parentConfig_, {});
    for (const auto& p : r.parameters)
    {
      QVERIFY2(p.name.find(".id.") == std::string::npos, p.name.c_str());
    }
    m6::ZeroShotResult z = m6::zeroShot(target_, c, parent_, source_, parentConfig_);
    QVERIFY(z.available && z.test.get("ndcg@10") > 0);
    qInfo("content-only zero-shot on the second domain: test ndcg@10 %.4f", z.test.get("ndcg@10"));
  }

  void adaptedRunResumesExactly()
  {
    RunConfig c = targetConfig(0.25);
    c.train.epochs = 3;
    c.train.patience = 0;
    c.model.attentionDropout = 0.2;
    m6::AdaptOptions o;
    o.freezeHistory = true;
    o.carriedLr = 1e-3;
    m6::TrainOutcome whole =
        m6::adapt(target_, c, parent_, source_, parentConfig_, o, m6test::runDir(dir_, "whole"));
    std::atomic<bool> cancel{false};
    m6::TrainCallbacks cb;
    cb.cancel = &cancel;
    cb.onEpoch = [&](const m6::EpochStats& e)
    {
      if (e.epoch == 1)
      {
        cancel = true;
      }
    };
    const std::string run = m6test::runDir(dir_, "interrupted");
    m6::TrainOutcome first = m6::adapt(target_, c, parent_, source_, parentConfig_, o, run, cb);
    QCOMPARE(first.status, m6::RunStatus::Stopped);
    QCOMPARE(first.epochsRun, 1);
    m6::AdaptOptions other = o;
    other.freezeHistory = false;
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, m6::adapt(target_, c, parent_, source_,
                                                           parentConfig_, other, run, {}, true));
    m6::TrainOutcome resumed =
        m6::adapt(target_, c, "", m6::DatasetSnapshot{}, RunConfig{}, o, run, {}, true);
    QCOMPARE(resumed.status, m6::RunStatus::Finished);
    QCOMPARE(resumed.epochsRun, 3);
    QVERIFY(resumed.test == whole.test);
    QCOMPARE(resumed.adaptation.toJson(), whole.adaptation.toJson());
    // train(resume) on an adapted run goes the same way (what a runner's resume calls).
    const std::string again = m6test::runDir(dir_, "interrupted-again");
    cancel = false;
    m6::adapt(target_, c, parent_, source_, parentConfig_, o, again, cb);
    m6::TrainOutcome viaTrain = m6::train(target_, c, again, {}, true);
    QVERIFY(viaTrain.test == whole.test);
    QVERIFY(!viaTrain.adaptation.empty());
  }
};

QTEST_APPLESS_MAIN(TestAdaptation)
#include "test_adaptation.moc"
