// The workspace the inspection tests (bridge and GUI) and bench_inspect share: the small training
// demo plus a user with no interactions and an item nobody interacted with, a model run trained
// in the test (quick preset), a run whose checkpoint was never written, and optionally the
// baselines.
#pragma once

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <limits>

#include "app/bridge/run_inspector.h"
#include "app/runner/training_session.h"
#include "model/core/demo_data.h"
#include "storage/runs.h"
#include "train_test_support.h"

namespace m6test
{

struct InspectFixture
{
  QString path;
  qint64 datasetId = 0;
  qint64 run = 0;         // the trained model run
  qint64 missingRun = 0;  // a run whose checkpoint file does not exist
  qint64 popRun = 0;      // baselines (0 unless asked for)
  qint64 bprRun = 0;
  qint64 knnRun = 0;
  qint64 easeRun = 0;
  int32_t lonelyUser = -1;  // no interactions at all
  int32_t neverItem = -1;   // no interactions at all
  m6::RunConfig config;
};

/// Returns once every request sent to `inspector` before the call has been answered (or was
/// skipped): its worker takes requests in order, so the answer to a later one, a user search,
/// comes after theirs. Not the per-user metrics: they come in slices, with later requests
/// answered in between. False on a time-out.
inline bool settle(m6::RunInspector& inspector)
{
  QSignalSpy found(&inspector, &m6::RunInspector::usersFound);
  QSignalSpy failed(&inspector, &m6::RunInspector::requestFailed);
  const quint64 token = inspector.findUsers(QStringLiteral("1"));
  return QTest::qWaitFor(
      [&]
      {
        return !found.isEmpty() || std::any_of(failed.begin(), failed.end(),
                                               [&](const QList<QVariant>& f)
                                               { return f.at(0).toULongLong() == token; });
      },
      60000);
}

/// Appends a user without interactions and an item without interactions (content fields set).
inline void addLonelyUserAndItem(m6::DatasetSnapshot& s)
{
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s.userIds.push_back("lonely");
  s.userStart.push_back(s.userStart.back());
  for (auto& f : s.userFields)
  {
    f.codes.push_back(-1);
    if (!f.offsets.empty())
    {
      f.offsets.push_back(f.offsets.back());
      f.codes.pop_back();
    }
    f.values.push_back(nan);
    f.texts.emplace_back();
  }
  s.itemIds.push_back("never");
  s.itemTitles.push_back("Never Seen Item");
  for (auto& f : s.itemFields)
  {
    switch (f.kind)
    {
      case m6::FieldKind::Categorical:
        f.codes.push_back(0);
        break;
      case m6::FieldKind::Multi:
        f.codes.push_back(0);
        f.offsets.push_back(static_cast<int64_t>(f.codes.size()));
        break;
      case m6::FieldKind::Numeric:
      case m6::FieldKind::Timestamp:
        f.values.push_back(nan);
        break;
      case m6::FieldKind::Text:
        f.texts.emplace_back("Never Seen Item");
        break;
    }
  }
}

inline void trimUnused(m6::DatasetSnapshot& s)
{
  // Columns that a kind does not use stay empty (addLonelyUserAndItem pushed to every member).
  for (auto* group : {&s.userFields, &s.itemFields})
  {
    for (auto& f : *group)
    {
      const size_t n = static_cast<size_t>(group == &s.userFields ? s.numUsers() : s.numItems());
      if (f.kind != m6::FieldKind::Numeric && f.kind != m6::FieldKind::Timestamp)
      {
        f.values.clear();
      }
      if (f.kind != m6::FieldKind::Text)
      {
        f.texts.clear();
      }
      if (f.kind == m6::FieldKind::Categorical && f.codes.size() != n)
      {
        qFatal("fixture: %s has %zu codes for %zu rows", f.name.c_str(), f.codes.size(), n);
      }
      if (f.kind != m6::FieldKind::Categorical && f.kind != m6::FieldKind::Multi)
      {
        f.codes.clear();
      }
    }
  }
}

/// Writes the workspace's dataset (the demo plus the lonely user and the unseen item).
inline InspectFixture writeInspectDataset(const QString& path, const m6::DemoOptions& demo)
{
  InspectFixture f;
  f.path = path;
  auto ws = openWorkspace(path);
  m6::DatasetSnapshot snapshot = m6::generateDemoDataset(demo);
  addLonelyUserAndItem(snapshot);
  trimUnused(snapshot);
  f.lonelyUser = static_cast<int32_t>(snapshot.numUsers() - 1);
  f.neverItem = static_cast<int32_t>(snapshot.numItems() - 1);
  auto id = ws->writeDataset(snapshot, {"demo", "", ""}, nullptr);
  if (!id)
  {
    qFatal("cannot write the dataset: %s", id.error().c_str());
  }
  f.datasetId = *id;
  return f;
}

/// Writes the workspace and trains its runs (a few seconds; baselines add BPR-MF's training).
/// `train` false: f.run is a run record that was never trained (no checkpoint, no recorded
/// metrics), for pages opened through FakeInspectSource (fake_inspect_source.h).
inline InspectFixture makeInspectWorkspace(const QString& path, bool baselines,
                                           const m6::DemoOptions& demo = trainDemo(),
                                           int epochs = 2, bool train = true)
{
  InspectFixture f = writeInspectDataset(path, demo);
  auto ws = openWorkspace(path);
  auto info = ws->datasetById(f.datasetId);
  auto loaded = ws->loadSnapshot(f.datasetId);
  if (!info || !loaded)
  {
    qFatal("cannot read the dataset back");
  }
  f.config = quickConfig(epochs);
  m6::TrainingSession session(*ws, *info, *loaded);
  auto run = session.createRun(f.config, train ? "inspect quick" : "inspect untrained");
  if (!run)
  {
    qFatal("cannot create a run: %s", run.error().c_str());
  }
  if (!train)
  {
    f.run = run->id;
    return f;
  }
  auto trained = session.train(*run, f.config, false);
  if (!trained || trained->status != m6::RunStatus::Finished)
  {
    qFatal("training failed: %s", trained ? trained->message.c_str() : trained.error().c_str());
  }
  f.run = trained->id;
  auto missing = session.createRun(f.config, "never trained");
  f.missingRun = missing->id;
  if (baselines)
  {
    auto b = session.baselines(f.config);
    if (!b)
    {
      qFatal("baselines failed: %s", b.error().c_str());
    }
    for (const auto& r : *b)
    {
      qint64* slot = r.kind == m6::RunKind::BaselinePop    ? &f.popRun
                     : r.kind == m6::RunKind::BaselineBpr  ? &f.bprRun
                     : r.kind == m6::RunKind::BaselineEase ? &f.easeRun
                                                           : &f.knnRun;
      *slot = r.id;
    }
  }
  return f;
}

}  // namespace m6test
