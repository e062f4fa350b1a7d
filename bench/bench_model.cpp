// bench_model: training and inference figures of the M6 engine on the demo dataset.
//
// Prints, per torch thread count (1 and 2 by default), for the balanced preset on the demo
// dataset (1,000 users, 1,500 items, 100,000 interactions):
//  - training examples/s and seconds per epoch (train(), evaluation of each epoch included in
//    the seconds, not in examples/s);
//  - full-ranking evaluation throughput in users/s (evaluate(): validation and test targets,
//    whole catalogue scored per user, batched, seen items excluded);
//  - top-10 latency for one user (Predictor::recommend, median and 95th percentile);
// and, for the first thread count, the inspection and reuse figures (issues 5 and 6):
//  - "select a user": top-10 plus the attention behind the first item (recommend + explain);
//  - embeddings with their PCA maps, attention statistics across users;
//  - export to a .m6model file (size, time), opening it, top-10 from the file;
//  - the trainable share of parameter-efficient adaptation of this run.
// --transfer adds the second-domain experiment (parent on the demo, then adapted vs from scratch
// on the demo's second domain with 10%, 25% and 100% of its training data, and zero-shot);
// --cold adds the cold-item protocol (10% of the items held out) for M6 with ids, content-only
// M6, most-popular, BPR-MF and a random ranking. Both take minutes.
// A plain timed executable, not a test: figures depend on the machine and its load.
//
// --reference trains at the Python M6's reference settings (history 50, batch 512, width 64, 2
// heads, 1 layer, no history encoder, dropout 0.2, full softmax, 1 thread). Each training prints
// the main products' multiply-adds per example, the GFLOP/s they reach beside the core's AVX2
// peak, and the time to the best validation NDCG@10.
//
// Usage: bench_model [--epochs N] [--threads 1,2] [--preset NAME] [--set key=value ...]
//                    [--reference] [--transfer] [--cold]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "model/core/config.h"
#include "model/core/demo_data.h"
#include "model/engine.h"
#include "model/package.h"

