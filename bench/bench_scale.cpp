// bench_scale: the day of DESIGN.md section 1 at the size people have: a generated
// MovieLens-25M-shaped ratings.csv (25,000,095 ratings, 162,541 users, 59,047 items with a
// long-tailed popularity) through import, the shared snapshot, training with the large-
// catalogue loss, full evaluation and top-10 for one user. Prints figures; asserts nothing.
//
// Steps and what each figure is:
//  1. import: our MovieLens-CSV import in a child process (seconds, rows/s, peak RSS), beside the
//     sqlite3 shell's `.import` of the same file into a bare table;
//  2. snapshot: SnapshotStore::get (what every worker of the workbench shares): seconds, the
//     snapshot's bytes (its arrays), this process's RSS after it; then the browser's queries
//     (BrowseQuery): each table's count and first pages, the interactions of the most popular and
//     the median item, of one user, of a user id typed in the filter box, and sorted by rating;
//  3. training: the balanced preset (loss auto: the sampled softmax from 10,000 items), one epoch
//     over a deterministic share of the training examples (--train-fraction, default 0.04, so it
//     ends in minutes), per-epoch validation on a seeded sample of 2,000 users: examples/s and the
//     seconds a whole epoch takes at that rate; train()'s final test covers every user;
//  4. evaluation: evaluate() of the trained checkpoint, validation and test of every user, full
//     ranking (seconds, users/s), on every idle core and then on one (as beside a training);
//  5. top 10 for one user (Predictor::recommend, 200 random users, p50 / p90);
//  and the process's peak RSS.
//
// Usage: bench_scale [--rows N] [--users N] [--items N] [--train-fraction X] [--dir DIR]
//                    [--keep] [--set key=value ...] [--train-seconds S]
//   --dir keeps the generated file and workspace there (reused by the next run with --keep).
//   --train-seconds S: step 3 over every training example (no fraction: a fraction leaves a
//     user's targets too sparse for the shared history windows) for S seconds, then stop and
//     print its examples/s; steps 4 and 5 are skipped (there is no finished checkpoint).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "app/bridge/snapshot_store.h"
#include "bench_support.h"
#include "model/core/config.h"
#include "model/core/rng.h"
#include "model/engine.h"
#include "model/threads.h"
#include "storage/browse.h"
#include "storage/workspace.h"

namespace fs = std::filesystem;
using m6bench::now;

