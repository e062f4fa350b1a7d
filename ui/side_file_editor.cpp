#include "ui/side_file_editor.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "storage/formats.h"
#include "ui/dialect_editor.h"

namespace m6
{

SideFileEditor::SideFileEditor(ColumnRoleTable::Mode mode, QWidget* parent) : QGroupBox(parent)
{
  const bool users = mode == ColumnRoleTable::Mode::Users;
  setTitle(users ? tr("Users file (optional)") : tr("Items file (optional)"));
  setCheckable(true);
  setChecked(false);
  setToolTip(users ? tr("A file with one row per user: its id and feature columns")
                   : tr("A file with one row per item: its id, title and feature columns"));
  path_ = new QLineEdit(this);
  path_->setReadOnly(true);
  path_->setPlaceholderText(tr("No file chosen"));
  auto* choose = new QPushButton(tr("Choose file…"), this);
  choose->setToolTip(users ? tr("Pick the users file") : tr("Pick the items file"));
  dialect_ = new DialectEditor(this);
  roles_ = new ColumnRoleTable(mode, this);
  auto* row = new QHBoxLayout;
  row->addWidget(path_, 1);
  row->addWidget(choose);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(row);
  layout->addWidget(dialect_);
  layout->addWidget(roles_, 1);

  connect(choose, &QPushButton::clicked, this,
          [this]
          {
            const QString f = QFileDialog::getOpenFileName(this, title(), path_->text());
            if (!f.isEmpty())
            {
              setFile(f);
            }
          });
  connect(dialect_, &DialectEditor::changed, this, &SideFileEditor::reload);
  connect(roles_, &ColumnRoleTable::rolesChanged, this, &SideFileEditor::changed);
  connect(this, &QGroupBox::toggled, this, &SideFileEditor::changed);
}

void SideFileEditor::setFile(const QString& path)
{
  path_->setText(path);
  dialect_->setDialect(sniffDialect(path.toStdString()));
  setChecked(true);
  reload();
}

QString SideFileEditor::file() const
{
  return path_->text();
}

void SideFileEditor::reload()
{
  problem_.clear();
  if (file().isEmpty())
  {
    roles_->setColumns({}, {}, false);
    return;
  }
  const Dialect d = dialect_->dialect();
  auto preview = previewFile(file().toStdString(), d, 5);
  QStringList names, samples;
  if (!preview)
  {
    problem_ = QString::fromStdString(preview.error());
  }
  else
  {
    size_t n = preview->header.size();
    for (const auto& r : preview->rows)
    {
      n = std::max(n, r.size());
    }
    for (size_t c = 0; c < n; ++c)
    {
      names << (c < preview->header.size() ? QString::fromStdString(preview->header[c])
                                           : tr("Column %1").arg(c + 1));
      samples << (!preview->rows.empty() && c < preview->rows[0].size()
                      ? QString::fromStdString(preview->rows[0][c])
                      : QString());
    }
  }
  roles_->setColumns(names, samples, d.header || d.layout == Layout::JsonLines);
  Q_EMIT changed();
}

QString SideFileEditor::validate() const
{
  if (!isChecked())
  {
    return QString();
  }
  if (file().isEmpty())
  {
    return tr("%1: choose a file or untick it").arg(title());
  }
  if (!problem_.isEmpty())
  {
    return problem_;
  }
  const QString roles = roles_->validate();
  return roles.isEmpty() ? QString() : title() + QStringLiteral(": ") + roles;
}

void SideFileEditor::fill(EntitySpec* spec) const
{
  *spec = EntitySpec();
  if (!isUsed())
  {
    return;
  }
  spec->present = true;
  spec->file.path = file().toStdString();
  spec->file.dialect = dialect_->dialect();
  roles_->fillEntity(spec);
}

void SideFileEditor::apply(const EntitySpec& spec)
{
  if (!spec.present)
  {
    setChecked(false);
    return;
  }
  path_->setText(QString::fromStdString(spec.file.path));
  {
    const QSignalBlocker block(dialect_);
    dialect_->setDialect(spec.file.dialect);
  }
  setChecked(true);
  reload();
  roles_->applyEntity(spec);
}

}  // namespace m6
