// Helpers of the training tests (bridge and GUI): the small demo dataset they train on and short
// configurations, so a real LibTorch training takes about a second.
#pragma once

#include <QtTest>

#include "../ui/gui_test_support.h"
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

}  // namespace m6test