namespace
{

double snapshotBytes(const m6::DatasetSnapshot& s)
{
  auto strings = [](const std::vector<std::string>& v)
  {
    double b = 0;
    for (const auto& x : v)
    {
      b += static_cast<double>(sizeof(std::string) + (x.size() > 15 ? x.capacity() : 0));
    }
    return b;
  };
  double b = strings(s.userIds) + strings(s.itemIds) + strings(s.itemTitles);
  b += static_cast<double>(s.user.capacity() * 4 + s.item.capacity() * 4 + s.rating.capacity() * 4 +
                           s.ts.capacity() * 8 + s.userStart.capacity() * 8);
  for (const auto* group : {&s.userFields, &s.itemFields, &s.contextFields})
  {
    for (const auto& f : *group)
    {
      b += static_cast<double>(f.codes.capacity() * 4 + f.offsets.capacity() * 8 +
                               f.values.capacity() * 8) +
           strings(f.vocab) + strings(f.texts);
    }
  }
  return b;
}

double percentile(std::vector<double> v, double p)
{
  if (v.empty())
  {
    return 0;
  }
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

// Milliseconds of one call, and its result.
template <typename F>
auto timed(double* ms, F&& f)
{
  const double t0 = now();
  auto r = f();
  *ms = (now() - t0) * 1000.0;
  return r;
}

// What the browser asks for, through the same BrowseQuery its workers use: a table's first page
// and count, and the interactions of one item, of one user, and of a text in the filter box.
void browseFigures(m6::Workspace& ws, int64_t datasetId, const m6::DatasetSnapshot& snap)
{
  using m6::BrowseFilter;
  using m6::BrowseQuery;
  using m6::BrowseTable;
  auto page = [&](BrowseTable table, const BrowseFilter& f, const char* what, int sort = -1)
  {
    BrowseQuery q(ws, datasetId, table, f, sort);
    double countMs = 0;
    double pageMs = 0;
    double nextMs = 0;
    const auto n = timed(&countMs, [&] { return q.count(); });
    const auto first = timed(&pageMs, [&] { return q.fetch(0, 100); });
    std::string after = first && !first->empty() ? first->back().sortKey : std::string();
    const auto next = timed(&nextMs, [&] { return q.fetch(100, 100, after); });
    std::printf("  %-44s %9lld rows: count %7.1f ms, first page %7.1f ms, next page %6.1f ms%s\n",
                what, static_cast<long long>(n ? *n : -1), countMs, pageMs, nextMs,
                first && next ? "" : " (FAILED)");
  };
  std::vector<int64_t> perItem(static_cast<size_t>(snap.numItems()), 0);
  for (int32_t i : snap.item)
  {
    ++perItem[static_cast<size_t>(i)];
  }
  std::vector<int64_t> byCount(perItem.size());
  for (size_t i = 0; i < byCount.size(); ++i)
  {
    byCount[i] = static_cast<int64_t>(i);
  }
  std::sort(byCount.begin(), byCount.end(),
            [&](int64_t a, int64_t b) { return perItem[size_t(a)] > perItem[size_t(b)]; });
  std::printf("browse (the browser's queries, this process's SQLite connection):\n");
  page(BrowseTable::Users, {}, "users");
  page(BrowseTable::Items, {}, "items");
  page(BrowseTable::Interactions, {}, "interactions");
  BrowseFilter top;
  top.itemIdx = byCount.front();
  page(BrowseTable::Interactions, top, "interactions of the most popular item");
  BrowseFilter median;
  median.itemIdx = byCount[byCount.size() / 2];
  page(BrowseTable::Interactions, median, "interactions of the median item");
  BrowseFilter user;
  user.userIdx = snap.numUsers() / 2;
  page(BrowseTable::Interactions, user, "interactions of one user");
  BrowseFilter text;
  text.text = snap.userIds[static_cast<size_t>(snap.numUsers() / 3)];
  page(BrowseTable::Interactions, text, "a user id in the text box");
  page(BrowseTable::Interactions, top, "most popular item, sorted by rating", 4);
  page(BrowseTable::Interactions, median, "median item, sorted by rating", 4);
  page(BrowseTable::Interactions, user, "one user, sorted by time", 5);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv)
{
  int64_t rows = 25000095;
  int64_t users = 162541;
  int64_t items = 59047;
  double fraction = 0.04;
  std::string dir;
  bool keep = false;
  double trainSeconds = 0;
  std::vector<std::string> settings;
  for (int i = 1; i < argc; ++i)
  {
    std::string a = argv[i];
    if (a == "--rows" && i + 1 < argc)
    {
      rows = std::atoll(argv[++i]);
    }
    else if (a == "--users" && i + 1 < argc)
    {
      users = std::atoll(argv[++i]);
    }
    else if (a == "--items" && i + 1 < argc)
    {
      items = std::atoll(argv[++i]);
    }
    else if (a == "--train-fraction" && i + 1 < argc)
    {
      fraction = std::atof(argv[++i]);
    }
    else if (a == "--dir" && i + 1 < argc)
    {
      dir = argv[++i];
    }
    else if (a == "--keep")
    {
      keep = true;
    }
    else if (a == "--set" && i + 1 < argc)
    {
      settings.push_back(argv[++i]);
    }
    else if (a == "--train-seconds" && i + 1 < argc)
    {
      trainSeconds = std::atof(argv[++i]);
    }
    else
    {
      std::fprintf(stderr,
                   "usage: bench_scale [--rows N] [--users N] [--items N] [--train-fraction X] "
                   "[--dir DIR] [--keep] [--set key=value ...] [--train-seconds S]\n");
      return 2;
    }
  }
  if (dir.empty())
  {
    dir = (fs::temp_directory_path() / ("m6-bench-scale-" + std::to_string(getpid()))).string();
  }
  fs::create_directories(dir);
  const std::string csv = (fs::path(dir) / "ratings.csv").string();
  const std::string wsPath = (fs::path(dir) / "scale.m6ws").string();
  std::printf("bench_scale: %lld ratings, %lld users, %lld items (MovieLens-25M shape)\n",
              static_cast<long long>(rows), static_cast<long long>(users),
              static_cast<long long>(items));

  // 1. Import.
  if (!fs::exists(csv))
  {
    double t0 = now();
    m6bench::writeRatings(csv, rows, users, items);
    std::printf("generated ratings.csv: %.0f MB in %.1f s\n",
                static_cast<double>(fs::file_size(csv)) / 1e6, now() - t0);
  }
  bool reuse = keep && fs::exists(wsPath);
  if (!reuse)
  {
    m6bench::Measure ours = m6bench::importInChild(wsPath, dir, "scale");
    const double shell = m6bench::sqliteShellImportSeconds(csv, dir);
    std::printf(
        "import: %.1f s (%.0f rows/s), peak RSS %.0f MiB; sqlite3 .import %.1f s; ratio %.2f%s\n",
        ours.seconds, static_cast<double>(rows) / ours.seconds,
        static_cast<double>(ours.peakKiB) / 1024.0, shell, ours.seconds / shell,
        ours.ok ? "" : " (import FAILED)");
    if (!ours.ok)
    {
      return 1;
    }
  }
  else
  {
    std::printf("import: reusing %s\n", wsPath.c_str());
  }
  std::fflush(stdout);

  // 2. The shared snapshot.
  auto opened = m6::Workspace::open(wsPath, false);
  if (!opened)
  {
    std::fprintf(stderr, "%s\n", opened.error().c_str());
    return 1;
  }
  m6::Workspace& ws = **opened;
  auto info = ws.dataset("scale");
  if (!info)
  {
    std::fprintf(stderr, "%s\n", info.error().c_str());
    return 1;
  }
  const double rssBefore = m6bench::statusMiB("VmRSS");
  m6::SnapshotStore store;
  double t0 = now();
  m6::SnapshotStore::Handle data = store.get(ws, info->id, {}, nullptr);
  const double loadSeconds = now() - t0;
  const m6::DatasetSnapshot& snap = data->snapshot;
  std::printf(
      "snapshot: %.1f s, %.0f MiB of arrays (%lld users, %lld items, %lld interactions); "
      "RSS %.0f -> %.0f MiB\n",
      loadSeconds, snapshotBytes(snap) / 1048576.0, static_cast<long long>(snap.numUsers()),
      static_cast<long long>(snap.numItems()), static_cast<long long>(snap.numInteractions()),
      rssBefore, m6bench::statusMiB("VmRSS"));
  std::fflush(stdout);
  browseFigures(ws, info->id, snap);

  // 3. Training.
  m6::RunConfig config = m6::preset("balanced");
  config.train.epochs = 1;
  config.train.trainFraction = fraction;
  config.train.validUsers = 2000;
  for (const auto& s : settings)
  {
    m6::applySetting(config, s);
  }
  const std::string runDir = (fs::path(dir) / "run").string();
  fs::remove_all(runDir);
  if (trainSeconds > 0)
  {
    config.train.trainFraction = 1.0;
    std::atomic<bool> stop{false};
    m6::TrainCallbacks cb;
    const double start = now();
    cb.cancel = &stop;
    cb.onStep = [&](const m6::StepStats&) { stop = now() - start > trainSeconds; };
    m6::TrainOutcome out = m6::train(snap, config, runDir, cb);
    std::printf(
        "training (%s, every example, stopped after %.0f s): %.0f examples/s; RSS %.0f MiB\n",
        m6::wordOf(m6::effectiveLoss(config, snap.numItems())).c_str(), trainSeconds,
        out.examplesPerSecond, m6bench::statusMiB("VmRSS"));
    fs::remove_all(runDir);
    if (!keep)
    {
      fs::remove_all(dir);
    }
    return 0;
  }
  t0 = now();
  m6::TrainOutcome out = m6::train(snap, config, runDir, {});
  const double trainWall = now() - t0;
  if (out.status != m6::RunStatus::Finished)
  {
    std::fprintf(stderr, "training %s: %s\n", m6::wordOf(out.status).c_str(), out.message.c_str());
    return 1;
  }
  const double fullEpoch = static_cast<double>(out.trainExamples) / std::max(fraction, 1e-9);
  std::printf(
      "training (%s): %.0f examples/s on %lld examples; a whole epoch (~%.0f examples) "
      "takes %.1f min at that rate; train() %.1f s in all with the final test; "
      "test ndcg@10 %.4f; RSS %.0f MiB\n",
      m6::wordOf(m6::effectiveLoss(config, snap.numItems())).c_str(), out.examplesPerSecond,
      static_cast<long long>(out.trainExamples), fullEpoch,
      fullEpoch / out.examplesPerSecond / 60.0, trainWall, out.test.get("ndcg@10"),
      m6bench::statusMiB("VmRSS"));
  std::printf("  protocol: %s\n", out.test.protocol.c_str());
  std::fflush(stdout);

  // 4. Full evaluation of every user: on every core (nothing trains), then on one, as while a
  // training runs in the same process.
  for (bool busy : {false, true})
  {
    std::unique_ptr<m6::TrainingStepsScope> training;
    if (busy)
    {
      training = std::make_unique<m6::TrainingStepsScope>();
    }
    t0 = now();
    m6::EvaluationOutcome ev = m6::evaluate(snap, config, runDir);
    const double evalSeconds = now() - t0;
    const double evaluated = static_cast<double>(ev.validRows.size() + ev.testRows.size());
    std::printf(
        "evaluation (%s): %.1f s for %.0f targets (validation + test of every user), %.0f "
        "users/s; test ndcg@10 %.4f; RSS %.0f MiB\n",
        busy ? "one core, as beside a training" : "every idle core", evalSeconds, evaluated,
        evaluated / evalSeconds, ev.test.get("ndcg@10"), m6bench::statusMiB("VmRSS"));
    std::fflush(stdout);
  }

  // 5. Top 10 for one user.
  t0 = now();
  // Shares the store's snapshot, as the workbench's inspect and export workers do (no copy).
  auto predictor = m6::Predictor::open(
      runDir, std::shared_ptr<const m6::DatasetSnapshot>(data, &data->snapshot), config);
  const double openSeconds = now() - t0;
  m6::DemoRng rng(11);
  std::vector<double> ms;
  for (int i = 0; i < 200; ++i)
  {
    auto u = static_cast<int32_t>(rng.below(static_cast<uint64_t>(snap.numUsers())));
    double s = now();
    predictor->recommend(u, 10);
    ms.push_back((now() - s) * 1000.0);
  }
  std::printf(
      "top 10 for one user: p50 %.2f ms, p90 %.2f ms (model opened in %.1f s); peak RSS "
      "%.0f MiB\n",
      percentile(ms, 0.5), percentile(ms, 0.9), openSeconds, m6bench::statusMiB("VmHWM"));
  if (!keep)
  {
    fs::remove_all(dir);
  }
  return 0;
}
