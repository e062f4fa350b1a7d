#include "ui/attention_heatmap.h"

#include <qcustomplot.h>

#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/plot_frame.h"

namespace m6
{

namespace
{

QCPColorGradient attentionGradient()
{
  QCPColorGradient g;
  g.clearColorStops();
  g.setColorStopAt(0.0, QColor(255, 255, 255));
  g.setColorStopAt(0.3, QColor(198, 219, 239));
  g.setColorStopAt(0.6, QColor(66, 146, 198));
  g.setColorStopAt(1.0, QColor(8, 48, 107));
  return g;
}

QCPRange cellRange(int size)
{
  // One cell spans the whole unit around 0; more cells are centred on 0..size-1.
  return size > 1 ? QCPRange(0, size - 1) : QCPRange(-0.5, 0.5);
}

QString shortLabel(const QString& token)
{
  if (token == QLatin1String("user") || token == QLatin1String("context"))
  {
    return token;
  }
  // "<id> <title>": the title reads better; hovering shows both.
  const int space = token.indexOf(QLatin1Char(' '));
  QString title = space > 0 ? token.mid(space + 1) : token;
  if (title.size() > 20)
  {
    title = title.left(19) + QStringLiteral("…");
  }
  return title;
}

}  // namespace

AttentionHeatmap::AttentionHeatmap(const QString& title, const QString& fileStem, QWidget* parent)
    : QWidget(parent)
{
  frame_ = new PlotFrame(title, fileStem, this);
  QCustomPlot* p = frame_->plot();
  p->setToolTip(QString());  // hovering shows the weight under the mouse instead
  p->setMinimumSize(320, 300);
  heatRect_ = p->axisRect();
  scale_ = new QCPColorScale(p);
  p->plotLayout()->addElement(0, 1, scale_);
  barRect_ = new QCPAxisRect(p);
  p->plotLayout()->addElement(1, 0, barRect_);
  p->plotLayout()->setRowStretchFactor(0, 1.6);
  p->plotLayout()->setRowStretchFactor(1, 1.0);
  auto* columns = new QCPMarginGroup(p);
  heatRect_->setMarginGroup(QCP::msLeft | QCP::msRight, columns);
  barRect_->setMarginGroup(QCP::msLeft | QCP::msRight, columns);
  auto* rows = new QCPMarginGroup(p);
  heatRect_->setMarginGroup(QCP::msTop | QCP::msBottom, rows);
  scale_->setMarginGroup(QCP::msTop | QCP::msBottom, rows);

  colorMap_ = new QCPColorMap(heatRect_->axis(QCPAxis::atBottom), heatRect_->axis(QCPAxis::atLeft));
  colorMap_->setInterpolate(false);
  colorMap_->setTightBoundary(false);
  colorMap_->setColorScale(scale_);
  colorMap_->setGradient(attentionGradient());
  scale_->setType(QCPAxis::atRight);
  scale_->axis()->setLabel(tr("weight"));
  scale_->setBarWidth(12);

  bars_ = new QCPBars(barRect_->axis(QCPAxis::atBottom), barRect_->axis(QCPAxis::atLeft));
  bars_->setWidth(0.7);
  bars_->setPen(QPen(QColor(33, 90, 150)));
  bars_->setBrush(QColor(66, 146, 198));
  barRect_->axis(QCPAxis::atLeft)->setLabel(tr("mean of heads"));
  barRect_->axis(QCPAxis::atLeft)->ticker()->setTickCount(3);
  heatRect_->axis(QCPAxis::atLeft)->setRangeReversed(true);  // head 1 on top
  for (QCPAxis* a : {heatRect_->axis(QCPAxis::atBottom), barRect_->axis(QCPAxis::atBottom)})
  {
    a->grid()->setVisible(false);
  }
  heatRect_->axis(QCPAxis::atLeft)->grid()->setVisible(false);
  heatRect_->axis(QCPAxis::atBottom)->setTickLabels(false);
  QFont small = font();
  small.setPointSizeF(small.pointSizeF() * 0.85);
  barRect_->axis(QCPAxis::atBottom)->setTickLabelFont(small);
  barRect_->axis(QCPAxis::atBottom)->setTickLabelRotation(55);
  connect(p, &QCustomPlot::mouseMove, this, &AttentionHeatmap::onMouseMove);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(frame_);
  clear(tr("Select a recommendation to see its attention"));
}

QCustomPlot* AttentionHeatmap::plot() const
{
  return frame_->plot();
}

double AttentionHeatmap::maxWeight(const AttentionMap& map)
{
  return map.weights.empty() ? 1.0 : *std::max_element(map.weights.begin(), map.weights.end());
}

void AttentionHeatmap::clear(const QString& message)
{
  map_ = AttentionMap();
  QCustomPlot* p = plot();
  colorMap_->data()->clear();
  colorMap_->setVisible(false);
  bars_->data()->clear();
  p->clearItems();
  auto* text = new QCPItemText(p);
  text->setClipToAxisRect(false);
  text->position->setAxisRect(heatRect_);
  text->position->setAxes(heatRect_->axis(QCPAxis::atBottom), heatRect_->axis(QCPAxis::atLeft));
  text->position->setType(QCPItemPosition::ptAxisRectRatio);
  text->position->setCoords(0.5, 0.5);
  text->setText(message);
  text->setColor(Qt::gray);
  p->replot(QCustomPlot::rpQueuedReplot);
}

void AttentionHeatmap::setMap(const AttentionMap& map, int layer, double maxWeight)
{
  if (!map.valid || map.layers == 0)
  {
    clear(tr("No attention to show"));
    return;
  }
  map_ = map;
  layer_ = std::clamp(layer, 0, map.layers - 1);
  const int tokens = map.tokenCount();
  const int heads = map.heads;
  QCustomPlot* p = plot();
  p->clearItems();
  QCPColorMapData* data = colorMap_->data();
  data->setSize(tokens, heads);
  data->setRange(cellRange(tokens), cellRange(heads));
  QVector<double> keys;
  QVector<double> means;
  for (int t = 0; t < tokens; ++t)
  {
    double sum = 0;
    for (int h = 0; h < heads; ++h)
    {
      const double w = map.weight(layer_, h, t);
      data->setCell(t, h, w);
      sum += w;
    }
    keys << t;
    means << sum / heads;
  }
  colorMap_->setVisible(true);
  colorMap_->setDataRange(
      QCPRange(0, maxWeight > 0 ? maxWeight : AttentionHeatmap::maxWeight(map)));
  bars_->setData(keys, means, true);

  QSharedPointer<QCPAxisTickerText> tokenTicks(new QCPAxisTickerText);
  for (int t = 0; t < tokens; ++t)
  {
    tokenTicks->addTick(t, shortLabel(map.tokens.at(t)));
  }
  QSharedPointer<QCPAxisTickerText> headTicks(new QCPAxisTickerText);
  for (int h = 0; h < heads; ++h)
  {
    headTicks->addTick(h, tr("head %1").arg(h + 1));
  }
  for (QCPAxisRect* r : {heatRect_, barRect_})
  {
    r->axis(QCPAxis::atBottom)->setTicker(tokenTicks);
    r->axis(QCPAxis::atBottom)->setRange(-0.5, tokens - 0.5);
  }
  heatRect_->axis(QCPAxis::atLeft)->setTicker(headTicks);
  heatRect_->axis(QCPAxis::atLeft)->setRange(-0.5, heads - 0.5);
  barRect_->axis(QCPAxis::atLeft)
      ->setRange(0, std::max(0.05, *std::max_element(means.begin(), means.end()) * 1.15));
  p->replot(QCustomPlot::rpQueuedReplot);
}

double AttentionHeatmap::cell(int head, int token) const
{
  return colorMap_->data()->cell(token, head);
}

double AttentionHeatmap::bar(int token) const
{
  auto it = bars_->data()->findBegin(token, false);
  return it != bars_->data()->constEnd() && it->key == token ? it->value : 0.0;
}

QStringList AttentionHeatmap::tickLabels() const
{
  auto ticker = barRect_->axis(QCPAxis::atBottom)->ticker().dynamicCast<QCPAxisTickerText>();
  return ticker ? QStringList(ticker->ticks().values()) : QStringList();
}

QString AttentionHeatmap::tokenText(int token) const
{
  const QString& t = map_.tokens.at(token);
  if (t == QLatin1String("user"))
  {
    return tr("the user token (id and features)");
  }
  if (t == QLatin1String("context"))
  {
    return tr("the context token (time of the held-out interaction, or the override)");
  }
  const int age = map_.tokenCount() - token;  // 1 = the most recent history item
  return tr("%1 (history item %2 from the end)").arg(t).arg(age);
}

QString AttentionHeatmap::tooltipAt(const QPoint& pos) const
{
  if (!map_.valid)
  {
    return QString();
  }
  const int tokens = map_.tokenCount();
  if (heatRect_->rect().contains(pos))
  {
    const int token = qRound(heatRect_->axis(QCPAxis::atBottom)->pixelToCoord(pos.x()));
    const int head = qRound(heatRect_->axis(QCPAxis::atLeft)->pixelToCoord(pos.y()));
    if (token < 0 || token >= tokens || head < 0 || head >= map_.heads)
    {
      return QString();
    }
    return tr("Head %1, layer %2: weight %3\non %4")
        .arg(head + 1)
        .arg(layer_ + 1)
        .arg(map_.weight(layer_, head, token), 0, 'f', 4)
        .arg(tokenText(token));
  }
  if (barRect_->rect().contains(pos))
  {
    const int token = qRound(barRect_->axis(QCPAxis::atBottom)->pixelToCoord(pos.x()));
    if (token < 0 || token >= tokens)
    {
      return QString();
    }
    return tr("Mean over %1 heads, layer %2: %3\non %4")
        .arg(map_.heads)
        .arg(layer_ + 1)
        .arg(bar(token), 0, 'f', 4)
        .arg(tokenText(token));
  }
  return QString();
}

void AttentionHeatmap::onMouseMove(QMouseEvent* event)
{
  const QString text = tooltipAt(event->pos());
  if (text.isEmpty())
  {
    QToolTip::hideText();
    return;
  }
  QToolTip::showText(event->globalPosition().toPoint(), text, plot());
}

}  // namespace m6
