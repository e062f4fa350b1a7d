// Editors of the configuration form that Qt does not have as such:
//  - NumberSpinBox: a QDoubleSpinBox that shows numbers as people write them (1e-05, 0.001,
//    0.1) and can step logarithmically (learning rates: x2 / /2 per step).
//  - BigIntEdit: an integer up to 2^53 (the seed), which QSpinBox (int) cannot hold.
//  - FieldListEdit: a comma-separated list of dataset field names, typed or picked from a menu
//    of the dataset's fields.
//
// Thread affinity: GUI thread.
#pragma once

#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QStringList>
#include <QWidget>

class QToolButton;

namespace m6
{

class NumberSpinBox : public QDoubleSpinBox
{
  Q_OBJECT
 public:
  explicit NumberSpinBox(QWidget* parent = nullptr);

  /// Steps multiply / divide by 2 instead of adding singleStep (for rates spanning decades).
  void setLogarithmicSteps(bool on) { logSteps_ = on; }

  QString textFromValue(double value) const override;
  double valueFromText(const QString& text) const override;
  QValidator::State validate(QString& text, int& pos) const override;
  void stepBy(int steps) override;

 private:
  bool logSteps_ = false;
};

class BigIntEdit : public QLineEdit
{
  Q_OBJECT
 public:
  explicit BigIntEdit(qint64 maximum, QWidget* parent = nullptr);
  qint64 value() const { return text().toLongLong(); }
  void setValue(qint64 v);

 Q_SIGNALS:
  void valueChanged(qint64 value);
};

class FieldListEdit : public QWidget
{
  Q_OBJECT
 public:
  explicit FieldListEdit(QWidget* parent = nullptr);

  /// Names offered in the menu (the dataset's fields, qualified where needed).
  void setChoices(const QStringList& names);
  QStringList values() const;
  void setValues(const QStringList& values);
  QLineEdit* lineEdit() const { return edit_; }
  QToolButton* pickButton() const { return pick_; }

 Q_SIGNALS:
  void valuesChanged(QStringList values);

 private:
  void showMenu();

  QLineEdit* edit_ = nullptr;
  QToolButton* pick_ = nullptr;
  QStringList choices_;
};

}  // namespace m6
