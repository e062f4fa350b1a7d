// Over 500 lines: the Configure page: dataset, presets, form, time estimate and the rules of its
// train and queue buttons.

#include "ui/configure_page.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include "app/bridge/model_info.h"
#include "app/bridge/qt_text.h"
#include "app/bridge/run_library.h"
#include "model/core/preset_choice.h"
#include "ui/config_form.h"
#include "ui/preset_store.h"
#include "ui/prompts.h"

namespace m6
{

namespace
{

QString fmt(qint64 v)
{
  return QLocale().toString(static_cast<qlonglong>(v));
}

// What train.loss = auto (or the chosen loss) trains with on a catalogue of `items`: the thorough
// preset and the default pick differently on the same dataset, so the page says which.
QString lossText(const RunConfig& c, int64_t items)
{
  switch (effectiveLoss(c, items))
  {
    case Loss::Softmax:
      return ConfigurePage::tr("full softmax");
    case Loss::SampledSoftmax:
      return ConfigurePage::tr("sampled softmax, %1 shared negatives")
          .arg(fmt(c.train.sharedNegatives));
    case Loss::Bce:
      return QStringLiteral("BCE");
    case Loss::Bpr:
      return QStringLiteral("BPR");
    case Loss::Mse:
      return QStringLiteral("MSE");
    case Loss::Auto:
      break;
  }
  return {};
}

const char* const kCustom = "(custom)";

}  // namespace

ConfigurePage::ConfigurePage(ModelInfo* info, RunLibrary* library, QWidget* parent)
    : QWidget(parent), info_(info), library_(library)
{
  store_ = new PresetStore(library, this);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buildPresetBar());
  layout->addLayout(buildNameRow());
  form_ = new ConfigForm(this);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(form_);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  layout->addWidget(scroll, 1);
  layout->addLayout(buildIssuesAndButtons());

  estimateTimer_ = new QTimer(this);
  estimateTimer_->setSingleShot(true);
  estimateTimer_->setInterval(300);  // wait until the user stops typing
  connect(estimateTimer_, &QTimer::timeout, this, &ConfigurePage::requestEstimate);
  connect(form_, &ConfigForm::configChanged, this, &ConfigurePage::onConfigChanged);
  connect(form_, &ConfigForm::validityChanged, this, &ConfigurePage::updateTrainable);
  connect(info_, &ModelInfo::schemaReady, this, &ConfigurePage::onSchema);
  connect(info_, &ModelInfo::estimateReady, this, &ConfigurePage::onEstimate);
  connect(store_, &PresetStore::changed, this, &ConfigurePage::rebuildPresetCombo);
  connect(store_, &PresetStore::problem, this, &ConfigurePage::statusMessage);

  rebuildPresetCombo();
  applyPreset(QString::fromLatin1(kAutoPreset));
  updateTrainable();
}

QHBoxLayout* ConfigurePage::buildPresetBar()
{
  presets_ = new QComboBox(this);
  presets_->setToolTip(
      tr("Fill the form with a preset: auto (the default: thorough up to %1 interactions, "
         "balanced above), quick (a first look in seconds), balanced (large data), thorough "
         "(final numbers), or one of your own")
          .arg(fmt(kThoroughUpToInteractions)));
  auto* savePreset = new QPushButton(tr("Save preset…"), this);
  savePreset->setToolTip(tr("Save the form as a preset of your own, kept in this workspace"));
  auto* deletePreset = new QPushButton(tr("Delete preset"), this);
  deletePreset->setToolTip(tr("Delete the selected preset of your own from this workspace"));
  fromRun_ = new QToolButton(this);
  fromRun_->setText(tr("Load from run"));
  fromRun_->setPopupMode(QToolButton::InstantPopup);
  fromRun_->setToolTip(tr("Fill the form with the configuration of a past run"));
  fromRun_->setMenu(new QMenu(fromRun_));
  auto* importButton = new QPushButton(tr("Import JSON…"), this);
  importButton->setToolTip(tr("Read a configuration file ({\"model\": …, \"train\": …})"));
  auto* exportButton = new QPushButton(tr("Export JSON…"), this);
  exportButton->setToolTip(tr("Write the form as a configuration file (m6-cli train --config)"));
  auto* defaults = new QPushButton(tr("Defaults"), this);
  defaults->setToolTip(tr("Reset every field to the engine's default"));
  auto* bar = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("Preset:"), this));
  bar->addWidget(presets_);
  bar->addWidget(savePreset);
  bar->addWidget(deletePreset);
  bar->addSpacing(12);
  bar->addWidget(fromRun_);
  bar->addWidget(importButton);
  bar->addWidget(exportButton);
  bar->addWidget(defaults);
  bar->addStretch(1);

  connect(presets_, &QComboBox::activated, this,
          [this](int index) { applyPreset(presets_->itemData(index).toString()); });
  connect(savePreset, &QPushButton::clicked, this, &ConfigurePage::askSavePreset);
  connect(deletePreset, &QPushButton::clicked, this, &ConfigurePage::deleteSelectedPreset);
  connect(fromRun_->menu(), &QMenu::aboutToShow, this, &ConfigurePage::fillRunMenu);
  connect(importButton, &QPushButton::clicked, this, &ConfigurePage::chooseImport);
  connect(exportButton, &QPushButton::clicked, this, &ConfigurePage::chooseExport);
  connect(defaults, &QPushButton::clicked, this, [this] { setConfig(RunConfig()); });
  return bar;
}

