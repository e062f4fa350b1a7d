#include "ui/duration_text.h"

#include <cmath>

namespace m6
{

QString formatDuration(double seconds)
{
  if (!(seconds >= 0) || seconds > 1e7)
  {
    return QStringLiteral("–");
  }
  const qint64 s = std::llround(seconds);
  if (s >= 3600)
  {
    return QStringLiteral("%1:%2:%3")
        .arg(s / 3600)
        .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'));
  }
  return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

}  // namespace m6