namespace
{

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t)
{
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::vector<int> parseThreads(const std::string& s)
{
  std::vector<int> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
  {
    out.push_back(std::atoi(item.c_str()));
  }
  return out;
}

double median(std::vector<double> v)
{
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double p95(std::vector<double> v)
{
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() * 95 / 100];
}

// Inspection and export figures on a trained run.
void inspectionFigures(const m6::DatasetSnapshot& data, const m6::RunConfig& c,
                       const std::string& dir)
{
  auto p = m6::Predictor::open(dir, data, c);
  std::vector<double> ms;
  for (int32_t u = 0; u < std::min<int32_t>(300, static_cast<int32_t>(data.numUsers())); ++u)
  {
    auto tu = Clock::now();
    auto recs = p->recommend(u, 10);
    m6::Explanation e = p->explain(u, recs.front().item);
    ms.push_back(since(tu) * 1000.0);
  }
  std::printf("select a user (top-10 + attention of the first item): median %.2f ms, p95 %.2f ms\n",
              median(ms), p95(ms));
  auto t = Clock::now();
  m6::Embeddings emb = p->embeddings();
  std::printf(
      "embeddings + PCA maps: %.3f s (items %.0f%% + %.0f%% of the variance, users %.0f%% "
      "+ %.0f%%)\n",
      since(t), 100 * emb.itemMap.explained[0], 100 * emb.itemMap.explained[1],
      100 * emb.userMap.explained[0], 100 * emb.userMap.explained[1]);
  t = Clock::now();
  m6::AttentionStats st = p->attentionStats();
  std::printf(
      "attention statistics: %.3f s for %lld users; trigger-category items %.4f vs other "
      "items %.4f per token (x%.2f)\n",
      since(t), static_cast<long long>(st.users), st.triggerWeight, st.otherWeight,
      st.triggerWeight / st.otherWeight);
  const std::string file = dir + "/model.m6model";
  t = Clock::now();
  m6::ExportInfo info = m6::exportModel(dir, data, c, {}, file);
  const double exportSeconds = since(t);
  t = Clock::now();
  auto package = m6::ModelPackage::open(file);
  const double openSeconds = since(t);
  std::vector<double> pms;
  for (int32_t u = 0; u < std::min<int32_t>(300, static_cast<int32_t>(data.numUsers())); ++u)
  {
    auto tu = Clock::now();
    package->recommend(u, 10);
    pms.push_back(since(tu) * 1000.0);
  }
  std::printf(
      "model file: %.1f MB written in %.2f s, opened in %.2f s; top-10 from the file: "
      "median %.2f ms\n",
      static_cast<double>(info.bytes) / 1e6, exportSeconds, openSeconds, median(pms));
  m6::AdaptOptions peft;
  peft.parameterEfficient = true;
  m6::AdaptReport r = m6::previewAdaptation(data, m6::adaptedConfig(c, peft), dir, data, c, peft);
  std::printf(
      "parameter-efficient adaptation of this run: %lld of %lld parameters trainable "
      "(%.2f%%)\n",
      static_cast<long long>(r.trainableParameters), static_cast<long long>(r.totalParameters),
      100.0 * r.trainableShare);
}

// Parent on the first domain; adapted vs from scratch on the second at several data fractions.
void transferFigures(const m6::DatasetSnapshot& source, const m6::RunConfig& c,
                     const std::string& base)
{
  m6::DemoOptions o;
  o.domain = 1;
  o.name = "demo-books";
  m6::DatasetSnapshot target = m6::generateDemoDataset(o);
  const std::string parent = base + "-parent";
  auto t = Clock::now();
  m6::TrainOutcome p = m6::train(source, c, parent);
  std::printf("\n== transfer: parent on the demo, test ndcg@10 %.4f (%.0f s)\n",
              p.test.get("ndcg@10"), since(t));
  m6::ZeroShotResult z = m6::zeroShot(target, c, parent, source, c);
  std::printf("zero-shot on the second domain: test ndcg@10 %.4f\n", z.test.get("ndcg@10"));
  for (double fraction : {0.1, 0.25, 1.0})
  {
    m6::RunConfig tc = c;
    tc.train.trainFraction = fraction;
    t = Clock::now();
    m6::TrainOutcome scratch = m6::train(target, tc, base + "-scratch");
    const double scratchSeconds = since(t);
    t = Clock::now();
    m6::TrainOutcome adapted =
        m6::adapt(target, tc, parent, source, c, m6::AdaptOptions{}, base + "-adapted");
    std::printf(
        "%3.0f%% of the second domain's training data: test ndcg@10 from scratch %.4f "
        "(%.0f s), adapted %.4f (%.0f s)\n",
        100 * fraction, scratch.test.get("ndcg@10"), scratchSeconds, adapted.test.get("ndcg@10"),
        since(t));
    std::filesystem::remove_all(base + "-scratch");
    std::filesystem::remove_all(base + "-adapted");
  }
  std::filesystem::remove_all(parent);
}

// The cold-item protocol with 10% of the items held out.
void coldFigures(const m6::DatasetSnapshot& data, m6::RunConfig c, const std::string& base)
{
  c.train.coldItemShare = 0.1;
  m6::TrainOutcome ids = m6::train(data, c, base + "-cold");
  c.model.idEmbeddings = false;
  m6::TrainOutcome content = m6::train(data, c, base + "-cold-content");
  m6::BaselineOutcome b = m6::runBaselines(data, c);
  std::printf(
      "\n== cold items (%lld held out): test ndcg@10 among the cold items: M6 with ids "
      "%.4f, content-only M6 %.4f, random %.4f, most-popular %.4f, BPR-MF %.4f; warm "
      "items: M6 %.4f, most-popular %.4f, BPR-MF %.4f\n",
      static_cast<long long>(ids.coldItems), ids.coldTest.get("ndcg@10"),
      content.coldTest.get("ndcg@10"), ids.coldRandom.get("ndcg@10"),
      b.baselines[0].coldTest.get("ndcg@10"), b.baselines[1].coldTest.get("ndcg@10"),
      ids.test.get("ndcg@10"), b.baselines[0].test.get("ndcg@10"),
      b.baselines[1].test.get("ndcg@10"));
  std::filesystem::remove_all(base + "-cold");
  std::filesystem::remove_all(base + "-cold-content");
}

// Multiply-adds of one training example's main products (forward), an estimate for the dot scorer
// with a bag history under token_norm item: per fusion layer the query, the two per-example
// key/value tokens (user, context), the output and the FFN (d -> 2d -> d); the per-item key/value
// projections and the q.k / weight.v products over the step's distinct history items (taken as
// min(catalogue, batch x history) items, shared by the batch); the user projection; the catalogue's
// logits (full softmax) or the shared candidates' (sampled softmax). Embedding look-ups, norms and
// element-wise work are not counted.
double exampleMultiplyAdds(const m6::RunConfig& c, int64_t numItems)
{
  const double d = c.model.dim;
  const double b = c.train.batchSize;
  const double distinct =
      std::min<double>(static_cast<double>(numItems), b * c.model.historyLength);
  const double perLayer = d * d + 2 * 2 * d * d + d * d + 4 * d * d  // q, K/V of u and c, out, FFN
                          + 2 * distinct * d * d / b                 // K/V of each distinct item
                          + 2 * distinct * d;                        // q.k and weights.v per item
  const m6::Loss loss = m6::effectiveLoss(c, numItems);
  const double classes = loss == m6::Loss::SampledSoftmax
                             ? std::min<double>(numItems, c.train.sharedNegatives + b)
                             : static_cast<double>(numItems);
  return c.model.attentionLayers * perLayer + d * d + classes * d;
}

// A core's single-precision peak with AVX2 FMA (2 units x 8 lanes x 2 FLOP per cycle) at the
// clock /proc/cpuinfo reports; 0 when it says nothing.
double corePeakGflops()
{
  std::FILE* f = std::fopen("/proc/cpuinfo", "r");
  if (!f)
  {
    return 0;
  }
  char line[512];
  double mhz = 0;
  while (std::fgets(line, sizeof line, f))
  {
    if (std::sscanf(line, "cpu MHz : %lf", &mhz) == 1)
    {
      break;
    }
  }
  std::fclose(f);
  return mhz * 32.0 / 1000.0;
}

}  // namespace