QHBoxLayout* ConfigurePage::buildNameRow()
{
  name_ = new QLineEdit(this);
  name_->setPlaceholderText(tr("run N"));
  name_->setToolTip(tr("A name for the new run (empty: \"run N\" with its id)"));
  name_->setMaximumWidth(260);
  estimate_ = new QLabel(this);
  estimate_->setToolTip(
      tr("Trainable parameters and training examples per epoch of this configuration on the "
         "selected dataset (the model is built off the GUI thread)"));
  estimate_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* second = new QHBoxLayout;
  second->addWidget(new QLabel(tr("Run name:"), this));
  second->addWidget(name_);
  second->addSpacing(16);
  second->addWidget(estimate_, 1);
  return second;
}

QHBoxLayout* ConfigurePage::buildIssuesAndButtons()
{
  issues_ = new QLabel(this);
  issues_->setWordWrap(true);
  issues_->setStyleSheet(QStringLiteral("color: #b00020"));
  issues_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  train_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Train"), this);
  train_->setDefault(true);
  train_->setMinimumWidth(110);
  search_ = new QPushButton(tr("Search…"), this);
  auto* bottom = new QHBoxLayout;
  bottom->addWidget(issues_, 1);
  bottom->addWidget(search_, 0, Qt::AlignBottom);
  bottom->addWidget(train_, 0, Qt::AlignBottom);

  connect(train_, &QPushButton::clicked, this,
          [this]
          {
            if (canTrain())
            {
              Q_EMIT trainRequested();
            }
          });
  connect(search_, &QPushButton::clicked, this,
          [this]
          {
            if (queueBlocker().isEmpty())
            {
              Q_EMIT searchRequested();
            }
          });
  return bottom;
}

void ConfigurePage::deleteSelectedPreset()
{
  const QString name = presets_->currentData().toString();
  if (!store_->userNames().contains(name))
  {
    Q_EMIT statusMessage(tr("Select a preset of your own to delete"));
    return;
  }
  if (prompts().confirm(this, tr("Delete preset"),
                        tr("Delete the preset \"%1\" from this workspace?").arg(name)))
  {
    QString error;
    if (!store_->remove(name, &error) && !error.isEmpty())
    {
      QMessageBox::warning(this, tr("Delete preset"), error);
    }
  }
}

void ConfigurePage::onEstimate(quint64 /*token*/, const EstimateResult& r)
{
  if (r.datasetId != dataset_.id)
  {
    return;
  }
  if (!r.ok)
  {
    estimate_->setText(tr("No estimate: %1").arg(r.error.section('\n', 0, 0)));
    return;
  }
  const ParamEstimate& e = r.estimate;
  estimate_->setText(tr("<b>%1</b> parameters · <b>%2</b> training examples per epoch · "
                        "%3 steps per epoch · %4 users evaluated · trains with the %5")
                         .arg(fmt(e.parameters), fmt(e.examplesPerEpoch), fmt(e.stepsPerEpoch),
                              fmt(e.evalUsers), lossText(form_->config(), dataset_.items)));
}

const RunConfig& ConfigurePage::config() const
{
  return form_->config();
}

void ConfigurePage::setConfig(const RunConfig& config)
{
  form_->setConfig(config);
}

QString ConfigurePage::runName() const
{
  return name_->text().trimmed();
}

void ConfigurePage::setDataset(const DatasetInfo& info)
{
  if (info.id == dataset_.id && schemaReady_)
  {
    dataset_ = info;
    return;
  }
  dataset_ = info;
  schemaReady_ = false;
  updateAutoLabel();
  if (presets_->currentData().toString() == QLatin1String(kAutoPreset))
  {
    applyPreset(QString::fromLatin1(kAutoPreset));  // the form still shows auto's pick
  }
  form_->setSchema(nullptr);
  estimate_->setText(info.id ? tr("Reading the dataset…") : QString());
  if (info.id)
  {
    info_->describe(info.id);
  }
  updateTrainable();
}

