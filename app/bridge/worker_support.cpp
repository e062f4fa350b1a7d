#include "app/bridge/worker_support.h"

#include <QCoreApplication>
#include <stdexcept>

namespace m6
{

Workspace& openWorkspaceOnce(std::unique_ptr<Workspace>& ws, const QString& path)
{
  if (!ws)
  {
    auto opened = Workspace::open(path.toStdString(), false);
    if (!opened)
    {
      throw std::runtime_error(opened.error());
    }
    ws = std::move(*opened);
  }
  return *ws;
}

namespace
{

QString holderName(const std::string& holder)
{
  return holder.empty() ? QStringLiteral("another process") : QString::fromStdString(holder);
}

}  // namespace

void waitForOtherWriters(Workspace& ws, const std::atomic<bool>& cancel,
                         std::function<void(const WorkProgress&)> say)
{
  ws.setBusyTimeout(kWriterWaitMs);
  ws.setBusyCancel(&cancel);
  ws.setBusyNotice(
      [say = std::move(say)](const std::string& holder)
      {
        WorkProgress p;
        p.phase = QStringLiteral(
                      "Waiting for the workspace: %1 is writing to it; this goes on "
                      "when it is done (Cancel stops waiting)")
                      .arg(holderName(holder));
        say(p);
      });
}

Result<std::unique_ptr<Workspace>> openSayingUpgrades(const QString& path, bool create,
                                                      const std::function<void(QString)>& say)
{
  return Workspace::open(
      path.toStdString(), create,
      [&say](int from, int to)
      {
        say(QCoreApplication::translate("m6",
                                        "Upgrading the workspace from schema %1 to %2, once (up "
                                        "to a minute for tens of millions of interactions)…")
                .arg(from)
                .arg(to));
      });
}

void waitForOtherWritersBriefly(Workspace& ws, const std::atomic<bool>& closing,
                                std::function<void(const QString&)> say)
{
  ws.setBusyTimeout(kEditWaitMs);
  ws.setBusyCancel(&closing);
  ws.setBusyNotice(
      [say = std::move(say)](const std::string& holder)
      {
        say(QStringLiteral("Waiting for the workspace: %1 is writing to it; the change is made "
                           "when it is done (up to a minute)")
                .arg(holderName(holder)));
      });
}

void raiseFloor(std::atomic<quint64>& floor, quint64 token)
{
  quint64 current = floor.load();
  while (current < token && !floor.compare_exchange_weak(current, token))
  {
  }
}

ProgressThrottle::ProgressThrottle(std::function<void(const WorkProgress&)> emit)
    : emit_(std::move(emit))
{
  clock_.start();
}

void ProgressThrottle::operator()(const StorageProgress& p)
{
  const qint64 now = clock_.elapsed();
  if (p.phase != lastPhase_ || now - lastEmit_ >= 100)
  {
    lastPhase_ = p.phase;
    lastEmit_ = now;
    emit_(toWorkProgress(p, static_cast<double>(now) / 1000.0));
  }
}

}  // namespace m6
