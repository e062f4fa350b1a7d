#include "ui/compare_chart.h"

#include <qcustomplot.h>

#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "ui/plot_frame.h"
#include "ui/plot_tools.h"

namespace m6
{

namespace
{

const QColor kAdapted(31, 119, 180);
const QColor kScratch(255, 127, 14);
const QColor kZeroShot(80, 80, 80);
const QColor kPopular(176, 120, 32);
constexpr double kBarWidth = 0.34;

QCPBars* makeBars(QCustomPlot* p, const QString& name, const QColor& colour)
{
  auto* b = new QCPBars(p->xAxis, p->yAxis);
  b->setName(name);
  b->setWidth(kBarWidth);
  b->setPen(QPen(colour.darker(130)));
  b->setBrush(colour);
  return b;
}

}  // namespace

CompareChart::CompareChart(QWidget* parent) : QWidget(parent)
{
  frame_ = new PlotFrame(tr("Adapted vs from scratch (test)"), QStringLiteral("adaptation"), this);
  QCustomPlot* p = frame_->plot();
  adapted_ = makeBars(p, tr("adapted"), kAdapted);
  scratch_ = makeBars(p, tr("from scratch"), kScratch);
  zeroShot_ = p->addGraph();
  zeroShot_->setName(tr("zero-shot"));
  zeroShot_->setPen(QPen(kZeroShot, 2, Qt::DashLine));
  popular_ = p->addGraph();
  popular_->setName(tr("most popular (target)"));
  popular_->setPen(QPen(kPopular, 2, Qt::DotLine));
  p->xAxis->setLabel(tr("share of the target's training data"));
  p->xAxis->grid()->setVisible(false);
  p->legend->setVisible(true);
  p->legend->setFont(font());
  p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
  new PlotControls(frame_, p->yAxis,
                   [this]
                   {
                     QCustomPlot* plot = frame_->plot();
                     plot->xAxis->setRange(left_, right_);
                     plot->yAxis->setRange(0, top_);
                     plot->replot();
                   });
  frame_->setToolTip(
      tr("Per share of the target's training data: the adapted run beside the run "
         "trained from scratch with the same data and budget; the dashed line is "
         "the parent evaluated zero-shot, the dotted one the target's most-popular "
         "baseline (the answer zero-shot must beat)"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(frame_);
}

void CompareChart::clear()
{
  QCustomPlot* p = frame_->plot();
  adapted_->data()->clear();
  scratch_->data()->clear();
  zeroShot_->data()->clear();
  popular_->data()->clear();
  p->clearItems();
  p->replot();
}

void CompareChart::setComparison(const AdaptComparison& c, const QString& metric)
{
  clear();
  QCustomPlot* p = frame_->plot();
  const std::string key = metric.toStdString();
  std::vector<double> fractions;
  for (const CompareArm& a : c.arms)
  {
    if (a.arm != "zero-shot" &&
        std::find_if(fractions.begin(), fractions.end(),
                     [&](double f) { return std::fabs(f - a.fraction) < 1e-9; }) == fractions.end())
    {
      fractions.push_back(a.fraction);
    }
  }
  std::sort(fractions.begin(), fractions.end());
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  double top = 0;
  auto label = [&](double x, double y)
  {
    auto* t = new QCPItemText(p);
    t->position->setCoords(x, y);
    t->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
    t->setText(QString::number(y, 'f', 3));
    t->setFont(QFont(font().family(), qMax(7, font().pointSize() - 1)));
    t->setClipToAxisRect(true);
  };
  for (size_t i = 0; i < fractions.size(); ++i)
  {
    const double x = static_cast<double>(i);
    ticker->addTick(x, QString::fromStdString(fractionLabel(fractions[i])));
    for (const char* arm : {"adapted", "scratch"})
    {
      const CompareArm* a = c.find(arm, fractions[i]);
      const double v = a ? a->test.get(key) : std::nan("");
      if (!std::isfinite(v))
      {
        continue;
      }
      const bool adapted = std::string(arm) == "adapted";
      const double bx = x + (adapted ? -kBarWidth / 2 : kBarWidth / 2);
      (adapted ? adapted_ : scratch_)->addData(bx, v);
      label(bx, v);
      top = std::max(top, v);
    }
  }
  const double left = -0.6;
  const double right = static_cast<double>(fractions.size()) - 0.4;
  // Horizontal reference lines, labelled at the right (zero-shot) or left (most popular) end.
  auto line = [&](const CompareArm* a, QCPGraph* graph, const QString& name, const QColor& color,
                  bool atRight)
  {
    if (!a || !std::isfinite(a->test.get(key)))
    {
      return;
    }
    const double v = a->test.get(key);
    graph->addData(left, v);
    graph->addData(right, v);
    auto* t = new QCPItemText(p);
    t->position->setCoords(atRight ? right : left, v);
    t->setPositionAlignment((atRight ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignBottom);
    t->setText(QStringLiteral("%1 %2").arg(name).arg(v, 0, 'f', 3));
    t->setColor(color);
    t->setClipToAxisRect(true);
    top = std::max(top, v);
  };
  line(c.find("zero-shot", 0), zeroShot_, tr("zero-shot"), kZeroShot, true);
  line(c.find("pop", 1.0), popular_, tr("most popular"), kPopular, false);
  left_ = left;
  right_ = right;
  top_ = top > 0 ? top * 1.18 : 1;
  p->xAxis->setTicker(ticker);
  p->xAxis->setRange(left_, right_);
  p->yAxis->setLabel(tr("test %1").arg(metric));
  p->yAxis->setRange(0, top_);
  frame_->setTitle(tr("Adapted vs from scratch: test %1").arg(metric));
  p->replot();
}

}  // namespace m6
