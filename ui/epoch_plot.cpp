#include "ui/epoch_plot.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

#include "ui/plot_frame.h"
#include "ui/plot_tools.h"

namespace m6
{

namespace
{

const QColor kPalette[] = {QColor(31, 119, 180), QColor(44, 160, 44), QColor(148, 103, 189),
                           QColor(214, 39, 40), QColor(140, 86, 75)};
const QColor kBest(0, 140, 70);

}  // namespace

EpochPlot::EpochPlot(QWidget* parent) : QWidget(parent)
{
  frame_ = new PlotFrame(tr("Validation metrics per epoch"), QStringLiteral("validation"), this);
  QCustomPlot* p = frame_->plot();
  p->xAxis->setLabel(tr("epoch"));
  p->yAxis->setLabel(tr("validation metric"));
  QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
  ticker->setTickStep(1);
  ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
  p->xAxis->setTicker(ticker);
  p->legend->setVisible(true);
  p->legend->setFont(font());
  // Validation metrics mostly rise with the epochs: the top left is where the lines are not.
  p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
  bestLine_ = new QCPItemStraightLine(p);
  bestLine_->setPen(QPen(kBest, 1.5, Qt::DashLine));
  bestLine_->setVisible(false);
  bestLabel_ = new QCPItemText(p);
  bestLabel_->position->setTypeX(QCPItemPosition::ptPlotCoords);
  bestLabel_->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
  bestLabel_->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
  bestLabel_->setColor(kBest);
  bestLabel_->setPadding(QMargins(4, 2, 4, 2));
  bestLabel_->setVisible(false);
  controls_ = new PlotControls(frame_, p->yAxis, [this] { resetView(); });
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(frame_);
}

QCustomPlot* EpochPlot::plot() const
{
  return frame_->plot();
}

bool EpochPlot::shown(const std::string& m) const
{
  if (task_ == QLatin1String("ctr"))
  {
    return m == "auc" || m == "logloss";
  }
  if (task_ == QLatin1String("rating"))
  {
    return m == "rmse" || m == "mae";
  }
  return m.rfind("ndcg@", 0) == 0 || m.rfind("hr@", 0) == 0 || m.rfind("mrr@", 0) == 0;
}

void EpochPlot::clear(const QString& task)
{
  QCustomPlot* p = frame_->plot();
  for (QCPGraph* g : graphs_)
  {
    p->removeGraph(g);
  }
  graphs_.clear();
  task_ = task.isEmpty() ? QStringLiteral("ranking") : task;
  bestEpoch_ = 0;
  epochs_ = 0;
  bestLine_->setVisible(false);
  bestLabel_->setVisible(false);
  // LogLoss (ctr) lives on the right axis: it falls while AUC rises, on another scale.
  p->yAxis2->setVisible(task_ == QLatin1String("ctr"));
  p->yAxis2->setLabel(task_ == QLatin1String("ctr") ? tr("logloss") : QString());
  p->yAxis->setLabel(task_ == QLatin1String("ctr")      ? tr("auc")
                     : task_ == QLatin1String("rating") ? tr("error (rating units)")
                                                        : tr("ranking metric"));
  p->xAxis->setRange(0.5, 1.5);
  p->yAxis->setRange(0, 1);
  p->replot(QCustomPlot::rpQueuedReplot);
}

void EpochPlot::add(int epoch, const MetricSet& valid)
{
  QCustomPlot* p = frame_->plot();
  for (const auto& [name, value] : valid.values)
  {
    if (!shown(name))
    {
      continue;
    }
    const QString key = QString::fromStdString(name);
    QCPGraph* g = graphs_.value(key, nullptr);
    if (!g)
    {
      const bool right = name == "logloss";
      g = p->addGraph(p->xAxis, right ? p->yAxis2 : p->yAxis);
      const QColor c = kPalette[graphs_.size() % (sizeof(kPalette) / sizeof(kPalette[0]))];
      g->setPen(QPen(c, 2));
      g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, c, Qt::white, 6));
      g->setName(key);
      graphs_.insert(key, g);
    }
    g->addData(epoch, value);
  }
  epochs_ = qMax(epochs_, epoch);
}

void EpochPlot::markBest(int epoch)
{
  bestEpoch_ = epoch;
  QCustomPlot* p = frame_->plot();
  bestLine_->point1->setCoords(epoch, 0);
  bestLine_->point2->setCoords(epoch, 1);
  bestLine_->setVisible(epoch > 0);
  bestLabel_->position->setCoords(epoch, 0.02);
  bestLabel_->setText(tr("best: epoch %1").arg(epoch));
  bestLabel_->setVisible(epoch > 0);
  p->replot(QCustomPlot::rpQueuedReplot);
}

void EpochPlot::addEpoch(const EpochStats& e)
{
  add(e.epoch, e.valid);
  if (e.isBest)
  {
    markBest(e.epoch);
  }
  resetView();
}

void EpochPlot::setEpochs(const std::vector<EpochRecord>& epochs, int bestEpoch,
                          const QString& task)
{
  clear(task);
  for (const EpochRecord& e : epochs)
  {
    add(e.epoch, e.valid);
  }
  markBest(bestEpoch);
  resetView();
}

void EpochPlot::resetView()
{
  QCustomPlot* p = frame_->plot();
  if (graphs_.isEmpty())
  {
    p->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  p->rescaleAxes();
  p->xAxis->setRange(0.5, qMax(epochs_, 1) + 0.5);
  // A little headroom so points and the best label do not sit on the frame.
  for (QCPAxis* axis : {p->yAxis, p->yAxis2})
  {
    if (axis->scaleType() == QCPAxis::stLinear)
    {
      const QCPRange r = axis->range();
      const double pad = qMax(r.size() * 0.08, 1e-3);
      axis->setRange(r.lower - pad, r.upper + pad);
    }
  }
  p->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace m6
