#include "ui/csv_mapping_page.h"

#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include "storage/formats.h"
#include "ui/column_role_table.h"
#include "ui/dialect_editor.h"
#include "ui/save_file.h"
#include "ui/side_file_editor.h"

namespace m6
{

CsvMappingPage::CsvMappingPage(QWidget* parent) : QWidget(parent)
{
  fileLabel_ = new QLabel(this);
  fileLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  dialect_ = new DialectEditor(this);
  preview_ = new QTableWidget(this);
  preview_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  preview_->setToolTip(tr("The first rows of the file as they will be split"));
  preview_->verticalHeader()->setDefaultSectionSize(preview_->fontMetrics().height() + 6);
  problems_ = new QLabel(this);
  problems_->setWordWrap(true);
  problems_->setStyleSheet(QStringLiteral("color: #b03030"));
  roles_ = new ColumnRoleTable(ColumnRoleTable::Mode::Interactions, this);

  auto titled = [this](const QString& title, QWidget* body)
  {
    auto* box = new QWidget(this);
    auto* l = new QVBoxLayout(box);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(new QLabel(QStringLiteral("<b>%1</b>").arg(title), box));
    l->addWidget(body, 1);
    return box;
  };
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(titled(tr("Preview of the first rows"), preview_));
  split->addWidget(titled(tr("What each column holds"), roles_));
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);
  auto* columnsTab = new QWidget(this);
  auto* columnsLayout = new QVBoxLayout(columnsTab);
  columnsLayout->addWidget(dialect_);
  columnsLayout->addWidget(split, 1);
  columnsLayout->addWidget(problems_);

  users_ = new SideFileEditor(ColumnRoleTable::Mode::Users, this);
  items_ = new SideFileEditor(ColumnRoleTable::Mode::Items, this);
  tabs_ = new QTabWidget(this);
  tabs_->addTab(columnsTab, tr("Interactions file"));
  tabs_->addTab(users_, tr("Users file"));
  tabs_->addTab(items_, tr("Items file"));

