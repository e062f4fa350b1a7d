// addWidgetShortcut: a keyboard shortcut that works while a widget (or one of its children) has
// the focus, as a hidden QAction owned by that widget. Used by the pages that offer keys without
// a menu entry (the runs table's F2 and Delete, the user picker's Alt+Up/Down and Ctrl+R/L).
//
// Thread affinity: GUI thread.
#pragma once

#include <QAction>
#include <QKeySequence>
#include <QWidget>

namespace m6
{

/// Adds to `owner` an action with `keys` (context: the owner and its children) whose trigger
/// calls `slot` on `receiver`; returns it (owned by `owner`).
template <class Receiver, class Slot>
QAction* addWidgetShortcut(QWidget* owner, const QKeySequence& keys, Receiver* receiver, Slot slot)
{
  auto* a = new QAction(owner);
  a->setShortcut(keys);
  a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  QObject::connect(a, &QAction::triggered, receiver, slot);
  owner->addAction(a);
  return a;
}

}  // namespace m6
