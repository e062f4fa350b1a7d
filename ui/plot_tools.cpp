#include "ui/plot_tools.h"

#include <qcustomplot.h>

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QToolButton>

#include "ui/plot_frame.h"
#include "ui/save_file.h"

namespace m6
{

namespace
{

QString number(double v)
{
  return QString::number(v, 'g', 10);
}

QToolButton* toolButton(QAction* action, QWidget* parent)
{
  auto* b = new QToolButton(parent);
  b->setDefaultAction(action);
  b->setToolButtonStyle(Qt::ToolButtonTextOnly);
  b->setAutoRaise(true);
  return b;
}

}  // namespace

QString plotCsv(QCustomPlot* plot)
{
  QString out = QStringLiteral("series,x,y\n");
  for (int i = 0; i < plot->plottableCount(); ++i)
  {
    QCPAbstractPlottable* p = plot->plottable(i);
    const QString name = csvField(p->name());
    if (auto* g = qobject_cast<QCPGraph*>(p))
    {
      for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
      {
        out += name + ',' + number(it->key) + ',' + number(it->value) + '\n';
      }
    }
    else if (auto* c = qobject_cast<QCPCurve*>(p))
    {
      for (auto it = c->data()->constBegin(); it != c->data()->constEnd(); ++it)
      {
        out += name + ',' + number(it->key) + ',' + number(it->value) + '\n';
      }
    }
  }
  return out;
}

void enableZoomPan(QCustomPlot* plot)
{
  plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom | QCP::iSelectLegend);
  plot->axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
  plot->axisRect()->setRangeZoom(Qt::Horizontal | Qt::Vertical);
}

void setLogScale(QCPAxis* axis, bool log)
{
  if (log)
  {
    axis->setScaleType(QCPAxis::stLogarithmic);
    QSharedPointer<QCPAxisTickerLog> ticker(new QCPAxisTickerLog);
    axis->setTicker(ticker);
    axis->setNumberFormat(QStringLiteral("eb"));
    axis->setNumberPrecision(0);
  }
  else
  {
    axis->setScaleType(QCPAxis::stLinear);
    axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    axis->setNumberFormat(QStringLiteral("gb"));
    axis->setNumberPrecision(6);
  }
}

PlotControls::PlotControls(PlotFrame* frame, QCPAxis* valueAxis, std::function<void()> reset)
    : QObject(frame), frame_(frame), axis_(valueAxis), resetView_(std::move(reset))
{
  QCustomPlot* plot = frame->plot();
  enableZoomPan(plot);
  plot->setToolTip(
      tr("Wheel: zoom; drag: pan; double-click: reset view; right-click: more (log axis, CSV, "
         "save)"));
  reset_ = new QAction(tr("Reset view"), this);
  reset_->setToolTip(tr("Show all the data again after zooming or panning (double-click)"));
  connect(reset_, &QAction::triggered, this, &PlotControls::resetView);
  connect(plot, &QCustomPlot::mouseDoubleClick, this, [this] { resetView(); });

  log_ = new QAction(tr("Log y"), this);
  log_->setCheckable(true);
  log_->setToolTip(tr("Logarithmic value axis (values must be positive)"));
  connect(log_, &QAction::toggled, this,
          [this](bool on)
          {
            m6::setLogScale(axis_, on);
            resetView();
            Q_EMIT logScaleChanged(on);
          });

  copy_ = new QAction(tr("Copy CSV"), this);
  copy_->setToolTip(tr("Copy every series of this plot to the clipboard as CSV (series,x,y)"));
  connect(copy_, &QAction::triggered, this,
          [this] { QApplication::clipboard()->setText(plotCsv(frame_->plot())); });

  for (QAction* a : {reset_, log_, copy_})
  {
    frame->addHeaderWidget(toolButton(a, frame));
    frame->addMenuAction(a);
  }
}

bool PlotControls::logScale() const
{
  return log_->isChecked();
}

void PlotControls::setLogScale(bool log)
{
  log_->setChecked(log);
}

void PlotControls::resetView()
{
  if (resetView_)
  {
    resetView_();
    return;
  }
  frame_->plot()->rescaleAxes();
  frame_->plot()->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace m6
