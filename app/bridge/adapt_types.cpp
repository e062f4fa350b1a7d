#include "app/bridge/adapt_types.h"

#include <QLocale>

namespace m6
{

void registerAdaptTypes()
{
  qRegisterMetaType<m6::AdaptOptions>("m6::AdaptOptions");
  qRegisterMetaType<m6::AdaptReport>("m6::AdaptReport");
  qRegisterMetaType<m6::AdaptRequest>("m6::AdaptRequest");
  qRegisterMetaType<m6::CompareJob>("m6::CompareJob");
  qRegisterMetaType<m6::AdaptPreview>("m6::AdaptPreview");
  qRegisterMetaType<m6::AdaptComparison>("m6::AdaptComparison");
  qRegisterMetaType<m6::ExportResult>("m6::ExportResult");
}

QString trainableSummary(const AdaptReport& report)
{
  const QLocale c(QLocale::English);
  const double pct = report.trainableShare * 100.0;
  // Small shares keep a decimal (PEFT is ~1%); large ones do not need it.
  const QString share =
      pct < 10 ? QString::number(pct, 'f', pct < 0.1 ? 2 : 1) : QString::number(pct, 'f', 0);
  return QStringLiteral("%1% of %2 parameters trainable (%3)")
      .arg(share, c.toString(static_cast<qlonglong>(report.totalParameters)),
           c.toString(static_cast<qlonglong>(report.trainableParameters)));
}

}  // namespace m6
