// bench_model: training and inference figures of the M6 engine on the demo dataset.
//
// Prints, per torch thread count (1 and 2 by default), for the balanced preset on the demo
// dataset (1,000 users, 1,500 items, 100,000 interactions):
//  - training examples/s and seconds per epoch (train(), evaluation of each epoch included in
//    the seconds, not in examples/s);
//  - full-ranking evaluation throughput in users/s (evaluate(): validation and test targets,
//    whole catalogue scored per user, batched, seen items excluded);
//  - top-10 latency for one user (Predictor::recommend, median and 95th percentile).
// A plain timed executable, not a test: figures depend on the machine and its load.
//
// Usage: bench_model [--epochs N] [--threads 1,2] [--preset NAME] [--set key=value ...]
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

}  // namespace

int main(int argc, char** argv)
{
  int epochs = 2;
  std::vector<int> threads = {1, 2};
  std::string presetName = "balanced";
  std::vector<std::string> settings;
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
    else
    {
      std::fprintf(stderr,
                   "usage: bench_model [--epochs N] [--threads 1,2] [--preset NAME] "
                   "[--set key=value ...]\n");
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
          out.examplesPerSecond, out.secondsPerEpoch, out.epochsRun, out.status.c_str(),
          out.valid.get("ndcg@10"));

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
      std::filesystem::remove_all(dir);
    }
  }
  catch (const std::exception& e)
  {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
