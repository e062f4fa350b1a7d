#include "app/bridge/inspect_types.h"

#include <QDateTime>
#include <QTimeZone>

namespace m6
{

void registerInspectTypes()
{
  // By name too, so QSignalSpy and queued connections that name them find them.
  qRegisterMetaType<m6::InspectChannel>("m6::InspectChannel");
  qRegisterMetaType<m6::InspectSourceInfo>("m6::InspectSourceInfo");
  qRegisterMetaType<m6::UserRequest>("m6::UserRequest");
  qRegisterMetaType<m6::UserView>("m6::UserView");
  qRegisterMetaType<m6::AttentionRequest>("m6::AttentionRequest");
  qRegisterMetaType<m6::AttentionPair>("m6::AttentionPair");
  qRegisterMetaType<m6::UserMatches>("m6::UserMatches");
  qRegisterMetaType<m6::UserMetricsTable>("m6::UserMetricsTable");
  qRegisterMetaType<m6::EmbeddingMap>("m6::EmbeddingMap");
  qRegisterMetaType<m6::AttentionStatsView>("m6::AttentionStatsView");
}

QString formatTime(int64_t t)
{
  if (t == DatasetSnapshot::kMissingTs)
  {
    return QStringLiteral("–");
  }
  return QDateTime::fromSecsSinceEpoch(t, QTimeZone::utc())
      .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

}  // namespace m6
