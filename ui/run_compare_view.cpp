#include "ui/run_compare_view.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>
#include <map>
#include <set>

#include "app/bridge/qt_text.h"
#include "model/core/spread.h"
#include "ui/hyperparam_view.h"
#include "ui/loss_smoothing.h"
#include "ui/plot_frame.h"
#include "ui/plot_tools.h"
#include "ui/run_compare.h"

namespace m6
{

namespace
{

QColor runColour(int i)
{
  static const QColor kColours[] = {
      QColor(31, 119, 180),  QColor(214, 96, 36), QColor(44, 160, 44),   QColor(214, 39, 40),
      QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194), QColor(127, 127, 127),
      QColor(188, 189, 34),  QColor(23, 190, 207)};
  return kColours[i % 10];
}

constexpr double kSmoothing = 0.9;
constexpr int kMaxPointsPerRun = 5000;

QTableWidget* makeTable(QWidget* parent, const QString& tip)
{
  auto* t = new QTableWidget(parent);
  t->setEditTriggers(QAbstractItemView::NoEditTriggers);
  t->setToolTip(tip);
  t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  return t;
}

QString figure(double v)
{
  return std::isfinite(v) ? QString::number(v, 'f', 4) : QStringLiteral("–");
}

}  // namespace

RunCompareView::RunCompareView(QWidget* parent) : QTabWidget(parent)
{
  auto* curves = new QWidget(this);
  series_ = new QComboBox(curves);
  series_->setToolTip(tr("Which curve of each run to overlay"));
  series_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  overlay_ = new PlotFrame(tr("Selected runs"), QStringLiteral("runs-overlay"), curves);
  QCustomPlot* p = overlay_->plot();
  p->legend->setVisible(true);
  p->legend->setFont(font());
  p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  controls_ = new PlotControls(overlay_, p->yAxis, [this] { resetView(); });
  bands_ = new QCheckBox(tr("Seeds as mean ± sd"), curves);
  bands_->setChecked(true);
  bands_->setToolTip(
      tr("Draw the runs of a run group (one configuration, several seeds) as their mean with a "
         "band of ± one standard deviation, instead of one curve per run"));
  overlay_->addHeaderWidget(bands_);
  overlay_->addHeaderWidget(new QLabel(tr("Curve:"), curves));
  overlay_->addHeaderWidget(series_);
  auto* cl = new QVBoxLayout(curves);
  cl->setContentsMargins(0, 4, 0, 0);
  cl->addWidget(overlay_);
  addTab(curves, tr("Curves"));
  setTabToolTip(CurvesTab, tr("The selected runs' curves on one plot"));

  diff_ = makeTable(this, tr("Only the configuration fields whose values differ"));
  addTab(diff_, tr("Config diff"));
  setTabToolTip(DiffTab, tr("The configuration fields that differ between the selected runs"));
  metrics_ = makeTable(this, tr("Validation (best epoch) and test metrics side by side"));
  addTab(metrics_, tr("Metrics"));
  setTabToolTip(MetricsTab, tr("Validation and test metrics of the selected runs side by side"));
  hyper_ = new HyperparamView(this);
  addTab(hyper_, tr("Hyperparameters"));
  setTabToolTip(HyperparamTab,
                tr("The varied fields against a metric: table and parallel coordinates"));
  connect(series_, &QComboBox::currentIndexChanged, this, [this] { drawOverlay(); });
  connect(bands_, &QCheckBox::toggled, this, [this] { drawOverlay(); });
}

QCustomPlot* RunCompareView::overlayPlot() const
{
  return overlay_->plot();
}

QString RunCompareView::series() const
{
  return series_->currentData().toString();
}

void RunCompareView::setSeries(const QString& series)
{
  const int i = series_->findData(series);
  if (i >= 0)
  {
    series_->setCurrentIndex(i);
  }
}

void RunCompareView::setCurves(const CurveSet& curves)
{
  curves_ = curves;
  const QString keep = series();
  {
    const QSignalBlocker block(series_);
    series_->clear();
    series_->addItem(tr("Training loss per step (smoothed %1)").arg(kSmoothing),
                     QStringLiteral("loss-step"));
    series_->addItem(tr("Training loss per epoch"), QStringLiteral("loss-epoch"));
    std::vector<RunRecord> runs;
    for (const RunCurves& c : curves_)
    {
      runs.push_back(c.record);
    }
    for (const QString& m : metricNames(runs))
    {
      series_->addItem(tr("Validation %1 per epoch").arg(m), QStringLiteral("valid:") + m);
    }
    const int i = series_->findData(keep);
    series_->setCurrentIndex(i >= 0 ? i : 0);
    hyper_->setRuns(runs);
  }
  drawOverlay();
  fillDiff();
  fillMetrics();
}

