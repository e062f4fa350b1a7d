#include "ui/save_file.h"

#include <qcustomplot.h>

#include <QBuffer>
#include <QFile>
#include <QFileDialog>
#include <QObject>
#include <QPixmap>
#include <QSaveFile>
#include <QTemporaryDir>

#include "model/core/text.h"

namespace m6
{

namespace
{

bool fail(QString* error, const QString& path, const QString& why)
{
  if (error)
  {
    *error = QObject::tr("Could not write %1: %2").arg(path, why);
  }
  return false;
}

}  // namespace

QString csvField(const QString& s)
{
  return QString::fromStdString(m6::csvField(s.toStdString()));  // one quoting rule
}

QString askSavePath(QWidget* parent, const QString& title, const QString& suggested,
                    const QString& filter, const QString& suffix)
{
  QString path = QFileDialog::getSaveFileName(parent, title, suggested, filter);
  if (!path.isEmpty() && !path.endsWith(suffix, Qt::CaseInsensitive))
  {
    path += suffix;
  }
  return path;
}

bool saveFileAtomically(const QString& path, const QByteArray& bytes, QString* error)
{
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly))
  {
    return fail(error, path, f.errorString());
  }
  if (f.write(bytes) != bytes.size())
  {
    const QString why = f.errorString();
    f.cancelWriting();
    return fail(error, path, why);
  }
  if (!f.commit())
  {
    return fail(error, path, f.errorString());
  }
  return true;
}

bool savePlotAtomically(QCustomPlot* plot, const QString& path, QString* error, int width,
                        int height)
{
  const int w = width > 0 ? width : plot->width();
  const int h = height > 0 ? height : plot->height();
  QByteArray bytes;
  if (path.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive))
  {
    // QCustomPlot writes PDFs only to a named file: render into a private temporary folder,
    // then move the bytes into place atomically.
    QTemporaryDir tmp;
    const QString file = tmp.filePath(QStringLiteral("plot.pdf"));
    QFile pdf(file);
    if (!tmp.isValid() || !plot->savePdf(file, w, h) || !pdf.open(QIODevice::ReadOnly))
    {
      return fail(error, path, QObject::tr("the PDF could not be drawn"));
    }
    bytes = pdf.readAll();
  }
  else
  {
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!plot->toPixmap(w, h, 2.0).save(&buffer, "PNG"))
    {
      return fail(error, path, QObject::tr("the image could not be drawn"));
    }
  }
  return saveFileAtomically(path, bytes, error);
}

}  // namespace m6
