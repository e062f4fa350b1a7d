#include "ui/attention_stats_panel.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>
#include <cmath>

#include "ui/plot_frame.h"

namespace m6
{

namespace
{

QColor headColour(int head)
{
  static const QColor palette[] = {
      QColor(31, 119, 180),  QColor(255, 127, 14), QColor(44, 160, 44),   QColor(214, 39, 40),
      QColor(148, 103, 189), QColor(140, 86, 75),  QColor(227, 119, 194), QColor(127, 127, 127)};
  return palette[head % 8];
}

void centreText(QCustomPlot* p, const QString& text)
{
  auto* t = new QCPItemText(p);
  t->position->setType(QCPItemPosition::ptAxisRectRatio);
  t->position->setCoords(0.5, 0.5);
  t->setText(text);
  t->setColor(Qt::gray);
}

void resetPlot(QCustomPlot* p)
{
  p->clearGraphs();
  p->clearPlottables();
  p->clearItems();
  p->legend->setVisible(false);
}

}  // namespace

AttentionStatsPanel::AttentionStatsPanel(QWidget* parent) : QWidget(parent)
{
  layer_ = new QComboBox(this);
  layer_->setToolTip(tr("The fusion layer the plots show"));
  compute_ = new QPushButton(tr("Compute again"), this);
  compute_->setToolTip(tr("Collect the attention of up to 2,000 users again (a few seconds)"));
  summary_ = new QLabel(this);
  summary_->setWordWrap(true);
  auto* bar = new QHBoxLayout;
  bar->setContentsMargins(0, 0, 0, 0);
  bar->addWidget(new QLabel(tr("Layer:"), this));
  bar->addWidget(layer_);
  bar->addWidget(summary_, 1);
  bar->addWidget(compute_);

  shares_ = new PlotFrame(tr("Share of attention by token (1 = most recent history item)"),
                          QStringLiteral("attention-shares"), this);
  shares_->plot()->setToolTip(
      tr("Mean weight per token over the users, one line per head; the "
         "thick line is the mean of the heads"));
  entropy_ =
      new PlotFrame(tr("Attention entropy per head"), QStringLiteral("attention-entropy"), this);
  entropy_->plot()->setToolTip(
      tr("Share of users per entropy bin (nats): sharp heads sit on the "
         "left, diffuse heads on the right"));
  trigger_ = new PlotFrame(tr("Planted trigger items vs other history items"),
                           QStringLiteral("attention-triggers"), this);
  trigger_->plot()->setToolTip(
      tr("Mean weight per history token on items of the planted trigger "
         "categories and on the other items (demo ground truth)"));
  triggerText_ = new QLabel(this);
  triggerText_->setWordWrap(true);
  auto* triggerBox = new QWidget(this);
  auto* tv = new QVBoxLayout(triggerBox);
  tv->setContentsMargins(0, 0, 0, 0);
  tv->addWidget(trigger_, 1);
  tv->addWidget(triggerText_);

  auto* grid = new QGridLayout;
  grid->addWidget(shares_, 0, 0);
  grid->addWidget(entropy_, 0, 1);
  grid->addWidget(triggerBox, 1, 0, 1, 2);
  grid->setRowStretch(0, 3);
  grid->setRowStretch(1, 1);
  trigger_->setMaximumHeight(240);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  layout->addLayout(grid, 1);

  connect(layer_, &QComboBox::currentIndexChanged, this, &AttentionStatsPanel::redraw);
  connect(compute_, &QPushButton::clicked, this, &AttentionStatsPanel::computeRequested);
  clear(tr("Open a model run to see its attention across users"));
}

int AttentionStatsPanel::layer() const
{
  return std::max(0, layer_->currentIndex());
}

QString AttentionStatsPanel::summary() const
{
  return summary_->text();
}

QString AttentionStatsPanel::triggerText() const
{
  return triggerText_->text();
}

void AttentionStatsPanel::clear(const QString& message)
{
  has_ = false;
  stats_ = AttentionStats();
  summary_->setText(message);
  triggerText_->clear();
  compute_->setEnabled(false);
  for (PlotFrame* f : {shares_, entropy_, trigger_})
  {
    resetPlot(f->plot());
    centreText(f->plot(), message);
    f->plot()->replot(QCustomPlot::rpQueuedReplot);
  }
}

void AttentionStatsPanel::setStats(const AttentionStatsView& view)
{
  stats_ = view.stats;
  has_ = true;
  compute_->setEnabled(true);
  {
    const QSignalBlocker block(layer_);
    const int keep = layer_->currentIndex();
    layer_->clear();
    for (int l = 0; l < stats_.layers; ++l)
    {
      layer_->addItem(tr("%1 of %2").arg(l + 1).arg(stats_.layers));
    }
    layer_->setCurrentIndex(std::clamp(keep, 0, std::max(0, stats_.layers - 1)));
  }
  const QString history = stats_.historyLength > 0
                              ? tr("history of up to %1 items").arg(stats_.historyLength)
                              : tr("no history (model.history_length 0)");
  summary_->setText(tr("%1 users, %2 layer(s) x %3 heads, %4; %5")
                        .arg(stats_.users)
                        .arg(stats_.layers)
                        .arg(stats_.heads)
                        .arg(history, QString::fromStdString(stats_.query)));
  redraw();
}

std::vector<double> AttentionStatsPanel::meanShares(int layer) const
{
  std::vector<double> mean;
  if (!has_ || stats_.heads == 0)
  {
    return mean;
  }
  mean.assign(static_cast<size_t>(stats_.historyLength) + 2, 0.0);
  for (int h = 0; h < stats_.heads; ++h)
  {
    const HeadAttention& a = stats_.perHead[headIndex(layer, h)];
    mean[0] += a.userShare / stats_.heads;
    mean[1] += a.contextShare / stats_.heads;
    for (size_t p = 0; p < a.historyByRecency.size() && p + 2 < mean.size(); ++p)
    {
      mean[p + 2] += a.historyByRecency[p] / stats_.heads;
    }
  }
  return mean;
}

void AttentionStatsPanel::redraw()
{
  if (!has_)
  {
    return;
  }
  drawShares();
  drawEntropy();
  drawTrigger();
}

void AttentionStatsPanel::drawShares()
{
  QCustomPlot* p = shares_->plot();
  resetPlot(p);
  const int l = layer();
  const int tokens = 2 + stats_.historyLength;
  QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
  ticks->addTick(0, tr("user"));
  ticks->addTick(1, tr("context"));
  for (int pos = 1; pos <= stats_.historyLength; ++pos)
  {
    ticks->addTick(pos + 1, QString::number(pos));
  }
  p->xAxis->setTicker(ticks);
  p->xAxis->setTickLabelRotation(-45);
  p->xAxis->setLabel(tr("token (history position, most recent first)"));
  p->yAxis->setLabel(tr("mean attention weight"));
  double top = 0.05;
  for (int h = 0; h < stats_.heads; ++h)
  {
    const HeadAttention& a = stats_.perHead[headIndex(l, h)];
    QVector<double> x;
    QVector<double> y;
    x << 0 << 1;
    y << a.userShare << a.contextShare;
    for (size_t pos = 0; pos < a.historyByRecency.size(); ++pos)
    {
      x << double(pos + 2);
      y << a.historyByRecency[pos];
    }
    QCPGraph* g = p->addGraph();
    g->setName(tr("head %1").arg(h + 1));
    g->setPen(QPen(headColour(h), 1.2));
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 4));
    g->setData(x, y, true);
    top = std::max(top, *std::max_element(y.begin(), y.end()));
  }
  const std::vector<double> mean = meanShares(l);
  QVector<double> x;
  QVector<double> y;
  for (size_t i = 0; i < mean.size(); ++i)
  {
    x << double(i);
    y << mean[i];
  }
  QCPGraph* g = p->addGraph();
  g->setName(tr("mean of heads"));
  g->setPen(QPen(Qt::black, 2.6));
  g->setData(x, y, true);
  p->xAxis->setRange(-0.5, tokens - 0.5);
  p->yAxis->setRange(0, top * 1.1);
  p->legend->setVisible(true);
  p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  p->replot(QCustomPlot::rpQueuedReplot);
}

