// Durations as people read them on the Train page and in the run table.
//
// Thread affinity: none.
#pragma once

#include <QString>

namespace m6
{

/// "1:05", "12:03", "1:02:03" for a number of seconds; "–" for a negative or absurd one.
QString formatDuration(double seconds);

}  // namespace m6
