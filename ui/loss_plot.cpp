#include "ui/loss_plot.h"

#include <qcustomplot.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QVBoxLayout>
#include <cmath>

#include "ui/plot_frame.h"
#include "ui/plot_tools.h"

namespace m6
{

namespace
{

const QColor kLossColour(214, 96, 36);

}  // namespace

LossPlot::LossPlot(QWidget* parent) : QWidget(parent)
{
  frame_ = new PlotFrame(tr("Training loss per step"), QStringLiteral("training-loss"), this);
  QCustomPlot* p = frame_->plot();
  raw_ = p->addGraph();
  QColor faint = kLossColour;
  faint.setAlpha(70);
  raw_->setPen(QPen(faint, 1));
  // Redrawn up to 25 times a second while training: the faint raw line is drawn without
  // antialiasing and polylines take QPainter's fast path (a few ms per replot, not tens).
  raw_->setAntialiased(false);
  p->setPlottingHints(QCP::phFastPolylines | QCP::phCacheLabels);
  raw_->setName(tr("loss (raw)"));
  smooth_ = p->addGraph();
  smooth_->setPen(QPen(kLossColour, 2));
  smooth_->setName(tr("loss (smoothed)"));
  p->xAxis->setLabel(tr("step"));
  p->yAxis->setLabel(tr("training loss"));
  p->legend->setVisible(true);
  p->legend->setFont(font());
  p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  controls_ = new PlotControls(frame_, p->yAxis, [this] { resetView(); });
  // The view follows the data until the user zooms or pans; "Reset view" follows again.
  connect(p, &QCustomPlot::mouseWheel, this, [this] { followData_ = false; });
  connect(p, &QCustomPlot::mouseMove, this,
          [this](QMouseEvent* e)
          {
            if (e->buttons() != Qt::NoButton)
            {
              followData_ = false;
            }
          });

  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setRange(0, 99);
  slider_->setValue(static_cast<int>(std::lround(smoothing_ * 100)));
  slider_->setToolTip(
      tr("Smoothing of the loss curve: TensorBoard's debiased exponential moving average "
         "(0 = raw, 0.99 = very smooth). The faint line is the raw loss."));
  sliderValue_ = new QLabel(this);
  sliderValue_->setMinimumWidth(32);
  connect(slider_, &QSlider::valueChanged, this,
          [this](int v) { setSmoothing(static_cast<double>(v) / 100.0); });
  auto* row = new QHBoxLayout;
  auto* label = new QLabel(tr("Smoothing"), this);
  label->setToolTip(slider_->toolTip());
  row->addWidget(label);
  row->addWidget(slider_, 1);
  row->addWidget(sliderValue_);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(frame_, 1);
  layout->addLayout(row);
  setSmoothing(smoothing_);
}

QCustomPlot* LossPlot::plot() const
{
  return frame_->plot();
}

void LossPlot::clear()
{
  steps_.clear();
  losses_.clear();
  smoothed_.clear();
  ema_.reset();
  stride_ = 1;
  followData_ = true;
  raw_->data()->clear();
  smooth_->data()->clear();
  replot();
}

void LossPlot::append(double step, double loss)
{
  steps_.push_back(step);
  losses_.push_back(loss);
  smoothed_.push_back(ema_.add(loss));
}

void LossPlot::addSteps(const StepBatch& steps)
{
  if (steps.empty())
  {
    return;
  }
  QVector<double> keys, raw, smooth;
  keys.reserve(static_cast<int>(steps.size()));
  raw.reserve(keys.capacity());
  smooth.reserve(keys.capacity());
  for (const StepStats& s : steps)
  {
    append(static_cast<double>(s.step), s.loss);
    const size_t i = steps_.size() - 1;
    if (i % static_cast<size_t>(stride_) == 0)
    {
      keys.push_back(steps_[i]);
      raw.push_back(losses_[i]);
      smooth.push_back(smoothed_[i]);
    }
  }
  if (raw_->dataCount() + keys.size() > kMaxShownPoints)
  {
    while (steps_.size() / static_cast<size_t>(stride_) > static_cast<size_t>(kMaxShownPoints))
    {
      stride_ *= 2;
    }
    rebuild();
    return;
  }
  // One addData per graph (already sorted: steps arrive in order), then one queued replot.
  raw_->addData(keys, raw, true);
  smooth_->addData(keys, smooth, true);
  replot();
}

void LossPlot::setSteps(const std::vector<StepRecord>& steps)
{
  clear();
  for (const StepRecord& s : steps)
  {
    append(static_cast<double>(s.step), s.loss);
  }
  while (steps_.size() / static_cast<size_t>(stride_) > static_cast<size_t>(kMaxShownPoints))
  {
    stride_ *= 2;
  }
  rebuild();
}

void LossPlot::prependHistory(const std::vector<StepRecord>& history)
{
  std::vector<StepRecord> merged;
  const double firstLive = steps_.empty() ? 1e300 : steps_.front();
  for (const StepRecord& s : history)
  {
    if (static_cast<double>(s.step) < firstLive)
    {
      merged.push_back(s);
    }
  }
  for (size_t i = 0; i < steps_.size(); ++i)
  {
    merged.push_back({static_cast<int64_t>(steps_[i]), 0, losses_[i], 0});
  }
  setSteps(merged);
}

void LossPlot::setSmoothing(double weight)
{
  smoothing_ = qBound(0.0, weight, 0.99);
  sliderValue_->setText(QString::number(smoothing_, 'f', 2));
  smooth_->setName(tr("loss (smoothed %1)").arg(smoothing_, 0, 'f', 2));
  ema_ = EmaSmoother(smoothing_);
  smoothed_.clear();
  smoothed_.reserve(losses_.size());
  for (double y : losses_)
  {
    smoothed_.push_back(ema_.add(y));
  }
  rebuild();
}

void LossPlot::rebuild()
{
  QVector<double> keys, raw, smooth;
  for (size_t i = 0; i < steps_.size(); i += static_cast<size_t>(stride_))
  {
    keys.push_back(steps_[i]);
    raw.push_back(losses_[i]);
    smooth.push_back(smoothed_[i]);
  }
  raw_->setData(keys, raw, true);
  smooth_->setData(keys, smooth, true);
  frame_->setTitle(stride_ > 1 ? tr("Training loss per step (every %1th step drawn)").arg(stride_)
                               : tr("Training loss per step"));
  replot();
}

void LossPlot::resetView()
{
  followData_ = true;
  replot();
}

void LossPlot::replot()
{
  QCustomPlot* p = frame_->plot();
  if (followData_ && !steps_.empty())
  {
    raw_->rescaleAxes();
    smooth_->rescaleValueAxis(true, true);
    if (p->yAxis->scaleType() == QCPAxis::stLinear)
    {
      const QCPRange r = p->yAxis->range();
      p->yAxis->setRange(r.lower - r.size() * 0.03, r.upper + r.size() * 0.03);
    }
    const double x1 = qMax(steps_.back(), steps_.front() + 1.0);
    p->xAxis->setRange(steps_.front() > 1 ? steps_.front() : 0, x1);
  }
  p->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace m6