int main(int argc, char** argv)
{
  int epochs = 2;
  std::vector<int> threads = {1, 2};
  std::string presetName = "balanced";
  std::vector<std::string> settings;
  bool transfer = false;
  bool cold = false;
  std::printf("command:");
  for (int i = 0; i < argc; ++i)
  {
    std::printf(" %s", argv[i]);
  }
  std::printf("\n");
  for (int i = 1; i < argc; ++i)
  {
    std::string a = argv[i];
    auto next = [&]() -> std::string
    {
      if (i + 1 >= argc)
      {
        std::fprintf(stderr, "error: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--epochs")
    {
      epochs = std::atoi(next().c_str());
    }
    else if (a == "--threads")
    {
      threads = parseThreads(next());
    }
    else if (a == "--preset")
    {
      presetName = next();
    }
    else if (a == "--set")
    {
      settings.push_back(next());
    }
    else if (a == "--reference")
    {
      // The Python M6's reference settings: history 50, batch 512, width 64, 2 heads,
      // 1 attention layer, no history encoder, dropout 0.2, full softmax, 1 thread.
      for (const char* s :
           {"model.history_length=50", "train.batch_size=512", "model.dim=64", "model.heads=2",
            "model.attention_layers=1", "model.history_encoder=none", "model.attention_dropout=0.2",
            "train.loss=softmax"})
      {
        settings.push_back(s);
      }
      threads = {1};
    }
    else if (a == "--transfer")
    {
      transfer = true;
    }
    else if (a == "--cold")
    {
      cold = true;
    }
    else
    {
      std::fprintf(stderr,
                   "usage: bench_model [--epochs N] [--threads 1,2] [--preset NAME] "
                   "[--set key=value ...] [--reference] [--transfer] [--cold]\n");
      return 2;
    }
  }

  try
  {
    auto t0 = Clock::now();
    m6::DatasetSnapshot data = m6::generateDemoDataset(m6::DemoOptions{});
    std::printf("dataset: demo, %lld users, %lld items, %lld interactions (generated in %.2f s)\n",
                static_cast<long long>(data.numUsers()), static_cast<long long>(data.numItems()),
                static_cast<long long>(data.numInteractions()), since(t0));
    const std::string base =
        (std::filesystem::temp_directory_path() / ("m6-bench-" + std::to_string(::getpid())))
            .string();
    for (int t : threads)
    {
      m6::RunConfig c = m6::preset(presetName);
      for (const auto& s : settings)
      {
        m6::applySetting(c, s);
      }
      c.train.threads = t;
      c.train.epochs = epochs;
      c.train.patience = 0;
      m6::ParamEstimate e = m6::estimate(data, c);
      std::printf(
          "\n== preset %s, threads %d: %lld parameters, %lld examples/epoch, %lld steps of "
          "%d\n",
          presetName.c_str(), t, static_cast<long long>(e.parameters),
          static_cast<long long>(e.examplesPerEpoch), static_cast<long long>(e.stepsPerEpoch),
          c.train.batchSize);
      const std::string dir = base + "-t" + std::to_string(t);
      m6::TrainOutcome out = m6::train(data, c, dir);
      std::printf(
          "training: %.0f examples/s, %.2f s/epoch (%d epochs, status %s, valid ndcg@10 "
          "%.4f)\n",
          out.examplesPerSecond, out.secondsPerEpoch, out.epochsRun, m6::wordOf(out.status).c_str(),
          out.valid.get("ndcg@10"));
      const double macs = exampleMultiplyAdds(c, data.numItems());
      const double gflops = 3 * 2 * macs * out.examplesPerSecond / 1e9;  // forward + backward
      std::printf(
          "main products: %.2f M multiply-adds per example (forward; x3 with backward), %.1f "
          "GFLOP/s achieved, core peak %.0f GFLOP/s (AVX2 FMA)\n",
          macs / 1e6, gflops, corePeakGflops());
      double toBest = 0;
      for (const auto& e : out.history)
      {
        if (e.epoch <= out.bestEpoch)
        {
          toBest += e.seconds;
        }
      }
      std::printf("best validation ndcg@10 %.4f at epoch %d, reached after %.1f s\n",
                  out.valid.get("ndcg@10"), out.bestEpoch, toBest);

      auto te = Clock::now();
      m6::EvaluationOutcome ev = m6::evaluate(data, c, dir);
      double evalSeconds = since(te);
      double users = static_cast<double>(ev.validRows.size() + ev.testRows.size());
      std::printf(
          "full ranking: %.0f users/s (%.0f users x %lld items in %.2f s, model load "
          "included)\n",
          users / evalSeconds, users, static_cast<long long>(data.numItems()), evalSeconds);

      auto p = m6::Predictor::open(dir, data, c);
      std::vector<double> ms;
      for (int32_t u = 0; u < std::min<int32_t>(300, static_cast<int32_t>(data.numUsers())); ++u)
      {
        auto tu = Clock::now();
        auto recs = p->recommend(u, 10);
        ms.push_back(since(tu) * 1000.0);
        if (recs.size() != 10)
        {
          std::fprintf(stderr, "error: recommend returned %zu items\n", recs.size());
          return 1;
        }
      }
      std::sort(ms.begin(), ms.end());
      std::printf("top-10 for one user: median %.2f ms, p95 %.2f ms (%zu users)\n",
                  ms[ms.size() / 2], ms[ms.size() * 95 / 100], ms.size());
      if (t == threads.front())
      {
        inspectionFigures(data, c, dir);
      }
      std::filesystem::remove_all(dir);
    }
    m6::RunConfig full = m6::preset(presetName);
    for (const auto& s : settings)
    {
      m6::applySetting(full, s);
    }
    if (transfer)
    {
      transferFigures(data, full, base);
    }
    if (cold)
    {
      coldFigures(data, full, base);
    }
  }
  catch (const std::exception& e)
  {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
