#include "app/bridge/inspect_worker.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <exception>
#include <stdexcept>

#include "app/bridge/inspect_source.h"
#include "app/bridge/inspect_views.h"
#include "app/bridge/user_metrics_job.h"
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

// The per-user metrics come in slices of about this much work, so a user click waits at most
// one slice; rows are read a page at a time (measured at 25M: 162,541 rows took ~300 ms in one
// piece).
constexpr qint64 kMetricsSliceMs = 20;
constexpr int64_t kMetricsPageRows = 2000;

}  // namespace

InspectWorker::InspectWorker(QString workspacePath, std::shared_ptr<SnapshotStore> snapshots,
                             RunSourceOpener opener)
    : path_(std::move(workspacePath)),
      cache_(std::move(snapshots)),
      opener_(opener ? std::move(opener) : RunSourceOpener(openRunSource)),
      metricsPageRows_(kMetricsPageRows),
      metricsSliceMs_(kMetricsSliceMs)
{
}

void InspectWorker::setMetricsSlicing(int64_t pageRows, qint64 sliceMs)
{
  metricsPageRows_ = std::max<int64_t>(1, pageRows);
  metricsSliceMs_ = sliceMs;
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
            source();  // throws when nothing is open
            metricsJob_ =
                std::make_unique<UserMetricsJob>(token, catalog_, task_, info_.evalK, info_.runId,
                                                 QString::fromStdString(testProtocol_));
            continueUserMetrics(token);
          });
}

void InspectWorker::continueUserMetrics(quint64 token)
{
  // A later request, another run opened or the thread ending: the job is dropped unanswered
  // (the answer would be stale anyway).
  if (!metricsJob_ || metricsJob_->token() != token ||
      token < minToken_[channelIndex(InspectChannel::Metrics)].load() || cancelled_.load())
  {
    return;
  }
  bool done = false;
  try
  {
    done = metricsJob_->step(workspace(), source(), metricsPageRows_, metricsSliceMs_,
                             [&](const QString& text) { Q_EMIT phase(token, text); });
  }
  catch (const std::exception& e)
  {
    metricsJob_.reset();
    Q_EMIT failed(token, InspectChannel::Metrics, QString::fromUtf8(e.what()));
    return;
  }
  if (done)
  {
    UserMetricsTable t = metricsJob_->take();
    metricsJob_.reset();
    Q_EMIT userMetricsReady(token, t);
    return;
  }
  // Behind the requests that came in during this slice (a user click runs before the next one).
  QMetaObject::invokeMethod(
      this, [this, token] { continueUserMetrics(token); }, Qt::QueuedConnection);
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
