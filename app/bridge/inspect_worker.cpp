#include "app/bridge/inspect_worker.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <exception>
#include <stdexcept>

#include "app/bridge/inspect_source.h"
#include "app/bridge/inspect_views.h"
#include "app/bridge/worker_support.h"
#include "app/runner/training_session.h"
#include "model/package.h"
#include "storage/runs.h"

namespace m6
{

namespace
{

size_t channelIndex(InspectChannel c)
{
  return static_cast<size_t>(c);
}

}  // namespace

InspectWorker::InspectWorker(QString workspacePath, std::shared_ptr<SnapshotStore> snapshots,
                             RunSourceOpener opener)
    : path_(std::move(workspacePath)),
      cache_(std::move(snapshots)),
      opener_(opener ? std::move(opener) : RunSourceOpener(openRunSource))
{
}

InspectWorker::~InspectWorker() = default;

void InspectWorker::supersede(InspectChannel channel, quint64 token)
{
  std::atomic<quint64>& min = minToken_[channelIndex(channel)];
  raiseFloor(min, token);
}

void InspectWorker::interrupt(quint64 token)
{
  raiseFloor(interruptBefore_, token);
  stop_.store(true);
}

void InspectWorker::cancel()
{
  cancelled_.store(true);
  stop_.store(true);
}

bool InspectWorker::stale(InspectChannel channel, quint64 token)
{
  if (token < minToken_[channelIndex(channel)].load())
  {
    ++skipped_;
    return true;
  }
  return false;
}

void InspectWorker::begin(quint64 token)
{
  // An interrupt stops the jobs queued before it; requests made after it run normally.
  if (!cancelled_.load() && token >= interruptBefore_.load())
  {
    stop_.store(false);
    // An interrupt() that raced in between (after the check, before the store) must not be
    // lost: check again now that the flag is down.
    if (token < interruptBefore_.load() || cancelled_.load())
    {
      stop_.store(true);
    }
  }
}

template <typename F>
void InspectWorker::guarded(quint64 token, InspectChannel channel, F&& f)
{
  if (stale(channel, token))
  {
    return;
  }
  begin(token);
  try
  {
    f();
  }
  catch (const std::exception& e)
  {
    Q_EMIT failed(token, channel, QString::fromUtf8(e.what()));
  }
}

Workspace& InspectWorker::workspace()
{
  return openWorkspaceOnce(ws_, path_);
}

InspectSource& InspectWorker::source()
{
  if (!source_)
  {
    throw std::runtime_error("no run is open for inspection; pick a run first");
  }
  return *source_;
}

int32_t InspectWorker::resolveUser(qint32 index, const QString& id) const
{
  if (index >= 0)
  {
    if (index >= catalog_.numUsers())
    {
      throw std::out_of_range("no user with index " + std::to_string(index));
    }
    return index;
  }
  const int32_t u = catalog_.userIndex(id.trimmed().toStdString());
  if (u < 0)
  {
    throw std::runtime_error("no user \"" + id.trimmed().toStdString() + "\" in " +
                             info_.datasetName.toStdString());
  }
  return u;
}

AttentionMap InspectWorker::explainOne(int32_t user, int32_t item, const ContextOverride& context)
{
  if (item < 0 || item >= catalog_.numItems())
  {
    throw std::out_of_range("no item with index " + std::to_string(item));
  }
  return attentionMap(source().explain(user, item, context), catalog_, user, item);
}

void InspectWorker::describeSource(InspectSourceInfo& info, const RunConfig& config)
{
  info.task = QString::fromStdString(wordOf(config.model.task));
  info.scorer = info.kind.startsWith(QLatin1String("baseline"))
                    ? QString()
                    : QString::fromStdString(wordOf(config.model.scorer));
  info.loadedFrom = QString::fromStdString(source_->loadedFrom());
  info.hasAttention = source_->hasAttention();
  info.noAttentionReason = QString::fromStdString(source_->noAttentionReason());
  info.usesContext = source_->usesContext();
  info.hasProfiles = catalog_.hasProfiles;
  info.hasEmbeddings = source_->hasEmbeddings();
  info.layers = config.model.attentionLayers;
  info.heads = config.model.heads;
  info.historyLength = config.model.historyLength;
  info.evalK = config.train.evalK;
  info.users = catalog_.numUsers();
  info.items = catalog_.numItems();
  info.categoryField = QString::fromStdString(catalog_.categoryField);
  for (const auto& c : catalog_.categoryNames)
  {
    info.categories << QString::fromStdString(c);
  }
  for (const auto& f : catalog_.data->userFields)
  {
    info.userFields << QString::fromStdString(f.name);
  }
  task_ = config.model.task;
}

void InspectWorker::openRun(quint64 token, qint64 runId)
{
  guarded(token, InspectChannel::Open,
          [&]
          {
            source_.reset();
            catalog_ = InspectCatalog();
            info_ = InspectSourceInfo();
            itemEmbeddings_.reset();
            userEmbeddings_.reset();
            auto run = RunStore(workspace()).run(runId);
            if (!run)
            {
              throw std::runtime_error(run.error());
            }
            const RunConfig config = configOfRun(*run);
            auto phaseFn = [&](const std::string& text)
            { Q_EMIT phase(token, QString::fromStdString(text)); };
            const LoadedDataset* data = cache_.get(workspace(), run->datasetId, phaseFn, &stop_);
            if (!data)
            {
              throw std::runtime_error("stopped while the dataset was loading");
            }
            InspectCatalog catalog = catalogFromSnapshot(data->snapshot, config);
            InspectSourceInfo info;
            info.runId = runId;
            info.name = QString::fromStdString(run->name);
            info.kind = QString::fromStdString(wordOf(run->kind));
            info.datasetId = run->datasetId;
            info.datasetName = QString::fromStdString(data->info.name);
            source_ = opener_(RunSourceRequest{
                *run, config, *data, RunStore(workspace()).runFolder(runId), phaseFn, &stop_});
            info.note = QString::fromStdString(source_->openNote());
            catalog_ = std::move(catalog);
            describeSource(info, config);
            info_ = info;
            testProtocol_ = run->test.protocol;
            Q_EMIT opened(token, info_);
          });
}

void InspectWorker::openFile(quint64 token, QString path)
{
  guarded(token, InspectChannel::Open,
          [&]
          {
            source_.reset();
            catalog_ = InspectCatalog();
            info_ = InspectSourceInfo();
            itemEmbeddings_.reset();
            userEmbeddings_.reset();
            Q_EMIT phase(token, QStringLiteral("Reading %1…").arg(path));
            auto package = ModelPackage::open(path.toStdString());
            const RunConfig config = package->config();
            InspectSourceInfo info;
            info.name = QFileInfo(path).fileName();
            info.kind = QStringLiteral("file");
            info.datasetName = QString::fromStdString(package->card().dataset);
            InspectCatalog catalog;
            source_ = packageSource(std::move(package), &catalog);
            catalog_ = std::move(catalog);
            describeSource(info, config);
            info_ = info;
            testProtocol_.clear();
            Q_EMIT opened(token, info_);
          });
}

void InspectWorker::showUser(quint64 token, m6::UserRequest r)
{
  guarded(token, InspectChannel::User,
          [&]
          {
            QElapsedTimer timer;
            timer.start();
            InspectSource& s = source();
            const int32_t user = resolveUser(r.user, r.userId);
            UserView v;
            v.runId = info_.runId;
            v.k = std::max(1, std::min(r.k, 1000));
            v.context = s.usesContext() ? r.context : ContextOverride();
            v.category = r.category;
            v.profile = buildProfile(catalog_, user);
            std::vector<uint8_t> mask;
            const std::vector<uint8_t>* allowed = nullptr;
            if (r.category >= 0)
            {
              mask = categoryMask(catalog_, r.category);
              allowed = &mask;
            }
            const auto recs = s.recommend(user, v.k, v.context, allowed);
            v.recommendations = recommendationRows(catalog_, user, recs);
            if (v.context.hourOfDay >= 0 || v.context.dayOfWeek >= 0)
            {
              fillDefaultRanks(v.recommendations, catalog_, user, s.scoreAll(user, {}), allowed);
              v.contextCompared = true;
            }
            if (!s.hasAttention())
            {
              v.attentionMessage = QString::fromStdString(s.noAttentionReason());
            }
            else
            {
              const int32_t item =
                  r.explainItem >= 0 ? r.explainItem : (recs.empty() ? -1 : recs.front().item);
              if (item >= 0)
              {
                v.attention = explainOne(user, item, v.context);
              }
              else
              {
                v.attentionMessage = QStringLiteral(
                    "No recommendation to explain: the category filter leaves no items.");
              }
              if (recs.empty() && r.explainItem >= 0)
              {
                // The explained item is kept for the same user, but the list is empty: say why.
                v.attentionMessage = QStringLiteral(
                    "The category filter leaves no items to recommend; the attention shown is for "
                    "the item explained before.");
              }
              if (r.compareItem >= 0)
              {
                v.compare = explainOne(user, r.compareItem, v.context);
              }
            }
            v.seconds = static_cast<double>(timer.nsecsElapsed()) * 1e-9;
            Q_EMIT userReady(token, v);
          });
}

void InspectWorker::explain(quint64 token, m6::AttentionRequest r)
{
  guarded(token, InspectChannel::Attention,
          [&]
          {
            InspectSource& s = source();
            if (!s.hasAttention())
            {
              throw std::logic_error(s.noAttentionReason());
            }
            const int32_t user = resolveUser(r.user, QString());
            int32_t item = r.item;
            if (item < 0)
            {
              item = catalog_.itemIndex(r.itemId.trimmed().toStdString());
              if (item < 0)
              {
                throw std::runtime_error("no item \"" + r.itemId.trimmed().toStdString() +
                                         "\" in " + info_.datasetName.toStdString());
              }
            }
            const ContextOverride context = s.usesContext() ? r.context : ContextOverride();
            AttentionPair pair;
            pair.first = explainOne(user, item, context);
            if (r.compareItem >= 0)
            {
              pair.second = explainOne(user, r.compareItem, context);
            }
            Q_EMIT attentionReady(token, pair);
          });
}

void InspectWorker::findUsers(quint64 token, QString text, int limit)
{
  guarded(token, InspectChannel::Search,
          [&]
          {
            source();
            Q_EMIT usersFound(token, m6::findUsers(catalog_, text, limit));
          });
}

void InspectWorker::userMetrics(quint64 token)
{
  guarded(token, InspectChannel::Metrics,
          [&]
          {
            InspectSource& s = source();
            std::vector<UserMetricRow> rows;
            QString origin = QStringLiteral("recorded with the run");
            QString protocol = QString::fromStdString(testProtocol_);
            // M6 runs and (since they keep them) baselines: the rows the run itself recorded.
            auto stored = RunStore(workspace()).userMetrics(info_.runId, "test");
            if (!stored)
            {
              throw std::runtime_error(stored.error());
            }
            rows = std::move(*stored);
            if (rows.empty() && task_ == Task::Ranking)
            {
              Q_EMIT phase(token, QStringLiteral("Ranking every user's test item…"));
              rows = computeTestRows(s, catalog_, &stop_);
              if (stop_.load())
              {
                throw std::runtime_error("stopped");
              }
              origin = QStringLiteral("computed now");
              protocol = QStringLiteral("full ranking, training and validation items excluded");
            }
            UserMetricsTable t = metricsTable(rows, catalog_, task_, info_.evalK);
            t.runId = info_.runId;
            t.source = origin;
            t.protocol = protocol;
            Q_EMIT userMetricsReady(token, t);
          });
}

void InspectWorker::attentionStats(quint64 token, int maxUsers)
{
  guarded(token, InspectChannel::Stats,
          [&]
          {
            AttentionStatsOptions o;
            o.maxUsers = maxUsers;
            Q_EMIT phase(token, QStringLiteral("Collecting attention across users…"));
            AttentionStatsView v;
            v.runId = info_.runId;
            v.stats = source().attentionStats(o, &stop_);
            if (v.stats.cancelled)
            {
              throw std::runtime_error("stopped");
            }
            Q_EMIT attentionStatsReady(token, v);
          });
}

void InspectWorker::embeddingMap(quint64 token, bool items, int maxPoints)
{
  guarded(token, InspectChannel::Map,
          [&]
          {
            InspectSource& s = source();
            // Each kind on its first request; the users of a large dataset only for the map's
            // sample (ranking every user's vector to show a few thousand would keep a user
            // click waiting for seconds).
            std::unique_ptr<Embeddings>& cached = items ? itemEmbeddings_ : userEmbeddings_;
            if (!cached || (!items && userSampleCap_ != maxPoints))
            {
              EmbeddingOptions o;
              o.items = items;
              o.users = !items;
              if (!items && maxPoints > 0 && catalog_.numUsers() > maxPoints)
              {
                o.userRows = mapSample(catalog_.numUsers(), maxPoints);
              }
              Q_EMIT phase(token,
                           items ? QStringLiteral("Computing the item tokens and their PCA…")
                                 : QStringLiteral("Computing the user vectors and their PCA…"));
              cached = std::make_unique<Embeddings>(s.embeddings(o));
              userSampleCap_ = items ? userSampleCap_ : maxPoints;
            }
            Q_EMIT embeddingMapReady(token, m6::embeddingMap(*cached, items, maxPoints, catalog_));
          });
}

}  // namespace m6
