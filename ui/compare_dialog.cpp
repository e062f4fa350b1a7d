// Over 500 lines: the adaptation comparison's form, its job's progress, and the result table and
// chart.

#include "ui/compare_dialog.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "app/bridge/adapt_info.h"
#include "app/bridge/qt_text.h"
#include "app/bridge/run_library.h"
#include "app/bridge/training_controller.h"
#include "app/runner/run_config.h"
#include "ui/adapt_options_box.h"
#include "ui/compare_chart.h"
#include "ui/compare_table.h"
#include "ui/save_file.h"
#include "ui/tooltip.h"

namespace m6
{

CompareDialog::CompareDialog(AdaptInfo* info, TrainingController* controller, RunLibrary* library,
                             QWidget* parent)
    : QDialog(parent), info_(info), controller_(controller), library_(library)
{
  setWindowTitle(tr("Compare adaptation"));
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(buildSetup());
  split->addWidget(buildResults());
  split->setStretchFactor(1, 1);
  split->setSizes({330, 800});
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(split);
  resize(1180, 740);
  connectInputs();
  connectController();
  fillParents(library_->runs());
  info_->listDatasets();
  updateButtons();
}

QWidget* CompareDialog::buildSetup()
{
  parent_ =
      withTooltip(new QComboBox(this), tr("The trained M6 run whose weights the adapted arms start "
                                          "from (and that is evaluated zero-shot)"));
  target_ =
      withTooltip(new QComboBox(this), tr("The dataset every arm trains and is evaluated on"));
  task_ =
      withTooltip(new QComboBox(this), tr("The task of every arm (ctr and rating need ratings)"));
  for (const std::string& task : enumWordList<Task>())
  {
    task_->addItem(qs(task));
  }
  epochs_ =
      withTooltip(new QSpinBox(this), tr("Epochs of every trained arm: the same budget (1-10000)"));
  epochs_->setRange(1, 10000);
  fractions_ =
      withTooltip(new QLineEdit(QStringLiteral("10, 25, 100"), this),
                  tr("Shares of the target's training data, in percent, comma-separated (each "
                     "above 0 and at most 100): per share one adapted and one from-scratch run; "
                     "adaptation should pay most at small shares"));
  auto* setup = new QGroupBox(tr("Comparison"), this);
  auto* form = new QFormLayout(setup);
  form->addRow(tr("&Parent run"), parent_);
  form->addRow(tr("&Target dataset"), target_);
  form->addRow(tr("Tas&k"), task_);
  form->addRow(tr("&Epochs"), epochs_);
  form->addRow(tr("&Shares (%)"), fractions_);
  options_ = new AdaptOptionsBox(this);

  start_ = withTooltip(new QPushButton(tr("&Start"), this),
                       tr("Run the comparison on the training worker (Ctrl+Return); the Train page "
                          "shows its log"));
  start_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
  stop_ =
      withTooltip(new QPushButton(tr("S&top"), this),
                  tr("Stop the arm under way (recorded as stopped); arms already run stay in the "
                     "run table"));
  bar_ = withTooltip(new QProgressBar(this), tr("Arms done of all arms, and the arm under way"));
  bar_->setRange(0, 1);
  bar_->setValue(0);
  bar_->setFormat(tr("idle"));
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  auto* left = new QWidget(this);
  auto* ll = new QVBoxLayout(left);
  ll->setContentsMargins(0, 0, 0, 0);
  ll->addWidget(setup);
  ll->addWidget(options_);
  auto* runButtons = new QHBoxLayout;
  runButtons->addWidget(start_);
  runButtons->addWidget(stop_);
  ll->addLayout(runButtons);
  ll->addWidget(bar_);
  ll->addWidget(status_);
  ll->addStretch(1);
  return left;
}

QWidget* CompareDialog::buildResults()
{
  protocol_ = new QLabel(this);
  protocol_->setWordWrap(true);
  protocol_->setToolTip(tr("How every arm was evaluated: the same split and ranking protocol"));
  metric_ = withTooltip(new QComboBox(this), tr("The test metric the chart shows"));
  table_ = new QTableWidget(this);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->verticalHeader()->hide();
  table_->setAlternatingRowColors(true);
  table_->setToolTip(tr("Test metrics of every arm; the run id finds it in the run table"));
  chart_ = new CompareChart(this);
  exportCsv_ =
      withTooltip(new QPushButton(tr("Export &CSV…"), this),
                  tr("Write the result table as CSV (the chart saves as PNG or PDF from its own "
                     "Save button)"));
  auto* tableHead = new QHBoxLayout;
  tableHead->addWidget(protocol_, 1);
  auto* metricLabel = new QLabel(tr("Chart &metric"), this);
  metricLabel->setBuddy(metric_);
  metric_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  tableHead->addWidget(metricLabel);
  tableHead->addWidget(metric_);
  tableHead->addWidget(exportCsv_);
  auto* right = new QWidget(this);
  auto* rl = new QVBoxLayout(right);
  rl->setContentsMargins(0, 0, 0, 0);
  rl->addLayout(tableHead);
  auto* rsplit = new QSplitter(Qt::Vertical, this);
  rsplit->addWidget(table_);
  rsplit->addWidget(chart_);
  rsplit->setSizes({250, 420});
  rl->addWidget(rsplit, 1);
  return right;
}

void CompareDialog::connectInputs()
{
  connect(library_, &RunLibrary::runsChanged, this, &CompareDialog::fillParents);
  connect(info_, &AdaptInfo::datasetsListed, this, &CompareDialog::fillTargets);
  connect(parent_, &QComboBox::currentIndexChanged, this,
          [this]
          {
            if (const RunEntry* e = library_->find(parentRun()))
            {
              task_->setCurrentText(qs(wordOf(e->record.task)));
              try
              {
                epochs_->setValue(configOfRun(e->record).train.epochs);
              }
              catch (const std::exception&)
              {
              }
            }
            updateButtons();
          });
  // The arms' configuration is checked against the target's schema before Start (the dialog
  // has no full form: a misfit names the setting and points to Adapt run…).
  connect(target_, &QComboBox::currentIndexChanged, this,
          [this]
          {
            if (targetDataset() > 0 && targetDataset() != schemaFor_)
            {
              info_->describe(targetDataset());
            }
          });
  connect(info_, &AdaptInfo::schemaReady, this,
          [this](const SchemaInfo& info)
          {
            if (info.datasetId == targetDataset())
            {
              schemaFor_ = info.datasetId;
              schema_ = info.schema;
            }
          });
  connect(start_, &QPushButton::clicked, this, &CompareDialog::start);
  connect(stop_, &QPushButton::clicked, this, &CompareDialog::stop);
  connect(exportCsv_, &QPushButton::clicked, this, &CompareDialog::exportCsvWithDialog);
  connect(metric_, &QComboBox::currentTextChanged, this, &CompareDialog::drawChart);
}

void CompareDialog::connectController()
{
  connect(controller_, &TrainingController::armStarted, this, &CompareDialog::onArm);
  connect(controller_, &TrainingController::progressChanged, this, &CompareDialog::onProgress);
  connect(controller_, &TrainingController::comparisonFinished, this, &CompareDialog::onFinished);
  connect(controller_, &TrainingController::jobFailed, this,
          [this](const QString& m)
          {
            if (running_)
            {
              setStatus(tr("The comparison failed: %1").arg(m), true);
            }
          });
  connect(controller_, &TrainingController::jobCancelled, this,
          [this]
          {
            if (running_)
            {
              setStatus(tr("Stopped. The arms already run stay in the run table."));
            }
          });
  connect(controller_, &TrainingController::jobStarted, this, &CompareDialog::updateButtons);
  connect(controller_, &TrainingController::jobEnded, this,
          [this]
          {
            running_ = false;
            bar_->setFormat(bar_->value() >= bar_->maximum() ? tr("done") : tr("ended"));
            updateButtons();
          });
}

void CompareDialog::fillParents(const RunList& runs)
{
  const qint64 keep = parentRun() ? parentRun() : wantedParent_;
  const QSignalBlocker block(parent_);
  parent_->clear();
  for (const RunEntry& e : runs)
  {
    if (e.record.kind == RunKind::M6 && (e.hasBest || e.hasLast) &&
        e.record.status != RunStatus::Running)
    {
      parent_->addItem(QStringLiteral("%1 (run %2, %3)")
                           .arg(qs(e.record.name))
                           .arg(e.record.id)
                           .arg(qs(e.record.datasetName)),
                       QVariant::fromValue<qint64>(e.record.id));
    }
  }
  const int i = parent_->findData(QVariant::fromValue<qint64>(keep));
  parent_->setCurrentIndex(i >= 0 ? i : (parent_->count() > 0 ? 0 : -1));
  if (parentRun() != keep)  // a refreshed list (runs come and go) keeps the user's settings
  {
    Q_EMIT parent_->currentIndexChanged(parent_->currentIndex());
  }
  updateButtons();
}

void CompareDialog::fillTargets(const DatasetList& list)
{
  const qint64 keep = targetDataset() ? targetDataset() : wantedTarget_;
  target_->clear();
  for (const DatasetInfo& d : list)
  {
    target_->addItem(qs(d.name), QVariant::fromValue<qint64>(d.id));
  }
  const int i = target_->findData(QVariant::fromValue<qint64>(keep));
  target_->setCurrentIndex(i >= 0 ? i : (target_->count() > 0 ? 0 : -1));
  updateButtons();
}

bool CompareDialog::selectParent(qint64 runId)
{
  wantedParent_ = runId;
  const int i = parent_->findData(QVariant::fromValue<qint64>(runId));
  if (i >= 0)
  {
    parent_->setCurrentIndex(i);
  }
  return i >= 0;
}

bool CompareDialog::selectTarget(qint64 datasetId)
{
  wantedTarget_ = datasetId;
  const int i = target_->findData(QVariant::fromValue<qint64>(datasetId));
  if (i >= 0)
  {
    target_->setCurrentIndex(i);
  }
  return i >= 0;
}

qint64 CompareDialog::parentRun() const
{
  return parent_->currentIndex() < 0 ? 0 : parent_->currentData().toLongLong();
}

qint64 CompareDialog::targetDataset() const
{
  return target_->currentIndex() < 0 ? 0 : target_->currentData().toLongLong();
}

std::vector<double> CompareDialog::fractions(QString* error) const
{
  return parseShares(fractions_->text(), error);
}

void CompareDialog::setFractions(const std::vector<double>& fractions)
{
  fractions_->setText(sharesText(fractions));
}

bool CompareDialog::job(CompareJob* out, QString* error) const
{
  const RunEntry* parent = library_->find(parentRun());
  if (!parent)
  {
    *error = tr("Choose a parent run (a trained M6 run)");
    return false;
  }
  if (targetDataset() <= 0)
  {
    *error = tr("Choose a target dataset");
    return false;
  }
  const std::vector<double> shares = fractions(error);
  if (shares.empty())
  {
    return false;
  }
  try
  {
    const AdaptOptions options = options_->options();
    RunConfig config = adaptedConfig(configOfRun(parent->record), options);
    const Task task =
        enumFromWord<Task>(task_->currentText().toStdString()).value_or(config.model.task);
    if (config.model.task != task)
    {
      config.model.task = task;
      config.train.earlyStopMetric = "auto";  // the parent's metric may not exist for this task
    }
    config.train.epochs = epochs_->value();
    if (schemaFor_ == targetDataset())
    {
      const auto issues = validate(config, &schema_);
      if (!issues.empty())
      {
        *error = tr("The parent's configuration does not fit %1: %2. Use Adapt run… to change "
                    "every setting.")
                     .arg(target_->currentText(), QString::fromStdString(formatIssues(issues)));
        return false;
      }
    }
    out->parentRun = parent->record.id;
    out->datasetId = targetDataset();
    out->request.config = config;
    out->request.options = options;
    out->request.fractions = shares;
  }
  catch (const std::exception& e)
  {
    *error = tr("The parent run's configuration cannot be read: %1").arg(e.what());
    return false;
  }
  return true;
}

bool CompareDialog::start()
{
  CompareJob j;
  QString error;
  if (!job(&j, &error))
  {
    setStatus(error, true);
    return false;
  }
  if (controller_->busy())
  {
    setStatus(tr("A job is running; wait for it to end or stop it"), true);
    return false;
  }
  comparison_ = AdaptComparison();
  fillTable();
  chart_->clear();
  arm_ = 0;
  arms_ = static_cast<int>(j.request.fractions.size()) * 2;
  bar_->setRange(0, arms_ * 100);
  bar_->setValue(0);
  bar_->setFormat(tr("starting…"));
  running_ = controller_->startCompare(j) != 0;
  setStatus(running_ ? tr("Comparing: %n trained arm(s), plus zero-shot…", nullptr, arms_)
                     : tr("The comparison could not start"),
            !running_);
  updateButtons();
  return running_;
}

void CompareDialog::stop()
{
  if (running_)
  {
    controller_->stop();
    setStatus(tr("Stopping the arm under way…"));
  }
}

void CompareDialog::onArm(const QString& text, int index, int total)
{
  if (!running_)
  {
    return;
  }
  arm_ = index;
  arms_ = total;
  bar_->setRange(0, total * 100);
  bar_->setValue((index - 1) * 100);
  bar_->setFormat(tr("arm %1 of %2").arg(index).arg(total));
  setStatus(text);
}

void CompareDialog::onProgress(const Progress& p)
{
  if (!running_ || arm_ <= 0 || p.examplesTotal <= 0)
  {
    return;
  }
  const int within = static_cast<int>(100.0 * p.examplesDone / p.examplesTotal);
  bar_->setValue((arm_ - 1) * 100 + std::clamp(within, 0, 100));
}

void CompareDialog::onFinished(const AdaptComparison& comparison)
{
  if (!running_)
  {
    return;
  }
  bar_->setValue(bar_->maximum());
  setComparison(comparison);
  setStatus(tr("Finished: %n arm(s); the runs are in the run table.", nullptr,
               static_cast<int>(comparison.arms.size())));
  Q_EMIT statusMessage(tr("Adaptation comparison finished"));
}

void CompareDialog::setComparison(const AdaptComparison& comparison)
{
  comparison_ = comparison;
  const QString keep = metric_->currentText();
  {
    const QSignalBlocker block(metric_);
    metric_->clear();
    for (const CompareArm& a : comparison_.arms)
    {
      for (const auto& [name, value] : a.test.values)
      {
        if (metric_->findText(qs(name)) < 0)
        {
          metric_->addItem(qs(name));
        }
      }
    }
    // The chart keeps the user's metric; the first time it shows the table's first (ndcg@K).
    const int i = metric_->findText(keep.isEmpty() ? metricNames().value(0) : keep);
    metric_->setCurrentIndex(i >= 0 ? i : 0);
  }
  QString protocol = tr("<b>Protocol</b>: %1. Every arm has the same split, epochs and seed; "
                        "the test metrics are shown.")
                         .arg(qs(comparison_.protocol).toHtmlEscaped());
  if (!comparison_.zeroShotNote.empty())
  {
    protocol += QStringLiteral("<br><i>") + qs(comparison_.zeroShotNote).toHtmlEscaped() +
                QStringLiteral("</i>");
  }
  protocol_->setText(protocol);
  fillTable();
  drawChart();
  updateButtons();
}

QStringList CompareDialog::metricNames() const
{
  QStringList all;
  for (int i = 0; i < metric_->count(); ++i)
  {
    all << metric_->itemText(i);
  }
  return comparisonTableMetrics(all);
}

void CompareDialog::fillTable()
{
  fillComparisonTable(table_, comparison_, metricNames());
}

void CompareDialog::drawChart()
{
  if (comparison_.arms.empty() || metric_->currentText().isEmpty())
  {
    chart_->clear();
    return;
  }
  chart_->setComparison(comparison_, metric_->currentText());
}

QString CompareDialog::csv() const
{
  return comparisonCsv(comparison_);
}

bool CompareDialog::exportCsvTo(const QString& path, QString* error) const
{
  return saveFileAtomically(path, csv().toUtf8(), error);
}

void CompareDialog::exportCsvWithDialog()
{
  const QString path =
      QFileDialog::getSaveFileName(this, tr("Export comparison"),
                                   QStringLiteral("adaptation-comparison.csv"), tr("CSV (*.csv)"));
  if (path.isEmpty())
  {
    return;
  }
  QString error;
  if (!exportCsvTo(path, &error))
  {
    QMessageBox::warning(this, tr("Export comparison"), error);
    return;
  }
  Q_EMIT statusMessage(tr("Comparison written to %1").arg(path));
}

void CompareDialog::setStatus(const QString& text, bool error)
{
  status_->setText(text);
  status_->setStyleSheet(error ? QStringLiteral("color: #b00020") : QString());
}

void CompareDialog::updateButtons()
{
  const bool busy = controller_->busy();
  start_->setEnabled(!busy && parentRun() > 0 && targetDataset() > 0);
  stop_->setEnabled(running_);
  exportCsv_->setEnabled(!comparison_.arms.empty());
  parent_->setEnabled(!running_);
  target_->setEnabled(!running_);
}

}  // namespace m6
