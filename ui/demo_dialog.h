// DemoDialog: File > New demo dataset: name, seed, users, items, interactions, validated as you
// type with m6::validateDemoOptions (OK stays disabled while invalid). The caller runs the
// generation (WorkspaceSession::startDemo) with options().
//
// Thread affinity: GUI thread.
#pragma once

#include <QDialog>

#include "model/core/demo_data.h"

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace m6
{

class DemoDialog : public QDialog
{
  Q_OBJECT
 public:
  explicit DemoDialog(const QString& suggestedName, QWidget* parent = nullptr);

  DemoOptions options() const;
  /// validateDemoOptions' message for the current values, "" when valid.
  QString problem() const;

  QLineEdit* nameEdit() const { return name_; }
  QSpinBox* usersBox() const { return users_; }
  QSpinBox* itemsBox() const { return items_; }
  QSpinBox* interactionsBox() const { return interactions_; }

 private:
  void validate();

  QLineEdit* name_ = nullptr;
  QSpinBox* seed_ = nullptr;
  QSpinBox* users_ = nullptr;
  QSpinBox* items_ = nullptr;
  QSpinBox* interactions_ = nullptr;
  QLabel* problem_ = nullptr;
  QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace m6
