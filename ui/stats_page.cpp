#include "ui/stats_page.h"

#include <qcustomplot.h>

#include <QDateTime>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QScrollArea>
#include <QTimeZone>
#include <QVBoxLayout>
#include <cmath>

#include "app/bridge/workspace_session.h"
#include "ui/plot_frame.h"

namespace m6
{

namespace
{

struct SummaryKey
{
  const char* key;
  const char* label;
  const char* tip;
};

const SummaryKey kSummary[] = {
    {"users", "Users", "Distinct users"},
    {"items", "Items", "Distinct items (with or without interactions)"},
    {"interactions", "Interactions", "Interaction rows"},
    {"sparsity", "Sparsity", "1 - distinct user-item pairs / (users x items)"},
    {"history_mean", "Mean history", "Mean number of interactions per user"},
    {"history_median", "Median history", "Median number of interactions per user"},
    {"users_under_5", "Users < 5", "Users with fewer than 5 interactions"},
    {"items_under_5", "Items < 5", "Items with fewer than 5 interactions"},
    {"rating_mean", "Mean rating", "Mean of the ratings given"},
    {"time_range", "Time span", "First and last interaction day (UTC)"},
};

QColor kBarColour(70, 120, 190);

void styleBars(QCPBars* bars)
{
  bars->setPen(QPen(kBarColour.darker(130)));
  bars->setBrush(kBarColour);
}

void resetPlot(QCustomPlot* p)
{
  p->clearPlottables();
  p->clearItems();
  p->xAxis->setScaleType(QCPAxis::stLinear);
  p->yAxis->setScaleType(QCPAxis::stLinear);
  p->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  p->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  p->xAxis->setTickLabelRotation(0);
  for (QCPAxis* axis : {p->xAxis, p->yAxis})
  {
    axis->setNumberFormat(QStringLiteral("gb"));
    axis->setNumberPrecision(6);
  }
}

void noData(QCustomPlot* p, const QString& why)
{
  auto* text = new QCPItemText(p);
  text->position->setType(QCPItemPosition::ptAxisRectRatio);
  text->position->setCoords(0.5, 0.5);
  text->setText(why);
  text->setColor(Qt::gray);
  p->xAxis->setRange(0, 1);
  p->yAxis->setRange(0, 1);
  p->replot(QCustomPlot::rpQueuedReplot);
}

QString fmtInt(int64_t v)
{
  return QLocale().toString(static_cast<qlonglong>(v));
}

}  // namespace

StatsPage::StatsPage(WorkspaceSession* session, QWidget* parent)
    : QWidget(parent), session_(session)
{
  auto* grid = new QGridLayout;
  grid->setHorizontalSpacing(18);
  int k = 0;
  for (const auto& s : kSummary)
  {
    auto* name = new QLabel(tr(s.label) + QLatin1Char(':'), this);
    auto* value = new QLabel(QStringLiteral("–"), this);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setToolTip(tr(s.tip));
    name->setToolTip(tr(s.tip));
    QFont bold = value->font();
    bold.setBold(true);
    value->setFont(bold);
    grid->addWidget(name, k % 2, (k / 2) * 2);
    grid->addWidget(value, k % 2, (k / 2) * 2 + 1);
    summary_.insert(QString::fromLatin1(s.key), value);
    ++k;
  }
  grid->setColumnStretch(grid->columnCount(), 1);
  note_ = new QLabel(this);
  note_->setStyleSheet(QStringLiteral("color: gray"));
  provenance_ = new QLabel(this);
  provenance_->setWordWrap(true);
  provenance_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  provenance_->setToolTip(
      tr("How this dataset was made from another one (Dataset > Prepare dataset…); every "
         "protocol line of a run on it names the same recipe"));
  provenance_->hide();

  frames_[0] = new PlotFrame(tr("Rating histogram"), QStringLiteral("ratings"), this);
  frames_[1] =
      new PlotFrame(tr("Interactions per month"), QStringLiteral("interactions-per-month"), this);
  frames_[2] = new PlotFrame(tr("Item popularity (log-log)"), QStringLiteral("popularity"), this);
  frames_[3] =
      new PlotFrame(tr("History length distribution"), QStringLiteral("history-lengths"), this);
  auto* plots = new QGridLayout;
  for (int i = 0; i < 4; ++i)
  {
    plots->addWidget(frames_[i], i / 2, i % 2);
    QCustomPlot* p = frames_[i]->plot();
    p->xAxis->setLabel(QString());
    p->yAxis->setLabel(QString());
  }
  frames_[0]->plot()->xAxis->setLabel(tr("rating"));
  frames_[0]->plot()->yAxis->setLabel(tr("interactions"));
  frames_[1]->plot()->xAxis->setLabel(tr("month (UTC)"));
  frames_[1]->plot()->yAxis->setLabel(tr("interactions"));
  frames_[2]->plot()->xAxis->setLabel(tr("item rank"));
  frames_[2]->plot()->yAxis->setLabel(tr("interactions of the item"));
  frames_[3]->plot()->xAxis->setLabel(tr("interactions per user"));
  frames_[3]->plot()->yAxis->setLabel(tr("users"));

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(grid);
  layout->addWidget(provenance_);
  layout->addWidget(note_);
  layout->addLayout(plots, 1);

  connect(session_, &WorkspaceSession::statsReady, this,
          [this](quint64 token, const m6::DatasetStats& stats)
          {
            if (token == token_ && stats.datasetId == datasetId_)
            {
              setStats(stats.stats);
            }
          });
  connect(session_, &WorkspaceSession::requestFailed, this,
          [this](quint64 token, const QString& message)
          {
            if (token == token_)
            {
              clear(tr("Statistics could not be read: %1").arg(message));
            }
          });
  clear(tr("No dataset selected"));
}

QCustomPlot* StatsPage::plot(Plot which) const
{
  return frames_[static_cast<int>(which)]->plot();
}

PlotFrame* StatsPage::frame(Plot which) const
{
  return frames_[static_cast<int>(which)];
}

QString StatsPage::summaryText(const QString& key) const
{
  auto* label = summary_.value(key);
  return label ? label->text() : QString();
}

void StatsPage::setDataset(qint64 datasetId)
{
  datasetId_ = datasetId;
  token_ = 0;
  if (datasetId == 0)
  {
    clear(tr("No dataset selected"));
    return;
  }
  clear(tr("Reading statistics…"));
  token_ = session_->loadStats(datasetId);
}

void StatsPage::clear(const QString& message)
{
  for (auto* label : summary_)
  {
    label->setText(QStringLiteral("–"));
  }
  note_->setText(message);
  note_->setVisible(!message.isEmpty());
  provenance_->clear();
  provenance_->hide();
  for (auto* f : frames_)
  {
    resetPlot(f->plot());
    f->plot()->replot(QCustomPlot::rpQueuedReplot);
  }
}

void StatsPage::setStats(const DatasetStatistics& stats)
{
  clear(QString());
  fillSummary(stats);
  fillRatings(stats);
  fillMonths(stats);
  fillPopularity(stats);
  fillHistory(stats);
}

QString StatsPage::provenanceText() const
{
  return provenance_->text();
}

void StatsPage::fillSummary(const DatasetStatistics& s)
{
  QStringList lines;
  if (s.preparation)
  {
    QStringList counts;
    for (const auto& [step, interactions] : s.preparation->steps)
    {
      counts << QString::fromStdString(step) + QStringLiteral(": ") + fmtInt(interactions);
    }
    lines << tr("Prepared from %1: %2. Interactions after each step: %3.")
                 .arg(QString::fromStdString(s.preparation->parent),
                      QString::fromStdString(s.preparation->description),
                      counts.join(QStringLiteral(", ")));
  }
  if (s.repeatedPairs > 0)
  {
    lines << tr("%1 interactions repeat a user-item pair (Dataset > Prepare dataset… removes "
                "them).")
                 .arg(fmtInt(s.repeatedPairs));
  }
  provenance_->setText(lines.join(QLatin1Char('\n')));
  provenance_->setVisible(!lines.isEmpty());
  summary_["users"]->setText(fmtInt(s.users));
  summary_["items"]->setText(fmtInt(s.items));
  summary_["interactions"]->setText(fmtInt(s.interactions));
  summary_["sparsity"]->setText(QString::number(100.0 * s.sparsity, 'f', 3) + " %");
  summary_["history_mean"]->setText(QString::number(s.historyMean, 'f', 1));
  summary_["history_median"]->setText(QString::number(s.historyMedian, 'f', 0));
  summary_["users_under_5"]->setText(fmtInt(s.usersUnder5));
  summary_["items_under_5"]->setText(fmtInt(s.itemsUnder5));
  summary_["rating_mean"]->setText(s.ratingMean ? QString::number(*s.ratingMean, 'f', 2)
                                                : tr("no ratings"));
  if (s.timeSpan)
  {
    auto day = [](int64_t t)
    { return QDateTime::fromSecsSinceEpoch(t, QTimeZone::utc()).toString("yyyy-MM-dd"); };
    summary_["time_range"]->setText(day(s.timeSpan->first) + QStringLiteral(" – ") +
                                    day(s.timeSpan->second));
  }
  else
  {
    summary_["time_range"]->setText(tr("no timestamps"));
  }
}

void StatsPage::fillRatings(const DatasetStatistics& s)
{
  QCustomPlot* p = plot(Plot::Ratings);
  if (s.ratingHistogram.empty())
  {
    noData(p, tr("This dataset has no ratings"));
    return;
  }
  QVector<double> keys, values;
  for (const auto& [value, count] : s.ratingHistogram)
  {
    keys << value;
    values << static_cast<double>(count);
  }
  double width = 1.0;
  for (int i = 1; i < keys.size(); ++i)
  {
    width = std::min(width, keys[i] - keys[i - 1]);
  }
  auto* bars = new QCPBars(p->xAxis, p->yAxis);
  styleBars(bars);
  bars->setWidth(width * 0.8);
  bars->setData(keys, values, true);
  p->xAxis->setRange(keys.front() - width, keys.back() + width);
  p->yAxis->setRange(0, *std::max_element(values.begin(), values.end()) * 1.1);
  p->replot(QCustomPlot::rpQueuedReplot);
}

void StatsPage::fillMonths(const DatasetStatistics& s)
{
  QCustomPlot* p = plot(Plot::Months);
  if (s.perMonth.empty())
  {
    noData(p, tr("This dataset has no timestamps"));
    return;
  }
  QVector<double> keys, values;
  for (const auto& [month, count] : s.perMonth)
  {
    const QDate d = QDate::fromString(QString::fromStdString(month), "yyyy-MM");
    keys << static_cast<double>(QDateTime(d, QTime(0, 0), QTimeZone::utc()).toSecsSinceEpoch());
    values << static_cast<double>(count);
  }
  auto ticker = QSharedPointer<QCPAxisTickerDateTime>(new QCPAxisTickerDateTime);
  ticker->setDateTimeFormat(QStringLiteral("yyyy-MM"));
  ticker->setTimeZone(QTimeZone::utc());
  ticker->setTickCount(5);
  p->xAxis->setTicker(ticker);
  auto* bars = new QCPBars(p->xAxis, p->yAxis);
  styleBars(bars);
  const double month = 30.0 * 86400.0;
  bars->setWidth(month * 0.8);
  bars->setData(keys, values, true);
  p->xAxis->setRange(keys.front() - month, keys.back() + month);
  p->yAxis->setRange(0, *std::max_element(values.begin(), values.end()) * 1.1);
  p->replot(QCustomPlot::rpQueuedReplot);
}

void StatsPage::fillPopularity(const DatasetStatistics& s)
{
  QCustomPlot* p = plot(Plot::Popularity);
  QVector<double> keys, values;
  for (const auto& [rank, count] : s.popularity)
  {
    if (count > 0)  // log axis: items without interactions cannot be drawn
    {
      keys << static_cast<double>(rank);
      values << static_cast<double>(count);
    }
  }
  if (keys.isEmpty())
  {
    noData(p, tr("No item has interactions"));
    return;
  }
  for (QCPAxis* axis : {p->xAxis, p->yAxis})
  {
    axis->setScaleType(QCPAxis::stLogarithmic);
    auto log = QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog);
    axis->setTicker(log);
    axis->setNumberFormat(QStringLiteral("eb"));
    axis->setNumberPrecision(0);
  }
  QCPGraph* g = p->addGraph();
  g->setPen(QPen(kBarColour, 2));
  g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 4));
  g->setData(keys, values, true);
  p->xAxis->setRange(0.8, keys.back() * 1.3);
  p->yAxis->setRange(std::max(0.8, *std::min_element(values.begin(), values.end()) * 0.7),
                     *std::max_element(values.begin(), values.end()) * 1.5);
  p->replot(QCustomPlot::rpQueuedReplot);
}

