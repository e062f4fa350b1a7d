#include "ui/compare_table.h"

#include <QHeaderView>
#include <QTableWidget>
#include <cmath>

#include "app/bridge/qt_text.h"

namespace m6
{

namespace
{

QString armText(const std::string& arm)
{
  return arm == "scratch" ? QObject::tr("from scratch")
         : arm == "pop"   ? QObject::tr("most popular (target)")
         : arm == "bpr"   ? QObject::tr("BPR-MF (target)")
                          : qs(arm);
}

}  // namespace

std::vector<double> parseShares(const QString& text, QString* error)
{
  std::vector<double> out;
  for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
  {
    bool ok = false;
    const double pct = part.trimmed().remove(QLatin1Char('%')).toDouble(&ok);
    if (!ok || !(pct > 0 && pct <= 100))
    {
      if (error)
      {
        *error = QObject::tr("Shares: \"%1\" is not a percentage above 0 and at most 100")
                     .arg(part.trimmed());
      }
      return {};
    }
    out.push_back(pct / 100.0);
  }
  if (out.empty() && error)
  {
    *error = QObject::tr("Shares: give at least one percentage, e.g. 10, 25, 100");
  }
  return out;
}

QString sharesText(const std::vector<double>& fractions)
{
  QStringList parts;
  for (double f : fractions)
  {
    parts << QString::number(f * 100.0, 'g', 4);
  }
  return parts.join(QStringLiteral(", "));
}

QStringList comparisonTableMetrics(const QStringList& available)
{
  QStringList names;
  for (const char* prefix : {"ndcg@", "hr@", "mrr@"})
  {
    for (const QString& n : available)
    {
      if (n.startsWith(QLatin1String(prefix)))
      {
        names << n;
        break;
      }
    }
  }
  return names.isEmpty() ? available : names;
}

void fillComparisonTable(QTableWidget* table, const AdaptComparison& comparison,
                         const QStringList& metrics)
{
  QStringList headers{QObject::tr("Arm"), QObject::tr("Share")};
  headers << metrics;
  headers << QObject::tr("Run") << QObject::tr("Status") << QObject::tr("Train examples");
  table->clear();
  table->setColumnCount(static_cast<int>(headers.size()));
  table->setHorizontalHeaderLabels(headers);
  table->setRowCount(static_cast<int>(comparison.arms.size()));
  for (int r = 0; r < table->rowCount(); ++r)
  {
    const CompareArm& a = comparison.arms[static_cast<size_t>(r)];
    int c = 0;
    auto put = [&](const QString& text, bool number)
    {
      auto* item = new QTableWidgetItem(text);
      item->setTextAlignment(number ? Qt::AlignRight | Qt::AlignVCenter
                                    : Qt::AlignLeft | Qt::AlignVCenter);
      table->setItem(r, c++, item);
    };
    put(armText(a.arm), false);
    put(a.arm == "zero-shot" ? QObject::tr("none (parent as is)") : qs(fractionLabel(a.fraction)),
        true);
    for (const QString& m : metrics)
    {
      const double v = a.test.get(m.toStdString());
      put(std::isfinite(v) ? QString::number(v, 'f', 4) : QString(), true);
    }
    put(a.runId > 0 ? QString::number(a.runId) : QStringLiteral("–"), true);
    put(qs(a.status), false);
    put(a.trainExamples > 0 ? QString::number(a.trainExamples) : QString(), true);
  }
  table->resizeColumnsToContents();
  table->horizontalHeader()->setStretchLastSection(false);
}

QString comparisonCsv(const AdaptComparison& comparison)
{
  QStringList metrics;
  for (const CompareArm& a : comparison.arms)
  {
    for (const auto& [name, value] : a.test.values)
    {
      if (!metrics.contains(qs(name)))
      {
        metrics << qs(name);
      }
    }
  }
  const QString protocol = QLatin1Char('"') +
                           qs(comparison.protocol).replace('"', QStringLiteral("\"\"")) +
                           QLatin1Char('"');
  QString out = QStringLiteral("arm,share,") + metrics.join(QLatin1Char(',')) +
                QStringLiteral(",run,status,train_examples,seconds,protocol\n");
  for (const CompareArm& a : comparison.arms)
  {
    QStringList row{qs(a.arm), a.arm == "zero-shot" ? QString() : QString::number(a.fraction)};
    for (const QString& m : metrics)
    {
      const double v = a.test.get(m.toStdString());
      row << (std::isfinite(v) ? QString::number(v, 'g', 8) : QString());
    }
    row << (a.runId > 0 ? QString::number(a.runId) : QString()) << qs(a.status)
        << QString::number(a.trainExamples) << QString::number(a.seconds, 'f', 2) << protocol;
    out += row.join(QLatin1Char(',')) + QLatin1Char('\n');
  }
  return out;
}

}  // namespace m6
