// Small datasets and helpers shared by the model tests.
#pragma once

#include <QDir>
#include <QString>
#include <QTemporaryDir>
#include <cmath>
#include <string>

#include "model/core/config.h"
#include "model/core/dataset.h"
#include "model/core/demo_data.h"
#include "model/core/json.h"

namespace m6test
{

/// A fresh folder under the build tree's test-tmp (M6_TEST_TMP), removed with the object.
inline QTemporaryDir makeTempDir()
{
  QString base = qEnvironmentVariable("M6_TEST_TMP", QDir::tempPath());
  QDir().mkpath(base);
  return QTemporaryDir(base + "/m6-model-XXXXXX");
}

inline std::string runDir(const QTemporaryDir& dir, const char* name)
{
  return (dir.path() + "/" + name).toStdString();
}

/// A demo dataset of the given size (the generator's planted structure, fewer rows).
inline m6::DatasetSnapshot demo(int64_t users, int64_t items, int64_t interactions,
                                uint64_t seed = 7)
{
  m6::DemoOptions o;
  o.users = users;
  o.items = items;
  o.interactions = interactions;
  o.seed = seed;
  return m6::generateDemoDataset(o);
}

/// Tiny and fully predictable: user u sees items (3u + j) mod items for j = 0..length-1, one
/// day apart. The next item is always the last one + 1.
inline m6::DatasetSnapshot sequences(int users, int items, int length)
{
  m6::DatasetSnapshot s;
  s.name = "sequences";
  for (int i = 0; i < items; ++i)
  {
    s.itemIds.push_back("i" + std::to_string(i));
    s.itemTitles.push_back("item " + std::to_string(i));
  }
  s.userStart.push_back(0);
  for (int u = 0; u < users; ++u)
  {
    s.userIds.push_back("u" + std::to_string(u));
    for (int j = 0; j < length; ++j)
    {
      s.user.push_back(u);
      s.item.push_back((3 * u + j) % items);
      s.ts.push_back(1700000000 + int64_t(u) * 3600 + int64_t(j) * 86400);
    }
    s.userStart.push_back(static_cast<int64_t>(s.user.size()));
  }
  return s;
}

/// A default config as toJson wrote it before `section.key` existed: every other key, not it.
inline m6::Json configWithout(const std::string& section, const std::string& key)
{
  m6::Json old = m6::toJson(m6::RunConfig());
  m6::Json kept = m6::Json::object();
  for (const auto& kv : old[section].asObject())
  {
    if (kv.first != key)
    {
      kept[kv.first] = kv.second;
    }
  }
  old[section] = kept;
  return old;
}

/// A config small enough for a unit test: narrow, short history, few epochs.
inline m6::RunConfig smallConfig()
{
  m6::RunConfig c;
  c.model.dim = 16;
  c.model.heads = 2;
  c.model.historyLength = 8;
  c.model.historyEncoder = m6::HistoryKind::None;
  c.model.textBuckets = 512;
  c.train.epochs = 2;
  c.train.batchSize = 128;
  c.train.lr = 5e-3;
  c.train.evalK = 10;
  c.train.patience = 0;
  return c;
}

inline bool allFinite(const std::vector<float>& v)
{
  for (float x : v)
  {
    if (!std::isfinite(x))
    {
      return false;
    }
  }
  return !v.empty();
}

}  // namespace m6test