void StatsPage::fillHistory(const DatasetStatistics& s)
{
  QCustomPlot* p = plot(Plot::History);
  if (s.historyLengths.empty())
  {
    noData(p, tr("No users"));
    return;
  }
  auto ticker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
  QVector<double> keys, values;
  int k = 1;
  const size_t buckets = s.historyLengths.size();
  for (const auto& b : s.historyLengths)
  {
    keys << k;
    values << static_cast<double>(b.users);
    // Every bucket gets a bar; with many buckets only every other one gets a label.
    const bool labelled = buckets <= 12 || k % 2 == 1;
    ticker->addTick(k, !labelled        ? QString()
                       : b.from == b.to ? QString::number(b.from)
                                        : QStringLiteral("%1–%2").arg(b.from).arg(b.to));
    ++k;
  }
  p->xAxis->setTicker(ticker);
  p->xAxis->setTickLabelRotation(keys.size() > 6 ? 45 : 0);
  auto* bars = new QCPBars(p->xAxis, p->yAxis);
  styleBars(bars);
  bars->setWidth(0.8);
  bars->setData(keys, values, true);
  p->xAxis->setRange(0.3, keys.size() + 0.7);
  p->yAxis->setRange(0, *std::max_element(values.begin(), values.end()) * 1.1);
  p->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace m6
