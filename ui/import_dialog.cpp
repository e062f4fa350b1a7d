#include "ui/import_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "app/bridge/workspace_session.h"
#include "storage/formats.h"
#include "ui/csv_mapping_page.h"
#include "ui/import_report_view.h"
#include "ui/job_progress_widget.h"
#include "ui/prompts.h"

namespace m6
{

ImportDialog::ImportDialog(WorkspaceSession* session, QWidget* parent)
    : QDialog(parent), session_(session)
{
  setWindowTitle(tr("Import dataset"));
  pages_ = new QStackedWidget(this);
  pages_->addWidget(buildSourcePage());
  mapping_ = new CsvMappingPage(this);
  pages_->addWidget(mapping_);
  progress_ = new JobProgressWidget(this);
  pages_->addWidget(progress_);
  summary_ = new ImportReportView(this);
  pages_->addWidget(summary_);

  error_ = new QLabel(this);
  error_->setWordWrap(true);
  error_->setStyleSheet(QStringLiteral("color: #b03030"));
  back_ = new QPushButton(tr("Back"), this);
  back_->setToolTip(tr("Back to the source and format"));
  next_ = new QPushButton(tr("Import"), this);
  next_->setDefault(true);
  close_ = new QPushButton(tr("Cancel"), this);
  close_->setToolTip(tr("Close this dialog"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(error_, 1);
  buttons->addWidget(back_);
  buttons->addWidget(next_);
  buttons->addWidget(close_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(pages_, 1);
  layout->addLayout(buttons);

  nameTimer_ = new QTimer(this);
  nameTimer_->setSingleShot(true);
  nameTimer_->setInterval(150);
  connect(nameTimer_, &QTimer::timeout, this, &ImportDialog::checkName);
  connect(name_, &QLineEdit::textChanged, this,
          [this]
          {
            nameChecked_ = false;
            nameTimer_->start();
            updateButtons();
          });
  connect(session_, &WorkspaceSession::nameChecked, this,
          [this](quint64 token, const QString&, const QString& error)
          {
            if (token != nameToken_)
            {
              return;  // an older name
            }
            nameChecked_ = true;
            nameError_ = error;
            nameProblem_->setText(error);
            updateButtons();
          });
  connect(mapping_, &CsvMappingPage::changed, this, &ImportDialog::updateButtons);
  connect(back_, &QPushButton::clicked, this, [this] { showPage(Page::Source); });
  connect(next_, &QPushButton::clicked, this, &ImportDialog::next);
  connect(close_, &QPushButton::clicked, this, &ImportDialog::reject);
  connect(progress_, &JobProgressWidget::cancelRequested, session_, &WorkspaceSession::cancelJob);
  connect(session_, &WorkspaceSession::jobProgress, this,
          [this](quint64 token, const m6::WorkProgress& p)
          {
            if (token == jobToken_)
            {
              progress_->showProgress(p);
            }
          });
  connect(session_, &WorkspaceSession::jobFinished, this, &ImportDialog::onFinished);
  connect(session_, &WorkspaceSession::jobFailed, this, &ImportDialog::onFailed);
  resize(900, 620);
  showPage(Page::Source);
}

QWidget* ImportDialog::buildSourcePage()
{
  auto* page = new QWidget(this);
  path_ = new QLineEdit(page);
  path_->setPlaceholderText(tr("A dataset folder (MovieLens, RecBole) or a delimited file"));
  path_->setToolTip(tr("The folder or file to import"));
  auto* folder = new QPushButton(tr("Folder…"), page);
  folder->setToolTip(tr("Pick a dataset folder (MovieLens 100K / 1M / latest, RecBole)"));
  auto* file = new QPushButton(tr("File…"), page);
  file->setToolTip(tr("Pick one file (a MovieLens or RecBole file, or any CSV/TSV to map)"));
  auto* pathRow = new QHBoxLayout;
  pathRow->addWidget(path_, 1);
  pathRow->addWidget(folder);
  pathRow->addWidget(file);
  detected_ = new QLabel(page);
  detected_->setWordWrap(true);
  formatCombo_ = new QComboBox(page);
  for (const auto& f : knownFormats())
  {
    formatCombo_->addItem(QString::fromStdString(f.label), QString::fromStdString(f.id));
  }
  formatCombo_->setToolTip(tr("Detected from the files; choose another if the guess is wrong"));
  name_ = new QLineEdit(page);
  name_->setToolTip(tr("A unique name for the new dataset (at most 100 characters)"));
  nameProblem_ = new QLabel(page);
  nameProblem_->setStyleSheet(QStringLiteral("color: #b03030"));
  auto* form = new QFormLayout(page);
  form->addRow(tr("Source"), pathRow);
  form->addRow(QString(), detected_);
  form->addRow(tr("Format"), formatCombo_);
  form->addRow(tr("Dataset name"), name_);
  form->addRow(QString(), nameProblem_);
  auto* help = new QLabel(
      tr("<p>Supported sources:</p><ul>"
         "<li><b>MovieLens 100K</b>: the folder with u.data, u.user, u.item</li>"
         "<li><b>MovieLens 1M / 10M</b>: the folder with ratings.dat, users.dat, movies.dat</li>"
         "<li><b>MovieLens latest / 20M / 25M</b>: the folder with ratings.csv, movies.csv, "
         "tags.csv</li>"
         "<li><b>RecBole</b> atomic files: NAME.inter with NAME.user, NAME.item</li>"
         "<li><b>Amazon reviews</b> (2014, 2018, 2023), <b>Yelp reviews</b> and <b>Goodreads</b> "
         "interactions: the JSON-lines file (its item metadata file beside it is read too)</li>"
         "<li><b>Any delimited text or JSON-lines file</b> (CSV, TSV, .jsonl, ...): you map its "
         "columns or keys on the next page</li></ul>"
         "<p>Any of these files may be gzip-compressed (.gz); it is read without unpacking. A "
         "dataset folder may also be picked as the <b>.zip</b> it was downloaded as: it is "
         "unpacked into a temporary folder while importing, then removed.</p>"
         "<p>The import runs in the background; Cancel leaves the workspace as it was. Bad rows "
         "are skipped and listed with their line numbers.</p>"),
      page);
  help->setWordWrap(true);
  help->setStyleSheet(QStringLiteral("color: #505050"));
  form->addRow(QString(), help);

  connect(folder, &QPushButton::clicked, this,
          [this]
          {
            const QString d =
                QFileDialog::getExistingDirectory(this, tr("Dataset folder"), path_->text());
            if (!d.isEmpty())
            {
              setSource(d);
            }
          });
  connect(file, &QPushButton::clicked, this,
          [this]
          {
            const QString f = QFileDialog::getOpenFileName(this, tr("Dataset file"), path_->text());
            if (!f.isEmpty())
            {
              setSource(f);
            }
          });
  connect(path_, &QLineEdit::editingFinished, this,
          [this]
          {
            if (path_->isModified())
            {
              setSource(path_->text());
            }
          });
  connect(formatCombo_, &QComboBox::currentIndexChanged, this, &ImportDialog::updateButtons);
  return page;
}

void ImportDialog::setSource(const QString& path)
{
  path_->setText(path);
  path_->setModified(false);
  error_->clear();
  auto format = detectFormat(path.toStdString());
  if (!format)
  {
    detected_->setText(QString::fromStdString(format.error()));
  }
  else
  {
    setFormat(QString::fromStdString(*format));
    detected_->setText(tr("Detected: %1").arg(formatCombo_->currentText()));
    const Compression compression = detectCompression(path.toStdString());
    if (compression == Compression::Gzip)
    {
      detected_->setText(detected_->text() + tr(" (gzip-compressed)"));
    }
    else if (compression == Compression::Zip)
    {
      detected_->setText(detected_->text() + tr(" (zip archive, unpacked while importing)"));
    }
    if (needsMapping())
    {
      mapping_->setFile(path);
    }
  }
  QFileInfo info(path);
  QString stem = info.fileName();
  if (!info.isDir())
  {
    // "Beauty_5.json.gz" becomes "Beauty_5": the compression suffix, then the format's.
    if (stem.endsWith(QLatin1String(".gz")))
    {
      stem.chop(3);
    }
    stem = QFileInfo(stem).completeBaseName();
  }
  setDatasetName(stem.isEmpty() ? QStringLiteral("dataset") : stem);
  updateButtons();
}

void ImportDialog::setDatasetName(const QString& name)
{
  name_->setText(name);
}

void ImportDialog::checkName()
{
  nameToken_ = session_->checkName(name_->text().trimmed());
}

ImportDialog::Page ImportDialog::page() const
{
  return static_cast<Page>(pages_->currentIndex());
}

bool ImportDialog::needsMapping() const
{
  return format() == QLatin1String("csv") || format() == QLatin1String("json-lines");
}

QString ImportDialog::format() const
{
  return formatCombo_->currentData().toString();
}

void ImportDialog::setFormat(const QString& id)
{
  formatCombo_->setCurrentIndex(std::max(0, formatCombo_->findData(id)));
}

QString ImportDialog::problem() const
{
  if (path_->text().isEmpty() || !QFileInfo::exists(path_->text()))
  {
    return tr("Choose a folder or a file");
  }
  if (name_->text().trimmed().isEmpty())
  {
    return tr("Give the dataset a name");
  }
  if (!nameChecked_)
  {
    return tr("Checking the name…");
  }
  if (!nameError_.isEmpty())
  {
    return nameError_;
  }
  if (needsMapping() && page() == Page::Mapping)
  {
    return mapping_->validate();
  }
  return QString();
}

bool ImportDialog::canProceed() const
{
  return problem().isEmpty();
}

void ImportDialog::showPage(Page p)
{
  pages_->setCurrentIndex(static_cast<int>(p));
  updateButtons();
}

void ImportDialog::updateButtons()
{
  const Page p = page();
  const bool csv = needsMapping();  // a mapping page comes first
  back_->setVisible(p == Page::Mapping);
  next_->setVisible(p == Page::Source || p == Page::Mapping);
  next_->setText(p == Page::Source && csv ? tr("Next") : tr("Import"));
  next_->setToolTip(p == Page::Source && csv ? tr("Map the file's columns")
                                             : tr("Import into the workspace"));
  const QString why = problem();
  next_->setEnabled(why.isEmpty());
  if (p == Page::Source || p == Page::Mapping)
  {
    error_->setText(why == tr("Checking the name…") ? QString() : why);
  }
  close_->setText(p == Page::Summary ? tr("Close") : tr("Cancel"));
  close_->setVisible(p != Page::Progress);
}

void ImportDialog::next()
{
  if (!canProceed())
  {
    return;
  }
  if (page() == Page::Source && needsMapping())
  {
    if (mapping_->file() != path_->text())
    {
      mapping_->setFile(path_->text());
    }
    showPage(Page::Mapping);
    return;
  }
  startImport();
}

void ImportDialog::startImport()
{
  ImportSpec spec;
  if (needsMapping())
  {
    spec = mapping_->spec();
  }
  else
  {
    auto s = specForFormat(format().toStdString(), path_->text().toStdString());
    if (!s)
    {
      error_->setText(QString::fromStdString(s.error()));
      return;
    }
    spec = *s;
  }
  startedFrom_ = page();
  jobToken_ = session_->startImport(spec, name_->text().trimmed());
  if (jobToken_ == 0)
  {
    error_->setText(tr("Another import or demo generation is running; wait for it to end."));
    return;
  }
  progress_->start(tr("Importing %1").arg(name_->text().trimmed()));
  showPage(Page::Progress);
}

void ImportDialog::onFinished(quint64 token, const m6::ImportResult& result)
{
  if (token != jobToken_)
  {
    return;
  }
  jobToken_ = 0;
  if (result.cancelled)
  {
    showPage(startedFrom_);
    error_->setText(tr("Import cancelled; the workspace is unchanged."));
    return;
  }
  summary_->setReport(result.outcome.dataset, result.outcome.report);
  showPage(Page::Summary);
  Q_EMIT imported(result.outcome.dataset);
}

void ImportDialog::onFailed(quint64 token, const QString& message)
{
  if (token != jobToken_)
  {
    return;
  }
  jobToken_ = 0;
  showPage(startedFrom_);
  error_->setText(tr("Import failed: %1").arg(message));
}

void ImportDialog::reject()
{
  if (jobToken_ != 0)
  {
    if (prompts().confirm(this, tr("Import dataset"), tr("Cancel the running import?")))
    {
      session_->cancelJob();  // the cancelled outcome brings the dialog back to its first page
    }
    return;
  }
  QDialog::reject();
}

}  // namespace m6
