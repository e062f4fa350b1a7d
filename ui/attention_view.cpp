#include "ui/attention_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/attention_heatmap.h"
#include "ui/plot_frame.h"
#include "ui/save_file.h"

namespace m6
{

QString attentionCsv(const std::vector<AttentionMap>& maps)
{
  QString out = QStringLiteral("item,layer,head,token_index,token,token_item,weight\n");
  for (const AttentionMap& m : maps)
  {
    if (!m.valid)
    {
      continue;
    }
    for (int l = 0; l < m.layers; ++l)
    {
      for (int h = 0; h < m.heads; ++h)
      {
        for (int t = 0; t < m.tokenCount(); ++t)
        {
          out += csvField(m.itemId) + ',' + QString::number(l + 1) + ',' + QString::number(h + 1) +
                 ',' + QString::number(t) + ',' + csvField(m.tokens.at(t)) + ',' +
                 QString::number(m.tokenItem[static_cast<size_t>(t)]) + ',' +
                 QString::number(double(m.weight(l, h, t)), 'g', 9) + '\n';
        }
      }
    }
  }
  return out;
}

AttentionView::AttentionView(QWidget* parent) : QWidget(parent)
{
  layer_ = new QComboBox(this);
  layer_->setToolTip(tr("The fusion layer whose attention the heatmaps show"));
  compare_ = new QComboBox(this);
  compare_->setToolTip(
      tr("Show a second recommended item's attention beside the first, on the same colour scale"));
  compare_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  compare_->setMinimumContentsLength(22);
  export_ = new QToolButton(this);
  export_->setText(tr("Export weights…"));
  export_->setToolTip(tr("Write every weight of the shown heatmaps (all layers and heads) as CSV"));
  auto* bar = new QHBoxLayout;
  bar->setContentsMargins(0, 0, 0, 0);
  bar->addWidget(new QLabel(tr("Layer:"), this));
  bar->addWidget(layer_);
  bar->addSpacing(12);
  bar->addWidget(new QLabel(tr("Compare with:"), this));
  bar->addWidget(compare_, 1);
  bar->addWidget(export_);
  note_ = new QLabel(this);
  note_->setWordWrap(true);
  note_->setStyleSheet(QStringLiteral("color: #8a5a00"));
  note_->hide();

  first_ = new AttentionHeatmap(tr("Attention"), QStringLiteral("attention"), this);
  second_ = new AttentionHeatmap(tr("Compared item"), QStringLiteral("attention-compared"), this);
  second_->hide();
  split_ = new QSplitter(Qt::Horizontal, this);
  split_->addWidget(first_);
  split_->addWidget(second_);

  auto* panel = new QWidget(this);
  auto* v = new QVBoxLayout(panel);
  v->setContentsMargins(0, 0, 0, 0);
  v->addLayout(bar);
  v->addWidget(note_);
  v->addWidget(split_, 1);
  unavailable_ = new QLabel(this);
  unavailable_->setAlignment(Qt::AlignCenter);
  unavailable_->setWordWrap(true);
  unavailable_->setStyleSheet(QStringLiteral("color: gray; font-size: 11pt"));
  stack_ = new QStackedWidget(this);
  stack_->addWidget(panel);
  stack_->addWidget(unavailable_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(stack_);

  compare_->addItem(tr("(nothing)"), -1);
  connect(layer_, &QComboBox::currentIndexChanged, this, &AttentionView::redraw);
  connect(compare_, &QComboBox::activated, this,
          [this](int) { Q_EMIT compareRequested(compareItem()); });
  connect(export_, &QToolButton::clicked, this, &AttentionView::exportWithDialog);
}

void AttentionView::setRecommendations(const std::vector<RecommendationRow>& rows)
{
  const qint32 keep = compareItem();
  const QSignalBlocker block(compare_);
  compare_->clear();
  compare_->addItem(tr("(nothing)"), -1);
  for (const auto& r : rows)
  {
    compare_->addItem(QStringLiteral("#%1  %2 %3").arg(r.rank).arg(r.itemId, r.title), r.item);
  }
  compare_->setCurrentIndex(std::max(0, compare_->findData(keep)));
}

void AttentionView::setAttention(const AttentionMap& first, const AttentionMap& second)
{
  stack_->setCurrentIndex(0);
  a_ = first;
  b_ = second;
  if (!second.valid && compare_->currentIndex() > 0)
  {
    // No comparison came back (another user, or none asked): the selector says so too.
    const QSignalBlocker block(compare_);
    compare_->setCurrentIndex(0);
  }
  const int layers = std::max(first.layers, 1);
  if (layer_->count() != layers)
  {
    const int keep = layer_->currentIndex();
    const QSignalBlocker block(layer_);
    layer_->clear();
    for (int l = 0; l < layers; ++l)
    {
      layer_->addItem(tr("%1 of %2").arg(l + 1).arg(layers));
    }
    layer_->setCurrentIndex(std::clamp(keep, 0, layers - 1));
  }
  QStringList notes;
  for (const AttentionMap* m : {&a_, &b_})
  {
    if (m->valid && !m->note.isEmpty() && !notes.contains(m->note))
    {
      notes << m->note;
    }
  }
  note_->setText(notes.join(QLatin1Char(' ')));
  note_->setVisible(!notes.isEmpty());
  redraw();
  setPending(false);
}

void AttentionView::setUnavailable(const QString& why)
{
  a_ = AttentionMap();
  b_ = AttentionMap();
  unavailable_->setText(why);
  stack_->setCurrentIndex(1);
}

void AttentionView::setPending(bool pending)
{
  split_->setEnabled(!pending);
}

bool AttentionView::unavailable() const
{
  return stack_->currentIndex() == 1;
}

QString AttentionView::noteText() const
{
  return note_->isVisible() ? note_->text() : QString();
}

int AttentionView::layer() const
{
  return std::max(0, layer_->currentIndex());
}

void AttentionView::setLayer(int layer)
{
  layer_->setCurrentIndex(layer);
}

qint32 AttentionView::compareItem() const
{
  return compare_->currentIndex() < 0 ? -1 : compare_->currentData().toInt();
}

void AttentionView::setCompareItem(qint32 item)
{
  const int index = compare_->findData(item);
  compare_->setCurrentIndex(std::max(0, index));
  Q_EMIT compareRequested(compareItem());
}

void AttentionView::redraw()
{
  if (!a_.valid)
  {
    first_->clear(tr("Select a recommendation to see its attention"));
    second_->hide();
    return;
  }
  // One colour scale for both maps, so equal colours mean equal weights.
  double top = AttentionHeatmap::maxWeight(a_);
  if (b_.valid)
  {
    top = std::max(top, AttentionHeatmap::maxWeight(b_));
  }
  first_->frame()->setTitle(tr("Attention behind %1 %2 (score %3)")
                                .arg(a_.itemId, a_.title)
                                .arg(double(a_.score), 0, 'f', 3));
  first_->setMap(a_, layer(), top);
  second_->setVisible(b_.valid);
  if (b_.valid)
  {
    second_->frame()->setTitle(
        tr("Compared: %1 %2 (score %3)").arg(b_.itemId, b_.title).arg(double(b_.score), 0, 'f', 3));
    second_->setMap(b_, layer(), top);
  }
}

bool AttentionView::exportCsv(const QString& path, QString* error) const
{
  if (!a_.valid)
  {
    if (error)
    {
      *error = tr("There is no attention to export yet.");
    }
    return false;
  }
  return saveFileAtomically(path, attentionCsv({a_, b_}).toUtf8(), error);
}

void AttentionView::exportWithDialog()
{
  const QString path =
      askSavePath(this, tr("Export attention weights"),
                  QStringLiteral("attention-user%1-item%2.csv").arg(a_.user).arg(a_.itemId),
                  tr("CSV (*.csv)"), QStringLiteral(".csv"));
  if (path.isEmpty())
  {
    return;
  }
  QString error;
  if (!exportCsv(path, &error))
  {
    QMessageBox::warning(this, tr("Export attention weights"), error);
    return;
  }
  Q_EMIT statusMessage(tr("Attention weights written to %1").arg(path));
}

}  // namespace m6
