#include "ui/prompts.h"

#include <QInputDialog>
#include <QMessageBox>

namespace m6
{

Prompts& prompts()
{
  static Prompts p{[](QWidget* parent, const QString& title, const QString& text)
                   {
                     return QMessageBox::question(parent, title, text,
                                                  QMessageBox::Yes | QMessageBox::No,
                                                  QMessageBox::No) == QMessageBox::Yes;
                   },
                   [](QWidget* parent, const QString& title, const QString& label, QString* text)
                   {
                     bool ok = false;
                     const QString answer =
                         QInputDialog::getText(parent, title, label, QLineEdit::Normal, *text, &ok);
                     if (ok)
                     {
                       *text = answer;
                     }
                     return ok;
                   }};
  return p;
}

}  // namespace m6