std::pair<QVector<double>, QVector<double>> RunCompareView::seriesOf(const RunCurves& c,
                                                                     const QString& s)
{
  QVector<double> xs, ys;
  if (s == QLatin1String("loss-step"))
  {
    EmaSmoother ema(kSmoothing);
    const size_t stride = std::max<size_t>(1, c.steps.size() / kMaxPointsPerRun);
    for (size_t k = 0; k < c.steps.size(); ++k)
    {
      const double y = ema.add(c.steps[k].loss);
      if (k % stride == 0 || k + 1 == c.steps.size())
      {
        xs << static_cast<double>(c.steps[k].step);
        ys << y;
      }
    }
    return {xs, ys};
  }
  const std::string metric = s.mid(6).toStdString();
  for (const EpochRecord& e : c.epochs)
  {
    const double y = s == QLatin1String("loss-epoch") ? e.trainLoss : e.valid.get(metric);
    if (std::isfinite(y))
    {
      xs << e.epoch;
      ys << y;
    }
  }
  return {xs, ys};
}

void RunCompareView::drawBand(QCustomPlot* p, const std::vector<const RunCurves*>& runs,
                              const QString& s, const QString& name, const QColor& colour,
                              bool markers)
{
  // Per x that at least two runs have: the mean and the sample standard deviation.
  std::map<double, std::vector<double>> at;
  for (const RunCurves* c : runs)
  {
    const auto [xs, ys] = seriesOf(*c, s);
    for (int k = 0; k < xs.size(); ++k)
    {
      at[xs[k]].push_back(ys[k]);
    }
  }
  QVector<double> xs, mean, low, high;
  for (const auto& [x, values] : at)
  {
    if (values.size() < 2)
    {
      continue;
    }
    const Spread sp = spreadOf(values);
    xs << x;
    mean << sp.mean;
    low << sp.mean - sp.sd;
    high << sp.mean + sp.sd;
  }
  QCPGraph* lower = p->addGraph();
  lower->setPen(Qt::NoPen);
  lower->setData(xs, low, true);
  lower->removeFromLegend();
  QCPGraph* upper = p->addGraph();
  upper->setPen(Qt::NoPen);
  QColor fill = colour;
  fill.setAlpha(60);
  upper->setBrush(fill);
  upper->setChannelFillGraph(lower);
  upper->setData(xs, high, true);
  upper->removeFromLegend();
  QCPGraph* g = p->addGraph();
  g->setName(name);
  g->setPen(QPen(colour, 2));
  if (markers)
  {
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, Qt::white, 6));
  }
  g->setData(xs, mean, true);
}

void RunCompareView::drawOverlay()
{
  QCustomPlot* p = overlay_->plot();
  p->clearGraphs();
  const QString s = series();
  const bool perStep = s == QLatin1String("loss-step");
  p->xAxis->setLabel(perStep ? tr("step") : tr("epoch"));
  p->yAxis->setLabel(s.startsWith(QLatin1String("valid:")) ? s.mid(6) : tr("training loss"));
  // Runs of a group with at least two members here are drawn together (when bands are on).
  std::map<int64_t, std::vector<const RunCurves*>> groups;
  for (const RunCurves& c : curves_)
  {
    if (bands_->isChecked() && c.record.groupId)
    {
      groups[*c.record.groupId].push_back(&c);
    }
  }
  int i = 0;
  std::set<int64_t> drawnGroups;
  for (const RunCurves& c : curves_)
  {
    const auto group = c.record.groupId ? groups.find(*c.record.groupId) : groups.end();
    if (group != groups.end() && group->second.size() >= 2)
    {
      if (drawnGroups.insert(group->first).second)
      {
        const QString name = groupNames_.value(group->first, tr("group %1").arg(group->first));
        drawBand(p, group->second, s,
                 tr("%1 (mean ± sd of %2 runs)").arg(name).arg(group->second.size()),
                 runColour(i++), !perStep);
      }
      continue;
    }
    const auto [xs, ys] = seriesOf(c, s);
    QCPGraph* g = p->addGraph();
    g->setName(qs(c.record.name));
    g->setPen(QPen(runColour(i), 2));
    if (!perStep)
    {
      g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, runColour(i), Qt::white, 6));
    }
    g->setData(xs, ys, true);
    ++i;
  }
  // The legend goes where the curves are not: top right for falling ones (losses, errors),
  // bottom right for rising ones (ranking metrics, AUC).
  const bool rising = s.startsWith(QLatin1String("valid:")) &&
                      higherIsBetter(s.mid(6).section(QLatin1Char('@'), 0, 0).toStdString());
  p->axisRect()->insetLayout()->setInsetAlignment(
      0, Qt::AlignRight | (rising ? Qt::AlignBottom : Qt::AlignTop));
  // Epoch curves get whole-number ticks; step curves the usual ones.
  if (perStep)
  {
    p->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  }
  else
  {
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    p->xAxis->setTicker(ticker);
  }
  resetView();
}

