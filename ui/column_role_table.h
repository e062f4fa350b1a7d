// ColumnRoleTable: one row per column of a delimited file, saying what the column means:
// a role (interactions: ignore, user, item, rating, timestamp, field; side files: ignore, id,
// title (items), field), for fields a kind (categorical, multi + separator, numeric, text,
// timestamp) and for times a format (auto, unix, iso8601).
//
// Thread affinity: GUI thread.
#pragma once

#include <QStringList>
#include <QTableWidget>

#include "storage/import_spec.h"
#include "storage/mapping_guess.h"

class QComboBox;
class QLineEdit;

namespace m6
{

class ColumnRoleTable : public QTableWidget
{
  Q_OBJECT
 public:
  enum class Mode
  {
    Interactions,
    Users,
    Items
  };

  explicit ColumnRoleTable(Mode mode, QWidget* parent = nullptr);

  /// Rebuilds the rows for these columns. `hasHeader`: columns are referred to by name in the
  /// spec, otherwise by index. Interactions take their roles from `guess`
  /// (storage/mapping_guess.h) when given, other columns becoming `otherRole`; side files guess
  /// the id and title from the names.
  void setColumns(const QStringList& names, const QStringList& samples, bool hasHeader,
                  const RoleGuess* guess = nullptr, const QString& otherRole = "field");
  int columnsShown() const { return rowCount(); }

  QComboBox* roleCombo(int column) const;
  QComboBox* kindCombo(int column) const;
  QLineEdit* separatorEdit(int column) const;
  QComboBox* timeFormatCombo(int column) const;
  /// Role id of a column ("ignore", "user", "item", "rating", "timestamp", "id", "title", "field").
  QString role(int column) const;
  void setRole(int column, const QString& role);
  void setKind(int column, FieldKind kind);

  /// "" when the roles make a valid mapping, else what is wrong.
  QString validate() const;
  void fillInteractions(InteractionsSpec* spec) const;
  void fillEntity(EntitySpec* spec) const;
  /// Shows the roles of a loaded mapping (columns matched by name, else by index).
  void applyInteractions(const InteractionsSpec& spec);
  void applyEntity(const EntitySpec& spec);

 Q_SIGNALS:
  void rolesChanged();

 private:
  ColumnRef ref(int column) const;
  int find(const ColumnRef& ref) const;
  void applyField(const FieldSpec& f);
  FieldSpec fieldOf(int column) const;
  void updateRow(int column);

  Mode mode_;
  QStringList names_;
  bool hasHeader_ = false;
};

}  // namespace m6
