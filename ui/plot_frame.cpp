#include "ui/plot_frame.h"

#include <qcustomplot.h>

#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/save_file.h"

namespace m6
{

PlotFrame::PlotFrame(const QString& title, const QString& fileStem, QWidget* parent)
    : QWidget(parent), stem_(fileStem)
{
  auto* header = header_ = new QHBoxLayout;
  auto* label = title_ = new QLabel(this);
  setTitle(title);
  auto* save = new QToolButton(this);
  save->setText(tr("Save…"));
  save->setToolTip(tr("Save this plot as PNG or PDF"));
  save->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(save);
  menu->addAction(tr("Save as PNG…"), this, [this] { saveWithDialog(false); });
  menu->addAction(tr("Save as PDF…"), this, [this] { saveWithDialog(true); });
  save->setMenu(menu);
  header->addWidget(label, 1);
  header->addWidget(save);

  plot_ = new QCustomPlot(this);
  plot_->setMinimumSize(280, 200);
  plot_->setContextMenuPolicy(Qt::CustomContextMenu);
  plot_->setToolTip(tr("Right-click to save this plot as PNG or PDF"));
  connect(plot_, &QCustomPlot::customContextMenuRequested, this, &PlotFrame::showMenu);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(header);
  layout->addWidget(plot_, 1);
}

bool PlotFrame::saveTo(const QString& path, QString* error)
{
  return savePlotAtomically(plot_, path, error);
}

void PlotFrame::saveWithDialog(bool pdf)
{
  const QString filter = pdf ? tr("PDF (*.pdf)") : tr("PNG image (*.png)");
  QString path =
      QFileDialog::getSaveFileName(this, tr("Save plot"), stem_ + (pdf ? ".pdf" : ".png"), filter);
  if (path.isEmpty())
  {
    return;
  }
  const QString suffix = pdf ? QStringLiteral(".pdf") : QStringLiteral(".png");
  if (!path.endsWith(suffix, Qt::CaseInsensitive))
  {
    path += suffix;
  }
  QString error;
  if (!saveTo(path, &error))
  {
    QMessageBox::warning(this, tr("Save plot"), error);
  }
}

void PlotFrame::setTitle(const QString& title)
{
  title_->setText(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()));
}

void PlotFrame::addHeaderWidget(QWidget* widget)
{
  header_->insertWidget(header_->count() - 1, widget);
}

void PlotFrame::addMenuAction(QAction* action)
{
  menuActions_.append(action);
}

void PlotFrame::showMenu(const QPoint& pos)
{
  QMenu menu(this);
  if (!menuActions_.isEmpty())
  {
    menu.addActions(menuActions_);
    menu.addSeparator();
  }
  menu.addAction(tr("Save as PNG…"), this, [this] { saveWithDialog(false); });
  menu.addAction(tr("Save as PDF…"), this, [this] { saveWithDialog(true); });
  menu.exec(plot_->mapToGlobal(pos));
}

}  // namespace m6