void ConfigurePage::onSchema(const SchemaInfo& info)
{
  if (info.datasetId != dataset_.id)
  {
    return;
  }
  schemaReady_ = true;
  form_->setSchema(&info.schema);
  updateTrainable();
  requestEstimate();
}

void ConfigurePage::onConfigChanged()
{
  // The preset combo says "(custom)" once the form no longer equals the preset it shows.
  const QString shown = presets_->currentData().toString();
  if (!shown.isEmpty())
  {
    const auto p = store_->get(shown, dataset_.interactions);
    if (!p || toJson(*p) != toJson(config()))
    {
      presets_->setCurrentIndex(presets_->findData(QString()));
    }
  }
  updateTrainable();
  if (dataset_.id && schemaReady_)
  {
    estimate_->setText(!form_->isValid() ? tr("No estimate until the marked fields are fixed")
                       : busy_           ? tr("Estimated when the running job has ended")
                                         : tr("Estimating…"));
    if (form_->isValid() && !busy_)
    {
      estimateTimer_->start();
    }
  }
}

void ConfigurePage::requestEstimate()
{
  // Not while a job runs: building a model draws from torch's process-wide random generator,
  // and a run is only reproducible when no other engine job runs beside it (engine.h).
  if (dataset_.id && schemaReady_ && form_->isValid() && !busy_)
  {
    info_->estimate(dataset_.id, config());
  }
}

QString ConfigurePage::trainBlocker() const
{
  QString why = queueBlocker();
  if (why.isEmpty() && busy_)
  {
    return tr("A job is running; stop it first (or add this one to the queue)");
  }
  return why;
}

QString ConfigurePage::queueBlocker() const
{
  if (!dataset_.id)
  {
    return tr("Select a dataset first");
  }
  if (!schemaReady_)
  {
    return tr("The dataset is still being read");
  }
  if (!form_->isValid())
  {
    return tr("Fix the marked fields first: %1").arg(qs(form_->issues().front().message));
  }
  return QString();
}

bool ConfigurePage::canTrain() const
{
  return trainBlocker().isEmpty();
}

void ConfigurePage::setBusy(bool busy)
{
  const bool ended = busy_ && !busy;
  busy_ = busy;
  if (busy)
  {
    estimateTimer_->stop();
  }
  updateTrainable();
  if (ended)
  {
    requestEstimate();  // the form may have changed meanwhile
  }
}

void ConfigurePage::updateTrainable()
{
  QStringList lines;
  for (const ConfigIssue& i : form_->issues())
  {
    lines << QStringLiteral("• ") + qs(i.message).toHtmlEscaped();
  }
  issues_->setText(lines.join(QStringLiteral("<br>")));
  const QString why = trainBlocker();
  const bool can = why.isEmpty();
  train_->setEnabled(can);
  train_->setToolTip(can ? tr("Train a new run with these settings (Ctrl+T)") : why);
  // A search can be written (and queued) while a job runs.
  const QString queueWhy = queueBlocker();
  search_->setEnabled(queueWhy.isEmpty());
  search_->setToolTip(queueWhy.isEmpty()
                          ? tr("Hyperparameter search: vary some settings around these and train "
                               "one run per trial, compared on validation")
                          : queueWhy);
  if (can != lastCan_ || why != lastWhy_)
  {
    lastCan_ = can;
    lastWhy_ = why;
    Q_EMIT trainableChanged(can, why);
  }
}

void ConfigurePage::rebuildPresetCombo()
{
  const QString current = presets_->currentData().toString();
  presets_->clear();
  presets_->addItem(tr(kCustom), QString());
  for (const QString& n : PresetStore::builtInNames())
  {
    presets_->addItem(n, n);
  }
  if (!store_->userNames().isEmpty())
  {
    presets_->insertSeparator(presets_->count());
    for (const QString& n : store_->userNames())
    {
      presets_->addItem(QStringLiteral("★ ") + n, n);
    }
  }
  presets_->setCurrentIndex(qMax(0, presets_->findData(current)));
  updateAutoLabel();
}

void ConfigurePage::updateAutoLabel()
{
  const int index = presets_->findData(QString::fromLatin1(kAutoPreset));
  if (index < 0)
  {
    return;
  }
  presets_->setItemText(
      index, dataset_.id
                 ? tr("auto: %1").arg(QString::fromStdString(autoPresetFor(dataset_.interactions)))
                 : tr("auto"));
}