void RunCompareView::resetView()
{
  QCustomPlot* p = overlay_->plot();
  p->rescaleAxes();
  if (series() != QLatin1String("loss-step"))
  {
    const QCPRange x = p->xAxis->range();
    p->xAxis->setRange(x.lower - 0.3, x.upper + 0.3);
  }
  if (p->yAxis->scaleType() == QCPAxis::stLinear)
  {
    const QCPRange y = p->yAxis->range();
    const double pad = qMax(y.size() * 0.06, 1e-6);
    p->yAxis->setRange(y.lower - pad, y.upper + pad);
  }
  p->replot(QCustomPlot::rpQueuedReplot);
}

QStringList RunCompareView::diffKeys() const
{
  QStringList keys;
  for (int r = 0; r < diff_->rowCount(); ++r)
  {
    if (diff_->verticalHeaderItem(r))
    {
      keys << diff_->verticalHeaderItem(r)->data(Qt::UserRole).toString();
    }
  }
  keys.removeAll(QString());
  return keys;
}

void RunCompareView::fillDiff()
{
  std::vector<RunConfig> configs;
  QStringList names;
  for (const RunCurves& c : curves_)
  {
    configs.push_back(runConfig(c.record));
    names << qs(c.record.name);
  }
  const auto rows = configDiff(configs);
  diff_->clear();
  diff_->setColumnCount(static_cast<int>(curves_.size()));
  diff_->setHorizontalHeaderLabels(names);
  diff_->setRowCount(rows.empty() ? 1 : static_cast<int>(rows.size()));
  if (rows.empty())
  {
    auto* h = new QTableWidgetItem(tr("(none)"));
    diff_->setVerticalHeaderItem(0, h);
    diff_->setItem(0, 0,
                   new QTableWidgetItem(curves_.size() < 2
                                            ? tr("Select two or more runs to compare them")
                                            : tr("The selected runs have the same configuration")));
    return;
  }
  for (size_t r = 0; r < rows.size(); ++r)
  {
    auto* h = new QTableWidgetItem(rows[r].label);
    h->setData(Qt::UserRole, rows[r].key);
    h->setToolTip(rows[r].group + QStringLiteral(": ") + rows[r].key);
    diff_->setVerticalHeaderItem(static_cast<int>(r), h);
    for (int c = 0; c < rows[r].values.size(); ++c)
    {
      diff_->setItem(static_cast<int>(r), c, new QTableWidgetItem(rows[r].values[c]));
    }
  }
}

void RunCompareView::fillMetrics()
{
  std::vector<RunRecord> runs;
  QStringList names;
  for (const RunCurves& c : curves_)
  {
    runs.push_back(c.record);
    names << qs(c.record.name);
  }
  const QStringList metrics = metricNames(runs);
  QStringList rowNames;
  for (const QString& m : metrics)
  {
    rowNames << tr("test %1").arg(m);
  }
  for (const QString& m : metrics)
  {
    rowNames << tr("valid %1").arg(m);
  }
  rowNames << tr("status") << tr("best epoch") << tr("epochs run") << tr("examples/s")
           << tr("parameters") << tr("protocol");
  metrics_->clear();
  metrics_->setColumnCount(static_cast<int>(runs.size()));
  metrics_->setHorizontalHeaderLabels(names);
  metrics_->setRowCount(static_cast<int>(rowNames.size()));
  metrics_->setVerticalHeaderLabels(rowNames);
  for (size_t c = 0; c < runs.size(); ++c)
  {
    const RunRecord& r = runs[c];
    QStringList cells;
    for (const QString& m : metrics)
    {
      cells << figure(r.test.get(m.toStdString()));
    }
    for (const QString& m : metrics)
    {
      cells << figure(r.valid.get(m.toStdString()));
    }
    cells << qs(wordOf(r.status)) << (r.bestEpoch > 0 ? QString::number(r.bestEpoch) : QString())
          << QString::number(r.epochsRun)
          << QLocale().toString(r.summary.value("examples_per_s", 0.0), 'f', 0)
          << QLocale().toString(static_cast<qlonglong>(r.summary.value("parameters", int64_t(0))))
          << qs(r.test.protocol.empty() ? r.valid.protocol : r.test.protocol);
    for (int row = 0; row < cells.size(); ++row)
    {
      auto* item = new QTableWidgetItem(cells[row]);
      item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      metrics_->setItem(row, static_cast<int>(c), item);
    }
  }
}

}  // namespace m6
