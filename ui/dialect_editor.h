// DialectEditor: the controls that describe how a delimited file is split: delimiter (comma,
// tab, semicolon, pipe, "::", custom), header row, encoding (utf-8, latin-1, auto) and quoting.
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

#include "storage/text_reader.h"

class QCheckBox;
class QComboBox;
class QLineEdit;

namespace m6
{

class DialectEditor : public QWidget
{
  Q_OBJECT
 public:
  explicit DialectEditor(QWidget* parent = nullptr);

  Dialect dialect() const;
  /// Shows `d` without emitting changed().
  void setDialect(const Dialect& d);

  QComboBox* delimiterCombo() const { return delimiter_; }
  QLineEdit* customDelimiter() const { return custom_; }
  QCheckBox* headerCheck() const { return header_; }
  QComboBox* encodingCombo() const { return encoding_; }
  QCheckBox* quotingCheck() const { return quoting_; }

 Q_SIGNALS:
  void changed();

 private:
  QComboBox* delimiter_ = nullptr;
  QLineEdit* custom_ = nullptr;
  QCheckBox* header_ = nullptr;
  QComboBox* encoding_ = nullptr;
  QCheckBox* quoting_ = nullptr;
};

}  // namespace m6
