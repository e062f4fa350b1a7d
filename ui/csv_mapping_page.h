// CsvMappingPage: the import dialog's mapping page for a delimited file: a live preview of the
// first rows that follows the dialect controls (initial guess from sniffDialect), a role per
// column, optional users and items side files, and Save / Load mapping as JSON (the format of
// `m6-cli import --mapping`, storage/import_spec.h).
//
// Thread affinity: GUI thread. Reads at most the first 50 rows of the file for the preview.
#pragma once

#include <QWidget>

#include "storage/import_spec.h"

class QLabel;
class QTableWidget;
class QTabWidget;

namespace m6
{

class ColumnRoleTable;
class DialectEditor;
class SideFileEditor;

class CsvMappingPage : public QWidget
{
  Q_OBJECT
 public:
  static constexpr int kPreviewRows = 50;

  explicit CsvMappingPage(QWidget* parent = nullptr);

  /// The interactions file: sniffs its dialect and guesses the roles.
  void setFile(const QString& path);
  const QString& file() const { return file_; }

  /// "" when the mapping can be imported, else the first problem.
  QString validate() const;
  /// The mapping as an ImportSpec (format "csv").
  ImportSpec spec() const;
  /// Shows a loaded mapping. Returns "" or an error.
  QString applySpec(const ImportSpec& spec);

  bool saveMapping(const QString& path, QString* error) const;
  bool loadMapping(const QString& path, QString* error);

  DialectEditor* dialectEditor() const { return dialect_; }
  QTableWidget* preview() const { return preview_; }
  ColumnRoleTable* roles() const { return roles_; }
  SideFileEditor* usersFile() const { return users_; }
  SideFileEditor* itemsFile() const { return items_; }

 Q_SIGNALS:
  void changed();

 private:
  void reloadPreview();

  QString file_;
  QLabel* fileLabel_ = nullptr;
  DialectEditor* dialect_ = nullptr;
  QTableWidget* preview_ = nullptr;
  QLabel* problems_ = nullptr;
  ColumnRoleTable* roles_ = nullptr;
  SideFileEditor* users_ = nullptr;
  SideFileEditor* items_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  QString previewError_;
};

}  // namespace m6
