// SideFileEditor: an optional users or items side file of a delimited import: the file, its
// dialect, and per column its role (id, title for items, field of a kind, or ignore).
//
// Thread affinity: GUI thread. Reads the first rows of the chosen file for its columns.
#pragma once

#include <QGroupBox>

#include "storage/import_spec.h"
#include "ui/column_role_table.h"

class QLineEdit;

namespace m6
{

class DialectEditor;

class SideFileEditor : public QGroupBox
{
  Q_OBJECT
 public:
  SideFileEditor(ColumnRoleTable::Mode mode, QWidget* parent = nullptr);

  /// Picks the file (sniffs its dialect, reads its columns) and enables the group.
  void setFile(const QString& path);
  QString file() const;
  bool isUsed() const { return isChecked() && !file().isEmpty(); }
  ColumnRoleTable* roles() const { return roles_; }
  DialectEditor* dialectEditor() const { return dialect_; }

  /// "" when unused or valid, else the problem.
  QString validate() const;
  void fill(EntitySpec* spec) const;
  void apply(const EntitySpec& spec);

 Q_SIGNALS:
  void changed();

 private:
  void reload();

  QLineEdit* path_ = nullptr;
  DialectEditor* dialect_ = nullptr;
  ColumnRoleTable* roles_ = nullptr;
  QString problem_;
};

}  // namespace m6
