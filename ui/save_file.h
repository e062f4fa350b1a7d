// Writing files from the GUI: every file the window writes (CSV exports, configuration and
// mapping files, plots) goes through QSaveFile, so a failed or interrupted write leaves the old
// file as it was instead of a truncated one, and every failure comes back as a sentence for the
// user ("Could not write /x/y.csv: No space left on device").
//
// Thread affinity: GUI thread (the plot functions draw widgets); the byte writer is thread-free.
#pragma once

#include <QByteArray>
#include <QString>

class QCustomPlot;
class QWidget;

namespace m6
{

/// Writes `bytes` to `path` atomically (a temporary file renamed over the target on commit).
/// False, with `error` set (when given), on any failure; the target is then untouched.
bool saveFileAtomically(const QString& path, const QByteArray& bytes, QString* error = nullptr);

/// A CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a line break.
QString csvField(const QString& s);

/// Asks where to save (a file dialog starting at `suggested`); the path ends in `suffix` (".csv").
/// Empty when the user cancelled.
QString askSavePath(QWidget* parent, const QString& title, const QString& suggested,
                    const QString& filter, const QString& suffix);

/// Writes a plot as PDF (suffix .pdf) or PNG (otherwise, at twice the pixel density) through
/// saveFileAtomically. width/height 0 = the widget's size.
bool savePlotAtomically(QCustomPlot* plot, const QString& path, QString* error = nullptr,
                        int width = 0, int height = 0);

}  // namespace m6
