#include "ui/embedding_map_view.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QToolTip>
#include <QVBoxLayout>
#include <map>

#include "ui/plot_frame.h"
#include "ui/plot_tools.h"

namespace m6
{

namespace
{

constexpr int kLegendColours = 12;

QColor codeColour(int code)
{
  static const QColor palette[kLegendColours] = {
      QColor(31, 119, 180),  QColor(255, 127, 14), QColor(44, 160, 44),   QColor(214, 39, 40),
      QColor(148, 103, 189), QColor(140, 86, 75),  QColor(227, 119, 194), QColor(188, 189, 34),
      QColor(23, 190, 207),  QColor(57, 59, 121),  QColor(40, 40, 40),    QColor(152, 223, 138)};
  return code < 0 ? QColor(170, 170, 170) : palette[code % kLegendColours];
}

}  // namespace

EmbeddingMapView::EmbeddingMapView(QWidget* parent) : QWidget(parent)
{
  kind_ = new QComboBox(this);
  kind_->addItem(tr("Items"), true);
  kind_->addItem(tr("Users"), false);
  kind_->setToolTip(tr("Map the item tokens or the user vectors"));
  colour_ = new QComboBox(this);
  colour_->setToolTip(tr("What the colours show: the category, or a user feature"));
  note_ = new QLabel(this);
  note_->setWordWrap(true);
  auto* bar = new QHBoxLayout;
  bar->setContentsMargins(0, 0, 0, 0);
  bar->addWidget(new QLabel(tr("Show:"), this));
  bar->addWidget(kind_);
  bar->addWidget(new QLabel(tr("Colour by:"), this));
  bar->addWidget(colour_);
  bar->addWidget(note_, 1);
  frame_ = new PlotFrame(tr("Embedding map (PCA)"), QStringLiteral("embedding-map"), this);
  QCustomPlot* p = frame_->plot();
  p->setToolTip(QString());  // hovering names the point instead
  p->setMinimumSize(400, 320);
  enableZoomPan(p);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(bar);
  layout->addWidget(frame_, 1);

  connect(kind_, &QComboBox::activated, this, [this] { Q_EMIT kindChanged(itemsSelected()); });
  connect(colour_, &QComboBox::currentIndexChanged, this, &EmbeddingMapView::redraw);
  connect(p, &QCustomPlot::mouseMove, this, &EmbeddingMapView::onMouseMove);
  connect(p, &QCustomPlot::mousePress, this, &EmbeddingMapView::onMousePress);
  clear(tr("Open a model run to see its embedding map"));
}

bool EmbeddingMapView::itemsSelected() const
{
  return kind_->currentData().toBool();
}

QString EmbeddingMapView::noteText() const
{
  return note_->text();
}

void EmbeddingMapView::clear(const QString& message)
{
  has_ = false;
  map_ = EmbeddingMap();
  QCustomPlot* p = frame_->plot();
  p->clearGraphs();
  p->clearItems();
  p->legend->setVisible(false);
  auto* t = new QCPItemText(p);
  t->position->setType(QCPItemPosition::ptAxisRectRatio);
  t->position->setCoords(0.5, 0.5);
  t->setText(message);
  t->setColor(Qt::gray);
  note_->clear();
  p->replot(QCustomPlot::rpQueuedReplot);
}

void EmbeddingMapView::setMap(const EmbeddingMap& map)
{
  map_ = map;
  has_ = true;
  {
    const QSignalBlocker block(kind_);
    kind_->setCurrentIndex(map.items ? 0 : 1);
  }
  {
    const QSignalBlocker block(colour_);
    const QString keep = colour_->currentText();
    colour_->clear();
    for (const auto& c : map.colourings)
    {
      colour_->addItem(c.name);
    }
    colour_->setCurrentIndex(std::max(0, colour_->findText(keep)));
  }
  QStringList notes;
  notes << tr("%1 %2, variance explained %3% + %4%")
               .arg(map.x.size())
               .arg(map.items ? tr("items") : tr("users (%1)").arg(map.vectorKind))
               .arg(map.explained[0] * 100, 0, 'f', 1)
               .arg(map.explained[1] * 100, 0, 'f', 1);
  if (!map.note.isEmpty())
  {
    notes << map.note;
  }
  note_->setText(notes.join(QStringLiteral(" — ")));
  redraw();
}

void EmbeddingMapView::redraw()
{
  if (!has_)
  {
    return;
  }
  QCustomPlot* p = frame_->plot();
  p->clearGraphs();
  p->clearItems();
  const int c = std::max(0, colour_->currentIndex());
  const MapColouring* colouring =
      size_t(c) < map_.colourings.size() ? &map_.colourings[size_t(c)] : nullptr;
  // One graph per shown label: the most frequent labels get a colour, the rest share grey.
  std::map<int, QVector<QCPGraphData>> byCode;
  std::map<int, int> counts;
  for (size_t i = 0; i < map_.x.size(); ++i)
  {
    const int code = colouring && i < colouring->codes.size() ? colouring->codes[i] : -1;
    ++counts[code];
  }
  std::vector<std::pair<int, int>> order;  // (count, code)
  for (const auto& [code, n] : counts)
  {
    if (code >= 0)
    {
      order.emplace_back(n, code);
    }
  }
  std::sort(order.begin(), order.end(), [](auto a, auto b) { return a.first > b.first; });
  std::map<int, int> slot;  // code -> colour slot
  for (size_t s = 0; s < order.size() && s < size_t(kLegendColours); ++s)
  {
    slot[order[s].second] = int(s);
  }
  std::map<int, QCPGraph*> graphs;
  auto graphFor = [&](int code) -> QCPGraph*
  {
    const int key = slot.count(code) ? code : -1;
    auto it = graphs.find(key);
    if (it != graphs.end())
    {
      return it->second;
    }
    QCPGraph* g = p->addGraph();
    g->setLineStyle(QCPGraph::lsNone);
    const QColor colour = key < 0 ? codeColour(-1) : codeColour(slot[key]);
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, 5));
    QString name = key < 0 ? tr("other / unknown") : colouring->labels.value(key);
    g->setName(name.isEmpty() ? tr("(empty)") : name);
    graphs[key] = g;
    return g;
  };
  std::map<QCPGraph*, QVector<QCPGraphData>> data;
  for (size_t i = 0; i < map_.x.size(); ++i)
  {
    const int code = colouring && i < colouring->codes.size() ? colouring->codes[i] : -1;
    data[graphFor(code)].append(QCPGraphData(map_.x[i], map_.y[i]));
  }
  for (auto& [g, points] : data)
  {
    g->data()->set(points, false);
  }
  p->xAxis->setLabel(tr("PC 1 (%1%)").arg(map_.explained[0] * 100, 0, 'f', 1));
  p->yAxis->setLabel(tr("PC 2 (%1%)").arg(map_.explained[1] * 100, 0, 'f', 1));
  p->rescaleAxes();
  p->xAxis->scaleRange(1.08);
  p->yAxis->scaleRange(1.08);
  p->legend->setVisible(!graphs.empty());
  p->legend->setFont(QFont(font().family(), int(font().pointSize() * 0.85)));
  p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  if (!map_.note.isEmpty())
  {
    auto* t = new QCPItemText(p);
    t->position->setType(QCPItemPosition::ptAxisRectRatio);
    t->position->setCoords(0.01, 0.99);
    t->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    t->setText(map_.note);
    t->setColor(QColor(120, 80, 0));
  }
  p->replot(QCustomPlot::rpQueuedReplot);
}

