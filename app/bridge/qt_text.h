// Text across the Qt boundary: the engine and storage speak UTF-8 std::string, widgets QString.
//
// Thread affinity: none.
#pragma once

#include <QString>
#include <string>

namespace m6
{

/// A UTF-8 std::string as a QString.
inline QString qs(const std::string& s)
{
  return QString::fromStdString(s);
}

}  // namespace m6
