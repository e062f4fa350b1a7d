// DialectEditor: the controls that describe how a file is read: its layout (delimited text or
// JSON lines), for delimited text the delimiter (comma, tab, semicolon, pipe, "::", custom),
// header row and quoting; the encoding (utf-8, latin-1, auto) and the values that mean
// "missing" ("?", "NA", ...). A gzip-compressed file is read the same way; the editor says so.
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

#include "storage/text_reader.h"

class QCheckBox;
class QComboBox;
class QLabel;
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
  QComboBox* layoutCombo() const { return layout_; }
  QLineEdit* missingEdit() const { return missing_; }
  /// Shows "gzip-compressed" beside the layout (set from the file, not edited).
  void setCompressed(bool gzip);

 Q_SIGNALS:
  void changed();

 private:
  void updateEnabled();

  QComboBox* layout_ = nullptr;
  QLabel* compressed_ = nullptr;
  QLineEdit* missing_ = nullptr;
  QComboBox* delimiter_ = nullptr;
  QLineEdit* custom_ = nullptr;
  QCheckBox* header_ = nullptr;
  QComboBox* encoding_ = nullptr;
  QCheckBox* quoting_ = nullptr;
};

}  // namespace m6