void AttentionStatsPanel::drawEntropy()
{
  QCustomPlot* p = entropy_->plot();
  resetPlot(p);
  const int l = layer();
  const auto& edges = stats_.entropyBinEdges;
  p->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  p->xAxis->setLabel(tr("entropy of the head's weights (nats; 0 = all on one token)"));
  p->yAxis->setLabel(tr("share of users"));
  double top = 0.05;
  for (int h = 0; h < stats_.heads && edges.size() >= 2; ++h)
  {
    const HeadAttention& a = stats_.perHead[headIndex(l, h)];
    int64_t total = 0;
    for (int64_t c : a.entropyHistogram)
    {
      total += c;
    }
    QVector<double> x;
    QVector<double> y;
    for (size_t b = 0; b < a.entropyHistogram.size() && b + 1 < edges.size(); ++b)
    {
      x << (edges[b] + edges[b + 1]) / 2;
      y << (total > 0 ? double(a.entropyHistogram[b]) / double(total) : 0.0);
    }
    QCPGraph* g = p->addGraph();
    g->setName(
        tr("head %1 (mean %2 of uniform)").arg(h + 1).arg(a.meanNormalisedEntropy, 0, 'f', 2));
    g->setPen(QPen(headColour(h), 1.6));
    g->setLineStyle(QCPGraph::lsStepCenter);
    g->setData(x, y, true);
    if (!y.isEmpty())
    {
      top = std::max(top, *std::max_element(y.begin(), y.end()));
    }
  }
  if (edges.size() >= 2)
  {
    // The bins that hold users (one bin of margin): heads are rarely spread over the whole range.
    size_t lo = edges.size() - 1;
    size_t hi = 0;
    for (int h = 0; h < stats_.heads; ++h)
    {
      const auto& hist = stats_.perHead[headIndex(l, h)].entropyHistogram;
      for (size_t b = 0; b < hist.size(); ++b)
      {
        if (hist[b] > 0)
        {
          lo = std::min(lo, b);
          hi = std::max(hi, b + 1);
        }
      }
    }
    if (hi <= lo)
    {
      lo = 0;
      hi = edges.size() - 1;
    }
    lo = lo > 0 ? lo - 1 : 0;
    hi = std::min(edges.size() - 1, hi + 1);
    p->xAxis->setRange(edges[lo], edges[hi]);
    p->xAxis->setTickLabelRotation(0);
  }
  p->yAxis->setRange(0, top * 1.15);
  p->legend->setVisible(true);
  p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  p->replot(QCustomPlot::rpQueuedReplot);
}

