// bench_inspect: how long the Inspect page waits for a user: selecting a user and
// showing the profile, the top 10 and the attention map behind the first recommendation, timed
// through the RunInspector and its worker thread exactly as the page asks (request on this
// thread, answer delivered back by a queued signal), beside the worker's own time for the same
// request. Then a click on another recommendation (attention only), and the one-off loads: the
// run, the per-user metrics, the attention across users and the embedding map.
//
// The demo dataset (1,000 users, 1,500 items, 100,000 interactions by default) is generated
// into a temporary workspace and a run trained on it first (the balanced preset, 1 epoch by
// default; training time is not part of the figures). Target: under 100 ms per user on the demo.
// Figures, never assertions.
//
// With --workspace FILE --run ID it inspects that run of an existing workspace instead (a run of
// the 25M dataset bench_scale --dir leaves, trained by m6-cli on a share of its examples), and
// also times a user selected while a long tab job (per-user metrics, attention across users,
// embedding map) runs on the same worker.
//
// Usage: bench_inspect [--users N] [--preset quick|balanced|thorough] [--epochs N]
//                      [--demo-users N] [--items N] [--interactions N]
//                      [--workspace FILE --run ID]
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "app/bridge/bridge_types.h"
#include "app/bridge/run_inspector.h"
#include "app/bridge/snapshot_store.h"
#include "app/runner/training_session.h"
#include "model/core/config.h"
#include "model/core/demo_data.h"
#include "storage/workspace.h"

using namespace m6;

namespace
{

struct Options
{
  int users = 200;
  std::string preset = "balanced";
  int epochs = 1;
  DemoOptions demo;
  std::string workspace;  // an existing workspace (then `run` is inspected, nothing is trained)
  qint64 run = 0;
};

Options parse(int argc, char** argv)
{
  Options o;
  for (int i = 1; i + 1 < argc; i += 2)
  {
    const std::string key = argv[i];
    const char* value = argv[i + 1];
    if (key == "--users")
    {
      o.users = std::atoi(value);
    }
    else if (key == "--preset")
    {
      o.preset = value;
    }
    else if (key == "--epochs")
    {
      o.epochs = std::atoi(value);
    }
    else if (key == "--demo-users")
    {
      o.demo.users = std::atoll(value);
    }
    else if (key == "--items")
    {
      o.demo.items = std::atoll(value);
    }
    else if (key == "--interactions")
    {
      o.demo.interactions = std::atoll(value);
    }
    else if (key == "--workspace")
    {
      o.workspace = value;
    }
    else if (key == "--run")
    {
      o.run = std::atoll(value);
    }
    else
    {
      std::fprintf(stderr, "unknown option %s\n", key.c_str());
      std::exit(2);
    }
  }
  return o;
}

/// Runs the event loop until `done` is true (or a minute passes). Returns the elapsed ms.
template <typename F>
double waitFor(F done)
{
  QElapsedTimer t;
  t.start();
  while (!done() && t.elapsed() < 600000)
  {
    QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
  }
  return double(t.nsecsElapsed()) * 1e-6;
}

struct Stats
{
  double p50 = 0;
  double p90 = 0;
  double max = 0;
  double mean = 0;
};

Stats stats(std::vector<double> v)
{
  Stats s;
  if (v.empty())
  {
    return s;
  }
  std::sort(v.begin(), v.end());
  s.p50 = v[v.size() / 2];
  s.p90 = v[std::min(v.size() - 1, v.size() * 9 / 10)];
  s.max = v.back();
  for (double x : v)
  {
    s.mean += x / double(v.size());
  }
  return s;
}

void print(const char* what, const Stats& s)
{
  std::printf("  %-44s p50 %7.2f ms  p90 %7.2f ms  max %7.2f ms  mean %7.2f ms\n", what, s.p50,
              s.p90, s.max, s.mean);
}

}  // namespace

