// Every control gets a tooltip: withTooltip(new QSpinBox(this), tr("...")) sets it inline.
//
// Thread affinity: GUI thread.
#pragma once

#include <QString>

namespace m6
{

template <typename W>
W* withTooltip(W* widget, const QString& text)
{
  widget->setToolTip(text);
  return widget;
}

}  // namespace m6