void AttentionStatsPanel::drawTrigger()
{
  QCustomPlot* p = trigger_->plot();
  resetPlot(p);
  // Without ground truth, or with no user having both kinds of history items, the note says why.
  if (!stats_.hasTriggers || stats_.triggerUsers == 0)
  {
    const QString why = stats_.note.empty()
                            ? tr("This dataset names no planted trigger categories (only the demo "
                                 "generator's datasets do).")
                            : QString::fromStdString(stats_.note);
    centreText(p, why);
    triggerText_->setText(why);
    p->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  auto* bars = new QCPBars(p->yAxis, p->xAxis);  // horizontal bars
  bars->setWidth(0.6);
  bars->setBrush(QColor(66, 146, 198));
  bars->setPen(QPen(QColor(33, 90, 150)));
  bars->setData({0, 1}, {stats_.otherWeight, stats_.triggerWeight}, true);
  QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
  ticks->addTick(0, tr("other history items"));
  ticks->addTick(1, tr("trigger items"));
  p->yAxis->setTicker(ticks);
  p->yAxis->setRange(-0.6, 1.6);
  p->yAxis->setLabel(QString());
  p->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  p->xAxis->setLabel(tr("mean weight per history token (all layers and heads)"));
  p->xAxis->setRange(0, std::max(stats_.triggerWeight, stats_.otherWeight) * 1.2);
  QStringList categories;
  for (const auto& c : stats_.triggerCategories)
  {
    categories << QString::fromStdString(c);
  }
  const double ratio = stats_.otherWeight > 0 ? stats_.triggerWeight / stats_.otherWeight : 0;
  triggerText_->setText(tr("Over %1 users with both kinds of history items, a trigger item (%2) "
                           "takes %3 per token against %4 for another item: %5x.")
                            .arg(stats_.triggerUsers)
                            .arg(categories.join(QStringLiteral(", ")))
                            .arg(stats_.triggerWeight, 0, 'f', 4)
                            .arg(stats_.otherWeight, 0, 'f', 4)
                            .arg(ratio, 0, 'f', 2));
  p->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace m6