  auto* save = new QPushButton(tr("Save mapping…"), this);
  save->setToolTip(tr("Save this mapping as JSON (usable with m6-cli import --mapping)"));
  auto* load = new QPushButton(tr("Load mapping…"), this);
  load->setToolTip(tr("Load a mapping saved before (JSON)"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(fileLabel_, 1);
  buttons->addWidget(load);
  buttons->addWidget(save);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(buttons);
  layout->addWidget(tabs_, 1);

  connect(dialect_, &DialectEditor::changed, this, &CsvMappingPage::reloadPreview);
  connect(roles_, &ColumnRoleTable::rolesChanged, this, &CsvMappingPage::changed);
  connect(users_, &SideFileEditor::changed, this, &CsvMappingPage::changed);
  connect(items_, &SideFileEditor::changed, this, &CsvMappingPage::changed);
  connect(save, &QPushButton::clicked, this,
          [this]
          {
            QString path = QFileDialog::getSaveFileName(
                this, tr("Save mapping"), QFileInfo(file_).dir().filePath("mapping.json"),
                tr("Mapping (*.json)"));
            QString error;
            if (!path.isEmpty() && !saveMapping(path, &error))
            {
              QMessageBox::warning(this, tr("Save mapping"), error);
            }
          });
  connect(load, &QPushButton::clicked, this,
          [this]
          {
            QString path = QFileDialog::getOpenFileName(
                this, tr("Load mapping"), QFileInfo(file_).path(), tr("Mapping (*.json)"));
            QString error;
            if (!path.isEmpty() && !loadMapping(path, &error))
            {
              QMessageBox::warning(this, tr("Load mapping"), error);
            }
          });
}

void CsvMappingPage::setFile(const QString& path)
{
  file_ = path;
  fileLabel_->setText(tr("File: %1").arg(QFileInfo(path).fileName()));
  fileLabel_->setToolTip(path);
  dialect_->setDialect(sniffDialect(path.toStdString()));
  dialect_->setCompressed(detectCompression(path.toStdString()) == Compression::Gzip);
  reloadPreview();
}

void CsvMappingPage::reloadPreview()
{
  previewError_.clear();
  preview_->clear();
  preview_->setRowCount(0);
  preview_->setColumnCount(0);
  QStringList names, samples;
  const Dialect d = dialect_->dialect();
  auto p = previewFile(file_.toStdString(), d, kPreviewRows);
  RoleGuess guess;
  if (!p)
  {
    previewError_ = QString::fromStdString(p.error());
  }
  else
  {
    size_t n = p->header.size();
    for (const auto& r : p->rows)
    {
      n = std::max(n, r.size());
    }
    for (size_t c = 0; c < n; ++c)
    {
      names << (c < p->header.size() ? QString::fromStdString(p->header[c])
                                     : tr("Column %1").arg(c + 1));
      samples << (!p->rows.empty() && c < p->rows[0].size() ? QString::fromStdString(p->rows[0][c])
                                                            : QString());
    }
    preview_->setColumnCount(static_cast<int>(n));
    preview_->setHorizontalHeaderLabels(names);
    preview_->setRowCount(static_cast<int>(p->rows.size()));
    for (size_t r = 0; r < p->rows.size(); ++r)
    {
      for (size_t c = 0; c < p->rows[r].size(); ++c)
      {
        preview_->setItem(static_cast<int>(r), static_cast<int>(c),
                          new QTableWidgetItem(QString::fromStdString(p->rows[r][c])));
      }
    }
    preview_->resizeColumnsToContents();
    QStringList problems;
    for (const auto& s : p->problems)
    {
      problems << QString::fromStdString(s);
    }
    problems_->setText(problems.mid(0, 5).join(QLatin1Char('\n')));
    guess = guessInteractionRoles(*p);
    if (n == 1 && !p->rows.empty() && d.layout == Layout::Delimited)
    {
      problems_->setText(tr("Every row is a single column: is the delimiter right?"));
    }
  }
  if (!previewError_.isEmpty())
  {
    problems_->setText(previewError_);
  }
  // JSON objects carry many keys (review text, helpful votes, images): only the recognised ones
  // are used until the user picks more; a delimited file's other columns become fields.
  const bool json = d.layout == Layout::JsonLines;
  roles_->setColumns(names, samples, d.header || json, &guess,
                     json ? QStringLiteral("ignore") : QStringLiteral("field"));
  Q_EMIT changed();
}

QString CsvMappingPage::validate() const
{
  if (file_.isEmpty())
  {
    return tr("Choose a file");
  }
  if (!previewError_.isEmpty())
  {
    return previewError_;
  }
  QString problem = roles_->validate();
  if (problem.isEmpty())
  {
    problem = users_->validate();
  }
  if (problem.isEmpty())
  {
    problem = items_->validate();
  }
  return problem;
}

ImportSpec CsvMappingPage::spec() const
{
  ImportSpec s;
  s.source = file_.toStdString();
  s.interactions.file.path = file_.toStdString();
  s.interactions.file.dialect = dialect_->dialect();
  s.format = s.interactions.file.dialect.layout == Layout::JsonLines ? "json-lines" : "csv";
  roles_->fillInteractions(&s.interactions);
  users_->fill(&s.users);
  items_->fill(&s.items);
  return s;
}

QString CsvMappingPage::applySpec(const ImportSpec& spec)
{
  file_ = QString::fromStdString(spec.interactions.file.path);
  fileLabel_->setText(tr("File: %1").arg(QFileInfo(file_).fileName()));
  fileLabel_->setToolTip(file_);
  {
    const QSignalBlocker block(dialect_);
    dialect_->setDialect(spec.interactions.file.dialect);
  }
  reloadPreview();
  roles_->applyInteractions(spec.interactions);
  users_->apply(spec.users);
  items_->apply(spec.items);
  Q_EMIT changed();
  return validate();
}

bool CsvMappingPage::saveMapping(const QString& path, QString* error) const
{
  const std::string text = importSpecToJson(spec()).dump(2) + "\n";
  return saveFileAtomically(path, QByteArray::fromStdString(text), error);
}

bool CsvMappingPage::loadMapping(const QString& path, QString* error)
{
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly))
  {
    *error = tr("Cannot read %1: %2").arg(path, f.errorString());
    return false;
  }
  try
  {
    const Json j = Json::parse(f.readAll().toStdString());
    auto spec = importSpecFromJson(j, QFileInfo(path).absolutePath().toStdString());
    if (!spec)
    {
      *error = QString::fromStdString(spec.error());
      return false;
    }
    applySpec(*spec);
    return true;
  }
  catch (const std::exception& e)
  {
    *error = tr("%1 is not a valid mapping: %2").arg(path, QString::fromUtf8(e.what()));
    return false;
  }
}

}  // namespace m6
