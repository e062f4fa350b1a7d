#include "app/bridge/run_library.h"

namespace m6
{

RunLibrary::RunLibrary(const QString& workspacePath, QObject* parent) : QObject(parent)
{
  thread_ = std::make_unique<WorkerThread<RunWorker>>(QStringLiteral("m6-runs"), workspacePath);
  RunWorker* w = thread_->worker();
  // One worker answers in request order, so the last list to arrive is the newest.
  connect(w, &RunWorker::listed, this,
          [this](quint64, const m6::RunList& runs)
          {
            runs_ = runs;
            loaded_ = true;
            Q_EMIT runsChanged(runs_);
          });
  connect(w, &RunWorker::changed, this, &RunLibrary::changed);
  connect(w, &RunWorker::curvesReady, this, &RunLibrary::curvesReady);
  connect(w, &RunWorker::significanceReady, this, &RunLibrary::significanceReady);
  connect(w, &RunWorker::searchReady, this, &RunLibrary::searchReady);
  connect(w, &RunWorker::queueListed, this, &RunLibrary::queueListed);
  connect(w, &RunWorker::queueTaken, this, &RunLibrary::queueTaken);
  connect(w, &RunWorker::settingRead, this, &RunLibrary::settingRead);
  connect(w, &RunWorker::settingWritten, this, &RunLibrary::settingWritten);
  connect(w, &RunWorker::failed, this, &RunLibrary::requestFailed);
  connect(w, &RunWorker::waiting, this, &RunLibrary::waiting);
}

RunLibrary::~RunLibrary() = default;

const RunEntry* RunLibrary::find(qint64 runId) const
{
  for (const auto& e : runs_)
  {
    if (e.record.id == runId)
    {
      return &e;
    }
  }
  return nullptr;
}

template <typename F>
quint64 RunLibrary::send(F&& f)
{
  const quint64 token = ++lastToken_;
  thread_->invoke([w = thread_->worker(), token, f] { f(w, token); });
  return token;
}

quint64 RunLibrary::refresh()
{
  return send([](RunWorker* w, quint64 t) { w->list(t); });
}

quint64 RunLibrary::rename(qint64 runId, const QString& name)
{
  return send([runId, name](RunWorker* w, quint64 t) { w->rename(t, runId, name); });
}

quint64 RunLibrary::setNote(qint64 runId, const QString& note)
{
  return send([runId, note](RunWorker* w, quint64 t) { w->setNote(t, runId, note); });
}

quint64 RunLibrary::removeGroup(qint64 groupId)
{
  return send([groupId](RunWorker* w, quint64 t) { w->removeGroup(t, groupId); });
}

quint64 RunLibrary::remove(qint64 runId)
{
  return send([runId](RunWorker* w, quint64 t) { w->remove(t, runId); });
}

quint64 RunLibrary::loadCurves(const QList<qint64>& runIds)
{
  return send([runIds](RunWorker* w, quint64 t) { w->loadCurves(t, runIds); });
}

quint64 RunLibrary::significance(qint64 runA, qint64 runB, const QString& metric)
{
  return significance(SignificanceSide{runA, false}, SignificanceSide{runB, false}, metric);
}

quint64 RunLibrary::significance(const SignificanceSide& a, const SignificanceSide& b,
                                 const QString& metric)
{
  return send([a, b, metric](RunWorker* w, quint64 t) { w->significance(t, a, b, metric); });
}

quint64 RunLibrary::describeSearch(qint64 searchId)
{
  return send([searchId](RunWorker* w, quint64 t) { w->describeSearch(t, searchId); });
}

quint64 RunLibrary::removeSearch(qint64 searchId)
{
  return send([searchId](RunWorker* w, quint64 t) { w->removeSearch(t, searchId); });
}

quint64 RunLibrary::listQueue()
{
  return send([](RunWorker* w, quint64 t) { w->listQueue(t); });
}

quint64 RunLibrary::enqueue(const QueuedJob& job, bool first)
{
  return send([job, first](RunWorker* w, quint64 t) { w->enqueue(t, job, first); });
}

quint64 RunLibrary::moveQueued(qint64 jobId, int index)
{
  return send([jobId, index](RunWorker* w, quint64 t) { w->moveQueued(t, jobId, index); });
}

quint64 RunLibrary::removeQueued(qint64 jobId)
{
  return send([jobId](RunWorker* w, quint64 t) { w->removeQueued(t, jobId); });
}

quint64 RunLibrary::takeQueued()
{
  return send([](RunWorker* w, quint64 t) { w->takeQueued(t); });
}

quint64 RunLibrary::readSetting(const QString& key)
{
  return send([key](RunWorker* w, quint64 t) { w->readSetting(t, key); });
}

quint64 RunLibrary::writeSetting(const QString& key, const QString& value)
{
  return send([key, value](RunWorker* w, quint64 t) { w->writeSetting(t, key, value); });
}

}  // namespace m6
