#include "ui/adapt_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <thread>

#include "app/bridge/adapt_info.h"
#include "app/bridge/qt_text.h"
#include "model/adapt_report.h"
#include "ui/adapt_options_box.h"
#include "ui/adapt_report_model.h"
#include "ui/config_form.h"
#include "ui/tooltip.h"

namespace m6
{

AdaptDialog::AdaptDialog(AdaptInfo* info, const RunRecord& parentRun, const RunConfig& parentConfig,
                         qint64 targetDatasetId, QWidget* parent)
    : QDialog(parent),
      info_(info),
      parent_(parentRun),
      parentConfig_(parentConfig),
      wantedTarget_(targetDatasetId > 0 ? targetDatasetId : parentRun.datasetId)
{
  setWindowTitle(tr("Adapt run \"%1\"").arg(qs(parent_.name)));
  header_ = new QLabel(tr("Start a new run from the weights of <b>%1</b> (run %2, trained on %3 "
                          "for %4). Parameters are matched by name and shape, ids by external "
                          "id, field values by value.")
                           .arg(qs(parent_.name).toHtmlEscaped())
                           .arg(parent_.id)
                           .arg(qs(parent_.datasetName).toHtmlEscaped(), qs(wordOf(parent_.task))),
                       this);
  header_->setWordWrap(true);

  QWidget* settings = buildSettings();
  QTabWidget* tabs = buildPreviewTabs();
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(settings);
  split->addWidget(tabs);
  split->setStretchFactor(1, 1);
  split->setSizes({340, 760});
  message_ = new QLabel(this);
  message_->setWordWrap(true);
  message_->setToolTip(tr("Why Start is disabled, when it is"));

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(header_);
  layout->addWidget(split, 1);
  layout->addWidget(message_);
  layout->addLayout(buildButtons());
  resize(1180, 720);
  connectControls();

  form_->setConfig(adaptedConfig(parentConfig_, options_->options()));
  info_->listDatasets();
  updateState();
}

QWidget* AdaptDialog::buildSettings()
{
  target_ =
      withTooltip(new QComboBox(this), tr("The dataset the new run trains on: any dataset of the "
                                          "workspace, the parent's own included"));
  task_ =
      withTooltip(new QComboBox(this), tr("ranking: next-item retrieval; ctr: click probability "
                                          "(needs ratings); rating: predict the rating (needs "
                                          "ratings). A new task gets a new head"));
  for (const std::string& task : enumWordList<Task>())
  {
    task_->addItem(qs(task));
  }
  name_ = withTooltip(new QLineEdit(this), tr("Name of the new run"));
  auto* targetBox = new QGroupBox(tr("Target"), this);
  auto* tf = new QFormLayout(targetBox);
  tf->addRow(tr("&Dataset"), target_);
  tf->addRow(tr("Tas&k"), task_);
  tf->addRow(tr("&Name"), name_);

  options_ = new AdaptOptionsBox(this);

  epochs_ = withTooltip(new QSpinBox(this),
                        tr("Maximum passes over the target's training data (1-10000)"));
  epochs_->setRange(1, 10000);
  share_ = withTooltip(new QDoubleSpinBox(this),
                       tr("Share of the target's training examples the run learns from (a fixed "
                          "subset; validation and test unchanged), 1-100%"));
  share_->setRange(1, 100);
  share_->setDecimals(1);
  share_->setSuffix(QStringLiteral(" %"));
  adapterWidth_ = withTooltip(
      new QSpinBox(this), tr("Width of the bottleneck adapters after each encoder and attention "
                             "layer (0-256, 0 = none; parameter-efficient mode needs one)"));
  adapterWidth_->setRange(0, 256);
  lr_ = withTooltip(new QDoubleSpinBox(this), tr("Peak learning rate of the new and re-initialised "
                                                 "parameters (and of carried ones unless they have "
                                                 "their own)"));
  lr_->setDecimals(6);
  lr_->setRange(1e-6, 10);
  lr_->setSingleStep(1e-4);
  processes_ = withTooltip(
      new QSpinBox(this),
      tr("Train the adapted run data-parallel in this many local processes, one thread each "
         "(PyTorch's c10d with Gloo over 127.0.0.1). This process reads the parent and sends its "
         "weights to the others; each process takes batch_size examples per step, so the global "
         "batch is batch_size x processes. 1: this process only"));
  processes_->setObjectName(QStringLiteral("adaptProcesses"));
  processes_->setRange(1, std::max(1, static_cast<int>(std::thread::hardware_concurrency())));
  processes_->setValue(1);
  auto* trainBox = new QGroupBox(tr("Training"), this);
  auto* trf = new QFormLayout(trainBox);
  trf->addRow(tr("&Epochs"), epochs_);
  trf->addRow(tr("&Share of training data"), share_);
  trf->addRow(tr("Adapter &width"), adapterWidth_);
  trf->addRow(tr("&Learning rate"), lr_);
  trf->addRow(tr("&Processes"), processes_);

  auto* left = new QWidget(this);
  auto* ll = new QVBoxLayout(left);
  ll->setContentsMargins(0, 0, 0, 0);
  ll->addWidget(targetBox);
  ll->addWidget(options_);
  ll->addWidget(trainBox);
  ll->addStretch(1);
  return left;
}

QTabWidget* AdaptDialog::buildPreviewTabs()
{
  summary_ = new QLabel(this);
  summary_->setWordWrap(true);
  summary_->setToolTip(tr("Trainable parameters of the adapted network, of all its parameters"));
  QFont big = summary_->font();
  big.setPointSizeF(big.pointSizeF() * 1.2);
  big.setBold(true);
  summary_->setFont(big);
  notes_ = new QLabel(this);
  notes_->setWordWrap(true);
  notes_->setToolTip(tr("The adaptation's decisions in words"));
  report_ = new AdaptReportModel(this);
  reportView_ = new QTableView(this);
  reportView_->setModel(report_);
  reportView_->verticalHeader()->hide();
  reportView_->setAlternatingRowColors(true);
  reportView_->setSelectionBehavior(QAbstractItemView::SelectRows);
  reportView_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  reportView_->horizontalHeader()->setStretchLastSection(true);
  reportView_->setToolTip(
      tr("Every parameter of the adapted network and where its start value "
         "comes from"));
  auto* preview = new QWidget(this);
  auto* pl = new QVBoxLayout(preview);
  pl->addWidget(summary_);
  pl->addWidget(notes_);
  pl->addWidget(reportView_, 1);

  form_ = new ConfigForm(this);
  auto* formScroll = new QScrollArea(this);
  formScroll->setWidget(form_);
  formScroll->setWidgetResizable(true);
  auto* tabs = new QTabWidget(this);
  tabs->addTab(preview, tr("Adaptation &report"));
  tabs->addTab(formScroll, tr("Full &configuration"));
  tabs->setTabToolTip(0, tr("What the new run carries over from the parent (a preview)"));
  tabs->setTabToolTip(1, tr("Every knob of the new run, starting from the parent's"));
  return tabs;
}

QHBoxLayout* AdaptDialog::buildButtons()
{
  start_ = withTooltip(new QPushButton(tr("&Start"), this),
                       tr("Start the adapted run on the Train page (Ctrl+Return)"));
  start_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
  start_->setDefault(true);
  compare_ =
      withTooltip(new QPushButton(tr("Co&mpare adaptation…"), this),
                  tr("Zero-shot vs adapted vs trained from scratch on this target, at several "
                     "shares of its training data"));
  auto* cancel =
      withTooltip(new QPushButton(tr("Cancel"), this), tr("Close without starting (Esc)"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(compare_);
  buttons->addStretch(1);
  buttons->addWidget(cancel);
  buttons->addWidget(start_);
  connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
  return buttons;
}

void AdaptDialog::connectControls()
{
  previewTimer_ = new QTimer(this);
  previewTimer_->setSingleShot(true);
  previewTimer_->setInterval(250);
  connect(previewTimer_, &QTimer::timeout, this, &AdaptDialog::requestPreview);
  connect(info_, &AdaptInfo::datasetsListed, this, &AdaptDialog::onDatasets);
  connect(info_, &AdaptInfo::schemaReady, this, &AdaptDialog::onSchema);
  connect(info_, &AdaptInfo::previewReady, this, &AdaptDialog::onPreview);
  connect(info_, &AdaptInfo::requestFailed, this,
          [this](const QString& m)
          {
            message_->setText(m);
            message_->setStyleSheet(QStringLiteral("color: #b00020"));
          });
  connect(target_, &QComboBox::currentIndexChanged, this, &AdaptDialog::onTargetChanged);
  connect(task_, &QComboBox::currentTextChanged, this,
          [this](const QString& t) { setKnob("model.task", Json(t.toStdString())); });
  connect(epochs_, &QSpinBox::valueChanged, this,
          [this](int v) { setKnob("train.epochs", Json(v)); });
  connect(share_, &QDoubleSpinBox::valueChanged, this,
          [this](double v) { setKnob("train.train_fraction", Json(v / 100.0)); });
  connect(adapterWidth_, &QSpinBox::valueChanged, this,
          [this](int v) { setKnob("model.adapter_width", Json(v)); });
  connect(lr_, &QDoubleSpinBox::valueChanged, this,
          [this](double v) { setKnob("train.lr", Json(v)); });
  connect(name_, &QLineEdit::textEdited, this, [this] { nameEdited_ = true; });
  connect(options_, &AdaptOptionsBox::optionsChanged, this, &AdaptDialog::onOptionsChanged);
  connect(form_, &ConfigForm::configChanged, this, &AdaptDialog::onFormChanged);
  connect(start_, &QPushButton::clicked, this,
          [this]
          {
            if (canStart())
            {
              Q_EMIT startRequested(request());
            }
          });
  connect(compare_, &QPushButton::clicked, this,
          [this] { Q_EMIT compareRequested(parent_.id, targetDataset()); });
}

void AdaptDialog::setBusy(bool busy)
{
  busy_ = busy;
  if (!busy)
  {
    schedulePreview();
  }
  updateState();
}

qint64 AdaptDialog::targetDataset() const
{
  return target_->currentIndex() < 0 ? 0 : target_->currentData().toLongLong();
}

bool AdaptDialog::selectTarget(const QString& datasetName)
{
  const int i = target_->findText(datasetName);
  if (i >= 0)
  {
    target_->setCurrentIndex(i);
  }
  return i >= 0;
}

void AdaptDialog::onDatasets(const DatasetList& list)
{
  datasets_ = list;
  // A later list (another dialog asked for one) keeps the user's choice.
  const qint64 before = targetDataset();
  const qint64 keep = before > 0 ? before : wantedTarget_;
  const QSignalBlocker block(target_);
  target_->clear();
  int select = -1;
  for (const DatasetInfo& d : list)
  {
    target_->addItem(qs(d.name), QVariant::fromValue<qint64>(d.id));
    target_->setItemData(target_->count() - 1,
                         tr("%1 users, %2 items, %3 interactions; %4")
                             .arg(d.users)
                             .arg(d.items)
                             .arg(d.interactions)
                             .arg(d.hasRatings ? tr("with ratings") : tr("no ratings")),
                         Qt::ToolTipRole);
    if (d.id == keep)
    {
      select = target_->count() - 1;
    }
  }
  target_->setCurrentIndex(select >= 0 ? select : 0);
  if (targetDataset() != before)
  {
    onTargetChanged();
  }
}

void AdaptDialog::onTargetChanged()
{
  schemaFor_ = 0;
  form_->setSchema(nullptr);
  const qint64 id = targetDataset();
  if (id > 0)
  {
    info_->describe(id);
  }
  if (!nameEdited_)
  {
    name_->setText(QStringLiteral("%1 → %2").arg(qs(parent_.name), target_->currentText()));
  }
  schedulePreview();
  updateState();
}

void AdaptDialog::onSchema(const SchemaInfo& info)
{
  if (info.datasetId != targetDataset())
  {
    return;
  }
  schemaFor_ = info.datasetId;
  form_->setSchema(&info.schema);
  schedulePreview();
  updateState();
}

void AdaptDialog::setKnob(const char* key, const Json& value)
{
  if (!syncing_)
  {
    form_->setFieldValue(QString::fromLatin1(key), value);
  }
}

void AdaptDialog::onOptionsChanged()
{
  const AdaptOptions o = options_->options();
  if (o.parameterEfficient && form_->config().model.adapterWidth <= 0)
  {
    setKnob("model.adapter_width", Json(adaptedConfig(form_->config(), o).model.adapterWidth));
  }
  schedulePreview();
  updateState();
}

void AdaptDialog::onFormChanged()
{
  const RunConfig& c = form_->config();
  syncing_ = true;
  task_->setCurrentText(qs(wordOf(c.model.task)));
  epochs_->setValue(c.train.epochs);
  share_->setValue(c.train.trainFraction * 100.0);
  adapterWidth_->setValue(c.model.adapterWidth);
  lr_->setValue(c.train.lr);
  syncing_ = false;
  schedulePreview();
  updateState();
}

void AdaptDialog::schedulePreview()
{
  ++generation_;
  previewTimer_->start();
}

void AdaptDialog::requestPreview()
{
  if (busy_ || schemaFor_ == 0 || schemaFor_ != targetDataset() || !form_->isValid())
  {
    updateState();
    return;
  }
  requested_ = generation_;
  summary_->setText(tr("Computing the preview…"));
  info_->preview(parent_.id, targetDataset(), form_->config(), options_->options());
}

void AdaptDialog::onPreview(const AdaptPreview& p)
{
  if (p.parentRun != parent_.id || p.datasetId != targetDataset())
  {
    return;
  }
  previewed_ = requested_;
  previewOk_ = p.ok;
  previewError_ = p.ok ? QString() : p.error;
  report_->setReport(p.ok ? p.report : AdaptReport());
  reportView_->resizeColumnsToContents();
  summary_->setText(p.ok ? trainableSummary(p.report) : tr("No preview: %1").arg(p.error));
  QStringList notes;
  if (p.ok)
  {
    notes << tr("%1 carried, %2 carried partly, %3 re-initialised, %4 added; %5 frozen")
                 .arg(p.report.names("carried").size())
                 .arg(p.report.names("carried-partly").size())
                 .arg(p.report.names("re-initialised").size())
                 .arg(p.report.names("added").size())
                 .arg(p.report.names("frozen").size());
  }
  for (const std::string& n : p.report.notes)
  {
    notes << QStringLiteral("· ") + qs(n);
  }
  notes_->setText(notes.join(QLatin1Char('\n')));
  notes_->setVisible(!notes.isEmpty());
  updateState();
}

bool AdaptDialog::previewCurrent() const
{
  return requested_ != 0 && previewed_ == generation_ && !previewTimer_->isActive();
}

QString AdaptDialog::summaryText() const
{
  return summary_->text();
}

AdaptRequest AdaptDialog::request() const
{
  AdaptRequest r;
  r.parentRun = parent_.id;
  r.datasetId = targetDataset();
  r.config = form_->config();
  r.options = options_->options();
  r.name = name_->text().trimmed();
  r.processes = processes_->value();
  return r;
}

QString AdaptDialog::blocker() const
{
  if (targetDataset() <= 0)
  {
    return tr("Choose a target dataset");
  }
  if (schemaFor_ != targetDataset())
  {
    return tr("Reading the target dataset…");
  }
  if (!form_->isValid())
  {
    const ConfigIssue& i = form_->issues().front();
    return tr("The configuration does not fit %1: %2").arg(target_->currentText(), qs(i.message));
  }
  if (options_->options().parameterEfficient && form_->config().model.adapterWidth <= 0)
  {
    return tr("Parameter-efficient mode needs an adapter width above 0");
  }
  if (busy_)
  {
    return tr("A job is running; wait for it to end or stop it");
  }
  if (previewCurrent() && !previewOk_)
  {
    return tr("This adaptation cannot be made: %1").arg(previewError_);
  }
  return {};
}

void AdaptDialog::updateState()
{
  const QString why = blocker();
  start_->setEnabled(why.isEmpty());
  start_->setToolTip(why.isEmpty() ? tr("Start the adapted run on the Train page (Ctrl+Return)")
                                   : why);
  compare_->setEnabled(!busy_ && targetDataset() > 0);
  message_->setText(why);
  message_->setStyleSheet(QStringLiteral("color: #b00020"));
  if (busy_ && !previewCurrent())
  {
    summary_->setText(tr("The preview waits until the running job ends."));
  }
  else if (!form_->isValid() && schemaFor_ != 0)
  {
    summary_->setText(tr("No preview while the configuration is invalid."));
  }
}

}  // namespace m6
