#include "ui/significance_dialog.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "app/bridge/qt_text.h"
#include "app/bridge/run_library.h"
#include "ui/plot_frame.h"

namespace m6
{

namespace
{

constexpr int kBins = 21;  // odd: one bin is centred on 0

QStringList metricsFor(const QString& task, const QString& first)
{
  QStringList out;
  if (task == QLatin1String("ctr"))
  {
    out << QStringLiteral("logloss");
  }
  else if (task == QLatin1String("rating"))
  {
    out << QStringLiteral("abs_error") << QStringLiteral("squared_error");
  }
  else
  {
    for (const char* m : {"ndcg", "hr", "mrr", "recall"})
    {
      for (int k : {5, 10, 20, 50})
      {
        out << QStringLiteral("%1@%2").arg(QLatin1String(m)).arg(k);
      }
    }
  }
  out.removeAll(first);
  if (!first.isEmpty())
  {
    out.prepend(first);
  }
  return out;
}

QString signedNumber(double v)
{
  return QString::asprintf("%+.4f", v);
}

QString count(int64_t n)
{
  return QLocale().toString(static_cast<qlonglong>(n));
}

QLabel* valueLabel(QWidget* parent)
{
  auto* l = new QLabel(parent);
  l->setTextFormat(Qt::PlainText);
  l->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return l;
}

}  // namespace

SignificanceDialog::SignificanceDialog(RunLibrary* library, qint64 runA, qint64 runB,
                                       const QString& task, const QString& defaultMetric,
                                       QWidget* parent)
    : SignificanceDialog(library, SignificanceSide{runA, false}, SignificanceSide{runB, false},
                         task, defaultMetric, parent)
{
}

SignificanceDialog::SignificanceDialog(RunLibrary* library, const SignificanceSide& a,
                                       const SignificanceSide& b, const QString& task,
                                       const QString& defaultMetric, QWidget* parent)
    : QDialog(parent), library_(library), a_(a), b_(b)
{
  setWindowTitle(tr("Significance between two runs"));
  runs_ = valueLabel(this);
  runs_->setWordWrap(true);
  protocol_ = valueLabel(this);
  protocol_->setWordWrap(true);
  protocol_->setStyleSheet(QStringLiteral("color: gray"));

  metric_ = new QComboBox(this);
  metric_->setEditable(true);
  metric_->addItems(metricsFor(task, defaultMetric));
  metric_->setToolTip(
      tr("The per-user metric compared: ndcg@K, hr@K, mrr@K or recall@K at any K (ranks are "
         "stored), logloss for click-through runs, abs_error or squared_error for rating runs. "
         "Type another K and press Enter."));
  metric_->setMinimumContentsLength(12);
  swap_ = new QPushButton(tr("Swap A and B"), this);
  swap_->setToolTip(tr("Compare B against A instead: the difference changes sign"));
  copy_ = new QPushButton(tr("Copy"), this);
  copy_->setToolTip(tr("Put the figures on the clipboard as text"));
  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Metric:"), this));
  controls->addWidget(metric_);
  controls->addWidget(swap_);
  controls->addStretch(1);
  controls->addWidget(copy_);

  means_ = valueLabel(this);
  difference_ = valueLabel(this);
  interval_ = valueLabel(this);
  interval_->setToolTip(
      tr("Percentile interval of the mean difference over 10,000 paired bootstrap resamples of "
         "the users (seeded: the same figures every time)"));
  wilcoxon_ = valueLabel(this);
  wilcoxon_->setToolTip(
      tr("Two-sided Wilcoxon signed-rank test of the per-user differences (tied users dropped); "
         "exact for at most 50 untied differences, else the normal approximation"));
  counts_ = valueLabel(this);
  auto* form = new QFormLayout;
  form->addRow(tr("Means:"), means_);
  form->addRow(tr("Difference (A - B):"), difference_);
  form->addRow(tr("95% interval:"), interval_);
  form->addRow(tr("Wilcoxon:"), wilcoxon_);
  form->addRow(tr("Users:"), counts_);

  verdict_ = valueLabel(this);
  verdict_->setWordWrap(true);
  QFont bold = verdict_->font();
  bold.setBold(true);
  verdict_->setFont(bold);
  status_ = valueLabel(this);
  status_->setWordWrap(true);

  frame_ = new PlotFrame(tr("Per-user differences"), QStringLiteral("significance"), this);
  frame_->setMinimumSize(520, 260);
  QCustomPlot* p = frame_->plot();
  p->xAxis->setLabel(tr("A - B per user"));
  p->yAxis->setLabel(tr("users"));

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(runs_);
  layout->addWidget(protocol_);
  layout->addLayout(controls);
  layout->addLayout(form);
  layout->addWidget(verdict_);
  layout->addWidget(status_);
  layout->addWidget(frame_, 1);
  layout->addWidget(buttons);

  connect(metric_, &QComboBox::textActivated, this, [this] { compute(); });
  connect(swap_, &QPushButton::clicked, this, &SignificanceDialog::swapRuns);
  connect(copy_, &QPushButton::clicked, this,
          [this] { QApplication::clipboard()->setText(reportText()); });
  connect(library_, &RunLibrary::significanceReady, this,
          [this](quint64 token, const RunSignificance& r)
          {
            if (token == token_)
            {
              token_ = 0;
              showResult(r);
            }
          });
  connect(library_, &RunLibrary::requestFailed, this,
          [this](quint64 token, const QString& message)
          {
            if (token == token_)
            {
              token_ = 0;
              fail(message);
            }
          });
  resize(640, 640);
  compute();
}

QCustomPlot* SignificanceDialog::plot() const
{
  return frame_->plot();
}

void SignificanceDialog::compute()
{
  clearFigures();
  const auto side = [this](const SignificanceSide& s)
  { return s.group ? tr("group %1").arg(s.id) : tr("run %1").arg(s.id); };
  runs_->setText(tr("A: %1    B: %2").arg(side(a_), side(b_)));
  status_->setStyleSheet(QString());
  status_->setText(tr("Comparing the runs user by user…"));
  token_ = library_->significance(a_, b_, metric_->currentText());
}

void SignificanceDialog::swapRuns()
{
  std::swap(a_, b_);
  compute();
}

void SignificanceDialog::clearFigures()
{
  result_.reset();
  for (QLabel* l : {means_, difference_, interval_, wilcoxon_, counts_, verdict_, protocol_})
  {
    l->clear();
  }
  copy_->setEnabled(false);
  QCustomPlot* p = frame_->plot();
  p->clearPlottables();
  p->clearItems();
  p->replot(QCustomPlot::rpQueuedReplot);
}

void SignificanceDialog::showResult(const RunSignificance& r)
{
  result_ = r;
  const PairedComparison& c = r.comparison;
  const auto side =
      [](const std::optional<RunGroupRecord>& group, const RunRecord& run, const std::string& name)
  {
    return group ? tr("group %1 (%2)").arg(group->id).arg(qs(name))
                 : tr("run %1 (%2)").arg(run.id).arg(qs(name));
  };
  runs_->setText(
      tr("A: %1    B: %2").arg(side(r.groupA, r.a, r.nameA()), side(r.groupB, r.b, r.nameB())));
  protocol_->setText(tr("Dataset %1; %2").arg(qs(r.a.datasetName), qs(r.protocol)));
  const QString m = qs(c.metric);
  means_->setText(tr("A %1, B %2 (%3 over %4 users)")
                      .arg(c.meanA, 0, 'f', 4)
                      .arg(c.meanB, 0, 'f', 4)
                      .arg(m, count(c.users)));
  difference_->setText(signedNumber(c.meanDifference));
  interval_->setText(tr("[%1, %2]  (paired bootstrap, %3 resamples, seed %4)")
                         .arg(signedNumber(c.ci.low), signedNumber(c.ci.high), count(c.resamples),
                              QString::number(c.seed)));
  wilcoxon_->setText(tr("p = %1  (%2, %3 users differ)")
                         .arg(QString::number(c.wilcoxon.pValue, 'g', 3),
                              c.wilcoxon.exact ? tr("exact") : tr("normal approximation"),
                              count(c.wilcoxon.n)));
  counts_->setText(tr("A better for %1, worse for %2, tied for %3")
                       .arg(count(c.better), count(c.worse), count(c.tied)));
  const QString verdict = qs(significanceVerdict(c));
  verdict_->setText(verdict);
  const bool significant = verdict.contains(QLatin1String("significantly"));
  verdict_->setStyleSheet(significant ? QStringLiteral("color: #1b5e20") : QString());
  status_->clear();
  copy_->setEnabled(true);
  drawHistogram(r);
  Q_EMIT answered();
}

void SignificanceDialog::fail(const QString& message)
{
  clearFigures();
  status_->setStyleSheet(QStringLiteral("color: #b00020"));
  status_->setText(tr("These runs do not compare: %1").arg(message));
  Q_EMIT answered();
}

void SignificanceDialog::drawHistogram(const RunSignificance& r)
{
  const PairedComparison& c = r.comparison;
  QCustomPlot* p = frame_->plot();
  p->clearPlottables();
  p->clearItems();
  frame_->setTitle(tr("Per-user differences of %1 (A - B); %2 tied users left out")
                       .arg(qs(c.metric), count(c.tied)));
  double extent = 0;
  for (double d : c.differences)
  {
    extent = std::max(extent, std::abs(d));
  }
  if (extent == 0)
  {
    auto* text = new QCPItemText(p);
    text->position->setType(QCPItemPosition::ptAxisRectRatio);
    text->position->setCoords(0.5, 0.5);
    text->setText(tr("Every user is tied: nothing to draw"));
    p->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  const double width = 2 * extent / kBins;
  QVector<double> keys(kBins), values(kBins, 0.0);
  for (int b = 0; b < kBins; ++b)
  {
    keys[b] = -extent + (b + 0.5) * width;
  }
  for (double d : c.differences)
  {
    if (d == 0)
    {
      continue;
    }
    const int b = std::clamp(static_cast<int>((d + extent) / width), 0, kBins - 1);
    values[b] += 1;
  }
  auto* bars = new QCPBars(p->xAxis, p->yAxis);
  bars->setWidth(width * 0.9);
  const QColor colour(70, 120, 190);
  bars->setPen(QPen(colour.darker(130)));
  bars->setBrush(colour);
  bars->setData(keys, values, true);
  bars->setName(tr("users"));
  const double top = *std::max_element(values.begin(), values.end()) * 1.15;
  auto vertical = [p, top](double x, const QPen& pen)
  {
    auto* line = new QCPItemLine(p);
    line->start->setCoords(x, 0);
    line->end->setCoords(x, top);
    line->setPen(pen);
  };
  vertical(0, QPen(Qt::black, 1));
  QPen mean(QColor(200, 60, 40), 2, Qt::DashLine);
  vertical(c.meanDifference, mean);
  auto* label = new QCPItemText(p);
  label->position->setCoords(c.meanDifference, top);
  label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
  label->setText(tr(" mean %1").arg(signedNumber(c.meanDifference)));
  label->setColor(mean.color());
  p->xAxis->setRange(-extent - width, extent + width);
  p->yAxis->setRange(0, top);
  p->replot(QCustomPlot::rpQueuedReplot);
}

QString SignificanceDialog::reportText() const
{
  if (!result_)
  {
    return status_->text();
  }
  QStringList lines;
  lines << runs_->text() << protocol_->text();
  lines << tr("Means: %1").arg(means_->text())
        << tr("Difference (A - B): %1").arg(difference_->text())
        << tr("95% interval: %1").arg(interval_->text())
        << tr("Wilcoxon: %1").arg(wilcoxon_->text()) << tr("Users: %1").arg(counts_->text())
        << verdict_->text();
  return lines.join(QLatin1Char('\n'));
}

}  // namespace m6