int main(int argc, char** argv)
{
  QCoreApplication app(argc, argv);
  registerBridgeTypes();
  const Options o = parse(argc, argv);
  QTemporaryDir dir;
  const QString path = o.workspace.empty() ? dir.filePath("bench-inspect.m6ws")
                                           : QString::fromStdString(o.workspace);
  qint64 runId = o.run;
  if (o.workspace.empty())
  {
    auto ws = Workspace::open(path.toStdString(), true);
    if (!ws)
    {
      std::fprintf(stderr, "error: %s\n", ws.error().c_str());
      return 1;
    }
    const DatasetSnapshot snapshot = generateDemoDataset(o.demo);
    auto id = (*ws)->writeDataset(snapshot, {"demo", "", ""}, nullptr);
    auto info = (*ws)->datasetById(*id);
    auto data = (*ws)->loadSnapshot(*id);
    RunConfig config = preset(o.preset);
    config.train.epochs = o.epochs;
    TrainingSession session(**ws, *info, *data);
    auto run = session.createRun(config, "bench_inspect");
    std::printf(
        "bench_inspect: training %s for %d epoch(s) on the demo (%lld users, %lld items, "
        "%lld interactions)…\n",
        o.preset.c_str(), o.epochs, static_cast<long long>(o.demo.users),
        static_cast<long long>(o.demo.items), static_cast<long long>(o.demo.interactions));
    std::fflush(stdout);
    auto trained = session.train(*run, config, false);
    if (!trained || trained->status != m6::RunStatus::Finished)
    {
      std::fprintf(stderr, "error: training failed\n");
      return 1;
    }
    runId = trained->id;
  }

  RunInspector inspector(path, std::make_shared<SnapshotStore>());
  bool opened = false;
  QString failure;
  QObject::connect(&inspector, &RunInspector::opened, [&] { opened = true; });
  QObject::connect(&inspector, &RunInspector::openFailed, [&](const QString& m) { failure = m; });
  QObject::connect(&inspector, &RunInspector::requestFailed,
                   [&](quint64, InspectChannel, const QString& m) { failure = m; });
  inspector.openRun(runId);
  const double openMs = waitFor([&] { return opened || !failure.isEmpty(); });
  if (!opened)
  {
    std::fprintf(stderr, "error: %s\n", qPrintable(failure));
    return 1;
  }
  const InspectSourceInfo info = inspector.source();
  std::printf(
      "run %lld: %s scorer, %d layer(s) x %d heads, history %d; opened in %.0f ms "
      "(dataset snapshot + checkpoint)\n",
      static_cast<long long>(runId), qPrintable(info.scorer), info.layers, info.heads,
      info.historyLength, openMs);

  // Select a user: profile + top 10 + attention of the first recommendation.
  UserView last;
  quint64 awaited = 0;
  bool arrived = false;
  QObject::connect(&inspector, &RunInspector::userReady,
                   [&](quint64 token, const UserView& v)
                   {
                     if (token == awaited)
                     {
                       last = v;
                       arrived = true;
                     }
                   });
  AttentionPair pair;
  QObject::connect(&inspector, &RunInspector::attentionReady,
                   [&](quint64 token, const AttentionPair& p)
                   {
                     if (token == awaited)
                     {
                       pair = p;
                       arrived = true;
                     }
                   });
  std::vector<double> roundTrip;
  std::vector<double> worker;
  std::vector<double> attentionOnly;
  const int users = int(std::min<qint64>(o.users, info.users));
  for (int i = 0; i < users; ++i)
  {
    UserRequest r;
    r.user = qint32((int64_t(i) * 7919) % info.users);  // spread over the users, fixed order
    r.k = 10;
    arrived = false;
    QElapsedTimer t;
    t.start();
    awaited = inspector.showUser(r);
    waitFor([&] { return arrived || !failure.isEmpty(); });
    if (!failure.isEmpty())
    {
      std::fprintf(stderr, "error: %s\n", qPrintable(failure));
      return 1;
    }
    roundTrip.push_back(double(t.nsecsElapsed()) * 1e-6);
    worker.push_back(last.seconds * 1000);
    // Click the third recommendation: its attention only.
    AttentionRequest a;
    a.user = last.profile.user;
    a.item = last.recommendations.size() > 2 ? last.recommendations[2].item : last.attention.item;
    arrived = false;
    t.restart();
    awaited = inspector.explain(a);
    waitFor([&] { return arrived || !failure.isEmpty(); });
    attentionOnly.push_back(double(t.nsecsElapsed()) * 1e-6);
  }
  std::printf("select a user (%d users, top 10 + attention map), through the worker:\n", users);
  print("round trip (request -> answer on this thread)", stats(roundTrip));
  print("worker time for the same requests", stats(worker));
  print("click a recommendation (attention only)", stats(attentionOnly));
  const Stats s = stats(roundTrip);
  std::printf("  target < 100 ms per user: %s (p90 %.2f ms)\n", s.p90 < 100 ? "met" : "NOT met",
              s.p90);

  // One-off loads of the other tabs, each with a user selected right after the request (as a
  // person clicks on while a tab loads): how long the job takes, and how long that click waits.
  bool done = false;
  double doneMs = 0;
  QElapsedTimer jobTimer;
  auto finished = [&]
  {
    done = true;
    doneMs = double(jobTimer.nsecsElapsed()) * 1e-6;
  };
  QObject::connect(&inspector, &RunInspector::userMetricsReady, finished);
  QObject::connect(&inspector, &RunInspector::attentionStatsReady, finished);
  QObject::connect(&inspector, &RunInspector::embeddingMapReady, finished);
  auto once = [&](const char* what, auto request)
  {
    done = false;
    jobTimer.start();
    request();
    UserRequest r;
    r.user = 1;
    r.k = 10;
    arrived = false;
    QElapsedTimer click;
    click.start();
    awaited = inspector.showUser(r);
    waitFor([&] { return arrived || !failure.isEmpty(); });
    const double clickMs = double(click.nsecsElapsed()) * 1e-6;
    waitFor([&] { return done || !failure.isEmpty(); });
    std::printf("  %-44s %8.0f ms; a user selected meanwhile: %6.0f ms\n", what, doneMs, clickMs);
  };
  std::printf("tabs (once per model):\n");
  once("per-user metrics (recorded rows)", [&] { inspector.loadUserMetrics(); });
  once("attention across users (up to 2,000)", [&] { inspector.loadAttentionStats(2000); });
  once("embedding map, items (PCA)", [&] { inspector.loadEmbeddingMap(true); });
  once("embedding map, users (up to 4,000 of them)", [&] { inspector.loadEmbeddingMap(false); });
  if (!failure.isEmpty())
  {
    std::fprintf(stderr, "error: %s\n", qPrintable(failure));
    return 1;
  }
  return 0;
}