int EmbeddingMapView::pointAt(const QPoint& pos, double radius) const
{
  if (!has_)
  {
    return -1;
  }
  QCustomPlot* p = frame_->plot();
  int best = -1;
  double bestDistance = radius * radius;
  for (size_t i = 0; i < map_.x.size(); ++i)
  {
    const double dx = p->xAxis->coordToPixel(map_.x[i]) - pos.x();
    const double dy = p->yAxis->coordToPixel(map_.y[i]) - pos.y();
    const double d = dx * dx + dy * dy;
    if (d <= bestDistance)
    {
      bestDistance = d;
      best = int(i);
    }
  }
  return best;
}

QString EmbeddingMapView::pointText(int i) const
{
  if (i < 0 || size_t(i) >= map_.x.size())
  {
    return QString();
  }
  const int c = std::max(0, colour_->currentIndex());
  QString label;
  if (size_t(c) < map_.colourings.size())
  {
    const MapColouring& col = map_.colourings[size_t(c)];
    const int code = size_t(i) < col.codes.size() ? col.codes[size_t(i)] : -1;
    label = QStringLiteral("\n%1: %2").arg(col.name, code >= 0 ? col.labels.value(code) : "–");
  }
  const QString title = map_.titles.value(i);
  return (map_.items
              ? tr("Item %1%2").arg(map_.ids.value(i), title.isEmpty() ? QString() : "  " + title)
              : tr("User %1").arg(map_.ids.value(i))) +
         label + tr("\nclick to open");
}

void EmbeddingMapView::onMouseMove(QMouseEvent* event)
{
  const int i = pointAt(event->pos());
  if (i < 0)
  {
    QToolTip::hideText();
    return;
  }
  QToolTip::showText(event->globalPosition().toPoint(), pointText(i), frame_->plot());
}

void EmbeddingMapView::onMousePress(QMouseEvent* event)
{
  const int i = pointAt(event->pos());
  if (i < 0 || event->button() != Qt::LeftButton)
  {
    return;
  }
  const qint32 index = map_.index[size_t(i)];
  if (map_.items)
  {
    Q_EMIT itemActivated(index, map_.ids.value(i));
  }
  else
  {
    Q_EMIT userActivated(index);
  }
}

}  // namespace m6
