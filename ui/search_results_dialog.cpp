#include "ui/search_results_dialog.h"

#include <QDialogButtonBox>
#include <QFont>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "app/bridge/qt_text.h"
#include "app/bridge/run_library.h"
#include "ui/hyperparam_view.h"

namespace m6
{

namespace
{

QTableWidgetItem* cell(const QString& text, const QVariant& sortValue = QVariant())
{
  auto* item = new QTableWidgetItem(text);
  if (sortValue.isValid())
  {
    item->setData(Qt::DisplayRole, sortValue);  // numbers sort as numbers
    item->setText(text);
  }
  return item;
}

QString jsonText(const Json& v)
{
  return v.isString() ? qs(v.asString()) : qs(v.dump());
}

}  // namespace

SearchResultsDialog::SearchResultsDialog(RunLibrary* library, qint64 searchId, QWidget* parent)
    : QDialog(parent), library_(library), searchId_(searchId)
{
  setWindowTitle(tr("Search %1").arg(searchId));
  header_ = new QLabel(tr("Reading the search…"), this);
  header_->setWordWrap(true);
  header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  table_ = new QTableWidget(this);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->verticalHeader()->hide();
  table_->setToolTip(
      tr("One row per trial reached; the best on validation in bold. "
         "Double-click a trial to show its run in the run table."));
  hyper_ = new HyperparamView(this);
  hyper_->table()->hide();  // the trial table above says the same, with statuses and decisions
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(table_);
  split->addWidget(hyper_);
  split->setSizes({220, 360});
  useBest_ = new QPushButton(tr("Use best config"), this);
  useBest_->setToolTip(
      tr("Load the best trial's configuration into the Configure page (train it with other "
         "seeds, or on more epochs)"));
  useBest_->setEnabled(false);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  buttons->addButton(useBest_, QDialogButtonBox::ActionRole);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(header_);
  layout->addWidget(split, 1);
  layout->addWidget(buttons);
  resize(980, 680);

  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
  connect(useBest_, &QPushButton::clicked, this,
          [this]
          {
            if (result_ && result_->bestRun)
            {
              Q_EMIT useConfigRequested(*result_->bestRun);
            }
          });
  connect(table_, &QTableWidget::cellDoubleClicked, this,
          [this](int row, int)
          {
            const qint64 run = table_->item(row, 1)->data(Qt::UserRole).toLongLong();
            if (run != 0)
            {
              Q_EMIT runActivated(run);
            }
          });
  connect(library_, &RunLibrary::searchReady, this,
          [this](quint64 token, const m6::SearchResult& result)
          {
            if (token == token_)
            {
              token_ = 0;
              showResult(result);
            }
          });
  connect(library_, &RunLibrary::requestFailed, this,
          [this](quint64 token, const QString& message)
          {
            if (token == token_)
            {
              token_ = 0;
              header_->setText(tr("Could not read search %1: %2").arg(searchId_).arg(message));
            }
          });
  // Trials start and end with the run list: follow a running search.
  connect(library_, &RunLibrary::runsChanged, this, &SearchResultsDialog::refresh);
  refresh();
}

void SearchResultsDialog::refresh()
{
  token_ = library_->describeSearch(searchId_);
}

void SearchResultsDialog::showResult(const SearchResult& r)
{
  result_ = r;
  const SearchRecord& s = r.search;
  setWindowTitle(tr("Search %1: %2").arg(s.id).arg(qs(s.name)));
  QString best = tr("no trial has a validation value yet");
  for (const SearchTrialResult& t : r.trials)
  {
    if (t.run && r.bestRun && t.run->id == *r.bestRun)
    {
      best = tr("best: trial %1 (run %2), %3 %4 on validation")
                 .arg(t.trial + 1)
                 .arg(t.run->id)
                 .arg(qs(r.metric))
                 .arg(t.value, 0, 'f', 4);
    }
  }
  // "finished 6 trial(s)" says its status; "stopped by the user after ..." too.
  const QString state = s.message.empty() || s.message.rfind(s.status, 0) == 0
                            ? qs(s.message.empty() ? s.status : s.message)
                            : qs(s.status + ": " + s.message);
  header_->setText(tr("<b>%1</b> on %2 · %3 · %4 of %5 trials reached · %6<br>%7<br>"
                      "Trials are compared on validation; the lines below are coloured by the "
                      "validation value.")
                       .arg(qs(s.name).toHtmlEscaped(), qs(s.datasetName).toHtmlEscaped(),
                            qs(s.spec.value("strategy", "")))
                       .arg(r.trials.size())
                       .arg(r.plannedTrials)
                       .arg(best.toHtmlEscaped(), state.toHtmlEscaped()));
  useBest_->setEnabled(r.bestRun.has_value());

  // Columns: trial, run, status, epochs, metric, the searched keys, decision.
  QStringList keys;
  for (const SearchTrialResult& t : r.trials)
  {
    for (const auto& kv : t.values)
    {
      if (!keys.contains(qs(kv.first)))
      {
        keys << qs(kv.first);
      }
    }
  }
  QStringList headers{tr("Trial"), tr("Run"), tr("Status"), tr("Epochs"),
                      tr("%1 (valid)").arg(qs(r.metric))};
  headers << keys << tr("Decision");
  table_->setSortingEnabled(false);
  table_->clear();
  table_->setColumnCount(static_cast<int>(headers.size()));
  table_->setHorizontalHeaderLabels(headers);
  table_->setRowCount(static_cast<int>(r.trials.size()));
  std::vector<RunRecord> runs;
  for (size_t i = 0; i < r.trials.size(); ++i)
  {
    const SearchTrialResult& t = r.trials[i];
    const int row = static_cast<int>(i);
    const bool isBest = t.run && r.bestRun && t.run->id == *r.bestRun;
    table_->setItem(row, 0, cell(QString::number(t.trial + 1), t.trial + 1));
    auto* run = cell(t.run ? QString::number(t.run->id) : QStringLiteral("–"),
                     t.run ? QVariant(qlonglong(t.run->id)) : QVariant());
    run->setData(Qt::UserRole, t.run ? qlonglong(t.run->id) : qlonglong(0));
    table_->setItem(row, 1, run);
    table_->setItem(row, 2, cell(t.run ? qs(wordOf(t.run->status)) : tr("skipped")));
    table_->setItem(row, 3,
                    cell(t.run ? QString::number(t.run->epochsRun) : QString(),
                         t.run ? QVariant(t.run->epochsRun) : QVariant()));
    table_->setItem(
        row, 4,
        cell(std::isfinite(t.value) ? QString::number(t.value, 'f', 4) : QStringLiteral("–"),
             std::isfinite(t.value) ? QVariant(t.value) : QVariant()));
    for (int k = 0; k < keys.size(); ++k)
    {
      QString text;
      for (const auto& kv : t.values)
      {
        if (qs(kv.first) == keys[k])
        {
          text = jsonText(kv.second);
        }
      }
      table_->setItem(row, 5 + k, cell(text));
    }
    auto* decision = cell(qs(t.decision));
    decision->setToolTip(qs(t.decision));
    table_->setItem(row, 5 + static_cast<int>(keys.size()), decision);
    if (isBest)
    {
      QFont bold = table_->font();
      bold.setBold(true);
      for (int c = 0; c < table_->columnCount(); ++c)
      {
        table_->item(row, c)->setFont(bold);
      }
    }
    if (t.run)
    {
      // The search compares on validation, and so does the view; the test figures are left
      // out of its choices here, as the trial table does.
      RunRecord shown = *t.run;
      shown.name = tr("trial %1").arg(t.trial + 1).toStdString();
      shown.test = MetricSet();
      runs.push_back(std::move(shown));
    }
  }
  table_->setSortingEnabled(true);
  table_->resizeColumnsToContents();
  table_->horizontalHeader()->setStretchLastSection(true);
  hyper_->setRuns(runs);
  hyper_->setMetric(QStringLiteral("valid:") + qs(r.metric));
}

}  // namespace m6
