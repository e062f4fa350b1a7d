#include "ui/run_compare.h"

#include <QCoreApplication>
#include <algorithm>
#include <cmath>
#include <limits>

#include "app/bridge/qt_text.h"
#include "model/core/config_fields.h"
#include "ui/save_file.h"

namespace m6
{

namespace
{

QString num(double v)
{
  return QString::number(v, 'g', 10);
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

QString displayValue(const Json& v)
{
  if (v.isString())
  {
    return qs(v.asString());
  }
  if (v.isArray())
  {
    QStringList parts;
    for (const Json& e : v.asArray())
    {
      parts << (e.isString() ? qs(e.asString()) : qs(e.dump()));
    }
    return parts.isEmpty() ? QStringLiteral("(all)") : parts.join(QStringLiteral(", "));
  }
  if (v.isNumber() && !v.isInt())
  {
    return QString::number(v.asDouble(), 'g', 6);
  }
  return qs(v.dump());
}

std::vector<ConfigDiffRow> configDiff(const std::vector<RunConfig>& configs)
{
  std::vector<ConfigDiffRow> out;
  if (configs.size() < 2)
  {
    return out;
  }
  for (const ConfigFieldInfo& f : configFields())
  {
    ConfigDiffRow row;
    bool differs = false;
    for (const RunConfig& c : configs)
    {
      row.raw.push_back(getValue(c, f.key));
      differs = differs || row.raw.back() != row.raw.front();
    }
    if (!differs)
    {
      continue;
    }
    row.key = qs(f.key);
    row.label = qs(f.label);
    row.group = qs(f.group);
    for (const Json& v : row.raw)
    {
      row.values << displayValue(v);
    }
    out.push_back(std::move(row));
  }
  return out;
}

RunConfig runConfig(const RunRecord& run, bool* ok)
{
  try
  {
    RunConfig c = fromJson(Json::parse(run.configJson));
    if (ok)
    {
      *ok = true;
    }
    return c;
  }
  catch (const std::exception&)
  {
    if (ok)
    {
      *ok = false;
    }
    return RunConfig();
  }
}

QString primaryMetric(const RunRecord& run)
{
  bool ok = false;
  RunConfig c = runConfig(run, &ok);
  if (!ok)
  {
    const MetricSet& m = run.test.empty() ? run.valid : run.test;
    return m.values.empty() ? QString() : qs(m.values.front().first);
  }
  if (run.kind != RunKind::M6)
  {
    c.model.task = m6::Task::Ranking;  // the baselines always rank
    c.train.earlyStopMetric = "auto";
  }
  return qs(metricName(effectiveStopMetric(c), c.train.evalK));
}

QStringList metricNames(const std::vector<RunRecord>& runs)
{
  QStringList out;
  for (const RunRecord& r : runs)
  {
    const QString p = primaryMetric(r);
    if (!p.isEmpty() && !out.contains(p))
    {
      out << p;
    }
  }
  for (const RunRecord& r : runs)
  {
    for (const MetricSet* m : {&r.test, &r.valid})
    {
      for (const auto& kv : m->values)
      {
        if (!out.contains(qs(kv.first)))
        {
          out << qs(kv.first);
        }
      }
    }
  }
  return out;
}

QStringList metricChoices(const std::vector<RunRecord>& runs)
{
  QStringList valid;
  QStringList test;
  for (const QString& name : metricNames(runs))
  {
    const std::string n = name.toStdString();
    const bool inValid =
        std::any_of(runs.begin(), runs.end(), [&](const RunRecord& r) { return r.valid.has(n); });
    const bool inTest =
        std::any_of(runs.begin(), runs.end(), [&](const RunRecord& r) { return r.test.has(n); });
    if (inValid)
    {
      valid << QStringLiteral("valid:") + name;
    }
    if (inTest)
    {
      test << QStringLiteral("test:") + name;
    }
  }
  return valid + test;
}

QString metricChoiceLabel(const QString& key)
{
  if (key.startsWith(QLatin1String("valid:")))
  {
    return QCoreApplication::translate("RunCompare", "validation %1").arg(key.mid(6));
  }
  if (key.startsWith(QLatin1String("test:")))
  {
    return QCoreApplication::translate("RunCompare", "test %1").arg(key.mid(5));
  }
  return key;
}

double metricValue(const RunRecord& run, const QString& metric)
{
  if (metric.startsWith(QLatin1String("valid:")))
  {
    return run.valid.get(metric.mid(6).toStdString(), kNaN);
  }
  if (metric.startsWith(QLatin1String("test:")))
  {
    return run.test.get(metric.mid(5).toStdString(), kNaN);
  }
  const std::string name = metric.toStdString();
  if (run.test.has(name))
  {
    return run.test.get(name);
  }
  return run.valid.get(name, kNaN);
}

std::vector<ParallelAxis> parallelAxes(const std::vector<ConfigDiffRow>& rows,
                                       const std::vector<RunRecord>& runs, const QString& metric)
{
  std::vector<ParallelAxis> axes;
  const size_t n = runs.size();
  auto numeric = [&](ParallelAxis& a, const std::vector<double>& values)
  {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (double v : values)
    {
      if (std::isfinite(v))
      {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
    a.min = std::isfinite(lo) ? lo : 0;
    a.max = std::isfinite(hi) ? hi : 1;
    a.logarithmic = a.min > 0 && a.max / a.min > 10;
    for (double v : values)
    {
      double p = kNaN;
      if (std::isfinite(v))
      {
        if (a.max == a.min)
        {
          p = 0.5;
        }
        else if (a.logarithmic)
        {
          p = std::log(v / a.min) / std::log(a.max / a.min);
        }
        else
        {
          p = (v - a.min) / (a.max - a.min);
        }
      }
      a.position.push_back(p);
    }
  };
  for (const ConfigDiffRow& row : rows)
  {
    ParallelAxis a;
    a.key = row.key;
    a.label = row.label;
    const bool isNumber =
        std::all_of(row.raw.begin(), row.raw.end(), [](const Json& v) { return v.isNumber(); });
    if (isNumber)
    {
      std::vector<double> values;
      for (const Json& v : row.raw)
      {
        values.push_back(v.asDouble());
      }
      numeric(a, values);
    }
    else
    {
      a.categorical = true;
      a.categories = row.values;
      a.categories.removeDuplicates();
      a.categories.sort();
      const int k = static_cast<int>(a.categories.size());
      for (const QString& v : row.values)
      {
        a.position.push_back(k > 1 ? static_cast<double>(a.categories.indexOf(v)) / (k - 1) : 0.5);
      }
    }
    axes.push_back(std::move(a));
  }
  ParallelAxis m;
  m.key = metric;
  m.label = metricChoiceLabel(metric);
  std::vector<double> values;
  for (size_t i = 0; i < n; ++i)
  {
    values.push_back(metricValue(runs[i], metric));
  }
  numeric(m, values);
  m.logarithmic = false;  // metrics compare linearly
  m.position.clear();
  for (double v : values)
  {
    m.position.push_back(!std::isfinite(v) ? kNaN
                         : m.max == m.min  ? 0.5
                                           : (v - m.min) / (m.max - m.min));
  }
  axes.push_back(std::move(m));
  return axes;
}

QString curvesCsv(const CurveSet& curves)
{
  QString out = QStringLiteral("run_id,run_name,curve,step,epoch,value\n");
  for (const RunCurves& c : curves)
  {
    const QString head = QString::number(c.record.id) + ',' + csvField(qs(c.record.name)) + ',';
    for (const StepRecord& s : c.steps)
    {
      const QString at = ',' + QString::number(s.step) + ',' + QString::number(s.epoch) + ',';
      out += head + QStringLiteral("train_loss") + at + num(s.loss) + '\n';
      out += head + QStringLiteral("lr") + at + num(s.lr) + '\n';
    }
    for (const EpochRecord& e : c.epochs)
    {
      const QString at = QStringLiteral(",,") + QString::number(e.epoch) + ',';
      out += head + QStringLiteral("epoch_train_loss") + at + num(e.trainLoss) + '\n';
      for (const auto& kv : e.valid.values)
      {
        out +=
            head + csvField(QStringLiteral("valid_") + qs(kv.first)) + at + num(kv.second) + '\n';
      }
    }
  }
  return out;
}

}  // namespace m6
