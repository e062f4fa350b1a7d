#include "ui/dialect_editor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>

namespace m6
{

namespace
{
const char* const kCustom = "custom";
}

DialectEditor::DialectEditor(QWidget* parent) : QWidget(parent)
{
  delimiter_ = new QComboBox(this);
  delimiter_->addItem(tr("Comma ,"), QStringLiteral(","));
  delimiter_->addItem(tr("Tab"), QStringLiteral("\t"));
  delimiter_->addItem(tr("Semicolon ;"), QStringLiteral(";"));
  delimiter_->addItem(tr("Pipe |"), QStringLiteral("|"));
  delimiter_->addItem(tr("Double colon ::"), QStringLiteral("::"));
  delimiter_->addItem(tr("Custom…"), QString::fromLatin1(kCustom));
  delimiter_->setToolTip(tr("The text between two columns"));
  custom_ = new QLineEdit(this);
  custom_->setPlaceholderText(tr("delimiter"));
  custom_->setMaximumWidth(80);
  custom_->setEnabled(false);
  custom_->setToolTip(tr("A delimiter of one or more characters"));
  header_ = new QCheckBox(tr("First row is a header"), this);
  header_->setToolTip(tr("The first row names the columns and is not imported"));
  encoding_ = new QComboBox(this);
  encoding_->addItem(QStringLiteral("UTF-8"), QStringLiteral("utf-8"));
  encoding_->addItem(QStringLiteral("Latin-1"), QStringLiteral("latin-1"));
  encoding_->addItem(tr("Auto (UTF-8, else Latin-1)"), QStringLiteral("auto"));
  encoding_->setToolTip(tr("How the file's bytes become text"));
  quoting_ = new QCheckBox(tr("Quoted fields"), this);
  quoting_->setToolTip(
      tr("Honour \"double quotes\" around fields (delimiters inside quotes are "
         "part of the field)"));

  auto* row = new QHBoxLayout(this);
  row->setContentsMargins(0, 0, 0, 0);
  row->addWidget(new QLabel(tr("Delimiter"), this));
  row->addWidget(delimiter_);
  row->addWidget(custom_);
  row->addSpacing(8);
  row->addWidget(header_);
  row->addSpacing(8);
  row->addWidget(new QLabel(tr("Encoding"), this));
  row->addWidget(encoding_);
  row->addSpacing(8);
  row->addWidget(quoting_);
  row->addStretch(1);

  connect(delimiter_, &QComboBox::currentIndexChanged, this,
          [this]
          {
            custom_->setEnabled(delimiter_->currentData().toString() == QLatin1String(kCustom));
            Q_EMIT changed();
          });
  connect(custom_, &QLineEdit::textChanged, this, &DialectEditor::changed);
  connect(header_, &QCheckBox::toggled, this, &DialectEditor::changed);
  connect(encoding_, &QComboBox::currentIndexChanged, this, &DialectEditor::changed);
  connect(quoting_, &QCheckBox::toggled, this, &DialectEditor::changed);
}

Dialect DialectEditor::dialect() const
{
  Dialect d;
  const QString delim = delimiter_->currentData().toString();
  d.delimiter = (delim == QLatin1String(kCustom) ? custom_->text() : delim).toStdString();
  if (d.delimiter.empty())
  {
    d.delimiter = ",";
  }
  d.header = header_->isChecked();
  parseEncoding(encoding_->currentData().toString().toStdString(), &d.encoding);
  d.quoting = quoting_->isChecked();
  return d;
}

void DialectEditor::setDialect(const Dialect& d)
{
  const QSignalBlocker b1(delimiter_), b2(custom_), b3(header_), b4(encoding_), b5(quoting_);
  const int known = delimiter_->findData(QString::fromStdString(d.delimiter));
  if (known >= 0)
  {
    delimiter_->setCurrentIndex(known);
    custom_->clear();
  }
  else
  {
    delimiter_->setCurrentIndex(delimiter_->findData(QString::fromLatin1(kCustom)));
    custom_->setText(QString::fromStdString(d.delimiter));
  }
  custom_->setEnabled(known < 0);
  header_->setChecked(d.header);
  encoding_->setCurrentIndex(
      std::max(0, encoding_->findData(QString::fromLatin1(encodingName(d.encoding)))));
  quoting_->setChecked(d.quoting);
}

}  // namespace m6
