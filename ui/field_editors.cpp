#include "ui/field_editors.h"

#include <QHBoxLayout>
#include <QLocale>
#include <QMenu>
#include <QRegularExpressionValidator>
#include <QToolButton>
#include <cmath>

namespace m6
{

NumberSpinBox::NumberSpinBox(QWidget* parent) : QDoubleSpinBox(parent)
{
  setDecimals(12);  // the stored precision; the text shows 6 significant digits
  setKeyboardTracking(true);
}

QString NumberSpinBox::textFromValue(double value) const
{
  return QLocale().toString(value, 'g', 6);
}

double NumberSpinBox::valueFromText(const QString& text) const
{
  bool ok = false;
  const double v = QLocale().toDouble(text.trimmed(), &ok);
  return ok ? v : value();
}

QValidator::State NumberSpinBox::validate(QString& text, int& pos) const
{
  Q_UNUSED(pos);
  const QString t = text.trimmed();
  if (t.isEmpty() || t == QLatin1String("-") || t.endsWith(QLatin1Char('e'), Qt::CaseInsensitive) ||
      t.endsWith(QLatin1String("e-"), Qt::CaseInsensitive) || t.endsWith(QLocale().decimalPoint()))
  {
    return QValidator::Intermediate;
  }
  bool ok = false;
  const double v = QLocale().toDouble(t, &ok);
  if (!ok)
  {
    return QValidator::Invalid;
  }
  return v >= minimum() && v <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
}

void NumberSpinBox::stepBy(int steps)
{
  if (!logSteps_)
  {
    QDoubleSpinBox::stepBy(steps);
    return;
  }
  const double v = value() > 0 ? value() : 1e-3;
  setValue(qBound(minimum(), v * std::pow(2.0, steps), maximum()));
}

BigIntEdit::BigIntEdit(qint64 maximum, QWidget* parent) : QLineEdit(parent)
{
  const int digits = static_cast<int>(QString::number(maximum).size());
  setValidator(new QRegularExpressionValidator(
      QRegularExpression(QStringLiteral("\\d{1,%1}").arg(digits)), this));
  connect(this, &QLineEdit::textEdited, this, [this] { Q_EMIT valueChanged(value()); });
}

void BigIntEdit::setValue(qint64 v)
{
  setText(QString::number(v));
}

FieldListEdit::FieldListEdit(QWidget* parent) : QWidget(parent)
{
  edit_ = new QLineEdit(this);
  edit_->setPlaceholderText(tr("all"));
  edit_->setClearButtonEnabled(true);
  pick_ = new QToolButton(this);
  pick_->setText(QStringLiteral("…"));
  pick_->setToolTip(tr("Pick fields of the selected dataset"));
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  layout->addWidget(edit_, 1);
  layout->addWidget(pick_);
  connect(edit_, &QLineEdit::textEdited, this, [this] { Q_EMIT valuesChanged(values()); });
  connect(pick_, &QToolButton::clicked, this, &FieldListEdit::showMenu);
}

void FieldListEdit::setChoices(const QStringList& names)
{
  choices_ = names;
  pick_->setEnabled(!names.isEmpty());
}

QStringList FieldListEdit::values() const
{
  QStringList out;
  for (const QString& part : edit_->text().split(QLatin1Char(',')))
  {
    if (!part.trimmed().isEmpty())
    {
      out << part.trimmed();
    }
  }
  return out;
}

void FieldListEdit::setValues(const QStringList& values)
{
  const QString text = values.join(QStringLiteral(", "));
  if (edit_->text() != text)
  {
    edit_->setText(text);
  }
}

void FieldListEdit::showMenu()
{
  QMenu menu(this);
  const QStringList current = values();
  for (const QString& name : choices_)
  {
    QAction* a = menu.addAction(name);
    a->setCheckable(true);
    a->setChecked(current.contains(name));
  }
  menu.addSeparator();
  QAction* none = menu.addAction(tr("Clear (use the default)"));
  QAction* chosen = menu.exec(pick_->mapToGlobal(QPoint(0, pick_->height())));
  if (!chosen)
  {
    return;
  }
  QStringList next = current;
  if (chosen == none)
  {
    next.clear();
  }
  else if (chosen->isChecked())
  {
    next << chosen->text();
  }
  else
  {
    next.removeAll(chosen->text());
  }
  setValues(next);
  Q_EMIT valuesChanged(values());
}

}  // namespace m6
