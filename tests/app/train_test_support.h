// Helpers of the training tests (bridge and GUI): the small demo dataset they train on and short
// configurations, so a real LibTorch training takes about a second.
#pragma once

#include <QtTest>

#include "../ui/gui_test_support.h"
#include "app/runner/run_groups.h"
#include "app/runner/training_session.h"
#include "model/core/config.h"

namespace m6test
{

/// ~150 users, 300 items, 6,000 interactions: an epoch of the quick preset is a fraction of a
/// second on one thread.
inline m6::DemoOptions trainDemo(const std::string& name = "demo")
{
  m6::DemoOptions o;
  o.name = name;
  o.users = 150;
  o.items = 300;
  o.interactions = 6000;
  return o;
}

/// The quick preset with `epochs` epochs. A small batch gives a few hundred steps per epoch
/// (more live points, and room to pause or stop mid-epoch); patience 0 never stops early.
inline m6::RunConfig quickConfig(int epochs, int batchSize = 256)
{
  m6::RunConfig c = m6::preset("quick");
  c.train.epochs = epochs;
  c.train.batchSize = batchSize;
  c.train.patience = 0;
  return c;
}

/// A workspace file with the training demo; returns the dataset id.
inline qint64 makeTrainWorkspace(const QString& path, const std::string& name = "demo")
{
  auto ws = openWorkspace(path);
  return addDemo(*ws, trainDemo(name));
}

/// Records and trains a run group of `seeds` seeds of `config` on the dataset `dataset` of the
/// workspace at `path`, as `m6-cli train --seeds N` does; returns the group id (0 on failure,
/// with a test failure logged).
inline int64_t trainGroup(const QString& path, const std::string& dataset,
                          const m6::RunConfig& config, const std::string& name, int seeds)
{
  auto ws = m6::Workspace::open(path.toStdString(), false);
  auto info = ws ? (*ws)->dataset(dataset) : m6::Result<m6::DatasetInfo>(m6::makeError("no ws"));
  auto data = info ? (*ws)->loadSnapshot(info->id)
                   : m6::Result<m6::DatasetSnapshot>(m6::makeError("no dataset"));
  if (!data)
  {
    qWarning("trainGroup: %s", data.error().c_str());
    return 0;
  }
  m6::TrainingSession session(**ws, *info, *data);
  m6::GroupStore groups(**ws);
  auto g = m6::createGroup(groups, info->id, config, name, seeds);
  if (!g)
  {
    qWarning("trainGroup: %s", g.error().c_str());
    return 0;
  }
  for (int64_t seed : g->seeds)
  {
    const m6::RunConfig mc = m6::memberConfig(*g, seed);
    auto run = session.createRun(mc, m6::memberName(*g, seed), std::nullopt, g->id);
    if (!run || !session.train(*run, mc, false))
    {
      qWarning("trainGroup: a member could not be trained");
      return 0;
    }
  }
  return g->id;
}

}  // namespace m6test
