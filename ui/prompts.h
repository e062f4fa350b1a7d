// Questions the GUI asks the user (confirmations, a new name), behind a replaceable hook so
// tests can answer them without a modal dialog.
//
// Thread affinity: GUI thread.
#pragma once

#include <QString>
#include <functional>

class QWidget;

namespace m6
{

struct Prompts
{
  /// Yes/no question; true for yes. Default: QMessageBox::question.
  std::function<bool(QWidget* parent, const QString& title, const QString& text)> confirm;
  /// Asks for a line of text; false when cancelled. Default: QInputDialog::getText.
  std::function<bool(QWidget* parent, const QString& title, const QString& label, QString* text)>
      askText;
};

/// The hooks in use (defaults until a test replaces them).
Prompts& prompts();

}  // namespace m6
