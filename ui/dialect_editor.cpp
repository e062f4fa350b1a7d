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
  layout_ = new QComboBox(this);
  layout_->addItem(tr("Delimited text"), QString::fromLatin1(layoutName(Layout::Delimited)));
  layout_->addItem(tr("JSON lines"), QString::fromLatin1(layoutName(Layout::JsonLines)));
  layout_->setToolTip(
      tr("Delimited text (CSV, TSV, ...) or JSON lines (one {...} object per line, columns are "
         "its keys; nested keys as a.b)"));
  compressed_ = new QLabel(this);
  compressed_->setToolTip(tr("The file is decompressed while it is read"));
  missing_ = new QLineEdit(this);
  missing_->setPlaceholderText(tr("e.g. ?, NA"));
  missing_->setMaximumWidth(110);
  missing_->setToolTip(
      tr("Values that mean \"missing\", separated by commas (an empty value always is); "
         "a missing rating or feature is left out, a missing id rejects the row"));
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
  row->addWidget(layout_);
  row->addWidget(compressed_);
  row->addSpacing(8);
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
  row->addSpacing(8);
  row->addWidget(new QLabel(tr("Missing"), this));
  row->addWidget(missing_);
  row->addStretch(1);

  connect(layout_, &QComboBox::currentIndexChanged, this,
          [this]
          {
            updateEnabled();
            Q_EMIT changed();
          });
  connect(missing_, &QLineEdit::textChanged, this, &DialectEditor::changed);

  connect(delimiter_, &QComboBox::currentIndexChanged, this,
          [this]
          {
            updateEnabled();
            Q_EMIT changed();
          });
  connect(custom_, &QLineEdit::textChanged, this, &DialectEditor::changed);
  connect(header_, &QCheckBox::toggled, this, &DialectEditor::changed);
  connect(encoding_, &QComboBox::currentIndexChanged, this, &DialectEditor::changed);
  connect(quoting_, &QCheckBox::toggled, this, &DialectEditor::changed);
}

void DialectEditor::updateEnabled()
{
  const bool delimited = layout_->currentIndex() == 0;
  delimiter_->setEnabled(delimited);
  custom_->setEnabled(delimited && delimiter_->currentData().toString() == QLatin1String(kCustom));
  header_->setEnabled(delimited);
  quoting_->setEnabled(delimited);
}

void DialectEditor::setCompressed(bool gzip)
{
  compressed_->setText(gzip ? tr("(gzip-compressed)") : QString());
}

Dialect DialectEditor::dialect() const
{
  Dialect d;
  parseLayout(layout_->currentData().toString().toStdString(), &d.layout);
  for (const QString& m : missing_->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
  {
    if (!m.trimmed().isEmpty())
    {
      d.missing.push_back(m.trimmed().toStdString());
    }
  }
  const QString delim = delimiter_->currentData().toString();
  d.delimiter = (delim == QLatin1String(kCustom) ? custom_->text() : delim).toStdString();
  if (d.delimiter.empty())
  {
    d.delimiter = ",";
  }
  d.header = header_->isChecked();
  parseEncoding(encoding_->currentData().toString().toStdString(), &d.encoding);
  d.quoting = quoting_->isChecked();
  if (d.layout == Layout::JsonLines)
  {
    d.header = false;
    d.quoting = false;
  }
  return d;
}

void DialectEditor::setDialect(const Dialect& d)
{
  const QSignalBlocker b1(delimiter_), b2(custom_), b3(header_), b4(encoding_), b5(quoting_),
      b6(layout_), b7(missing_);
  layout_->setCurrentIndex(d.layout == Layout::JsonLines ? 1 : 0);
  QStringList missing;
  for (const auto& m : d.missing)
  {
    missing << QString::fromStdString(m);
  }
  missing_->setText(missing.join(QStringLiteral(", ")));
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
  updateEnabled();
}

}  // namespace m6
