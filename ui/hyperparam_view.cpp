#include "ui/hyperparam_view.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "app/bridge/qt_text.h"
#include "ui/plot_frame.h"
#include "ui/plot_tools.h"

namespace m6
{

namespace
{

QString tickText(const ParallelAxis& a, double v)
{
  return QString::number(v, 'g', 4);
}

}  // namespace

HyperparamView::HyperparamView(QWidget* parent) : QWidget(parent)
{
  metric_ = new QComboBox(this);
  metric_->setToolTip(
      tr("The metric the table shows and the lines are coloured by. Choose a configuration by "
         "its validation figure (the default); the test figure reports the chosen one, and "
         "choosing by it flatters the winner"));
  metric_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Metric:"), this));
  top->addWidget(metric_);
  top->addStretch(1);

  table_ = new QTableWidget(this);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSortingEnabled(true);
  table_->verticalHeader()->hide();
  table_->setToolTip(tr("The fields that differ between the selected runs, and the metric"));

  frame_ = new PlotFrame(tr("Parallel coordinates"), QStringLiteral("parallel-coordinates"), this);
  QCustomPlot* p = frame_->plot();
  p->xAxis->setVisible(false);
  p->yAxis->setVisible(false);
  p->xAxis->grid()->setVisible(false);
  p->yAxis->grid()->setVisible(false);
  p->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  p->setToolTip(
      tr("One axis per varied field (and the metric, right); one line per run, "
         "coloured by the metric. Wheel zooms, drag pans, double-click resets."));
  scale_ = new QCPColorScale(p);
  scale_->setType(QCPAxis::atRight);
  scale_->setGradient(QCPColorGradient(QCPColorGradient::gpJet));
  scale_->setBarWidth(10);
  p->plotLayout()->addElement(0, 1, scale_);
  // The legend (run names with their colours) goes under the plot, not over the lines.
  p->axisRect()->insetLayout()->take(p->legend);
  p->plotLayout()->addElement(1, 0, p->legend);
  p->plotLayout()->setRowStretchFactor(1, 0.001);
  p->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  p->legend->setWrap(4);
  p->legend->setBorderPen(Qt::NoPen);
  p->legend->setFont(font());
  auto* margins = new QCPMarginGroup(p);
  p->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
  scale_->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
  auto* copy = new QAction(tr("Copy CSV"), frame_);
  copy->setToolTip(tr("Copy the table (runs, varied fields, metric) as CSV"));
  connect(copy, &QAction::triggered, this,
          [this]
          {
            QString csv;
            for (int c = 0; c < table_->columnCount(); ++c)
            {
              csv += (c ? "," : "") + table_->horizontalHeaderItem(c)->text();
            }
            csv += '\n';
            for (int r = 0; r < table_->rowCount(); ++r)
            {
              for (int c = 0; c < table_->columnCount(); ++c)
              {
                csv += (c ? "," : "") + (table_->item(r, c) ? table_->item(r, c)->text() : "");
              }
              csv += '\n';
            }
            QApplication::clipboard()->setText(csv);
          });
  frame_->addMenuAction(copy);
  connect(p, &QCustomPlot::mouseDoubleClick, this, [this] { drawAxes(); });

  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(table_);
  split->addWidget(frame_);
  split->setSizes({140, 360});
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(top);
  layout->addWidget(split, 1);
  connect(metric_, &QComboBox::currentIndexChanged, this, [this] { rebuild(); });
}

QCustomPlot* HyperparamView::plot() const
{
  return frame_->plot();
}

QString HyperparamView::metric() const
{
  return metric_->currentData().toString();
}

void HyperparamView::setMetric(const QString& metric)
{
  const int i = metric_->findData(metric);
  if (i >= 0)
  {
    metric_->setCurrentIndex(i);
  }
}

void HyperparamView::setRuns(const std::vector<RunRecord>& runs)
{
  runs_ = runs;
  const QString keep = metric();
  const QSignalBlocker block(metric_);
  metric_->clear();
  for (const QString& key : metricChoices(runs_))
  {
    metric_->addItem(metricChoiceLabel(key), key);
  }
  if (metric_->findData(keep) >= 0)
  {
    metric_->setCurrentIndex(metric_->findData(keep));
  }
  rebuild();
}

void HyperparamView::rebuild()
{
  std::vector<RunConfig> configs;
  for (const RunRecord& r : runs_)
  {
    configs.push_back(runConfig(r));
  }
  const auto rows = configDiff(configs);
  axes_ = parallelAxes(rows, runs_, metric());
  fillTable(rows);
  drawAxes();
  drawLines();
}

void HyperparamView::fillTable(const std::vector<ConfigDiffRow>& rows)
{
  table_->setSortingEnabled(false);
  table_->clear();
  table_->setRowCount(static_cast<int>(runs_.size()));
  table_->setColumnCount(static_cast<int>(rows.size()) + 2);
  QStringList headers{tr("Run")};
  for (const ConfigDiffRow& row : rows)
  {
    headers << row.label;
  }
  headers << metricChoiceLabel(metric());
  table_->setHorizontalHeaderLabels(headers);
  for (size_t c = 0; c < rows.size(); ++c)
  {
    table_->horizontalHeaderItem(static_cast<int>(c) + 1)->setToolTip(rows[c].key);
  }
  for (size_t r = 0; r < runs_.size(); ++r)
  {
    const int row = static_cast<int>(r);
    table_->setItem(row, 0, new QTableWidgetItem(qs(runs_[r].name)));
    for (size_t c = 0; c < rows.size(); ++c)
    {
      auto* item = new QTableWidgetItem;
      const Json& v = rows[c].raw[r];
      if (v.isNumber())
      {
        item->setData(Qt::DisplayRole, v.asDouble());
      }
      else
      {
        item->setText(rows[c].values[static_cast<int>(r)]);
      }
      table_->setItem(row, static_cast<int>(c) + 1, item);
    }
    auto* m = new QTableWidgetItem;
    const double v = metricValue(runs_[r], metric());
    if (std::isfinite(v))
    {
      m->setData(Qt::DisplayRole, v);
    }
    table_->setItem(row, static_cast<int>(rows.size()) + 1, m);
  }
  table_->setSortingEnabled(true);
  table_->resizeColumnsToContents();
}

void HyperparamView::drawAxes()
{
  QCustomPlot* p = frame_->plot();
  p->clearItems();
  const int n = static_cast<int>(axes_.size());
  const QPen axisPen(QColor(90, 90, 90), 1.2);
  for (int i = 0; i < n; ++i)
  {
    const ParallelAxis& a = axes_[static_cast<size_t>(i)];
    auto* line = new QCPItemLine(p);
    line->start->setCoords(i, 0);
    line->end->setCoords(i, 1);
    line->setPen(axisPen);
    auto* title = new QCPItemText(p);
    title->position->setCoords(i, 1.07);
    title->setText(i == n - 1 ? a.label : a.label + (a.logarithmic ? tr(" (log)") : QString()));
    title->setFont(QFont(font().family(), font().pointSize(), QFont::Bold));
    title->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
    // Ticks: every category, or the bottom, middle and top of a numeric range.
    QVector<QPair<double, QString>> ticks;
    if (a.categorical)
    {
      const int k = static_cast<int>(a.categories.size());
      for (int c = 0; c < k; ++c)
      {
        ticks.append({k > 1 ? double(c) / (k - 1) : 0.5, a.categories[c]});
      }
    }
    else if (a.max == a.min)
    {
      ticks.append({0.5, tickText(a, a.min)});
    }
    else
    {
      const double mid = a.logarithmic ? std::sqrt(a.min * a.max) : (a.min + a.max) / 2;
      ticks.append({0.0, tickText(a, a.min)});
      ticks.append({0.5, tickText(a, mid)});
      ticks.append({1.0, tickText(a, a.max)});
    }
    for (const auto& [y, text] : ticks)
    {
      auto* t = new QCPItemText(p);
      t->position->setCoords(i, y);
      t->setText(text);
      t->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
      t->setPadding(QMargins(5, 0, 0, 0));
      t->setColor(QColor(60, 60, 60));
      t->setBrush(QBrush(QColor(255, 255, 255, 200)));  // readable where a line crosses
    }
  }
  p->xAxis->setRange(-0.45, qMax(n - 1, 1) + 0.6);
  p->yAxis->setRange(-0.08, 1.16);
  p->replot(QCustomPlot::rpQueuedReplot);
}

void HyperparamView::drawLines()
{
  QCustomPlot* p = frame_->plot();
  p->clearPlottables();
  lines_ = 0;
  if (axes_.empty())
  {
    return;
  }
  const ParallelAxis& m = axes_.back();
  const QCPRange range(m.min, m.max > m.min ? m.max : m.min + 1e-9);
  scale_->setDataRange(range);
  scale_->axis()->setLabel(m.label);
  QCPColorGradient gradient = scale_->gradient();
  for (size_t r = 0; r < runs_.size(); ++r)
  {
    auto* curve = new QCPCurve(p->xAxis, p->yAxis);
    QVector<double> xs, ys;
    for (size_t i = 0; i < axes_.size(); ++i)
    {
      xs << static_cast<double>(i);
      ys << axes_[i].position[r];
    }
    curve->setData(xs, ys);
    const double v = metricValue(runs_[r], m.key);
    const QColor colour = std::isfinite(v) ? QColor(gradient.color(v, range)) : QColor(Qt::gray);
    curve->setPen(QPen(colour, 2.2));
    curve->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, colour, 6));
    curve->setName(qs(runs_[r].name));
    ++lines_;
  }
  p->legend->setVisible(lines_ > 0 && lines_ <= 16);
  p->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace m6
