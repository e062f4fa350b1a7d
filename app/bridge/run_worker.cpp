#include "app/bridge/run_worker.h"

#include <exception>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "app/bridge/qt_text.h"
#include "app/bridge/worker_support.h"
#include "app/runner/search_runner.h"
#include "storage/run_groups.h"
#include "storage/run_queue.h"
#include "storage/runs.h"
#include "storage/searches.h"

namespace m6
{

namespace
{

template <typename T>
T take(Result<T> r)
{
  if (!r)
  {
    throw std::runtime_error(r.error());
  }
  return std::move(*r);
}

void check(const Status& s)
{
  if (!s)
  {
    throw std::runtime_error(s.error());
  }
}

}  // namespace

RunWorker::RunWorker(QString workspacePath) : path_(std::move(workspacePath)) {}

RunWorker::~RunWorker() = default;

void RunWorker::cancel()
{
  closing_ = true;
  std::lock_guard<std::mutex> lock(wsMutex_);
  if (ws_)
  {
    ws_->interrupt();
  }
}

Workspace& RunWorker::ws()
{
  if (!ws_)
  {
    auto opened = openSayingUpgrades(path_, false,
                                     [this](const QString& message) { Q_EMIT waiting(message); });
    if (!opened)
    {
      throw std::runtime_error(opened.error());
    }
    waitForOtherWritersBriefly(**opened, closing_,
                               [this](const QString& message) { Q_EMIT waiting(message); });
    std::lock_guard<std::mutex> lock(wsMutex_);
    ws_ = std::move(*opened);
  }
  return *ws_;
}

void RunWorker::emitList(quint64 token)
{
  namespace fs = std::filesystem;
  RunList out;
  RunStore store(ws());
  std::map<int64_t, RunGroupRecord> groups;
  for (auto& g : take(GroupStore(ws()).groups()))
  {
    groups.emplace(g.id, std::move(g));
  }
  // Each trial's run -> (its search, its trial number); searches are few, trials tens each.
  SearchStore searchStore(ws());
  std::map<int64_t, std::pair<SearchRecord, int>> trialOf;
  for (const auto& s : take(searchStore.searches()))
  {
    for (const auto& t : take(searchStore.trials(s.id)))
    {
      if (t.runId)
      {
        trialOf[*t.runId] = {s, t.trial};
      }
    }
  }
  for (auto& r : take(store.runs()))
  {
    RunEntry e;
    if (r.groupId)
    {
      auto g = groups.find(*r.groupId);
      if (g != groups.end())
      {
        e.group = g->second;
      }
    }
    if (auto t = trialOf.find(r.id); t != trialOf.end())
    {
      e.search = t->second.first;
      e.trial = t->second.second;
    }
    // A "running" record whose lock is free was interrupted (the trainer's process ended).
    e.active = r.status == RunStatus::Running && store.isActive(r.id);
    std::error_code ec;
    if (!r.folder.empty())
    {
      e.hasBest = fs::is_regular_file(fs::path(r.folder) / "best.pt", ec);
      e.hasLast = fs::is_regular_file(fs::path(r.folder) / "last.pt", ec);
    }
    e.record = std::move(r);
    out.push_back(std::move(e));
  }
  Q_EMIT listed(token, out);
}

void RunWorker::list(quint64 token)
{
  guardedJob(this, token, [&] { emitList(token); });
}

void RunWorker::loadCurves(quint64 token, QList<qint64> runIds)
{
  guardedJob(this, token,
             [&]
             {
               RunStore store(ws());
               CurveSet out;
               for (qint64 id : runIds)
               {
                 RunCurves c;
                 c.record = take(store.run(id));
                 c.steps = take(store.steps(id));
                 c.epochs = take(store.epochs(id));
                 out.push_back(std::move(c));
               }
               Q_EMIT curvesReady(token, out);
             });
}

void RunWorker::significance(quint64 token, m6::SignificanceSide a, m6::SignificanceSide b,
                             QString metric)
{
  guardedJob(this, token,
             [&]
             {
               RunStore store(ws());
               GroupStore groups(ws());
               Q_EMIT significanceReady(
                   token, take(compareSides(store, &groups, a, b, metric.trimmed().toStdString())));
             });
}

void RunWorker::rename(quint64 token, qint64 runId, QString name)
{
  guardedJob(this, token,
             [&]
             {
               const std::string trimmed = name.trimmed().toStdString();
               check(RunStore(ws()).rename(runId, trimmed));
               Q_EMIT changed(token, runId);
               emitList(0);
             });
}

void RunWorker::setNote(quint64 token, qint64 runId, QString note)
{
  guardedJob(this, token,
             [&]
             {
               check(RunStore(ws()).setNote(runId, note.toStdString()));
               Q_EMIT changed(token, runId);
               emitList(0);
             });
}

void RunWorker::remove(quint64 token, qint64 runId)
{
  guardedJob(this, token,
             [&]
             {
               check(RunStore(ws()).remove(runId));
               Q_EMIT changed(token, runId);
               emitList(0);
             });
}

void RunWorker::removeGroup(quint64 token, qint64 groupId)
{
  guardedJob(this, token,
             [&]
             {
               if (take(RunStore(ws()).runsOfGroup(groupId)).empty())
               {
                 check(GroupStore(ws()).remove(groupId));
               }
               Q_EMIT changed(token, 0);
               emitList(0);
             });
}

void RunWorker::describeSearch(quint64 token, qint64 searchId)
{
  guardedJob(this, token,
             [&]
             {
               const SearchRecord search = take(SearchStore(ws()).search(searchId));
               Q_EMIT searchReady(token, take(m6::describeSearch(ws(), search)));
             });
}

void RunWorker::removeSearch(quint64 token, qint64 searchId)
{
  guardedJob(this, token,
             [&]
             {
               check(SearchStore(ws()).remove(searchId));
               Q_EMIT changed(token, 0);
               emitList(0);
             });
}

void RunWorker::listQueue(quint64 token)
{
  guardedJob(this, token, [&] { Q_EMIT queueListed(token, take(QueueStore(ws()).jobs())); });
}

void RunWorker::enqueue(quint64 token, m6::QueuedJob job, bool first)
{
  guardedJob(this, token,
             [&]
             {
               QueueStore store(ws());
               take(store.add(job, first));
               Q_EMIT queueListed(token, take(store.jobs()));
             });
}

void RunWorker::moveQueued(quint64 token, qint64 jobId, int index)
{
  guardedJob(this, token,
             [&]
             {
               QueueStore store(ws());
               check(store.move(jobId, index));
               Q_EMIT queueListed(token, take(store.jobs()));
             });
}

void RunWorker::removeQueued(quint64 token, qint64 jobId)
{
  guardedJob(this, token,
             [&]
             {
               QueueStore store(ws());
               check(store.remove(jobId));
               Q_EMIT queueListed(token, take(store.jobs()));
             });
}

void RunWorker::takeQueued(quint64 token)
{
  guardedJob(this, token,
             [&]
             {
               QueueStore store(ws());
               const std::optional<QueuedJob> first = take(store.takeFirst());
               Q_EMIT queueTaken(token, first ? *first : QueuedJob());
               Q_EMIT queueListed(0, take(store.jobs()));
             });
}

void RunWorker::readSetting(quint64 token, QString key)
{
  guardedJob(this, token,
             [&]
             {
               const std::string value = take(ws().setting(key.toStdString()));
               Q_EMIT settingRead(token, key, qs(value));
             });
}

void RunWorker::writeSetting(quint64 token, QString key, QString value)
{
  guardedJob(this, token,
             [&]
             {
               check(ws().setSetting(key.toStdString(), value.toStdString()));
               Q_EMIT settingWritten(token, key);
             });
}

}  // namespace m6
