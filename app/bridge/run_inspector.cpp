#include "app/bridge/run_inspector.h"

#include "app/bridge/snapshot_store.h"

namespace m6
{

namespace
{

constexpr InspectChannel kAll[] = {InspectChannel::Open,      InspectChannel::User,
                                   InspectChannel::Attention, InspectChannel::Search,
                                   InspectChannel::Metrics,   InspectChannel::Stats,
                                   InspectChannel::Map};

size_t at(InspectChannel c)
{
  return static_cast<size_t>(c);
}

}  // namespace

template <typename Value>
void RunInspector::relay(InspectWorker* worker, void (InspectWorker::*from)(quint64, Value),
                         void (RunInspector::*to)(quint64, Value), InspectChannel channel)
{
  connect(worker, from, this,
          [this, to, channel](quint64 token, const Value& value)
          {
            if (current(channel, token))
            {
              Q_EMIT(this->*to)(token, value);
            }
          });
}

RunInspector::RunInspector(const QString& workspacePath, std::shared_ptr<SnapshotStore> snapshots,
                           RunSourceOpener opener, QObject* parent)
    : QObject(parent)
{
  thread_ = std::make_unique<WorkerThread<InspectWorker>>(
      QStringLiteral("m6-inspect"), workspacePath, std::move(snapshots), std::move(opener));
  InspectWorker* w = thread_->worker();
  connect(w, &InspectWorker::phase, this,
          [this](quint64 token, const QString& text)
          {
            if (token >= openedAt_ || token == latest_[at(InspectChannel::Open)])
            {
              Q_EMIT phaseChanged(text);
            }
          });
  connect(w, &InspectWorker::opened, this,
          [this](quint64 token, const m6::InspectSourceInfo& info)
          {
            if (current(InspectChannel::Open, token))
            {
              openedAt_ = token;
              open_ = true;
              info_ = info;
              Q_EMIT opened(info);
            }
          });
  relay(w, &InspectWorker::userReady, &RunInspector::userReady, InspectChannel::User);
  relay(w, &InspectWorker::attentionReady, &RunInspector::attentionReady,
        InspectChannel::Attention);
  relay(w, &InspectWorker::usersFound, &RunInspector::usersFound, InspectChannel::Search);
  relay(w, &InspectWorker::userMetricsReady, &RunInspector::userMetricsReady,
        InspectChannel::Metrics);
  relay(w, &InspectWorker::attentionStatsReady, &RunInspector::attentionStatsReady,
        InspectChannel::Stats);
  relay(w, &InspectWorker::embeddingMapReady, &RunInspector::embeddingMapReady,
        InspectChannel::Map);
  connect(w, &InspectWorker::failed, this,
          [this](quint64 token, m6::InspectChannel channel, const QString& message)
          {
            if (!current(channel, token))
            {
              return;
            }
            if (channel == InspectChannel::Open)
            {
              open_ = false;
              info_ = InspectSourceInfo();
              Q_EMIT openFailed(message);
              return;
            }
            Q_EMIT requestFailed(token, channel, message);
          });
}

RunInspector::~RunInspector() = default;

bool RunInspector::current(InspectChannel channel, quint64 token)
{
  if (token != latest_[at(channel)])
  {
    ++staleDropped_;
    return false;
  }
  latest_[at(channel)] = 0;  // answered
  return true;
}

quint64 RunInspector::next(InspectChannel channel)
{
  const quint64 token = ++lastToken_;
  latest_[at(channel)] = token;
  thread_->worker()->supersede(channel, token);
  return token;
}

template <typename F>
quint64 RunInspector::send(InspectChannel channel, F&& f)
{
  const quint64 token = next(channel);
  thread_->invoke([w = thread_->worker(), token, f] { f(w, token); });
  return token;
}

quint64 RunInspector::openRun(qint64 runId)
{
  const quint64 token = ++lastToken_;
  // Everything asked of the previous model is stale now; a long job of it stops.
  for (InspectChannel c : kAll)
  {
    latest_[at(c)] = 0;
    thread_->worker()->supersede(c, token);
  }
  latest_[at(InspectChannel::Open)] = token;
  thread_->worker()->interrupt(token);
  open_ = false;
  thread_->invoke([w = thread_->worker(), token, runId] { w->openRun(token, runId); });
  return token;
}

quint64 RunInspector::openFile(const QString& path)
{
  const quint64 token = ++lastToken_;
  for (InspectChannel c : kAll)
  {
    latest_[at(c)] = 0;
    thread_->worker()->supersede(c, token);
  }
  latest_[at(InspectChannel::Open)] = token;
  thread_->worker()->interrupt(token);
  open_ = false;
  thread_->invoke([w = thread_->worker(), token, path] { w->openFile(token, path); });
  return token;
}

quint64 RunInspector::showUser(const UserRequest& request)
{
  // Attention asked for the previous user is stale too.
  latest_[at(InspectChannel::Attention)] = 0;
  thread_->worker()->supersede(InspectChannel::Attention, lastToken_ + 1);
  return send(InspectChannel::User,
              [request](InspectWorker* w, quint64 t) { w->showUser(t, request); });
}

quint64 RunInspector::explain(const AttentionRequest& request)
{
  return send(InspectChannel::Attention,
              [request](InspectWorker* w, quint64 t) { w->explain(t, request); });
}

quint64 RunInspector::findUsers(const QString& text, int limit)
{
  return send(InspectChannel::Search,
              [text, limit](InspectWorker* w, quint64 t) { w->findUsers(t, text, limit); });
}

quint64 RunInspector::loadUserMetrics()
{
  return send(InspectChannel::Metrics, [](InspectWorker* w, quint64 t) { w->userMetrics(t); });
}

void RunInspector::setMetricsSlicing(int64_t pageRows, qint64 sliceMs)
{
  thread_->invoke([w = thread_->worker(), pageRows, sliceMs]
                  { w->setMetricsSlicing(pageRows, sliceMs); });
}

quint64 RunInspector::loadAttentionStats(int maxUsers)
{
  return send(InspectChannel::Stats,
              [maxUsers](InspectWorker* w, quint64 t) { w->attentionStats(t, maxUsers); });
}

quint64 RunInspector::loadEmbeddingMap(bool items, int maxPoints)
{
  return send(InspectChannel::Map, [items, maxPoints](InspectWorker* w, quint64 t)
              { w->embeddingMap(t, items, maxPoints); });
}

}  // namespace m6