bool ConfigurePage::applyPreset(const QString& name)
{
  const auto c = store_->get(name, dataset_.interactions);
  if (!c)
  {
    return false;
  }
  form_->setConfig(*c);
  presets_->setCurrentIndex(presets_->findData(name));
  if (name == QLatin1String(kAutoPreset) && dataset_.id)
  {
    Q_EMIT statusMessage(tr("Preset auto: %1 for %2 interactions (thorough up to %3)")
                             .arg(QString::fromStdString(autoPresetFor(dataset_.interactions)),
                                  fmt(dataset_.interactions), fmt(kThoroughUpToInteractions)));
  }
  else
  {
    Q_EMIT statusMessage(tr("Preset %1 loaded").arg(name));
  }
  return true;
}

bool ConfigurePage::saveUserPreset(const QString& name, QString* error)
{
  if (!store_->save(name, config(), error))
  {
    return false;
  }
  presets_->setCurrentIndex(presets_->findData(name.trimmed()));
  Q_EMIT statusMessage(tr("Preset %1 saved in the workspace").arg(name.trimmed()));
  return true;
}

void ConfigurePage::askSavePreset()
{
  QString name = presets_->currentData().toString();
  if (!prompts().askText(this, tr("Save preset"), tr("Preset name:"), &name))
  {
    return;
  }
  QString error;
  if (!saveUserPreset(name, &error))
  {
    QMessageBox::warning(this, tr("Save preset"), error);
  }
}

bool ConfigurePage::loadRunConfig(qint64 runId, QString* error)
{
  const RunEntry* e = library_->find(runId);
  try
  {
    if (!e)
    {
      throw std::runtime_error(tr("no run %1 in the list").arg(runId).toStdString());
    }
    form_->setConfig(fromJson(Json::parse(e->record.configJson)));
  }
  catch (const std::exception& ex)
  {
    if (error)
    {
      *error = QString::fromUtf8(ex.what());
    }
    return false;
  }
  presets_->setCurrentIndex(presets_->findData(QString()));
  Q_EMIT statusMessage(
      tr("Configuration of run %1 (%2) loaded").arg(runId).arg(qs(e->record.name)));
  return true;
}

void ConfigurePage::fillRunMenu()
{
  QMenu* menu = fromRun_->menu();
  menu->clear();
  const RunList& runs = library_->runs();
  for (auto it = runs.rbegin(); it != runs.rend(); ++it)
  {
    const RunRecord& r = it->record;
    const qint64 id = r.id;
    menu->addAction(
        tr("%1 · %2 (%3, %4)").arg(id).arg(qs(r.name), qs(r.datasetName), qs(wordOf(r.status))),
        this, [this, id] { loadRunConfig(id); });
  }
  if (runs.empty())
  {
    menu->addAction(tr("(no runs yet)"))->setEnabled(false);
  }
}

bool ConfigurePage::importJson(const QString& path, QString* error)
{
  RunConfig c;
  if (!readConfigFile(path, &c, error))
  {
    return false;
  }
  form_->setConfig(c);
  presets_->setCurrentIndex(presets_->findData(QString()));
  Q_EMIT statusMessage(tr("Configuration read from %1").arg(path));
  return true;
}

bool ConfigurePage::exportJson(const QString& path, QString* error) const
{
  return writeConfigFile(path, config(), error);
}

void ConfigurePage::chooseImport()
{
  const QString path = QFileDialog::getOpenFileName(this, tr("Import configuration"), QString(),
                                                    tr("JSON (*.json);;All files (*)"));
  QString error;
  if (!path.isEmpty() && !importJson(path, &error))
  {
    QMessageBox::warning(this, tr("Import configuration"),
                         tr("%1 is not a usable configuration:\n%2").arg(path, error));
  }
}

void ConfigurePage::chooseExport()
{
  QString path = QFileDialog::getSaveFileName(this, tr("Export configuration"),
                                              QStringLiteral("config.json"), tr("JSON (*.json)"));
  if (path.isEmpty())
  {
    return;
  }
  if (!path.endsWith(QLatin1String(".json")))
  {
    path += QLatin1String(".json");
  }
  QString error;
  if (!exportJson(path, &error))
  {
    QMessageBox::warning(this, tr("Export configuration"), error);
    return;
  }
  Q_EMIT statusMessage(tr("Configuration written to %1").arg(path));
}

QString ConfigurePage::estimateText() const
{
  return estimate_->text();
}

}  // namespace m6
